//! Adaptive bit statistics: bit-history states (one byte per context) and maps from a
//! small context (such as a state) to an adaptive probability.

/// Largest count a bit history keeps for one bit value, by the count of the other value.
///
/// Histories with both bits seen keep smaller counts: they are less predictable and their
/// older statistics go stale sooner.
const fn count_limit(other: u32) -> u32 {
    match other {
        0 => 47,
        1 => 24,
        2 => 14,
        3 => 8,
        4 => 6,
        _ => 5,
    }
}

/// The bit-history state machine: each state stands for a pair `(n0, n1)` of recent
/// counts of zeros and ones; state 0 is the empty history `(0, 0)`, so zeroed memory is
/// a valid "never seen" history.
pub struct StateTable {
    /// `next[state * 2 + bit]`: the state after seeing `bit`.
    next: Vec<u8>,
    /// `(n0, n1)` of each state.
    counts: Vec<(u16, u16)>,
}

impl StateTable {
    /// Enumerates the states reachable from the empty history.
    pub fn new() -> Self {
        let mut counts: Vec<(u16, u16)> = vec![(0, 0)];
        let mut next: Vec<u8> = Vec::new();
        let mut i = 0;
        while i < counts.len() {
            let (n0, n1) = counts[i];
            for bit in 0..2 {
                let succ = Self::successor(u32::from(n0), u32::from(n1), bit);
                let succ = (succ.0 as u16, succ.1 as u16);
                let idx = match counts.iter().position(|&c| c == succ) {
                    Some(idx) => idx,
                    None => {
                        counts.push(succ);
                        counts.len() - 1
                    }
                };
                // The limits above keep the machine below 256 states (checked in tests).
                next.push(idx.min(255) as u8);
            }
            i += 1;
        }
        next.resize(512, 0);
        Self { next, counts }
    }

    fn successor(n0: u32, n1: u32, bit: u32) -> (u32, u32) {
        let (mut same, mut other) = if bit == 1 { (n1, n0) } else { (n0, n1) };
        if other > 2 {
            other = other / 2 + 1;
        }
        same = (same + 1).min(count_limit(other));
        if bit == 1 {
            (other, same)
        } else {
            (same, other)
        }
    }

    /// Number of states.
    pub fn num_states(&self) -> usize {
        self.counts.len()
    }

    /// The state after `state` sees `bit`.
    #[inline(always)]
    pub fn next(&self, state: u8, bit: u32) -> u8 {
        self.next[(usize::from(state) * 2 + (bit as usize & 1)) & 511]
    }

    /// `(n0, n1)` of `state` (zeros for states past the end).
    pub fn counts(&self, state: u8) -> (u32, u32) {
        self.counts
            .get(usize::from(state))
            .map_or((0, 0), |&(a, b)| (u32::from(a), u32::from(b)))
    }

    /// Replacement priority of a state: how much evidence it holds.
    pub fn priority(&self, state: u8) -> u32 {
        let (n0, n1) = self.counts(state);
        n0 + n1
    }
}

impl Default for StateTable {
    fn default() -> Self {
        Self::new()
    }
}

/// `RECIP[n] = 2^17 / (2n + 3)`: the adaptation rate `1 / (n + 1.5)` in 16-bit fixed point.
static RECIP: [u32; 1024] = {
    let mut t = [0u32; 1024];
    let mut n = 0;
    while n < 1024 {
        t[n] = (1u32 << 17) / (2 * n as u32 + 3);
        n += 1;
    }
    t
};

/// A table of adaptive probabilities indexed by a small context.
///
/// Each entry holds a 22-bit probability and a 10-bit count of updates; the update rate is
/// `1 / (count + 1.5)` until the count reaches the map's limit, so new contexts learn fast
/// and old ones settle down.
pub struct AdaptiveMap {
    t: Vec<u32>,
    mask: usize,
    limit: u32,
}

impl AdaptiveMap {
    /// `size` (a power of two) entries at probability 1/2, counts limited to `limit`
    /// (at most 1023).
    pub fn new(size: usize, limit: u32) -> Self {
        let size = size.next_power_of_two().max(1);
        Self {
            t: vec![1u32 << 31; size],
            mask: size - 1,
            limit: limit.min(1023),
        }
    }

    /// Sets entry `i` to probability `p16` (16-bit) with count `n`.
    pub fn set(&mut self, i: usize, p16: u32, n: u32) {
        let p = p16.clamp(64, 65472) << 16;
        self.t[i & self.mask] = (p & !1023) | n.min(self.limit);
    }

    /// 16-bit probability of entry `i`.
    #[inline(always)]
    pub fn p(&self, i: usize) -> u32 {
        self.t[i & self.mask] >> 16
    }

    /// Moves entry `i` towards `bit`.
    #[inline(always)]
    pub fn update(&mut self, i: usize, bit: u32) {
        let e = &mut self.t[i & self.mask];
        let n = *e & 1023;
        let p = (*e >> 10) as i32; // 22-bit probability
        let target = if bit != 0 { (1 << 22) - 1 } else { 0 };
        let rate = i64::from(RECIP[(n & 1023) as usize]);
        let np = p + (((target - p) as i64 * rate) >> 16) as i32;
        let np = np.clamp(1 << 6, (1 << 22) - (1 << 6)) as u32;
        let nn = if n < self.limit { n + 1 } else { n };
        *e = (np << 10) | nn;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_table_fits_in_a_byte_and_is_closed() {
        let t = StateTable::new();
        assert!(t.num_states() <= 256, "{} states", t.num_states());
        for s in 0..t.num_states() {
            for bit in 0..2 {
                assert!(usize::from(t.next(s as u8, bit)) < t.num_states());
            }
        }
        // Long runs saturate.
        let mut s = 0u8;
        for _ in 0..100 {
            s = t.next(s, 1);
        }
        assert_eq!(t.counts(s), (0, 47));
    }

    #[test]
    fn adaptive_map_learns() {
        let mut m = AdaptiveMap::new(4, 255);
        for _ in 0..200 {
            m.update(1, 1);
            m.update(2, 0);
        }
        assert!(m.p(1) > 64000);
        assert!(m.p(2) < 1500);
        assert_eq!(m.p(0), 32768);
    }
}
