//! Adaptive probability maps (secondary symbol estimation): refine a probability given a
//! context by interpolating between 33 learned points along the stretched input.

use super::logistic::Logistic;

/// An APM with a fixed number of contexts.
pub struct Apm {
    t: Vec<u16>,
    contexts: usize,
    index: usize,
    rate: u32,
}

impl Apm {
    /// `contexts` contexts (rounded up to a power of two), each starting as the identity
    /// map; `rate` is the update shift.
    pub fn new(contexts: usize, rate: u32, lg: &Logistic) -> Self {
        let contexts = contexts.max(1).next_power_of_two();
        let mut t = Vec::with_capacity(contexts * 33);
        for _ in 0..contexts {
            for j in 0..33i32 {
                t.push(lg.squash((j - 16) * 128).clamp(16, 65520) as u16);
            }
        }
        Self {
            t,
            contexts,
            index: 0,
            rate,
        }
    }

    /// The refined 16-bit probability of stretched input `st` in context `cx` (wrapped into
    /// range).
    #[inline(always)]
    pub fn p(&mut self, st: i32, cx: usize) -> u32 {
        let s = (st.clamp(-2047, 2047) + 2048) as u32;
        let lo = (s >> 7) as usize;
        let w = s & 127;
        let base = (cx & (self.contexts - 1)) * 33 + lo;
        // Remember the nearer of the two points for the update.
        self.index = base + (w >> 6) as usize;
        let a = u32::from(self.t[base]);
        let b = u32::from(self.t[(base + 1).min(self.t.len() - 1)]);
        (a * (128 - w) + b * w) >> 7
    }

    /// Moves the point used by the last [`p`](Self::p) towards `bit`.
    #[inline(always)]
    pub fn update(&mut self, bit: u32) {
        let i = self.index.min(self.t.len() - 1);
        let v = i32::from(self.t[i]);
        let target = if bit != 0 { 65535 } else { 0 };
        let nv = v + ((target - v) >> self.rate);
        self.t[i] = nv.clamp(16, 65520) as u16;
    }
}
