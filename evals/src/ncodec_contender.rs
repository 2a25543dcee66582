//! ncodec's codecs as [`Contender`]s, through the library's public API.

use crate::contender::{Contender, ContenderKind};

/// One ncodec codec, compressing through [`ncodec::compress`] (the full
/// `.ncz` container, so sizes include framing) with a fixed thread count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NcodecContender {
    codec: String,
    threads: usize,
}

impl NcodecContender {
    /// The codec registered as `codec`, run with `threads` threads (0: all cores).
    pub fn new(codec: &str, threads: usize) -> Self {
        NcodecContender {
            codec: codec.to_owned(),
            threads,
        }
    }
}

impl Contender for NcodecContender {
    fn name(&self) -> &str {
        &self.codec
    }

    fn kind(&self) -> ContenderKind {
        ContenderKind::Ncodec
    }

    fn compress(&self, data: &[u8]) -> Result<Vec<u8>, String> {
        let opts = ncodec::CompressOptions::default()
            .codec(&self.codec)
            .threads(self.threads);
        ncodec::compress(data, &opts).map_err(|e| e.to_string())
    }

    fn decompress(&self, data: &[u8]) -> Result<Vec<u8>, String> {
        let opts = ncodec::DecompressOptions::default().threads(self.threads);
        ncodec::decompress_with(data, &opts).map_err(|e| e.to_string())
    }
}

/// Every lossless codec of ncodec's default registry, in
/// registration order, run with `threads` threads (0: all cores). The lossy image codec
/// is measured by [`run_image_eval`](crate::images::run_image_eval) instead.
pub fn ncodec_contenders(threads: usize) -> Vec<Box<dyn Contender>> {
    ncodec::registry::default_registry()
        .codecs()
        .filter(|c| !c.lossy())
        .map(|c| Box::new(NcodecContender::new(c.name(), threads)) as Box<dyn Contender>)
        .collect()
}

/// All contenders: ncodec's codecs (run with `threads` threads, 0: all cores), then the classical [baselines](crate::baselines).
///
/// ```
/// let all = ncodec_evals::all_contenders(1);
/// assert!(all.iter().any(|c| c.name() == "xz-9e"));
/// assert_eq!(all[0].kind(), ncodec_evals::ContenderKind::Ncodec);
/// ```
pub fn all_contenders(threads: usize) -> Vec<Box<dyn Contender>> {
    let mut all = ncodec_contenders(threads);
    all.extend(crate::contender::baseline_contenders());
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_codec_round_trips() {
        let data = b"ncodec evals: ncodec evals: ncodec evals!".repeat(20);
        for c in ncodec_contenders(1) {
            let packed = c
                .compress(&data)
                .unwrap_or_else(|e| panic!("{}: {e}", c.name()));
            let back = c
                .decompress(&packed)
                .unwrap_or_else(|e| panic!("{}: {e}", c.name()));
            assert!(back == data, "{}", c.name());
            assert_eq!(c.kind(), ContenderKind::Ncodec);
        }
    }

    #[test]
    fn corrupt_input_is_an_error_not_a_panic() {
        for c in ncodec_contenders(1) {
            assert!(
                c.decompress(b"definitely not an ncz file").is_err(),
                "{}",
                c.name()
            );
        }
    }
}
