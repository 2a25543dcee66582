//! Integer softmax: fixed-point logits to integer frequencies, with no float anywhere.

use crate::entropy::{EntropyError, FrequencyTable};

/// Fractional bits of logits: a logit `l` means `2^(l / 2^LOGIT_FRAC)` relative weight
/// (logits are in log2 units, not nats).
pub const LOGIT_FRAC: u32 = 8;

/// `round(2^62 * 2^(-1/256))`, the step of the exponential table.
const STEP_Q62: u128 = 4_599_216_278_082_138_665;

/// `EXP2_Q31[k] ≈ 2^31 * 2^(-k/256)`, built by repeated fixed-point multiplication so it is
/// the same on every machine (no libm involved).
static EXP2_Q31: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut value: u128 = 1 << 62;
    let mut k = 0;
    while k < 256 {
        table[k] = ((value + (1 << 30)) >> 31) as u32;
        value = (value * STEP_Q62 + (1 << 61)) >> 62;
        k += 1;
    }
    table
};

/// Unnormalised weights `2^((l - max) / 2^LOGIT_FRAC)` in Q31 (the largest logit gets 2^31).
pub fn exp_weights(logits: &[i32], weights: &mut [u32]) {
    let max = logits.iter().copied().max().unwrap_or(0);
    for (w, &l) in weights.iter_mut().zip(logits) {
        let d = (i64::from(max) - i64::from(l)) as u64;
        let whole = d >> LOGIT_FRAC;
        let frac = (d & ((1 << LOGIT_FRAC) - 1)) as usize;
        *w = if whole >= 32 {
            0
        } else {
            EXP2_Q31[frac] >> whole
        };
    }
}

/// The softmax of `logits` as a [`FrequencyTable`] (every symbol at least 1).
///
/// ```
/// use ncodec::runtime::softmax::{softmax_table, LOGIT_FRAC};
///
/// // Symbol 1 is twice as likely as symbol 0 (one log2 unit more).
/// let table = softmax_table(&[0, 1 << LOGIT_FRAC, -(40 << LOGIT_FRAC)]).unwrap();
/// let (p0, p1) = (table.probability(0), table.probability(1));
/// assert!((p1 as f64 / p0 as f64 - 2.0).abs() < 1e-3);
/// assert_eq!(table.probability(2), 1); // vanishing, but still codable
/// ```
pub fn softmax_table(logits: &[i32]) -> Result<FrequencyTable, EntropyError> {
    let mut stack = [0u32; 256];
    let mut heap = Vec::new();
    let weights = if logits.len() <= stack.len() {
        &mut stack[..logits.len()]
    } else {
        heap.resize(logits.len(), 0);
        &mut heap[..]
    };
    exp_weights(logits, weights);
    FrequencyTable::from_counts(weights)
}

/// P(next bit = 1) in units of 2^-16 under a byte distribution, given the bits of the
/// byte coded so far: `partial` holds them behind a leading 1 (1 at the start of a byte),
/// `bits` is how many there are (0..=7).
pub fn bit_probability(table: &FrequencyTable, partial: u32, bits: u32) -> u32 {
    let cdf = table.cdf();
    if cdf.len() != 257 || bits > 7 {
        return 1 << 15;
    }
    let width = 1usize << (8 - bits);
    let lo = ((partial as usize) & ((1 << bits) - 1)) * width;
    let mid = lo + width / 2;
    let hi = lo + width;
    let total = u64::from(cdf[hi] - cdf[lo]);
    let ones = u64::from(cdf[hi] - cdf[mid]);
    ((((ones << 16) + total / 2) / total.max(1)) as u32).clamp(1, 65535)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_monotone_and_anchored() {
        assert_eq!(EXP2_Q31[0], 1 << 31);
        assert!(EXP2_Q31.windows(2).all(|w| w[0] > w[1]));
        // 2^(-128/256) = 1/sqrt(2)
        let half = f64::from(EXP2_Q31[128]) / f64::from(1u32 << 31);
        assert!((half - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-8);
    }

    #[test]
    fn bit_probabilities_follow_the_byte_distribution() {
        let mut logits = vec![-(30 << LOGIT_FRAC); 256];
        logits[usize::from(b'e')] = 0;
        let table = softmax_table(&logits).unwrap();
        // 'e' = 0b0110_0101: first bit 0, second 1, third 1.
        assert!(bit_probability(&table, 1, 0) < 100);
        assert!(bit_probability(&table, 0b10, 1) > 65_000);
        assert!(bit_probability(&table, 0b101, 2) > 65_000);
        let uniform = softmax_table(&[0; 256]).unwrap();
        assert_eq!(bit_probability(&uniform, 1, 0), 32768);
    }
}
