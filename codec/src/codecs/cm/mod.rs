//! `cm`: an adaptive context-mixing byte coder.
//!
//! Each byte is coded as 8 binary decisions, most significant bit first. For every bit a
//! [`Predictor`](model::Predictor) combines
//!
//! * a direct order-1 adaptive probability,
//! * bit-history states of hashed order-2, 3 and 5 contexts and of the current word,
//!   looked up per nibble in a shared [`HashTable`](hash_table::HashTable) and mapped to
//!   probabilities by adaptive state maps,
//! * a [`MatchModel`](match_model::MatchModel) predicting the byte that followed the
//!   last occurrence of the current context,
//!
//! in a logistic [`Mixer`](mixer::Mixer) (16-bit weights) whose weight vector is selected
//! by the partial byte and the match state, then refines the result with one
//! [`Apm`](apm::Apm) stage whose context is the partial byte and the low bits (up to
//! four) of the previous byte. The probability drives the crate's
//! binary range coder. All arithmetic is integer, so the encoder and decoder agree on
//! every machine; table sizes depend only on the chunk length, which both sides know.

pub mod apm;
pub mod counter;
pub mod hash_table;
pub mod logistic;
pub mod match_model;
pub mod mixer;
pub mod model;

use crate::codec::{Codec, CodecId, Modality};
use crate::entropy::{EntropyError, RangeDecoder, RangeEncoder};
use crate::Error;
use model::Predictor;

/// Adaptive context-mixing coder for any bytes.
#[derive(Debug, Default, Clone, Copy)]
pub struct Cm;

impl Cm {
    /// The identifier of `cm` in `.ncz` files.
    pub const ID: CodecId = 2;
}

/// The most bytes a payload of `payload_len` bytes can decode to: every bit costs at least
/// `-log2(65535/65536)` bits, so a byte costs more than 1/8192 of a payload bit.
pub(crate) fn max_raw_len(payload_len: usize) -> usize {
    payload_len.saturating_add(8).saturating_mul(8 * 8192)
}

impl Codec for Cm {
    fn id(&self) -> CodecId {
        Self::ID
    }
    fn name(&self) -> &'static str {
        "cm"
    }
    fn description(&self) -> &'static str {
        "adaptive context mixing of byte contexts (classical, no neural model)"
    }
    fn modality(&self) -> Modality {
        Modality::Bytes
    }
    fn encode_chunk(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let mut enc = RangeEncoder::new();
        let mut model = Predictor::new(input.len());
        for &byte in input {
            for i in (0..8).rev() {
                let bit = (byte >> i) & 1 == 1;
                enc.encode_bit(bit, model.p());
                model.update(bit);
            }
        }
        out.extend_from_slice(&enc.finish());
        Ok(())
    }
    fn decode_chunk(&self, payload: &[u8], raw_len: usize, out: &mut Vec<u8>) -> Result<(), Error> {
        if raw_len > max_raw_len(payload.len()) {
            return Err(EntropyError::CorruptStream("cm payload too short for its length").into());
        }
        let mut dec = RangeDecoder::new(payload)?;
        let mut model = Predictor::new(raw_len);
        out.reserve(raw_len.min(1 << 26));
        for _ in 0..raw_len {
            let mut byte = 0u32;
            for _ in 0..8 {
                let bit = dec.decode_bit(model.p())?;
                model.update(bit);
                byte = (byte << 1) | u32::from(bit);
            }
            out.push(byte as u8);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
