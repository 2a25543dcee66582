//! Speed of the learned `image` codec on a 768×512 photo (the embedded `coffee.png`,
//! resized), as a user runs it: encode and decode with 2 threads and with 1 at the default
//! level 4 (levels 2 to 6 share one architecture; level 1 codes a quarter of the pixels,
//! so it is faster). JPEG runs beside it as the baseline measured in the same run: the
//! encoder `ncodec eval image` compares against (mozjpeg with `cjpeg`'s defaults, quality
//! 75) and the `image` crate's decoder.

use std::hint::black_box;
use std::io::Cursor;

use criterion::{criterion_group, criterion_main, Criterion};
use image::imageops::FilterType;
use ncodec::codecs::image::RawImage;
use ncodec::{compress, decompress_with, CompressOptions, DecompressOptions, EncodeParams};

fn photo() -> RawImage {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../datasets/samples/coffee.png"
    );
    let img = image::open(path).expect("embedded sample").to_rgb8();
    let img = image::imageops::resize(&img, 768, 512, FilterType::Lanczos3);
    RawImage::new(768, 512, 3, img.into_raw()).expect("a 768x512 RGB image")
}

fn bench(c: &mut Criterion) {
    let photo = photo();
    let ppm = photo.to_ppm();
    let mut group = c.benchmark_group("image-codec-768x512");
    group.sample_size(10);
    group.warm_up_time(std::time::Duration::from_secs(1));
    group.measurement_time(std::time::Duration::from_secs(10));
    for threads in [2, 1] {
        let options = CompressOptions::default()
            .codec("image")
            .threads(threads)
            .params(EncodeParams::default().quality(4));
        let packed = compress(&ppm, &options).expect("compress");
        if threads == 2 {
            eprintln!(
                "image level 4: {} bytes ({:.3} bpp)",
                packed.len(),
                packed.len() as f64 * 8.0 / (768.0 * 512.0)
            );
        }
        group.bench_function(format!("image/encode-T{threads}"), |b| {
            b.iter(|| compress(black_box(&ppm), &options).expect("compress"))
        });
        let decode = DecompressOptions::default().threads(threads);
        group.bench_function(format!("image/decode-T{threads}"), |b| {
            b.iter(|| decompress_with(black_box(&packed), &decode).expect("decompress"))
        });
    }
    let rgb = image::RgbImage::from_raw(768, 512, photo.pixels.clone()).expect("rgb");
    let jpeg = mozjpeg_q75(&rgb);
    group.bench_function("jpeg-q75/encode", |b| {
        b.iter(|| mozjpeg_q75(black_box(&rgb)))
    });
    group.bench_function("jpeg-q75/decode", |b| {
        b.iter(|| {
            image::load(Cursor::new(black_box(&jpeg)), image::ImageFormat::Jpeg).expect("jpeg")
        })
    });
    group.finish();
}

/// `cjpeg -quality 75` (4:2:0, progressive, trellis quantisation, optimised Huffman).
fn mozjpeg_q75(rgb: &image::RgbImage) -> Vec<u8> {
    let mut jpeg = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
    jpeg.set_size(rgb.width() as usize, rgb.height() as usize);
    jpeg.set_quality(75.0);
    let mut started = jpeg.start_compress(Vec::new()).expect("mozjpeg");
    started.write_scanlines(rgb.as_raw()).expect("mozjpeg");
    started.finish().expect("mozjpeg")
}

criterion_group!(benches, bench);
criterion_main!(benches);
