//! Classical general-purpose compressors, at their strongest common settings,
//! as reference points for ncodec.

use std::io;

mod brotli;
mod bzip2;
mod gzip;
mod ppmd;
mod xz;
mod zstd;

pub use self::brotli::Brotli11;
pub use self::bzip2::Bzip2_9;
pub use self::gzip::Gzip9;
pub use self::ppmd::PpmdO8;
pub use self::xz::Xz9e;
pub use self::zstd::{Zstd19, Zstd22Long, ZSTD_LONG_WINDOW_LOG};

/// Name of the baseline every ratio in a [`Report`](crate::Report) is taken against.
pub const XZ_REFERENCE: &str = "xz-9e";

/// A classical compressor with fixed settings. Output is a complete,
/// self-delimiting stream in the tool's standard format (what the command-line
/// tool would write, minus file metadata).
pub trait Baseline: Send + Sync {
    /// Short name with the settings, e.g. `"xz-9e"`.
    fn name(&self) -> &'static str;
    /// Compresses `data` into one stream.
    fn compress(&self, data: &[u8]) -> io::Result<Vec<u8>>;
    /// Decompresses one stream made by [`compress`](Baseline::compress).
    fn decompress(&self, data: &[u8]) -> io::Result<Vec<u8>>;
}

/// All baselines, in a fixed order: `gzip-9`, `bzip2-9`, `xz-9e`, `zstd-19`,
/// `zstd-22-long`, `brotli-11`, `ppmd-o8`.
///
/// ```
/// let names: Vec<&str> = ncodec_evals::all_baselines().iter().map(|b| b.name()).collect();
/// assert_eq!(
///     names,
///     ["gzip-9", "bzip2-9", "xz-9e", "zstd-19", "zstd-22-long", "brotli-11", "ppmd-o8"]
/// );
/// ```
pub fn all_baselines() -> Vec<Box<dyn Baseline>> {
    vec![
        Box::new(Gzip9),
        Box::new(Bzip2_9),
        Box::new(Xz9e),
        Box::new(Zstd19),
        Box::new(Zstd22Long),
        Box::new(Brotli11),
        Box::new(PpmdO8),
    ]
}

/// The baseline called `name`, if there is one.
///
/// ```
/// let xz = ncodec_evals::baselines::baseline_by_name("xz-9e").unwrap();
/// let packed = xz.compress(b"hello hello hello").unwrap();
/// assert_eq!(xz.decompress(&packed).unwrap(), b"hello hello hello");
/// ```
pub fn baseline_by_name(name: &str) -> Option<Box<dyn Baseline>> {
    all_baselines().into_iter().find(|b| b.name() == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudo_random(len: usize) -> Vec<u8> {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 32) as u8
            })
            .collect()
    }

    fn text() -> Vec<u8> {
        b"It was the best of times, it was the worst of times, it was the age of wisdom. "
            .repeat(200)
    }

    #[test]
    fn round_trips() {
        let inputs: [(&str, Vec<u8>); 4] = [
            ("empty", Vec::new()),
            ("one byte", vec![0x42]),
            ("text", text()),
            ("random", pseudo_random(100_000)),
        ];
        for b in all_baselines() {
            for (what, input) in &inputs {
                let packed = b
                    .compress(input)
                    .unwrap_or_else(|e| panic!("{}: {what}: {e}", b.name()));
                let back = b
                    .decompress(&packed)
                    .unwrap_or_else(|e| panic!("{}: {what}: {e}", b.name()));
                assert!(back == *input, "{}: {what}: round trip differs", b.name());
            }
        }
    }

    #[test]
    fn text_compresses_and_random_does_not_blow_up() {
        for b in all_baselines() {
            let t = text();
            assert!(b.compress(&t).unwrap().len() < t.len() / 10, "{}", b.name());
            let r = pseudo_random(100_000);
            assert!(
                b.compress(&r).unwrap().len() < r.len() + r.len() / 20,
                "{}",
                b.name()
            );
        }
    }

    #[test]
    fn truncated_stream_is_an_error() {
        let input = pseudo_random(50_000);
        for b in all_baselines() {
            let packed = b.compress(&input).unwrap();
            let cut = &packed[..packed.len() / 2];
            assert!(
                b.decompress(cut).is_err(),
                "{} accepted a truncated stream",
                b.name()
            );
        }
    }

    #[test]
    fn names_are_unique_and_findable() {
        let all = all_baselines();
        for (i, b) in all.iter().enumerate() {
            assert!(all[..i].iter().all(|c| c.name() != b.name()));
            assert_eq!(baseline_by_name(b.name()).map(|c| c.name()), Some(b.name()));
        }
        assert!(baseline_by_name(XZ_REFERENCE).is_some());
        assert!(baseline_by_name("lz4").is_none());
    }

    #[test]
    fn zstd_long_finds_a_distant_repeat() {
        // 1 MiB of noise, twice: only a window of more than 1 MiB sees the repeat.
        let mut input = pseudo_random(1 << 20);
        input.extend_from_within(..);
        let long = Zstd22Long.compress(&input).unwrap();
        assert_eq!(Zstd22Long.decompress(&long).unwrap(), input);
        assert!(
            long.len() < input.len() / 2 + 10_000,
            "{} bytes",
            long.len()
        );
    }
}
