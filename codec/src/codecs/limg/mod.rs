//! `limg`: lossless 8-bit photos. The content is a binary PNM file (`P5` gray or `P6`
//! RGB, the canonical form `ncodec --lossless` turns PNG, JPEG, … photos into); its
//! samples are modelled by [`pixels`] (blended neighbour predictors, adaptive binary
//! residual models, colour as G, R − G, B − G) as a latent-variable mixture — which
//! predictor made the sample — with a trained prior ([`prior`], `ncodec train limg`),
//! and coded with bits-back coding on an ANS stack ([`bits_back`]); its header by `cm`.
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
//! | per run: kind (u8) | `0` stored bytes, `1` bytes coded by `cm`, `3` a strip of rows |
//! | per run: length (varint) | original bytes |
//! | strips only: width (varint), channels (u8) | pixels per row, 1 or 3 |
//! | per run: body length (varint), body | the bytes, the `cm` payload, or the strip's ANS stack ([`bits_back`]) |
//!
//! ```
//! use ncodec::codecs::image::RawImage;
//! let samples: Vec<u8> = (0..48 * 32 * 3).map(|i| (i % 251) as u8).collect();
//! let photo = RawImage::new(48, 32, 3, samples)?.to_ppm();
//! let packed = ncodec::compress(&photo, &ncodec::CompressOptions::default().codec("limg"))?;
//! assert_eq!(ncodec::decompress(&packed)?, photo);
//! # Ok::<(), ncodec::Error>(())
//! ```

pub mod bits_back;
mod fixed_log;
pub mod pixels;
mod pnm;
pub mod prior;

pub use pnm::{PnmError, PnmLayout};
pub use prior::{Prior, PriorError};

use crate::codec::{ChunkPosition, Codec, CodecId, EncodeParams, Modality, ModelInfo};
use crate::codecs::runs;
use crate::Error;
use pixels::Shape;

/// Run kind of a strip of whole rows, coded with bits-back coding of the mixture (kinds
/// 0 and 1 are byte runs; 2 was the range-coded strip of the first `limg`, whose files
/// carry model hash 0 and are refused as a model mismatch).
const BITS_BACK_STRIP: u8 = 3;

/// Revision of the way `limg` codes a strip with the prior (its adaptive counts); it
/// enters the model hash, so files of another revision are refused.
const REVISION: &[u8] = b"ncodec-limg-adaptive-prior-1";

/// The model hash recorded in `.ncz` headers: XXH3-64 over the prior file's hash
/// (little-endian) and [`REVISION`].
fn model_hash(prior: &Prior) -> u64 {
    let mut bytes = prior.hash().to_le_bytes().to_vec();
    bytes.extend_from_slice(REVISION);
    xxhash_rust::xxh3::xxh3_64(&bytes)
}

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
    fn model(&self) -> ModelInfo {
        ModelInfo {
            id: 1,
            hash: model_hash(Prior::shipped()),
        }
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
            let mut fields = Vec::new();
            crate::format::write_varint(width as u64, &mut fields);
            fields.push(channels as u8);
            Ok(runs::Coded {
                kind: BITS_BACK_STRIP,
                fields,
                body: bits_back::encode(data, shape, Prior::shipped())?,
            })
        })
    }
    fn decode_chunk(&self, payload: &[u8], raw_len: usize, out: &mut Vec<u8>) -> Result<(), Error> {
        runs::decode(payload, raw_len, out, "limg", |kind, len, cursor, out| {
            if kind != BITS_BACK_STRIP {
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
            out.extend_from_slice(&bits_back::decode(body, shape, Prior::shipped())?);
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
