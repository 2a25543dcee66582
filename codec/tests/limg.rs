//! The lossless `limg` image codec: real photos (the sample set), gray and colour
//! images of odd sizes, noise and flat colour, PNM headers with comments, chunk edges
//! inside rows, thread counts, contents that are not PNM, and damaged payloads.

mod common;

use common::{check_damaged_payloads, compress_with, decompress_one_thread as decompress, Rng};
use ncodec::codecs::image::RawImage;
use ncodec::EncodeParams;

fn compress(data: &[u8], chunk: usize, threads: usize) -> Vec<u8> {
    compress_with("limg", EncodeParams::default(), data, chunk, threads)
}

/// The sample photo `name` as canonical PPM.
fn photo(name: &str) -> Vec<u8> {
    let path = format!("{}/../datasets/samples/{name}", env!("CARGO_MANIFEST_DIR"));
    let rgb = image::open(path).expect("sample photo").to_rgb8();
    let (width, height) = rgb.dimensions();
    RawImage::new(width, height, 3, rgb.into_raw())
        .expect("raw image")
        .to_ppm()
}

#[test]
fn sample_photos_round_trip_smaller_than_raw_and_the_same_on_any_thread_count() {
    for name in ["chelsea.png", "coffee.png"] {
        let ppm = photo(name);
        let packed = compress(&ppm, 1 << 22, 2);
        assert_eq!(decompress(&packed), ppm, "{name}");
        // Photos take well under 5 of their 8 bits per sample.
        assert!(
            packed.len() * 8 < ppm.len() * 5,
            "{name}: {} bytes",
            packed.len()
        );
        // Small chunks cut rows; every thread count gives the same bytes.
        let one = compress(&ppm, 1 << 16, 1);
        let two = compress(&ppm, 1 << 16, 2);
        assert_eq!(one, two, "{name}");
        assert_eq!(decompress(&one), ppm, "{name}");
    }
}

#[test]
fn odd_sizes_gray_and_colour_noise_and_flat_round_trip() {
    let mut rng = Rng(7);
    for &(w, h, channels) in &[
        (1u32, 1u32, 1u8),
        (1, 1, 3),
        (1, 9, 3),
        (9, 1, 1),
        (13, 7, 3),
        (31, 17, 1),
        (64, 3, 3),
        (101, 53, 3),
        (77, 90, 1),
    ] {
        let n = (w * h) as usize * usize::from(channels);
        let noise: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        let flat = vec![200u8; n];
        let ramp: Vec<u8> = (0..n).map(|i| (i * 7 % 256) as u8).collect();
        for pixels in [noise, flat, ramp] {
            let ppm = RawImage::new(w, h, channels, pixels).unwrap().to_ppm();
            for chunk in [1 << 12, 1 << 22] {
                let packed = compress(&ppm, chunk, 2);
                assert_eq!(decompress(&packed), ppm, "{w}x{h}x{channels}");
            }
        }
    }
}

#[test]
fn pnm_spellings_and_other_contents_round_trip() {
    let mut file = b"P6 # made by hand\n4 3\n# max\n255\n".to_vec();
    file.extend((0..36).map(|i| (i * 5) as u8));
    assert_eq!(decompress(&compress(&file, 1 << 22, 1)), file);
    // Not PNM, or PNM with trailing bytes, or cut short: still exact (coded as bytes).
    let mut trailing = file.clone();
    trailing.extend_from_slice(b"trailer");
    for content in [
        b"hello, not an image".to_vec(),
        trailing,
        file[..40].to_vec(),
        Vec::new(),
    ] {
        assert_eq!(decompress(&compress(&content, 1 << 22, 1)), content);
    }
    // Sixteen-bit PNM is not modelled, but round-trips as bytes.
    let mut deep = b"P5\n2 2\n65535\n".to_vec();
    deep.extend([1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(decompress(&compress(&deep, 1 << 22, 1)), deep);
}

#[test]
fn damaged_payloads_give_errors_not_panics() {
    let ppm = photo("chelsea.png");
    check_damaged_payloads(
        &ncodec::codecs::Limg,
        &ppm,
        |len| vec![0, 1, 3, len / 2],
        100,
        64,
        29,
    );
    let mut packed = compress(&ppm, 1 << 22, 2);
    let middle = packed.len() / 2;
    packed[middle] ^= 1;
    assert!(ncodec::decompress(&packed).is_err());
}

/// Bits-back coding pays the mixture's ideal code length, not the blend's: the strip's
/// stack is within a few bytes of `−log2 Σ_k prior(k) p(x | k)` and below what the blend
/// alone would cost, on both sample photos and on small crops (the initial bits).
#[test]
fn bits_back_gets_its_bits_back() {
    use ncodec::codecs::limg::{bits_back, pixels::Shape, Prior};
    let prior = Prior::shipped();
    for name in ["chelsea.png", "coffee.png"] {
        let path = format!("{}/../datasets/samples/{name}", env!("CARGO_MANIFEST_DIR"));
        let rgb = image::open(path).expect("sample photo").to_rgb8();
        for size in [16u32, 64, rgb.width().min(rgb.height())] {
            let crop = image::imageops::crop_imm(&rgb, 0, 0, size, size).to_image();
            let shape = Shape {
                width: size as usize,
                height: size as usize,
                channels: 3,
            };
            let body = bits_back::encode(crop.as_raw(), shape, prior).unwrap();
            assert_eq!(
                bits_back::decode(&body, shape, prior).unwrap(),
                crop.as_raw().as_slice()
            );
            let ideal = bits_back::code_lengths(crop.as_raw(), shape, prior).unwrap();
            let real = body.len() as f64 * 8.0;
            assert!(ideal.mixture < ideal.blend, "{name} {size}: {ideal:?}");
            // Within the 4-byte word of the stack, the initial bits and 0.2 %.
            assert!(
                real <= ideal.mixture * 1.002 + 96.0,
                "{name} {size}: {real} bits for an ideal {ideal:?}"
            );
            if size >= 64 {
                assert!(
                    real < ideal.blend,
                    "{name} {size}: {real} bits for an ideal {ideal:?}"
                );
            }
        }
    }
}
