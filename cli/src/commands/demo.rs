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
    Ok(if bytes == ExitCode::SUCCESS {
        images
    } else {
        bytes
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
