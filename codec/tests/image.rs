//! The lossy `image` codec through the public API: a pinned file still decodes to the
//! same picture, and whole frames round-trip with the properties users rely on.
//!
//! `golden/photo-image.ncz` is the embedded chelsea photo at quality 1 and
//! `golden/photo-image-q3.ncz` at quality 3 (with a residual layer); their decoded PSNRs
//! against the original are pinned in `golden/photo-image*.psnr`. Pixels may differ in the
//! last bit between CPUs (the synthesis is float), the parse never does, so the PSNR must
//! match to 0.02 dB. After shipping new image weights: `NCODEC_BLESS=1 cargo test -p
//! ncodec --test image`.

use std::path::PathBuf;

use ncodec::codecs::image::RawImage;
use ncodec::{
    compress, decompress, decompress_with, CompressOptions, DecompressOptions, EncodeParams,
};

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn chelsea() -> RawImage {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../datasets/samples/chelsea.png"
    );
    let img = image::open(path).expect("embedded photo").to_rgb8();
    let (w, h) = img.dimensions();
    RawImage::new(w, h, 3, img.into_raw()).expect("rgb image")
}

fn psnr(a: &RawImage, b: &RawImage) -> f64 {
    assert_eq!(
        (a.width, a.height, a.channels),
        (b.width, b.height, b.channels)
    );
    let se: f64 = a
        .pixels
        .iter()
        .zip(&b.pixels)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum();
    10.0 * (255.0f64.powi(2) / (se / a.pixels.len() as f64)).log10()
}

fn options(quality: u8) -> CompressOptions {
    CompressOptions::default()
        .codec("image")
        .params(EncodeParams::default().quality(quality))
}

#[test]
fn pinned_files_decode_to_the_same_picture() {
    let original = chelsea();
    // Level 1 is the model alone; level 3 adds a residual layer.
    for (quality, name) in [(1, "photo-image"), (3, "photo-image-q3")] {
        let ncz = golden_dir().join(format!("{name}.ncz"));
        let pinned = golden_dir().join(format!("{name}.psnr"));
        if std::env::var_os("NCODEC_BLESS").is_some() {
            let packed = compress(&original.to_ppm(), &options(quality)).unwrap();
            let decoded = RawImage::from_ppm(&decompress(&packed).unwrap()).unwrap();
            std::fs::write(&ncz, &packed).unwrap();
            std::fs::write(&pinned, format!("{:.4}\n", psnr(&original, &decoded))).unwrap();
        }
        let packed = std::fs::read(&ncz).expect("golden file (NCODEC_BLESS=1 writes it)");
        let expected: f64 = std::fs::read_to_string(&pinned)
            .expect("pinned PSNR")
            .trim()
            .parse()
            .expect("a number");
        let decoded = RawImage::from_ppm(&decompress(&packed).unwrap()).unwrap();
        let got = psnr(&original, &decoded);
        assert!(
            (got - expected).abs() < 0.02,
            "{name}: decoded PSNR {got:.4} dB, pinned {expected:.4} dB"
        );
    }
}

#[test]
fn every_level_round_trips_and_higher_levels_are_better() {
    let original = chelsea();
    let ppm = original.to_ppm();
    let mut last: Option<(usize, f64)> = None;
    for level in 1..=ncodec::codecs::image::level_count() {
        let packed = compress(&ppm, &options(level).threads(2)).unwrap();
        let one = decompress_with(&packed, &DecompressOptions::default().threads(1)).unwrap();
        let two = decompress_with(&packed, &DecompressOptions::default().threads(2)).unwrap();
        assert_eq!(one, two, "level {level}: thread count changed the pixels");
        let quality = psnr(&original, &RawImage::from_ppm(&one).unwrap());
        if let Some((size, previous)) = last {
            assert!(packed.len() > size, "level {level} is not bigger");
            assert!(quality > previous, "level {level} is not better");
        }
        last = Some((packed.len(), quality));
    }
}

#[test]
fn truncated_and_damaged_image_files_are_clean_errors() {
    for name in ["photo-image.ncz", "photo-image-q3.ncz"] {
        let packed = std::fs::read(golden_dir().join(name)).unwrap();
        for cut in [0, 10, 30, packed.len() / 2, packed.len() - 1] {
            assert!(decompress(&packed[..cut]).is_err(), "{name}: cut at {cut}");
        }
        for at in [5, 40, packed.len() / 2, packed.len() - 3] {
            let mut bad = packed.clone();
            bad[at] ^= 0x41;
            assert!(decompress(&bad).is_err(), "{name}: flip at {at}");
        }
    }
}
