//! Hashed context slots: a table of 16-byte buckets, one per (context, nibble) pair.
//!
//! Byte 0 of a bucket is a check byte taken from the hash; bytes 1..16 are the bit-history
//! states of the 15 nodes of the binary tree that codes one nibble (node 1 is the first
//! bit, node `2n + b` follows node `n` after bit `b`). The three buckets probed for a hash
//! share one 64-byte cache line.

/// Bytes per bucket.
pub const BUCKET: usize = 16;

/// One cache line of four buckets.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([u8; 64]);

/// A table of `2^bits` buckets with a three-way probe and least-evidence replacement.
pub struct HashTable {
    t: Vec<Line>,
    /// Mask of a line index.
    mask: usize,
}

impl HashTable {
    /// A zeroed table of `2^bits` buckets (`bits` at least 2).
    pub fn new(bits: u32) -> Self {
        let lines = 1usize << (bits.max(2) - 2);
        Self {
            t: vec![Line([0; 64]); lines],
            mask: lines - 1,
        }
    }

    /// Line index of the hash `h`.
    #[inline(always)]
    fn line(&self, h: u32) -> usize {
        (h as usize >> 2) & self.mask
    }

    /// Asks the CPU to start loading the line of hash `h`.
    #[inline(always)]
    pub fn prefetch(&self, h: u32) {
        #[cfg(target_arch = "x86_64")]
        {
            let p = self.t[self.line(h)].0.as_ptr();
            // SAFETY: prefetching has no architectural effect and `p` points into the table.
            unsafe {
                core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(
                    p.cast::<i8>(),
                );
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = h;
    }

    /// Byte offset of the bucket for the 32-bit hash `h`, claiming (and clearing) the
    /// least used of three candidates if none carries `h`'s check byte. `priority` ranks
    /// a bucket by the state of its first node.
    #[inline]
    pub fn find(&mut self, h: u32, priority: impl Fn(u8) -> u32) -> usize {
        let check = (h >> 24) as u8;
        let line_idx = self.line(h);
        let first = (h as usize) & 3;
        let line = &mut self.t[line_idx].0;
        let mut best = 0usize;
        let mut best_pri = u32::MAX;
        for k in 0..3 {
            let b = ((first ^ k) & 3) * BUCKET;
            if line[b] == check {
                return line_idx * 64 + b;
            }
            let pri = priority(line[b + 1]);
            if pri < best_pri {
                best_pri = pri;
                best = b;
            }
        }
        let bucket = &mut line[best..best + BUCKET];
        bucket.fill(0);
        bucket[0] = check;
        line_idx * 64 + best
    }

    /// The state at byte `i` (wraps within the table).
    #[inline(always)]
    pub fn get(&self, i: usize) -> u8 {
        self.t[(i >> 6) & self.mask].0[i & 63]
    }

    /// Stores a state at byte `i` (wraps within the table).
    #[inline(always)]
    pub fn set(&mut self, i: usize, s: u8) {
        self.t[(i >> 6) & self.mask].0[i & 63] = s;
    }
}
