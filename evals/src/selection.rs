//! Choosing which contenders take part in a run.

use crate::contender::{Contender, ContenderKind};
use crate::EvalError;

/// Which contenders to keep out of the available ones.
///
/// ```
/// use ncodec_evals::{baseline_contenders, Selection};
///
/// let chosen = Selection::from_names("zstd-19, xz-9e").apply(baseline_contenders()).unwrap();
/// let names: Vec<&str> = chosen.iter().map(|c| c.name()).collect();
/// assert_eq!(names, ["xz-9e", "zstd-19"]); // available order, not the list's
///
/// let none = Selection::all().with_baselines(false).apply(baseline_contenders());
/// assert!(none.is_err()); // nothing left
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Names to keep; `None` keeps every contender that passes the kind filters.
    pub names: Option<Vec<String>>,
    /// Keep [`ContenderKind::Baseline`] contenders.
    pub baselines: bool,
    /// Keep [`ContenderKind::Ncodec`] contenders.
    pub ncodec: bool,
}

impl Default for Selection {
    fn default() -> Self {
        Self::all()
    }
}

impl Selection {
    /// Every available contender.
    pub fn all() -> Self {
        Selection {
            names: None,
            baselines: true,
            ncodec: true,
        }
    }

    /// Only the contenders named in a comma-separated list (blanks around
    /// names and empty items are ignored; an empty list selects all).
    pub fn from_names(list: &str) -> Self {
        let names: Vec<String> = list
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect();
        Selection {
            names: (!names.is_empty()).then_some(names),
            ..Self::all()
        }
    }

    /// Includes or excludes the classical baselines.
    pub fn with_baselines(mut self, include: bool) -> Self {
        self.baselines = include;
        self
    }

    /// Includes or excludes the ncodec codecs.
    pub fn with_ncodec(mut self, include: bool) -> Self {
        self.ncodec = include;
        self
    }

    /// Keeps the selected contenders of `available`, ncodec codecs first, then
    /// baselines, then others, each group in `available`'s order.
    ///
    /// Fails if a listed name matches no contender that passes the kind
    /// filters, if names repeat in `available`, or if nothing is left.
    pub fn apply(
        &self,
        available: Vec<Box<dyn Contender>>,
    ) -> Result<Vec<Box<dyn Contender>>, EvalError> {
        for (i, c) in available.iter().enumerate() {
            if available[..i].iter().any(|d| d.name() == c.name()) {
                return Err(EvalError::DuplicateContender(c.name().to_owned()));
            }
        }
        let mut kept: Vec<Box<dyn Contender>> = available
            .into_iter()
            .filter(|c| match c.kind() {
                ContenderKind::Ncodec => self.ncodec,
                ContenderKind::Baseline => self.baselines,
                ContenderKind::Other => true,
            })
            .collect();
        if let Some(names) = &self.names {
            if let Some(missing) = names.iter().find(|n| kept.iter().all(|c| c.name() != *n)) {
                let available: Vec<&str> = kept.iter().map(|c| c.name()).collect();
                return Err(EvalError::UnknownContender {
                    name: missing.clone(),
                    available: available.join(", "),
                });
            }
            kept.retain(|c| names.iter().any(|n| n == c.name()));
        }
        if kept.is_empty() {
            return Err(EvalError::NoContenders);
        }
        kept.sort_by_key(|c| c.kind());
        Ok(kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake(&'static str, ContenderKind);

    impl Contender for Fake {
        fn name(&self) -> &str {
            self.0
        }
        fn kind(&self) -> ContenderKind {
            self.1
        }
        fn compress(&self, data: &[u8]) -> Result<Vec<u8>, String> {
            Ok(data.to_vec())
        }
        fn decompress(&self, data: &[u8]) -> Result<Vec<u8>, String> {
            Ok(data.to_vec())
        }
    }

    fn pool() -> Vec<Box<dyn Contender>> {
        vec![
            Box::new(Fake("gz", ContenderKind::Baseline)),
            Box::new(Fake("t", ContenderKind::Other)),
            Box::new(Fake("cm", ContenderKind::Ncodec)),
            Box::new(Fake("xz", ContenderKind::Baseline)),
            Box::new(Fake("store", ContenderKind::Ncodec)),
        ]
    }

    fn names(v: &[Box<dyn Contender>]) -> Vec<&str> {
        v.iter().map(|c| c.name()).collect()
    }

    #[test]
    fn all_sorts_ncodec_first_stably() {
        let got = Selection::all().apply(pool()).unwrap();
        assert_eq!(names(&got), ["cm", "store", "gz", "xz", "t"]);
    }

    #[test]
    fn kind_filters() {
        let got = Selection::all()
            .with_baselines(false)
            .apply(pool())
            .unwrap();
        assert_eq!(names(&got), ["cm", "store", "t"]);
        let got = Selection::all().with_ncodec(false).apply(pool()).unwrap();
        assert_eq!(names(&got), ["gz", "xz", "t"]);
    }

    #[test]
    fn by_names() {
        let got = Selection::from_names(" xz ,, cm").apply(pool()).unwrap();
        assert_eq!(names(&got), ["cm", "xz"]);
        assert_eq!(Selection::from_names(" , "), Selection::all());
    }

    #[test]
    fn unknown_or_filtered_out_name_is_an_error() {
        let err = Selection::from_names("lz4").apply(pool()).err().unwrap();
        assert!(matches!(err, EvalError::UnknownContender { ref name, .. } if name == "lz4"));
        assert!(err.to_string().contains("cm"));
        let err = Selection::from_names("xz")
            .with_baselines(false)
            .apply(pool())
            .err()
            .unwrap();
        assert!(matches!(err, EvalError::UnknownContender { .. }));
    }

    #[test]
    fn duplicates_and_empty_are_errors() {
        let mut p = pool();
        p.push(Box::new(Fake("cm", ContenderKind::Baseline)));
        assert!(matches!(
            Selection::all().apply(p),
            Err(EvalError::DuplicateContender(n)) if n == "cm"
        ));
        assert!(matches!(
            Selection::all().apply(Vec::new()),
            Err(EvalError::NoContenders)
        ));
    }
}
