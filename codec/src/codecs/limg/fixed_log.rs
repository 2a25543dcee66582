//! Integer code lengths and their inverse: what the bits-back coder needs to turn the
//! mixture components' probabilities into a posterior that encoder and decoder compute
//! identically on any CPU (no float anywhere).

use std::sync::OnceLock;

/// Fractional bits of code lengths: costs are in units of 1/1024 bit.
pub(super) const COST_FRACTION: u32 = 10;

/// `log2(v)` in units of 1/1024 (truncated), for `v ≥ 1`, by repeated squaring.
fn log2_fixed(v: u32) -> u32 {
    debug_assert!(v >= 1);
    let whole = 31 - v.leading_zeros();
    // The mantissa v / 2^whole in [1, 2), as Q32.
    let mut y = (u128::from(v) << 32) >> whole;
    let mut fraction = 0u32;
    for _ in 0..COST_FRACTION {
        y = (y * y) >> 32;
        fraction <<= 1;
        if y >= 2 << 32 {
            fraction |= 1;
            y >>= 1;
        }
    }
    (whole << COST_FRACTION) | fraction
}

/// `-log2(p / 2^16)` in 1/1024 bits, for `p` in `0..=65536` (0 is taken as 1).
pub(super) fn cost(p: u32) -> u32 {
    cost_table()[p.min(1 << 16) as usize]
}

/// [`cost`] of every `p` in `0..=65536`, for loops that look up many.
pub(super) fn cost_table() -> &'static [u32] {
    static TABLE: OnceLock<Vec<u32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..=1u32 << 16)
            .map(|p| (16 << COST_FRACTION) - log2_fixed(p.max(1)))
            .collect()
    })
}

/// `2^16 · 2^(-d/1024)` rounded down to what [`cost`] maps back to `≤ d`: the weight of a
/// component whose code length exceeds the best one's by `d` (in 1/1024 bits).
pub(super) fn weight(d: u32) -> u32 {
    static TABLE: OnceLock<Vec<u32>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        // For each fraction f, the smallest p whose cost is at most f (cost falls as p grows).
        (0..1u32 << COST_FRACTION)
            .map(|f| {
                let (mut lo, mut hi) = (1u32, 1 << 16);
                while lo < hi {
                    let mid = (lo + hi) / 2;
                    if cost(mid) <= f {
                        hi = mid;
                    } else {
                        lo = mid + 1;
                    }
                }
                lo
            })
            .collect()
    });
    let shift = d >> COST_FRACTION;
    if shift > 16 {
        0
    } else {
        table[(d & ((1 << COST_FRACTION) - 1)) as usize] >> shift
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_and_weights_match_the_logarithm() {
        assert_eq!(cost(1 << 16), 0);
        assert_eq!(cost(1 << 15), 1024);
        assert_eq!(cost(1 << 14), 2048);
        assert_eq!(cost(1), 16 << 10);
        for p in [3u32, 100, 4097, 30000, 65000] {
            let exact = -(f64::from(p) / 65536.0).log2() * 1024.0;
            assert!(
                (f64::from(cost(p)) - exact).abs() <= 1.5,
                "{p}: {} vs {exact}",
                cost(p)
            );
        }
        assert_eq!(weight(0), 1 << 16);
        assert_eq!(weight(1024), 1 << 15);
        for d in [1u32, 300, 1500, 9000] {
            let exact = 65536.0 * (-(f64::from(d)) / 1024.0).exp2();
            assert!(
                (f64::from(weight(d)) - exact).abs() <= exact * 0.002 + 1.0,
                "{d}"
            );
        }
        assert_eq!(weight(17 << 10), 0);
    }
}
