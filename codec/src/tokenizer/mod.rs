//! Byte-level BPE (BBPE) tokenization for the token language model.
//!
//! Any byte string is a sequence of tokens (`u32` ids): ids 0 to 255 are the single
//! bytes, and id `256 + i` is merge `i`, which joins two earlier tokens. [`Bbpe::encode`]
//! gives the *canonical* tokenization (the input is split into [`pretokenize`] chunks,
//! then inside each chunk merges apply in the order they were learned), and
//! [`Bbpe::decode`] concatenates token bytes, so `decode(encode(x)) == x` for every input:
//! text, invalid UTF-8, NUL bytes, binary. [`train`] learns merges from a sample of text;
//! [`Bbpe::to_bytes`] and [`Bbpe::from_bytes`] write and check `NCTK` tokenizer files.
//!
//! ```
//! use ncodec::tokenizer::{train, Bbpe};
//!
//! let bbpe = train(&b"to be or not to be, that is the question. ".repeat(50), 512);
//! let tokens = bbpe.encode(b"to be, or not");
//! assert_eq!(bbpe.decode(&tokens)?, b"to be, or not");
//! let file = bbpe.to_bytes();
//! assert_eq!(Bbpe::from_bytes(&file)?.hash(), bbpe.hash());
//! # Ok::<(), ncodec::tokenizer::TokenizerError>(())
//! ```

mod bbpe;
pub mod pretokenize;
mod train;

pub use bbpe::{Bbpe, TokenizerError, MAX_VOCAB};
pub use train::train;
