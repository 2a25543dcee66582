//! `ncodec eval image --lossless`: bits per subpixel and speed of the lossless `limg`
//! codec against PNG and WebP lossless on the same photos, every file decoded and
//! checked pixel for pixel; and what `limg`'s bits-back coding costs over its model's
//! ideal code length ([`BitsBackSummary`]).
//!
//! | contender | what |
//! |---|---|
//! | `ncodec-limg` | the whole `.ncz` file of the photo's canonical PPM, one thread |
//! | `png` | the `image` crate's PNG encoder at its best compression, adaptive filters |
//! | `webp-lossless` | libwebp lossless at its strongest (method 6, quality 100: `cwebp -lossless -z 9`) |

use std::io::Cursor;
use std::time::Instant;

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ImageFormat, RgbImage};
use serde::Serialize;

use ncodec::codecs::limg::{bits_back, pixels::Shape, Prior};

use crate::EvalError;

/// The contenders, in report order.
pub const CONTENDERS: [&str; 3] = ["ncodec-limg", "png", "webp-lossless"];

/// One contender on one photo.
#[derive(Debug, Clone, Serialize)]
pub struct LosslessImageRow {
    /// Photo name.
    pub image: String,
    /// Contender name (see [`CONTENDERS`]).
    pub contender: String,
    /// Subpixels (width × height × 3).
    pub subpixels: u64,
    /// Bytes of the whole file.
    pub bytes: u64,
    /// `bytes × 8 / subpixels`.
    pub bits_per_subpixel: f64,
    /// Milliseconds to encode.
    pub encode_ms: f64,
    /// Milliseconds to decode.
    pub decode_ms: f64,
    /// `ncodec-limg` only: the ideal code length of the samples under its mixture model
    /// (what bits-back coding approaches), bits per subpixel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ideal_bits_per_subpixel: Option<f64>,
}

/// Pooled figures of one contender over all photos.
#[derive(Debug, Clone, Serialize)]
pub struct LosslessImageTotal {
    /// Contender name.
    pub contender: String,
    /// Sum of bytes × 8 over sum of subpixels.
    pub bits_per_subpixel: f64,
    /// Mean of the per-photo bits per subpixel.
    pub mean_bits_per_subpixel: f64,
    /// `bits_per_subpixel` over WebP lossless's.
    pub vs_webp: f64,
    /// Mean encode + decode milliseconds per photo.
    pub mean_round_trip_ms: f64,
}

/// The result of [`run_lossless_image_eval`].
#[derive(Debug, Clone, Serialize)]
pub struct LosslessImageReport {
    /// Per photo and contender.
    pub rows: Vec<LosslessImageRow>,
    /// Per contender.
    pub totals: Vec<LosslessImageTotal>,
    /// What bits-back coding cost `ncodec-limg` over its model's ideal code length.
    pub bits_back: BitsBackSummary,
}

/// The bits-back overhead of `ncodec-limg`, pooled over the photos.
#[derive(Debug, Clone, Serialize)]
pub struct BitsBackSummary {
    /// Ideal code length of the samples under the blend alone (the model without the
    /// latent), bits per subpixel.
    pub ideal_blend_bits_per_subpixel: f64,
    /// Ideal code length under the mixture (`−log2 Σ_k prior(k) p(x | k)`).
    pub ideal_mixture_bits_per_subpixel: f64,
    /// The real files (container and PNM headers included).
    pub file_bits_per_subpixel: f64,
    /// `file / ideal mixture − 1`, in percent: initial bits, posterior rounding, the
    /// coder and the headers together.
    pub overhead_percent: f64,
}

impl LosslessImageReport {
    /// The report as indented JSON.
    pub fn to_json_pretty(&self) -> Result<String, EvalError> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// A table of the totals.
    pub fn to_table(&self) -> String {
        let mut out = format!(
            "{:<14} {:>12} {:>12} {:>9} {:>16}\n",
            "contender", "bits/subpx", "mean/photo", "vs webp", "enc+dec ms/photo"
        );
        for t in &self.totals {
            out.push_str(&format!(
                "{:<14} {:>12.4} {:>12.4} {:>9.4} {:>16.1}\n",
                t.contender,
                t.bits_per_subpixel,
                t.mean_bits_per_subpixel,
                t.vs_webp,
                t.mean_round_trip_ms
            ));
        }
        let b = &self.bits_back;
        out.push_str(&format!(
            "ncodec-limg bits-back: ideal code length {:.4} bits/subpx with the blend alone, {:.4} with the mixture; files {:.4} ({:+.3} % over the mixture: initial bits, rounding, headers)\n",
            b.ideal_blend_bits_per_subpixel, b.ideal_mixture_bits_per_subpixel, b.file_bits_per_subpixel, b.overhead_percent
        ));
        out
    }
}

/// Codes every photo of `images` with every contender, decodes each file and checks
/// that it gives the photo back exactly. `progress` gets a line per photo.
///
/// ```
/// use ncodec_evals::images::lossless::run_lossless_image_eval;
///
/// let photo = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 6, y as u8 * 8, 128]));
/// let report = run_lossless_image_eval(&[("ramp".into(), photo)], &|_| {})?;
/// assert_eq!(report.totals.len(), 3);
/// assert!(report.totals.iter().all(|t| t.bits_per_subpixel < 8.0));
/// # Ok::<(), ncodec_evals::EvalError>(())
/// ```
pub fn run_lossless_image_eval(
    images: &[(String, RgbImage)],
    progress: &dyn Fn(&str),
) -> Result<LosslessImageReport, EvalError> {
    if images.is_empty() {
        return Err(EvalError::NoImages);
    }
    let mut rows = Vec::new();
    let mut blend_bits = 0.0;
    for (index, (name, photo)) in images.iter().enumerate() {
        progress(&format!("[{}/{}] {name}", index + 1, images.len()));
        for contender in CONTENDERS {
            let started = Instant::now();
            let file = encode(contender, photo)?;
            let encode_ms = started.elapsed().as_secs_f64() * 1e3;
            let started = Instant::now();
            let back = decode(contender, &file)?;
            let decode_ms = started.elapsed().as_secs_f64() * 1e3;
            if back != *photo {
                return Err(EvalError::ImageCodec {
                    codec: "lossless",
                    reason: format!("{contender} did not give {name} back exactly"),
                });
            }
            let subpixels = u64::from(photo.width()) * u64::from(photo.height()) * 3;
            let ideal = if contender == "ncodec-limg" {
                let lengths = limg_code_lengths(photo)?;
                blend_bits += lengths.blend;
                Some(lengths.mixture / subpixels as f64)
            } else {
                None
            };
            rows.push(LosslessImageRow {
                image: name.clone(),
                contender: contender.to_string(),
                subpixels,
                bytes: file.len() as u64,
                bits_per_subpixel: file.len() as f64 * 8.0 / subpixels as f64,
                encode_ms,
                decode_ms,
                ideal_bits_per_subpixel: ideal,
            });
        }
    }
    let pooled = |contender: &str| {
        let (bits, subpixels) = rows
            .iter()
            .filter(|r| r.contender == contender)
            .fold((0.0, 0.0), |(b, s), r| {
                (b + r.bytes as f64 * 8.0, s + r.subpixels as f64)
            });
        bits / subpixels
    };
    let webp = pooled("webp-lossless");
    let totals = CONTENDERS
        .iter()
        .map(|&contender| {
            let mine: Vec<&LosslessImageRow> =
                rows.iter().filter(|r| r.contender == contender).collect();
            let n = mine.len() as f64;
            LosslessImageTotal {
                contender: contender.to_string(),
                bits_per_subpixel: pooled(contender),
                mean_bits_per_subpixel: mine.iter().map(|r| r.bits_per_subpixel).sum::<f64>() / n,
                vs_webp: pooled(contender) / webp,
                mean_round_trip_ms: mine.iter().map(|r| r.encode_ms + r.decode_ms).sum::<f64>() / n,
            }
        })
        .collect();
    let (mixture_bits, subpixels) = rows
        .iter()
        .filter_map(|r| {
            r.ideal_bits_per_subpixel
                .map(|b| (b * r.subpixels as f64, r.subpixels as f64))
        })
        .fold((0.0, 0.0), |(b, s), (rb, rs)| (b + rb, s + rs));
    let file = pooled("ncodec-limg");
    let mixture = mixture_bits / subpixels;
    let bits_back = BitsBackSummary {
        ideal_blend_bits_per_subpixel: blend_bits / subpixels,
        ideal_mixture_bits_per_subpixel: mixture,
        file_bits_per_subpixel: file,
        overhead_percent: (file / mixture - 1.0) * 100.0,
    };
    Ok(LosslessImageReport {
        rows,
        totals,
        bits_back,
    })
}

/// The ideal code lengths of a photo's samples under `limg`'s blend and mixture.
fn limg_code_lengths(photo: &RgbImage) -> Result<bits_back::CodeLengths, EvalError> {
    let shape = Shape {
        width: photo.width() as usize,
        height: photo.height() as usize,
        channels: 3,
    };
    bits_back::code_lengths(photo.as_raw(), shape, Prior::shipped())
        .map_err(|e| fail("limg")(e.to_string()))
}

fn fail(codec: &'static str) -> impl Fn(String) -> EvalError {
    move |reason| EvalError::ImageCodec { codec, reason }
}

/// The whole `.ncz` file of `photo` coded by `limg` (one thread).
pub(crate) fn limg_encode(photo: &RgbImage) -> Result<Vec<u8>, EvalError> {
    let (w, h) = photo.dimensions();
    let ppm = ncodec::codecs::image::RawImage::new(w, h, 3, photo.as_raw().clone())
        .map_err(|e| fail("ncodec-limg")(e.to_string()))?
        .to_ppm();
    let options = ncodec::CompressOptions::default().codec("limg").threads(1);
    ncodec::compress(&ppm, &options).map_err(|e| fail("ncodec-limg")(e.to_string()))
}

/// The photo of a `.ncz` file that [`limg_encode`] wrote (one thread).
pub(crate) fn limg_decode(file: &[u8]) -> Result<RgbImage, EvalError> {
    let options = ncodec::DecompressOptions::default().threads(1);
    let ppm =
        ncodec::decompress_with(file, &options).map_err(|e| fail("ncodec-limg")(e.to_string()))?;
    let raw = ncodec::codecs::image::RawImage::from_ppm(&ppm)
        .map_err(|e| fail("ncodec-limg")(e.to_string()))?;
    let (w, h) = (raw.width, raw.height);
    let rgb = if raw.channels == 1 {
        raw.pixels.iter().flat_map(|&v| [v, v, v]).collect()
    } else {
        raw.pixels
    };
    RgbImage::from_raw(w, h, rgb)
        .ok_or_else(|| fail("ncodec-limg")("decoded size does not match".into()))
}

fn encode(contender: &str, photo: &RgbImage) -> Result<Vec<u8>, EvalError> {
    let (w, h) = photo.dimensions();
    match contender {
        "ncodec-limg" => limg_encode(photo),
        "png" => {
            let mut out = Vec::new();
            photo
                .write_with_encoder(PngEncoder::new_with_quality(
                    Cursor::new(&mut out),
                    CompressionType::Best,
                    FilterType::Adaptive,
                ))
                .map_err(|e| fail("png")(e.to_string()))?;
            Ok(out)
        }
        _ => {
            let mut config = webp::WebPConfig::new()
                .map_err(|()| fail("webp-lossless")("libwebp has no config".into()))?;
            config.lossless = 1;
            config.quality = 100.0;
            config.method = 6;
            config.exact = 1;
            let memory = webp::Encoder::from_rgb(photo.as_raw(), w, h)
                .encode_advanced(&config)
                .map_err(|e| fail("webp-lossless")(format!("{e:?}")))?;
            Ok(memory.to_vec())
        }
    }
}

fn decode(contender: &str, file: &[u8]) -> Result<RgbImage, EvalError> {
    match contender {
        "ncodec-limg" => limg_decode(file),
        "png" => Ok(image::load(Cursor::new(file), ImageFormat::Png)
            .map_err(|e| fail("png")(e.to_string()))?
            .to_rgb8()),
        _ => super::baselines::ImageBaseline::Webp.decode(file),
    }
}
