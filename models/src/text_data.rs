//! Training and validation samples from the text corpus (`../shared/data/text.sh`).
//!
//! The corpus folder has `train/` and `valid/` with `prose.txt`, `code.txt` and
//! `binary.bin`. Training draws random positions with fixed weights per file (mostly
//! prose); validation is a fixed, evenly spaced sample of the valid split's prose, so
//! numbers are comparable across runs and sessions.

use std::path::{Path, PathBuf};

/// One training or validation file held in memory, with its sampling weight.
pub struct Source {
    /// File name (for logs and the manifest).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Relative sampling weight.
    pub weight: u32,
}

/// The files of one split.
pub struct TextCorpus {
    /// Files with non-empty content.
    pub sources: Vec<Source>,
}

/// Sampling weights: prose dominates, code and binary keep the model general.
const WEIGHTS: [(&str, u32); 3] = [("prose.txt", 80), ("code.txt", 15), ("binary.bin", 5)];

impl TextCorpus {
    /// Reads `dir/split/{prose.txt,code.txt,binary.bin}` (missing files are skipped).
    pub fn load(dir: &Path, split: &str) -> std::io::Result<Self> {
        let mut sources = Vec::new();
        for (name, weight) in WEIGHTS {
            let path: PathBuf = dir.join(split).join(name);
            match std::fs::read(&path) {
                Ok(bytes) if !bytes.is_empty() => sources.push(Source {
                    name: format!("{split}/{name}"),
                    bytes,
                    weight,
                }),
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        if sources.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "no prose.txt, code.txt or binary.bin under {} (build the corpus with ../shared/data/text.sh)",
                    dir.join(split).display()
                ),
            ));
        }
        Ok(Self { sources })
    }

    /// Total bytes.
    pub fn len(&self) -> usize {
        self.sources.iter().map(|s| s.bytes.len()).sum()
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Deterministic xorshift64* generator, so runs are reproducible from a seed.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Rng(pub u64);

impl Rng {
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// Appends the window of `context` bytes before `pos` (zeros before the start) and the
/// byte at `pos` to the batch buffers.
pub fn push_window(
    bytes: &[u8],
    pos: usize,
    context: usize,
    inputs: &mut Vec<i64>,
    targets: &mut Vec<i64>,
) {
    for k in 0..context {
        let back = context - k;
        inputs.push(if pos >= back {
            i64::from(bytes[pos - back])
        } else {
            0
        });
    }
    targets.push(i64::from(bytes[pos]));
}

/// A random training batch: `(inputs [batch*context], targets [batch])`.
pub fn sample_batch(
    corpus: &TextCorpus,
    rng: &mut Rng,
    batch: usize,
    context: usize,
) -> (Vec<i64>, Vec<i64>) {
    let total_weight: u64 = corpus.sources.iter().map(|s| u64::from(s.weight)).sum();
    let mut inputs = Vec::with_capacity(batch * context);
    let mut targets = Vec::with_capacity(batch);
    for _ in 0..batch {
        let mut pick = rng.below(total_weight);
        let mut source = &corpus.sources[0];
        for s in &corpus.sources {
            if pick < u64::from(s.weight) {
                source = s;
                break;
            }
            pick -= u64::from(s.weight);
        }
        let pos = rng.below(source.bytes.len() as u64) as usize;
        push_window(&source.bytes, pos, context, &mut inputs, &mut targets);
    }
    (inputs, targets)
}

/// A fixed validation sample: `count` evenly spaced positions of `bytes`.
pub fn fixed_sample(bytes: &[u8], count: usize, context: usize) -> (Vec<i64>, Vec<i64>) {
    let mut inputs = Vec::with_capacity(count * context);
    let mut targets = Vec::with_capacity(count);
    let step = (bytes.len() / count.max(1)).max(1);
    for pos in (0..bytes.len()).step_by(step).take(count) {
        push_window(bytes, pos, context, &mut inputs, &mut targets);
    }
    (inputs, targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_zero_padded_and_aligned() {
        let (mut i, mut t) = (Vec::new(), Vec::new());
        push_window(b"abc", 1, 3, &mut i, &mut t);
        assert_eq!(i, [0, 0, i64::from(b'a')]);
        assert_eq!(t, [i64::from(b'b')]);
    }

    #[test]
    fn fixed_sample_is_deterministic() {
        let data: Vec<u8> = (0..1000u32).map(|x| x as u8).collect();
        assert_eq!(fixed_sample(&data, 10, 4), fixed_sample(&data, 10, 4));
        assert_eq!(fixed_sample(&data, 10, 4).1.len(), 10);
    }
}
