//! The mixing stage of `lm`: combines the language model's bit probability with the
//! `cm` predictor's adaptive contexts.
//!
//! Per bit, a second-layer network takes the eight stretched inputs of `cm`'s own mixer
//! (order-1, hashed order-2/3/5 and word contexts, match model, bias), `cm`'s final
//! probability, the language model's probability, and that probability refined by an
//! [`Apm`] in the context of the partial byte and the previous byte's low bits (which
//! recalibrates the frozen network on this file). Two mixers with different weight-set
//! selectors combine them: one chosen by `cm`'s selector (partial byte and match state),
//! one by the bit position and how confident the language model is. Their average goes
//! through a final [`Apm`] keyed by the language model's confidence and the partial
//! byte. Everything is integer, like `cm`.

use crate::codecs::cm::apm::Apm;
use crate::codecs::cm::logistic::{squash, stretch, STRETCH_MAX};
use crate::codecs::cm::mixer::{Mixer, INPUTS};
use crate::codecs::cm::model::Predictor;

/// Inputs of the second-layer mixers (`cm`'s, then three more, then zero padding).
const N: usize = 16;

/// Confidence levels of the language model used as context (its stretched
/// probability, sign included, in 16 steps).
const LEVELS: u32 = 16;

/// Quantizes a stretched probability into one of [`LEVELS`] levels.
#[inline(always)]
fn level(st: i32) -> u32 {
    ((st + 2048) as u32 >> 8).min(LEVELS - 1)
}

/// Second-layer mixing of a language model with `cm`'s contexts.
pub struct LmMixer {
    by_context: Mixer<N>,
    by_confidence: Mixer<N>,
    by_last_byte: Mixer<N>,
    lm_apm: Apm,
    final_apm: Apm,
    order1_apm: Apm,
    inputs: [i16; N],
    pr: u32,
}

impl Default for LmMixer {
    fn default() -> Self {
        Self::new()
    }
}

impl LmMixer {
    /// A fresh mixing stage. Its mixers start by weighting `cm`'s final probability and
    /// the language model's equally.
    pub fn new() -> Self {
        let mut by_context = Mixer::<N>::new(0);
        let mut by_confidence = Mixer::<N>::new(0);
        let mut by_last_byte = Mixer::<N>::new(0);
        let mut start = [0i16; N];
        start[INPUTS] = 1 << 12; // cm's final probability, weight 0.5
        start[INPUTS + 1] = 1 << 12; // the language model, weight 0.5
        by_context.fill(start);
        by_confidence.fill(start);
        by_last_byte.fill(start);
        Self {
            by_context,
            by_confidence,
            by_last_byte,
            lm_apm: Apm::new(1 << 12),
            final_apm: Apm::new(256 * LEVELS as usize),
            order1_apm: Apm::new(1 << 16),
            inputs: [0; N],
            pr: 1 << 15,
        }
    }

    /// P(bit = 1) (16-bit) from `cm`'s predictor state and the language model's
    /// probability `p_lm` (16-bit) at bit `bitpos` (0..8) of the byte.
    #[inline]
    pub fn mix(&mut self, cm: &Predictor, p_lm: u32, bitpos: u32) -> u32 {
        let c0 = cm.partial_byte();
        let c1 = u32::from(cm.last_byte());
        let st_lm = stretch(p_lm >> 4);
        let st_cm = stretch(cm.p() >> 4);
        let refined = self
            .lm_apm
            .p(i32::from(st_lm), (c0 | (c1 & 15) << 8) as usize);
        let mut inputs = [0i16; N];
        inputs[..INPUTS].copy_from_slice(cm.inputs());
        inputs[INPUTS] = st_cm;
        inputs[INPUTS + 1] = st_lm;
        inputs[INPUTS + 2] = stretch(refined >> 4);
        self.inputs = inputs;
        let lvl = level(i32::from(st_lm));
        let (d1, _) = self.by_context.mix(&inputs, cm.mixer_selector());
        let (d2, _) = self
            .by_confidence
            .mix(&inputs, ((bitpos & 7) * LEVELS + lvl) as usize);
        let (d3, _) = self
            .by_last_byte
            .mix(&inputs, ((c1 & 127) << 3 | (bitpos & 7)) as usize);
        let dot = ((d1 + d2 + d3) / 3).clamp(-STRETCH_MAX, STRETCH_MAX);
        let mixed = squash(dot);
        let a = self.final_apm.p(dot, (c0 | lvl << 8) as usize);
        let b = self.order1_apm.p(dot, (c0 | c1 << 8) as usize);
        self.pr = (mixed * 2 + a * 3 + b * 3 + 4) >> 3;
        self.pr
    }

    /// Trains every stage used by the last [`mix`](Self::mix) towards `bit`.
    #[inline]
    pub fn update(&mut self, bit: bool) {
        let y = u32::from(bit);
        self.by_context.update(&self.inputs, y);
        self.by_confidence.update(&self.inputs, y);
        self.by_last_byte.update(&self.inputs, y);
        self.lm_apm.update(y);
        self.final_apm.update(y);
        self.order1_apm.update(y);
    }
}
