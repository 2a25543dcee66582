//! `ncodec train`: train the learned models (builds with `--features train` only).

use std::process::ExitCode;

#[cfg(feature = "train")]
use anyhow::Context;
use anyhow::Result;

use crate::args::TrainCommand;

/// Runs a training subcommand.
pub fn run(command: &TrainCommand) -> Result<ExitCode> {
    match command {
        // Needs no burn: available in every build.
        TrainCommand::Limg(args) => super::train_limg::run(args),
        TrainCommand::ImageResidual(args) => super::train_image_residual::run(args),
        _ => run_learned(command),
    }
}

/// The settings a training command starts from before its flags apply: with `--resume`
/// the run's own (its `config.json`, so a resumed run keeps them unless the command line
/// changes them), else the defaults.
#[cfg(feature = "train")]
fn starting_options<T>(
    resume: bool,
    out: &std::path::Path,
    kind: &str,
    of_run: impl FnOnce(&std::path::Path) -> Result<T, ncodec_models::TrainError>,
    defaults: impl FnOnce() -> T,
) -> Result<T> {
    if resume {
        of_run(out).with_context(|| format!("--resume: {} holds no {kind} run", out.display()))
    } else {
        Ok(defaults())
    }
}

/// Runs a subcommand that trains with burn.
#[cfg(feature = "train")]
fn run_learned(command: &TrainCommand) -> Result<ExitCode> {
    use ncodec_models::train::{ModelShape, TrainOptions};

    match command {
        TrainCommand::Text(args) => {
            let mut options =
                starting_options(args.resume, &args.out, "text", TrainOptions::of_run, || {
                    TrainOptions::new(args.data.clone(), args.out.clone())
                })?;
            options.data = args.data.clone();
            options.out = args.out.clone();
            if args.tokenizer.is_some() {
                options.tokenizer = args.tokenizer.clone();
            }
            let vocab = match &options.tokenizer {
                Some(path) => {
                    let bytes = std::fs::read(path)
                        .with_context(|| format!("reading {}", path.display()))?;
                    ncodec::tokenizer::Bbpe::from_bytes(&bytes)
                        .with_context(|| format!("{} is not a tokenizer", path.display()))?
                        .vocab_size()
                }
                None => 256,
            };
            let shape = options.model;
            options.model = ModelShape {
                context: args.context.unwrap_or(shape.context),
                embed: args.embed.unwrap_or(shape.embed),
                hidden1: args.hidden1.unwrap_or(shape.hidden1),
                hidden2: args.hidden2.unwrap_or(shape.hidden2),
                vocab,
            };
            options.batch = args.batch.unwrap_or(options.batch);
            options.lr = args.lr.unwrap_or(options.lr);
            options.seed = args.seed.unwrap_or(options.seed);
            let command_line = std::env::args().collect::<Vec<_>>().join(" ");
            let summary = ncodec_models::train_text(
                &options,
                args.resume,
                args.steps,
                args.minutes.map(|m| m * 60.0),
                &command_line,
                &mut |line| eprintln!("{line}"),
            )?;
            eprintln!(
                "done: {} steps in total, best valid {} bits/byte, {:.0} bytes/s",
                summary.steps,
                summary
                    .best_valid_bpb
                    .map_or("-".to_string(), |b| format!("{b:.4}")),
                summary.bytes_per_second
            );
            Ok(ExitCode::SUCCESS)
        }
        TrainCommand::Image(args) => {
            use ncodec_models::image_train::{ImageShape, ImageTrainOptions};
            let mut options = starting_options(
                args.resume,
                &args.out,
                "image",
                ImageTrainOptions::of_run,
                || ImageTrainOptions::new(args.data.clone(), args.out.clone()),
            )?;
            options.data = args.data.clone();
            options.out = args.out.clone();
            options.model = ImageShape {
                channels: args.channels.unwrap_or(options.model.channels),
                latent: args.latent.unwrap_or(options.model.latent),
                ..options.model
            };
            options.lambda = args.lambda.unwrap_or(options.lambda);
            options.crop = args.crop.unwrap_or(options.crop);
            options.batch = args.batch.unwrap_or(options.batch);
            options.lr = args.lr.unwrap_or(options.lr);
            options.seed = args.seed.unwrap_or(options.seed);
            if args.init.is_some() {
                options.init = args.init.clone();
            }
            if let Some(clip) = args.grad_clip {
                options.grad_clip = (clip > 0.0).then_some(clip);
            }
            let command_line = std::env::args().collect::<Vec<_>>().join(" ");
            let summary = ncodec_models::image_train::train_image(
                &options,
                args.resume,
                args.steps,
                args.minutes.map(|m| m * 60.0),
                &command_line,
                &mut |line| eprintln!("{line}"),
            )?;
            match summary.best {
                Some(m) => eprintln!(
                    "done: {} steps in total, best valid {:.3} bpp (estimated) at {:.2} dB, {:.2} steps/s",
                    summary.steps, m.bpp, m.psnr, summary.steps_per_second
                ),
                None => eprintln!(
                    "done: {} steps in total, {:.2} steps/s",
                    summary.steps, summary.steps_per_second
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        TrainCommand::Audio(args) => {
            use ncodec_models::speech_train::SpeechTrainOptions;
            let mut options = starting_options(
                args.resume,
                &args.out,
                "speech",
                SpeechTrainOptions::of_run,
                || SpeechTrainOptions::new(args.data.clone(), args.out.clone()),
            )?;
            options.data = args.data.clone();
            options.out = args.out.clone();
            options.block = args.block.unwrap_or(options.block);
            options.latent = args.latent.unwrap_or(options.latent);
            options.levels = args.levels.unwrap_or(options.levels);
            options.hidden = args.hidden.unwrap_or(options.hidden);
            if let Some(steps) = args.pitch_steps {
                options.pitch_steps = steps;
                options.pitch_delta = steps / 2;
            }
            options.context = args.context.unwrap_or(options.context);
            options.batch = args.batch.unwrap_or(options.batch);
            options.lr = args.lr.unwrap_or(options.lr);
            options.steps = args.steps.unwrap_or(options.steps);
            options.seed = args.seed.unwrap_or(options.seed);
            let command_line = std::env::args().collect::<Vec<_>>().join(" ");
            let summary = ncodec_models::speech_train::train_speech(
                &options,
                args.resume,
                args.minutes.map(|m| m * 60.0),
                &command_line,
                &mut |line| eprintln!("{line}"),
            )?;
            eprintln!(
                "done: {} steps in total, best valid weighted MSE {}, {:.1} steps/s",
                summary.steps,
                summary.best_loss.map_or("-".into(), |l| format!("{l:.4}")),
                summary.steps_per_second
            );
            Ok(ExitCode::SUCCESS)
        }
        TrainCommand::Limg(args) => super::train_limg::run(args),
        TrainCommand::ImageResidual(args) => super::train_image_residual::run(args),
        TrainCommand::ExportAudio(args) => {
            let r = ncodec_models::speech_train::export_speech_run(&args.run, &args.out)?;
            eprintln!(
                "wrote {} ({} bytes): raw {:.3} kbps, coded {:.3} kbps on the valid split (tables from {:.2} h)",
                args.out.display(),
                r.bytes,
                r.raw_kbps,
                r.coded_kbps,
                r.train_hours
            );
            Ok(ExitCode::SUCCESS)
        }
        TrainCommand::ExportImage(args) => {
            let r =
                ncodec_models::image_export::export_image_run(&args.run, args.range, args.crops)?;
            eprintln!(
                "wrote {} ({} bytes, model hash {:016x}); on {} valid crops: burn {:.4} bpp (estimated) {:.2} dB, \
                 codec transforms + integer tables {:.4} bpp {:.2} dB, {:.3}% of latents rounded differently",
                r.path.display(),
                r.bytes,
                r.model_hash,
                r.crops,
                r.burn_bpp,
                r.burn_psnr,
                r.table_bpp,
                r.runtime_psnr,
                100.0 * r.latent_mismatch
            );
            // JPEG on the same crops, at the same rate.
            let options: ncodec_models::image_train::ImageTrainOptions = serde_json::from_str(
                &std::fs::read_to_string(args.run.join("config.json"))
                    .context("reading the run's config.json")?,
            )?;
            let valid = ncodec_datasets::images::ImageSet::load(&options.data.join("valid"), 256)?;
            let crops = valid.center_crop_images(r.crops, 256);
            let qualities: Vec<u8> = (1..=19).map(|q| q * 5).collect();
            let curve = ncodec_evals::images::jpeg_curve(&crops, &qualities)?;
            match ncodec_evals::images::psnr_at_bpp(&curve, r.table_bpp) {
                Some(p) => eprintln!(
                    "JPEG on the same crops at {:.4} bpp: {:.2} dB, so the learned codec is {:+.2} dB (JPEG's rate is whole files, headers included; the learned rate is the tables' information content, no container yet)",
                    r.table_bpp,
                    p,
                    r.runtime_psnr - p
                ),
                None => eprintln!("JPEG's curve does not reach {:.4} bpp", r.table_bpp),
            }
            Ok(ExitCode::SUCCESS)
        }
        TrainCommand::Tokenizer(args) => {
            let started = std::time::Instant::now();
            let sample = tokenizer_sample(&args.data, args.sample_mb << 20)?;
            let tokenizer = ncodec::tokenizer::train(&sample, args.vocab);
            let bytes = tokenizer.to_bytes();
            crate::output::replace_file(&args.out, &bytes)?;
            let mut lines = Vec::new();
            for name in ["prose.txt", "code.txt"] {
                let path = args.data.join("valid").join(name);
                if let Ok(text) = std::fs::read(&path) {
                    let tokens = tokenizer.encode(&text).len();
                    lines.push(format!(
                        "valid/{name}: {:.3} bytes per token",
                        text.len() as f64 / tokens.max(1) as f64
                    ));
                }
            }
            eprintln!(
                "wrote {} ({} tokens, {} bytes, hash {:016x}) from {} bytes of train text in {:.1} s; {}",
                args.out.display(),
                tokenizer.vocab_size(),
                bytes.len(),
                tokenizer.hash(),
                sample.len(),
                started.elapsed().as_secs_f64(),
                lines.join(", ")
            );
            Ok(ExitCode::SUCCESS)
        }
        TrainCommand::Export(args) => {
            let report = ncodec_models::train::export_run(&args.run, args.positions)?;
            eprintln!(
                "wrote {} ({} bytes, model hash {:016x}): float {:.4} bpb, integer {:.4} bpb on {} bytes ({:+.2}%)",
                report.path.display(),
                report.bytes,
                report.model_hash,
                report.float_bpb,
                report.int_bpb,
                report.positions,
                100.0 * (report.int_bpb / report.float_bpb - 1.0)
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Up to `limit` bytes of the train split: prose and code in proportion 85:15, each
/// taken from the start of its file.
#[cfg(feature = "train")]
fn tokenizer_sample(data: &std::path::Path, limit: usize) -> Result<Vec<u8>> {
    let mut sample = Vec::with_capacity(limit);
    for (name, share) in [("prose.txt", 85), ("code.txt", 15)] {
        let path = data.join("train").join(name);
        let text = std::fs::read(&path).with_context(|| {
            format!(
                "reading {} (build the corpus with ../shared/data/text.sh)",
                path.display()
            )
        })?;
        let take = (limit * share / 100).min(text.len());
        sample.extend_from_slice(&text[..take]);
    }
    Ok(sample)
}

/// Without the `train` feature: explain how to get a build that trains.
#[cfg(not(feature = "train"))]
fn run_learned(_command: &TrainCommand) -> Result<ExitCode> {
    anyhow::bail!(
        "this ncodec was built without training support; build one with \
         `cargo build --profile train -p ncodec-cli --features train` \
         (it compiles burn, about 15 minutes the first time)"
    )
}
