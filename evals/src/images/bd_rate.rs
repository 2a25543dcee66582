//! Bjøntegaard delta rate (VCEG-M33; the computation of CompressAI's and JVET's
//! `bd_rate`): the average rate difference between two rate–distortion curves at equal
//! quality.
//!
//! Each curve's log-rate is fitted as a cubic polynomial of its quality (PSNR, or
//! MS-SSIM in dB) by least squares; both fits are integrated over the quality interval
//! the two curves share, and the mean log-rate difference `Δ` gives
//! `BD-rate = (e^Δ − 1) · 100 %`: negative when the tested curve needs fewer bits than
//! the anchor for the same quality.

/// An operating point: rate (bits per pixel, positive) and quality (higher is better).
pub type RatePoint = (f64, f64);

/// Points a curve needs for the cubic fit.
pub const MIN_POINTS: usize = 4;

/// BD-rate in percent of `test` against `anchor` (negative: `test` needs fewer bits at
/// equal quality). `None` when either curve has fewer than [`MIN_POINTS`] distinct
/// finite points with positive rates, or when their quality ranges do not overlap.
///
/// ```
/// use ncodec_evals::images::bd_rate::bd_rate;
///
/// let anchor = [(0.25, 28.0), (0.5, 31.0), (1.0, 34.5), (2.0, 38.0)];
/// let test: Vec<_> = anchor.iter().map(|&(r, q)| (r * 0.9, q)).collect();
/// assert!((bd_rate(&anchor, &test).unwrap() + 10.0).abs() < 1e-9);
/// ```
pub fn bd_rate(anchor: &[RatePoint], test: &[RatePoint]) -> Option<f64> {
    let a = clean(anchor);
    let t = clean(test);
    if a.len() < MIN_POINTS || t.len() < MIN_POINTS {
        return None;
    }
    let lo = min_quality(&a).max(min_quality(&t));
    let hi = max_quality(&a).min(max_quality(&t));
    if hi <= lo {
        return None;
    }
    let fa = Cubic::fit(&a)?;
    let ft = Cubic::fit(&t)?;
    let delta = (ft.integral(lo, hi) - fa.integral(lo, hi)) / (hi - lo);
    Some(delta.exp_m1() * 100.0)
}

/// The rate difference in percent of a short `test` curve (any number of points) at
/// equal quality, where the cubic fit of `test` is impossible: the anchor's fitted
/// log-rate is evaluated at each test point whose quality lies within the anchor's
/// range, and the mean log-rate difference `Δ` gives `(e^Δ − 1) · 100 %`. `None` when
/// the anchor cannot be fitted or no test point lies within its range.
pub fn rate_delta_at_points(anchor: &[RatePoint], test: &[RatePoint]) -> Option<f64> {
    let a = clean(anchor);
    if a.len() < MIN_POINTS {
        return None;
    }
    let fa = Cubic::fit(&a)?;
    let (lo, hi) = (min_quality(&a), max_quality(&a));
    let diffs: Vec<f64> = clean(test)
        .iter()
        .filter(|p| (lo..=hi).contains(&p.1))
        .map(|&(r, q)| r.ln() - fa.eval(q))
        .collect();
    if diffs.is_empty() {
        return None;
    }
    let delta = diffs.iter().sum::<f64>() / diffs.len() as f64;
    Some(delta.exp_m1() * 100.0)
}

/// Finite points with positive rates, sorted by quality, duplicates dropped.
fn clean(points: &[RatePoint]) -> Vec<RatePoint> {
    let mut out: Vec<RatePoint> = points
        .iter()
        .copied()
        .filter(|&(r, q)| r.is_finite() && q.is_finite() && r > 0.0)
        .collect();
    out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.total_cmp(&b.0)));
    out.dedup();
    out
}

fn min_quality(points: &[RatePoint]) -> f64 {
    points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min)
}

fn max_quality(points: &[RatePoint]) -> f64 {
    points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max)
}

/// `ln(rate)` as a cubic in quality, fitted in the normalised variable
/// `t = (quality − centre) / scale` for a well-conditioned solve.
#[derive(Debug, Clone, Copy)]
struct Cubic {
    coef: [f64; 4],
    centre: f64,
    scale: f64,
}

impl Cubic {
    /// Least-squares fit (normal equations, Gaussian elimination with partial pivoting);
    /// `None` when the qualities do not determine a cubic (fewer than 4 distinct).
    fn fit(points: &[RatePoint]) -> Option<Self> {
        let n = points.len() as f64;
        let centre = points.iter().map(|p| p.1).sum::<f64>() / n;
        let scale = points
            .iter()
            .map(|p| (p.1 - centre).abs())
            .fold(0.0, f64::max);
        if scale <= 0.0 {
            return None;
        }
        let mut m = [[0.0f64; 5]; 4];
        for &(r, q) in points {
            let t = (q - centre) / scale;
            let powers = [1.0, t, t * t, t * t * t];
            let y = r.ln();
            for (row, &pi) in m.iter_mut().zip(&powers) {
                for (cell, &pj) in row.iter_mut().zip(&powers) {
                    *cell += pi * pj;
                }
                row[4] += pi * y;
            }
        }
        for col in 0..4 {
            let pivot = (col..4).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
            if m[pivot][col].abs() < 1e-12 {
                return None;
            }
            m.swap(col, pivot);
            let pivot_row = m[col];
            for (index, row) in m.iter_mut().enumerate() {
                if index != col {
                    let f = row[col] / pivot_row[col];
                    for (x, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                        *x -= f * p;
                    }
                }
            }
        }
        let coef = [0, 1, 2, 3].map(|i| m[i][4] / m[i][i]);
        coef.iter().all(|c| c.is_finite()).then_some(Cubic {
            coef,
            centre,
            scale,
        })
    }

    fn eval(&self, quality: f64) -> f64 {
        let t = (quality - self.centre) / self.scale;
        self.coef.iter().rev().fold(0.0, |acc, c| acc * t + c)
    }

    /// `∫ ln(rate) d(quality)` from `lo` to `hi`.
    fn integral(&self, lo: f64, hi: f64) -> f64 {
        let antiderivative = |q: f64| {
            let t = (q - self.centre) / self.scale;
            self.coef
                .iter()
                .enumerate()
                .map(|(k, c)| c * t.powi(k as i32 + 1) / (k as f64 + 1.0))
                .sum::<f64>()
        };
        (antiderivative(hi) - antiderivative(lo)) * self.scale
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANCHOR: [RatePoint; 6] = [
        (0.12, 26.1),
        (0.25, 28.4),
        (0.47, 31.0),
        (0.80, 33.6),
        (1.35, 36.2),
        (2.10, 38.9),
    ];

    #[test]
    fn a_curve_with_ninety_percent_of_the_rate_saves_ten_percent() {
        let test: Vec<_> = ANCHOR.iter().map(|&(r, q)| (r * 0.9, q)).collect();
        let bd = bd_rate(&ANCHOR, &test).expect("overlapping");
        assert!((bd + 10.0).abs() < 1e-9, "{bd}");
        let back = bd_rate(&test, &ANCHOR).expect("overlapping");
        assert!((back - (1.0 / 0.9 - 1.0) * 100.0).abs() < 1e-9, "{back}");
        assert!(bd_rate(&ANCHOR, &ANCHOR).expect("same").abs() < 1e-12);
        // Four points: the cubic passes through them, so the anchor is exact there.
        let single = rate_delta_at_points(&ANCHOR[..4], &test[2..3]).expect("in range");
        assert!((single + 10.0).abs() < 1e-9, "{single}");
    }

    /// Hand-checked: on `quality = a + b · ln(rate)` a quality gain of `δ` dB at every
    /// rate is, at equal quality, a log-rate change of `−δ / b`, so the BD-rate is
    /// `e^(−δ/b) − 1`; here `b = 4`, `δ = 1`: `e^(−1/4) − 1 = −22.1199 %`. Only the
    /// overlap (quality 21..=30 of 20..=30 and 21..=31) counts.
    #[test]
    fn a_constant_quality_gain_on_a_log_linear_curve() {
        let anchor: Vec<RatePoint> = (0..6)
            .map(|i| {
                let q = 20.0 + 2.0 * f64::from(i);
                (((q - 30.0) / 4.0).exp(), q)
            })
            .collect();
        let test: Vec<RatePoint> = anchor.iter().map(|&(r, q)| (r, q + 1.0)).collect();
        let bd = bd_rate(&anchor, &test).expect("overlapping");
        assert!((bd - (-0.25f64).exp_m1() * 100.0).abs() < 1e-9, "{bd}");
        assert!((bd + 22.1199).abs() < 1e-3);
    }

    #[test]
    fn too_few_points_or_no_overlap_give_none() {
        assert_eq!(bd_rate(&ANCHOR, &ANCHOR[..3]), None);
        let far: Vec<_> = ANCHOR.iter().map(|&(r, q)| (r, q + 100.0)).collect();
        assert_eq!(bd_rate(&ANCHOR, &far), None);
        assert_eq!(rate_delta_at_points(&ANCHOR, &far), None);
        let with_junk = [(0.0, 30.0), (f64::NAN, 31.0), (1.0, f64::INFINITY)];
        assert_eq!(bd_rate(&with_junk, &ANCHOR), None);
    }
}
