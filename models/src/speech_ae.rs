//! The speech codec's learned quantizer: an MLP autoencoder over blocks of vocoder
//! feature vectors with a finite scalar quantizer (FSQ, Mentzer et al. 2023) in the middle.
//!
//! Encoder: `inputs → hidden → hidden → latent` with leaky ReLU; each latent is bounded by
//! `tanh` to `±(levels−1)/2` and rounded, with a straight-through gradient. Decoder:
//! `latent → hidden → hidden → inputs` on the codes scaled to `[−1, 1]`. The loss is a
//! weighted squared error on the normalised features; the rate is fixed by the code
//! count and levels (the entropy tables are counted on the training set at export).

use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::leaky_relu;
use ncodec::codecs::speech::model::LEAK;

use crate::byte_lm::{to_vec, LayerF32};

/// Shape of a [`SpeechAe`].
#[derive(Config, Debug, PartialEq)]
pub struct SpeechAeConfig {
    /// Inputs (feature numbers per block).
    pub inputs: usize,
    /// Hidden width.
    #[config(default = 256)]
    pub hidden: usize,
    /// Latent dimensions.
    #[config(default = 10)]
    pub latent: usize,
    /// Levels per latent (odd).
    #[config(default = 7)]
    pub levels: usize,
    /// Blocks on each side whose codes the decoder also sees.
    #[config(default = 1)]
    pub context: usize,
}

impl SpeechAeConfig {
    /// A fresh model on `device`.
    pub fn init(&self, device: &Device) -> SpeechAe {
        let (i, h, l) = (self.inputs, self.hidden, self.latent);
        let layer = |a, b| LinearConfig::new(a, b).init(device);
        SpeechAe {
            encoder: vec![layer(i, h), layer(h, h), layer(h, l)],
            decoder: vec![layer(l * self.window(), h), layer(h, h), layer(h, i)],
            half: (self.levels - 1) as f64 / 2.0,
            inputs: i,
            window: self.window(),
        }
    }

    /// Blocks the decoder sees (the block and its context on both sides).
    pub fn window(&self) -> usize {
        2 * self.context + 1
    }

    /// Number of parameters.
    pub fn parameters(&self) -> usize {
        let (i, h, l) = (self.inputs, self.hidden, self.latent);
        (i + 1) * h
            + (h + 1) * h
            + (h + 1) * l
            + (l * self.window() + 1) * h
            + (h + 1) * h
            + (h + 1) * i
    }
}

/// The feature autoencoder.
#[derive(Module, Debug)]
pub struct SpeechAe {
    encoder: Vec<Linear>,
    decoder: Vec<Linear>,
    half: f64,
    inputs: usize,
    window: usize,
}

impl SpeechAe {
    /// Bounded latents before rounding, `[batch, latent]` in `±half`.
    pub fn bounded(&self, x: Tensor<2>) -> Tensor<2> {
        let h = leaky_relu(self.encoder[0].forward(x), LEAK as f64);
        let h = leaky_relu(self.encoder[1].forward(h), LEAK as f64);
        self.encoder[2].forward(h).tanh().mul_scalar(self.half)
    }

    /// The reconstruction of the middle block of each row of `x` (`[batch, window ×
    /// inputs]`: consecutive blocks) through the rounded codes of all of them
    /// (straight-through gradient); `mask` (`[batch, window × latent]`, 0 or 1) drops
    /// missing neighbours as the codec's decoder does at the ends.
    pub fn forward(&self, x: Tensor<2>, mask: Tensor<2>) -> Tensor<2> {
        let [batch, _] = x.dims();
        let codes: Vec<Tensor<2>> = (0..self.window)
            .map(|k| {
                let part = x
                    .clone()
                    .slice([0..batch, k * self.inputs..(k + 1) * self.inputs]);
                let z = self.bounded(part);
                z.clone() + (z.clone().round() - z).detach()
            })
            .collect();
        let z = Tensor::cat(codes, 1).div_scalar(self.half).mul(mask);
        self.decode(z)
    }

    /// Features from codes scaled to `[−1, 1]`.
    pub fn decode(&self, z: Tensor<2>) -> Tensor<2> {
        let h = leaky_relu(self.decoder[0].forward(z), LEAK as f64);
        let h = leaky_relu(self.decoder[1].forward(h), LEAK as f64);
        self.decoder[2].forward(h)
    }

    /// The six layers' float parameters (encoder then decoder), for export.
    pub fn layers_f32(&self) -> Vec<LayerF32> {
        self.encoder
            .iter()
            .chain(&self.decoder)
            .map(|layer| {
                let w = layer.weight.val(); // [in, out]
                let [d_in, d_out] = w.dims();
                LayerF32 {
                    weights: to_vec(w.transpose()),
                    bias: layer
                        .bias
                        .as_ref()
                        .map(|b| to_vec(b.val()))
                        .unwrap_or_else(|| vec![0.0; d_out]),
                    inputs: d_in,
                    outputs: d_out,
                }
            })
            .collect()
    }
}
