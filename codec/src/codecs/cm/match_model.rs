//! The match model: finds the most recent earlier occurrence of the last few bytes and
//! predicts that the byte that followed it comes next, more confidently the longer the
//! match.

/// Bytes hashed to look up a match candidate.
const MIN_LEN: usize = 6;
/// Longest match length tracked.
const MAX_LEN: u32 = 65535;

/// Match state over the history of the chunk.
pub struct MatchModel {
    /// Position (index into the history) following the last occurrence of each hash.
    table: Vec<u32>,
    mask: usize,
    /// Position in the history of the predicted byte, valid when `len > 0`.
    ptr: usize,
    /// Current match length in bytes (0: no match).
    len: u32,
    /// The predicted byte with a leading 1 bit.
    expected: u32,
    /// Table slot of the context hashed at the last byte, looked up at the next one.
    pending: usize,
}

impl MatchModel {
    /// A match model with a `2^bits`-entry hash table.
    pub fn new(bits: u32) -> Self {
        let n = 1usize << bits.clamp(4, 24);
        Self {
            table: vec![0; n],
            mask: n - 1,
            ptr: 0,
            len: 0,
            expected: 0,
            pending: 0,
        }
    }

    /// Updates the match after a whole byte was appended to `hist`.
    pub fn byte_update(&mut self, hist: &[u8]) {
        let pos = hist.len();
        if pos == 0 {
            return;
        }
        let last = hist[pos - 1];
        if self.len > 0 {
            if hist.get(self.ptr) == Some(&last) {
                self.len = (self.len + 1).min(MAX_LEN);
                self.ptr += 1;
            } else {
                self.len = 0;
            }
        }
        // The candidate for the context that ended one byte ago was prefetched then; it
        // is looked up now, so the memory access overlaps a whole byte of coding.
        if pos > MIN_LEN {
            let slot = self.pending;
            let cand = self.table[slot] as usize;
            if self.len == 0 && cand > 0 && cand < pos - 1 && hist[cand] == last {
                // `cand` follows an earlier occurrence of the context; verify backwards.
                let mut n = 0usize;
                while n < 64 && n <= cand && hist[cand - n] == hist[pos - 1 - n] {
                    n += 1;
                }
                if n > MIN_LEN {
                    self.len = n as u32;
                    self.ptr = cand + 1;
                }
            }
            self.table[slot] = (pos - 1) as u32;
        }
        if pos >= MIN_LEN {
            let mut h: u64 = 0;
            for &b in &hist[pos - MIN_LEN..pos] {
                h = (h ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            }
            self.pending = ((h >> 40) as usize) & self.mask;
            #[cfg(target_arch = "x86_64")]
            {
                let p = self.table[self.pending..].as_ptr();
                // SAFETY: prefetching has no architectural effect; `p` points into the table.
                unsafe {
                    core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(
                        p.cast::<i8>(),
                    );
                }
            }
        }
        self.expected = match hist.get(self.ptr) {
            Some(&b) if self.len > 0 => u32::from(b) | 256,
            _ => {
                self.len = 0;
                0
            }
        };
    }

    /// The predicted next bit given the bits `c0` (with leading 1) coded so far in this
    /// byte, and the match length; `None` when there is no usable match.
    #[inline(always)]
    pub fn predict(&self, c0: u32, bitpos: u32) -> Option<(u32, u32)> {
        if self.len == 0 {
            return None;
        }
        // The expected byte must agree with the bits coded so far.
        let top = self.expected >> (8 - bitpos);
        if top != c0 {
            return None;
        }
        let bit = (self.expected >> (7 - bitpos)) & 1;
        Some((bit, self.len))
    }
}
