//! The predictor: context models, match model, mixer and APM stage tied together.
//!
//! [`Predictor::p`] gives P(next bit = 1) in 16-bit fixed point and
//! [`Predictor::update`] feeds the actual bit; encoder and decoder drive identical
//! predictors, so they agree on every probability.
//!
//! Per bit, the mixer combines eight stretched inputs:
//!
//! * an order-1 probability (previous byte and partial byte, direct table) that adapts
//!   fast (rate 1/4), so it tracks the most recent outcomes of its context,
//! * the bit-history states of the [`HASHED`] hashed contexts (orders 2, 3 and 5 and the
//!   current word), each mapped to a probability by a per-context state map,
//! * the match model's expected bit, as an adaptive probability by match length and as
//!   a fixed vote, and a constant bias.
//!
//! The hashed contexts live in nibble buckets of the [`HashTable`]: at each nibble
//! boundary the predictor writes back its copies of the last buckets and copies out the
//! next ones, whose cache lines were prefetched one bit earlier for both values of that
//! bit. The mixer's weight set is chosen by the partial byte and the match state; the
//! [`Apm`] then refines the mixed probability in the context of the partial byte and
//! the low bits of the previous byte (at most 4096 rows, so it stays in cache).

use super::apm::Apm;
use super::counter::{Counter, FastCounter, StateTable};
use super::hash_table::{Bucket, HashTable, BUCKET};
use super::logistic::stretch;
use super::match_model::MatchModel;
use super::mixer::{Mixer, INPUTS};

/// Number of hashed contexts (orders 2, 3, 5 and the word context).
const HASHED: usize = 4;

/// How many bits before a nibble boundary the buckets of all its possible contexts
/// are prefetched (1 to 3; measured best at 1).
const AHEAD: u32 = 1;

/// Update shift of the order-1 probabilities.
const O1_RATE: u32 = 2;
/// Update shift of the state maps.
const STATE_RATE: u32 = 9;
/// Count limit of the match probabilities.
const MAP_LIMIT: u32 = 1023;

/// A state-to-probability entry.
type StateP = FastCounter<STATE_RATE>;

/// Ceiling of log2 of `n` (0 for `n <= 1`).
fn ceil_log2(n: usize) -> u32 {
    if n <= 1 {
        0
    } else {
        usize::BITS - (n - 1).leading_zeros()
    }
}

/// A 32-bit hash of `x`: the high half of its product with the odd constant `k`, so every
/// input bit reaches the check byte and the table index.
#[inline(always)]
fn hash(x: u64, k: u64) -> u32 {
    (x.wrapping_mul(k) >> 32) as u32
}

/// Bit predictor over a byte stream of known length.
pub struct Predictor {
    /// Bit-history transitions, `next[state][bit]`.
    next: [[u8; 2]; 256],
    /// Replacement priority of a bucket by the state of its first node.
    priority: [u8; 256],
    ht: HashTable,
    /// Order-1 probabilities by `c1 << 8 | c0` (`c1`: the previous byte).
    o1: Box<[FastCounter<O1_RATE>; 1 << 16]>,
    /// State-to-probability maps of the hashed contexts.
    maps: [[StateP; 256]; HASHED],
    mm: MatchModel,
    /// Match probabilities by (length bucket, expected bit).
    mm_map: [Counter; 64],
    mixer: Mixer,
    apm: Apm,
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
    /// Per-context bucket indices in the hash table and working copies of the buckets,
    /// set at nibble boundaries and written back at the next one.
    bucket_idx: [usize; HASHED],
    buckets: [Bucket; HASHED],
    /// Position in the nibble tree (1..15).
    node: usize,
    inputs: [i16; INPUTS],
    /// Match-probability slot used for the current bit (`None`: no match prediction).
    mm_ctx: Option<usize>,
    /// Weight set of the mixer for the current bit.
    mix_sel: usize,
    pr: u32,
    /// Speculative (history, context hashes) for every value of the last [`AHEAD`] bits
    /// of a byte.
    spec: [(u64, [u32; HASHED]); 1 << AHEAD],
}

impl Predictor {
    /// A fresh predictor with tables sized for a stream of `len` bytes.
    pub fn new(len: usize) -> Self {
        let states = StateTable::new();
        let mut priority = [0u8; 256];
        for (s, p) in priority.iter_mut().enumerate() {
            *p = states.priority(s as u8);
        }
        let mut map = [StateP::HALF; 256];
        for (s, m) in map.iter_mut().enumerate() {
            let (n0, n1) = states.counts(s as u8);
            *m = StateP::new(((n1 * 2 + 1) << 16) / (n0 * 2 + n1 * 2 + 2));
        }
        let o1: Box<[FastCounter<O1_RATE>]> = vec![FastCounter::HALF; 1 << 16].into_boxed_slice();
        let Ok(o1) = o1.try_into() else {
            unreachable!("the vector has 2^16 entries")
        };
        let bits = ceil_log2(len);
        let mut p = Self {
            next: states.next,
            priority,
            ht: HashTable::new(bits.clamp(9, 22) - 1),
            o1,
            maps: [map; HASHED],
            mm: MatchModel::new(bits.clamp(8, 20)),
            mm_map: [Counter::HALF; 64],
            mixer: Mixer::new(1 << 11),
            apm: Apm::new(1 << bits.clamp(8, 12)),
            spec: [(u64::MAX, [0; HASHED]); 1 << AHEAD],
            hist: Vec::with_capacity(len.min(1 << 22)),
            c0: 1,
            bitpos: 0,
            c8: 0,
            word: 0,
            hashes: [0; HASHED],
            bucket_idx: [usize::MAX; HASHED],
            buckets: [[0; BUCKET]; HASHED],
            node: 1,
            inputs: [0; INPUTS],
            mm_ctx: None,
            mix_sel: 0,
            pr: 32768,
        };
        p.byte_boundary();
        p.nibble_boundary();
        p.predict();
        p
    }

    /// P(next bit = 1) in units of 2^-16.
    #[inline(always)]
    pub fn p(&self) -> u32 {
        self.pr
    }

    /// The stretched inputs of the mixer for the next bit (a later mixing stage may
    /// reuse them).
    #[inline(always)]
    pub fn inputs(&self) -> &[i16; INPUTS] {
        &self.inputs
    }

    /// The mixer's weight-set selector for the next bit: the partial byte and the match
    /// state, below 768.
    #[inline(always)]
    pub fn mixer_selector(&self) -> usize {
        self.mix_sel
    }

    /// The bits of the current byte coded so far, with a leading 1 (1..=255).
    #[inline(always)]
    pub fn partial_byte(&self) -> u32 {
        self.c0
    }

    /// The previous whole byte (0 at the start).
    #[inline(always)]
    pub fn last_byte(&self) -> u8 {
        (self.c8 & 0xff) as u8
    }

    /// Context hashes of the byte history `c8` and word hash `word`.
    #[inline(always)]
    fn context_hashes(c8: u64, word: u64) -> [u32; HASHED] {
        [
            hash((c8 & 0xffff) + 1, 0x9E37_79B9_7F4A_7C15),
            hash((c8 & 0xff_ffff) + 1, 0xC2B2_AE3D_27D4_EB4F),
            hash((c8 & 0xff_ffff_ffff) + 1, 0xD6E8_FEB8_6659_FD93),
            hash(word.wrapping_add(7), 0xFF51_AFD7_ED55_8CCD),
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
        if self.bitpos == 4 - AHEAD {
            for b in 0..1 << AHEAD {
                let c0 = self.c0 << AHEAD | b;
                for &base in &self.hashes {
                    self.ht.prefetch(Self::bucket_hash(base, c0));
                }
            }
        } else if self.bitpos == 8 - AHEAD {
            for b in 0..1 << AHEAD {
                let byte = ((self.c0 << AHEAD | b) & 0xff) as u8;
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

    /// Writes back the buckets of the last nibble and looks up those of the next one.
    fn nibble_boundary(&mut self) {
        for i in 0..HASHED {
            self.ht.store(self.bucket_idx[i], &self.buckets[i]);
        }
        for i in 0..HASHED {
            let h = Self::bucket_hash(self.hashes[i], self.c0);
            (self.bucket_idx[i], self.buckets[i]) = self.ht.find(h, &self.priority);
        }
        self.node = 1;
    }

    /// Computes the prediction for the next bit.
    #[inline(always)]
    fn predict(&mut self) {
        let c0 = self.c0;
        let c1 = (self.c8 & 0xff) as u32;
        let node = self.node & 15;
        let mut inputs = [0i16; INPUTS];
        inputs[0] = stretch(self.o1[((c1 << 8 | c0) & 0xffff) as usize].p12());
        for i in 0..HASHED {
            let s = self.buckets[i][node];
            inputs[1 + i] = stretch(self.maps[i][usize::from(s)].p12());
        }
        let mut mix_sel = c0 as usize;
        match self.mm.predict(c0, self.bitpos) {
            Some((bit, len)) => {
                let lb = if len < 16 {
                    len
                } else {
                    16 + ((len - 16) >> 3).min(15)
                } as usize;
                let ctx = (lb * 2 + bit as usize) & 63;
                self.mm_ctx = Some(ctx);
                inputs[1 + HASHED] = stretch(self.mm_map[ctx].p12());
                inputs[2 + HASHED] = if bit == 1 { 256 } else { -256 };
                mix_sel += 256 * (1 + usize::from(len >= 16));
            }
            None => self.mm_ctx = None,
        }
        inputs[3 + HASHED] = 256;
        self.inputs = inputs;
        self.mix_sel = mix_sel;
        let (dot, pm) = self.mixer.mix(&inputs, mix_sel);
        // The APM keeps the low bits of the context: at most four bits of `c1`.
        let a = self.apm.p(dot, (c0 | c1 << 8) as usize);
        self.pr = (pm + a * 3 + 2) >> 2;
    }

    /// Feeds the coded bit and prepares the next prediction.
    #[inline(always)]
    pub fn update(&mut self, bit: bool) {
        let y = u32::from(bit);
        let c0 = self.c0;
        let c1 = (self.c8 & 0xff) as u32;
        let node = self.node & 15;
        self.o1[((c1 << 8 | c0) & 0xffff) as usize].update(y);
        for i in 0..HASHED {
            let s = &mut self.buckets[i][node];
            self.maps[i][usize::from(*s)].update(y);
            *s = self.next[usize::from(*s)][y as usize];
        }
        if let Some(ctx) = self.mm_ctx {
            self.mm_map[ctx & 63].update(y, MAP_LIMIT);
        }
        self.mixer.update(&self.inputs, y);
        self.apm.update(y);

        self.c0 = (c0 << 1) | y;
        self.node = node * 2 + y as usize;
        self.bitpos += 1;
        if self.bitpos == 8 {
            let byte = (self.c0 & 0xff) as u8;
            self.hist.push(byte);
            self.c8 = (self.c8 << 8) | u64::from(byte);
            self.word = Self::next_word(self.word, byte);
            self.c0 = 1;
            self.bitpos = 0;
            self.byte_boundary();
            self.mm.byte_update(&self.hist);
            self.nibble_boundary();
        } else if self.bitpos == 4 {
            self.nibble_boundary();
        } else {
            self.prefetch_next();
        }
        self.predict();
    }
}
