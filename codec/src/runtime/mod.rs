//! The integer inference runtime: runs trained networks with integer arithmetic only, so
//! the probabilities they give the entropy coder are bit-identical on every CPU and
//! thread count (Ballé et al. 2019, "Integer networks for data compression").
//!
//! Networks are trained in float with burn (`ncodec-models`), then exported: weights to
//! int8 with one scale per output channel, biases to int32, and every rescaling between
//! layers to a fixed-point multiplier and shift computed once at export. At run time
//! there is no float at all: int8 × int8 products accumulate in int32, activations are
//! requantized with 64-bit integer multiplies, and the output logits go through an
//! integer softmax ([`softmax`]) into a [`FrequencyTable`](crate::entropy::FrequencyTable)
//! or per-bit probabilities.

pub mod byte_mlp;
pub mod conv;
pub mod image_ae;
pub mod linear;
pub mod softmax;

pub use byte_mlp::{ByteMlp, ByteMlpShape, ByteMlpState};
pub use linear::{Activation, QuantLinear, RELU_MAX};

/// Errors loading a weights file.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum RuntimeError {
    /// The bytes are not a weights file of this runtime.
    #[error("not an ncodec weights file (bad magic)")]
    BadMagic,
    /// The file's version or kind is not supported.
    #[error("unsupported weights file: {0}")]
    Unsupported(String),
    /// The file is damaged or inconsistent.
    #[error("corrupt weights file: {0}")]
    Corrupt(&'static str),
}

/// Little-endian reader over a weights file.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], RuntimeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(RuntimeError::Corrupt("file ends early"))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    /// Checks a weights file's envelope — `magic`, then the body, then an XXH3-64 of
    /// everything before it — and returns a reader over the body (after the magic) and
    /// the hash.
    pub(crate) fn checked(bytes: &'a [u8], magic: &[u8; 4]) -> Result<(Self, u64), RuntimeError> {
        if bytes.len() < 8 || &bytes[..4] != magic {
            return Err(RuntimeError::BadMagic);
        }
        let body_len = bytes.len() - 8;
        let stored = u64::from_le_bytes(
            bytes[body_len..]
                .try_into()
                .map_err(|_| RuntimeError::Corrupt("short"))?,
        );
        let hash = xxhash_rust::xxh3::xxh3_64(&bytes[..body_len]);
        if stored != hash {
            return Err(RuntimeError::Corrupt("checksum mismatch"));
        }
        Ok((Self::new(&bytes[4..body_len]), hash))
    }

    pub(crate) fn u8(&mut self) -> Result<u8, RuntimeError> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16, RuntimeError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, RuntimeError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(crate) fn i8s(&mut self, n: usize) -> Result<Vec<i8>, RuntimeError> {
        Ok(self.take(n)?.iter().map(|&b| b as i8).collect())
    }

    pub(crate) fn i32s(&mut self, n: usize) -> Result<Vec<i32>, RuntimeError> {
        let bytes = self.take(
            n.checked_mul(4)
                .ok_or(RuntimeError::Corrupt("size overflow"))?,
        )?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    pub(crate) fn rest(&self) -> usize {
        self.bytes.len() - self.pos
    }
}
