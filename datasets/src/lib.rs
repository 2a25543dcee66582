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
//!
//! [`audio`] reads audio files (WAV, FLAC, MP3, Ogg Vorbis), resamples them and writes
//! 16-bit PCM WAV, for the speech codec and `ncodec eval audio`.

#![warn(missing_docs)]

pub mod audio;
mod files;
pub mod images;
mod samples;
pub mod synthetic;

pub use files::read_files;
pub use samples::{
    image_samples, sample, sample_files, samples, speech_samples, Sample, SampleKind,
};
