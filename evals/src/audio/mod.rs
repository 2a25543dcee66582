//! Speech compression: classical codecs as rate–quality baselines, the metrics and the
//! runner behind `ncodec eval audio`.
//!
//! - [`metrics`]: PESQ (wideband P.862.2 and narrowband P.862.1 MOS-LQO, as the Python
//!   `pesq` package computes them), STOI (as `pystoi`) and a log-mel distance.
//! - [`baselines`]: Opus, Codec 2 and MP3, each coding 16 kHz speech to the bytes it
//!   would store and back, aligned with the input.
//! - [`run_audio_eval`]: every contender at every setting on every file, ncodec's learned
//!   `speech` codec included (one point per quality level), with mean curves;
//!   [`plot`] draws them as SVG.
//!
//! - [`lossless`]: the lossless `pcm` codec against `flac -8` (`--lossless`).
//!
//! Files are read by [`ncodec_datasets::audio`] and measured as 16 kHz mono.

pub mod baselines;
pub mod lossless;
pub mod metrics;
mod ncodec_speech;
pub mod plot;
mod runner;

pub use crate::images::Unavailable;
pub use baselines::{SpeechBaseline, SPEECH_RATE};
pub use metrics::{mel_distance, pesq_nb, pesq_wb, stoi, MetricError};
pub use ncodec_speech::{ncodec_speech_decode, ncodec_speech_encode, ncodec_speech_level_count};
pub use plot::rate_quality_svg;
pub use runner::{
    audio_files, code_speech, load_audio, plan_audio_eval, run_audio_eval, AudioEvalOptions,
    AudioFileInfo, AudioPlan, AudioPoint, AudioReport, CodedSpeech, Curve, CurvePoint,
    MetricCounts, SpeechContender,
};
