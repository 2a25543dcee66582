//! ANS stack coding with push/pop, the primitive of bits-back coding.

use constriction::stream::stack::DefaultAnsCoder;
use constriction::stream::{Decode, Encode};

use super::models::{BitModel, TableModel};
use super::{bytes_to_words, clamp_p1, words_to_bytes, EntropyError, FrequencyTable};

/// An ANS stack: [`push`](Self::push) encodes a symbol, [`pop`](Self::pop) decodes the
/// most recently pushed one (last in, first out).
///
/// Popping with some model from a stack that holds *other* data is what bits-back coding
/// does: it "decodes" a sample from that model while removing about its information
/// content in bits from the stack, and pushing the sample back with the same model
/// restores the stack exactly.
///
/// ```
/// use ncodec::entropy::{AnsCoder, FrequencyTable};
///
/// let table = FrequencyTable::from_counts(&[3, 1, 4, 1, 5]).unwrap();
/// let mut stack = AnsCoder::new();
/// for symbol in [4, 0, 2] {
///     stack.push(symbol, &table).unwrap();
/// }
/// let bytes = stack.into_bytes();
///
/// let mut stack = AnsCoder::from_bytes(&bytes).unwrap();
/// let popped: Vec<usize> = (0..3).map(|_| stack.pop(&table).unwrap()).collect();
/// assert_eq!(popped, [2, 0, 4]); // reverse order
/// assert!(stack.is_empty());
/// ```
#[derive(Debug, Default, Clone)]
pub struct AnsCoder {
    inner: DefaultAnsCoder,
}

impl AnsCoder {
    /// An empty stack.
    pub fn new() -> Self {
        Self::default()
    }

    /// A stack holding `bytes` as written by [`into_bytes`](Self::into_bytes).
    ///
    /// Fails if the length is not a multiple of 4 or the data ends in a zero word (which
    /// `into_bytes` never writes).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, EntropyError> {
        let words = bytes_to_words(bytes)?;
        DefaultAnsCoder::from_compressed(words)
            .map(|inner| Self { inner })
            .map_err(|_| EntropyError::CorruptStream("ANS data ends in a zero word"))
    }

    /// A stack seeded with arbitrary `bytes` (any content, zero words allowed): the
    /// "initial bits" that bits-back coding pops from before it has pushed anything.
    pub fn from_binary(bytes: &[u8]) -> Result<Self, EntropyError> {
        let words = bytes_to_words(bytes)?;
        match DefaultAnsCoder::from_binary(words) {
            Ok(inner) => Ok(Self { inner }),
            Err(never) => match never {},
        }
    }

    /// Pushes (encodes) `symbol` with `table`.
    #[inline]
    pub fn push(&mut self, symbol: usize, table: &FrequencyTable) -> Result<(), EntropyError> {
        let err = EntropyError::SymbolOutOfRange {
            symbol,
            alphabet: table.len(),
        };
        if symbol >= table.len() {
            return Err(err);
        }
        Encode::<{ super::PRECISION }>::encode_symbol(&mut self.inner, symbol, TableModel { table })
            .map_err(|_| err)
    }

    /// Pops (decodes) a symbol with `table`. On an empty stack this still returns a
    /// symbol (deterministically), as ANS decoding past the end does.
    #[inline]
    pub fn pop(&mut self, table: &FrequencyTable) -> Result<usize, EntropyError> {
        Decode::<{ super::PRECISION }>::decode_symbol(&mut self.inner, TableModel { table })
            .map_err(|_| EntropyError::CorruptStream("ANS stack read failed"))
    }

    /// Pushes one bit with P(1) = `p1 / 2^16` (clamped to `[1, 65535]`).
    #[inline]
    pub fn push_bit(&mut self, bit: bool, p1: u32) {
        let model = BitModel { p1: clamp_p1(p1) };
        // Cannot fail: both outcomes have non-zero probability and Vec writes are infallible.
        let _ = Encode::<{ super::BIT_PRECISION }>::encode_symbol(&mut self.inner, bit, model);
    }

    /// Pops one bit pushed with the same `p1`.
    #[inline]
    pub fn pop_bit(&mut self, p1: u32) -> Result<bool, EntropyError> {
        let model = BitModel { p1: clamp_p1(p1) };
        Decode::<{ super::BIT_PRECISION }>::decode_symbol(&mut self.inner, model)
            .map_err(|_| EntropyError::CorruptStream("ANS stack read failed"))
    }

    /// Whether nothing is on the stack.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// Size of the stack if written out now, in bits.
    pub fn num_bits(&self) -> usize {
        self.inner.num_bits()
    }

    /// The compressed bytes (a multiple of 4), to be read back with [`from_bytes`](Self::from_bytes).
    pub fn into_bytes(self) -> Vec<u8> {
        match self.inner.into_compressed() {
            Ok(words) => words_to_bytes(&words),
            Err(never) => match never {},
        }
    }
}
