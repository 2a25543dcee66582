//! The [`Contender`] abstraction: anything the eval can compress and decompress with.

use serde::{Deserialize, Serialize};

use crate::baselines::{all_baselines, Baseline};

/// Which family a contender belongs to; reports list ncodec codecs first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContenderKind {
    /// A codec of the `ncodec` library.
    Ncodec,
    /// A classical compressor from [`baselines`](crate::baselines).
    Baseline,
    /// Anything else (e.g. a test double).
    Other,
}

/// A compressor under evaluation. Errors are plain messages: they end up in
/// the report, not in `?` chains.
pub trait Contender {
    /// Name shown in reports and used to select the contender (unique per run).
    fn name(&self) -> &str;
    /// The contender's family.
    fn kind(&self) -> ContenderKind {
        ContenderKind::Other
    }
    /// Compresses `data`.
    fn compress(&self, data: &[u8]) -> Result<Vec<u8>, String>;
    /// Decompresses the output of [`compress`](Contender::compress).
    fn decompress(&self, data: &[u8]) -> Result<Vec<u8>, String>;
}

/// Adapts a [`Baseline`] to the [`Contender`] interface.
pub struct BaselineContender(pub Box<dyn Baseline>);

impl Contender for BaselineContender {
    fn name(&self) -> &str {
        self.0.name()
    }

    fn kind(&self) -> ContenderKind {
        ContenderKind::Baseline
    }

    fn compress(&self, data: &[u8]) -> Result<Vec<u8>, String> {
        self.0.compress(data).map_err(|e| e.to_string())
    }

    fn decompress(&self, data: &[u8]) -> Result<Vec<u8>, String> {
        self.0.decompress(data).map_err(|e| e.to_string())
    }
}

/// All [baselines](all_baselines) as contenders.
///
/// ```
/// use ncodec_evals::{baseline_contenders, ContenderKind};
///
/// let all = baseline_contenders();
/// assert!(all.iter().all(|c| c.kind() == ContenderKind::Baseline));
/// assert!(all.iter().any(|c| c.name() == "xz-9e"));
/// ```
pub fn baseline_contenders() -> Vec<Box<dyn Contender>> {
    all_baselines()
        .into_iter()
        .map(|b| Box::new(BaselineContender(b)) as Box<dyn Contender>)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_adapter_round_trips_and_reports_errors() {
        for c in baseline_contenders() {
            let packed = c.compress(b"abcabcabc").unwrap();
            assert_eq!(c.decompress(&packed).unwrap(), b"abcabcabc");
            let err = c.decompress(&packed[..packed.len() / 2]).unwrap_err();
            assert!(!err.is_empty(), "{}", c.name());
        }
    }

    #[test]
    fn kinds_sort_ncodec_first() {
        assert!(ContenderKind::Ncodec < ContenderKind::Baseline);
        assert!(ContenderKind::Baseline < ContenderKind::Other);
    }
}
