//! The predictor: context models, match model, mixer and APM stages tied together.
//!
//! [`Predictor::p`] gives P(next bit = 1) in 16-bit fixed point and
//! [`Predictor::update`] feeds the actual bit; encoder and decoder drive identical
//! predictors, so they agree on every probability.

use super::apm::Apm;
use super::counter::{AdaptiveMap, StateTable};
use super::hash_table::HashTable;
use super::logistic::Logistic;
use super::match_model::MatchModel;
use super::mixer::{Mixer, INPUTS};

/// Number of hashed contexts (orders 2, 3, 4, 6 and the word context).
const HASHED: usize = 5;

/// Ceiling of log2 of `n` (0 for `n <= 1`).
fn ceil_log2(n: usize) -> u32 {
    if n <= 1 {
        0
    } else {
        usize::BITS - (n - 1).leading_zeros()
    }
}

/// Mixes a 64-bit value into a well-spread 32-bit hash.
#[inline(always)]
fn hash64(x: u64) -> u32 {
    let x = (x ^ (x >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let x = (x ^ (x >> 32)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (x >> 32) as u32
}

/// Bit predictor over a byte stream of known length.
pub struct Predictor {
    lg: Logistic,
    states: StateTable,
    priority: [u32; 256],
    ht: HashTable,
    o0: AdaptiveMap,
    o1: AdaptiveMap,
    /// State-to-probability maps of the hashed contexts (256 entries each).
    maps: AdaptiveMap,
    mm: MatchModel,
    mm_map: AdaptiveMap,
    mixer: Mixer,
    apm2: Apm,
    /// Bytes coded so far.
    hist: Vec<u8>,
    /// Bits of the current byte with a leading 1.
    c0: u32,
    /// Number of bits of the current byte coded so far.
    bitpos: u32,
    /// The last 8 bytes, most recent in the low byte.
    c8: u64,
    /// Hash of the current (or last) alphabetic word.
    word: u64,
    /// Per-context hashes, set at byte boundaries.
    hashes: [u32; HASHED],
    /// Per-context bucket offsets, set at nibble boundaries.
    buckets: [usize; HASHED],
    /// Position in the nibble tree (1..15).
    node: usize,
    inputs: [i32; INPUTS],
    /// Per-context states used for the current bit.
    cur_states: [u8; HASHED],
    mm_ctx: usize,
    mix_dot: i32,
    pr: u32,
    /// Speculative (history, context hashes) for both values of the last bit of a byte.
    spec: [(u64, [u32; HASHED]); 2],
}

impl Predictor {
    /// A fresh predictor with tables sized for a stream of `len` bytes.
    pub fn new(len: usize) -> Self {
        let lg = Logistic::new();
        let states = StateTable::new();
        let mut priority = [0u32; 256];
        for (s, p) in priority.iter_mut().enumerate() {
            *p = states.priority(s as u8);
        }
        let mut maps = AdaptiveMap::new(256 * HASHED, 1023);
        for i in 0..HASHED {
            for s in 0..256 {
                let (n0, n1) = states.counts(s as u8);
                let p = ((n1 * 2 + 1) << 16) / (n0 * 2 + n1 * 2 + 2);
                maps.set(i * 256 + s, p, 0);
            }
        }
        let bits = ceil_log2(len);
        let apm2 = Apm::new(1 << bits.clamp(8, 16), 7, &lg);
        let mut p = Self {
            states,
            priority,
            ht: HashTable::new(bits.clamp(8, 21)),
            o0: AdaptiveMap::new(256, 255),
            o1: AdaptiveMap::new(1 << 16, 255),
            maps,
            mm: MatchModel::new(bits.clamp(8, 20)),
            mm_map: AdaptiveMap::new(64, 1023),
            mixer: Mixer::new(3 * 256, 1 << 14, 16),
            spec: [(u64::MAX, [0; HASHED]); 2],
            apm2,
            hist: Vec::with_capacity(len.min(1 << 22)),
            c0: 1,
            bitpos: 0,
            c8: 0,
            word: 0,
            hashes: [0; HASHED],
            buckets: [0; HASHED],
            node: 1,
            inputs: [0; INPUTS],
            cur_states: [0; HASHED],
            mm_ctx: 0,
            mix_dot: 0,
            pr: 32768,
            lg,
        };
        p.byte_boundary();
        let hs = p.nibble_hashes();
        p.nibble_boundary(hs);
        p.predict();
        p
    }

    /// P(next bit = 1) in units of 2^-16.
    #[inline(always)]
    pub fn p(&self) -> u32 {
        self.pr
    }

    /// Context hashes of the byte history `c8` and word hash `word`.
    #[inline(always)]
    fn context_hashes(c8: u64, word: u64) -> [u32; HASHED] {
        [
            hash64((c8 & 0xffff) | 2 << 56),
            hash64((c8 & 0xff_ffff) | 3 << 56),
            hash64((c8 & 0xffff_ffff) | 4 << 56),
            hash64((c8 & 0xffff_ffff_ffff) | 6 << 56),
            hash64(word.wrapping_add(7 << 56)),
        ]
    }

    /// The word hash after byte `byte`.
    #[inline(always)]
    fn next_word(word: u64, byte: u8) -> u64 {
        if byte.is_ascii_alphabetic() {
            let lower = u64::from(byte.to_ascii_lowercase());
            (word ^ lower).wrapping_mul(0x100_0000_01B3)
        } else {
            0
        }
    }

    /// Bucket hash of a context hash for the nibble that starts with partial byte `c0`
    /// (1 at a byte boundary).
    #[inline(always)]
    fn bucket_hash(base: u32, c0: u32) -> u32 {
        let extra = if c0 == 1 {
            0
        } else {
            c0.wrapping_mul(0x9E37_79B1)
        };
        (base ^ extra).wrapping_mul(0x2C1B_3C6D) ^ extra
    }

    /// Computes context hashes after a whole byte (reusing the speculative ones).
    fn byte_boundary(&mut self) {
        self.hashes = match self.spec.iter().find(|s| s.0 == self.c8) {
            Some(s) => s.1,
            None => Self::context_hashes(self.c8, self.word),
        };
    }

    /// Starts loading the buckets of both possible next nibbles, one bit before the
    /// nibble boundary, so that the memory latency overlaps the coding of the last bit.
    #[inline(always)]
    fn prefetch_next(&mut self) {
        if self.bitpos == 3 {
            for b in 0..2 {
                let c0 = self.c0 << 1 | b;
                for &base in &self.hashes {
                    self.ht.prefetch(Self::bucket_hash(base, c0));
                }
            }
        } else if self.bitpos == 7 {
            for b in 0..2u32 {
                let byte = ((self.c0 << 1 | b) & 0xff) as u8;
                let c8 = self.c8 << 8 | u64::from(byte);
                let word = Self::next_word(self.word, byte);
                let hs = Self::context_hashes(c8, word);
                for &base in &hs {
                    self.ht.prefetch(Self::bucket_hash(base, 1));
                }
                self.spec[b as usize] = (c8, hs);
            }
        }
    }

    /// Bucket hashes of the next nibble.
    #[inline(always)]
    fn nibble_hashes(&self) -> [u32; HASHED] {
        let mut hs = [0u32; HASHED];
        for (h, &base) in hs.iter_mut().zip(self.hashes.iter()) {
            *h = Self::bucket_hash(base, self.c0);
        }
        hs
    }

    /// Looks up the buckets for the next nibble, given [`nibble_hashes`](Self::nibble_hashes).
    fn nibble_boundary(&mut self, hs: [u32; HASHED]) {
        let pri = &self.priority;
        for (b, &h) in self.buckets.iter_mut().zip(hs.iter()) {
            *b = self.ht.find(h, |s| pri[usize::from(s)]);
        }
        self.node = 1;
    }

    /// Computes the prediction for the next bit.
    #[inline(always)]
    fn predict(&mut self) {
        let lg = &self.lg;
        let c0 = self.c0 as usize;
        let c1 = (self.c8 & 0xff) as usize;
        self.inputs[0] = lg.stretch(self.o0.p(c0));
        self.inputs[1] = lg.stretch(self.o1.p(c1 << 8 | c0));
        for i in 0..HASHED {
            let s = self.ht.get(self.buckets[i] + self.node);
            self.cur_states[i] = s;
            self.inputs[2 + i] = lg.stretch(self.maps.p(i * 256 + usize::from(s)));
        }
        let mut mix_sel = c0;
        match self.mm.predict(self.c0, self.bitpos) {
            Some((bit, len)) => {
                let lb = if len < 16 {
                    len
                } else {
                    16 + ((len - 16) >> 3).min(15)
                } as usize;
                self.mm_ctx = lb * 2 + bit as usize;
                let st = lg.stretch(self.mm_map.p(self.mm_ctx));
                self.inputs[7] = st;
                self.inputs[8] = if bit == 1 { 256 } else { -256 };
                mix_sel += 256 * (1 + usize::from(len >= 16));
            }
            None => {
                self.mm_ctx = usize::MAX;
                self.inputs[7] = 0;
                self.inputs[8] = 0;
            }
        }
        self.inputs[9] = 256;
        let dot = self.mixer.mix(&self.inputs, mix_sel, lg);
        self.mix_dot = dot;
        let pm = lg.squash(dot);
        let a2 = self.apm2.p(dot, c0 | c1 << 8);
        self.pr = (pm + a2 * 3 + 2) >> 2;
    }

    /// Feeds the coded bit and prepares the next prediction.
    #[inline(always)]
    pub fn update(&mut self, bit: bool) {
        let y = u32::from(bit);
        let c0 = self.c0 as usize;
        let c1 = (self.c8 & 0xff) as usize;
        self.o0.update(c0, y);
        self.o1.update(c1 << 8 | c0, y);
        for i in 0..HASHED {
            let s = self.cur_states[i];
            self.maps.update(i * 256 + usize::from(s), y);
            self.ht
                .set(self.buckets[i] + self.node, self.states.next(s, y));
        }
        if self.mm_ctx != usize::MAX {
            self.mm_map.update(self.mm_ctx, y);
        }
        self.mixer.update(&self.inputs, y);
        self.apm2.update(y);

        self.c0 = (self.c0 << 1) | y;
        self.node = self.node * 2 + y as usize;
        self.bitpos += 1;
        if self.bitpos == 8 {
            let byte = (self.c0 & 0xff) as u8;
            self.hist.push(byte);
            self.c8 = (self.c8 << 8) | u64::from(byte);
            self.word = Self::next_word(self.word, byte);
            self.c0 = 1;
            self.bitpos = 0;
            self.byte_boundary();
            let hs = self.nibble_hashes();
            self.mm.byte_update(&self.hist);
            self.nibble_boundary(hs);
        } else if self.bitpos == 4 {
            let hs = self.nibble_hashes();
            self.nibble_boundary(hs);
        } else {
            self.prefetch_next();
        }
        self.predict();
    }
}
