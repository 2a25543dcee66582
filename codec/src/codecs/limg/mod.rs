//! `limg`: lossless 8-bit photos. The content is a binary PNM file (`P5` gray or `P6`
//! RGB, the canonical form `ncodec --lossless` turns PNG, JPEG, … photos into); its
//! samples are coded by [`pixels`] (blended neighbour predictors, adaptive binary
//! residual coding, colour as G, R − G, B − G), its header by `cm`.
//!
//! Every chunk reads the header from the content's first chunk ([`ChunkPosition`]) and
//! codes the whole rows inside it as one strip, so large photos are coded in parallel;
//! partial rows at a chunk's edges are coded as bytes. Payloads list their runs, so
//! decoding needs no header.
//!
//! # Payload
//! | field | meaning |
//! |---|---|
//! | version (u8) | `1` |
//! | runs (varint) | number of runs |
//! | per run: kind (u8) | `0` stored bytes, `1` bytes coded by `cm`, `2` a strip of rows |
//! | per run: length (varint) | original bytes |
//! | strips only: width (varint), channels (u8) | pixels per row, 1 or 3 |
//! | per run: body length (varint), body | the bytes, the `cm` payload, or the strip's range-coded samples ([`pixels`]) |
//!
//! ```
//! use ncodec::codecs::image::RawImage;
//! let samples: Vec<u8> = (0..48 * 32 * 3).map(|i| (i % 251) as u8).collect();
//! let photo = RawImage::new(48, 32, 3, samples)?.to_ppm();
//! let packed = ncodec::compress(&photo, &ncodec::CompressOptions::default().codec("limg"))?;
//! assert_eq!(ncodec::decompress(&packed)?, photo);
//! # Ok::<(), ncodec::Error>(())
//! ```

pub mod pixels;
mod pnm;

pub use pnm::{PnmError, PnmLayout};

use crate::codec::{ChunkPosition, Codec, CodecId, EncodeParams, Modality};
use crate::codecs::runs;
use crate::entropy::{RangeDecoder, RangeEncoder};
use crate::Error;
use pixels::Shape;

/// Run kind of a strip of whole rows (kinds 0 and 1 are byte runs).
const STRIP: u8 = 2;

/// The lossless image codec.
#[derive(Debug, Default, Clone, Copy)]
pub struct Limg;

impl Limg {
    /// The identifier of `limg` in `.ncz` files.
    pub const ID: CodecId = 9;
}

impl Codec for Limg {
    fn id(&self) -> CodecId {
        Self::ID
    }
    fn name(&self) -> &'static str {
        "limg"
    }
    fn description(&self) -> &'static str {
        "lossless 8-bit photos (binary PNM): blended predictors and adaptive residual coding"
    }
    fn modality(&self) -> Modality {
        Modality::Image
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
        runs::encode_runs(input, &runs, out, |data, (width, channels)| {
            let shape = Shape {
                width,
                height: data.len() / (width * channels),
                channels,
            };
            let mut enc = RangeEncoder::new();
            pixels::encode(data, shape, &mut enc)?;
            let mut fields = Vec::new();
            crate::format::write_varint(width as u64, &mut fields);
            fields.push(channels as u8);
            Ok(runs::Coded {
                kind: STRIP,
                fields,
                body: enc.finish(),
            })
        })
    }
    fn decode_chunk(&self, payload: &[u8], raw_len: usize, out: &mut Vec<u8>) -> Result<(), Error> {
        runs::decode(payload, raw_len, out, "limg", |kind, len, cursor, out| {
            if kind != STRIP {
                return Err(corrupt("unknown run kind"));
            }
            let width = usize::try_from(cursor.varint()?).map_err(|_| corrupt("bad width"))?;
            let channels = usize::from(cursor.u8()?);
            if width == 0 || !matches!(channels, 1 | 3) {
                return Err(corrupt("bad strip shape"));
            }
            let body = runs::take_body(cursor, "limg")?;
            let row = width
                .checked_mul(channels)
                .ok_or_else(|| corrupt("bad width"))?;
            if len == 0 || row > len || len % row != 0 {
                return Err(corrupt("strip of a partial row"));
            }
            let shape = Shape {
                width,
                height: len / row,
                channels,
            };
            let mut dec = RangeDecoder::new(body).map_err(|e| corrupt(&e.to_string()))?;
            out.extend_from_slice(&pixels::decode(shape, &mut dec)?);
            Ok(())
        })
    }
}

/// Cuts a chunk into byte runs and one strip of whole rows, by the PNM header in the
/// content's first chunk.
fn plan(input: &[u8], at: &ChunkPosition<'_>) -> Vec<(usize, Option<(usize, usize)>)> {
    let units = PnmLayout::parse(at.head).ok().map(|layout| runs::Units {
        data: (layout.data_start, layout.data_end),
        unit: layout.row_bytes(),
        how: (layout.width, layout.channels),
    });
    runs::plan_runs(at.offset, input.len(), units)
}

fn corrupt(reason: &str) -> Error {
    runs::corrupt("limg", reason)
}
