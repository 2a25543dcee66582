//! The window language model's integer forward pass: the last `context` symbols' int8
//! embeddings through two ReLU layers to one fixed-point logit per vocabulary entry. The
//! symbols are bytes (vocabulary 256: the byte LM) or BBPE tokens (the token LM).
//!
//! # Weights file (`NCLW` version 1, little-endian)
//! | field | type |
//! |---|---|
//! | magic | `b"NCLW"` |
//! | version, kind | `u8` = 1, `u8` = 1 (byte window MLP) or 2 (token window MLP) |
//! | reserved | `u16` = 0 |
//! | context, embed, hidden1, hidden2 | `u16` each |
//! | vocab | kind 2 only: `u32`, 2..=65536 (kind 1: 256) |
//! | embedding | `i8[vocab × embed]`: the int8 inputs of layer 1 |
//! | layer 1, layer 2, output | per layer: `i8[rows × cols]` row-major weights, `i32[rows]` bias, `i32[rows]` multiplier, `u8[rows]` shift |
//! | checksum | `u64` XXH3-64 of everything before it |
//!
//! Layers 1 and 2 end in ReLU into `0..=4095`; the output layer yields logits in log2
//! units with [`LOGIT_FRAC`](super::softmax::LOGIT_FRAC) fractional bits. The checksum is
//! also the model hash recorded in `.ncz` headers.

use xxhash_rust::xxh3::xxh3_64;

use super::linear::{Activation, QuantLinear};
use super::softmax::softmax_table;
use super::{Reader, RuntimeError};
use crate::entropy::FrequencyTable;

const MAGIC: &[u8; 4] = b"NCLW";
const VERSION: u8 = 1;
const KIND_BYTE_MLP: u8 = 1;
const KIND_TOKEN_MLP: u8 = 2;

/// One quantized layer as written to a weights file: `(weights, bias, mult, shift)`.
pub type LayerParts<'a> = (&'a [i8], &'a [i32], &'a [i32], &'a [u8]);

/// Layer sizes of a [`ByteMlp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteMlpShape {
    /// Bytes of context.
    pub context: usize,
    /// Embedding width.
    pub embed: usize,
    /// First hidden layer width.
    pub hidden1: usize,
    /// Second hidden layer width.
    pub hidden2: usize,
    /// Vocabulary size (256 for bytes).
    pub vocab: usize,
}

/// A loaded integer byte LM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteMlp {
    shape: ByteMlpShape,
    embedding: Vec<i16>,
    layer1: QuantLinear,
    layer2: QuantLinear,
    output: QuantLinear,
    hash: u64,
}

/// The running context of a [`ByteMlp`] and its scratch buffers.
#[derive(Debug, Clone)]
pub struct ByteMlpState {
    window: Vec<u32>,
    input: Vec<i16>,
    h1: Vec<i32>,
    h1_narrow: Vec<i16>,
    h2: Vec<i32>,
    h2_narrow: Vec<i16>,
    logits: Vec<i32>,
}

impl ByteMlpState {
    /// Appends a coded symbol (a byte, or a token id below the vocabulary size) to the
    /// context.
    pub fn push(&mut self, symbol: u32) {
        if !self.window.is_empty() {
            self.window.rotate_left(1);
            if let Some(last) = self.window.last_mut() {
                *last = symbol;
            }
        }
    }
}

impl ByteMlp {
    /// Parses and checks a weights file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, RuntimeError> {
        let (mut r, hash) = Reader::checked(bytes, MAGIC)?;
        let (version, kind) = (r.u8()?, r.u8()?);
        if version != VERSION || (kind != KIND_BYTE_MLP && kind != KIND_TOKEN_MLP) {
            return Err(RuntimeError::Unsupported(format!(
                "version {version}, kind {kind}"
            )));
        }
        let _reserved = r.u16()?;
        let mut shape = ByteMlpShape {
            context: usize::from(r.u16()?),
            embed: usize::from(r.u16()?),
            hidden1: usize::from(r.u16()?),
            hidden2: usize::from(r.u16()?),
            vocab: 256,
        };
        if kind == KIND_TOKEN_MLP {
            shape.vocab = r.u32()? as usize;
        }
        let widths = [shape.context * shape.embed, shape.hidden1, shape.hidden2];
        if widths.iter().any(|&w| w == 0 || w > 4096) {
            return Err(RuntimeError::Corrupt("a layer width is 0 or above 4096"));
        }
        if !(2..=65536).contains(&shape.vocab) {
            return Err(RuntimeError::Corrupt("vocabulary size outside 2..=65536"));
        }
        let embedding = r
            .i8s(shape.vocab * shape.embed)?
            .into_iter()
            .map(i16::from)
            .collect();
        let layer1 = QuantLinear::read(
            &mut r,
            shape.hidden1,
            shape.context * shape.embed,
            Activation::Relu,
        )?;
        let layer2 = QuantLinear::read(&mut r, shape.hidden2, shape.hidden1, Activation::Relu)?;
        let output = QuantLinear::read(&mut r, shape.vocab, shape.hidden2, Activation::Identity)?;
        if r.rest() != 0 {
            return Err(RuntimeError::Corrupt("trailing bytes"));
        }
        Ok(Self {
            shape,
            embedding,
            layer1,
            layer2,
            output,
            hash,
        })
    }

    /// Serialises a model from its quantized parts (used by the exporter in
    /// `ncodec-models`); layers are `(weights, bias, mult, shift)`.
    pub fn write(shape: ByteMlpShape, embedding: &[i8], layers: [LayerParts<'_>; 3]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        let kind = if shape.vocab == 256 {
            KIND_BYTE_MLP
        } else {
            KIND_TOKEN_MLP
        };
        out.extend_from_slice(&[VERSION, kind, 0, 0]);
        for v in [shape.context, shape.embed, shape.hidden1, shape.hidden2] {
            out.extend_from_slice(&(v as u16).to_le_bytes());
        }
        if kind == KIND_TOKEN_MLP {
            out.extend_from_slice(&(shape.vocab as u32).to_le_bytes());
        }
        out.extend(embedding.iter().map(|&v| v as u8));
        for (weights, bias, mult, shift) in layers {
            out.extend(weights.iter().map(|&v| v as u8));
            for v in bias.iter().chain(mult) {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(shift);
        }
        let hash = xxh3_64(&out);
        out.extend_from_slice(&hash.to_le_bytes());
        out
    }

    /// The layer sizes.
    pub fn shape(&self) -> ByteMlpShape {
        self.shape
    }

    /// XXH3-64 of the weights file: the model hash recorded in `.ncz` headers.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// A fresh context (all zeros, as at the start of a chunk) with scratch buffers.
    pub fn new_state(&self) -> ByteMlpState {
        let s = self.shape;
        ByteMlpState {
            window: vec![0; s.context],
            input: vec![0; s.context * s.embed],
            h1: vec![0; s.hidden1],
            h1_narrow: vec![0; s.hidden1],
            h2: vec![0; s.hidden2],
            h2_narrow: vec![0; s.hidden2],
            logits: vec![0; s.vocab],
        }
    }

    /// Logits of the next symbol (log2 units, [`LOGIT_FRAC`](super::softmax::LOGIT_FRAC)
    /// fractional bits) given the state's context.
    pub fn logits<'s>(&self, state: &'s mut ByteMlpState) -> &'s [i32] {
        let e = self.shape.embed;
        for (slot, &symbol) in state.input.chunks_exact_mut(e).zip(&state.window) {
            // Symbols at or above the vocabulary size (never pushed by the codecs) read
            // as symbol 0.
            let row = (symbol as usize % self.shape.vocab) * e;
            slot.copy_from_slice(&self.embedding[row..row + e]);
        }
        self.layer1.forward(&state.input, &mut state.h1);
        narrow(&state.h1, &mut state.h1_narrow);
        self.layer2.forward(&state.h1_narrow, &mut state.h2);
        narrow(&state.h2, &mut state.h2_narrow);
        self.output.forward(&state.h2_narrow, &mut state.logits);
        &state.logits
    }

    /// The distribution of the next symbol as a frequency table.
    pub fn predict(&self, state: &mut ByteMlpState) -> FrequencyTable {
        let vocab = self.shape.vocab;
        let logits = self.logits(state);
        // 2..=65536 symbols is always a valid alphabet size.
        softmax_table(logits)
            .unwrap_or_else(|_| FrequencyTable::uniform(vocab).unwrap_or_else(|_| unreachable!()))
    }
}

/// ReLU outputs are in 0..=RELU_MAX, so they fit i16 exactly.
fn narrow(wide: &[i32], narrow: &mut [i16]) {
    for (n, &w) in narrow.iter_mut().zip(wide) {
        *n = w as i16;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny model whose output prefers the byte after the last one seen.
    pub(crate) fn tiny_model() -> Vec<u8> {
        let shape = ByteMlpShape {
            context: 2,
            embed: 2,
            hidden1: 3,
            hidden2: 2,
            vocab: 256,
        };
        let embedding: Vec<i8> = (0..512).map(|i| ((i * 37) % 255 - 127) as i8).collect();
        let w1: Vec<i8> = (0..12).map(|i| (i as i8 - 6) * 5).collect();
        let w2: Vec<i8> = (0..6).map(|i| (i as i8 - 3) * 9).collect();
        let w3: Vec<i8> = (0..512).map(|i| ((i * 91) % 255 - 127) as i8).collect();
        ByteMlp::write(
            shape,
            &embedding,
            [
                (&w1, &[10, -5, 0], &[1 << 14; 3], &[20; 3]),
                (&w2, &[1, 2], &[1 << 14; 2], &[16; 2]),
                (&w3, &[0; 256], &[1 << 12; 256], &[8; 256]),
            ],
        )
    }

    #[test]
    fn round_trips_and_predicts_deterministically() {
        let bytes = tiny_model();
        let model = ByteMlp::from_bytes(&bytes).unwrap();
        assert_eq!(model.shape().hidden1, 3);
        let mut a = model.new_state();
        let mut b = model.new_state();
        for byte in b"hello" {
            a.push(u32::from(*byte));
            b.push(u32::from(*byte));
        }
        assert_eq!(model.predict(&mut a), model.predict(&mut b));
        let mut fresh = model.new_state();
        assert_ne!(
            model.logits(&mut fresh).to_vec(),
            model.logits(&mut a).to_vec()
        );
    }

    #[test]
    fn damaged_files_are_refused() {
        let bytes = tiny_model();
        assert_eq!(
            ByteMlp::from_bytes(b"nope nope"),
            Err(RuntimeError::BadMagic)
        );
        for pos in [5, 20, bytes.len() / 2, bytes.len() - 1] {
            let mut bad = bytes.clone();
            bad[pos] ^= 1;
            assert!(ByteMlp::from_bytes(&bad).is_err());
        }
        assert!(ByteMlp::from_bytes(&bytes[..bytes.len() - 9]).is_err());
    }
}
