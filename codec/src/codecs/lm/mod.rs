//! `lm`: the neural lossless codec. A byte language model trained on real text (run by
//! the integer [`runtime`](crate::runtime)) predicts each byte; its per-bit probabilities
//! enter the `cm` context-mixing predictor as extra inputs, so the mixer combines the
//! model's general knowledge of language with the file-specific statistics of the
//! adaptive contexts and the match model.
//!
//! The model's weights ship inside the library (`models/weights/byte-lm.nclw`, with its
//! manifest); every `.ncz` header written with `lm` records a hash of the weights and of
//! the mixing stage's revision, and files made with other weights or another revision
//! are refused rather than mis-decoded.

mod mixing;
pub mod token;
pub use token::LmToken;
pub(crate) mod token_tree;

use std::sync::OnceLock;

use crate::codec::{Codec, CodecId, Modality, ModelInfo};
use crate::codecs::cm::model::Predictor;
use crate::entropy::{EntropyError, RangeDecoder, RangeEncoder};
use crate::runtime::byte_mlp::ByteMlp;
use crate::runtime::softmax::bit_probability;
use crate::Error;
use mixing::LmMixer;

/// The shipped byte LM weights (integer runtime format).
static WEIGHTS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../models/weights/byte-lm.nclw"
));

/// Model id of the byte LM in `.ncz` headers.
pub const MODEL_ID: u16 = 1;

/// Revision of the way `lm` turns the model's predictions into bits (the mixing stage);
/// it enters the model hash, so files of another revision are refused.
const REVISION: &[u8] = b"ncodec-lm-mixing-2";

/// The model hash recorded in `.ncz` headers: XXH3-64 over the weights' hash and
/// [`REVISION`].
fn model_hash(model: &ByteMlp) -> u64 {
    let mut bytes = model.hash().to_le_bytes().to_vec();
    bytes.extend_from_slice(REVISION);
    xxhash_rust::xxh3::xxh3_64(&bytes)
}

/// The shipped model, parsed once.
fn shipped_model() -> Result<&'static ByteMlp, Error> {
    static MODEL: OnceLock<Result<ByteMlp, String>> = OnceLock::new();
    MODEL
        .get_or_init(|| ByteMlp::from_bytes(WEIGHTS).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| Error::InvalidOption(format!("the shipped byte LM is unusable: {e}")))
}

/// Neural lossless coder: byte LM + context mixing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Lm;

impl Lm {
    /// The identifier of `lm` in `.ncz` files.
    pub const ID: CodecId = 3;
}

impl Codec for Lm {
    fn id(&self) -> CodecId {
        Self::ID
    }
    fn name(&self) -> &'static str {
        "lm"
    }
    fn description(&self) -> &'static str {
        "byte language model (integer runtime) mixed with adaptive context models"
    }
    fn modality(&self) -> Modality {
        Modality::Text
    }
    fn model(&self) -> ModelInfo {
        ModelInfo {
            id: MODEL_ID,
            hash: shipped_model().map_or(0, model_hash),
        }
    }
    fn encode_chunk(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let lm = shipped_model()?;
        let mut state = lm.new_state();
        let mut predictor = Predictor::new(input.len());
        let mut mixer = LmMixer::new();
        let mut encoder = RangeEncoder::new();
        for &byte in input {
            let table = lm.predict(&mut state);
            let mut partial = 1u32;
            for bitpos in 0..8 {
                let bit = (byte >> (7 - bitpos)) & 1 == 1;
                let side = bit_probability(&table, partial, bitpos);
                encoder.encode_bit(bit, mixer.mix(&predictor, side, bitpos));
                mixer.update(bit);
                predictor.update(bit);
                partial = partial << 1 | u32::from(bit);
            }
            state.push(u32::from(byte));
        }
        out.extend_from_slice(&encoder.finish());
        Ok(())
    }
    fn decode_chunk(&self, payload: &[u8], raw_len: usize, out: &mut Vec<u8>) -> Result<(), Error> {
        if raw_len > crate::codecs::cm::max_raw_len(payload.len()) {
            return Err(EntropyError::CorruptStream("lm payload too short for its length").into());
        }
        let lm = shipped_model()?;
        let mut state = lm.new_state();
        let mut predictor = Predictor::new(raw_len);
        let mut mixer = LmMixer::new();
        let mut decoder = RangeDecoder::new(payload)?;
        out.reserve(raw_len.min(1 << 26));
        for _ in 0..raw_len {
            let table = lm.predict(&mut state);
            let mut partial = 1u32;
            for bitpos in 0..8 {
                let side = bit_probability(&table, partial, bitpos);
                let bit = decoder.decode_bit(mixer.mix(&predictor, side, bitpos))?;
                mixer.update(bit);
                predictor.update(bit);
                partial = partial << 1 | u32::from(bit);
            }
            let byte = (partial & 0xff) as u8;
            out.push(byte);
            state.push(u32::from(byte));
        }
        Ok(())
    }
}
