//! `pcm`: lossless audio. The content is a WAV file, coded exactly: its integer PCM
//! samples through per-block linear prediction and an adaptive residual coder
//! ([`frames`]), its header and other chunks through `cm`.
//!
//! Like `tensor`, every chunk reads the file's header from the content's first chunk
//! ([`ChunkPosition`]) to find whole frames inside it, so chunks are coded on their own
//! and in parallel; each payload lists its runs, so decoding needs no header.
//!
//! # Payload
//! | field | meaning |
//! |---|---|
//! | version (u8) | `1` |
//! | runs (varint) | number of runs |
//! | per run: kind (u8) | `0` stored bytes, `1` bytes coded by `cm`, `2` frames |
//! | per run: length (varint) | original bytes |
//! | frames only: channels (u8), bits (u8) | 1..=8 channels of 8, 16, 24 or 32 bits |
//! | per run: body length (varint), body | the bytes, the `cm` payload, or the frames' range-coded stream ([`frames`]) |
//!
//! ```
//! // One second of a 440 Hz tone as a 16 kHz mono WAV file.
//! let mut wav = ncodec::codecs::speech::wav::header(16_000).to_vec();
//! for n in 0..16_000 {
//!     let x = (8000.0 * (n as f64 * 440.0 / 16_000.0 * std::f64::consts::TAU).sin()) as i16;
//!     wav.extend_from_slice(&x.to_le_bytes());
//! }
//! let packed = ncodec::compress(&wav, &ncodec::CompressOptions::default().codec("pcm"))?;
//! assert!(packed.len() < wav.len() / 4);
//! assert_eq!(ncodec::decompress(&packed)?, wav);
//! # Ok::<(), ncodec::Error>(())
//! ```

pub mod frames;
pub mod wav_layout;

pub use wav_layout::{WavError, WavLayout};

use crate::codec::{ChunkPosition, Codec, CodecId, EncodeParams, Modality};
use crate::codecs::runs;
use crate::Error;
use frames::Format;

/// Run kind of sample frames (kinds 0 and 1 are byte runs, see
/// [`runs`](crate::codecs::runs)).
const FRAMES: u8 = 2;

/// The lossless audio codec.
#[derive(Debug, Default, Clone, Copy)]
pub struct Pcm;

impl Pcm {
    /// The identifier of `pcm` in `.ncz` files.
    pub const ID: CodecId = 8;
}

impl Codec for Pcm {
    fn id(&self) -> CodecId {
        Self::ID
    }
    fn name(&self) -> &'static str {
        "pcm"
    }
    fn description(&self) -> &'static str {
        "lossless audio (WAV, 8-32 bit integer PCM): linear prediction and adaptive residual coding"
    }
    fn modality(&self) -> Modality {
        Modality::Audio
    }
    fn reads_head(&self) -> bool {
        true
    }
    fn encode_chunk(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.encode_chunk_at(
            input,
            &ChunkPosition::whole(input),
            &EncodeParams::default(),
            out,
        )
    }
    fn encode_chunk_at(
        &self,
        input: &[u8],
        at: &ChunkPosition<'_>,
        _params: &EncodeParams,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let runs = plan(input, at);
        runs::encode_runs(input, &runs, out, |data, format| {
            let mut body = Vec::new();
            frames::encode(data, format, &mut body);
            Ok(runs::Coded {
                kind: FRAMES,
                fields: vec![format.channels as u8, format.bits as u8],
                body,
            })
        })
    }
    fn decode_chunk(&self, payload: &[u8], raw_len: usize, out: &mut Vec<u8>) -> Result<(), Error> {
        runs::decode(payload, raw_len, out, "pcm", |kind, len, cursor, out| {
            if kind != FRAMES {
                return Err(corrupt("unknown run kind"));
            }
            let channels = usize::from(cursor.u8()?);
            let bits = u32::from(cursor.u8()?);
            if !(1..=8).contains(&channels) || !matches!(bits, 8 | 16 | 24 | 32) {
                return Err(corrupt("unsupported sample format"));
            }
            let format = Format { channels, bits };
            let body = runs::take_body(cursor, "pcm")?;
            let frame = channels * bits as usize / 8;
            if len % frame != 0 {
                return Err(corrupt("frame run of a partial frame"));
            }
            frames::decode(body, format, len / frame, out)
        })
    }
}

/// Cuts a chunk into byte runs and runs of whole frames, by the WAV header in the
/// content's first chunk.
fn plan(input: &[u8], at: &ChunkPosition<'_>) -> Vec<(usize, Option<Format>)> {
    let units = WavLayout::parse(at.head).ok().map(|layout| runs::Units {
        data: (layout.data_start, layout.data_end),
        unit: layout.frame_bytes() as u64,
        how: Format {
            channels: layout.channels,
            bits: layout.bits,
        },
    });
    runs::plan_runs(at.offset, input.len(), units)
}

fn corrupt(reason: &str) -> Error {
    runs::corrupt("pcm", reason)
}
