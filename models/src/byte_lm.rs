//! The window language model: P(next symbol | the last `context` symbols), over bytes
//! (vocabulary 256, the byte LM) or BBPE tokens (the token LM).
//!
//! A window MLP rather than a recurrent network or a transformer, for two measured reasons
//! on 2-core CPUs: every position trains independently (large batches, full use of the
//! matrix kernels, tens of thousands of bytes per second instead of ~1.5k), and inference
//! is a fixed, small amount of integer arithmetic per byte. Long-range and file-specific
//! structure is left to the adaptive context models it is mixed with in the `lm` codec.

use burn::nn::{Embedding, EmbeddingConfig, Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::relu;

/// Shape of a [`ByteLm`].
#[derive(Config, Debug, PartialEq)]
pub struct ByteLmConfig {
    /// Number of previous bytes the model sees.
    #[config(default = 24)]
    pub context: usize,
    /// Embedding width per byte.
    #[config(default = 16)]
    pub embed: usize,
    /// Width of the first hidden layer.
    #[config(default = 512)]
    pub hidden1: usize,
    /// Width of the second hidden layer.
    #[config(default = 256)]
    pub hidden2: usize,
    /// Vocabulary size: 256 for bytes, the tokenizer's size for tokens.
    #[config(default = 256)]
    pub vocab: usize,
}

impl ByteLmConfig {
    /// A fresh model with random weights on `device`.
    pub fn init(&self, device: &Device) -> ByteLm {
        ByteLm {
            embed: EmbeddingConfig::new(self.vocab, self.embed).init(device),
            layer1: LinearConfig::new(self.context * self.embed, self.hidden1).init(device),
            layer2: LinearConfig::new(self.hidden1, self.hidden2).init(device),
            output: LinearConfig::new(self.hidden2, self.vocab).init(device),
            context: self.context,
            embed_width: self.embed,
        }
    }

    /// Multiply-accumulates per predicted symbol (the inference cost).
    pub fn macs_per_symbol(&self) -> usize {
        self.context * self.embed * self.hidden1
            + self.hidden1 * self.hidden2
            + self.hidden2 * self.vocab
    }

    /// Number of parameters.
    pub fn parameters(&self) -> usize {
        self.vocab * self.embed
            + (self.context * self.embed + 1) * self.hidden1
            + (self.hidden1 + 1) * self.hidden2
            + (self.hidden2 + 1) * self.vocab
    }
}

/// The byte language model.
#[derive(Module, Debug)]
pub struct ByteLm {
    embed: Embedding,
    layer1: Linear,
    layer2: Linear,
    output: Linear,
    context: usize,
    embed_width: usize,
}

impl ByteLm {
    /// Logits `[batch, vocab]` for the next symbol after each row of `contexts`
    /// (`[batch, context]` symbol ids, oldest first; positions before the start of the
    /// data are 0).
    pub fn forward(&self, contexts: Tensor<2, Int>) -> Tensor<2> {
        self.forward_all(contexts).2
    }

    /// The hidden activations and the logits: `(h1, h2, logits)`, for calibrating the
    /// integer export.
    pub fn forward_all(&self, contexts: Tensor<2, Int>) -> (Tensor<2>, Tensor<2>, Tensor<2>) {
        let [batch, _] = contexts.dims();
        let embedded = self.embed.forward(contexts); // [batch, context, embed]
        let flat = embedded.reshape([batch, self.context * self.embed_width]);
        let h1 = relu(self.layer1.forward(flat));
        let h2 = relu(self.layer2.forward(h1.clone()));
        let logits = self.output.forward(h2.clone());
        (h1, h2, logits)
    }

    /// The float parameters, for export: `(embedding [vocab][embed], layers)` where each
    /// layer is `(weights [out][in] row-major, bias [out], in, out)`.
    pub fn parameters_f32(&self) -> (Vec<f32>, Vec<LayerF32>) {
        let embedding = to_vec(self.embed.weight.val());
        let layers = [&self.layer1, &self.layer2, &self.output]
            .iter()
            .map(|layer| {
                let w = layer.weight.val(); // [in, out]
                let [d_in, d_out] = w.dims();
                let w = to_vec(w.transpose()); // [out, in]
                let bias = layer
                    .bias
                    .as_ref()
                    .map(|b| to_vec(b.val()))
                    .unwrap_or_else(|| vec![0.0; d_out]);
                LayerF32 {
                    weights: w,
                    bias,
                    inputs: d_in,
                    outputs: d_out,
                }
            })
            .collect();
        (embedding, layers)
    }
}

/// One dense layer's float parameters.
#[derive(Debug, Clone)]
pub struct LayerF32 {
    /// `[outputs][inputs]`, row-major.
    pub weights: Vec<f32>,
    /// `[outputs]`.
    pub bias: Vec<f32>,
    /// Input width.
    pub inputs: usize,
    /// Output width.
    pub outputs: usize,
}

/// A tensor's values as f32, row-major.
pub fn to_vec<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data()
        .convert::<f32>()
        .try_to_vec::<f32>()
        .unwrap_or_default()
}

impl ByteLm {
    /// Bytes of context.
    pub fn context(&self) -> usize {
        self.context
    }
}
