//! `ncodec train limg`: fits the prior of the lossless image codec's mixture (which
//! predictor made each sample) by expectation–maximisation on the photo corpus, and
//! measures what it buys on the valid split with real bits-back coding. Needs no burn,
//! so it works in every build.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use ncodec::codecs::limg::{bits_back, pixels, prior};
use ncodec_datasets::images::ImageSet;
use sha2::{Digest, Sha256};

use crate::args::TrainLimgArgs;
use crate::output::replace_file;

/// Runs `ncodec train limg`.
pub fn run(args: &TrainLimgArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let train = load(&args.data.join("train"), args.images)?;
    let valid = load(&args.data.join("valid"), args.valid_images)?;
    eprintln!(
        "{} train and {} valid photos loaded in {:.1} s",
        train.len(),
        valid.len(),
        started.elapsed().as_secs_f64()
    );
    let mut samples = Vec::new();
    for (index, (rgb, shape)) in train.iter().enumerate() {
        samples.extend(prior::sample_costs(rgb, *shape, args.stride));
        if (index + 1) % 50 == 0 {
            eprintln!(
                "  statistics of {} photos: {} samples",
                index + 1,
                samples.len()
            );
        }
    }
    let (fitted, report) = prior::fit(&samples, args.iterations);
    drop(samples);
    for (round, bits) in report.mixture_bits.iter().enumerate() {
        eprintln!(
            "  EM round {:>2}: mixture {bits:.4} bits/subpixel on train",
            round + 1
        );
    }
    eprintln!(
        "fitted on {} samples: blend {:.4}, mixture {:.4} bits/subpixel (train)",
        report.samples,
        report.blend_bits,
        report.mixture_bits.last().copied().unwrap_or(f64::NAN)
    );

    // The valid split: ideal code lengths, and real sizes of both coders.
    let (mut subpixels, mut blend, mut mixture, mut range, mut bits_back) =
        (0f64, 0f64, 0f64, 0f64, 0f64);
    for (rgb, shape) in &valid {
        let lengths = bits_back::code_lengths(rgb, *shape, &fitted)?;
        let mut enc = ncodec::entropy::RangeEncoder::new();
        pixels::encode(rgb, *shape, &mut enc)?;
        let body = bits_back::encode(rgb, *shape, &fitted)?;
        anyhow::ensure!(
            bits_back::decode(&body, *shape, &fitted)? == *rgb,
            "a valid photo did not decode to itself"
        );
        subpixels += rgb.len() as f64;
        blend += lengths.blend;
        mixture += lengths.mixture;
        range += enc.finish().len() as f64 * 8.0;
        bits_back += body.len() as f64 * 8.0;
    }
    let per = |bits: f64| bits / subpixels.max(1.0);
    eprintln!(
        "valid ({} photos): ideal blend {:.4}, ideal mixture {:.4}; real range-coded blend {:.4}, real bits-back {:.4} bits/subpixel ({:+.2} %, overhead over the ideal mixture {:+.3} %)",
        valid.len(),
        per(blend),
        per(mixture),
        per(range),
        per(bits_back),
        (bits_back / range - 1.0) * 100.0,
        (bits_back / mixture - 1.0) * 100.0
    );

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let bytes = fitted.to_bytes();
    let file = args.out.join("limg-prior.nclp");
    replace_file(&file, &bytes)?;
    let manifest = serde_json::json!({
        "model": format!(
            "limg mixture prior: P(component | context), {} components (the blend, its 4 predictors alone locally best first, neighbours W, N, NE, (W+N)/2) x {} contexts",
            fitted.components(),
            fitted.contexts()
        ),
        "command": std::env::args().collect::<Vec<_>>().join(" "),
        "data": {
            "recipe": "../shared/data/image.sh",
            "train_photos": train.len(),
            "valid_photos": valid.len(),
            "stride": args.stride,
        },
        "iterations": args.iterations,
        "samples": report.samples,
        "training_seconds": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
        "metrics": {
            "train_blend_bits_per_subpixel": report.blend_bits,
            "train_mixture_bits_per_subpixel_by_round": report.mixture_bits,
            "valid_ideal_blend_bits_per_subpixel": per(blend),
            "valid_ideal_mixture_bits_per_subpixel": per(mixture),
            "valid_range_coded_bits_per_subpixel": per(range),
            "valid_bits_back_bits_per_subpixel": per(bits_back),
            "valid_bits_back_overhead_percent": (bits_back / mixture - 1.0) * 100.0,
        },
        "file": "limg-prior.nclp",
        "bytes": bytes.len(),
        "sha256": format!("{:x}", Sha256::digest(&bytes)),
        "model_hash": format!("{:016x}", fitted.hash()),
    });
    let text = serde_json::to_string_pretty(&manifest)? + "\n";
    replace_file(&args.out.join("manifest.json"), text.as_bytes())?;
    eprintln!(
        "wrote {} (hash {:016x}) and its manifest in {:.1} s",
        file.display(),
        fitted.hash(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// The first `count` photos of `dir` as 8-bit RGB samples.
fn load(dir: &Path, count: usize) -> Result<Vec<(Vec<u8>, pixels::Shape)>> {
    let set =
        ImageSet::load(dir, 1).with_context(|| format!("reading photos in {}", dir.display()))?;
    Ok(set
        .images
        .into_iter()
        .take(count)
        .map(|img| {
            let shape = pixels::Shape {
                width: img.width() as usize,
                height: img.height() as usize,
                channels: 3,
            };
            (img.into_raw(), shape)
        })
        .collect())
}
