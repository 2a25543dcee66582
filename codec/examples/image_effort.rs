//! Rate and PSNR of the `image` codec per effort on photos: real `.ncz` sizes.
//!
//! `cargo run --release -p ncodec --example image_effort -- [--quality N] [--efforts E]
//! [--size WxH] PHOTO...` (efforts 1 to E, default 3; `--size` resizes each photo first,
//! e.g. 768x512 for the speed targets). Ends with the total bytes per effort.

use std::time::Instant;

use ncodec::codecs::image::RawImage;
use ncodec::{compress, decompress, CompressOptions, EncodeParams};

fn psnr(a: &RawImage, b: &RawImage) -> f64 {
    let se: f64 = a
        .pixels
        .iter()
        .zip(&b.pixels)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum();
    10.0 * (255.0f64.powi(2) / (se / a.pixels.len() as f64)).log10()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let (mut quality, mut efforts) = (1u8, 3u8);
    let mut size: Option<(u32, u32)> = None;
    while args.len() > 1 && args[0].starts_with("--") {
        match args[0].as_str() {
            "--quality" => quality = args[1].parse()?,
            "--efforts" => efforts = args[1].parse()?,
            "--size" => {
                let (w, h) = args[1].split_once('x').ok_or("--size takes WxH")?;
                size = Some((w.parse()?, h.parse()?));
            }
            other => return Err(format!("unknown option {other}").into()),
        }
        args.drain(..2);
    }
    let mut totals = vec![0usize; usize::from(efforts)];
    for path in &args {
        let mut img = image::open(path)?.to_rgb8();
        if let Some((w, h)) = size {
            img = image::imageops::resize(&img, w, h, image::imageops::FilterType::Lanczos3);
        }
        let (w, h) = img.dimensions();
        let raw = RawImage::new(w, h, 3, img.into_raw())?;
        let ppm = raw.to_ppm();
        for effort in 1..=efforts {
            let options = CompressOptions::default()
                .codec("image")
                .params(EncodeParams::default().quality(quality).effort(effort));
            let started = Instant::now();
            let packed = compress(&ppm, &options)?;
            let secs = started.elapsed().as_secs_f64();
            let back = RawImage::from_ppm(&decompress(&packed)?)?;
            totals[usize::from(effort) - 1] += packed.len();
            println!(
                "{path} effort {effort}: {:.4} bpp {:.3} dB  encode {secs:.2} s",
                packed.len() as f64 * 8.0 / f64::from(w * h),
                psnr(&raw, &back)
            );
        }
    }
    println!("total bytes per effort: {totals:?}");
    Ok(())
}
