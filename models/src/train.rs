//! The resumable training loop for the window language models (bytes or BBPE tokens).
//!
//! Layout of the output folder:
//! - `config.json`: the model shape and training settings (a resume must match);
//! - `checkpoint/{model,optim}.bpk`, `checkpoint/state.json`: the latest state, written
//!   every `checkpoint_every` steps through temporary files and renames, so an
//!   interrupted run resumes from the last complete checkpoint;
//! - `best.bpk`: the weights with the best validation bits per byte so far;
//! - `manifest.json`: data, command, steps, metrics and the sha256 of `best.bpk`;
//! - `train.log`: one JSON line per validation.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;
use burn::store::ModuleRecord;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::byte_lm::{ByteLm, ByteLmConfig};
use crate::text_data::{fixed_sample, sample_batch, Rng, TextCorpus};

/// Training errors.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// Reading data or writing outputs failed.
    #[error("{context}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A checkpoint could not be read or written.
    #[error("checkpoint {path}: {message}")]
    Checkpoint {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The options contradict an existing run.
    #[error("{0}")]
    Mismatch(String),
}

pub(crate) fn io_err(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> TrainError {
    let context = context.into();
    move |source| TrainError::Io { context, source }
}

/// Fails unless the run in `out` has a checkpoint (`state_path`) to resume from. Image and
/// speech runs keep their checkpoints out of git, so a fresh clone or machine has only the
/// best weights: resuming there would silently restart from the run's original `--init`.
pub(crate) fn require_checkpoint(out: &Path, state_path: &Path) -> Result<(), TrainError> {
    if state_path.exists() {
        return Ok(());
    }
    Err(TrainError::Mismatch(format!(
        "nothing to resume in {out}: it has no checkpoint ({state} is missing; checkpoints \
         stay local, out of git). Continue from its best weights in a new run instead: \
         --init {out}/best.bpk --out NEW_DIR",
        out = out.display(),
        state = state_path.display(),
    )))
}

/// Settings of a training run (stored in `config.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrainOptions {
    /// Corpus folder with `train/` and `valid/` (from `../shared/data/text.sh`).
    pub data: PathBuf,
    /// Output folder.
    pub out: PathBuf,
    /// Model shape.
    pub model: ModelShape,
    /// Windows per step.
    pub batch: usize,
    /// Peak learning rate (Adam).
    pub lr: f64,
    /// Steps of linear warm-up.
    pub warmup: u64,
    /// After this step the learning rate decays as `sqrt(decay_start / step)`.
    pub decay_start: u64,
    /// Random seed.
    pub seed: u64,
    /// Validate every this many steps.
    pub valid_every: u64,
    /// Positions in the fixed validation sample.
    pub valid_positions: usize,
    /// Checkpoint every this many steps.
    pub checkpoint_every: u64,
    /// BBPE tokenizer file (`NCTK`) for a token LM; `None` trains the byte LM.
    #[serde(default)]
    pub tokenizer: Option<PathBuf>,
}

/// The shape of the byte LM, as stored in `config.json`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct ModelShape {
    /// Bytes of context.
    pub context: usize,
    /// Embedding width.
    pub embed: usize,
    /// First hidden layer.
    pub hidden1: usize,
    /// Second hidden layer.
    pub hidden2: usize,
    /// Vocabulary size (256: bytes).
    #[serde(default = "byte_vocab")]
    pub vocab: usize,
}

fn byte_vocab() -> usize {
    256
}

impl ModelShape {
    fn config(&self) -> ByteLmConfig {
        ByteLmConfig::new()
            .with_context(self.context)
            .with_embed(self.embed)
            .with_hidden1(self.hidden1)
            .with_hidden2(self.hidden2)
            .with_vocab(self.vocab)
    }
}

impl Default for ModelShape {
    fn default() -> Self {
        let c = ByteLmConfig::new();
        Self {
            context: c.context,
            embed: c.embed,
            hidden1: c.hidden1,
            hidden2: c.hidden2,
            vocab: c.vocab,
        }
    }
}

impl TrainOptions {
    /// The settings a run in `out` was started with (its `config.json`): what `--resume`
    /// continues with, unless told otherwise.
    pub fn of_run(out: &Path) -> Result<Self, TrainError> {
        read_json(&out.join("config.json"))
    }

    /// Defaults for `data` and `out`.
    pub fn new(data: PathBuf, out: PathBuf) -> Self {
        Self {
            data,
            out,
            model: ModelShape::default(),
            batch: 256,
            lr: 2e-3,
            warmup: 200,
            decay_start: 20_000,
            seed: 1,
            valid_every: 500,
            valid_positions: 16_384,
            checkpoint_every: 250,
            tokenizer: None,
        }
    }

    fn learning_rate(&self, step: u64) -> f64 {
        let warm = ((step + 1) as f64 / self.warmup.max(1) as f64).min(1.0);
        let decay = if step > self.decay_start {
            (self.decay_start as f64 / step as f64).sqrt()
        } else {
            1.0
        };
        self.lr * warm * decay
    }
}

/// Progress saved in `checkpoint/state.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct TrainState {
    step: u64,
    bytes_seen: u64,
    seconds: f64,
    rng: Rng,
    best_valid_bpb: Option<f64>,
    best_step: u64,
    last_train_bpb: Option<f64>,
    /// XXH3-64 of the valid prose the best score was measured on; a resume on other
    /// valid data (a rebuilt corpus) starts the best score afresh.
    #[serde(default)]
    valid_fingerprint: Option<u64>,
}

/// What a call of [`train_text`] did.
#[derive(Debug, Clone)]
pub struct TrainSummary {
    /// Steps done in total (all sessions).
    pub steps: u64,
    /// Best validation bits per byte.
    pub best_valid_bpb: Option<f64>,
    /// Training bytes per second in this call.
    pub bytes_per_second: f64,
}

/// Trains (or with `resume`, continues) the byte LM until `max_steps` total steps or
/// `max_seconds` of wall time in this call, whichever comes first. `log` receives one line
/// per validation.
pub fn train_text(
    options: &TrainOptions,
    resume: bool,
    max_steps: Option<u64>,
    max_seconds: Option<f64>,
    command_line: &str,
    log: &mut dyn FnMut(&str),
) -> Result<TrainSummary, TrainError> {
    let out = &options.out;
    let ckpt = out.join("checkpoint");
    std::fs::create_dir_all(&ckpt).map_err(io_err(format!("creating {}", ckpt.display())))?;
    let config_path = out.join("config.json");
    let state_path = ckpt.join("state.json");
    if resume {
        require_checkpoint(out, &state_path)?;
        let saved: TrainOptions = read_json(&config_path)?;
        if saved.model != options.model || saved.batch != options.batch {
            return Err(TrainError::Mismatch(format!(
                "{} was trained with another model shape or batch; use a new --out or the same settings",
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

    let tokenizer = load_tokenizer(options)?;
    let train = TextCorpus::load(&options.data, "train", tokenizer.as_ref())
        .map_err(io_err("loading the train split"))?;
    let valid = TextCorpus::load(&options.data, "valid", tokenizer.as_ref())
        .map_err(io_err("loading the valid split"))?;
    let shape = options.model;
    if shape.vocab != train.vocab() {
        return Err(TrainError::Mismatch(format!(
            "the model's vocabulary ({}) differs from the data's ({})",
            shape.vocab,
            train.vocab()
        )));
    }
    let cfg = shape.config();
    log(&format!(
        "{}: context {} embed {} hidden {}x{} vocab {}: {} parameters, {} MACs per symbol; train {} bytes as {} symbols, valid {} bytes",
        if tokenizer.is_some() { "token LM" } else { "byte LM" },
        shape.context, shape.embed, shape.hidden1, shape.hidden2, shape.vocab,
        cfg.parameters(), cfg.macs_per_symbol(), train.len(), train.symbols(), valid.len()
    ));

    let device = Device::flex();
    device.seed(options.seed);
    let train_device = device.clone().autodiff();
    let mut model: ByteLm = cfg.init(&train_device);
    let mut optim = AdamConfig::new().init();
    let mut state = TrainState {
        step: 0,
        bytes_seen: 0,
        seconds: 0.0,
        rng: Rng(options.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1),
        best_valid_bpb: None,
        best_step: 0,
        last_train_bpb: None,
        valid_fingerprint: None,
    };
    if resume && state_path.exists() {
        state = read_json(&state_path)?;
        (model, optim) = load_checkpoint(model, optim, &ckpt)?;
        log(&format!(
            "resumed at step {} ({} bytes seen)",
            state.step, state.bytes_seen
        ));
    }

    let fingerprint = xxhash_rust::xxh3::xxh3_64(&valid.sources[0].bytes);
    if state.valid_fingerprint != Some(fingerprint) {
        if state.best_valid_bpb.is_some() {
            log("the valid split differs from the one the best score was measured on: the best score starts afresh");
        }
        state.best_valid_bpb = None;
        state.valid_fingerprint = Some(fingerprint);
    }
    let valid_prose = &valid.sources[0].symbols;
    let (valid_inputs, valid_targets) =
        fixed_sample(valid_prose, options.valid_positions, shape.context);
    let valid_bytes: u64 = valid_targets
        .iter()
        .map(|&t| u64::from(valid.symbol_len[t as usize]))
        .sum();
    let loss_fn = CrossEntropyLossConfig::new().init(&train_device);
    let started = Instant::now();
    let start_bytes = state.bytes_seen;
    let mut train_nats_sum = 0.0f64;
    let mut train_nats_count = 0u64;
    loop {
        let elapsed = started.elapsed().as_secs_f64();
        if max_steps.is_some_and(|m| state.step >= m) || max_seconds.is_some_and(|m| elapsed >= m) {
            break;
        }
        let (inputs, targets) = sample_batch(&train, &mut state.rng, options.batch, shape.context);
        let batch_bytes: u64 = targets
            .iter()
            .map(|&t| u64::from(train.symbol_len[t as usize]))
            .sum();
        let inputs = Tensor::<2, Int>::from_data(
            TensorData::new(inputs, [options.batch, shape.context]),
            &train_device,
        );
        let targets =
            Tensor::<1, Int>::from_data(TensorData::new(targets, [options.batch]), &train_device);
        let logits = model.forward(inputs);
        let loss = loss_fn.forward(logits, targets);
        let loss_value: f32 = loss.clone().into_scalar();
        train_nats_sum += f64::from(loss_value) * options.batch as f64;
        train_nats_count += batch_bytes;
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(options.learning_rate(state.step), model, grads);
        state.step += 1;
        state.bytes_seen += batch_bytes;

        let validate = state.step.is_multiple_of(options.valid_every);
        if validate {
            let valid_bpb = evaluate(
                &model.valid(),
                &valid_inputs,
                &valid_targets,
                shape.context,
                &device,
            ) * valid_targets.len() as f64
                / valid_bytes.max(1) as f64;
            let train_bpb =
                train_nats_sum / train_nats_count.max(1) as f64 / std::f64::consts::LN_2;
            train_nats_sum = 0.0;
            train_nats_count = 0;
            state.last_train_bpb = Some(train_bpb);
            let seconds = state.seconds + started.elapsed().as_secs_f64();
            let improved = state.best_valid_bpb.is_none_or(|b| valid_bpb < b);
            let line = serde_json::json!({
                "step": state.step, "bytes_seen": state.bytes_seen, "seconds": seconds.round(),
                "lr": options.learning_rate(state.step), "train_bpb": train_bpb, "valid_bpb": valid_bpb,
            });
            append_line(&out.join("train.log"), &line.to_string())?;
            log(&format!(
                "step {:>7}  train {:.4} bpb  valid {:.4} bpb{}  {:.0} bytes/s",
                state.step,
                train_bpb,
                valid_bpb,
                if improved { " (best)" } else { "" },
                (state.bytes_seen - start_bytes) as f64 / started.elapsed().as_secs_f64()
            ));
            if improved {
                state.best_valid_bpb = Some(valid_bpb);
                state.best_step = state.step;
                save_record(&model, &out.join("best.bpk"))?;
                write_manifest(options, &state, seconds, command_line, &train, &valid)?;
            }
        }
        if state.step.is_multiple_of(options.checkpoint_every) || validate {
            checkpoint(&model, &optim, &with_elapsed(&state, &started), &ckpt)?;
        }
    }
    state = with_elapsed(&state, &started);
    checkpoint(&model, &optim, &state, &ckpt)?;
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    Ok(TrainSummary {
        steps: state.step,
        best_valid_bpb: state.best_valid_bpb,
        bytes_per_second: (state.bytes_seen - start_bytes) as f64 / secs,
    })
}

/// The run's tokenizer, if it trains a token LM.
fn load_tokenizer(options: &TrainOptions) -> Result<Option<ncodec::tokenizer::Bbpe>, TrainError> {
    let Some(path) = &options.tokenizer else {
        return Ok(None);
    };
    let bytes = std::fs::read(path).map_err(io_err(format!("reading {}", path.display())))?;
    ncodec::tokenizer::Bbpe::from_bytes(&bytes)
        .map(Some)
        .map_err(|e| TrainError::Mismatch(format!("{}: {e}", path.display())))
}

/// `state` with this call's training time added to the time of earlier calls (which
/// `state.seconds` holds while the loop runs).
fn with_elapsed(state: &TrainState, started: &Instant) -> TrainState {
    TrainState {
        seconds: state.seconds + started.elapsed().as_secs_f64(),
        ..state.clone()
    }
}

/// Mean bits per symbol of `model` on a fixed sample, in slices of 4096 windows.
fn evaluate(
    model: &ByteLm,
    inputs: &[i64],
    targets: &[i64],
    context: usize,
    device: &Device,
) -> f64 {
    let loss_fn = CrossEntropyLossConfig::new().init(device);
    let slice = 4096;
    let mut nats = 0.0f64;
    let mut count = 0usize;
    for (chunk_targets, chunk_inputs) in targets.chunks(slice).zip(inputs.chunks(slice * context)) {
        let n = chunk_targets.len();
        let x = Tensor::<2, Int>::from_data(
            TensorData::new(chunk_inputs.to_vec(), [n, context]),
            device,
        );
        let y = Tensor::<1, Int>::from_data(TensorData::new(chunk_targets.to_vec(), [n]), device);
        let loss: f32 = loss_fn.forward(model.forward(x), y).into_scalar();
        nats += f64::from(loss) * n as f64;
        count += n;
    }
    nats / count.max(1) as f64 / std::f64::consts::LN_2
}

/// `model` with the weights of `path` (a `.bpk` record).
pub(crate) fn load_weights<M: Module>(model: M, path: &Path) -> Result<M, TrainError> {
    let record = ModuleRecord::load(path).map_err(|e| TrainError::Checkpoint {
        path: path.to_path_buf(),
        message: format!("{e:?}"),
    })?;
    Ok(model.load_record(record))
}

/// `model` and `optim` (built by the caller with its settings, e.g. gradient clipping)
/// restored from `dir/{model,optim}.bpk`.
pub(crate) fn load_checkpoint<M: Module>(
    model: M,
    optim: burn::optim::ModuleOptimizer,
    dir: &Path,
) -> Result<(M, burn::optim::ModuleOptimizer), TrainError> {
    let model = load_weights(model, &dir.join("model.bpk"))?;
    let optim_path = dir.join("optim.bpk");
    let record =
        burn::optim::OptimizerRecord::load(&optim_path).map_err(|e| TrainError::Checkpoint {
            path: optim_path.clone(),
            message: format!("{e:?}"),
        })?;
    Ok((model, optim.load_record(record)))
}

pub(crate) fn checkpoint<M: Module>(
    model: &M,
    optim: &burn::optim::ModuleOptimizer,
    state: &impl Serialize,
    dir: &Path,
) -> Result<(), TrainError> {
    save_record(model, &dir.join("model.bpk"))?;
    let optim_path = dir.join("optim.bpk");
    let tmp = dir.join("optim.bpk.tmp");
    optim
        .to_record()
        .save(&tmp)
        .map_err(|e| TrainError::Checkpoint {
            path: optim_path.clone(),
            message: format!("{e:?}"),
        })?;
    std::fs::rename(&tmp, &optim_path).map_err(io_err("saving the optimizer"))?;
    write_json(&dir.join("state.json"), state)
}

pub(crate) fn save_record<M: Module>(model: &M, path: &Path) -> Result<(), TrainError> {
    let tmp = path.with_extension("bpk.tmp");
    model
        .clone()
        .into_record()
        .save(&tmp)
        .map_err(|e| TrainError::Checkpoint {
            path: path.to_path_buf(),
            message: format!("{e:?}"),
        })?;
    std::fs::rename(&tmp, path).map_err(io_err(format!("saving {}", path.display())))
}

fn write_manifest(
    options: &TrainOptions,
    state: &TrainState,
    seconds: f64,
    command_line: &str,
    train: &TextCorpus,
    valid: &TextCorpus,
) -> Result<(), TrainError> {
    let best = options.out.join("best.bpk");
    let bytes = std::fs::read(&best).map_err(io_err("reading best.bpk"))?;
    let sha = Sha256::digest(&bytes);
    let sha_hex: String = sha.iter().map(|b| format!("{b:02x}")).collect();
    let cfg = options.model.config();
    let manifest = serde_json::json!({
        "model": if options.tokenizer.is_some() { "token-lm (window MLP over BBPE tokens)" } else { "byte-lm (window MLP)" },
        "tokenizer": options.tokenizer,
        "shape": options.model,
        "parameters": cfg.parameters(),
        "macs_per_symbol": cfg.macs_per_symbol(),
        "weights": "best.bpk",
        "sha256": sha_hex,
        "data": {
            "recipe": "../shared/data/text.sh",
            "train": train.sources.iter().map(|s| serde_json::json!({"file": s.name, "bytes": s.bytes.len(), "weight": s.weight})).collect::<Vec<_>>(),
            "valid": valid.sources.iter().map(|s| serde_json::json!({"file": s.name, "bytes": s.bytes.len()})).collect::<Vec<_>>(),
        },
        "command": command_line,
        "steps": state.best_step,
        "symbols_seen": state.best_step * options.batch as u64,
        "bytes_seen": state.bytes_seen,
        "training_seconds": seconds.round(),
        "metrics": { "valid_bpb": state.best_valid_bpb, "train_bpb": state.last_train_bpb,
                     "valid_sample": format!("{} evenly spaced positions of valid/prose.txt", options.valid_positions) },
        "backend": "burn 0.22.1 flex (CPU)",
    });
    write_json(&options.out.join("manifest.json"), &manifest)
}

pub(crate) fn write_json(path: &Path, value: &impl Serialize) -> Result<(), TrainError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| TrainError::Io {
        context: format!("serialising {}", path.display()),
        source: std::io::Error::other(e),
    })?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text).map_err(io_err(format!("writing {}", tmp.display())))?;
    std::fs::rename(&tmp, path).map_err(io_err(format!("writing {}", path.display())))
}

pub(crate) fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, TrainError> {
    let text =
        std::fs::read_to_string(path).map_err(io_err(format!("reading {}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| TrainError::Io {
        context: format!("parsing {}", path.display()),
        source: std::io::Error::other(e),
    })
}

pub(crate) fn append_line(path: &Path, line: &str) -> Result<(), TrainError> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io_err(format!("opening {}", path.display())))?;
    writeln!(file, "{line}").map_err(io_err(format!("writing {}", path.display())))
}

/// What [`export_run`] wrote.
#[derive(Debug, Clone)]
pub struct ExportReport {
    /// The integer weights file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: usize,
    /// XXH3-64 of the file (the model hash in `.ncz` headers).
    pub model_hash: u64,
    /// Float bits per byte on the measured slice of valid prose.
    pub float_bpb: f64,
    /// Integer bits per byte on the same positions.
    pub int_bpb: f64,
    /// Positions measured.
    pub positions: usize,
}

/// Exports a run's `best.bpk` into the integer runtime format as `byte-lm.nclw` (or
/// `token-lm.nclw` for a token LM) beside it,
/// measures float against integer bits per byte on the first `positions` bytes of the
/// valid prose, and records both (and the file's sha256) in the run's manifest.
pub fn export_run(run: &Path, positions: usize) -> Result<ExportReport, TrainError> {
    let options: TrainOptions = read_json(&run.join("config.json"))?;
    let manifest_path = run.join("manifest.json");
    let mut manifest: serde_json::Value = read_json(&manifest_path)?;
    let device = Device::flex();
    let model = load_weights(options.model.config().init(&device), &run.join("best.bpk"))?;
    let tokenizer = load_tokenizer(&options)?;
    let train = TextCorpus::load(&options.data, "train", tokenizer.as_ref())
        .map_err(io_err("loading the train split"))?;
    let valid = TextCorpus::load(&options.data, "valid", tokenizer.as_ref())
        .map_err(io_err("loading the valid split"))?;
    let shape = ncodec::runtime::ByteMlpShape {
        context: options.model.context,
        embed: options.model.embed,
        hidden1: options.model.hidden1,
        hidden2: options.model.hidden2,
        vocab: options.model.vocab,
    };
    let exported = crate::export::export_byte_lm(&model, shape, &train, &valid, positions, &device)
        .map_err(TrainError::Mismatch)?;
    let file = if tokenizer.is_some() {
        "token-lm.nclw"
    } else {
        "byte-lm.nclw"
    };
    let path = run.join(file);
    std::fs::write(&path, &exported.bytes)
        .map_err(io_err(format!("writing {}", path.display())))?;
    let model_hash = xxhash_rust::xxh3::xxh3_64(&exported.bytes[..exported.bytes.len() - 8]);
    let sha: String = Sha256::digest(&exported.bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    manifest["integer_export"] = serde_json::json!({
        "file": file,
        "bytes": exported.bytes.len(),
        "sha256": sha,
        "model_hash_xxh3": format!("{model_hash:016x}"),
        "measured_on": format!("first {} bytes of {}", exported.positions, valid.sources[0].name),
        "float_bpb": exported.float_bpb,
        "int_bpb": exported.int_bpb,
        "quantization_cost": exported.int_bpb / exported.float_bpb - 1.0,
        "command": std::env::args().collect::<Vec<_>>().join(" "),
    });
    write_json(&manifest_path, &manifest)?;
    Ok(ExportReport {
        path,
        bytes: exported.bytes.len(),
        model_hash,
        float_bpb: exported.float_bpb,
        int_bpb: exported.int_bpb,
        positions: exported.positions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resuming_needs_a_checkpoint() {
        let out = std::env::temp_dir().join(format!("ncodec-resume-{}", std::process::id()));
        let state = out.join("checkpoint").join("state.json");
        std::fs::create_dir_all(out.join("checkpoint")).unwrap();
        let missing = require_checkpoint(&out, &state).unwrap_err().to_string();
        assert!(missing.contains("nothing to resume"), "{missing}");
        assert!(missing.contains("best.bpk"), "{missing}");
        std::fs::write(&state, "{}").unwrap();
        assert!(require_checkpoint(&out, &state).is_ok());
        std::fs::remove_dir_all(&out).unwrap();
    }
}
