//! `ncodec demo`: the bytes evaluation on the sample set built into the binary.

use std::process::ExitCode;

use anyhow::Result;

use crate::args::DemoArgs;

/// Runs the demo.
pub fn run(args: &DemoArgs) -> Result<ExitCode> {
    let samples = ncodec_datasets::samples();
    eprintln!(
        "ncodec demo: {} built-in sample files ({} bytes); every output is decoded and checked.",
        samples.len(),
        samples.iter().map(|s| s.bytes.len()).sum::<usize>()
    );
    for sample in samples {
        eprintln!(
            "  {:<24} {:>8} bytes  {}",
            sample.name,
            sample.bytes.len(),
            sample.license
        );
    }
    let bytes = super::eval::evaluate(&ncodec_datasets::sample_files(), &args.common)?;
    let images = demo_images()?;
    let speech = demo_speech()?;
    Ok([bytes, images, speech]
        .into_iter()
        .find(|code| *code != ExitCode::SUCCESS)
        .unwrap_or(ExitCode::SUCCESS))
}

/// The speech part: the learned `speech` codec at every level against Codec2, Opus and
/// MP3 on the built-in speech.
fn demo_speech() -> Result<ExitCode> {
    use ncodec_evals::audio::{run_audio_eval, AudioEvalOptions};

    let clips = ncodec_datasets::speech_samples();
    eprintln!(
        "\nncodec demo, speech: {} built-in utterances, learned `speech` codec against Codec2, Opus and MP3.",
        clips.len()
    );
    let mut decoded = Vec::new();
    for clip in clips {
        let audio = ncodec_datasets::audio::decode_audio_bytes(clip.bytes, Some("wav"))?;
        let samples = ncodec_datasets::audio::to_mono(&audio);
        eprintln!(
            "  {:<24} {:.1} s  {}",
            clip.name,
            samples.len() as f64 / f64::from(audio.sample_rate),
            clip.license
        );
        decoded.push((clip.name.to_string(), samples));
    }
    let options = AudioEvalOptions {
        threads: 0,
        ..AudioEvalOptions::default()
    };
    let report = run_audio_eval(&decoded, &options, &|_| {})?;
    println!("{}", report.to_table());
    Ok(if report.errors().next().is_none() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The lossy image part: the learned `image` codec at every level against JPEG, WebP and
/// AVIF on the built-in photos.
fn demo_images() -> Result<ExitCode> {
    use ncodec_evals::images::{run_image_eval, ImageBaseline, ImageEvalOptions};

    let photos = ncodec_datasets::image_samples();
    eprintln!(
        "\nncodec demo, images: {} built-in photos, lossy `image` codec (effort 1) against JPEG, WebP and AVIF.",
        photos.len()
    );
    let mut decoded = Vec::new();
    for photo in photos {
        let img = image::load_from_memory(photo.bytes)?.to_rgb8();
        eprintln!(
            "  {:<24} {}x{}  {}",
            photo.name,
            img.width(),
            img.height(),
            photo.license
        );
        decoded.push((photo.name.to_string(), img));
    }
    let options = ImageEvalOptions {
        baselines: vec![
            ImageBaseline::Jpeg,
            ImageBaseline::Webp,
            ImageBaseline::Avif,
        ],
        threads: 0,
        ..ImageEvalOptions::default()
    };
    let report = run_image_eval(&decoded, &options, &|_| {})?;
    println!("{}", report.to_table());
    Ok(if report.errors().next().is_none() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
