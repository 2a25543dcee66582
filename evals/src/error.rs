//! Errors of the evaluation runner (per-file, per-contender failures are not
//! errors: they are recorded in the [`Report`](crate::Report)).

/// Why an evaluation could not be set up or its report not written.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// No contender was selected (or none passed the filters).
    #[error("no contenders selected")]
    NoContenders,
    /// The repeat count was 0.
    #[error("repeats must be at least 1")]
    ZeroRepeats,
    /// A contender was asked for by a name that is not available.
    #[error("unknown contender {name:?} (available: {available})")]
    UnknownContender {
        /// The name asked for.
        name: String,
        /// The available names, comma-separated.
        available: String,
    },
    /// Two contenders in one run have the same name.
    #[error("contender {0:?} appears more than once")]
    DuplicateContender(String),
    /// The report could not be serialised.
    #[error("cannot serialise report: {0}")]
    Json(#[from] serde_json::Error),
}
