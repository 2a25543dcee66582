//! Timing one contender on one buffer, with round-trip verification.

use std::time::{Duration, Instant};

use crate::contender::Contender;

/// What one verified round trip measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Measurement {
    /// Size of the compressed output, in bytes.
    pub compressed_len: usize,
    /// Fastest compression over the repeats.
    pub compress: Duration,
    /// Fastest decompression over the repeats.
    pub decompress: Duration,
}

/// Compresses and decompresses `data` `repeats` times (at least once), keeping
/// the fastest time of each, and checks every decoded output against `data`.
///
/// The first compressed output is the one decompressed and sized; a later
/// compression that differs in size is reported as non-determinism.
pub(crate) fn measure(
    contender: &dyn Contender,
    data: &[u8],
    repeats: usize,
) -> Result<Measurement, String> {
    let repeats = repeats.max(1);
    let mut packed: Option<Vec<u8>> = None;
    let mut best_compress = Duration::MAX;
    for _ in 0..repeats {
        let start = Instant::now();
        let out = contender
            .compress(data)
            .map_err(|e| format!("compression failed: {e}"))?;
        best_compress = best_compress.min(start.elapsed());
        match &packed {
            None => packed = Some(out),
            Some(first) if first.len() != out.len() => {
                return Err(format!(
                    "compression is not deterministic: {} then {} bytes",
                    first.len(),
                    out.len()
                ))
            }
            Some(_) => {}
        }
    }
    let packed = packed.unwrap_or_default();
    let mut best_decompress = Duration::MAX;
    for _ in 0..repeats {
        let start = Instant::now();
        let back = contender
            .decompress(&packed)
            .map_err(|e| format!("decompression failed: {e}"))?;
        best_decompress = best_decompress.min(start.elapsed());
        verify(data, &back)?;
    }
    Ok(Measurement {
        compressed_len: packed.len(),
        compress: best_compress,
        decompress: best_decompress,
    })
}

/// `Ok` if `decoded == original`, else a message locating the first difference.
fn verify(original: &[u8], decoded: &[u8]) -> Result<(), String> {
    if original == decoded {
        return Ok(());
    }
    let first = original
        .iter()
        .zip(decoded)
        .position(|(a, b)| a != b)
        .unwrap_or(original.len().min(decoded.len()));
    Err(format!(
        "round trip mismatch: decoded {} bytes, expected {}; first difference at byte {first}",
        decoded.len(),
        original.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contender::ContenderKind;
    use std::cell::Cell;

    struct Counting {
        compressions: Cell<usize>,
        decompressions: Cell<usize>,
        flip_after: Option<usize>,
        grow: bool,
    }

    impl Counting {
        fn new() -> Self {
            Counting {
                compressions: Cell::new(0),
                decompressions: Cell::new(0),
                flip_after: None,
                grow: false,
            }
        }
    }

    impl Contender for Counting {
        fn name(&self) -> &str {
            "counting"
        }
        fn kind(&self) -> ContenderKind {
            ContenderKind::Other
        }
        fn compress(&self, data: &[u8]) -> Result<Vec<u8>, String> {
            let n = self.compressions.get() + 1;
            self.compressions.set(n);
            let mut out = data.to_vec();
            if self.grow {
                out.resize(data.len() + n, 0);
            }
            Ok(out)
        }
        fn decompress(&self, data: &[u8]) -> Result<Vec<u8>, String> {
            let n = self.decompressions.get() + 1;
            self.decompressions.set(n);
            let mut out = data.to_vec();
            if self.flip_after.is_some_and(|k| n > k) {
                if let Some(b) = out.get_mut(3) {
                    *b ^= 1;
                }
            }
            Ok(out)
        }
    }

    #[test]
    fn repeats_run_each_side_that_many_times() {
        let c = Counting::new();
        let m = measure(&c, b"hello", 3).unwrap();
        assert_eq!((c.compressions.get(), c.decompressions.get()), (3, 3));
        assert_eq!(m.compressed_len, 5);
        let c = Counting::new();
        measure(&c, b"hello", 0).unwrap();
        assert_eq!(c.compressions.get(), 1);
    }

    #[test]
    fn every_repeat_is_verified() {
        let c = Counting {
            flip_after: Some(1),
            ..Counting::new()
        };
        let err = measure(&c, b"hello", 2).unwrap_err();
        assert!(err.contains("mismatch") && err.contains("byte 3"), "{err}");
    }

    #[test]
    fn nondeterministic_size_is_reported() {
        let c = Counting {
            grow: true,
            ..Counting::new()
        };
        let err = measure(&c, b"hello", 2).unwrap_err();
        assert!(err.contains("not deterministic"), "{err}");
    }

    #[test]
    fn verify_locates_length_differences() {
        assert!(verify(b"abc", b"abc").is_ok());
        assert!(verify(b"abc", b"ab").unwrap_err().contains("byte 2"));
        assert!(verify(b"", b"x").unwrap_err().contains("byte 0"));
    }
}
