//! Adaptive probability maps (secondary symbol estimation): refine a probability given a
//! context by interpolating between 33 learned points along the stretched input.

use super::logistic::{squash, STRETCH_MAX};

/// Update shift: each update moves a point 1/128 of the way to the coded bit.
const RATE: u32 = 7;

/// An APM with a fixed number of contexts.
pub struct Apm {
    /// One row of 33 points per context.
    t: Vec<[u16; 33]>,
    /// `t.len() - 1` (a power of two minus one).
    mask: usize,
    /// Row and point of the last [`p`](Self::p), updated by [`update`](Self::update).
    row: usize,
    col: usize,
}

impl Apm {
    /// `contexts` contexts (rounded up to a power of two), each starting as the identity
    /// map.
    pub fn new(contexts: usize) -> Self {
        let contexts = contexts.max(1).next_power_of_two();
        let mut row = [0u16; 33];
        for (j, v) in row.iter_mut().enumerate() {
            *v = squash(((j as i32 - 16) * 128).clamp(-STRETCH_MAX, STRETCH_MAX)).clamp(16, 65520)
                as u16;
        }
        Self {
            t: vec![row; contexts],
            mask: contexts - 1,
            row: 0,
            col: 0,
        }
    }

    /// The refined 16-bit probability of stretched input `st` (in `[-2047, 2047]`) in
    /// context `cx` (modulo the number of contexts).
    #[inline(always)]
    pub fn p(&mut self, st: i32, cx: usize) -> u32 {
        let s = (st + 2048) as u32 & 4095;
        let lo = (s >> 7) as usize;
        let w = s & 127;
        self.row = cx & self.mask;
        // Remember the nearer of the two points for the update.
        self.col = lo + (w >> 6) as usize;
        let Some(r) = self.t.get(self.row) else {
            return 32768;
        };
        let a = u32::from(r[lo]);
        let b = u32::from(r[lo + 1]);
        (a * (128 - w) + b * w) >> 7
    }

    /// Moves the point used by the last [`p`](Self::p) towards `bit` (0 or 1).
    #[inline(always)]
    pub fn update(&mut self, bit: u32) {
        if let Some(v) = self.t.get_mut(self.row).and_then(|r| r.get_mut(self.col)) {
            let v16 = i32::from(*v);
            let target = if bit != 0 { 65535 } else { 0 };
            // Moves less than the distance to the target: stays in `[0, 65535]`.
            *v = (v16 + ((target - v16) >> RATE)) as u16;
        }
    }
}
