//! Classical image codecs as rate–distortion baselines, and the metrics to compare
//! learned codecs with them.
//!
//! JPEG (baseline, 4:2:0 as the `image` crate writes it) is swept over its quality
//! setting; [`psnr_at_bpp`] interpolates its PSNR at a given rate, so a learned codec's
//! operating point can be compared at equal bits per pixel.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, RgbImage};

/// One operating point: rate and quality.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RdPoint {
    /// Encoder setting (JPEG quality).
    pub quality: u8,
    /// Bits per pixel of the whole file.
    pub bpp: f64,
    /// PSNR in dB (8-bit RGB).
    pub psnr: f64,
}

/// PSNR in dB between two RGB images of the same size (infinite when equal; 0 for
/// different sizes).
pub fn psnr(a: &RgbImage, b: &RgbImage) -> f64 {
    if a.dimensions() != b.dimensions() {
        return 0.0;
    }
    let se: f64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(&x, &y)| {
            let d = f64::from(x) - f64::from(y);
            d * d
        })
        .sum();
    let n = a.as_raw().len().max(1) as f64;
    if se == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (255.0 * 255.0 / (se / n)).log10()
    }
}

/// Encodes `img` as JPEG at `quality` (1..=100) and decodes it back: `(file, decoded)`.
pub fn jpeg_round_trip(img: &RgbImage, quality: u8) -> image::ImageResult<(Vec<u8>, RgbImage)> {
    let mut file = Vec::new();
    JpegEncoder::new_with_quality(&mut file, quality.clamp(1, 100)).encode_image(img)?;
    let decoded = image::load(Cursor::new(&file), ImageFormat::Jpeg)?.to_rgb8();
    Ok((file, decoded))
}

/// JPEG's rate–distortion curve over `images` (bits and squared errors pooled over all
/// images), one point per quality, in increasing quality.
pub fn jpeg_curve(images: &[RgbImage], qualities: &[u8]) -> image::ImageResult<Vec<RdPoint>> {
    let pixels: f64 = images
        .iter()
        .map(|i| f64::from(i.width()) * f64::from(i.height()))
        .sum();
    let mut points = Vec::new();
    let mut sorted = qualities.to_vec();
    sorted.sort_unstable();
    for q in sorted {
        let (mut bits, mut se, mut samples) = (0.0, 0.0, 0.0);
        for img in images {
            let (file, decoded) = jpeg_round_trip(img, q)?;
            bits += file.len() as f64 * 8.0;
            for (&x, &y) in img.as_raw().iter().zip(decoded.as_raw()) {
                let d = f64::from(x) - f64::from(y);
                se += d * d;
            }
            samples += img.as_raw().len() as f64;
        }
        points.push(RdPoint {
            quality: q,
            bpp: bits / pixels.max(1.0),
            psnr: 10.0 * (255.0 * 255.0 / (se / samples.max(1.0)).max(1e-12)).log10(),
        });
    }
    Ok(points)
}

/// PSNR of a curve at `bpp`, interpolated linearly between the two nearest points
/// (`None` outside the curve's range).
pub fn psnr_at_bpp(curve: &[RdPoint], bpp: f64) -> Option<f64> {
    let mut points = curve.to_vec();
    points.sort_by(|a, b| a.bpp.total_cmp(&b.bpp));
    points.windows(2).find_map(|w| {
        let (a, b) = (w[0], w[1]);
        (a.bpp <= bpp && bpp <= b.bpp).then(|| {
            if b.bpp == a.bpp {
                a.psnr
            } else {
                a.psnr + (b.psnr - a.psnr) * (bpp - a.bpp) / (b.bpp - a.bpp)
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo_like() -> RgbImage {
        RgbImage::from_fn(64, 48, |x, y| {
            let v = ((x * 3 + y * 5) % 200) as u8;
            image::Rgb([v, v / 2 + 20, 255 - v])
        })
    }

    #[test]
    fn higher_quality_costs_more_and_looks_better() {
        let img = photo_like();
        let curve = jpeg_curve(std::slice::from_ref(&img), &[90, 20, 50]).unwrap();
        assert_eq!(
            curve.iter().map(|p| p.quality).collect::<Vec<_>>(),
            [20, 50, 90]
        );
        assert!(curve
            .windows(2)
            .all(|w| w[0].bpp < w[1].bpp && w[0].psnr < w[1].psnr));
        let mid = (curve[0].bpp + curve[1].bpp) / 2.0;
        let p = psnr_at_bpp(&curve, mid).unwrap();
        assert!(p > curve[0].psnr && p < curve[1].psnr);
        assert_eq!(psnr_at_bpp(&curve, 1000.0), None);
        assert_eq!(psnr(&img, &img), f64::INFINITY);
    }
}
