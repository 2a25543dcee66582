//! The rate–quality runner: every contender at every setting on every speech file, with
//! real sizes, PESQ (wideband and narrowband), STOI, the log-mel distance and wall times;
//! mean curves per contender.

use std::path::{Path, PathBuf};
use std::time::Instant;

use ncodec_datasets::audio::{read_audio, resample, to_mono, AUDIO_EXTENSIONS};
use serde::{Deserialize, Serialize};

use super::baselines::{SpeechBaseline, SPEECH_RATE};
use super::metrics::{mel_distance, pesq_nb, pesq_wb, stoi, MetricError};
use super::ncodec_speech::{ncodec_speech_decode, ncodec_speech_encode, ncodec_speech_level_count};
use crate::images::{render_table, Unavailable};
use crate::jobs::{job_grid, run_jobs, Progress};
use crate::EvalError;

/// One rate–quality curve to measure: a baseline over its bitrates, or ncodec's learned
/// `speech` codec over its quality levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeechContender {
    /// A classical codec; settings are bitrates in bits per second.
    Baseline(SpeechBaseline),
    /// ncodec's `speech` codec; settings are quality levels.
    Ncodec,
}

impl SpeechContender {
    /// The curve's name: the baseline's (`opus`, …) or `ncodec`.
    pub fn name(&self) -> String {
        match self {
            Self::Baseline(b) => b.name().to_string(),
            Self::Ncodec => "ncodec".to_string(),
        }
    }

    /// How one setting is shown: `6 kbps`, `1.2 kbps`, or `level 2`.
    pub fn setting_label(&self, setting: u32) -> String {
        match self {
            Self::Baseline(_) => format!("{} kbps", f64::from(setting) / 1000.0),
            Self::Ncodec => format!("level {setting}"),
        }
    }

    fn encode(&self, samples: &[f32], setting: u32) -> Result<Vec<u8>, EvalError> {
        match *self {
            Self::Baseline(b) => b.encode(samples, setting),
            Self::Ncodec => ncodec_speech_encode(samples, level(setting)?),
        }
    }

    fn decode(&self, bytes: &[u8], setting: u32, len: usize) -> Result<Vec<f32>, EvalError> {
        match *self {
            Self::Baseline(b) => b.decode(bytes, setting, len),
            Self::Ncodec => ncodec_speech_decode(bytes),
        }
    }
}

fn level(setting: u32) -> Result<u8, EvalError> {
    u8::try_from(setting).map_err(|_| EvalError::InvalidOption(format!("no level {setting}")))
}

/// What to measure.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioEvalOptions {
    /// Baselines to run, each at its [bitrates](SpeechBaseline::bitrates) (default: all
    /// of [`SpeechBaseline::ALL`]).
    pub baselines: Vec<SpeechBaseline>,
    /// Whether to run ncodec's learned `speech` codec (default: yes; reported as
    /// unavailable when the build has none).
    pub ncodec: bool,
    /// ncodec quality levels (default `None`: every level the build ships).
    pub levels: Option<Vec<u8>>,
    /// Codings run at once (0: one per core). Each coding itself uses one thread, so
    /// with more than one the times include contention for memory bandwidth.
    pub threads: usize,
}

impl Default for AudioEvalOptions {
    fn default() -> Self {
        AudioEvalOptions {
            baselines: SpeechBaseline::ALL.to_vec(),
            ncodec: true,
            levels: None,
            threads: 1,
        }
    }
}

/// A speech file of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioFileInfo {
    /// Name (the path as found).
    pub name: String,
    /// Samples at 16 kHz.
    pub samples: usize,
    /// Duration in seconds.
    pub seconds: f64,
}

/// One contender at one setting on one file. Figures are `None` (`null` in JSON) when
/// the coding failed ([`error`](Self::error) says why); a metric is also `None` when it
/// is undefined for the file (too short, or no speech found), with the reason in
/// [`metric_notes`](Self::metric_notes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioPoint {
    /// File name.
    pub file: String,
    /// Contender name.
    pub contender: String,
    /// Setting (baseline bitrate in bit/s, or ncodec level).
    pub setting: u32,
    /// The setting as shown in tables.
    pub label: String,
    /// Size of everything the decoder needs, in bytes (the whole `.ncz` for ncodec).
    pub bytes: Option<u64>,
    /// `bytes · 8 / seconds / 1000`.
    pub kbps: Option<f64>,
    /// Wideband PESQ (P.862.2 MOS-LQO).
    pub pesq_wb: Option<f64>,
    /// Narrowband PESQ (P.862.1 MOS-LQO).
    pub pesq_nb: Option<f64>,
    /// STOI in `[0, 1]`.
    pub stoi: Option<f64>,
    /// Log-mel distance (0 = identical).
    pub mel_distance: Option<f64>,
    /// Wall time of encoding, in milliseconds.
    pub encode_ms: Option<f64>,
    /// Wall time of decoding, in milliseconds.
    pub decode_ms: Option<f64>,
    /// Why metrics are missing for a coding that worked.
    pub metric_notes: Vec<String>,
    /// Why this point has no figures.
    pub error: Option<String>,
}

/// On how many files each metric of a [`CurvePoint`] was defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricCounts {
    /// Files with a wideband PESQ.
    pub pesq_wb: usize,
    /// Files with a narrowband PESQ.
    pub pesq_nb: usize,
    /// Files with a STOI.
    pub stoi: usize,
    /// Files with a mel distance.
    pub mel_distance: usize,
}

/// A contender's mean over the files at one setting: arithmetic means of the per-file
/// rates, metrics and times, each metric over the files where it is defined
/// ([`counts`](Self::counts)). Only settings that coded every file have a mean point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Setting (baseline bitrate in bit/s, or ncodec level).
    pub setting: u32,
    /// The setting as shown in tables.
    pub label: String,
    /// Mean of the per-file kbps.
    pub kbps: f64,
    /// All bytes over all seconds, in kbps (short files weigh less than in the mean).
    pub pooled_kbps: f64,
    /// Mean wideband PESQ.
    pub pesq_wb: Option<f64>,
    /// Mean narrowband PESQ.
    pub pesq_nb: Option<f64>,
    /// Mean STOI.
    pub stoi: Option<f64>,
    /// Mean log-mel distance.
    pub mel_distance: Option<f64>,
    /// On how many files each metric is defined.
    pub counts: MetricCounts,
    /// Mean encoding time, milliseconds.
    pub encode_ms: f64,
    /// Mean decoding time, milliseconds.
    pub decode_ms: f64,
}

/// One contender's mean rate–quality curve, lowest setting first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    /// Contender name.
    pub contender: String,
    /// Mean points, by setting.
    pub points: Vec<CurvePoint>,
}

impl Curve {
    /// `(kbps, value)` of the points where `metric` has a value.
    pub fn series(&self, metric: fn(&CurvePoint) -> Option<f64>) -> Vec<(f64, f64)> {
        self.points
            .iter()
            .filter_map(|p| Some((p.kbps, metric(p)?)))
            .collect()
    }
}

/// The result of [`run_audio_eval`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioReport {
    /// The files, in order.
    pub files: Vec<AudioFileInfo>,
    /// Contenders asked for that could not run.
    pub unavailable: Vec<Unavailable>,
    /// Every measurement: contender, then setting, then file.
    pub points: Vec<AudioPoint>,
    /// Mean curves, one per contender that ran.
    pub curves: Vec<Curve>,
}

impl AudioReport {
    /// The points that failed.
    pub fn errors(&self) -> impl Iterator<Item = &AudioPoint> {
        self.points.iter().filter(|p| p.error.is_some())
    }

    /// The whole report as pretty-printed JSON.
    pub fn to_json_pretty(&self) -> Result<String, EvalError> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// The mean curves as an aligned text table, with notes on metrics that are not
    /// defined on every file and on contenders that could not run.
    pub fn to_table(&self) -> String {
        let mut rows = vec![[
            "contender",
            "setting",
            "kbps",
            "PESQ-WB",
            "PESQ-NB",
            "STOI",
            "mel dist",
            "enc ms",
            "dec ms",
        ]
        .map(String::from)
        .to_vec()];
        let opt = |v: Option<f64>, digits: usize| {
            v.map_or_else(|| "-".to_string(), |v| format!("{v:.digits$}"))
        };
        let n = self.files.len();
        let mut partial = Vec::new();
        for curve in &self.curves {
            for p in &curve.points {
                let c = p.counts;
                for (metric, count) in [
                    ("PESQ-WB", c.pesq_wb),
                    ("PESQ-NB", c.pesq_nb),
                    ("STOI", c.stoi),
                    ("mel dist", c.mel_distance),
                ] {
                    if count < n {
                        partial.push((format!("{} {}", curve.contender, p.label), metric, count));
                    }
                }
                rows.push(vec![
                    curve.contender.clone(),
                    p.label.clone(),
                    format!("{:.2}", p.kbps),
                    opt(p.pesq_wb, 3),
                    opt(p.pesq_nb, 3),
                    opt(p.stoi, 3),
                    opt(p.mel_distance, 3),
                    format!("{:.1}", p.encode_ms),
                    format!("{:.1}", p.decode_ms),
                ]);
            }
        }
        let seconds: f64 = self.files.iter().map(|f| f.seconds).sum();
        let mut out = format!(
            "mean over {n} file{} ({seconds:.1} s of speech at 16 kHz)\n",
            if n == 1 { "" } else { "s" },
        );
        out.push_str(&render_table(&rows, 2));
        if !partial.is_empty() {
            out.push_str("\nnot defined on every file (too short, or no speech found):\n");
            // A metric missing on the same files at every setting is said once.
            let settings = rows.len() - 1;
            let mut said = Vec::new();
            for (row, metric, count) in &partial {
                let same = partial
                    .iter()
                    .filter(|(_, m, c)| m == metric && c == count)
                    .count();
                if same == settings {
                    if !said.contains(&(metric, count)) {
                        out.push_str(&format!(
                            "  {metric} over {count} of {n} files at every setting\n"
                        ));
                        said.push((metric, count));
                    }
                } else {
                    out.push_str(&format!("  {row}: {metric} over {count} of {n} files\n"));
                }
            }
        }
        for u in &self.unavailable {
            out.push_str(&format!("\n{}: not measured ({})", u.contender, u.reason));
        }
        if !self.unavailable.is_empty() {
            out.push('\n');
        }
        out
    }
}

/// The speech files under `paths`: files as given (any format
/// [`read_audio`](ncodec_datasets::audio::read_audio) decodes) and, in folders searched
/// recursively, every `.wav`, `.flac`, `.mp3` and `.ogg` in name order; the first `max`
/// of them when given (only those are decoded). Each is mixed down to mono and
/// resampled to 16 kHz.
pub fn load_audio(
    paths: &[PathBuf],
    max: Option<usize>,
) -> Result<Vec<(String, Vec<f32>)>, EvalError> {
    audio_files(paths, max)?
        .iter()
        .map(|path| {
            let input_error = |reason: String| EvalError::AudioInput {
                path: path.display().to_string(),
                reason,
            };
            let audio = read_audio(path).map_err(|e| input_error(e.to_string()))?;
            let samples = resample(&to_mono(&audio), audio.sample_rate, SPEECH_RATE)
                .map_err(|e| input_error(e.to_string()))?;
            Ok((path.display().to_string(), samples))
        })
        .collect()
}

/// The audio files under `paths`: files as given and, in folders searched recursively,
/// every `.wav`, `.flac`, `.mp3` and `.ogg` in name order; the first `max` of them when
/// given. Fails with [`EvalError::NoAudio`] when there are none.
pub fn audio_files(paths: &[PathBuf], max: Option<usize>) -> Result<Vec<PathBuf>, EvalError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            collect_audio(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    files.truncate(max.unwrap_or(usize::MAX));
    if files.is_empty() {
        return Err(EvalError::NoAudio);
    }
    Ok(files)
}

fn collect_audio(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), EvalError> {
    let io_error = |e: std::io::Error| EvalError::AudioInput {
        path: dir.display().to_string(),
        reason: e.to_string(),
    };
    let mut entries = std::fs::read_dir(dir)
        .map_err(io_error)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(io_error)?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_audio(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Measures every contender of `options` at every setting on every file of `files`
/// (`(name, 16 kHz mono samples)` pairs), calling `progress` with a one-line status
/// before each coding. A failed coding is recorded in its point, not returned as an
/// error.
///
/// ```
/// use ncodec_evals::audio::{run_audio_eval, AudioEvalOptions, SpeechBaseline};
///
/// // Half a second of a gliding, buzzing tone at 16 kHz.
/// let buzz: Vec<f32> = (0..8000)
///     .map(|n| {
///         let t = n as f32 / 16_000.0;
///         0.3 * (2.0 * std::f32::consts::PI * (120.0 + 80.0 * t) * t).sin().signum()
///     })
///     .collect();
/// let options = AudioEvalOptions {
///     baselines: vec![SpeechBaseline::Codec2],
///     ncodec: false,
///     ..AudioEvalOptions::default()
/// };
/// let report = run_audio_eval(&[("buzz".into(), buzz)], &options, &|_| {})?;
/// assert_eq!(report.points.len(), 2); // 1200 and 3200 bit/s
/// println!("{}", report.to_table());
/// # Ok::<(), ncodec_evals::EvalError>(())
/// ```
pub fn run_audio_eval(
    files: &[(String, Vec<f32>)],
    options: &AudioEvalOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<AudioReport, EvalError> {
    if files.is_empty() {
        return Err(EvalError::NoAudio);
    }
    let (contenders, unavailable) = plan_audio_eval(options)?;
    if contenders.is_empty() {
        return Err(EvalError::NoContenders);
    }
    let jobs = job_grid(&contenders, files.len());
    let points = run_jobs(
        &jobs,
        options.threads,
        Progress {
            describe: &|&(contender, setting, file)| {
                format!(
                    "{} {} on {}",
                    contender.name(),
                    contender.setting_label(setting),
                    files[file].0
                )
            },
            report: progress,
        },
        |&(contender, setting, file)| {
            let (name, samples) = &files[file];
            measure(&contender, setting, name, samples)
        },
        |&(contender, setting, file)| {
            failed(
                &contender,
                setting,
                &files[file].0,
                "the coder stopped (panicked)".into(),
            )
        },
    );
    let infos: Vec<AudioFileInfo> = files
        .iter()
        .map(|(name, samples)| AudioFileInfo {
            name: name.clone(),
            samples: samples.len(),
            seconds: samples.len() as f64 / f64::from(SPEECH_RATE),
        })
        .collect();
    let curves = contenders
        .iter()
        .map(|(c, settings)| mean_curve(c, settings, &points, &infos))
        .collect();
    Ok(AudioReport {
        files: infos,
        unavailable,
        points,
        curves,
    })
}

/// The contenders with their settings, and those that cannot run.
pub type AudioPlan = (Vec<(SpeechContender, Vec<u32>)>, Vec<Unavailable>);

/// What [`run_audio_eval`] would run for `options`: each contender with its settings
/// (lowest first), and the contenders that cannot run here with the reason. Fails on
/// an ncodec level that does not exist.
pub fn plan_audio_eval(options: &AudioEvalOptions) -> Result<AudioPlan, EvalError> {
    let mut contenders = Vec::new();
    let mut unavailable = Vec::new();
    if options.ncodec {
        match ncodec_speech_level_count() {
            Ok(count) => {
                let mut levels = options
                    .levels
                    .clone()
                    .unwrap_or_else(|| (1..=count).collect());
                levels.sort_unstable();
                levels.dedup();
                if let Some(bad) = levels.iter().find(|&&l| l == 0 || l > count) {
                    return Err(EvalError::InvalidOption(format!(
                        "ncodec speech level {bad} does not exist (this build has levels 1 to {count})"
                    )));
                }
                contenders.push((
                    SpeechContender::Ncodec,
                    levels.into_iter().map(u32::from).collect(),
                ));
            }
            Err(reason) => unavailable.push(Unavailable {
                contender: "ncodec".into(),
                reason,
            }),
        }
    }
    for baseline in SpeechBaseline::ALL {
        if options.baselines.contains(&baseline) {
            contenders.push((
                SpeechContender::Baseline(baseline),
                baseline.bitrates().to_vec(),
            ));
        }
    }
    Ok((contenders, unavailable))
}

fn failed(contender: &SpeechContender, setting: u32, file: &str, error: String) -> AudioPoint {
    AudioPoint {
        file: file.to_string(),
        contender: contender.name(),
        setting,
        label: contender.setting_label(setting),
        bytes: None,
        kbps: None,
        pesq_wb: None,
        pesq_nb: None,
        stoi: None,
        mel_distance: None,
        encode_ms: None,
        decode_ms: None,
        metric_notes: Vec::new(),
        error: Some(error),
    }
}

fn measure(contender: &SpeechContender, setting: u32, name: &str, speech: &[f32]) -> AudioPoint {
    code_speech(contender, setting, name, speech).point
}

/// One coding of [`code_speech`]: the measured point and, when it worked, the bytes
/// counted and the samples decoded from them.
#[derive(Debug, Clone)]
pub struct CodedSpeech {
    /// The figures, exactly as [`run_audio_eval`] records them.
    pub point: AudioPoint,
    /// Everything the decoder needs (`None` when the coding failed).
    pub bytes: Option<Vec<u8>>,
    /// The decoded 16 kHz samples, as many as the input's.
    pub decoded: Option<Vec<f32>>,
}

/// Codes 16 kHz mono `speech` (called `name`) with `contender` at `setting`, decodes it
/// back and measures it: the same point [`run_audio_eval`] records for it, with the bytes
/// and the decoded samples (for playing or saving them). A failed coding is recorded in
/// the point's `error`.
///
/// ```
/// use ncodec_evals::audio::{code_speech, SpeechBaseline, SpeechContender};
///
/// let tone: Vec<f32> = (0..16_000).map(|n| 0.2 * (n as f32 * 0.05).sin()).collect();
/// let coded = code_speech(&SpeechContender::Baseline(SpeechBaseline::Opus), 12_000, "tone", &tone);
/// assert_eq!(coded.point.bytes, coded.bytes.as_ref().map(|b| b.len() as u64));
/// assert_eq!(coded.decoded.map(|d| d.len()), Some(tone.len()));
/// ```
pub fn code_speech(
    contender: &SpeechContender,
    setting: u32,
    name: &str,
    speech: &[f32],
) -> CodedSpeech {
    let fail = |reason: String| CodedSpeech {
        point: failed(contender, setting, name, reason),
        bytes: None,
        decoded: None,
    };
    let started = Instant::now();
    let bytes = match contender.encode(speech, setting) {
        Ok(bytes) => bytes,
        Err(e) => return fail(format!("encoding: {e}")),
    };
    let encode_ms = started.elapsed().as_secs_f64() * 1e3;
    let started = Instant::now();
    let decoded = match contender.decode(&bytes, setting, speech.len()) {
        Ok(decoded) => decoded,
        Err(e) => return fail(format!("decoding: {e}")),
    };
    let decode_ms = started.elapsed().as_secs_f64() * 1e3;
    if decoded.len() != speech.len() {
        return fail(format!(
            "decoded to {} samples, not {}",
            decoded.len(),
            speech.len()
        ));
    }
    let mut notes = Vec::new();
    let mut keep = |r: Result<f64, MetricError>| r.map_err(|e| notes.push(e.to_string())).ok();
    let pesq_wb = keep(pesq_wb(speech, &decoded));
    let pesq_nb = keep(pesq_nb(speech, &decoded));
    let stoi = keep(stoi(speech, &decoded, SPEECH_RATE));
    let mel_distance = keep(mel_distance(speech, &decoded, SPEECH_RATE));
    let seconds = speech.len() as f64 / f64::from(SPEECH_RATE);
    let point = AudioPoint {
        file: name.to_string(),
        contender: contender.name(),
        setting,
        label: contender.setting_label(setting),
        bytes: Some(bytes.len() as u64),
        kbps: (seconds > 0.0).then(|| bytes.len() as f64 * 8.0 / seconds / 1000.0),
        pesq_wb,
        pesq_nb,
        stoi,
        mel_distance,
        encode_ms: Some(encode_ms),
        decode_ms: Some(decode_ms),
        metric_notes: notes,
        error: None,
    };
    CodedSpeech {
        point,
        bytes: Some(bytes),
        decoded: Some(decoded),
    }
}

fn mean_curve(
    contender: &SpeechContender,
    settings: &[u32],
    points: &[AudioPoint],
    files: &[AudioFileInfo],
) -> Curve {
    let name = contender.name();
    let curve_points = settings
        .iter()
        .filter_map(|&setting| {
            let at: Vec<&AudioPoint> = points
                .iter()
                .filter(|p| p.contender == name && p.setting == setting && p.error.is_none())
                .collect();
            if at.len() != files.len() || files.is_empty() {
                return None;
            }
            // Mean over the points where `f` has a value, and how many those are.
            let mean = |f: fn(&AudioPoint) -> Option<f64>| -> (Option<f64>, usize) {
                let values: Vec<f64> = at.iter().filter_map(|p| f(p)).collect();
                let n = values.len();
                ((n > 0).then(|| values.iter().sum::<f64>() / n as f64), n)
            };
            let (kbps, rated) = mean(|p| p.kbps);
            let (pesq_wb, n_wb) = mean(|p| p.pesq_wb);
            let (pesq_nb, n_nb) = mean(|p| p.pesq_nb);
            let (stoi, n_stoi) = mean(|p| p.stoi);
            let (mel_distance, n_mel) = mean(|p| p.mel_distance);
            if rated != files.len() {
                return None;
            }
            let bits: f64 = at.iter().filter_map(|p| p.bytes).sum::<u64>() as f64 * 8.0;
            let seconds: f64 = files.iter().map(|f| f.seconds).sum();
            Some(CurvePoint {
                setting,
                label: contender.setting_label(setting),
                kbps: kbps?,
                pooled_kbps: bits / seconds / 1000.0,
                pesq_wb,
                pesq_nb,
                stoi,
                mel_distance,
                counts: MetricCounts {
                    pesq_wb: n_wb,
                    pesq_nb: n_nb,
                    stoi: n_stoi,
                    mel_distance: n_mel,
                },
                encode_ms: mean(|p| p.encode_ms).0?,
                decode_ms: mean(|p| p.decode_ms).0?,
            })
        })
        .collect();
    Curve {
        contender: name,
        points: curve_points,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// The first `seconds` of the clean speech fixture (`evals/tests/fixtures/speech`).
    fn speech(seconds: f64) -> Vec<f32> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/speech/clean.flac");
        let mut samples = read_audio(&path).expect("fixture").channels.remove(0);
        samples.truncate((seconds * f64::from(SPEECH_RATE)) as usize);
        samples
    }

    #[test]
    fn runner_measures_every_baseline_setting_on_two_files() {
        // 0.4 s of speech: enough for PESQ, too short for STOI's 30 frames.
        let files = vec![
            ("a".to_string(), speech(3.0)),
            ("b".to_string(), speech(0.9)[8000..].to_vec()),
        ];
        let options = AudioEvalOptions {
            ncodec: false,
            threads: 2,
            ..AudioEvalOptions::default()
        };
        let calls = AtomicUsize::new(0);
        let report = run_audio_eval(&files, &options, &|_| {
            calls.fetch_add(1, Ordering::Relaxed);
        })
        .expect("runs");
        // opus at 3 rates, codec2 at 2, mp3 at 2; on 2 files.
        assert_eq!(report.points.len(), 7 * 2);
        assert_eq!(calls.load(Ordering::Relaxed), report.points.len());
        assert_eq!(report.errors().count(), 0, "{:?}", report.errors().next());
        let names: Vec<_> = report.curves.iter().map(|c| c.contender.as_str()).collect();
        assert_eq!(names, ["opus", "codec2", "mp3"]);
        for curve in &report.curves {
            assert!(
                curve.points.windows(2).all(|w| w[0].kbps < w[1].kbps),
                "{curve:?}"
            );
            for p in &curve.points {
                assert_eq!(p.counts.pesq_wb, 2, "{curve:?}");
                assert_eq!(p.counts.stoi, 1, "{curve:?}");
                assert!(p.stoi.is_some_and(|s| (0.3..1.0).contains(&s)));
                assert!(p.pesq_nb.is_some_and(|q| (1.0..4.6).contains(&q)));
            }
        }
        let p = &report.points[0];
        assert_eq!(
            (
                p.file.as_str(),
                p.contender.as_str(),
                p.setting,
                p.label.as_str()
            ),
            ("a", "opus", 6000, "6 kbps")
        );
        let kbps = p.bytes.expect("size") as f64 * 8.0 / 3.0 / 1000.0;
        assert_eq!(p.kbps, Some(kbps));
        let short = &report.points[1];
        assert!(short.stoi.is_none() && short.metric_notes.iter().any(|n| n.contains("STOI")));
        let c2 = &report.curves[1].points[0];
        assert_eq!(c2.label, "1.2 kbps");
        // Codec 2 codes whole 40 ms frames: pooled and mean rates are near 1.2 kbit/s.
        assert!(
            (c2.pooled_kbps - 1.2).abs() < 0.2 && (c2.kbps - 1.2).abs() < 0.3,
            "{c2:?}"
        );
        let table = report.to_table();
        for needle in [
            "mean over 2 files",
            "codec2",
            "3.2 kbps",
            "STOI over 1 of 2 files",
        ] {
            assert!(table.contains(needle), "{needle:?} missing in\n{table}");
        }
        let json: serde_json::Value =
            serde_json::from_str(&report.to_json_pretty().expect("json")).expect("parses");
        assert_eq!(json["points"].as_array().map(Vec::len), Some(14));
        assert!(crate::audio::plot::rate_quality_svg(&report)
            .expect("plots")
            .contains("<svg"));
    }

    #[test]
    fn ncodec_speech_takes_part_when_the_build_has_it() {
        let files = vec![("a".to_string(), speech(1.0))];
        let options = AudioEvalOptions {
            baselines: vec![],
            ..AudioEvalOptions::default()
        };
        match ncodec_speech_level_count() {
            Ok(count) => {
                let report = run_audio_eval(&files, &options, &|_| {}).expect("runs");
                assert_eq!(report.points.len(), usize::from(count));
                assert_eq!(report.errors().count(), 0, "{:?}", report.errors().next());
                assert_eq!(report.points[0].label, "level 1");
                let bad = AudioEvalOptions {
                    levels: Some(vec![count + 1]),
                    ..options
                };
                assert!(matches!(
                    run_audio_eval(&files, &bad, &|_| {}),
                    Err(EvalError::InvalidOption(_))
                ));
            }
            Err(_) => assert!(matches!(
                run_audio_eval(&files, &options, &|_| {}),
                Err(EvalError::NoContenders)
            )),
        }
    }

    #[test]
    fn bad_options_and_empty_inputs_are_errors() {
        let files = vec![("a".to_string(), speech(0.5))];
        let none = AudioEvalOptions {
            ncodec: false,
            baselines: vec![],
            ..AudioEvalOptions::default()
        };
        assert!(matches!(
            run_audio_eval(&files, &none, &|_| {}),
            Err(EvalError::NoContenders)
        ));
        assert!(matches!(
            run_audio_eval(&[], &AudioEvalOptions::default(), &|_| {}),
            Err(EvalError::NoAudio)
        ));
    }

    #[test]
    fn load_audio_finds_speech_files_in_folders_in_name_order_at_16_khz() {
        let dir = std::env::temp_dir().join(format!("ncodec-evals-audio-{}", std::process::id()));
        let sub = dir.join("sub");
        std::fs::create_dir_all(&sub).expect("mkdir");
        let tone: Vec<f32> = (0..4410).map(|i| (i as f32 * 0.1).sin() * 0.25).collect();
        let write = |path: &Path, rate| {
            ncodec_datasets::audio::write_wav_pcm16(path, &tone, rate).expect("write")
        };
        write(&dir.join("b.wav"), 44_100);
        write(&sub.join("a.WAV"), 8000);
        std::fs::write(dir.join("notes.txt"), b"not audio").expect("write");
        let loaded = load_audio(std::slice::from_ref(&dir), None).expect("loads");
        let names: Vec<_> = loaded
            .iter()
            .map(|(n, s)| {
                (
                    Path::new(n)
                        .file_name()
                        .map(|f| f.to_string_lossy().into_owned()),
                    s.len(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [(Some("b.wav".into()), 1600), (Some("a.WAV".into()), 8820)]
        );
        assert_eq!(
            load_audio(std::slice::from_ref(&dir), Some(1))
                .expect("loads")
                .len(),
            1
        );
        assert!(matches!(
            load_audio(&[dir.join("notes.txt")], None),
            Err(EvalError::AudioInput { .. })
        ));
        assert!(matches!(
            load_audio(&[sub.join("missing")], None),
            Err(EvalError::AudioInput { .. })
        ));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
