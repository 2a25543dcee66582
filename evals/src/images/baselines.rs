//! Classical image codecs as rate–distortion baselines: each encodes an 8-bit RGB image
//! to the bytes of a complete file and decodes such a file back.
//!
//! | name | library | settings |
//! |---|---|---|
//! | `jpeg` | mozjpeg (libjpeg with Mozilla's encoder, vendored C via the `mozjpeg` crate) with `cjpeg`'s defaults: 4:2:0, progressive, trellis quantisation, optimised Huffman codes; decoded by the `image` crate | quality 1–100 |
//! | `webp` | libwebp (vendored C, via the `webp` crate), lossy, 4:2:0, method 4 | quality 0–100 |
//! | `avif` | rav1e via `ravif` (pure Rust, speed [`AVIF_SPEED`], 8-bit 4:4:4 full-range BT.601); decoded by rav1d (Rust port of dav1d) after `avif-parse` unpacks the container | quality 1–100 |
//! | `png` | the `image` crate, lossless | none: a rate reference |

use std::io::Cursor;

use image::{ImageFormat, RgbImage};
use re_rav1d::dav1d;
use serde::{Deserialize, Serialize};

use crate::EvalError;

/// rav1e's speed preset for the AVIF baseline (0 slowest and best … 10 fastest;
/// `ravif`'s default is 5, `avifenc`'s 6).
pub const AVIF_SPEED: u8 = 6;

/// A classical image codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageBaseline {
    /// JPEG (mozjpeg's encoder with its defaults, the `image` crate's decoder).
    Jpeg,
    /// Lossy WebP (libwebp).
    Webp,
    /// AVIF (rav1e encoder, rav1d decoder).
    Avif,
    /// Lossless PNG: a rate reference without a quality axis.
    Png,
}

impl ImageBaseline {
    /// Every baseline, in table order.
    pub const ALL: [ImageBaseline; 4] = [Self::Jpeg, Self::Webp, Self::Avif, Self::Png];

    /// The name used in tables, JSON and `--only`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Webp => "webp",
            Self::Avif => "avif",
            Self::Png => "png",
        }
    }

    /// The baseline called `name` (case-insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|b| b.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Whether decoding gives the input back exactly (no quality sweep).
    pub fn is_lossless(self) -> bool {
        self == Self::Png
    }

    /// The default quality sweep, lowest first (PNG: one lossless setting, `100`).
    pub fn default_qualities(self) -> &'static [u8] {
        match self {
            Self::Jpeg | Self::Webp => &[5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95],
            Self::Avif => &[10, 20, 30, 40, 50, 60, 70, 80, 90],
            Self::Png => &[100],
        }
    }

    /// Encodes `img` at `quality` (clamped to the codec's range; ignored by PNG) into
    /// the bytes of a complete file.
    pub fn encode(self, img: &RgbImage, quality: u8) -> Result<Vec<u8>, EvalError> {
        let fail = |reason: String| EvalError::ImageCodec {
            codec: self.name(),
            reason,
        };
        match self {
            Self::Jpeg => mozjpeg_encode(img, quality).map_err(fail),
            Self::Webp => {
                let encoder = webp::Encoder::from_rgb(img.as_raw(), img.width(), img.height());
                let memory = encoder
                    .encode_simple(false, f32::from(quality.min(100)))
                    .map_err(|e| fail(format!("libwebp: {e:?}")))?;
                Ok(memory.to_vec())
            }
            Self::Avif => avif_encode(img, quality).map_err(fail),
            Self::Png => {
                let mut file = Vec::new();
                img.write_to(&mut Cursor::new(&mut file), ImageFormat::Png)
                    .map_err(|e| fail(e.to_string()))?;
                Ok(file)
            }
        }
    }

    /// Decodes a file written by [`encode`](Self::encode) into 8-bit RGB.
    pub fn decode(self, file: &[u8]) -> Result<RgbImage, EvalError> {
        let fail = |reason: String| EvalError::ImageCodec {
            codec: self.name(),
            reason,
        };
        match self {
            Self::Jpeg | Self::Png => {
                let format = if self == Self::Jpeg {
                    ImageFormat::Jpeg
                } else {
                    ImageFormat::Png
                };
                Ok(image::load(Cursor::new(file), format)
                    .map_err(|e| fail(e.to_string()))?
                    .to_rgb8())
            }
            Self::Webp => {
                let decoded = webp::Decoder::new(file)
                    .decode()
                    .ok_or_else(|| fail("libwebp cannot decode the file".into()))?;
                let (w, h) = (decoded.width(), decoded.height());
                let step = if decoded.is_alpha() { 4 } else { 3 };
                let rgb: Vec<u8> = decoded
                    .chunks_exact(step)
                    .flat_map(|px| [px[0], px[1], px[2]])
                    .collect();
                RgbImage::from_raw(w, h, rgb)
                    .ok_or_else(|| fail("decoded size does not match its pixels".into()))
            }
            Self::Avif => avif_decode(file).map_err(fail),
        }
    }

    /// [`encode`](Self::encode) then [`decode`](Self::decode): `(file, decoded)`.
    pub fn round_trip(self, img: &RgbImage, quality: u8) -> Result<(Vec<u8>, RgbImage), EvalError> {
        let file = self.encode(img, quality)?;
        let decoded = self.decode(&file)?;
        Ok((file, decoded))
    }
}

/// Encodes `img` as JPEG at `quality` (1..=100) and decodes it back: `(file, decoded)`
/// (the [`ImageBaseline::Jpeg`] baseline).
pub fn jpeg_round_trip(img: &RgbImage, quality: u8) -> Result<(Vec<u8>, RgbImage), EvalError> {
    ImageBaseline::Jpeg.round_trip(img, quality)
}

/// Encodes `img` with mozjpeg at `quality` (clamped to 1..=100) and `cjpeg`'s defaults.
/// libjpeg reports errors by unwinding through its C code: such a panic is an error.
fn mozjpeg_encode(img: &RgbImage, quality: u8) -> Result<Vec<u8>, String> {
    let (width, height) = (img.width() as usize, img.height() as usize);
    let encode = || -> std::io::Result<Vec<u8>> {
        let mut jpeg = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
        jpeg.set_size(width, height);
        jpeg.set_quality(f32::from(quality.clamp(1, 100)));
        let mut started = jpeg.start_compress(Vec::new())?;
        started.write_scanlines(img.as_raw())?;
        started.finish()
    };
    match std::panic::catch_unwind(encode) {
        Ok(Ok(file)) => Ok(file),
        Ok(Err(e)) => Err(format!("mozjpeg: {e}")),
        Err(_) => Err("mozjpeg failed".into()),
    }
}

fn avif_encode(img: &RgbImage, quality: u8) -> Result<Vec<u8>, String> {
    let pixels: Vec<ravif::RGB8> = img
        .as_raw()
        .chunks_exact(3)
        .map(|p| ravif::RGB8::new(p[0], p[1], p[2]))
        .collect();
    let encoded = ravif::Encoder::new()
        .with_quality(f32::from(quality.clamp(1, 100)))
        .with_speed(AVIF_SPEED)
        .with_bit_depth(ravif::BitDepth::Eight)
        .with_num_threads(Some(1))
        .encode_rgb(ravif::Img::new(
            &pixels[..],
            img.width() as usize,
            img.height() as usize,
        ))
        .map_err(|e| format!("ravif: {e}"))?;
    Ok(encoded.avif_file)
}

/// Decodes an AVIF file. The container parser and the decoder are third-party code
/// that may panic on malformed input (`avif-parse` has debug assertions on truncated
/// boxes): a panic is reported as an error.
fn avif_decode(file: &[u8]) -> Result<RgbImage, String> {
    std::panic::catch_unwind(|| avif_decode_unguarded(file))
        .unwrap_or_else(|_| Err("the AVIF decoder failed on malformed input".into()))
}

fn avif_decode_unguarded(file: &[u8]) -> Result<RgbImage, String> {
    let parsed =
        avif_parse::read_avif(&mut Cursor::new(file)).map_err(|e| format!("container: {e:?}"))?;
    let av1: Vec<u8> = parsed.primary_item.to_vec();
    let mut settings = dav1d::Settings::new();
    settings.set_n_threads(1);
    settings.set_max_frame_delay(1);
    let mut decoder =
        dav1d::Decoder::with_settings(&settings).map_err(|e| format!("rav1d: {e}"))?;
    match decoder.send_data(av1, None, None, None) {
        Ok(()) | Err(dav1d::Error::Again) => {}
        Err(e) => return Err(format!("rav1d: {e}")),
    }
    let mut picture = None;
    for _ in 0..8 {
        match decoder.get_picture() {
            Ok(p) => {
                picture = Some(p);
                break;
            }
            Err(dav1d::Error::Again) => match decoder.send_pending_data() {
                Ok(()) | Err(dav1d::Error::Again) => {}
                Err(e) => return Err(format!("rav1d: {e}")),
            },
            Err(e) => return Err(format!("rav1d: {e}")),
        }
    }
    let picture = picture.ok_or("rav1d gave no picture")?;
    picture_to_rgb(&picture)
}

/// Converts an 8-bit decoded AV1 picture (any chroma layout; identity, BT.601, BT.709 or
/// BT.2020 matrix; full or limited range) to RGB.
fn picture_to_rgb(picture: &dav1d::Picture) -> Result<RgbImage, String> {
    use dav1d::pixel::{MatrixCoefficients as M, YUVRange};
    use dav1d::{PixelLayout, PlanarImageComponent as C};
    if picture.bit_depth() != 8 {
        return Err(format!("{}-bit AV1 is not supported", picture.bit_depth()));
    }
    let (w, h) = (picture.width() as usize, picture.height() as usize);
    let layout = picture.pixel_layout();
    let (sx, sy) = match layout {
        PixelLayout::I420 => (1, 1),
        PixelLayout::I422 => (1, 0),
        PixelLayout::I444 | PixelLayout::I400 => (0, 0),
    };
    let luma = picture.plane(C::Y);
    let y_stride = picture.stride(C::Y) as usize;
    let chroma = (layout != PixelLayout::I400).then(|| {
        (
            picture.plane(C::U),
            picture.plane(C::V),
            picture.stride(C::U) as usize,
        )
    });
    // (kr, kb) of the matrix; `None` for identity (GBR).
    let matrix = match picture.matrix_coefficients() {
        M::Identity => None,
        M::BT709 => Some((0.2126, 0.0722)),
        M::BT2020NonConstantLuminance => Some((0.2627, 0.0593)),
        // Unspecified: what ravif writes and libavif assumes.
        M::BT470BG | M::ST170M | M::Unspecified => Some((0.299, 0.114)),
        other => return Err(format!("AV1 matrix {other} is not supported")),
    };
    let full = picture.color_range() == YUVRange::Full;
    let sample = |plane: &[u8], stride: usize, x: usize, y: usize| -> Result<f64, String> {
        plane
            .get(y * stride + x)
            .map(|&v| f64::from(v))
            .ok_or_else(|| "AV1 plane is smaller than the picture".to_string())
    };
    let mut rgb = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            let mut l = sample(&luma, y_stride, x, y)?;
            let (mut cb, mut cr) = match &chroma {
                Some((u, v, stride)) => (
                    sample(u, *stride, x >> sx, y >> sy)? - 128.0,
                    sample(v, *stride, x >> sx, y >> sy)? - 128.0,
                ),
                None => (0.0, 0.0),
            };
            if !full {
                l = (l - 16.0) * 255.0 / 219.0;
                cb *= 255.0 / 224.0;
                cr *= 255.0 / 224.0;
            }
            let px = match matrix {
                None => [cr + 128.0, l, cb + 128.0],
                Some((kr, kb)) => {
                    let r = l + 2.0 * (1.0 - kr) * cr;
                    let b = l + 2.0 * (1.0 - kb) * cb;
                    let g = (l - kr * r - kb * b) / (1.0 - kr - kb);
                    [r, g, b]
                }
            };
            rgb.extend(px.map(|v| v.round().clamp(0.0, 255.0) as u8));
        }
    }
    RgbImage::from_raw(w as u32, h as u32, rgb).ok_or_else(|| "bad picture size".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::metrics::psnr;

    /// A 64×48 gradient with deterministic noise.
    fn gradient_and_noise() -> RgbImage {
        let mut state = 0x9e37_79b9u32;
        RgbImage::from_fn(64, 48, |x, y| {
            let mut noise = || {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 28) as u8
            };
            image::Rgb([
                (x * 3 + y) as u8 + noise(),
                (y * 4) as u8 + noise(),
                (200 - x * 2) as u8 + noise(),
            ])
        })
    }

    #[test]
    fn every_baseline_round_trips_a_small_image() {
        let img = gradient_and_noise();
        for baseline in ImageBaseline::ALL {
            let (low_q, high_q) = (20, 90);
            let (small, low) = baseline.round_trip(&img, low_q).expect("low quality");
            let (large, high) = baseline.round_trip(&img, high_q).expect("high quality");
            let name = baseline.name();
            assert_eq!(low.dimensions(), (64, 48), "{name}");
            assert_eq!(high.dimensions(), (64, 48), "{name}");
            if baseline.is_lossless() {
                assert_eq!(low, img, "{name}");
                assert_eq!(small, large, "{name}");
            } else {
                assert!(
                    small.len() < large.len(),
                    "{name}: {} vs {}",
                    small.len(),
                    large.len()
                );
                let (pl, ph) = (psnr(&img, &low), psnr(&img, &high));
                assert!(pl > 22.0 && ph > pl && ph > 32.0, "{name}: {pl} {ph}");
            }
            assert_eq!(ImageBaseline::from_name(name), Some(baseline));
        }
        assert_eq!(ImageBaseline::from_name("gif"), None);
    }

    #[test]
    fn damaged_files_are_errors_not_panics() {
        let img = gradient_and_noise();
        for baseline in ImageBaseline::ALL {
            let file = baseline.encode(&img, 50).expect("encodes");
            for cut in [0, 1, 16, file.len() / 2] {
                let _ = baseline.decode(&file[..cut]);
            }
            assert!(baseline.decode(b"not an image at all").is_err());
        }
        assert_eq!(
            jpeg_round_trip(&img, 50).expect("jpeg").0,
            ImageBaseline::Jpeg.encode(&img, 50).expect("jpeg")
        );
    }
}
