//! `ncodec eval bytes`: bits per byte and speed against classical compressors;
//! `ncodec eval image`: rate–distortion of the learned image codec against JPEG, WebP,
//! AVIF and PNG; `ncodec eval audio`: rate–quality of the learned speech codec against
//! Opus, Codec 2 and MP3.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use ncodec_evals::{all_contenders, run_bytes_eval, EvalOptions, Selection};

use crate::args::{EvalAudioArgs, EvalCommand, EvalCommonArgs, EvalImageArgs};

/// Runs an evaluation subcommand.
pub fn run(command: &EvalCommand) -> Result<ExitCode> {
    match command {
        EvalCommand::Bytes(args) => {
            let files = ncodec_datasets::read_files(&args.paths)?;
            evaluate(&files, &args.common)
        }
        EvalCommand::Image(args) => evaluate_images(args),
        EvalCommand::Audio(args) => evaluate_audio(args),
    }
}

/// Runs the speech evaluation, prints the table, writes JSON and the plot if asked.
/// Fails (non-zero exit) if any coding failed.
fn evaluate_audio(args: &EvalAudioArgs) -> Result<ExitCode> {
    use ncodec_evals::audio::{self, AudioEvalOptions, SpeechBaseline};

    if args.lossless {
        return evaluate_lossless_audio(args);
    }

    let mut options = AudioEvalOptions {
        threads: args.threads,
        ncodec: !args.no_ncodec,
        baselines: if args.no_baselines {
            Vec::new()
        } else {
            SpeechBaseline::ALL.to_vec()
        },
        levels: None,
    };
    if let Some(only) = &args.only {
        options.ncodec = false;
        options.baselines.clear();
        for name in only.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if name.eq_ignore_ascii_case("ncodec") {
                options.ncodec = true;
            } else if let Some(b) = SpeechBaseline::from_name(name) {
                options.baselines.push(b);
            } else {
                anyhow::bail!(
                    "unknown contender {name:?} for --only (available: ncodec, opus, codec2, mp3)"
                );
            }
        }
    }
    let files = audio::load_audio(&args.paths, args.max_files)?;
    if std::io::stderr().is_terminal() {
        let seconds: f64 = files
            .iter()
            .map(|(_, s)| s.len() as f64 / f64::from(audio::SPEECH_RATE))
            .sum();
        eprintln!("{} files, {seconds:.1} s", files.len());
    }
    let started = std::time::Instant::now();
    let report = with_progress(|progress| audio::run_audio_eval(&files, &options, progress))?;
    println!("{}", report.to_table());
    eprintln!("measured in {:.1} s", started.elapsed().as_secs_f64());
    write_output(args.json.as_deref(), || Ok(report.to_json_pretty()?))?;
    write_output(args.plot.as_deref(), || {
        Ok(audio::rate_quality_svg(&report)?)
    })?;
    Ok(report_failures(report.errors().map(|point| {
        let error = point.error.as_deref().unwrap_or("failed");
        format!(
            "{} {} on {}: {error}",
            point.contender, point.label, point.file
        )
    })))
}

/// Runs the image evaluation, prints the table, writes JSON and the plot if asked.
/// Fails (non-zero exit) if any coding failed.
fn evaluate_images(args: &EvalImageArgs) -> Result<ExitCode> {
    use ncodec_evals::images::{self, ImageBaseline, ImageEvalOptions};

    if args.lossless {
        return evaluate_lossless_images(args);
    }

    let mut options = ImageEvalOptions {
        efforts: args.efforts.clone(),
        levels: args.levels.clone(),
        qualities: args.qualities.clone(),
        threads: args.threads,
        ncodec: !args.no_ncodec,
        baselines: if args.no_baselines {
            Vec::new()
        } else {
            ImageBaseline::ALL.to_vec()
        },
    };
    if let Some(only) = &args.only {
        options.ncodec = false;
        options.baselines.clear();
        for name in only.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if name.eq_ignore_ascii_case("ncodec") {
                options.ncodec = true;
            } else if let Some(b) = ImageBaseline::from_name(name) {
                options.baselines.push(b);
            } else {
                anyhow::bail!(
                    "unknown contender {name:?} for --only (available: ncodec, jpeg, webp, avif, png)"
                );
            }
        }
    }
    let photos = images::load_images(&args.paths, args.max_images)?;
    if std::io::stderr().is_terminal() {
        eprintln!("{} photos", photos.len());
    }
    let started = std::time::Instant::now();
    let report = with_progress(|progress| images::run_image_eval(&photos, &options, progress))?;
    println!("{}", report.to_table());
    eprintln!("measured in {:.1} s", started.elapsed().as_secs_f64());
    write_output(args.json.as_deref(), || Ok(report.to_json_pretty()?))?;
    write_output(args.plot.as_deref(), || Ok(images::rd_plot_svg(&report)?))?;
    Ok(report_failures(report.errors().map(|point| {
        let error = point.error.as_deref().unwrap_or("failed");
        format!(
            "{} {} on {}: {error}",
            point.contender, point.label, point.image
        )
    })))
}

/// Runs the bytes evaluation on named buffers, prints the table, writes JSON if asked.
/// Fails (non-zero exit) if any contender failed to round-trip any file.
pub fn evaluate(files: &[(String, Vec<u8>)], args: &EvalCommonArgs) -> Result<ExitCode> {
    anyhow::ensure!(!files.is_empty(), "no files to evaluate");
    let mut selection = Selection::all().with_baselines(!args.no_baselines);
    if let Some(only) = &args.only {
        // Keep xz-9e so every figure has its reference measured in the same run.
        let with_reference = if args.no_baselines {
            only.clone()
        } else {
            format!("{only},{}", ncodec_evals::XZ_REFERENCE)
        };
        selection = Selection::from_names(&with_reference).with_baselines(!args.no_baselines);
    }
    let contenders = selection.apply(all_contenders(args.threads))?;
    let options = EvalOptions::default().repeats(args.repeats.max(1));
    let report = with_progress(|progress| run_bytes_eval(files, &contenders, &options, progress))?;
    println!("{}", report.to_table());
    write_output(args.json.as_deref(), || Ok(report.to_json_pretty()?))?;
    Ok(report_failures(report.errors().map(|row| {
        let error = row.error.as_deref().unwrap_or("failed");
        format!("{} on {}: {error}", row.contender, row.file)
    })))
}

/// Runs `measure` with its progress messages shown on one line of a terminal's stderr
/// (and nowhere when stderr is not a terminal), the line cleared at the end.
fn with_progress<T>(measure: impl FnOnce(&(dyn Fn(&str) + Sync)) -> T) -> T {
    let show = std::io::stderr().is_terminal();
    let progress = move |msg: &str| {
        if show {
            eprint!("\r\x1b[2K{msg}");
        }
    };
    let result = measure(&progress);
    if show {
        eprint!("\r\x1b[2K");
    }
    result
}

/// Writes what `contents` makes to `path` when a path was asked for, and says so.
fn write_output(path: Option<&Path>, contents: impl FnOnce() -> Result<String>) -> Result<()> {
    if let Some(path) = path {
        std::fs::write(path, contents()?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Prints each failed coding on stderr; the exit code fails if there was any.
fn report_failures(failures: impl Iterator<Item = String>) -> ExitCode {
    let mut any = false;
    for failure in failures {
        eprintln!("ncodec: {failure}");
        any = true;
    }
    if any {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `ncodec eval audio --lossless`: `pcm` against `flac -8` on the files as they are.
fn evaluate_lossless_audio(args: &EvalAudioArgs) -> Result<ExitCode> {
    use ncodec_evals::audio::lossless::{flac_available, run_lossless_eval, LosslessInput, FLAC};

    if args.only.is_some() || args.no_ncodec || args.plot.is_some() {
        anyhow::bail!("--lossless compares pcm with flac -8; it takes --json, --max-files, --no-baselines and -T");
    }
    let paths = ncodec_evals::audio::audio_files(&args.paths, args.max_files)?;
    let mut inputs = Vec::new();
    for path in &paths {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let name = path.file_name().and_then(|n| n.to_str());
        let (wav, _) = super::wav_file::load_lossless(bytes, name)
            .with_context(|| format!("{}", path.display()))?;
        inputs.push(LosslessInput {
            name: path.display().to_string(),
            wav,
        });
    }
    let with_flac = !args.no_baselines && flac_available();
    if !args.no_baselines && !with_flac {
        eprintln!(
            "ncodec: the flac program is not installed (apt-get install flac): measuring pcm alone"
        );
    }
    let report = run_lossless_eval(&inputs, args.threads, with_flac)?;
    println!(
        "{:<60} {:>8} {:>10} {:>9} {:>9} {:>9}",
        "file", "codec", "bytes", "bits/smp", "enc s", "dec s"
    );
    for row in &report.rows {
        println!(
            "{:<60} {:>8} {:>10} {:>9.4} {:>9.3} {:>9.3}",
            row.file,
            row.contender,
            row.bytes,
            row.bits_per_sample,
            row.encode_secs,
            row.decode_secs
        );
    }
    println!();
    for total in &report.totals {
        let ratio = total
            .vs_flac
            .map_or(String::new(), |r| format!(", {r:.4} x {FLAC}"));
        println!(
            "TOTAL {:<8} {:.4} bits/sample{ratio}; encode {:.0}x, decode {:.0}x realtime",
            total.contender, total.bits_per_sample, total.encode_realtime, total.decode_realtime
        );
    }
    write_output(args.json.as_deref(), || {
        Ok(serde_json::to_string_pretty(&report)?)
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `ncodec eval image --lossless`: `limg` against PNG and WebP lossless.
fn evaluate_lossless_images(args: &EvalImageArgs) -> Result<ExitCode> {
    use ncodec_evals::images::{load_images, lossless::run_lossless_image_eval};

    if args.only.is_some() || args.no_ncodec || args.no_baselines || args.plot.is_some() {
        anyhow::bail!(
            "--lossless compares limg with PNG and WebP lossless; it takes --json and --max-images"
        );
    }
    let images = load_images(&args.paths, args.max_images)?;
    let report = run_lossless_image_eval(&images, &|line| eprintln!("{line}"))?;
    println!(
        "{:<60} {:>14} {:>10} {:>10} {:>9} {:>9}",
        "photo", "codec", "bytes", "bits/subpx", "enc ms", "dec ms"
    );
    for row in &report.rows {
        println!(
            "{:<60} {:>14} {:>10} {:>10.4} {:>9.1} {:>9.1}",
            row.image,
            row.contender,
            row.bytes,
            row.bits_per_subpixel,
            row.encode_ms,
            row.decode_ms
        );
    }
    println!();
    print!("{}", report.to_table());
    write_output(args.json.as_deref(), || Ok(report.to_json_pretty()?))?;
    Ok(ExitCode::SUCCESS)
}
