//! Hashed context slots: a table of 16-byte buckets, one per (context, nibble) pair.
//!
//! Byte 0 of a bucket is a check byte taken from the hash; bytes 1..16 are the bit-history
//! states of the 15 nodes of the binary tree that codes one nibble (node 1 is the first
//! bit, node `2n + b` follows node `n` after bit `b`). The three buckets probed for a hash
//! share one 64-byte cache line.
//!
//! The predictor copies a bucket out with [`find`](HashTable::find) at the start of a
//! nibble, works on the copy, and writes it back with [`store`](HashTable::store) at the
//! end of the nibble.

/// Asks the CPU to start loading the cache line holding `*r` (no effect on other
/// targets than x86-64).
#[inline(always)]
pub fn prefetch<T>(r: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching has no architectural effect, and the pointer comes from a
    // reference.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(
            (r as *const T).cast::<i8>(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = r;
}

/// Bytes per bucket.
pub const BUCKET: usize = 16;

/// A bucket: check byte and 15 node states.
pub type Bucket = [u8; BUCKET];

/// One cache line of four buckets.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([Bucket; 4]);

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
            t: vec![Line([[0; BUCKET]; 4]); lines],
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
        if let Some(line) = self.t.get(self.line(h)) {
            prefetch(line);
        }
    }

    /// The bucket for the 32-bit hash `h` and its index (for [`store`](Self::store)),
    /// claiming (and clearing) the least used of three candidates if none carries `h`'s
    /// check byte. `priority` ranks a bucket by the state of its first node.
    #[inline(always)]
    pub fn find(&mut self, h: u32, priority: &[u8; 256]) -> (usize, Bucket) {
        let check = (h >> 24) as u8;
        let line_idx = self.line(h);
        let first = (h as usize) & 3;
        let Some(line) = self.t.get_mut(line_idx) else {
            return (usize::MAX, [0; BUCKET]);
        };
        let line = &mut line.0;
        let mut best = first;
        let mut best_pri = u32::MAX;
        for k in 0..3 {
            let b = (first ^ k) & 3;
            if line[b][0] == check {
                return (line_idx * 4 + b, line[b]);
            }
            let pri = u32::from(priority[usize::from(line[b][1])]);
            if pri < best_pri {
                best_pri = pri;
                best = b;
            }
        }
        let mut bucket = [0; BUCKET];
        bucket[0] = check;
        line[best] = bucket;
        (line_idx * 4 + best, bucket)
    }

    /// Writes back bucket `index` (from [`find`](Self::find)); out-of-range indices are
    /// ignored.
    #[inline(always)]
    pub fn store(&mut self, index: usize, bucket: &Bucket) {
        if let Some(line) = self.t.get_mut(index >> 2) {
            line.0[index & 3] = *bucket;
        }
    }
}
