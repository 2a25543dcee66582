//! Shared helpers for the integration tests.
#![allow(dead_code)]

/// Deterministic xorshift64* generator.
pub struct Rng(pub u64);

impl Rng {
    /// Next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Deterministic pseudo-random bytes.
pub fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed | 1);
    (0..len).map(|_| (rng.next() >> 56) as u8).collect()
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

/// Checks `codec` against damaged payloads of `content`: the payload decodes back to
/// `content`; the payload cut to each length of `cuts(payload length)` is an error; and
/// `flips` random one-bit flips within its first `window` bytes (seeded by `seed`) never
/// panic: each gives an error or some output.
pub fn check_damaged_payloads(
    codec: &dyn ncodec::Codec,
    content: &[u8],
    cuts: impl Fn(usize) -> Vec<usize>,
    flips: usize,
    window: usize,
    seed: u64,
) {
    let mut payload = Vec::new();
    codec.encode_chunk(content, &mut payload).unwrap();
    let mut out = Vec::new();
    codec
        .decode_chunk(&payload, content.len(), &mut out)
        .unwrap();
    assert_eq!(out, content);
    for cut in cuts(payload.len()) {
        let mut out = Vec::new();
        assert!(
            codec
                .decode_chunk(&payload[..cut], content.len(), &mut out)
                .is_err(),
            "a payload cut to {cut} bytes decoded"
        );
    }
    let mut rng = Rng(seed);
    for _ in 0..flips {
        let mut damaged = payload.clone();
        let at = rng.below(damaged.len().min(window));
        damaged[at] ^= 1 << rng.below(8);
        let mut out = Vec::new();
        let _ = codec.decode_chunk(&damaged, content.len(), &mut out);
    }
}

/// `data` compressed by `codec` with `params`, `chunk`-byte chunks and `threads` threads.
pub fn compress_with(
    codec: &str,
    params: ncodec::EncodeParams,
    data: &[u8],
    chunk: usize,
    threads: usize,
) -> Vec<u8> {
    let opts = ncodec::CompressOptions::default()
        .codec(codec)
        .params(params)
        .threads(threads)
        .chunk_size(chunk)
        .unwrap();
    ncodec::compress(data, &opts).unwrap()
}

/// A `.ncz` file decoded with one thread.
pub fn decompress_one_thread(packed: &[u8]) -> Vec<u8> {
    ncodec::decompress_with(packed, &ncodec::DecompressOptions::default().threads(1)).unwrap()
}
