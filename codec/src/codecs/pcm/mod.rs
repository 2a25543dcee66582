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
use crate::codecs::wire::{put_varint, Cursor};
use crate::codecs::Cm;
use crate::Error;
use frames::Format;

const PAYLOAD_VERSION: u8 = 1;
const STORED: u8 = 0;
const CM: u8 = 1;
const FRAMES: u8 = 2;

/// Byte runs shorter than this are stored.
const MIN_CODED_BYTES: usize = 64;

/// The lossless audio codec.
#[derive(Debug, Default, Clone, Copy)]
pub struct Pcm;

impl Pcm {
    /// The identifier of `pcm` in `.ncz` files.
    pub const ID: CodecId = 8;
}

/// One piece of a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    len: usize,
    format: Option<Format>,
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
        let at = ChunkPosition {
            offset: 0,
            head: input,
        };
        self.encode_chunk_at(input, &at, &EncodeParams::default(), out)
    }
    fn encode_chunk_at(
        &self,
        input: &[u8],
        at: &ChunkPosition<'_>,
        _params: &EncodeParams,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let runs = plan(input, at);
        out.push(PAYLOAD_VERSION);
        put_varint(runs.len() as u64, out);
        let mut rest = input;
        let mut body = Vec::new();
        for run in runs {
            let (data, tail) = rest.split_at(run.len);
            rest = tail;
            body.clear();
            let kind = match run.format {
                Some(format) => {
                    frames::encode(data, format, &mut body);
                    FRAMES
                }
                None if data.len() >= MIN_CODED_BYTES => {
                    Cm.encode_chunk(data, &mut body)?;
                    if body.len() < data.len() {
                        CM
                    } else {
                        body.clear();
                        body.extend_from_slice(data);
                        STORED
                    }
                }
                None => {
                    body.extend_from_slice(data);
                    STORED
                }
            };
            out.push(kind);
            put_varint(data.len() as u64, out);
            if let Some(format) = run.format {
                out.push(format.channels as u8);
                out.push(format.bits as u8);
            }
            put_varint(body.len() as u64, out);
            out.extend_from_slice(&body);
        }
        Ok(())
    }
    fn decode_chunk(&self, payload: &[u8], raw_len: usize, out: &mut Vec<u8>) -> Result<(), Error> {
        let mut cursor = Cursor::new(payload);
        if cursor.u8()? != PAYLOAD_VERSION {
            return Err(corrupt("unknown payload version"));
        }
        let runs = cursor.varint()?;
        let start = out.len();
        let mut remaining = raw_len;
        for _ in 0..runs {
            let kind = cursor.u8()?;
            let len = usize::try_from(cursor.varint()?)
                .ok()
                .filter(|&n| n <= remaining)
                .ok_or_else(|| corrupt("run longer than the chunk"))?;
            remaining -= len;
            let format = if kind == FRAMES {
                let channels = usize::from(cursor.u8()?);
                let bits = u32::from(cursor.u8()?);
                if !(1..=8).contains(&channels) || !matches!(bits, 8 | 16 | 24 | 32) {
                    return Err(corrupt("unsupported sample format"));
                }
                Some(Format { channels, bits })
            } else {
                None
            };
            let body_len =
                usize::try_from(cursor.varint()?).map_err(|_| corrupt("run body out of range"))?;
            let body = cursor.take(body_len)?;
            let before = out.len();
            match (kind, format) {
                (STORED, _) if body.len() == len => out.extend_from_slice(body),
                (CM, _) => Cm.decode_chunk(body, len, out)?,
                (FRAMES, Some(format)) => {
                    let frame = format.channels * format.bits as usize / 8;
                    if len % frame != 0 {
                        return Err(corrupt("frame run of a partial frame"));
                    }
                    frames::decode(body, format, len / frame, out)?;
                }
                _ => return Err(corrupt("unknown run kind")),
            }
            if out.len() - before != len {
                return Err(corrupt("run decoded to the wrong length"));
            }
        }
        if !cursor.is_empty() || out.len() - start != raw_len {
            return Err(corrupt("runs do not add up to the chunk"));
        }
        Ok(())
    }
}

/// Cuts a chunk into byte runs and runs of whole frames, by the WAV header in the
/// content's first chunk.
fn plan(input: &[u8], at: &ChunkPosition<'_>) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut push = |len: u64, format: Option<Format>| {
        if len > 0 {
            runs.push(Run {
                len: len as usize,
                format,
            });
        }
    };
    let begin = at.offset;
    let end = at.offset + input.len() as u64;
    let Ok(layout) = WavLayout::parse(at.head) else {
        push(end - begin, None);
        return runs;
    };
    let frame = layout.frame_bytes() as u64;
    let from = begin.max(layout.data_start);
    let first = layout.data_start + (from - layout.data_start).div_ceil(frame) * frame;
    let to = end.min(layout.data_end);
    let last = if to > layout.data_start {
        layout.data_start + (to - layout.data_start) / frame * frame
    } else {
        0
    };
    if last > first {
        push(first - begin, None);
        push(
            last - first,
            Some(Format {
                channels: layout.channels,
                bits: layout.bits,
            }),
        );
        push(end - last, None);
    } else {
        push(end - begin, None);
    }
    runs
}

fn corrupt(reason: &str) -> Error {
    Error::CorruptChunk {
        index: 0,
        reason: format!("pcm payload: {reason}"),
    }
}
