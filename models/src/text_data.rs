//! Training and validation samples from the text corpus (`../shared/data/text.sh`).
//!
//! The corpus folder has `train/` and `valid/` with `prose.txt`, `code.txt` and
//! `binary.bin`. Training draws random positions with fixed weights per file (mostly
//! prose); validation is a fixed, evenly spaced sample of the valid split's prose, so
//! numbers are comparable across runs and sessions.
//!
//! A model sees *symbols*: the bytes themselves for the byte LM, or the canonical BBPE
//! tokens of each file for a token LM.

use std::path::{Path, PathBuf};

use ncodec::tokenizer::Bbpe;

/// One training or validation file held in memory, with its sampling weight.
pub struct Source {
    /// File name (for logs and the manifest).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Its symbols: the bytes, or their tokens.
    pub symbols: Vec<u32>,
    /// Relative sampling weight.
    pub weight: u32,
}

/// The files of one split.
pub struct TextCorpus {
    /// Files with non-empty content.
    pub sources: Vec<Source>,
    /// Bytes spelled by each symbol id (all 1 for bytes).
    pub symbol_len: Vec<u32>,
}

/// Sampling weights: prose dominates, code and binary keep the model general.
const WEIGHTS: [(&str, u32); 3] = [("prose.txt", 80), ("code.txt", 15), ("binary.bin", 5)];

impl TextCorpus {
    /// Reads `dir/split/{prose.txt,code.txt,binary.bin}` (missing files are skipped) as
    /// bytes, or as tokens of `tokenizer`.
    pub fn load(dir: &Path, split: &str, tokenizer: Option<&Bbpe>) -> std::io::Result<Self> {
        let mut sources = Vec::new();
        for (name, weight) in WEIGHTS {
            let path: PathBuf = dir.join(split).join(name);
            match std::fs::read(&path) {
                Ok(bytes) if !bytes.is_empty() => sources.push(Source {
                    name: format!("{split}/{name}"),
                    symbols: match tokenizer {
                        Some(t) => t.encode(&bytes),
                        None => bytes.iter().map(|&b| u32::from(b)).collect(),
                    },
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
        let symbol_len = match tokenizer {
            Some(t) => (0..t.vocab_size() as u32)
                .map(|id| t.token_bytes(id).map_or(1, |b| b.len() as u32))
                .collect(),
            None => vec![1; 256],
        };
        Ok(Self {
            sources,
            symbol_len,
        })
    }

    /// Vocabulary size (256 for bytes).
    pub fn vocab(&self) -> usize {
        self.symbol_len.len()
    }

    /// Total symbols.
    pub fn symbols(&self) -> usize {
        self.sources.iter().map(|s| s.symbols.len()).sum()
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

/// Appends the window of `context` symbols before `pos` (zeros before the start) and
/// the symbol at `pos` to the batch buffers.
pub fn push_window(
    symbols: &[u32],
    pos: usize,
    context: usize,
    inputs: &mut Vec<i64>,
    targets: &mut Vec<i64>,
) {
    for k in 0..context {
        let back = context - k;
        inputs.push(if pos >= back {
            i64::from(symbols[pos - back])
        } else {
            0
        });
    }
    targets.push(i64::from(symbols[pos]));
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
        let pos = rng.below(source.symbols.len() as u64) as usize;
        push_window(&source.symbols, pos, context, &mut inputs, &mut targets);
    }
    (inputs, targets)
}

/// A fixed validation sample: `count` evenly spaced positions of `symbols`.
pub fn fixed_sample(symbols: &[u32], count: usize, context: usize) -> (Vec<i64>, Vec<i64>) {
    let mut inputs = Vec::with_capacity(count * context);
    let mut targets = Vec::with_capacity(count);
    let step = (symbols.len() / count.max(1)).max(1);
    for pos in (0..symbols.len()).step_by(step).take(count) {
        push_window(symbols, pos, context, &mut inputs, &mut targets);
    }
    (inputs, targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_zero_padded_and_aligned() {
        let (mut i, mut t) = (Vec::new(), Vec::new());
        push_window(&[97, 98, 99], 1, 3, &mut i, &mut t);
        assert_eq!(i, [0, 0, i64::from(b'a')]);
        assert_eq!(t, [i64::from(b'b')]);
    }

    #[test]
    fn fixed_sample_is_deterministic() {
        let data: Vec<u32> = (0..1000u32).map(|x| x % 256).collect();
        assert_eq!(fixed_sample(&data, 10, 4), fixed_sample(&data, 10, 4));
        assert_eq!(fixed_sample(&data, 10, 4).1.len(), 10);
    }
}
