//! Linear prediction: autocorrelation, Levinson–Durbin, and the line spectral frequencies
//! (LSFs) the codec quantizes the spectral envelope as.
//!
//! A predictor `A(z) = 1 + a₁z⁻¹ + … + a_p z⁻ᵖ` of even order `p` is split into the
//! symmetric `P(z) = A(z) + z^-(p+1) A(1/z)` and antisymmetric `Q(z) = A(z) − z^-(p+1) A(1/z)`,
//! whose roots lie on the unit circle and interlace when `1/A(z)` is stable. The `p` angles
//! of those roots in `(0, π)` are the LSFs: sorted, well separated numbers that interpolate
//! and quantize gracefully, and any sorted set of them gives a stable filter back.

use std::f64::consts::PI;

/// Prediction order (16 at 16 kHz).
pub const ORDER: usize = 16;

/// Autocorrelation `r[0..=order]` of `x`.
pub fn autocorrelation(x: &[f64], order: usize) -> Vec<f64> {
    (0..=order)
        .map(|lag| x.iter().zip(x.iter().skip(lag)).map(|(a, b)| a * b).sum())
        .collect()
}

/// Levinson–Durbin: the predictor `a[0..=order]` (`a[0] = 1`) minimising the error for
/// the autocorrelation `r`, and that error's energy. A silent input gives `A(z) = 1`.
pub fn levinson(r: &[f64]) -> (Vec<f64>, f64) {
    let order = r.len() - 1;
    let mut a = vec![0.0; order + 1];
    a[0] = 1.0;
    let mut error = r[0];
    if error <= 0.0 {
        return (a, 0.0);
    }
    let mut previous = a.clone();
    for i in 1..=order {
        let acc: f64 = (1..i).map(|j| previous[j] * r[i - j]).sum::<f64>() + r[i];
        let k = -acc / error;
        if !k.is_finite() || k.abs() >= 1.0 {
            break;
        }
        for j in 1..i {
            a[j] = previous[j] + k * previous[i - j];
        }
        a[i] = k;
        error *= 1.0 - k * k;
        previous.copy_from_slice(&a);
    }
    (a, error.max(0.0))
}

/// `P(e^{iω})·e^{iω(p+1)/2}` (real) or the same for `Q` (imaginary part), evaluated from
/// the half of the coefficients that the symmetry determines.
fn half_poly(coefficients: &[f64], omega: f64, symmetric: bool) -> f64 {
    let n = coefficients.len(); // p + 2 coefficients
    let centre = (n - 1) as f64 / 2.0;
    (0..n / 2)
        .map(|k| {
            let m = centre - k as f64;
            if symmetric {
                2.0 * coefficients[k] * (m * omega).cos()
            } else {
                2.0 * coefficients[k] * (m * omega).sin()
            }
        })
        .sum()
}

/// The LSFs (radians, ascending, in `(0, π)`) of the predictor `a` (`a[0] = 1`, even order).
/// Falls back to evenly spaced values if the roots cannot all be found (an unstable or
/// degenerate predictor).
pub fn lpc_to_lsf(a: &[f64]) -> Vec<f64> {
    let p = a.len() - 1;
    let mut pc = vec![0.0; p + 2];
    let mut qc = vec![0.0; p + 2];
    for i in 0..=p + 1 {
        let forward = if i <= p { a[i] } else { 0.0 };
        let backward = if i >= 1 { a[p + 1 - i] } else { 0.0 };
        pc[i] = forward + backward;
        qc[i] = forward - backward;
    }
    const GRID: usize = 512;
    let mut roots = Vec::with_capacity(p);
    for (coefficients, symmetric) in [(&pc, true), (&qc, false)] {
        let f = |w: f64| half_poly(coefficients, w, symmetric);
        let mut w0 = 1e-4;
        let mut f0 = f(w0);
        for g in 1..=GRID {
            let w1 = PI * g as f64 / GRID as f64 - if g == GRID { 1e-4 } else { 0.0 };
            let f1 = f(w1);
            if f0 == 0.0 || f0.signum() != f1.signum() {
                let (mut lo, mut hi, mut flo) = (w0, w1, f0);
                for _ in 0..30 {
                    let mid = 0.5 * (lo + hi);
                    let fm = f(mid);
                    if (fm < 0.0) == (flo < 0.0) {
                        lo = mid;
                        flo = fm;
                    } else {
                        hi = mid;
                    }
                }
                roots.push(0.5 * (lo + hi));
            }
            w0 = w1;
            f0 = f1;
        }
    }
    roots.sort_by(f64::total_cmp);
    if roots.len() != p {
        return (1..=p).map(|i| PI * i as f64 / (p + 1) as f64).collect();
    }
    roots
}

/// The predictor `a[0..=p]` of ascending LSFs `lsf` (even count `p`).
pub fn lsf_to_lpc(lsf: &[f64]) -> Vec<f64> {
    let p = lsf.len();
    // P has the roots at even positions (0, 2, …) and z = −1; Q the odd ones and z = 1.
    let mut pp = vec![1.0];
    let mut qq = vec![1.0];
    for (i, &w) in lsf.iter().enumerate() {
        let c = -2.0 * w.cos();
        let target = if i % 2 == 0 { &mut pp } else { &mut qq };
        let mut next = vec![0.0; target.len() + 2];
        for (j, &v) in target.iter().enumerate() {
            next[j] += v;
            next[j + 1] += c * v;
            next[j + 2] += v;
        }
        *target = next;
    }
    let multiply = |poly: &[f64], sign: f64| {
        let mut out = vec![0.0; poly.len() + 1];
        for (j, &v) in poly.iter().enumerate() {
            out[j] += v;
            out[j + 1] += sign * v;
        }
        out
    };
    let pfull = multiply(&pp, 1.0);
    let qfull = multiply(&qq, -1.0);
    (0..=p).map(|i| 0.5 * (pfull[i] + qfull[i])).collect()
}

/// Keeps LSFs ascending and at least `gap` radians apart and away from 0 and π, so the
/// filter they give is stable and not too sharp.
pub fn stabilise_lsf(lsf: &mut [f64], gap: f64) {
    let p = lsf.len();
    for _ in 0..2 {
        let mut floor = gap;
        for v in lsf.iter_mut() {
            if !v.is_finite() || *v < floor {
                *v = floor;
            }
            floor = *v + gap;
        }
        let mut ceiling = PI - gap;
        for v in lsf.iter_mut().rev() {
            if *v > ceiling {
                *v = ceiling;
            }
            ceiling = *v - gap;
        }
    }
    debug_assert_eq!(lsf.len(), p);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lsf_round_trip_recovers_the_predictor() {
        // A resonant, stable predictor from a synthetic signal.
        let x: Vec<f64> = (0..400)
            .map(|n| {
                let t = n as f64;
                (0.05 * t).sin()
                    + 0.5 * (0.31 * t).sin()
                    + 0.2 * (1.7 * t).cos()
                    + 0.01 * ((n * 7919 % 97) as f64 / 97.0)
            })
            .collect();
        let mut r = autocorrelation(&x, ORDER);
        r[0] *= 1.0001;
        let (a, error) = levinson(&r);
        assert!(error > 0.0 && error < r[0]);
        let lsf = lpc_to_lsf(&a);
        assert_eq!(lsf.len(), ORDER);
        assert!(lsf.windows(2).all(|w| w[0] < w[1]));
        let back = lsf_to_lpc(&lsf);
        for (x, y) in a.iter().zip(&back) {
            assert!((x - y).abs() < 1e-6, "{a:?} vs {back:?}");
        }
    }

    #[test]
    fn silence_gives_the_flat_predictor() {
        let (a, error) = levinson(&autocorrelation(&[0.0; 100], ORDER));
        assert_eq!(error, 0.0);
        assert_eq!(a[0], 1.0);
        assert!(a[1..].iter().all(|&v| v == 0.0));
    }

    #[test]
    fn stabilising_orders_and_separates() {
        let mut lsf = vec![0.5, 0.2, 0.21, 3.2, f64::NAN, 1.0];
        stabilise_lsf(&mut lsf, 0.01);
        assert!(lsf.windows(2).all(|w| w[1] - w[0] >= 0.0099));
        assert!(lsf[0] >= 0.01 && lsf[5] <= PI - 0.0099);
    }
}
