//! Turning a distribution over tokens into binary decisions over bytes.
//!
//! A token language model predicts the next *token*; the coder codes its *bytes*, so that
//! the byte-level context models of `cm` can be mixed in bit by bit. With the vocabulary
//! sorted by the tokens' bytes, the tokens that extend a prefix form a contiguous range,
//! and so do those whose next byte starts with given bits. Coding a token is then a walk
//! down that order: at each depth, "does the token end here?" (only when the prefix is
//! itself a token and longer ones exist), then the next byte's 8 bits, each with the
//! probability mass of its half of the range. Decisions with one possible outcome cost
//! nothing and are not coded. All sums are integers, so encoder and decoder agree.

/// The vocabulary in byte order, with the running sums of one prediction.
#[derive(Debug, Clone)]
pub struct TokenTree {
    /// Token ids in lexicographic order of their bytes.
    order: Vec<u32>,
    /// `starts[k]..starts[k + 1]` are the bytes of `order[k]` in `bytes`.
    starts: Vec<usize>,
    bytes: Vec<u8>,
    /// `cum[k]`: the weight of `order[..k]` in the current prediction.
    cum: Vec<u64>,
}

/// Where a walk stands inside the sorted vocabulary while one token is being coded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Walk {
    /// Range of sorted positions still possible.
    lo: usize,
    hi: usize,
    /// Bytes of the token decided so far.
    depth: usize,
    /// Bits of the current byte decided so far, with a leading 1.
    partial: u32,
}

/// The next decision of a [`Walk`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The token is complete: its id.
    Done(u32),
    /// Whether the token ends here; `p_end` is the model's probability of ending
    /// (16-bit, in `1..=65535`).
    End {
        /// P(end) in units of 2^-16.
        p_end: u32,
    },
    /// The end is decided without coding (`true`: the token ends here).
    ForcedEnd(bool),
    /// The next bit of the byte at the current depth; `p1` is the model's probability of
    /// a 1 (16-bit, in `1..=65535`).
    Bit {
        /// P(bit = 1) in units of 2^-16.
        p1: u32,
    },
    /// The next bit is decided without coding.
    ForcedBit(bool),
}

impl TokenTree {
    /// Builds the tree of a vocabulary given each token's bytes (index = token id).
    /// Every token must be non-empty and distinct.
    pub fn new(tokens: &[&[u8]]) -> Self {
        let mut order: Vec<u32> = (0..tokens.len() as u32).collect();
        order.sort_by(|&a, &b| tokens[a as usize].cmp(tokens[b as usize]));
        let mut starts = Vec::with_capacity(order.len() + 1);
        let mut bytes = Vec::new();
        for &id in &order {
            starts.push(bytes.len());
            bytes.extend_from_slice(tokens[id as usize]);
        }
        starts.push(bytes.len());
        Self {
            cum: vec![0; order.len() + 1],
            order,
            starts,
            bytes,
        }
    }

    /// Loads a prediction: `weights[id]` is the unnormalised probability of token `id`
    /// (each should be at least 1 so every token stays codable).
    pub fn set_weights(&mut self, weights: &[u32]) {
        let mut sum = 0u64;
        for (k, &id) in self.order.iter().enumerate() {
            self.cum[k] = sum;
            sum += u64::from(weights.get(id as usize).copied().unwrap_or(1).max(1));
        }
        if let Some(last) = self.cum.last_mut() {
            *last = sum;
        }
    }

    /// A walk at the start of a token.
    pub fn start(&self) -> Walk {
        Walk {
            lo: 0,
            hi: self.order.len(),
            depth: 0,
            partial: 1,
        }
    }

    fn token_len(&self, k: usize) -> usize {
        self.starts[k + 1] - self.starts[k]
    }

    /// Byte `depth` of the token at sorted position `k` (the token is longer than `depth`).
    fn byte_at(&self, k: usize, depth: usize) -> u8 {
        self.bytes[self.starts[k] + depth]
    }

    fn mass(&self, lo: usize, hi: usize) -> u64 {
        self.cum[hi] - self.cum[lo]
    }

    /// 16-bit probability `part / whole`, kept inside `1..=65535`.
    fn p16(part: u64, whole: u64) -> u32 {
        if whole == 0 {
            return 1 << 15;
        }
        let p = (u128::from(part) << 16) / u128::from(whole);
        (p as u32).clamp(1, 65535)
    }

    /// Whether the token at the walk's first position ends at the walk's depth.
    fn prefix_is_token(&self, walk: &Walk) -> bool {
        walk.partial == 1 && walk.lo < walk.hi && self.token_len(walk.lo) == walk.depth
    }

    /// First position in `lo..hi` whose byte at `depth` has a 1 in the bit after
    /// `partial` (all positions share the bits of `partial`).
    fn split(&self, walk: &Walk) -> usize {
        let bits = 31 - walk.partial.leading_zeros(); // bits decided, 0..8
        let threshold = ((walk.partial << 1 | 1) << (7 - bits)) & 0xff;
        let mut a = walk.lo;
        let mut b = walk.hi;
        while a < b {
            let mid = (a + b) / 2;
            if u32::from(self.byte_at(mid, walk.depth)) < threshold {
                a = mid + 1;
            } else {
                b = mid;
            }
        }
        a
    }

    /// The next decision of `walk`.
    pub fn step(&self, walk: &Walk) -> Step {
        if walk.lo >= walk.hi {
            // Not reachable through `advance`; report the first token so callers stop.
            return Step::Done(self.order.first().copied().unwrap_or(0));
        }
        if walk.partial == 1 && walk.depth > 0 {
            let ends = self.prefix_is_token(walk);
            if ends && walk.hi - walk.lo == 1 {
                return Step::ForcedEnd(true);
            }
            if !ends {
                return self.bit_step(walk);
            }
            return Step::End {
                p_end: Self::p16(self.mass(walk.lo, walk.lo + 1), self.mass(walk.lo, walk.hi)),
            };
        }
        self.bit_step(walk)
    }

    fn bit_step(&self, walk: &Walk) -> Step {
        let m = self.split(walk);
        if m == walk.lo {
            Step::ForcedBit(true)
        } else if m == walk.hi {
            Step::ForcedBit(false)
        } else {
            Step::Bit {
                p1: Self::p16(self.mass(m, walk.hi), self.mass(walk.lo, walk.hi)),
            }
        }
    }

    /// Applies an end decision (after [`Step::End`] or [`Step::ForcedEnd`]): returns the
    /// finished token's id, or moves past the prefix token.
    pub fn decide_end(&self, walk: &mut Walk, end: bool) -> Option<u32> {
        if end {
            return self.order.get(walk.lo).copied();
        }
        if self.prefix_is_token(walk) {
            walk.lo += 1;
        }
        // Mark the end decision as taken: the next step is a bit.
        walk.partial = 1;
        None
    }

    /// Applies a bit decision (after [`Step::Bit`] or [`Step::ForcedBit`]).
    pub fn decide_bit(&self, walk: &mut Walk, bit: bool) {
        let m = self.split(walk);
        if bit {
            walk.lo = m;
        } else {
            walk.hi = m;
        }
        walk.partial = walk.partial << 1 | u32::from(bit);
        if walk.partial >= 256 {
            walk.partial = 1;
            walk.depth += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walks `tree` along `token`'s bytes; returns the id reached and the probability
    /// the walk gave it (product of its coded decisions).
    fn walk(tree: &TokenTree, token: &[u8]) -> (u32, f64, usize) {
        let mut w = tree.start();
        let mut p = 1.0;
        let mut coded = 0;
        loop {
            match tree.step(&w) {
                Step::Done(id) => return (id, p, coded),
                Step::End { p_end } => {
                    let end = w.depth == token.len();
                    let pe = f64::from(p_end) / 65536.0;
                    p *= if end { pe } else { 1.0 - pe };
                    coded += 1;
                    if let Some(id) = tree.decide_end(&mut w, end) {
                        return (id, p, coded);
                    }
                }
                Step::ForcedEnd(end) => {
                    assert_eq!(end, w.depth == token.len());
                    if let Some(id) = tree.decide_end(&mut w, end) {
                        return (id, p, coded);
                    }
                }
                Step::Bit { p1 } => {
                    let bits = 31 - w.partial.leading_zeros();
                    let bit = token[w.depth] >> (7 - bits) & 1 == 1;
                    let q = f64::from(p1) / 65536.0;
                    p *= if bit { q } else { 1.0 - q };
                    coded += 1;
                    tree.decide_bit(&mut w, bit);
                }
                Step::ForcedBit(bit) => {
                    let bits = 31 - w.partial.leading_zeros();
                    assert_eq!(bit, token[w.depth] >> (7 - bits) & 1 == 1);
                    tree.decide_bit(&mut w, bit);
                }
            }
        }
    }

    fn vocab() -> Vec<Vec<u8>> {
        let mut v: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
        for t in [
            &b"th"[..],
            b"the",
            b" the",
            b"then",
            b"a",
            b"an",
            b" a",
            b"\xff\x00",
        ] {
            if t.len() > 1 {
                v.push(t.to_vec());
            }
        }
        v
    }

    #[test]
    fn every_token_is_reached_with_its_probability() {
        let v = vocab();
        let refs: Vec<&[u8]> = v.iter().map(|t| &t[..]).collect();
        let mut tree = TokenTree::new(&refs);
        let weights: Vec<u32> = (0..v.len() as u32).map(|i| 1 + (i * 7919) % 1000).collect();
        tree.set_weights(&weights);
        let total: f64 = weights.iter().map(|&w| f64::from(w)).sum();
        for (id, token) in v.iter().enumerate() {
            let (reached, p, _) = walk(&tree, token);
            assert_eq!(reached as usize, id, "{token:?}");
            let expected = f64::from(weights[id]) / total;
            assert!(
                (p / expected - 1.0).abs() < 0.02,
                "{token:?}: {p} vs {expected}"
            );
        }
    }

    #[test]
    fn a_lone_token_costs_nothing() {
        let v: Vec<&[u8]> = vec![b"only"];
        let mut tree = TokenTree::new(&v);
        tree.set_weights(&[5]);
        assert_eq!(walk(&tree, b"only"), (0, 1.0, 0));
    }
}
