//! JPEG's pooled rate–distortion curve and PSNR at a given rate, for comparing one
//! operating point of a learned codec with JPEG at equal bits per pixel (used by
//! `ncodec train export-image`).

use image::RgbImage;

use super::baselines::jpeg_round_trip;
#[cfg(test)]
use super::metrics::psnr;
use crate::EvalError;

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

/// JPEG's rate–distortion curve over `images` (bits and squared errors pooled over all
/// images), one point per quality, in increasing quality.
pub fn jpeg_curve(images: &[RgbImage], qualities: &[u8]) -> Result<Vec<RdPoint>, EvalError> {
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
