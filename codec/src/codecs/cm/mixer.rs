//! A gated logistic mixer: a single-layer network that combines stretched predictions
//! with a weight vector chosen by a small context, trained online to minimise coding cost.
//!
//! Inputs and weights are 16-bit, so the dot product and the update are a few SIMD
//! instructions: with inputs in `[-2047, 2047]` and weights in `[-32768, 32767]` no
//! product sum can overflow 32 bits.

use super::logistic::{squash, STRETCH_MAX};

/// Number of inputs of `cm`'s mixer (unused inputs stay zero).
pub const INPUTS: usize = 8;

/// Number of weight vectors; selectors are taken modulo this.
pub const SETS: usize = 1024;

/// Fixed-point scale of a weight: `1 << WEIGHT_SHIFT` is 1.0.
const WEIGHT_SHIFT: u32 = 13;

/// Weight vectors of `N` 16-bit weights (1.0 is `1 << 13`), one per selector.
#[derive(Clone)]
pub struct Mixer<const N: usize = INPUTS> {
    weights: Box<[[i16; N]; SETS]>,
    selected: usize,
    /// Last output as a 16-bit probability.
    pr: u32,
}

impl<const N: usize> Mixer<N> {
    /// A mixer with all weights at `init` (1.0 is `1 << 13`).
    pub fn new(init: i16) -> Self {
        let weights: Box<[[i16; N]]> = vec![[init; N]; SETS].into_boxed_slice();
        let Ok(weights) = weights.try_into() else {
            unreachable!("the vector has SETS entries")
        };
        Self {
            weights,
            selected: 0,
            pr: 32768,
        }
    }

    /// Sets every weight vector to `weights`.
    pub fn fill(&mut self, weights: [i16; N]) {
        for w in self.weights.iter_mut() {
            *w = weights;
        }
    }

    /// Weight vector `set` (modulo [`SETS`]).
    pub fn weights(&self, set: usize) -> [i16; N] {
        self.weights[set & (SETS - 1)]
    }

    /// Replaces weight vector `set` (modulo [`SETS`]).
    pub fn set_weights(&mut self, set: usize, weights: [i16; N]) {
        self.weights[set & (SETS - 1)] = weights;
    }

    /// Mixes `inputs` (each in `[-2047, 2047]`) with weight vector `set` (modulo
    /// [`SETS`]); returns the stretched output and its probability.
    #[inline(always)]
    pub fn mix(&mut self, inputs: &[i16; N], set: usize) -> (i32, u32) {
        self.selected = set & (SETS - 1);
        let (dot, pr) = self.predict(inputs, set);
        self.pr = pr;
        (dot, pr)
    }

    /// What [`mix`](Self::mix) would return, without remembering it for an update.
    #[inline(always)]
    pub fn predict(&self, inputs: &[i16; N], set: usize) -> (i32, u32) {
        let w = &self.weights[set & (SETS - 1)];
        let mut sum: i32 = 0;
        for i in 0..N {
            sum += i32::from(inputs[i]) * i32::from(w[i]);
        }
        let dot = (sum >> WEIGHT_SHIFT).clamp(-STRETCH_MAX, STRETCH_MAX);
        (dot, squash(dot))
    }

    /// Trains weight vector `set`, which predicted `pr` (from [`predict`](Self::predict))
    /// for `inputs`, towards `bit`.
    #[inline(always)]
    pub fn train(&mut self, inputs: &[i16; N], set: usize, pr: u32, bit: u32) {
        // Error in 1/16384 (at most 2^14 in magnitude, so it fits 16 bits).
        let err = ((((bit & 1) << 16) as i32 - pr as i32) >> 2) as i16;
        let w = &mut self.weights[set & (SETS - 1)];
        for i in 0..N {
            let d = ((i32::from(inputs[i]) * i32::from(err)) >> 16) as i16;
            w[i] = w[i].saturating_add((d + 1) >> 1);
        }
    }

    /// Trains the weights used by the last [`mix`](Self::mix) towards `bit`.
    #[inline(always)]
    pub fn update(&mut self, inputs: &[i16; N], bit: u32) {
        self.train(inputs, self.selected, self.pr, bit);
    }
}
