//! `lm-token`: the token language model over BBPE tokens, mixed with `cm` byte by byte.
//!
//! The encoder splits a chunk into its canonical BBPE tokens. Before each token, the
//! token LM (integer runtime) gives a distribution over the vocabulary; a [`TokenTree`]
//! turns it into the decisions that spell the token's bytes: "does the token end here?"
//! and the bits of each byte. Each coded bit is mixed with `cm`'s prediction for that bit
//! of the byte stream by the same [`LmMixer`] as the byte `lm`; end decisions are refined
//! by an adaptive map keyed by the depth in the token and the previous byte. Decisions
//! with a single possible outcome are not coded. The decoder walks the same decisions, so
//! it rebuilds the token ids (which feed the model) and the bytes.

use std::sync::OnceLock;

use super::mixing::LmMixer;
use super::token_tree::{Step, TokenTree, Walk};
use crate::codec::{Codec, CodecId, Modality, ModelInfo};
use crate::codecs::cm::apm::Apm;
use crate::codecs::cm::logistic::stretch;
use crate::codecs::cm::model::Predictor;
use crate::entropy::{EntropyError, RangeDecoder, RangeEncoder};
use crate::runtime::byte_mlp::ByteMlp;
use crate::runtime::softmax::exp_weights;
use crate::tokenizer::Bbpe;
use crate::Error;

/// The shipped token LM weights (integer runtime format).
static WEIGHTS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../models/weights/token-lm.nclw"
));

/// The shipped tokenizer it was trained with.
static TOKENIZER: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../models/weights/bbpe-4096.nctk"
));

/// Model id of the token LM in `.ncz` headers.
pub const MODEL_ID: u16 = 2;

/// Revision of the way `lm-token` codes tokens; it enters the model hash.
const REVISION: &[u8] = b"ncodec-lm-token-1";

/// The shipped model and tokenizer, parsed once.
fn shipped() -> Result<&'static TokenLmCoder, Error> {
    static CODER: OnceLock<Result<TokenLmCoder, String>> = OnceLock::new();
    CODER
        .get_or_init(|| {
            let model = ByteMlp::from_bytes(WEIGHTS).map_err(|e| e.to_string())?;
            let tokenizer = Bbpe::from_bytes(TOKENIZER).map_err(|e| e.to_string())?;
            TokenLmCoder::new(model, tokenizer).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Error::InvalidOption(format!("the shipped token LM is unusable: {e}")))
}

/// Neural lossless coder over BBPE tokens: token LM + context mixing.
#[derive(Debug, Default, Clone, Copy)]
pub struct LmToken;

impl LmToken {
    /// The identifier of `lm-token` in `.ncz` files.
    pub const ID: CodecId = 4;
}

impl Codec for LmToken {
    fn id(&self) -> CodecId {
        Self::ID
    }
    fn name(&self) -> &'static str {
        "lm-token"
    }
    fn description(&self) -> &'static str {
        "BBPE-token language model (integer runtime) mixed with adaptive context models"
    }
    fn modality(&self) -> Modality {
        Modality::Text
    }
    fn model(&self) -> ModelInfo {
        ModelInfo {
            id: MODEL_ID,
            hash: shipped().map_or(0, TokenLmCoder::model_hash),
        }
    }
    fn encode_chunk(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        shipped()?.encode(input, out)
    }
    fn decode_chunk(&self, payload: &[u8], raw_len: usize, out: &mut Vec<u8>) -> Result<(), Error> {
        shipped()?.decode(payload, raw_len, out)
    }
}

/// A token LM with its tokenizer, ready to code chunks.
#[derive(Debug, Clone)]
pub struct TokenLmCoder {
    model: ByteMlp,
    tokenizer: Bbpe,
    tree: TokenTree,
}

/// Where a bit decision goes: the range coder in one direction or the other.
trait BitCoder {
    /// Codes (or decodes) a bit whose probability of being 1 is `p1` (16-bit); `bit` is
    /// the encoder's value (ignored by the decoder).
    fn code(&mut self, bit: bool, p1: u32) -> Result<bool, Error>;
}

impl BitCoder for RangeEncoder {
    fn code(&mut self, bit: bool, p1: u32) -> Result<bool, Error> {
        self.encode_bit(bit, p1);
        Ok(bit)
    }
}

impl BitCoder for RangeDecoder {
    fn code(&mut self, _bit: bool, p1: u32) -> Result<bool, Error> {
        Ok(self.decode_bit(p1)?)
    }
}

/// The adaptive state of one chunk.
struct ChunkModels {
    predictor: Predictor,
    mixer: LmMixer,
    end_apm: Apm,
    weights: Vec<u32>,
}

impl TokenLmCoder {
    /// Pairs a token model with the tokenizer it was trained on; fails when their
    /// vocabularies differ.
    pub fn new(model: ByteMlp, tokenizer: Bbpe) -> Result<Self, Error> {
        if model.shape().vocab != tokenizer.vocab_size() {
            return Err(Error::InvalidOption(format!(
                "the token model has {} symbols but the tokenizer {}",
                model.shape().vocab,
                tokenizer.vocab_size()
            )));
        }
        let spellings: Vec<&[u8]> = (0..tokenizer.vocab_size() as u32)
            .map(|id| tokenizer.token_bytes(id).unwrap_or(&[]))
            .collect();
        let tree = TokenTree::new(&spellings);
        Ok(Self {
            model,
            tokenizer,
            tree,
        })
    }

    /// The hash recorded in `.ncz` headers: XXH3-64 over the weights' hash, the
    /// tokenizer's hash (both little-endian) and the coding revision.
    pub fn model_hash(&self) -> u64 {
        let mut bytes = self.model.hash().to_le_bytes().to_vec();
        bytes.extend_from_slice(&self.tokenizer.hash().to_le_bytes());
        bytes.extend_from_slice(REVISION);
        xxhash_rust::xxh3::xxh3_64(&bytes)
    }

    fn models(&self, len: usize) -> ChunkModels {
        ChunkModels {
            predictor: Predictor::new(len),
            mixer: LmMixer::new(),
            end_apm: Apm::new(8 << 8),
            weights: vec![0; self.tokenizer.vocab_size()],
        }
    }

    /// Codes one token's decisions. `spelling` is the encoder's token (empty for the
    /// decoder); `out` (empty at the start) receives the token's bytes. Returns the
    /// token id.
    fn code_token<C: BitCoder>(
        &self,
        tree: &TokenTree,
        m: &mut ChunkModels,
        coder: &mut C,
        spelling: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<u32, Error> {
        let mut walk: Walk = tree.start();
        let mut byte = 1u32;
        loop {
            match tree.step(&walk) {
                Step::Done(id) => return Ok(id),
                Step::End { p_end } => {
                    let depth = out.len();
                    let end = depth == spelling.len();
                    let c1 = u32::from(m.predictor.last_byte());
                    let refined = m.end_apm.p(
                        i32::from(stretch(p_end >> 4)),
                        ((depth.min(7) as u32) << 8 | c1) as usize,
                    );
                    let p = (p_end + refined * 3 + 2) >> 2;
                    let end = coder.code(end, p.clamp(1, 65535))?;
                    m.end_apm.update(u32::from(end));
                    if let Some(id) = tree.decide_end(&mut walk, end) {
                        return Ok(id);
                    }
                }
                Step::ForcedEnd(end) => {
                    if let Some(id) = tree.decide_end(&mut walk, end) {
                        return Ok(id);
                    }
                }
                Step::Bit { p1 } => {
                    let bitpos = 31 - byte.leading_zeros();
                    let want = expected_bit(spelling, out.len(), byte);
                    let p = m.mixer.mix(&m.predictor, p1, bitpos);
                    let bit = coder.code(want, p)?;
                    m.mixer.update(bit);
                    m.predictor.update(bit);
                    tree.decide_bit(&mut walk, bit);
                    byte = push_bit(byte, bit, out);
                }
                Step::ForcedBit(bit) => {
                    m.predictor.update(bit);
                    tree.decide_bit(&mut walk, bit);
                    byte = push_bit(byte, bit, out);
                }
            }
        }
    }

    /// Encodes a chunk.
    pub fn encode(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let tokens = self.tokenizer.encode(input);
        let mut tree = self.tree.clone();
        let mut m = self.models(input.len());
        let mut state = self.model.new_state();
        let mut encoder = RangeEncoder::new();
        let mut spelled = Vec::new();
        for &token in &tokens {
            exp_weights(self.model.logits(&mut state), &mut m.weights);
            tree.set_weights(&m.weights);
            let spelling = self.tokenizer.token_bytes(token).unwrap_or(&[]);
            spelled.clear();
            let id = self.code_token(&tree, &mut m, &mut encoder, spelling, &mut spelled)?;
            debug_assert_eq!(id, token);
            state.push(id);
        }
        out.extend_from_slice(&encoder.finish());
        Ok(())
    }

    /// Decodes a chunk of `raw_len` bytes.
    pub fn decode(&self, payload: &[u8], raw_len: usize, out: &mut Vec<u8>) -> Result<(), Error> {
        if raw_len > crate::codecs::cm::max_raw_len(payload.len()) {
            return Err(EntropyError::CorruptStream("lm payload too short for its length").into());
        }
        let mut tree = self.tree.clone();
        let mut m = self.models(raw_len);
        let mut state = self.model.new_state();
        let mut decoder = RangeDecoder::new(payload)?;
        let start = out.len();
        out.reserve(raw_len.min(1 << 26));
        let mut token_bytes = Vec::new();
        while out.len() - start < raw_len {
            exp_weights(self.model.logits(&mut state), &mut m.weights);
            tree.set_weights(&m.weights);
            token_bytes.clear();
            let id = self.code_token(&tree, &mut m, &mut decoder, &[], &mut token_bytes)?;
            if out.len() - start + token_bytes.len() > raw_len {
                return Err(
                    EntropyError::CorruptStream("a token runs past the chunk's end").into(),
                );
            }
            out.extend_from_slice(&token_bytes);
            state.push(id);
        }
        Ok(())
    }
}

/// The encoder's next bit: bit `bits(partial)` of byte `at` of `spelling` (false past its
/// end, which only the decoder reaches, with an empty spelling).
fn expected_bit(spelling: &[u8], at: usize, partial: u32) -> bool {
    let bits = 31 - partial.leading_zeros();
    spelling
        .get(at)
        .is_some_and(|&b| (b >> (7 - bits)) & 1 == 1)
}

/// Adds `bit` to the partial byte; at 8 bits appends the byte to `out` and restarts.
fn push_bit(partial: u32, bit: bool, out: &mut Vec<u8>) -> u32 {
    let next = partial << 1 | u32::from(bit);
    if next >= 256 {
        out.push((next & 0xff) as u8);
        1
    } else {
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::byte_mlp::ByteMlpShape;
    use crate::tokenizer::train;

    /// A small token model with arbitrary (deterministic) weights for `vocab` tokens.
    fn tiny_token_model(vocab: usize) -> ByteMlp {
        let shape = ByteMlpShape {
            context: 3,
            embed: 4,
            hidden1: 8,
            hidden2: 8,
            vocab,
        };
        let ramp = |n: usize, k: usize| -> Vec<i8> {
            (0..n)
                .map(|i| ((i * k) % 255) as i32 - 127)
                .map(|v| v as i8)
                .collect()
        };
        let embedding = ramp(vocab * 4, 37);
        let w1 = ramp(8 * 12, 53);
        let w2 = ramp(64, 91);
        let w3 = ramp(vocab * 8, 29);
        let bytes = ByteMlp::write(
            shape,
            &embedding,
            [
                (&w1, &[0; 8], &[1 << 14; 8], &[18; 8]),
                (&w2, &[0; 8], &[1 << 14; 8], &[18; 8]),
                (
                    &w3,
                    &vec![0; vocab],
                    &vec![1 << 12; vocab],
                    &vec![10; vocab],
                ),
            ],
        );
        ByteMlp::from_bytes(&bytes).unwrap()
    }

    fn coder() -> TokenLmCoder {
        let text = b"the quick brown fox jumps over the lazy dog; the dog sleeps. ".repeat(40);
        let bbpe = train(&text, 320);
        let model = tiny_token_model(bbpe.vocab_size());
        TokenLmCoder::new(model, bbpe).unwrap()
    }

    #[test]
    fn chunks_round_trip() {
        let c = coder();
        let mut x = 7u64;
        let random: Vec<u8> = (0..3000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let text = b"the lazy fox sleeps over the quick dog. ".repeat(30);
        for input in [&b""[..], b"t", b"\0\xff the", &random, &text] {
            let mut payload = Vec::new();
            c.encode(input, &mut payload).unwrap();
            let mut back = Vec::new();
            c.decode(&payload, input.len(), &mut back).unwrap();
            assert_eq!(back, input);
        }
        let mut payload = Vec::new();
        c.encode(&text, &mut payload).unwrap();
        assert!(payload.len() * 4 < text.len(), "{} bytes", payload.len());
    }

    #[test]
    fn damaged_payloads_never_panic() {
        let c = coder();
        let text = b"over the lazy dog, the quick brown fox. ".repeat(10);
        let mut payload = Vec::new();
        c.encode(&text, &mut payload).unwrap();
        for pos in 0..payload.len() {
            let mut bad = payload.clone();
            bad[pos] ^= 0x55;
            let mut out = Vec::new();
            let _ = c.decode(&bad, text.len(), &mut out);
            assert!(out.len() <= text.len());
        }
    }

    #[test]
    fn mismatched_vocabularies_are_refused() {
        let bbpe = train(&b"abab cdcd ".repeat(50), 300);
        assert!(TokenLmCoder::new(tiny_token_model(bbpe.vocab_size() + 1), bbpe).is_err());
    }
}
