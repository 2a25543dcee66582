//! Byte-level BPE (BBPE) tokenization for the token language model.
//!
//! Any byte string is a sequence of tokens: the 256 single bytes are tokens, and each
//! learned merge joins two earlier tokens into a new one. [`Bbpe::encode`] gives the
//! *canonical* tokenization (the input is split into [`pretokenize`] chunks, then merges
//! apply in the order they were learned), and [`Bbpe::decode`] concatenates token bytes,
//! so `decode(encode(x)) == x` for every input: text, invalid UTF-8, NUL bytes, binary.
//! [`train`] learns merges from a sample of text.

mod bbpe;
pub mod pretokenize;
mod train;

pub use bbpe::{Bbpe, TokenizerError};
pub use train::train;
