//! # ncodec
//!
//! Neural compression: learned and adaptive models predict data, and an entropy coder
//! turns their integer probabilities into decodable `.ncz` bitstreams.
//!
//! ```
//! let data = b"any bytes at all".to_vec();
//! let packed = ncodec::compress(&data, &ncodec::CompressOptions::default())?;
//! assert_eq!(ncodec::decompress(&packed)?, data);
//! # Ok::<(), ncodec::Error>(())
//! ```
//!
//! The pieces, from the bottom up:
//! - [`entropy`]: range and ANS coders over integer probability tables (on `constriction`);
//! - [`Codec`] and [`registry`]: chunk codecs (`store`, `cm`, …) looked up by id or name;
//! - [`format`]: the `.ncz` frame layout (see `docs/FORMAT.md`);
//! - [`Encoder`] / [`Decoder`]: streaming frames over `Write` / `Read`, chunks coded in
//!   parallel; [`compress`] / [`decompress`] for byte slices; [`inspect`] for structure.

#![warn(missing_docs)]

mod api;
pub mod codec;
pub mod codecs;
pub mod entropy;
mod error;
pub mod format;
mod frame;
mod options;
pub mod registry;
pub mod runtime;
pub mod tokenizer;

pub use api::{compress, decompress, decompress_with};
pub use codec::{ChunkPosition, Codec, CodecId, EncodeParams, Modality, ModelInfo};
pub use error::Error;
pub use frame::{decompress_range, inspect, ChunkInfo, Decoder, Encoder, FrameInfo};
pub use options::{CompressOptions, DecompressOptions, DEFAULT_CHUNK_LOG2};
