//! Data for evaluating ncodec: an embedded set of small sample files, a
//! generator of synthetic binary data, and a reader that turns user-given
//! files and directories into named byte buffers.
//!
//! ```
//! for s in ncodec_datasets::samples() {
//!     println!("{:<24} {:<6} {:>8} bytes  ({})", s.name, s.kind, s.bytes.len(), s.license);
//! }
//! ```
//!
//! The samples' origins and licences are listed in `datasets/samples/LICENSES.md`.

#![warn(missing_docs)]

mod files;
pub mod images;
mod samples;
pub mod synthetic;

pub use files::read_files;
pub use samples::{image_samples, sample, sample_files, samples, Sample, SampleKind};
