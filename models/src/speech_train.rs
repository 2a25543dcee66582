//! Training and export of the speech codec's feature autoencoder.
//!
//! Data: the speech recipe (`../shared/data/audio.sh`), every `.flac`/`.wav` under
//! `DATA/train` and `DATA/valid`, analysed once by the codec's own encoder-side analysis
//! (cached in `DATA/speech-features-v1.bin`). Training draws random blocks of consecutive
//! frames; validation uses every block of the valid split (speakers not in train).
//!
//! The run folder holds `config.json`, `norm.json` (feature mean and deviation),
//! `checkpoint/` (model, optimizer, state), `best.bpk`, `train.log` and `manifest.json`;
//! [`export_speech_run`] writes the codec's `.ncsw` file with entropy tables counted on the
//! training set through the codec's own encoder.

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;
use ncodec::codecs::speech::analysis::{self, Frame};
use ncodec::codecs::speech::bands::BANDS;
use ncodec::codecs::speech::coder::{self, Block};
use ncodec::codecs::speech::features::{feature_weights, frame_vector, FEATURES};
use ncodec::codecs::speech::lpc::ORDER;
use ncodec::codecs::speech::model::{SpeechModel, SpeechShape, SpeechTables};
use ncodec::codecs::speech::{decode_frames, encode_frames};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::speech_ae::{SpeechAe, SpeechAeConfig};
use crate::train::{
    append_line, checkpoint, io_err, load_checkpoint, read_json, require_checkpoint, save_record,
    write_json, TrainError,
};

/// Settings of a speech training run (stored in `config.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SpeechTrainOptions {
    /// Corpus folder with `train/` and `valid/` audio.
    pub data: PathBuf,
    /// Output folder.
    pub out: PathBuf,
    /// Frames (10 ms) per block.
    pub block: usize,
    /// Hidden width.
    pub hidden: usize,
    /// Latent dimensions.
    pub latent: usize,
    /// Levels per latent (odd).
    pub levels: usize,
    /// Pitch indices per octave.
    pub pitch_steps: usize,
    /// Largest pitch change coded as a delta.
    pub pitch_delta: usize,
    /// Blocks per step.
    pub batch: usize,
    /// Learning rate (Adam), decayed with a cosine to a tenth over `steps`.
    pub lr: f64,
    /// Planned steps (for the schedule).
    pub steps: u64,
    /// Random seed.
    pub seed: u64,
    /// Validate every this many steps.
    pub valid_every: u64,
    /// Blocks on each side whose codes the decoder also sees.
    #[serde(default)]
    pub context: usize,
}

impl SpeechTrainOptions {
    /// The settings a run in `out` was started with (its `config.json`): what `--resume`
    /// continues with, unless told otherwise.
    pub fn of_run(out: &Path) -> Result<Self, TrainError> {
        read_json(&out.join("config.json"))
    }

    /// Defaults (the 1.5 kbps model) for `data` and `out`.
    pub fn new(data: PathBuf, out: PathBuf) -> Self {
        Self {
            data,
            out,
            block: 2,
            hidden: 256,
            latent: 10,
            levels: 7,
            pitch_steps: 24,
            pitch_delta: 12,
            batch: 256,
            lr: 2e-3,
            steps: 20_000,
            seed: 1,
            valid_every: 500,
            context: 1,
        }
    }

    fn config(&self) -> SpeechAeConfig {
        SpeechAeConfig::new(FEATURES * self.block)
            .with_hidden(self.hidden)
            .with_latent(self.latent)
            .with_levels(self.levels)
            .with_context(self.context)
    }

    fn shape(&self) -> SpeechShape {
        SpeechShape {
            block: self.block,
            hidden: self.hidden,
            latent: self.latent,
            levels: self.levels,
            pitch_steps: self.pitch_steps,
            pitch_delta: self.pitch_delta,
            context: self.context,
        }
    }
}

/// Analysed utterances: per utterance, its frames.
pub struct SpeechSet {
    /// Frames of each utterance.
    pub utterances: Vec<Vec<Frame>>,
    /// Seconds of audio.
    pub seconds: f64,
}

const CACHE_MAGIC: &[u8; 8] = b"NCSPF002";

fn audio_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let path = e.path();
        if path.is_dir() {
            audio_files(&path, out)?;
        } else if matches!(
            path.extension().and_then(|x| x.to_str()),
            Some("flac" | "wav")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

fn analyse_file(path: &Path) -> Result<Vec<Frame>, TrainError> {
    use ncodec_datasets::audio;
    let clip = audio::read_audio(path)
        .map_err(|e| TrainError::Mismatch(format!("{}: {e}", path.display())))?;
    let mono = audio::to_mono(&clip);
    let samples = if clip.sample_rate == analysis::SAMPLE_RATE {
        mono
    } else {
        audio::resample(&mono, clip.sample_rate, analysis::SAMPLE_RATE)
            .map_err(|e| TrainError::Mismatch(format!("{}: {e}", path.display())))?
    };
    Ok(analysis::analyse(&samples))
}

impl SpeechSet {
    /// Analyses every audio file under `dir` (cached in `cache`).
    pub fn load(dir: &Path, cache: &Path) -> Result<Self, TrainError> {
        if let Ok(bytes) = std::fs::read(cache) {
            if let Some(set) = Self::from_cache(&bytes) {
                return Ok(set);
            }
        }
        let mut files = Vec::new();
        audio_files(dir, &mut files).map_err(io_err(format!("listing {}", dir.display())))?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let per = files.len().div_ceil(threads.max(1)).max(1);
        let results: Vec<Result<Vec<Vec<Frame>>, TrainError>> = std::thread::scope(|s| {
            let handles: Vec<_> = files
                .chunks(per)
                .map(|part| s.spawn(move || part.iter().map(|p| analyse_file(p)).collect()))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(TrainError::Mismatch("analysis thread panicked".into()))
                    })
                })
                .collect()
        });
        let mut utterances = Vec::new();
        for r in results {
            utterances.extend(r?);
        }
        let set = Self {
            seconds: utterances.iter().map(|u| u.len()).sum::<usize>() as f64 * 0.01,
            utterances,
        };
        let _ = std::fs::write(cache, set.to_cache());
        Ok(set)
    }

    fn to_cache(&self) -> Vec<u8> {
        let mut out = CACHE_MAGIC.to_vec();
        out.extend_from_slice(&(self.utterances.len() as u32).to_le_bytes());
        for u in &self.utterances {
            out.extend_from_slice(&(u.len() as u32).to_le_bytes());
            for f in u {
                let values = f
                    .lsf
                    .iter()
                    .chain([&f.log_gain])
                    .chain(&f.voicing)
                    .chain([&f.f0]);
                for v in values {
                    out.extend_from_slice(&v.to_le_bytes());
                }
            }
        }
        out
    }

    fn from_cache(bytes: &[u8]) -> Option<Self> {
        let rest = bytes.strip_prefix(CACHE_MAGIC)?;
        let mut pos = 0;
        let u32_at = |pos: &mut usize| -> Option<u32> {
            let b = rest.get(*pos..*pos + 4)?;
            *pos += 4;
            Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        let count = u32_at(&mut pos)?;
        let mut utterances = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let n = u32_at(&mut pos)? as usize;
            let mut frames = Vec::with_capacity(n);
            for _ in 0..n {
                let mut v = [0.0f32; ORDER + 1 + BANDS + 1];
                for x in v.iter_mut() {
                    *x = f32::from_bits(u32_at(&mut pos)?);
                }
                let mut lsf = [0.0; ORDER];
                lsf.copy_from_slice(&v[..ORDER]);
                let mut voicing = [0.0; BANDS];
                voicing.copy_from_slice(&v[ORDER + 1..ORDER + 1 + BANDS]);
                frames.push(Frame {
                    lsf,
                    log_gain: v[ORDER],
                    f0: v[ORDER + 1 + BANDS],
                    voicing,
                });
            }
            utterances.push(frames);
        }
        Some(Self {
            seconds: utterances.iter().map(|u| u.len()).sum::<usize>() as f64 * 0.01,
            utterances,
        })
    }

    /// Mean and deviation of each feature.
    fn normalisation(&self) -> (Vec<f32>, Vec<f32>) {
        let mut sum = [0.0f64; FEATURES];
        let mut sq = [0.0f64; FEATURES];
        let mut n = 0.0f64;
        for f in self.utterances.iter().flatten() {
            for (i, v) in frame_vector(f).iter().enumerate() {
                sum[i] += *v as f64;
                sq[i] += (*v as f64) * (*v as f64);
            }
            n += 1.0;
        }
        let n = n.max(1.0);
        let mean: Vec<f32> = sum.iter().map(|s| (s / n) as f32).collect();
        let dev: Vec<f32> = (0..FEATURES)
            .map(|i| ((sq[i] / n - (sum[i] / n).powi(2)).max(1e-6).sqrt()) as f32)
            .collect();
        (mean, dev)
    }

    /// Every block start `(utterance, frame)` with a whole block inside the utterance.
    fn block_starts(&self, block: usize, stride: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (u, frames) in self.utterances.iter().enumerate() {
            let mut f = 0;
            while f + block <= frames.len() {
                out.push((u, f));
                f += stride;
            }
        }
        out
    }

    /// The normalised input rows of `starts`.
    fn rows(
        &self,
        starts: &[(usize, usize)],
        block: usize,
        norm: &(Vec<f32>, Vec<f32>),
    ) -> Vec<f32> {
        let mut out = Vec::with_capacity(starts.len() * block * FEATURES);
        for &(u, f) in starts {
            for frame in &self.utterances[u][f..f + block] {
                for (i, v) in frame_vector(frame).iter().enumerate() {
                    out.push((v - norm.0[i]) / norm.1[i]);
                }
            }
        }
        out
    }
}

/// Feature mean and deviation, stored in `norm.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Norm {
    mean: Vec<f32>,
    deviation: Vec<f32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SpeechTrainState {
    step: u64,
    seconds: f64,
    rng: u64,
    best_loss: Option<f64>,
    best_step: u64,
}

/// What a call of [`train_speech`] did.
#[derive(Debug, Clone)]
pub struct SpeechTrainSummary {
    /// Steps done in total.
    pub steps: u64,
    /// Best validation loss (weighted squared error per feature).
    pub best_loss: Option<f64>,
    /// Steps per second in this call.
    pub steps_per_second: f64,
}

fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn load_sets(options: &SpeechTrainOptions) -> Result<(SpeechSet, SpeechSet), TrainError> {
    let train = SpeechSet::load(
        &options.data.join("train"),
        &options.data.join("speech-features-train-v3.bin"),
    )?;
    let valid = SpeechSet::load(
        &options.data.join("valid"),
        &options.data.join("speech-features-valid-v3.bin"),
    )?;
    Ok((train, valid))
}

/// Trains (or with `resume`, continues) the feature autoencoder until `options.steps` or
/// `max_seconds` in this call.
pub fn train_speech(
    options: &SpeechTrainOptions,
    resume: bool,
    max_seconds: Option<f64>,
    command_line: &str,
    log: &mut dyn FnMut(&str),
) -> Result<SpeechTrainSummary, TrainError> {
    if options.levels < 3 || options.levels.is_multiple_of(2) || options.block == 0 {
        return Err(TrainError::Mismatch(
            "--levels must be odd and ≥ 3, --block ≥ 1".into(),
        ));
    }
    let out = &options.out;
    let ckpt = out.join("checkpoint");
    std::fs::create_dir_all(&ckpt).map_err(io_err(format!("creating {}", ckpt.display())))?;
    let config_path = out.join("config.json");
    let state_path = ckpt.join("state.json");
    if resume {
        require_checkpoint(out, &state_path)?;
        let saved: SpeechTrainOptions = read_json(&config_path)?;
        if saved.shape() != options.shape() {
            return Err(TrainError::Mismatch(format!(
                "{} was trained with another shape; use a new --out or the same shape",
                out.display()
            )));
        }
    } else if state_path.exists() {
        return Err(TrainError::Mismatch(format!(
            "{} already holds a training run; pass --resume to continue it or choose another --out",
            out.display()
        )));
    }
    write_json(&config_path, options)?;
    log("analysing the speech corpus (cached after the first run)…");
    let (train, valid) = load_sets(options)?;
    let norm = train.normalisation();
    write_json(
        &out.join("norm.json"),
        &Norm {
            mean: norm.0.clone(),
            deviation: norm.1.clone(),
        },
    )?;
    let cfg = options.config();
    log(&format!(
        "speech autoencoder: {} inputs, {} hidden, {} codes × {} levels: {} parameters; {:.2} h train, {:.2} h valid",
        cfg.inputs, cfg.hidden, cfg.latent, cfg.levels, cfg.parameters(), train.seconds / 3600.0, valid.seconds / 3600.0
    ));

    let device = Device::flex();
    device.seed(options.seed);
    let train_device = device.clone().autodiff();
    let mut model: SpeechAe = cfg.init(&train_device);
    let mut optim = AdamConfig::new().init();
    let mut state = SpeechTrainState {
        step: 0,
        seconds: 0.0,
        rng: options.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1,
        best_loss: None,
        best_step: 0,
    };
    if resume && state_path.exists() {
        state = read_json(&state_path)?;
        (model, optim) = load_checkpoint(model, optim, &ckpt)?;
        log(&format!("resumed at step {}", state.step));
    }
    let inputs = cfg.inputs;
    let weights: Vec<f32> = (0..inputs)
        .map(|i| feature_weights()[i % FEATURES])
        .collect();
    let weight_sum: f32 = weights.iter().sum();
    let weight_row =
        Tensor::<1>::from_data(TensorData::new(weights.clone(), [inputs]), &train_device)
            .reshape([1, inputs]);
    let window = cfg.window();
    let span = options.block * window;
    let starts = train.block_starts(span, 1);
    let valid_starts = valid.block_starts(span, options.block);
    let valid_rows = valid.rows(&valid_starts, span, &norm);
    let started = Instant::now();
    let start_step = state.step;
    let mut train_sum = 0.0f64;
    let mut train_count = 0u64;
    while state.step < options.steps {
        if max_seconds.is_some_and(|m| started.elapsed().as_secs_f64() >= m) {
            break;
        }
        let picks: Vec<(usize, usize)> = (0..options.batch)
            .map(|_| starts[(next_random(&mut state.rng) % starts.len() as u64) as usize])
            .collect();
        let x = Tensor::<2>::from_data(
            TensorData::new(
                train.rows(&picks, span, &norm),
                [options.batch, inputs * window],
            ),
            &train_device,
        );
        // One row in 16 loses its neighbours on one side, as at the ends of a file.
        let mut mask = vec![1.0f32; options.batch * window * cfg.latent];
        for row in mask.chunks_mut(window * cfg.latent) {
            let r = next_random(&mut state.rng);
            if window > 1 && r.is_multiple_of(16) {
                let side = if (r >> 8).is_multiple_of(2) {
                    0..options.context
                } else {
                    options.context + 1..window
                };
                for k in side {
                    row[k * cfg.latent..(k + 1) * cfg.latent].fill(0.0);
                }
            }
        }
        let mask = Tensor::<2>::from_data(
            TensorData::new(mask, [options.batch, window * cfg.latent]),
            &train_device,
        );
        let middle = x.clone().slice([
            0..options.batch,
            options.context * inputs..(options.context + 1) * inputs,
        ]);
        let y = model.forward(x, mask);
        let loss = (y - middle)
            .powf_scalar(2.0)
            .mul(weight_row.clone())
            .sum()
            .div_scalar(options.batch as f32 * weight_sum);
        train_sum += f64::from(loss.clone().into_scalar::<f32>());
        train_count += 1;
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        let progress = state.step as f64 / options.steps.max(1) as f64;
        let lr = options.lr * (0.1 + 0.9 * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos()));
        let warm = ((state.step + 1) as f64 / 200.0).min(1.0);
        model = optim.step(lr * warm, model, grads);
        state.step += 1;
        let last = state.step >= options.steps;
        if state.step.is_multiple_of(options.valid_every) || last {
            let v = validate(
                &model.valid(),
                &valid_rows,
                inputs,
                window,
                cfg.latent,
                &weights,
                &device,
            );
            let seconds = state.seconds + started.elapsed().as_secs_f64();
            let improved = state.best_loss.is_none_or(|b| v < b);
            let train_loss = train_sum / train_count.max(1) as f64;
            (train_sum, train_count) = (0.0, 0);
            append_line(
                &out.join("train.log"),
                &serde_json::json!({"step": state.step, "seconds": seconds.round(), "train_loss": train_loss, "valid_loss": v}).to_string(),
            )?;
            log(&format!(
                "step {:>6}  train {:.4}  valid {:.4}{}  {:.1} steps/s",
                state.step,
                train_loss,
                v,
                if improved { " (best)" } else { "" },
                (state.step - start_step) as f64 / started.elapsed().as_secs_f64().max(1e-9)
            ));
            if improved {
                state.best_loss = Some(v);
                state.best_step = state.step;
                save_record(&model, &out.join("best.bpk"))?;
                write_manifest(options, &state, seconds, command_line, &train, &valid)?;
            }
            let snapshot = SpeechTrainState {
                seconds,
                ..state.clone()
            };
            checkpoint(&model, &optim, &snapshot, &ckpt)?;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    state.seconds += secs;
    checkpoint(&model, &optim, &state, &ckpt)?;
    Ok(SpeechTrainSummary {
        steps: state.step,
        best_loss: state.best_loss,
        steps_per_second: (state.step - start_step) as f64 / secs.max(1e-9),
    })
}

/// Weighted squared error per feature on the valid rows.
fn validate(
    model: &SpeechAe,
    rows: &[f32],
    inputs: usize,
    window: usize,
    latent: usize,
    weights: &[f32],
    device: &Device,
) -> f64 {
    let width = inputs * window;
    let n = rows.len() / width;
    let mut total = 0.0f64;
    for chunk in rows.chunks(4096 * width) {
        let m = chunk.len() / width;
        let x = Tensor::<2>::from_data(TensorData::new(chunk.to_vec(), [m, width]), device);
        let mask = Tensor::<2>::ones([m, window * latent], device);
        let y = crate::byte_lm::to_vec(model.forward(x, mask));
        let context = window / 2;
        for (r, row) in y.chunks_exact(inputs).enumerate() {
            let target = &chunk[r * width + context * inputs..r * width + (context + 1) * inputs];
            for (i, (a, b)) in row.iter().zip(target).enumerate() {
                total += (weights[i] * (a - b) * (a - b)) as f64;
            }
        }
    }
    total / (n.max(1) as f64 * weights.iter().sum::<f32>() as f64)
}

fn write_manifest(
    options: &SpeechTrainOptions,
    state: &SpeechTrainState,
    seconds: f64,
    command_line: &str,
    train: &SpeechSet,
    valid: &SpeechSet,
) -> Result<(), TrainError> {
    let best = std::fs::read(options.out.join("best.bpk")).unwrap_or_default();
    let manifest = serde_json::json!({
        "model": "speech feature autoencoder (FSQ)",
        "command": command_line,
        "data": {"path": options.data, "train_hours": train.seconds / 3600.0, "valid_hours": valid.seconds / 3600.0,
                 "recipe": "../shared/data/audio.sh"},
        "config": options,
        "steps": state.step,
        "best_step": state.best_step,
        "train_seconds": seconds.round(),
        "valid_weighted_mse": state.best_loss,
        "best_bpk_sha256": format!("{:x}", Sha256::digest(&best)),
    });
    write_json(&options.out.join("manifest.json"), &manifest)
}

/// What [`export_speech_run`] measured.
#[derive(Debug, Clone)]
pub struct SpeechExportReport {
    /// Raw bits per second of the codes and pitch.
    pub raw_kbps: f64,
    /// Bits per second the trained tables give the valid split (ideal coding).
    pub coded_kbps: f64,
    /// Hours of training audio the tables were counted on.
    pub train_hours: f64,
    /// Bytes of the weights file.
    pub bytes: usize,
}

/// Writes the best weights of `run` as the codec's `.ncsw` file at `out` (with a
/// `.manifest.json` beside it), counting the entropy tables on the train split.
pub fn export_speech_run(run: &Path, out: &Path) -> Result<SpeechExportReport, TrainError> {
    let options: SpeechTrainOptions = read_json(&run.join("config.json"))?;
    let norm: Norm = read_json(&run.join("norm.json"))?;
    let device = Device::flex();
    let model: SpeechAe =
        crate::train::load_weights(options.config().init(&device), &run.join("best.bpk"))?;
    let layers = model.layers_f32();
    let shape = options.shape();
    let write = |tables: &SpeechTables| {
        let l: Vec<(&[f32], &[f32])> = layers
            .iter()
            .map(|l| (l.weights.as_slice(), l.bias.as_slice()))
            .collect();
        SpeechModel::write(
            &shape,
            &norm.mean,
            &norm.deviation,
            [l[0], l[1], l[2], l[3], l[4], l[5]],
            tables,
        )
    };
    let (train, valid) = load_sets(&options)?;
    let untabled = SpeechModel::from_bytes(&write(&SpeechTables::zeros(&shape)))
        .map_err(|e| TrainError::Mismatch(e.to_string()))?;
    let mut tables = SpeechTables::zeros(&shape);
    for frames in &train.utterances {
        coder::count(&shape, &encode_frames(&untabled, frames), &mut tables);
    }
    let bytes = write(&tables);
    let tabled =
        SpeechModel::from_bytes(&bytes).map_err(|e| TrainError::Mismatch(e.to_string()))?;
    let mut coded_bytes = 0usize;
    for frames in &valid.utterances {
        let blocks: Vec<Block> = encode_frames(&tabled, frames);
        coded_bytes += coder::encode(&tabled, &blocks)
            .map_err(|e| TrainError::Mismatch(e.to_string()))?
            .len();
        let back = decode_frames(&tabled, &blocks, frames.len());
        debug_assert_eq!(back.len(), frames.len());
    }
    let tmp = out.with_extension("ncsw.tmp");
    std::fs::write(&tmp, &bytes).map_err(io_err(format!("writing {}", tmp.display())))?;
    std::fs::rename(&tmp, out).map_err(io_err(format!("writing {}", out.display())))?;
    let raw_kbps = shape.raw_bits_per_block() / (shape.block as f64 * 0.01) / 1000.0;
    let coded_kbps = coded_bytes as f64 * 8.0 / valid.seconds.max(1e-9) / 1000.0;
    let manifest_path = out.with_extension("manifest.json");
    let run_manifest: serde_json::Value = read_json(&run.join("manifest.json"))?;
    write_json(
        &manifest_path,
        &serde_json::json!({
            "file": out.file_name().map(|n| n.to_string_lossy().to_string()),
            "sha256": format!("{:x}", Sha256::digest(&bytes)),
            "run": run,
            "training": run_manifest,
            "tables": {"counted_on": "train split through the codec's encoder", "train_hours": train.seconds / 3600.0},
            "raw_kbps": raw_kbps,
            "valid_coded_kbps_without_container": coded_kbps,
        }),
    )?;
    Ok(SpeechExportReport {
        raw_kbps,
        coded_kbps,
        train_hours: train.seconds / 3600.0,
        bytes: bytes.len(),
    })
}
