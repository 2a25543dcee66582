//! Deterministic generator of structured binary test data.
//!
//! The embedded sample `mixed.bin` is exactly [`mixed(MIXED_BIN_LEN, MIXED_BIN_SEED)`](mixed):
//! a test checks this, and `cargo run -p ncodec-datasets --example gen_mixed`
//! rewrites the file. Only integer arithmetic and IEEE-754 additions and
//! multiplications are used, so the output is the same on every platform.

/// Length in bytes of the embedded `mixed.bin` sample (256 KiB).
pub const MIXED_BIN_LEN: usize = 256 * 1024;

/// Seed the embedded `mixed.bin` sample was generated with.
pub const MIXED_BIN_SEED: u64 = 0x6E63_6F64_6563_0001;

/// Magic bytes that start every [`mixed`] output of 16 bytes or more.
pub const MIXED_MAGIC: &[u8; 8] = b"NCMIXv1\0";

/// Generates `len` bytes of deterministic, structured pseudo-random data.
///
/// The output starts with a 16-byte header ([`MIXED_MAGIC`], then the seed as
/// a little-endian `u64`) when `len >= 16`, followed by chunks of 1–8 KiB,
/// each one of (cycling through them in a pseudo-random order):
///
/// * a little-endian table of 32-byte records (`u32` id counting up, `u16`
///   kind from a small set, `u16` flags, `f32` random-walk value, `f64`
///   timestamp with near-constant steps, 8-byte tag from a small dictionary);
/// * a 64-byte pattern repeated with occasional single-byte mutations;
/// * uniformly random bytes (incompressible);
/// * little-endian `i16` samples of a noisy sine wave;
/// * ASCII `key=value` log lines.
///
/// The same `(len, seed)` always gives the same bytes, and a shorter output
/// is a prefix of a longer one with the same seed.
///
/// ```
/// let a = ncodec_datasets::synthetic::mixed(4096, 7);
/// assert_eq!(a.len(), 4096);
/// assert_eq!(a, ncodec_datasets::synthetic::mixed(4096, 7));
/// assert_eq!(&a[..8], ncodec_datasets::synthetic::MIXED_MAGIC);
/// ```
pub fn mixed(len: usize, seed: u64) -> Vec<u8> {
    let mut gen = Mixer::new(seed);
    let mut out = Vec::with_capacity(len + 8 * 1024);
    out.extend_from_slice(MIXED_MAGIC);
    out.extend_from_slice(&seed.to_le_bytes());
    while out.len() < len {
        let chunk = 1024 + gen.rng.below(7 * 1024 + 1) as usize;
        let end = out.len() + chunk;
        match gen.rng.below(5) {
            0 => gen.records(&mut out, end),
            1 => gen.pattern(&mut out, end),
            2 => gen.noise(&mut out, end),
            3 => gen.wave(&mut out, end),
            _ => gen.log_lines(&mut out, end),
        }
    }
    out.truncate(len);
    out
}

/// SplitMix64: a small, fast, well-mixed 64-bit generator.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-ish value in `0..n` (`n > 0`; the tiny modulo bias is irrelevant here).
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Uniform value in `[-1, 1)`.
    fn signed_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (2.0 / (1u64 << 53) as f64) - 1.0
    }
}

/// State carried across chunks so that structure recurs through the file.
struct Mixer {
    rng: SplitMix64,
    record_id: u32,
    value: f32,
    timestamp: f64,
    pattern: [u8; 64],
    phase: (f64, f64),
    line_no: u32,
}

const TAGS: [&[u8; 8]; 6] = [
    b"alpha\0\0\0",
    b"bravo\0\0\0",
    b"charlie\0",
    b"delta\0\0\0",
    b"echo\0\0\0\0",
    b"foxtrot\0",
];

const KEYS: [&str; 5] = ["user", "status", "latency_ms", "bytes", "path"];

const PATHS: [&str; 4] = ["/index.html", "/api/v1/items", "/static/app.js", "/login"];

impl Mixer {
    fn new(seed: u64) -> Self {
        let mut rng = SplitMix64(seed);
        let mut pattern = [0u8; 64];
        for b in pattern.iter_mut() {
            *b = rng.next_u64() as u8;
        }
        Mixer {
            rng,
            record_id: 1,
            value: 100.0,
            timestamp: 1_700_000_000.0,
            pattern,
            phase: (1.0, 0.0),
            line_no: 0,
        }
    }

    fn records(&mut self, out: &mut Vec<u8>, end: usize) {
        while out.len() < end {
            let r = self.rng.next_u64();
            out.extend_from_slice(&self.record_id.to_le_bytes());
            out.extend_from_slice(&((r % 4) as u16 * 10).to_le_bytes());
            out.extend_from_slice(&(((r >> 8) & 0x0101) as u16).to_le_bytes());
            self.value += (self.rng.signed_unit() * 0.5) as f32;
            out.extend_from_slice(&self.value.to_le_bytes());
            self.timestamp += 0.25 + ((r >> 16) % 3) as f64 * 0.001;
            out.extend_from_slice(&self.timestamp.to_le_bytes());
            out.extend_from_slice(TAGS[((r >> 24) % TAGS.len() as u64) as usize]);
            self.record_id = self.record_id.wrapping_add(1);
        }
    }

    fn pattern(&mut self, out: &mut Vec<u8>, end: usize) {
        while out.len() < end {
            if self.rng.below(8) == 0 {
                let at = self.rng.below(64) as usize;
                self.pattern[at] = self.rng.next_u64() as u8;
            }
            out.extend_from_slice(&self.pattern);
        }
    }

    fn noise(&mut self, out: &mut Vec<u8>, end: usize) {
        while out.len() < end {
            out.extend_from_slice(&self.rng.next_u64().to_le_bytes());
        }
    }

    fn wave(&mut self, out: &mut Vec<u8>, end: usize) {
        // Rotation by a fixed small angle: (c, s) -> (c cos a - s sin a, c sin a + s cos a),
        // with cos a and sin a written out so no libm call is involved.
        const COS_A: f64 = 0.999_506_560_365_731_6; // cos(2*pi/200)
        const SIN_A: f64 = 0.031_410_759_078_128_29; // sin(2*pi/200)
        while out.len() < end {
            let (c, s) = self.phase;
            self.phase = (c * COS_A - s * SIN_A, c * SIN_A + s * COS_A);
            let noisy = s * 12_000.0 + self.rng.signed_unit() * 300.0;
            out.extend_from_slice(&(noisy as i16).to_le_bytes());
        }
        // Renormalise so rounding errors cannot grow without bound.
        let (c, s) = self.phase;
        let norm = c * c + s * s;
        let fix = 1.5 - 0.5 * norm;
        self.phase = (c * fix, s * fix);
    }

    fn log_lines(&mut self, out: &mut Vec<u8>, end: usize) {
        while out.len() < end {
            self.line_no = self.line_no.wrapping_add(1);
            let r = self.rng.next_u64();
            let line = format!(
                "{} {}={} {}={} {}={} {}={} {}={}\n",
                self.line_no,
                KEYS[0],
                r % 50,
                KEYS[1],
                [200, 200, 200, 304, 404, 500][((r >> 8) % 6) as usize],
                KEYS[2],
                (r >> 16) % 900 + 3,
                KEYS[3],
                (r >> 32) % 100_000,
                KEYS[4],
                PATHS[((r >> 56) % PATHS.len() as u64) as usize],
            );
            out.extend_from_slice(line.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_prefix_stable() {
        let long = mixed(50_000, 3);
        let short = mixed(20_000, 3);
        assert_eq!(long.len(), 50_000);
        assert_eq!(&long[..20_000], &short[..]);
        assert_ne!(mixed(20_000, 4), short);
    }

    #[test]
    fn small_lengths() {
        assert!(mixed(0, 1).is_empty());
        assert_eq!(mixed(5, 1), MIXED_MAGIC[..5].to_vec());
        assert_eq!(mixed(17, 1).len(), 17);
    }

    #[test]
    fn header_holds_seed() {
        let data = mixed(64, 0xABCD);
        assert_eq!(&data[..8], MIXED_MAGIC);
        assert_eq!(&data[8..16], &0xABCDu64.to_le_bytes());
    }

    #[test]
    fn embedded_mixed_bin_matches_generator() {
        let embedded = include_bytes!("../samples/mixed.bin");
        let generated = mixed(MIXED_BIN_LEN, MIXED_BIN_SEED);
        assert!(
            embedded[..] == generated[..],
            "samples/mixed.bin is stale: run `cargo run -p ncodec-datasets --example gen_mixed`"
        );
    }
}
