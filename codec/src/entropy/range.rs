//! Range (arithmetic) coding: a queue of symbols, decoded in the order they were encoded.

use constriction::stream::queue::{DefaultRangeDecoder, DefaultRangeEncoder};
use constriction::stream::{Decode, Encode};

use super::models::{BitModel, TableModel};
use super::{bytes_to_words, clamp_p1, words_to_bytes, EntropyError, FrequencyTable};

/// Encodes symbols with integer models into a byte stream; see [`RangeDecoder`].
///
/// ```
/// use ncodec::entropy::{FrequencyTable, RangeDecoder, RangeEncoder};
///
/// let table = FrequencyTable::from_counts(&[1, 2, 5]).unwrap();
/// let mut encoder = RangeEncoder::new();
/// encoder.encode(2, &table).unwrap();
/// encoder.encode_bit(true, 40_000); // P(true) = 40000 / 65536
/// let bytes = encoder.finish();
///
/// let mut decoder = RangeDecoder::new(&bytes).unwrap();
/// assert_eq!(decoder.decode(&table).unwrap(), 2);
/// assert!(decoder.decode_bit(40_000).unwrap());
/// ```
#[derive(Debug, Default)]
pub struct RangeEncoder {
    inner: DefaultRangeEncoder,
}

impl RangeEncoder {
    /// An empty encoder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Encodes one bit; `p1` is P(bit = 1) in units of `2^-16`, clamped to `[1, 65535]`.
    #[inline]
    pub fn encode_bit(&mut self, bit: bool, p1: u32) {
        let model = BitModel { p1: clamp_p1(p1) };
        // Cannot fail: both outcomes have non-zero probability and Vec writes are infallible.
        let _ = Encode::<{ super::BIT_PRECISION }>::encode_symbol(&mut self.inner, bit, model);
    }

    /// Encodes `symbol` with `table`; fails if the symbol is outside the alphabet.
    #[inline]
    pub fn encode(&mut self, symbol: usize, table: &FrequencyTable) -> Result<(), EntropyError> {
        if symbol >= table.len() {
            return Err(EntropyError::SymbolOutOfRange {
                symbol,
                alphabet: table.len(),
            });
        }
        Encode::<{ super::PRECISION }>::encode_symbol(&mut self.inner, symbol, TableModel { table })
            .map_err(|_| EntropyError::SymbolOutOfRange {
                symbol,
                alphabet: table.len(),
            })
    }

    /// Size the stream would have if finished now, in bits (a multiple of 32).
    pub fn num_bits(&self) -> usize {
        self.inner.num_bits()
    }

    /// Flushes the coder and returns the compressed bytes (a multiple of 4 bytes).
    pub fn finish(self) -> Vec<u8> {
        match self.inner.into_compressed() {
            Ok(words) => words_to_bytes(&words),
            Err(never) => match never {},
        }
    }
}

/// Decodes a stream written by [`RangeEncoder`], given the same models in the same order.
///
/// Decoding never panics: corrupt input yields either wrong symbols (which the container's
/// checksums catch) or [`EntropyError::CorruptStream`].
#[derive(Debug)]
pub struct RangeDecoder {
    inner: DefaultRangeDecoder,
}

impl RangeDecoder {
    /// Starts decoding `bytes`; fails if their length is not a multiple of 4.
    pub fn new(bytes: &[u8]) -> Result<Self, EntropyError> {
        let words = bytes_to_words(bytes)?;
        match DefaultRangeDecoder::from_compressed(words) {
            Ok(inner) => Ok(Self { inner }),
            Err(never) => match never {},
        }
    }

    /// Decodes one bit encoded with the same `p1` as [`RangeEncoder::encode_bit`].
    #[inline]
    pub fn decode_bit(&mut self, p1: u32) -> Result<bool, EntropyError> {
        let model = BitModel { p1: clamp_p1(p1) };
        Decode::<{ super::BIT_PRECISION }>::decode_symbol(&mut self.inner, model)
            .map_err(|_| EntropyError::CorruptStream("range decoder left its interval"))
    }

    /// Decodes one symbol encoded with the same `table`.
    #[inline]
    pub fn decode(&mut self, table: &FrequencyTable) -> Result<usize, EntropyError> {
        Decode::<{ super::PRECISION }>::decode_symbol(&mut self.inner, TableModel { table })
            .map_err(|_| EntropyError::CorruptStream("range decoder left its interval"))
    }
}
