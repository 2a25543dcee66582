//! Speed of the lossless `limg` codec on a 768×512 photo (the embedded `coffee.png`,
//! resized), encoding and decoding with 1 thread (a photo of this size is one chunk, so
//! more threads do not help it). PNG (the `image` crate's encoder at its best compression
//! and its decoder) runs beside it as the baseline measured in the same run; sizes are
//! printed for both.

use std::hint::black_box;
use std::io::Cursor;

use criterion::{criterion_group, criterion_main, Criterion};
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use ncodec::codecs::image::RawImage;
use ncodec::{compress, decompress_with, CompressOptions, DecompressOptions};

fn photo() -> image::RgbImage {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../datasets/samples/coffee.png"
    );
    let img = image::open(path).expect("embedded sample").to_rgb8();
    image::imageops::resize(&img, 768, 512, FilterType::Lanczos3)
}

fn png(photo: &image::RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    photo
        .write_with_encoder(PngEncoder::new_with_quality(
            Cursor::new(&mut out),
            CompressionType::Best,
            PngFilter::Adaptive,
        ))
        .expect("png");
    out
}

fn bench(c: &mut Criterion) {
    let photo = photo();
    let ppm = RawImage::new(768, 512, 3, photo.as_raw().clone())
        .expect("a 768x512 RGB image")
        .to_ppm();
    let options = CompressOptions::default().codec("limg").threads(1);
    let packed = compress(&ppm, &options).expect("compress");
    let png_file = png(&photo);
    let subpixels = 768.0 * 512.0 * 3.0;
    eprintln!(
        "limg: {} bytes ({:.3} bits/subpixel); png: {} bytes ({:.3})",
        packed.len(),
        packed.len() as f64 * 8.0 / subpixels,
        png_file.len(),
        png_file.len() as f64 * 8.0 / subpixels
    );
    let mut group = c.benchmark_group("limg-768x512");
    group.sample_size(10);
    group.warm_up_time(std::time::Duration::from_secs(1));
    group.measurement_time(std::time::Duration::from_secs(5));
    group.bench_function("limg/encode-T1", |b| {
        b.iter(|| compress(black_box(&ppm), &options).expect("compress"))
    });
    let decode = DecompressOptions::default().threads(1);
    group.bench_function("limg/decode-T1", |b| {
        b.iter(|| decompress_with(black_box(&packed), &decode).expect("decompress"))
    });
    group.bench_function("png-best/encode", |b| b.iter(|| png(black_box(&photo))));
    group.bench_function("png-best/decode", |b| {
        b.iter(|| {
            image::load_from_memory(black_box(&png_file))
                .expect("png")
                .to_rgb8()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
