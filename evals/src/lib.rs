//! Evaluations for ncodec: classical compressors as baselines and a
//! bits-per-byte runner that verifies, sizes and times every contender on
//! every file, relative to `xz -9e`.
//!
//! ```
//! use ncodec_evals::{baseline_contenders, run_bytes_eval, EvalOptions, Selection};
//!
//! let files = vec![("greeting".to_string(), b"hello hello hello hello".to_vec())];
//! let contenders = Selection::all().apply(baseline_contenders())?;
//! let report = run_bytes_eval(&files, &contenders, &EvalOptions::default(), &|msg| eprintln!("{msg}"))?;
//! assert_eq!(report.rows.len(), contenders.len());
//! let _json = report.to_json_pretty()?;
//! # Ok::<(), ncodec_evals::EvalError>(())
//! ```
//!
//! The ncodec codecs take part through [`all_contenders`] / [`ncodec_contenders`];
//! the embedded sample files come from [`ncodec_datasets::sample_files`].
//!
//! [`images`] holds the rate–distortion evaluation of the lossy image codec (`ncodec eval
//! image`): PSNR and MS-SSIM, JPEG, WebP, AVIF and PNG baselines, BD-rates and SVG plots.
//! [`audio`] holds the rate–quality evaluation of the speech codec (`ncodec eval audio`):
//! PESQ, STOI and a log-mel distance, Opus, Codec 2 and MP3 baselines, and SVG plots.

#![warn(missing_docs)]

pub mod audio;
pub mod baselines;
mod bytes;
mod contender;
mod error;
pub mod images;
mod jobs;
mod measure;
mod ncodec_contender;
mod report;
mod selection;
mod table;

pub use baselines::{all_baselines, Baseline, XZ_REFERENCE};
pub use bytes::{run_bytes_eval, EvalOptions};
pub use contender::{baseline_contenders, BaselineContender, Contender, ContenderKind};
pub use error::EvalError;
pub use ncodec_contender::{all_contenders, ncodec_contenders, NcodecContender};
pub use report::{Report, Row};
pub use selection::Selection;
