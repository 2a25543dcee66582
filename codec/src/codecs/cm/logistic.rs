//! Fixed-point logistic functions: [`squash`] (stretch domain to probability) and its
//! inverse [`stretch`], both as integer lookup tables built at compile time.
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

/// `SQUASH[x + 2048]` for `x` in `[-2048, 2047]`.
static SQUASH: [u16; 4096] = {
    let mut t = [0u16; 4096];
    let mut i = 0;
    while i < 4096 {
        let k = i >> 7;
        let w = (i & 127) as i32;
        let v = if k >= 32 {
            KNOTS[32]
        } else {
            (KNOTS[k] * (128 - w) + KNOTS[k + 1] * w + 64) >> 7
        };
        t[i] = if v < 1 { 1 } else { v as u16 };
        i += 1;
    }
    t
};

/// `STRETCH[p >> 4]`: the stretched value of a 16-bit probability `p`. For each 12-bit
/// probability bucket, the smallest x whose squash reaches the middle of the bucket.
static STRETCH: [i16; 4096] = {
    let mut t = [0i16; 4096];
    let mut x = 0usize;
    let mut j = 0;
    while j < 4096 {
        let target = (j as u32) * 16 + 8;
        while x < 4095 && (SQUASH[x] as u32) < target {
            x += 1;
        }
        let mut v = x as i32 - 2048;
        if v < -STRETCH_MAX {
            v = -STRETCH_MAX;
        }
        t[j] = v as i16;
        j += 1;
    }
    t
};

/// Probability (16-bit) of a stretched value `x` in `[-2047, 2047]` (other values wrap).
#[inline(always)]
pub fn squash(x: i32) -> u32 {
    u32::from(SQUASH[(x + 2048) as usize & 4095])
}

/// Stretched value (in `[-2047, 2047]`) of a 12-bit probability `p12` (`P(1) * 4096`; higher bits are ignored).
#[inline(always)]
pub fn stretch(p12: u32) -> i16 {
    STRETCH[p12 as usize & 4095]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squash_and_stretch_are_monotone_inverses() {
        let mut prev = 0;
        for x in -2047..=2047 {
            let p = squash(x);
            assert!(p >= prev);
            prev = p;
            let back = i32::from(stretch(p >> 4));
            if x.abs() <= 1200 {
                assert!((back - x).abs() <= 40, "x={x} p={p} back={back}");
            }
        }
        assert_eq!(squash(0), 32768);
        assert!(i32::from(stretch(0)) >= -STRETCH_MAX && i32::from(stretch(4095)) <= STRETCH_MAX);
    }
}
