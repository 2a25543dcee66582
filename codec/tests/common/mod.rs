//! Shared helpers for the integration tests.
#![allow(dead_code)]

/// Deterministic pseudo-random bytes (xorshift64*).
pub fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

/// English-like text: words from a small vocabulary in pseudo-random order.
pub fn text_bytes(len: usize, seed: u64) -> Vec<u8> {
    const WORDS: &[&str] = &[
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "it",
        "as",
        "was",
        "with",
        "be",
        "by",
        "on",
        "not",
        "he",
        "this",
        "are",
        "or",
        "his",
        "from",
        "at",
        "which",
        "compression",
        "entropy",
        "model",
        "predict",
        "symbol",
        "stream",
        "decoder",
    ];
    let noise = random_bytes(len, seed);
    let mut out = Vec::with_capacity(len + 16);
    let mut i = 0;
    while out.len() < len {
        let word = WORDS[noise[i % noise.len()] as usize % WORDS.len()];
        out.extend_from_slice(word.as_bytes());
        out.push(if noise[(i + 7) % noise.len()].is_multiple_of(13) {
            b'\n'
        } else {
            b' '
        });
        i += 1;
    }
    out.truncate(len);
    out
}
