//! The embedded sample set: a few small, freely licensed files.

/// What kind of data a [`Sample`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SampleKind {
    /// Natural-language prose (UTF-8 / ASCII).
    Text,
    /// Program source code.
    Code,
    /// Binary data.
    Binary,
}

impl SampleKind {
    /// Lower-case name of the kind: `"text"`, `"code"` or `"binary"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SampleKind::Text => "text",
            SampleKind::Code => "code",
            SampleKind::Binary => "binary",
        }
    }
}

impl std::fmt::Display for SampleKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One embedded sample file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// File name, as in `datasets/samples/` (e.g. `"devils-dictionary.txt"`).
    pub name: &'static str,
    /// What kind of data the sample holds.
    pub kind: SampleKind,
    /// Licence of the content, as an SPDX-like expression
    /// (details in `datasets/samples/LICENSES.md`).
    pub license: &'static str,
    /// The file's contents.
    pub bytes: &'static [u8],
}

static SAMPLES: [Sample; 4] = [
    Sample {
        name: "devils-dictionary.txt",
        kind: SampleKind::Text,
        license: "public-domain",
        bytes: include_bytes!("../samples/devils-dictionary.txt"),
    },
    Sample {
        name: "jargon.txt",
        kind: SampleKind::Text,
        license: "public-domain",
        bytes: include_bytes!("../samples/jargon.txt"),
    },
    Sample {
        name: "rust-src-sample.rs",
        kind: SampleKind::Code,
        license: "MIT OR Apache-2.0",
        bytes: include_bytes!("../samples/rust-src-sample.rs"),
    },
    Sample {
        name: "mixed.bin",
        kind: SampleKind::Binary,
        license: "generated",
        bytes: include_bytes!("../samples/mixed.bin"),
    },
];

/// All embedded samples, in a fixed order (text, code, then binary).
///
/// ```
/// use ncodec_datasets::{samples, SampleKind};
///
/// let all = samples();
/// assert!(all.iter().any(|s| s.kind == SampleKind::Binary));
/// let total: usize = all.iter().map(|s| s.bytes.len()).sum();
/// assert!(total > 1_000_000 && total < 3_000_000);
/// ```
pub fn samples() -> &'static [Sample] {
    &SAMPLES
}

/// The embedded sample called `name`, if there is one.
///
/// ```
/// let code = ncodec_datasets::sample("rust-src-sample.rs").unwrap();
/// assert_eq!(code.kind, ncodec_datasets::SampleKind::Code);
/// assert!(ncodec_datasets::sample("nope").is_none());
/// ```
pub fn sample(name: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|s| s.name == name)
}

/// Embedded photos for the image codec's demo, tests and benchmarks (PNG). They are
/// kept out of [`samples`], the byte-compression set.
static IMAGE_SAMPLES: [Sample; 2] = [
    Sample {
        name: "coffee.png",
        kind: SampleKind::Binary,
        license: "CC0-1.0",
        bytes: include_bytes!("../samples/coffee.png"),
    },
    Sample {
        name: "chelsea.png",
        kind: SampleKind::Binary,
        license: "CC0-1.0",
        bytes: include_bytes!("../samples/chelsea.png"),
    },
];

/// The embedded photos (PNG files; see `datasets/samples/LICENSES.md`).
///
/// ```
/// let photos = ncodec_datasets::image_samples();
/// assert!(photos.iter().all(|s| s.bytes.starts_with(b"\x89PNG")));
/// ```
pub fn image_samples() -> &'static [Sample] {
    &IMAGE_SAMPLES
}

/// Embedded speech for the speech codec's demo, tests and benchmarks: 16 kHz mono 16-bit
/// WAV files (the codec's canonical content). Kept out of [`samples`].
static SPEECH_SAMPLES: [Sample; 2] = [
    Sample {
        name: "speech-librivox-0870.wav",
        kind: SampleKind::Binary,
        license: "public domain (LibriVox)",
        bytes: include_bytes!("../samples/speech-librivox-0870.wav"),
    },
    Sample {
        name: "speech-librivox-0930.wav",
        kind: SampleKind::Binary,
        license: "public domain (LibriVox)",
        bytes: include_bytes!("../samples/speech-librivox-0930.wav"),
    },
];

/// The embedded speech (WAV files; see `datasets/samples/LICENSES.md`).
///
/// ```
/// let speech = ncodec_datasets::speech_samples();
/// assert!(speech.iter().all(|s| s.bytes.starts_with(b"RIFF")));
/// ```
pub fn speech_samples() -> &'static [Sample] {
    &SPEECH_SAMPLES
}

/// The embedded samples as owned `(name, bytes)` pairs, the shape
/// [`read_files`](crate::read_files) returns.
pub fn sample_files() -> Vec<(String, Vec<u8>)> {
    SAMPLES
        .iter()
        .map(|s| (s.name.to_owned(), s.bytes.to_vec()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_files_nonempty() {
        for (i, s) in samples().iter().enumerate() {
            assert!(!s.bytes.is_empty(), "{} is empty", s.name);
            assert!(samples()[..i].iter().all(|t| t.name != s.name));
            assert_eq!(sample(s.name), Some(s));
        }
    }

    #[test]
    fn text_and_code_are_utf8_and_end_with_newline() {
        for s in samples().iter().filter(|s| s.kind != SampleKind::Binary) {
            assert!(std::str::from_utf8(s.bytes).is_ok(), "{}", s.name);
            assert_eq!(s.bytes.last(), Some(&b'\n'), "{}", s.name);
        }
    }

    #[test]
    fn sizes_are_within_budget() {
        for s in samples() {
            assert!(s.bytes.len() <= 1 << 20, "{} too large", s.name);
        }
        let total: usize = samples().iter().map(|s| s.bytes.len()).sum();
        assert!(total <= 3 << 20);
    }

    #[test]
    fn sample_files_matches_samples() {
        let files = sample_files();
        assert_eq!(files.len(), samples().len());
        for ((name, bytes), s) in files.iter().zip(samples()) {
            assert_eq!(name, s.name);
            assert_eq!(bytes, s.bytes);
        }
    }

    #[test]
    fn kind_names() {
        assert_eq!(SampleKind::Code.to_string(), "code");
        assert_eq!(SampleKind::Text.as_str(), "text");
        assert_eq!(SampleKind::Binary.as_str(), "binary");
    }
}
