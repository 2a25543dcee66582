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
    /// An image codec failed to encode or decode.
    #[error("{codec}: {reason}")]
    ImageCodec {
        /// The codec's name.
        codec: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// A photo could not be read or decoded.
    #[error("{path}: {reason}")]
    ImageInput {
        /// The file or folder.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// No photos to evaluate.
    #[error("no photos (.png, .jpg, .jpeg) found")]
    NoImages,
    /// A speech codec failed to encode or decode.
    #[error("{codec}: {reason}")]
    AudioCodec {
        /// The codec's name.
        codec: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// An audio file could not be read or decoded.
    #[error("{path}: {reason}")]
    AudioInput {
        /// The file or folder.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// No audio files to evaluate.
    #[error("no audio files (.wav, .flac, .mp3, .ogg) found")]
    NoAudio,
    /// An option of the image or audio evaluation is out of range.
    #[error("{0}")]
    InvalidOption(String),
    /// A lossless coding failed or did not round-trip.
    #[error("{0}")]
    Failed(String),
    /// The plot could not be drawn.
    #[error("cannot draw the plot: {0}")]
    Plot(String),
}
