//! Distortion metrics on 8-bit RGB: PSNR and MS-SSIM.
//!
//! MS-SSIM follows Wang, Simoncelli & Bovik (2003) exactly as `pytorch_msssim.ms_ssim`
//! computes it (the implementation CompressAI reports, so figures compare with papers):
//! each RGB channel separately on the `[0, 255]` scale, an 11×11 Gaussian window with
//! σ = 1.5 applied as a separable *valid* filter (no padding), `K1 = 0.01`, `K2 = 0.03`,
//! five scales weighted `[0.0448, 0.2856, 0.3001, 0.2363, 0.1333]`, 2×2 average pooling
//! between scales (an odd side is zero-padded by one pixel on both ends, and the zeros
//! count in the average, as `avg_pool2d(padding = side % 2)` does), negative contrast
//! terms clamped to 0, and the three channels' MS-SSIM averaged. The four downsamplings
//! need the shorter side to exceed 160 pixels; smaller images have no MS-SSIM.

use image::RgbImage;

/// MS-SSIM's scale weights, finest scale first.
pub const MS_SSIM_WEIGHTS: [f64; 5] = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];

/// The shorter side must exceed this for [`ms_ssim`] (`(11 - 1) · 2⁴`).
pub const MS_SSIM_MIN_SIDE: u32 = 160;

const WINDOW: usize = 11;
const SIGMA: f64 = 1.5;
const C1: f64 = (0.01 * 255.0) * (0.01 * 255.0);
const C2: f64 = (0.03 * 255.0) * (0.03 * 255.0);

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

/// MS-SSIM in `[0, 1]` between two RGB images of the same size (see the
/// [module docs](self) for the exact definition); `None` for different sizes or a
/// shorter side of at most [`MS_SSIM_MIN_SIDE`] pixels.
pub fn ms_ssim(a: &RgbImage, b: &RgbImage) -> Option<f64> {
    let (w, h) = a.dimensions();
    if b.dimensions() != (w, h) || w.min(h) <= MS_SSIM_MIN_SIDE {
        return None;
    }
    let window = gaussian_window();
    let (w, h) = (w as usize, h as usize);
    let mut total = 0.0;
    for c in 0..3 {
        let x = Plane::channel(a, c, w, h);
        let y = Plane::channel(b, c, w, h);
        total += ms_ssim_plane(x, y, &window);
    }
    Some(total / 3.0)
}

/// MS-SSIM on the decibel scale, `-10 log10(1 - ms_ssim)` (`None` when `ms_ssim` is 1).
pub fn ms_ssim_db(ms_ssim: f64) -> Option<f64> {
    (ms_ssim < 1.0).then(|| -10.0 * (1.0 - ms_ssim).log10())
}

/// One channel as `f64`, row-major.
#[derive(Debug, Clone)]
struct Plane {
    w: usize,
    h: usize,
    v: Vec<f64>,
}

impl Plane {
    fn channel(img: &RgbImage, c: usize, w: usize, h: usize) -> Self {
        let v = img
            .as_raw()
            .chunks_exact(3)
            .map(|px| f64::from(px[c]))
            .collect();
        Plane { w, h, v }
    }

    fn map2(&self, other: &Plane, f: impl Fn(f64, f64) -> f64) -> Plane {
        let v = self
            .v
            .iter()
            .zip(&other.v)
            .map(|(&a, &b)| f(a, b))
            .collect();
        Plane {
            w: self.w,
            h: self.h,
            v,
        }
    }

    /// Separable valid correlation with `g` (rows, then columns).
    fn filter(&self, g: &[f64; WINDOW]) -> Plane {
        let ow = self.w + 1 - WINDOW;
        let oh = self.h + 1 - WINDOW;
        let mut vertical = vec![0.0; self.w * oh];
        for y in 0..oh {
            for (k, &gk) in g.iter().enumerate() {
                let src = &self.v[(y + k) * self.w..(y + k + 1) * self.w];
                let dst = &mut vertical[y * self.w..(y + 1) * self.w];
                for (d, &s) in dst.iter_mut().zip(src) {
                    *d += gk * s;
                }
            }
        }
        let mut out = vec![0.0; ow * oh];
        for y in 0..oh {
            let row = &vertical[y * self.w..(y + 1) * self.w];
            for (x, o) in out[y * ow..(y + 1) * ow].iter_mut().enumerate() {
                *o = g.iter().zip(&row[x..x + WINDOW]).map(|(a, b)| a * b).sum();
            }
        }
        Plane {
            w: ow,
            h: oh,
            v: out,
        }
    }

    /// 2×2 average pooling; an odd side is padded with one zero on both ends first, and
    /// the zeros count (PyTorch's `avg_pool2d(kernel_size=2, padding=side % 2)`).
    fn pool(&self) -> Plane {
        let (pw, ph) = (self.w % 2, self.h % 2);
        let ow = (self.w + 2 * pw - 2) / 2 + 1;
        let oh = (self.h + 2 * ph - 2) / 2 + 1;
        let at = |x: usize, y: usize| -> f64 {
            // (x, y) in padded coordinates.
            if x < pw || y < ph || x - pw >= self.w || y - ph >= self.h {
                0.0
            } else {
                self.v[(y - ph) * self.w + (x - pw)]
            }
        };
        let mut v = Vec::with_capacity(ow * oh);
        for y in 0..oh {
            for x in 0..ow {
                let (x0, y0) = (2 * x, 2 * y);
                v.push((at(x0, y0) + at(x0 + 1, y0) + at(x0, y0 + 1) + at(x0 + 1, y0 + 1)) / 4.0);
            }
        }
        Plane { w: ow, h: oh, v }
    }
}

/// The normalised 1-D Gaussian of [`WINDOW`] taps.
fn gaussian_window() -> [f64; WINDOW] {
    let mut g = [0.0; WINDOW];
    let half = (WINDOW / 2) as f64;
    for (i, v) in g.iter_mut().enumerate() {
        let d = i as f64 - half;
        *v = (-(d * d) / (2.0 * SIGMA * SIGMA)).exp();
    }
    let sum: f64 = g.iter().sum();
    g.map(|v| v / sum)
}

/// Mean SSIM and mean contrast–structure term of one scale.
fn ssim_and_cs(x: &Plane, y: &Plane, g: &[f64; WINDOW]) -> (f64, f64) {
    let mu1 = x.filter(g);
    let mu2 = y.filter(g);
    let xx = x.map2(x, |a, b| a * b).filter(g);
    let yy = y.map2(y, |a, b| a * b).filter(g);
    let xy = x.map2(y, |a, b| a * b).filter(g);
    let n = mu1.v.len().max(1) as f64;
    let (mut ssim, mut cs) = (0.0, 0.0);
    for i in 0..mu1.v.len() {
        let (m1, m2) = (mu1.v[i], mu2.v[i]);
        let s11 = xx.v[i] - m1 * m1;
        let s22 = yy.v[i] - m2 * m2;
        let s12 = xy.v[i] - m1 * m2;
        let c = (2.0 * s12 + C2) / (s11 + s22 + C2);
        cs += c;
        ssim += (2.0 * m1 * m2 + C1) / (m1 * m1 + m2 * m2 + C1) * c;
    }
    (ssim / n, cs / n)
}

fn ms_ssim_plane(mut x: Plane, mut y: Plane, g: &[f64; WINDOW]) -> f64 {
    let mut value = 1.0;
    let last = MS_SSIM_WEIGHTS.len() - 1;
    for (scale, &weight) in MS_SSIM_WEIGHTS.iter().enumerate() {
        let (ssim, cs) = ssim_and_cs(&x, &y, g);
        if scale < last {
            value *= cs.max(0.0).powf(weight);
            x = x.pool();
            y = y.pool();
        } else {
            value *= ssim.max(0.0).powf(weight);
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixture pair of the reference check: 200×170 (odd sides appear at the
    /// coarser scales, so the padded pooling is exercised), a textured gradient and a
    /// noisy, slightly brightened copy, from a 32-bit LCG (Numerical Recipes constants)
    /// drawn in raster order, channel fastest; the second image continues the sequence.
    fn fixture() -> (RgbImage, RgbImage) {
        const W: u32 = 200;
        const H: u32 = 170;
        let mut state: u32 = 12345;
        let mut next = || {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as i64
        };
        let mut orig = RgbImage::new(W, H);
        for y in 0..H {
            for x in 0..W {
                for c in 0..3u32 {
                    let n = next();
                    let (xi, yi, ci) = (i64::from(x), i64::from(y), i64::from(c));
                    let base = (xi * (3 + ci) + yi * (5 - ci) + ((xi / 7) * (yi / 5)) % 64) % 256;
                    orig.get_pixel_mut(x, y)[c as usize] = (base + n % 32 - 16).clamp(0, 255) as u8;
                }
            }
        }
        let mut dist = RgbImage::new(W, H);
        for y in 0..H {
            for x in 0..W {
                for c in 0..3 {
                    let n = next();
                    let o = i64::from(orig.get_pixel(x, y)[c]);
                    dist.get_pixel_mut(x, y)[c] =
                        (o + n % 51 - 25 + i64::from(x) / 50).clamp(0, 255) as u8;
                }
            }
        }
        (orig, dist)
    }

    /// Reference: `evals/reference/ms_ssim_reference.py` (`pip install numpy scipy
    /// scikit-image`), a float64 NumPy port of `pytorch_msssim` 1.0.0 `ms_ssim(X, Y, data_range=255)` (read from the
    /// PyPI wheel's source), whose single-scale SSIM per channel matches scikit-image
    /// 0.2x `structural_similarity(gaussian_weights=True, sigma=1.5,
    /// use_sample_covariance=False, data_range=255)` to 6 decimals. It printed
    /// `ms_ssim 0.979695`, per channel `0.979785 0.979219 0.980081`, `psnr 24.908307`.
    #[test]
    fn ms_ssim_and_psnr_match_the_python_reference() {
        let (a, b) = fixture();
        let sums: (u64, u64) = (
            a.as_raw().iter().map(|&v| u64::from(v)).sum(),
            b.as_raw().iter().map(|&v| u64::from(v)).sum(),
        );
        assert_eq!(
            sums,
            (12_939_218, 13_084_480),
            "fixture differs from the script's"
        );
        let ms = ms_ssim(&a, &b).expect("large enough");
        assert!((ms - 0.979_695).abs() < 1e-3, "ms_ssim {ms}");
        assert!(
            (ms - 0.979_695).abs() < 1e-5,
            "ms_ssim {ms} (float64 on both sides)"
        );
        let db = ms_ssim_db(ms).expect("below 1");
        assert!((db - 16.9240).abs() < 1e-2, "db {db}");
        assert!((psnr(&a, &b) - 24.908_307).abs() < 1e-4);
    }

    #[test]
    fn identical_images_score_one_and_small_images_have_none() {
        let (a, _) = fixture();
        let ms = ms_ssim(&a, &a).expect("large enough");
        assert!((ms - 1.0).abs() < 1e-12);
        assert_eq!(ms_ssim_db(1.0), None);
        assert_eq!(psnr(&a, &a), f64::INFINITY);
        let small = RgbImage::new(160, 400);
        assert_eq!(ms_ssim(&small, &small), None);
        assert_eq!(ms_ssim(&a, &small), None);
    }

    #[test]
    fn psnr_of_a_known_error() {
        let a = RgbImage::from_pixel(8, 4, image::Rgb([100, 100, 100]));
        let b = RgbImage::from_pixel(8, 4, image::Rgb([110, 100, 90]));
        // MSE = (100 + 0 + 100) / 3.
        let expected = 10.0 * (255.0f64 * 255.0 / (200.0 / 3.0)).log10();
        assert!((psnr(&a, &b) - expected).abs() < 1e-12);
        assert_eq!(psnr(&a, &RgbImage::new(4, 4)), 0.0);
    }

    #[test]
    fn pooling_pads_odd_sides_with_counted_zeros() {
        let p = Plane {
            w: 3,
            h: 2,
            v: vec![4.0, 8.0, 12.0, 4.0, 8.0, 12.0],
        };
        let q = p.pool();
        assert_eq!((q.w, q.h), (2, 1));
        // Columns padded to [0, 4, 8, 12, 0]: windows [0, 4] and [8, 12].
        assert_eq!(q.v, vec![2.0, 10.0]);
    }
}
