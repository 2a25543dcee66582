//! A gated logistic mixer: a single-layer network that combines stretched predictions
//! with a weight vector chosen by a small context, trained online to minimise coding cost.

use super::logistic::{Logistic, STRETCH_MAX};

/// Number of inputs (unused inputs stay zero).
pub const INPUTS: usize = 10;

/// Weight vectors of [`INPUTS`] fixed-point (16.16) weights, one per selector value.
pub struct Mixer {
    weights: Vec<[i32; INPUTS]>,
    selected: usize,
    /// Last output as a stretched value and as a 16-bit probability.
    dot: i32,
    pr: u32,
    rate: i32,
}

impl Mixer {
    /// A mixer with `sets` weight vectors, all starting at `init` (16.16), and learning
    /// rate `rate`.
    pub fn new(sets: usize, init: i32, rate: i32) -> Self {
        Self {
            weights: vec![[init; INPUTS]; sets.max(1)],
            selected: 0,
            dot: 0,
            pr: 32768,
            rate,
        }
    }

    /// Mixes `inputs` with weight vector `set` (wrapped into range); returns the stretched
    /// output.
    #[inline(always)]
    pub fn mix(&mut self, inputs: &[i32; INPUTS], set: usize, lg: &Logistic) -> i32 {
        self.selected = set.min(self.weights.len() - 1);
        let w = &self.weights[self.selected];
        let mut sum: i64 = 0;
        for i in 0..INPUTS {
            sum += i64::from(inputs[i]) * i64::from(w[i]);
        }
        let dot = ((sum >> 16) as i32).clamp(-STRETCH_MAX, STRETCH_MAX);
        self.dot = dot;
        self.pr = lg.squash(dot);
        dot
    }

    /// Trains the weights used by the last [`mix`](Self::mix) towards `bit`.
    #[inline(always)]
    pub fn update(&mut self, inputs: &[i32; INPUTS], bit: u32) {
        let target = if bit != 0 { 65536 } else { 0 };
        let err = ((target - self.pr as i32) * self.rate) >> 4;
        if err == 0 {
            return;
        }
        let w = &mut self.weights[self.selected];
        for i in 0..INPUTS {
            w[i] = w[i].saturating_add((inputs[i] * err) >> 16);
        }
    }
}
