//! Fixed-point logistic functions: `squash` (stretch domain to probability) and its
//! inverse `stretch`, both as integer lookup tables.
//!
//! The stretch domain is `ln(p / (1 - p))` scaled by 256 and limited to `[-2047, 2047]`;
//! probabilities are 16-bit (`P(1) * 65536`).

/// `65536 / (1 + exp(-x / 256))` for `x = -2048, -1920, ..., 2048`, rounded; the knots
/// the squash table interpolates between.
const KNOTS: [i32; 33] = [
    22, 36, 60, 98, 162, 267, 439, 720, 1179, 1921, 3108, 4971, 7812, 11955, 17625, 24743, 32768,
    40793, 47911, 53581, 57724, 60565, 62428, 63615, 64357, 64816, 65097, 65269, 65374, 65438,
    65476, 65500, 65514,
];

/// Largest magnitude of a stretched value.
pub const STRETCH_MAX: i32 = 2047;

/// Lookup tables for the logistic function and its inverse.
pub struct Logistic {
    /// `squash[x + 2048]` for `x` in `[-2048, 2047]`.
    squash: Box<[u16; 4096]>,
    /// `stretch[p >> 4]`: the stretched value of a 16-bit probability.
    stretch: Box<[i16; 4096]>,
}

impl Logistic {
    /// Builds both tables (integer arithmetic only).
    pub fn new() -> Self {
        let mut squash = Box::new([0u16; 4096]);
        for (i, s) in squash.iter_mut().enumerate() {
            let k = i >> 7;
            let w = (i & 127) as i32;
            let v = if k >= 32 {
                KNOTS[32]
            } else {
                (KNOTS[k] * (128 - w) + KNOTS[k + 1] * w + 64) >> 7
            };
            *s = v.clamp(1, 65535) as u16;
        }
        // Inverse: for each 12-bit probability bucket, the smallest x whose squash reaches
        // the middle of the bucket.
        let mut stretch = Box::new([0i16; 4096]);
        let mut x = 0usize;
        for (j, st) in stretch.iter_mut().enumerate() {
            let target = (j as u32) * 16 + 8;
            while x < 4095 && u32::from(squash[x]) < target {
                x += 1;
            }
            *st = (x as i32 - 2048).clamp(-STRETCH_MAX, STRETCH_MAX) as i16;
        }
        Self { squash, stretch }
    }

    /// Probability (16-bit) of a stretched value; `x` is clamped to `[-2047, 2047]`.
    #[inline(always)]
    pub fn squash(&self, x: i32) -> u32 {
        let i = (x.clamp(-STRETCH_MAX, STRETCH_MAX) + 2048) as usize;
        u32::from(self.squash[i & 4095])
    }

    /// Stretched value of a 16-bit probability.
    #[inline(always)]
    pub fn stretch(&self, p: u32) -> i32 {
        i32::from(self.stretch[((p >> 4) & 4095) as usize])
    }
}

impl Default for Logistic {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squash_and_stretch_are_monotone_inverses() {
        let l = Logistic::new();
        let mut prev = 0;
        for x in -2047..=2047 {
            let p = l.squash(x);
            assert!(p >= prev);
            prev = p;
            let back = l.stretch(p);
            if x.abs() <= 1200 {
                assert!((back - x).abs() <= 40, "x={x} p={p} back={back}");
            }
        }
        assert_eq!(l.squash(0), 32768);
    }
}
