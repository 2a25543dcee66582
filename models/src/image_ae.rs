//! The learned lossy image codec's network: a convolutional autoencoder with a factorized
//! entropy model for its latents (Ballé et al. 2017, "End-to-end optimized image
//! compression", with cheaper parts chosen for 2-core CPUs).
//!
//! - Analysis: four 5×5 stride-2 convolutions (16× downsampling), the first three followed
//!   by simplified GDN (`x / (β + Σγ|x|)`, Johnston et al. 2019), to `latent` channels.
//! - Quantization: rounding to integers. Training adds uniform noise for the rate term
//!   and passes rounded values to the decoder with a straight-through gradient.
//! - Synthesis: four 5×5 stride-2 transposed convolutions with inverse simplified GDN.
//! - Entropy model: per latent channel, a mixture of `mixture` logistics as the CDF `c`;
//!   an integer latent `v` has probability `c(v + ½) − c(v − ½)`. It is exported as
//!   integer frequency tables, so the bitstream never depends on float arithmetic.

use burn::module::Param;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::PaddingConfig2d;
use burn::prelude::*;
use burn::tensor::activation::{log_softmax, sigmoid};
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;
use burn::tensor::Distribution;

/// Shape of an [`ImageAe`].
#[derive(Config, Debug, PartialEq)]
pub struct ImageAeConfig {
    /// Channels of the hidden layers.
    #[config(default = 64)]
    pub channels: usize,
    /// Channels of the latent.
    #[config(default = 96)]
    pub latent: usize,
    /// Logistic components per channel in the entropy model.
    #[config(default = 4)]
    pub mixture: usize,
}

/// Simplified GDN (or its inverse): `x / (β + Σγ|x|)` across channels.
#[derive(Module, Debug)]
pub struct GdnLite {
    /// `γ` as `g²` (non-negative), `[channels, channels]`.
    g: Param<Tensor<2>>,
    /// `β` as `|b| + 1e-3`, `[channels]`.
    b: Param<Tensor<1>>,
    inverse: bool,
}

impl GdnLite {
    fn new(channels: usize, inverse: bool, device: &Device) -> Self {
        let eye = Tensor::<2>::eye(channels, device).mul_scalar(0.3f32.sqrt());
        Self {
            g: Param::from_tensor(eye),
            b: Param::from_tensor(Tensor::<1>::ones([channels], device)),
            inverse,
        }
    }

    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let [c, _] = self.g.dims();
        let gamma = self.g.val().powf_scalar(2.0).reshape([c, c, 1, 1]);
        let beta = self.b.val().abs().add_scalar(1e-3);
        let norm = conv2d(
            x.clone().abs(),
            gamma,
            Some(beta),
            ConvOptions::new([1, 1], [0, 0], [1, 1], 1),
        );
        if self.inverse {
            x * norm
        } else {
            x / norm
        }
    }
}

/// The autoencoder and its entropy model.
#[derive(Module, Debug)]
pub struct ImageAe {
    analysis: Vec<Conv2d>,
    gdn: Vec<GdnLite>,
    synthesis: Vec<ConvTranspose2d>,
    igdn: Vec<GdnLite>,
    /// Mixture weights (logits), `[latent, mixture]`.
    prior_logits: Param<Tensor<2>>,
    /// Component locations, `[latent, mixture]`.
    prior_means: Param<Tensor<2>>,
    /// Component log-scales, `[latent, mixture]`.
    prior_log_scales: Param<Tensor<2>>,
}

/// Float parameters for export: each layer `(weights, bias)`, each GDN `(γ, β)`.
pub struct ExportParts {
    /// The four analysis convolutions.
    pub analysis: Vec<(Vec<f32>, Vec<f32>)>,
    /// The three analysis GDNs.
    pub gdn: Vec<(Vec<f32>, Vec<f32>)>,
    /// The four synthesis transposed convolutions.
    pub synthesis: Vec<(Vec<f32>, Vec<f32>)>,
    /// The three inverse GDNs.
    pub igdn: Vec<(Vec<f32>, Vec<f32>)>,
}

/// What one forward pass gives for training.
pub struct AeOutput {
    /// The reconstruction, `[batch, 3, height, width]`.
    pub x_hat: Tensor<4>,
    /// Total bits of the latents under the entropy model (noisy latents in training).
    pub bits: Tensor<1>,
    /// The latents before quantization.
    pub y: Tensor<4>,
}

impl ImageAeConfig {
    /// A fresh model on `device`.
    pub fn init(&self, device: &Device) -> ImageAe {
        let (n, m, k) = (self.channels, self.latent, self.mixture);
        let conv = |i, o| {
            Conv2dConfig::new([i, o], [5, 5])
                .with_stride([2, 2])
                .with_padding(PaddingConfig2d::Explicit(2, 2, 2, 2))
                .init(device)
        };
        let deconv = |i, o| {
            ConvTranspose2dConfig::new([i, o], [5, 5])
                .with_stride([2, 2])
                .with_padding([2, 2])
                .with_padding_out([1, 1])
                .init(device)
        };
        // Components spread over [-3, 3] with unit scale, equal weights.
        let means: Vec<f32> = (0..m * k)
            .map(|i| -3.0 + 6.0 * (i % k) as f32 / (k.max(2) - 1) as f32)
            .collect();
        ImageAe {
            analysis: vec![conv(3, n), conv(n, n), conv(n, n), conv(n, m)],
            gdn: (0..3).map(|_| GdnLite::new(n, false, device)).collect(),
            synthesis: vec![deconv(m, n), deconv(n, n), deconv(n, n), deconv(n, 3)],
            igdn: (0..3).map(|_| GdnLite::new(n, true, device)).collect(),
            prior_logits: Param::from_tensor(Tensor::<2>::zeros([m, k], device)),
            prior_means: Param::from_tensor(
                Tensor::<1>::from_floats(&means[..], device).reshape([m, k]),
            ),
            prior_log_scales: Param::from_tensor(Tensor::<2>::zeros([m, k], device)),
        }
    }

    /// Parameters of the model.
    pub fn parameters(&self) -> usize {
        let (n, m, k) = (self.channels, self.latent, self.mixture);
        let conv = |i: usize, o: usize| i * o * 25 + o;
        conv(3, n) * 2 + conv(n, n) * 4 + conv(n, m) * 2 + 6 * (n * n + n) + 3 * m * k
    }
}

impl ImageAe {
    /// The latents of images `x` (`[batch, 3, h, w]` in `[0, 1]`, sides multiples of 16).
    pub fn analyse(&self, x: Tensor<4>) -> Tensor<4> {
        let mut h = x;
        for (i, conv) in self.analysis.iter().enumerate() {
            h = conv.forward(h);
            if let Some(gdn) = self.gdn.get(i) {
                h = gdn.forward(h);
            }
        }
        h
    }

    /// The reconstruction from (quantized) latents.
    pub fn synthesise(&self, y: Tensor<4>) -> Tensor<4> {
        let mut h = y;
        for (i, deconv) in self.synthesis.iter().enumerate() {
            h = deconv.forward(h);
            if let Some(igdn) = self.igdn.get(i) {
                h = igdn.forward(h);
            }
        }
        h
    }

    /// The entropy model's CDF of every latent value shifted by `offset`:
    /// `c(y + offset)` per element, `[batch, latent, h, w]`.
    fn cdf(&self, y: Tensor<4>, offset: f32) -> Tensor<4> {
        let [b, m, h, w] = y.dims();
        let [_, k] = self.prior_logits.dims();
        let y = y.add_scalar(offset).reshape([b, m, h, w, 1]);
        let log_weights = log_softmax(self.prior_logits.val(), 1).reshape([1, m, 1, 1, k]);
        let means = self.prior_means.val().reshape([1, m, 1, 1, k]);
        let inv_scales = self
            .prior_log_scales
            .val()
            .neg()
            .exp()
            .reshape([1, m, 1, 1, k]);
        let z = (y - means) * inv_scales;
        (sigmoid(z) * log_weights.exp())
            .sum_dim(4)
            .reshape([b, m, h, w])
    }

    /// Bits of latents `y` under the entropy model: `-Σ log2(c(y + ½) − c(y − ½))`.
    pub fn bits(&self, y: Tensor<4>) -> Tensor<1> {
        let p = self.cdf(y.clone(), 0.5) - self.cdf(y, -0.5);
        p.clamp_min(1e-9)
            .log()
            .sum()
            .mul_scalar(-std::f32::consts::LOG2_E)
            .reshape([1])
    }

    /// Training pass: noisy latents for the rate, rounded latents (straight-through
    /// gradient) for the reconstruction.
    pub fn forward_train(&self, x: Tensor<4>) -> AeOutput {
        let y = self.analyse(x);
        let noisy = y.clone() + y.random_like(Distribution::Uniform(-0.5, 0.5));
        let rounded = y.clone() + (y.clone().round() - y.clone()).detach();
        let x_hat = self.synthesise(rounded);
        AeOutput {
            x_hat,
            bits: self.bits(noisy),
            y,
        }
    }

    /// Evaluation pass: rounded latents for both rate and reconstruction (the estimated
    /// rate; the real one is the coded stream's size).
    pub fn forward_eval(&self, x: Tensor<4>) -> AeOutput {
        let y = self.analyse(x);
        let rounded = y.clone().round();
        AeOutput {
            x_hat: self.synthesise(rounded.clone()),
            bits: self.bits(rounded),
            y,
        }
    }

    /// The float parameters in the runtime's layout (see `ncodec::runtime::image_ae`):
    /// analysis `(weights [out][in][5][5], bias)`, its GDNs `(γ, β)` with the
    /// reparametrisations applied, synthesis `(weights [in][out][5][5], bias)` and the
    /// inverse GDNs.
    pub fn export_parts(&self) -> ExportParts {
        let conv = |w: &Param<Tensor<4>>, b: &Option<Param<Tensor<1>>>| {
            let weights = crate::byte_lm::to_vec(w.val());
            let out = if let Some(b) = b {
                crate::byte_lm::to_vec(b.val())
            } else {
                Vec::new()
            };
            (weights, out)
        };
        let gdn = |g: &GdnLite| {
            (
                crate::byte_lm::to_vec(g.g.val().powf_scalar(2.0)),
                crate::byte_lm::to_vec(g.b.val().abs().add_scalar(1e-3)),
            )
        };
        ExportParts {
            analysis: self
                .analysis
                .iter()
                .map(|c| conv(&c.weight, &c.bias))
                .collect(),
            gdn: self.gdn.iter().map(gdn).collect(),
            synthesis: self
                .synthesis
                .iter()
                .map(|c| conv(&c.weight, &c.bias))
                .collect(),
            igdn: self.igdn.iter().map(gdn).collect(),
        }
    }

    /// The entropy model's parameters per channel: `(logits, means, log_scales)`, each
    /// `[latent][mixture]` row-major.
    pub fn prior_f32(&self) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        (
            crate::byte_lm::to_vec(self.prior_logits.val()),
            crate::byte_lm::to_vec(self.prior_means.val()),
            crate::byte_lm::to_vec(self.prior_log_scales.val()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_rate_are_sane() {
        let device = Device::flex();
        let cfg = ImageAeConfig::new()
            .with_channels(8)
            .with_latent(6)
            .with_mixture(3);
        let model = cfg.init(&device);
        let x = Tensor::<4>::random([2, 3, 32, 32], Distribution::Uniform(0.0, 1.0), &device);
        let out = model.forward_train(x.clone());
        assert_eq!(out.x_hat.dims(), [2, 3, 32, 32]);
        assert_eq!(out.y.dims(), [2, 6, 2, 2]);
        let bits: f32 = out.bits.into_scalar();
        assert!(bits.is_finite() && bits > 0.0, "{bits}");
        let eval = model.forward_eval(x);
        assert!(eval.bits.into_scalar::<f32>().is_finite());
    }
}
