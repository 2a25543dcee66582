//! The last mixing stage of `lm`: combines the `cm` predictor's probability with the
//! language model's, with weights learned online per (bit position, model confidence).

use crate::codecs::cm::logistic::{squash, stretch, STRETCH_MAX};

/// Weight sets: 8 bit positions × 8 confidence levels of the language model.
const SETS: usize = 64;

/// A two-input logistic mixer with 16.16 fixed-point weights.
#[derive(Debug, Clone)]
pub struct FinalMixer {
    weights: [[i32; 2]; SETS],
    selected: usize,
    inputs: [i32; 2],
    pr: u32,
}

impl Default for FinalMixer {
    fn default() -> Self {
        Self::new()
    }
}

impl FinalMixer {
    /// Starts out trusting `cm` fully and the language model not at all; the weights
    /// move towards whatever codes better.
    pub fn new() -> Self {
        Self {
            weights: [[1 << 16, 0]; SETS],
            selected: 0,
            inputs: [0; 2],
            pr: 1 << 15,
        }
    }

    /// P(bit = 1) (16-bit) from `cm`'s `p_cm` and the language model's `p_lm` (both
    /// 16-bit) at bit `bitpos` (0..8) of the byte.
    #[inline]
    pub fn mix(&mut self, p_cm: u32, p_lm: u32, bitpos: u32) -> u32 {
        let st_cm = i32::from(stretch(p_cm >> 4));
        let st_lm = i32::from(stretch(p_lm >> 4));
        let confidence = (st_lm.unsigned_abs() >> 8).min(7) as usize;
        self.selected = ((bitpos as usize & 7) << 3 | confidence) & (SETS - 1);
        self.inputs = [st_cm, st_lm];
        let w = self.weights[self.selected];
        let dot = (i64::from(w[0]) * i64::from(st_cm) + i64::from(w[1]) * i64::from(st_lm)) >> 16;
        let dot = dot.clamp(-i64::from(STRETCH_MAX), i64::from(STRETCH_MAX)) as i32;
        self.pr = squash(dot);
        self.pr
    }

    /// Trains the weights used by the last [`mix`](Self::mix) towards `bit`.
    #[inline]
    pub fn update(&mut self, bit: bool) {
        let err = ((i32::from(bit) << 16) - self.pr as i32) >> 4; // ±4096
        let w = &mut self.weights[self.selected];
        for (weight, &x) in w.iter_mut().zip(&self.inputs) {
            let delta = (i64::from(x) * i64::from(err) * 6) >> 10;
            *weight = (i64::from(*weight) + delta).clamp(-(1 << 20), 1 << 20) as i32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_as_cm_and_learns_to_trust_a_good_model() {
        let mut m = FinalMixer::new();
        let first = m.mix(40_000, 2_000, 0);
        assert!((i64::from(first) - 40_000).abs() < 600, "{first}");
        // The language model is always right, cm is a coin toss.
        for _ in 0..2000 {
            m.mix(32_768, 60_000, 0);
            m.update(true);
        }
        assert!(m.mix(32_768, 60_000, 0) > 55_000);
    }
}
