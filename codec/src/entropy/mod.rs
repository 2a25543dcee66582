//! The entropy core: integer probability models driving `constriction`'s coders.
//!
//! Everything that reaches a coder is an **integer**: a [`FrequencyTable`] whose
//! probabilities sum to exactly `2^PRECISION` with every symbol at least 1, or a
//! binary probability `p1` in units of `2^-BIT_PRECISION`. No float ever reaches the
//! coder, so an encoder and a decoder on different CPUs or thread counts agree bit for
//! bit as long as they compute the same integers.
//!
//! Two coders share that API:
//! - [`RangeEncoder`] / [`RangeDecoder`]: a range (arithmetic) coder, a *queue*: symbols
//!   come out in the order they went in. This is what adaptive models (the `cm` codec,
//!   language models) use, because the decoder must see symbols in encoding order.
//! - [`AnsCoder`]: an ANS *stack*: the last symbol pushed is the first popped. Its
//!   [`AnsCoder::pop`] on a non-empty stack "decodes" arbitrary bits with any model, which
//!   is the primitive bits-back coding needs (pop latents with the posterior, push the
//!   data, push the latents with the prior).
//!
//! # Precision
//! Both coders use 32-bit words and a 64-bit state (constriction's `Default*` coders).
//! Categorical tables use [`PRECISION`]` = 24` bits: enough to give the rarest of
//! 2^16 symbols a non-zero probability while keeping the worst-case rounding loss of the
//! coder (at most `2^PRECISION / 2^32` of the range) to well under 0.01 % on average.
//! Binary models use [`BIT_PRECISION`]` = 16` bits, the resolution of adaptive bit
//! counters (a probability is never 0 or 1: it is clamped to `[1, 2^16 - 1]`).

mod ans;
mod frequency;
mod models;
mod range;

pub use ans::AnsCoder;
pub use frequency::FrequencyTable;
pub use range::{RangeDecoder, RangeEncoder};

/// Bits of fixed-point precision of categorical [`FrequencyTable`]s: the probabilities of a
/// table sum to `1 << PRECISION`.
pub const PRECISION: usize = 24;

/// Bits of fixed-point precision of binary probabilities: `p1 = 1 << 15` means one half.
pub const BIT_PRECISION: usize = 16;

/// Largest number of symbols a [`FrequencyTable`] can hold.
pub const MAX_SYMBOLS: usize = 1 << 16;

/// Errors of the entropy core.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum EntropyError {
    /// A frequency table could not be built from the given counts.
    #[error("invalid frequency table: {0}")]
    InvalidTable(&'static str),
    /// A symbol outside the table's alphabet was passed to an encoder.
    #[error("symbol {symbol} is outside the alphabet of {alphabet} symbols")]
    SymbolOutOfRange {
        /// The offending symbol.
        symbol: usize,
        /// Size of the table's alphabet.
        alphabet: usize,
    },
    /// The compressed bytes are not a valid stream for this coder.
    #[error("corrupt entropy-coded stream: {0}")]
    CorruptStream(&'static str),
}

/// Converts 32-bit coder words to little-endian bytes.
fn words_to_bytes(words: &[u32]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(words.len() * 4);
    for word in words {
        bytes.extend_from_slice(&word.to_le_bytes());
    }
    bytes
}

/// Converts little-endian bytes back to 32-bit coder words.
fn bytes_to_words(bytes: &[u8]) -> Result<Vec<u32>, EntropyError> {
    if !bytes.len().is_multiple_of(4) {
        return Err(EntropyError::CorruptStream(
            "length is not a multiple of 4 bytes",
        ));
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

/// Clamps a binary probability into the open interval the coder accepts.
#[inline(always)]
fn clamp_p1(p1: u32) -> u32 {
    p1.clamp(1, (1 << BIT_PRECISION) - 1)
}
