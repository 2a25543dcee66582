//! `ncodec train image-residual`: learns where the image codec's residual coder starts
//! (its adaptive probabilities and mixer weights after coding train photos at each
//! level's step) and measures what that saves on the valid split, with real coded
//! sizes. Needs no burn, so it works in every build.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use ncodec::codecs::image::{learn_residual_prior, residual_prior_gain, RawImage};
use ncodec_datasets::images::ImageSet;
use sha2::{Digest, Sha256};

use crate::args::TrainImageResidualArgs;
use crate::output::replace_file;

/// Runs `ncodec train image-residual`.
pub fn run(args: &TrainImageResidualArgs) -> Result<ExitCode> {
    anyhow::ensure!(args.every >= 1, "--every must be at least 1");
    let started = Instant::now();
    let (train_names, train) = load(&args.data.join("train"), |i| {
        i % args.every == args.offset % args.every && i >= args.offset
    })?;
    let (train_names, train): (Vec<_>, Vec<_>) =
        train_names.into_iter().zip(train).take(args.images).unzip();
    let (_, valid) = load(&args.data.join("valid"), |i| i < args.valid_images)?;
    anyhow::ensure!(!train.is_empty(), "no train photos selected");
    eprintln!(
        "{} train and {} valid photos loaded in {:.1} s",
        train.len(),
        valid.len(),
        started.elapsed().as_secs_f64()
    );
    let bytes = learn_residual_prior(&train, args.rounds, |round, done| {
        if done % 10 == 0 || done == train.len() {
            eprintln!(
                "  round {round}: coded {done} of {} train photos",
                train.len()
            );
        }
    })?;
    let learning_seconds = started.elapsed().as_secs_f64();
    let gains = residual_prior_gain(&valid, &bytes)?;
    let mut levels = Vec::new();
    let mut total_saved = 0.0;
    for gain in &gains {
        let saved = gain.loss_saved_percent();
        total_saved += saved / gains.len().max(1) as f64;
        eprintln!(
            "  level {} (step {}): residual layers {} -> {} bytes, squared error {:+.2} %: rate-distortion loss {saved:.2} % lower",
            gain.level,
            gain.step,
            gain.fresh_bytes,
            gain.prior_bytes,
            (gain.prior_squared_error / gain.fresh_squared_error.max(1.0) - 1.0) * 100.0
        );
        levels.push(serde_json::json!({
            "level": gain.level,
            "step": gain.step,
            "valid_residual_bytes_fresh": gain.fresh_bytes,
            "valid_residual_bytes_with_prior": gain.prior_bytes,
            "valid_squared_error_fresh": gain.fresh_squared_error,
            "valid_squared_error_with_prior": gain.prior_squared_error,
            "loss_saved_percent": saved,
        }));
    }
    eprintln!(
        "valid ({} photos): the residual layers' rate-distortion loss is {total_saved:.2} % lower on average over the levels",
        valid.len()
    );

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let file = args.out.join("image-residual.ncrp");
    replace_file(&file, &bytes)?;
    let manifest = serde_json::json!({
        "model": "image residual prior: the residual coder's adaptive probabilities (16-bit, update counts capped at 16) and mixer weights after coding the train photos one after the other (counts capped between photos), one state per level step",
        "rounds": args.rounds,
        "command": std::env::args().collect::<Vec<_>>().join(" "),
        "data": {
            "recipe": "../shared/data/image.sh",
            "train_photos": train_names,
            "valid_photos": valid.len(),
        },
        "learning_seconds": (learning_seconds * 10.0).round() / 10.0,
        "metrics": {
            "valid_levels": levels,
            "valid_mean_loss_saved_percent": total_saved,
        },
        "file": "image-residual.ncrp",
        "bytes": bytes.len(),
        "sha256": format!("{:x}", Sha256::digest(&bytes)),
    });
    let text = serde_json::to_string_pretty(&manifest)? + "\n";
    replace_file(&args.out.join("manifest.json"), text.as_bytes())?;
    eprintln!(
        "wrote {} ({} bytes) and its manifest in {:.1} s",
        file.display(),
        bytes.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// The photos of `dir` whose index in name order `keep` accepts, with their names.
fn load(dir: &Path, keep: impl Fn(usize) -> bool) -> Result<(Vec<String>, Vec<RawImage>)> {
    let set =
        ImageSet::load(dir, 1).with_context(|| format!("reading photos in {}", dir.display()))?;
    let mut names = Vec::new();
    let mut photos = Vec::new();
    for (i, (name, img)) in set.names.into_iter().zip(set.images).enumerate() {
        if !keep(i) {
            continue;
        }
        let (w, h) = img.dimensions();
        photos.push(RawImage::new(w, h, 3, img.into_raw())?);
        names.push(name);
    }
    Ok((names, photos))
}
