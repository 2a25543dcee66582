//! Adaptive bit statistics: bit-history states (one byte per context) and adaptive
//! probabilities ([`Counter`]) that tables of them map small contexts (such as a state) to.

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
    /// `next[state][bit]`: the state after seeing `bit`.
    pub next: [[u8; 2]; 256],
    /// `(n0, n1)` of each state (zeros past the end).
    counts: [(u8, u8); 256],
    /// Number of states.
    len: usize,
}

impl StateTable {
    /// Enumerates the states reachable from the empty history.
    pub fn new() -> Self {
        let mut counts: Vec<(u8, u8)> = vec![(0, 0)];
        let mut next = [[0u8; 2]; 256];
        let mut i = 0;
        while i < counts.len() && i < 256 {
            let (n0, n1) = counts[i];
            for bit in 0..2 {
                let succ = Self::successor(u32::from(n0), u32::from(n1), bit);
                let succ = (succ.0 as u8, succ.1 as u8);
                let idx = match counts.iter().position(|&c| c == succ) {
                    Some(idx) => idx,
                    None => {
                        counts.push(succ);
                        counts.len() - 1
                    }
                };
                // The limits above keep the machine below 256 states (checked in tests).
                next[i][bit as usize] = idx.min(255) as u8;
            }
            i += 1;
        }
        let len = counts.len();
        let mut table = [(0u8, 0u8); 256];
        for (t, &c) in table.iter_mut().zip(counts.iter()) {
            *t = c;
        }
        Self {
            next,
            counts: table,
            len,
        }
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
        self.len
    }

    /// The state after `state` sees `bit` (0 or 1).
    #[inline(always)]
    pub fn next(&self, state: u8, bit: u32) -> u8 {
        self.next[usize::from(state)][bit as usize & 1]
    }

    /// `(n0, n1)` of `state` (zeros for states past the end).
    pub fn counts(&self, state: u8) -> (u32, u32) {
        let (a, b) = self.counts[usize::from(state)];
        (u32::from(a), u32::from(b))
    }

    /// Replacement priority of a state: how much evidence it holds.
    pub fn priority(&self, state: u8) -> u8 {
        let (n0, n1) = self.counts[usize::from(state)];
        n0.saturating_add(n1)
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

/// An adaptive probability: a 22-bit probability of a 1 above a 10-bit count of updates.
///
/// The update rate is `1 / (count + 1.5)` until the count reaches a limit, so new contexts
/// learn fast and old ones settle down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counter(u32);

impl Counter {
    /// Probability 1/2, no updates yet.
    pub const HALF: Self = Self(1 << 31);

    /// Probability `p16` (16-bit, kept away from 0 and 1) with count `n` (at most 1023).
    pub fn new(p16: u32, n: u32) -> Self {
        Self((p16.clamp(64, 65472) << 16 & !1023) | n.min(1023))
    }

    /// How many updates the probability has seen (up to the update limit), which sets
    /// how fast it still moves.
    pub fn count(self) -> u32 {
        self.0 & 1023
    }

    /// 16-bit probability.
    #[inline(always)]
    pub fn p16(self) -> u32 {
        self.0 >> 16
    }

    /// 12-bit probability, the index of [`stretch`](super::logistic::stretch).
    #[inline(always)]
    pub fn p12(self) -> u32 {
        self.0 >> 20
    }

    /// Moves the probability towards `bit` (0 or 1) and counts the update, up to `limit`
    /// (at most 1023).
    ///
    /// The rate is below 1, so the probability never leaves `[0, 2^22 - 1]`.
    #[inline(always)]
    pub fn update(&mut self, bit: u32, limit: u32) {
        let e = self.0;
        let n = e & 1023;
        let p = (e >> 10) as i32;
        let target = ((bit & 1) << 22) as i32 - (bit & 1) as i32;
        let rate = i64::from(RECIP[n as usize]);
        let np = p + (((target - p) as i64 * rate) >> 16) as i32;
        self.0 = ((np as u32) << 10) | (n + u32::from(n < limit));
    }
}

/// An adaptive probability with a fixed rate: a 32-bit probability of a 1 that each
/// update moves `2^-RATE` of the way to the coded bit. Cheaper than [`Counter`]; for
/// contexts seen so often that a count-based rate would sit at its limit anyway.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FastCounter<const RATE: u32>(u32);

impl<const RATE: u32> FastCounter<RATE> {
    /// Probability 1/2.
    pub const HALF: Self = Self(1 << 31);

    /// Probability `p16` (16-bit).
    pub fn new(p16: u32) -> Self {
        Self(p16.min(65535) << 16)
    }

    /// 12-bit probability, the index of [`stretch`](super::logistic::stretch).
    #[inline(always)]
    pub fn p12(self) -> u32 {
        self.0 >> 20
    }

    /// 16-bit probability.
    #[inline(always)]
    pub fn p16(self) -> u32 {
        self.0 >> 16
    }

    /// Moves the probability towards `bit` (0 or 1); it stays in `[0, 2^32 - 1]`.
    #[inline(always)]
    pub fn update(&mut self, bit: u32) {
        // Branch-free: the bit is hard to predict.
        let p = i64::from(self.0);
        let target = (i64::from(bit & 1) << 32) - i64::from(bit & 1);
        self.0 = (p + ((target - p) >> RATE)) as u32;
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
    fn counter_learns_and_stays_in_range() {
        let mut one = Counter::HALF;
        let mut zero = Counter::HALF;
        assert_eq!(one.p16(), 32768);
        for _ in 0..2000 {
            one.update(1, 255);
            zero.update(0, 255);
        }
        assert!(one.p16() > 65000, "{}", one.p16());
        assert!(zero.p16() < 500, "{}", zero.p16());
        // Alternating extremes with the fastest rate never wrap.
        let mut c = Counter::new(65535, 0);
        for i in 0..100 {
            let before = c.p16();
            c = Counter::new(before, 0);
            c.update(i & 1, 0);
            assert!(c.p12() < 4096);
        }
    }
}
