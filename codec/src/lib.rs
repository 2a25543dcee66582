//! # ncodec
//!
//! Neural compression: learned and adaptive models predict data, and an entropy coder
//! turns their integer probabilities into decodable `.ncz` bitstreams.

#![warn(missing_docs)]

pub mod codec;
pub mod codecs;
pub mod entropy;
mod error;
pub mod format;
pub mod registry;

pub use codec::{Codec, CodecId, Modality, ModelInfo};
pub use error::Error;
