//! The four voicing bands and the linear-phase filter bank that splits a signal into them.
//!
//! The bands (0–1, 1–2, 2–4 and 4–8 kHz at 16 kHz) sum back to the input delayed by
//! [`DELAY`] samples, so noise split by them and weighted per band stays white where the
//! weights are equal.

use std::f64::consts::PI;

/// Number of voicing bands.
pub const BANDS: usize = 4;
/// Band edges in Hz (16 kHz sampling).
pub const EDGES: [f64; BANDS + 1] = [0.0, 1000.0, 2000.0, 4000.0, 8000.0];
/// Taps of each band filter.
const TAPS: usize = 65;
/// Group delay of the filters in samples.
pub const DELAY: usize = TAPS / 2;

/// Windowed-sinc low-pass with cutoff `fc` Hz at 16 kHz.
fn low_pass(fc: f64) -> [f64; TAPS] {
    let mut h = [0.0; TAPS];
    let wc = 2.0 * PI * fc / 16000.0;
    for (i, tap) in h.iter_mut().enumerate() {
        let m = i as f64 - DELAY as f64;
        let ideal = if m == 0.0 {
            wc / PI
        } else {
            (wc * m).sin() / (PI * m)
        };
        let window = 0.54 - 0.46 * (2.0 * PI * i as f64 / (TAPS - 1) as f64).cos();
        *tap = ideal * window;
    }
    h
}

/// The band filters (band-pass impulse responses) in `f32`.
pub fn filters() -> [[f32; TAPS]; BANDS] {
    let mut out = [[0.0f32; TAPS]; BANDS];
    let mut previous = [0.0; TAPS];
    for (b, filter) in out.iter_mut().enumerate() {
        let upper = if b + 1 == BANDS {
            let mut delta = [0.0; TAPS];
            delta[DELAY] = 1.0;
            delta
        } else {
            low_pass(EDGES[b + 1])
        };
        for i in 0..TAPS {
            filter[i] = (upper[i] - previous[i]) as f32;
        }
        previous = upper;
    }
    out
}

/// Applies a band filter to `x`, compensating its delay (same length as `x`).
pub fn filter_zero_phase(x: &[f32], h: &[f32; TAPS]) -> Vec<f32> {
    let n = x.len();
    let mut y = vec![0.0f32; n];
    for (i, out) in y.iter_mut().enumerate() {
        let mut acc = 0.0f32;
        for (k, &tap) in h.iter().enumerate() {
            // y[i] = Σ h[k] x[i + DELAY − k]
            let j = i as isize + DELAY as isize - k as isize;
            if j >= 0 && (j as usize) < n {
                acc += tap * x[j as usize];
            }
        }
        *out = acc;
    }
    y
}

/// Band of a frequency in Hz.
pub fn band_of(frequency: f32) -> usize {
    EDGES[1..BANDS]
        .iter()
        .position(|&edge| (frequency as f64) < edge)
        .unwrap_or(BANDS - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_sum_to_a_delayed_impulse() {
        let f = filters();
        for i in 0..TAPS {
            let sum: f32 = f.iter().map(|h| h[i]).sum();
            let expected = if i == DELAY { 1.0 } else { 0.0 };
            assert!((sum - expected).abs() < 1e-6);
        }
        assert_eq!(band_of(500.0), 0);
        assert_eq!(band_of(1500.0), 1);
        assert_eq!(band_of(3999.0), 2);
        assert_eq!(band_of(7000.0), 3);
    }
}
