//! The resumable training loop of the image autoencoder: rate + λ·distortion on random
//! crops of the photo corpus (`../shared/data/image.sh`), validated on fixed centre crops
//! of the valid split.
//!
//! The output folder holds `config.json`, `checkpoint/{model,optim}.bpk` and
//! `checkpoint/state.json` (written through temporary files and renames), `best.bpk` (the
//! lowest validation loss), `manifest.json` and `train.log`, as for the language models.

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::optim::grad_clipping::GradientClippingConfig;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;
use ncodec_datasets::images::{CropRng, ImageSet};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::image_ae::{ImageAe, ImageAeConfig};
use crate::train::{
    append_line, checkpoint, io_err, load_checkpoint, load_weights, read_json, require_checkpoint,
    save_record, write_json, TrainError,
};

/// The shape of the autoencoder, as stored in `config.json`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct ImageShape {
    /// Hidden channels.
    pub channels: usize,
    /// Latent channels.
    pub latent: usize,
    /// Logistic components per latent channel.
    pub mixture: usize,
}

impl ImageShape {
    fn config(&self) -> ImageAeConfig {
        ImageAeConfig::new()
            .with_channels(self.channels)
            .with_latent(self.latent)
            .with_mixture(self.mixture)
    }
}

impl Default for ImageShape {
    fn default() -> Self {
        let c = ImageAeConfig::new();
        Self {
            channels: c.channels,
            latent: c.latent,
            mixture: c.mixture,
        }
    }
}

/// Settings of an image training run (stored in `config.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ImageTrainOptions {
    /// Corpus folder with `train/` and `valid/` photos.
    pub data: PathBuf,
    /// Output folder.
    pub out: PathBuf,
    /// Model shape.
    pub model: ImageShape,
    /// Distortion weight: the loss is `bpp + lambda * 255² * MSE` (CompressAI's scale).
    pub lambda: f64,
    /// Side of the square training crops (a multiple of 16).
    pub crop: u32,
    /// Crops per step.
    pub batch: usize,
    /// Peak learning rate (Adam).
    pub lr: f64,
    /// Random seed.
    pub seed: u64,
    /// Validate every this many steps.
    pub valid_every: u64,
    /// Valid images whose 256×256 centre crops form the validation batch.
    pub valid_images: usize,
    /// Checkpoint every this many steps.
    pub checkpoint_every: u64,
    /// Weights (`best.bpk` of another run) to start from instead of a random init; used
    /// to fine-tune a trained model for another λ.
    #[serde(default)]
    pub init: Option<PathBuf>,
    /// Clip each step's gradient to this global norm (none when absent).
    #[serde(default)]
    pub grad_clip: Option<f32>,
}

impl ImageTrainOptions {
    /// Defaults for `data` and `out`.
    pub fn new(data: PathBuf, out: PathBuf) -> Self {
        Self {
            data,
            out,
            model: ImageShape::default(),
            lambda: 0.0067,
            crop: 128,
            batch: 8,
            lr: 1e-4,
            seed: 1,
            valid_every: 200,
            valid_images: 24,
            checkpoint_every: 50,
            init: None,
            grad_clip: Some(1.0),
        }
    }

    /// The settings a run in `out` was started with (its `config.json`): what `--resume`
    /// continues with, unless told otherwise.
    pub fn of_run(out: &Path) -> Result<Self, TrainError> {
        read_json(&out.join("config.json"))
    }
}

/// Progress saved in `checkpoint/state.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ImageTrainState {
    step: u64,
    seconds: f64,
    rng: u64,
    best_loss: Option<f64>,
    best_step: u64,
    best_bpp: Option<f64>,
    best_psnr: Option<f64>,
}

/// Validation metrics.
#[derive(Debug, Clone, Copy)]
pub struct ImageMetrics {
    /// Estimated bits per pixel (entropy model on rounded latents).
    pub bpp: f64,
    /// PSNR in dB of the reconstruction (8-bit scale).
    pub psnr: f64,
    /// `bpp + lambda * 255² * MSE`.
    pub loss: f64,
}

/// What a call of [`train_image`] did.
#[derive(Debug, Clone)]
pub struct ImageTrainSummary {
    /// Steps done in total (all sessions).
    pub steps: u64,
    /// Best validation metrics.
    pub best: Option<ImageMetrics>,
    /// Steps per second in this call.
    pub steps_per_second: f64,
}

fn to_tensor(values: Vec<f32>, count: usize, side: u32, device: &Device) -> Tensor<4> {
    let s = side as usize;
    Tensor::<4>::from_data(TensorData::new(values, [count, 3, s, s]), device)
}

/// Trains (or with `resume`, continues) the image autoencoder until `max_steps` total
/// steps or `max_seconds` in this call. `log` receives one line per validation.
pub fn train_image(
    options: &ImageTrainOptions,
    resume: bool,
    max_steps: Option<u64>,
    max_seconds: Option<f64>,
    command_line: &str,
    log: &mut dyn FnMut(&str),
) -> Result<ImageTrainSummary, TrainError> {
    if options.crop == 0 || !options.crop.is_multiple_of(16) {
        return Err(TrainError::Mismatch(
            "--crop must be a positive multiple of 16".into(),
        ));
    }
    let out = &options.out;
    let ckpt = out.join("checkpoint");
    std::fs::create_dir_all(&ckpt).map_err(io_err(format!("creating {}", ckpt.display())))?;
    let config_path = out.join("config.json");
    let state_path = ckpt.join("state.json");
    if resume {
        require_checkpoint(out, &state_path)?;
        let saved: ImageTrainOptions = read_json(&config_path)?;
        if saved.model != options.model {
            return Err(TrainError::Mismatch(format!(
                "{} was trained with another model shape; use a new --out or the same shape",
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

    let train = ImageSet::load(&options.data.join("train"), options.crop)
        .map_err(io_err("loading the train photos"))?;
    let valid = ImageSet::load(&options.data.join("valid"), 256)
        .map_err(io_err("loading the valid photos"))?;
    let cfg = options.model.config();
    log(&format!(
        "image autoencoder: {} channels, {} latent, {} logistics: {} parameters; λ {}; {} train photos, {} valid",
        cfg.channels, cfg.latent, cfg.mixture, cfg.parameters(), options.lambda, train.len(), valid.len()
    ));

    let device = Device::flex();
    device.seed(options.seed);
    let train_device = device.clone().autodiff();
    let mut model: ImageAe = cfg.init(&train_device);
    if let Some(init) = &options.init {
        model = load_weights(model, init)?;
        log(&format!("starting from the weights in {}", init.display()));
    }
    let mut optim = AdamConfig::new()
        .with_grad_clipping(options.grad_clip.map(GradientClippingConfig::Norm))
        .init();
    let mut state = ImageTrainState {
        step: 0,
        seconds: 0.0,
        rng: options.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1,
        best_loss: None,
        best_step: 0,
        best_bpp: None,
        best_psnr: None,
    };
    if resume && state_path.exists() {
        state = read_json(&state_path)?;
        (model, optim) = load_checkpoint(model, optim, &ckpt)?;
        log(&format!("resumed at step {}", state.step));
    }

    let valid_count = options.valid_images.min(valid.len()).max(1);
    let valid_batch = valid.center_crops(valid_count, 256);
    let started = Instant::now();
    let start_step = state.step;
    let pixels = (options.batch * (options.crop * options.crop) as usize) as f64;
    let (mut bpp_sum, mut mse_sum, mut count) = (0.0f64, 0.0f64, 0u64);
    loop {
        if max_steps.is_some_and(|m| state.step >= m)
            || max_seconds.is_some_and(|m| started.elapsed().as_secs_f64() >= m)
        {
            break;
        }
        let mut rng = CropRng(state.rng);
        let crops = train.random_crops(&mut rng, options.batch, options.crop);
        state.rng = rng.0;
        let x = to_tensor(crops, options.batch, options.crop, &train_device);
        let output = model.forward_train(x.clone());
        let bpp = output.bits.div_scalar(pixels as f32);
        let mse = (output.x_hat - x).powf_scalar(2.0).mean();
        let loss = bpp.clone()
            + mse
                .clone()
                .mul_scalar((options.lambda * 255.0 * 255.0) as f32);
        bpp_sum += f64::from(bpp.into_scalar::<f32>());
        mse_sum += f64::from(mse.into_scalar::<f32>());
        count += 1;
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        let warm = ((state.step + 1) as f64 / 100.0).min(1.0);
        model = optim.step(options.lr * warm, model, grads);
        state.step += 1;

        let validate = state.step.is_multiple_of(options.valid_every);
        if validate {
            let m = evaluate(
                &model.valid(),
                &valid_batch,
                valid_count,
                options.lambda,
                &device,
            );
            let train_bpp = bpp_sum / count.max(1) as f64;
            let train_psnr = psnr(mse_sum / count.max(1) as f64);
            (bpp_sum, mse_sum, count) = (0.0, 0.0, 0);
            let seconds = state.seconds + started.elapsed().as_secs_f64();
            let improved = state.best_loss.is_none_or(|b| m.loss < b);
            let line = serde_json::json!({
                "step": state.step, "seconds": seconds.round(), "train_bpp": train_bpp,
                "train_psnr": train_psnr, "valid_bpp_estimated": m.bpp, "valid_psnr": m.psnr,
                "valid_loss": m.loss,
            });
            append_line(&out.join("train.log"), &line.to_string())?;
            log(&format!(
                "step {:>6}  train {:.3} bpp {:.2} dB  valid {:.3} bpp {:.2} dB loss {:.4}{}  {:.2} s/step",
                state.step,
                train_bpp,
                train_psnr,
                m.bpp,
                m.psnr,
                m.loss,
                if improved { " (best)" } else { "" },
                started.elapsed().as_secs_f64() / (state.step - start_step) as f64
            ));
            if improved {
                state.best_loss = Some(m.loss);
                state.best_step = state.step;
                state.best_bpp = Some(m.bpp);
                state.best_psnr = Some(m.psnr);
                save_record(&model, &out.join("best.bpk"))?;
                write_manifest(options, &state, seconds, command_line, &train, &valid)?;
            }
        }
        if state.step.is_multiple_of(options.checkpoint_every) || validate {
            let snapshot = ImageTrainState {
                seconds: state.seconds + started.elapsed().as_secs_f64(),
                ..state.clone()
            };
            checkpoint(&model, &optim, &snapshot, &ckpt)?;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    state.seconds += secs;
    checkpoint(&model, &optim, &state, &ckpt)?;
    Ok(ImageTrainSummary {
        steps: state.step,
        best: match (state.best_bpp, state.best_psnr, state.best_loss) {
            (Some(bpp), Some(psnr), Some(loss)) => Some(ImageMetrics { bpp, psnr, loss }),
            _ => None,
        },
        steps_per_second: (state.step - start_step) as f64 / secs.max(1e-9),
    })
}

/// PSNR in dB of a mean squared error on the `[0, 1]` scale.
fn psnr(mse: f64) -> f64 {
    10.0 * (1.0 / mse.max(1e-12)).log10()
}

/// Estimated bpp, PSNR and loss on the fixed validation crops, in slices of 4.
fn evaluate(
    model: &ImageAe,
    batch: &[f32],
    count: usize,
    lambda: f64,
    device: &Device,
) -> ImageMetrics {
    let per = 3 * 256 * 256;
    let (mut bits, mut se) = (0.0f64, 0.0f64);
    for slice in batch.chunks(per * 4) {
        let n = slice.len() / per;
        let x = to_tensor(slice.to_vec(), n, 256, device);
        let out = model.forward_eval(x.clone());
        bits += f64::from(out.bits.into_scalar::<f32>());
        let err: f32 = (out.x_hat.clamp(0.0, 1.0) - x)
            .powf_scalar(2.0)
            .sum()
            .into_scalar();
        se += f64::from(err);
    }
    let pixels = (count * 256 * 256) as f64;
    let bpp = bits / pixels;
    let mse = se / (pixels * 3.0);
    ImageMetrics {
        bpp,
        psnr: psnr(mse),
        loss: bpp + lambda * 255.0 * 255.0 * mse,
    }
}

fn write_manifest(
    options: &ImageTrainOptions,
    state: &ImageTrainState,
    seconds: f64,
    command_line: &str,
    train: &ImageSet,
    valid: &ImageSet,
) -> Result<(), TrainError> {
    let bytes = std::fs::read(options.out.join("best.bpk")).map_err(io_err("reading best.bpk"))?;
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let cfg = options.model.config();
    let manifest = serde_json::json!({
        "model": "image autoencoder (GDN-lite, factorized logistic-mixture prior)",
        "shape": options.model,
        "parameters": cfg.parameters(),
        "lambda": options.lambda,
        "weights": "best.bpk",
        "sha256": sha,
        "data": {
            "recipe": "../shared/data/image.sh",
            "train_photos": train.len(),
            "valid_photos": valid.len(),
            "crops": format!("random {}x{} crops with horizontal flips, batch {}", options.crop, options.crop, options.batch),
        },
        "command": command_line,
        "steps": state.best_step,
        "training_seconds": seconds.round(),
        "metrics": {
            "valid_bpp_estimated": state.best_bpp, "valid_psnr": state.best_psnr, "valid_loss": state.best_loss,
            "valid_sample": format!("256x256 centre crops of the first {} valid photos", options.valid_images),
        },
        "backend": "burn 0.22.1 flex (CPU)",
    });
    write_json(&options.out.join("manifest.json"), &manifest)
}

/// Loads a run's best weights (for export and evaluation).
pub fn load_best(run: &Path, device: &Device) -> Result<(ImageTrainOptions, ImageAe), TrainError> {
    let options: ImageTrainOptions = read_json(&run.join("config.json"))?;
    let model = load_weights(options.model.config().init(device), &run.join("best.bpk"))?;
    Ok((options, model))
}
