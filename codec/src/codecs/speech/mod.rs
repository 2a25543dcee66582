//! The learned speech codec (`speech`): 16 kHz speech at 1.5–3 kbps.
//!
//! The waveform side is signal processing, the parameters are learned:
//! - [`analysis`] measures, every 10 ms, the spectral envelope (16 LSFs), the residual
//!   level, the pitch and the periodicity of four bands;
//! - a trained autoencoder ([`model`]) maps each block of frames to a few finite-scalar-
//!   quantized codes (FSQ), and its decoder maps codes back to features;
//! - [`coder`] entropy-codes the codes and the block's pitch with trained integer tables
//!   conditioned on the previous block;
//! - [`synthesis`] is a mixed-excitation vocoder (harmonics + band-split noise through the
//!   LPC filter, then a formant post-filter).
//!
//! The content is a canonical 16 kHz mono 16-bit WAV file ([`wav`]); the decoder gives
//! back one of the same length. Quality level 1 (about 1.5 kbps) and 2 (about 3 kbps)
//! use separately trained models.
//!
//! ```
//! use ncodec::codecs::speech;
//!
//! let tone: Vec<f32> = (0..8000).map(|n| 0.3 * (n as f32 * 0.08).sin()).collect();
//! let wav = speech::wav::write(&tone);
//! let options = ncodec::CompressOptions::default().codec("speech");
//! let ncz = ncodec::compress(&wav, &options)?;
//! assert!(ncz.len() < wav.len() / 20);
//! let back = ncodec::decompress(&ncz)?;
//! assert_eq!(back.len(), wav.len());
//! # Ok::<(), ncodec::Error>(())
//! ```

pub mod analysis;
pub mod bands;
pub mod coder;
pub mod features;
pub mod lpc;
pub mod model;
pub mod synthesis;
pub mod wav;

use std::sync::OnceLock;

use crate::codec::{ChunkPosition, Codec, CodecId, EncodeParams, Modality, ModelInfo};
use crate::codecs::wire::{put_varint, Cursor};
use crate::Error;
use analysis::{frame_count, Frame};
use coder::Block;
use features::{block_pitch, frame_vector, vector_frame, FEATURES};
use model::SpeechModel;

/// The shipped models, lowest rate first (`models/weights/speech-N.ncsw`, each with its
/// training manifest beside it).
static MODEL_WEIGHTS: [&[u8]; 2] = [
    include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../models/weights/speech-1.ncsw"
    )),
    include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../models/weights/speech-2.ncsw"
    )),
];

/// Nominal rate of each level in kbps (`--kbps X` picks the highest level at or under X).
pub const LEVEL_KBPS: [f64; 2] = [1.5, 3.0];

/// The level used when none is asked for.
const DEFAULT_LEVEL: u8 = 1;

/// Model id of the speech model bundle in `.ncz` headers.
pub const MODEL_ID: u16 = 4;

/// Revision of the payload layout, analysis and synthesis; it enters the model hash.
const REVISION: &[u8] = b"ncodec-speech-1";

/// Payload layouts (first payload byte), by where the chunk lies in the content: the
/// whole content (header and samples) …
const WHOLE_CONTENT: u8 = 1;
/// … the first chunk of several (header and samples; a varint then gives the samples in
/// later chunks, so the decoder can rewrite the header) …
const FIRST_CHUNK: u8 = 2;
/// … or a later chunk (samples only).
const LATER_CHUNK: u8 = 3;

/// Number of quality levels (1 ..= this).
///
/// ```
/// assert_eq!(ncodec::codecs::speech::level_count(), 2);
/// ```
pub fn level_count() -> u8 {
    MODEL_WEIGHTS.len() as u8
}

/// The highest level whose nominal rate is at most `kbps`, or `None` if even level 1's
/// is above it.
///
/// ```
/// use ncodec::codecs::speech::level_for_kbps;
/// assert_eq!(level_for_kbps(1.5), Some(1));
/// assert_eq!(level_for_kbps(6.0), Some(2));
/// assert_eq!(level_for_kbps(1.0), None);
/// ```
pub fn level_for_kbps(kbps: f64) -> Option<u8> {
    LEVEL_KBPS
        .iter()
        .rposition(|&k| k <= kbps + 1e-9)
        .map(|i| i as u8 + 1)
}

/// The shipped models, parsed once.
fn shipped_models() -> Result<&'static [SpeechModel], Error> {
    static MODELS: OnceLock<Result<Vec<SpeechModel>, String>> = OnceLock::new();
    MODELS
        .get_or_init(|| {
            MODEL_WEIGHTS
                .iter()
                .map(|bytes| SpeechModel::from_bytes(bytes).map_err(|e| e.to_string()))
                .collect()
        })
        .as_deref()
        .map_err(|e| Error::InvalidOption(format!("the shipped speech models are unusable: {e}")))
}

/// The shipped model of quality `level` (1-based).
pub fn shipped_model(level: u8) -> Result<&'static SpeechModel, Error> {
    let models = shipped_models()?;
    level
        .checked_sub(1)
        .and_then(|i| models.get(i as usize))
        .ok_or_else(|| {
            Error::InvalidOption(format!(
                "speech quality level must be 1..={}",
                level_count()
            ))
        })
}

/// XXH3-64 over every model's weights hash and [`REVISION`].
fn bundle_hash(models: &[SpeechModel]) -> u64 {
    let mut bytes: Vec<u8> = models.iter().flat_map(|m| m.hash().to_le_bytes()).collect();
    bytes.extend_from_slice(REVISION);
    xxhash_rust::xxh3::xxh3_64(&bytes)
}

fn corrupt(reason: &str) -> Error {
    Error::CorruptChunk {
        index: 0,
        reason: reason.to_string(),
    }
}

/// The blocks (pitch index and codes) `model` gives `frames`.
pub fn encode_frames(model: &SpeechModel, frames: &[Frame]) -> Vec<Block> {
    let shape = model.shape();
    let pitch = shape.pitch();
    frames
        .chunks(shape.block)
        .map(|chunk| {
            let mut raw = Vec::with_capacity(shape.inputs());
            for i in 0..shape.block {
                // A short last block repeats its last frame.
                raw.extend_from_slice(&frame_vector(&chunk[i.min(chunk.len() - 1)]));
            }
            Block {
                pitch: block_pitch(chunk).map(|f0| pitch.index(f0)),
                codes: model.encode_block(&raw),
            }
        })
        .collect()
}

/// The frames the decoder makes of `blocks` (`frames` of them).
pub fn decode_frames(model: &SpeechModel, blocks: &[Block], frames: usize) -> Vec<Frame> {
    let shape = model.shape();
    let pitch = shape.pitch();
    let codes: Vec<&[u8]> = blocks.iter().map(|b| b.codes.as_slice()).collect();
    let mut out = Vec::with_capacity(blocks.len() * shape.block);
    for (i, block) in blocks.iter().enumerate() {
        let f0 = block.pitch.map_or(0.0, |p| pitch.f0(p));
        let raw = model.decode_block(&codes, i);
        for v in raw.chunks_exact(FEATURES) {
            out.push(vector_frame(v, f0));
        }
    }
    out.truncate(frames);
    out
}

/// The learned speech codec (see the [module docs](self)).
#[derive(Debug, Default, Clone, Copy)]
pub struct Speech;

impl Speech {
    /// The identifier of `speech` in `.ncz` files.
    pub const ID: CodecId = 6;
}

impl Codec for Speech {
    fn id(&self) -> CodecId {
        Self::ID
    }

    fn name(&self) -> &'static str {
        "speech"
    }

    fn description(&self) -> &'static str {
        "learned speech codec (vocoder features, FSQ autoencoder, integer entropy model); 16 kHz mono WAV in and out; --kbps 1.5 or 3 (--quality 1 to 2)"
    }

    fn modality(&self) -> Modality {
        Modality::Audio
    }

    fn model(&self) -> ModelInfo {
        ModelInfo {
            id: MODEL_ID,
            hash: shipped_models().map(bundle_hash).unwrap_or(0),
        }
    }

    fn lossy(&self) -> bool {
        true
    }

    fn lossy_chunks(&self) -> bool {
        true
    }

    fn encode_chunk(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.encode_chunk_with(input, &EncodeParams::default(), out)
    }

    fn encode_chunk_with(
        &self,
        input: &[u8],
        params: &EncodeParams,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        self.encode_chunk_at(input, &ChunkPosition::whole(input), params, out)
    }

    fn encode_chunk_at(
        &self,
        input: &[u8],
        at: &ChunkPosition<'_>,
        params: &EncodeParams,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let not_canonical = || {
            Error::InvalidOption(
                "the speech codec takes a 16 kHz mono 16-bit PCM WAV with a 44-byte header; \
                 the ncodec command converts other audio to that"
                    .into(),
            )
        };
        let level = params.quality.unwrap_or(DEFAULT_LEVEL);
        if level == 0 || level > level_count() {
            return Err(Error::InvalidOption(format!(
                "speech quality level must be 1..={}",
                level_count()
            )));
        }
        // Samples in later chunks, for the content's first chunk.
        let (later, pcm) = if at.offset == 0 {
            let announced = wav::announced_samples(input).ok_or_else(not_canonical)?;
            let here = (input.len() - wav::HEADER_LEN) / 2;
            let later = announced.checked_sub(here).ok_or_else(not_canonical)?;
            (Some(later), &input[wav::HEADER_LEN..])
        } else if (at.offset - wav::HEADER_LEN as u64).is_multiple_of(2) {
            (None, input)
        } else {
            return Err(not_canonical());
        };
        let samples = wav::parse_samples(pcm).ok_or_else(not_canonical)?;
        match later {
            Some(0) => out.push(WHOLE_CONTENT),
            Some(later) => {
                out.push(FIRST_CHUNK);
                put_varint(later as u64, out);
            }
            None => out.push(LATER_CHUNK),
        }
        out.push(level);
        let model = &shipped_models()?[level as usize - 1];
        let frames = analysis::analyse(&samples);
        let blocks = encode_frames(model, &frames);
        out.extend_from_slice(&coder::encode(model, &blocks)?);
        Ok(())
    }

    fn decode_chunk(&self, payload: &[u8], raw_len: usize, out: &mut Vec<u8>) -> Result<(), Error> {
        let mut fields = Cursor::new(payload);
        let layout = fields.u8()?;
        let (header_len, later) = match layout {
            WHOLE_CONTENT => (wav::HEADER_LEN, 0),
            FIRST_CHUNK => (wav::HEADER_LEN, fields.varint()?),
            LATER_CHUNK => (0, 0),
            _ => return Err(corrupt("unknown speech payload version")),
        };
        let level = fields.u8()?;
        if level == 0 || level > level_count() {
            return Err(corrupt("speech quality level out of range"));
        }
        if raw_len < header_len || !(raw_len - header_len).is_multiple_of(2) {
            return Err(corrupt("speech content size is not a 16-bit WAV's"));
        }
        let samples = (raw_len - header_len) / 2;
        let model = &shipped_models()?[level as usize - 1];
        let frames = frame_count(samples);
        let blocks = coder::decode(model, fields.rest(), frames.div_ceil(model.shape().block))?;
        let decoded = decode_frames(model, &blocks, frames);
        if header_len > 0 {
            let announced = usize::try_from(later)
                .ok()
                .and_then(|later| later.checked_add(samples))
                .filter(|&n| n <= wav::MAX_SAMPLES)
                .ok_or_else(|| corrupt("speech content longer than a WAV file can say"))?;
            out.extend_from_slice(&wav::header(announced));
        }
        wav::write_samples(&synthesis::synthesise(&decoded, samples), out);
        Ok(())
    }
}
