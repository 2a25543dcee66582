//! Learning BPE merges from text.
//!
//! The text is split into [`chunks`](super::pretokenize::chunks) and identical chunks are
//! counted. Then, until the vocabulary is full, the most frequent adjacent pair of tokens
//! inside chunks (never across them) becomes a new token. Training is incremental: pair
//! counts live in a map, a max-heap with lazy deletion finds the most frequent pair, and an
//! index from each pair to the chunks holding it limits every merge's work to the chunks it
//! touches.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use super::bbpe::{merge_pair, Bbpe, MAX_VOCAB};
use super::pretokenize::chunks;

type Pair = (u32, u32);

/// A distinct chunk of the training text, as its current tokens.
struct Word {
    symbols: Vec<u32>,
    /// How many times the chunk occurs.
    freq: u64,
}

/// The adjacent pairs of `symbols`, left to right.
fn pairs(symbols: &[u32]) -> impl Iterator<Item = Pair> + '_ {
    symbols.windows(2).filter_map(|w| match *w {
        [a, b] => Some((a, b)),
        _ => None,
    })
}

/// Learns a tokenizer of at most `vocab_size` tokens from `text`.
///
/// `vocab_size` is clamped to 256..=65536 (256 or less gives the plain byte tokenizer).
/// Each step merges the adjacent pair with the highest count (occurrences inside chunks,
/// weighted by chunk frequency); ties go to the smallest `(left, right)` pair, so the result
/// depends only on the input. Training stops early when no pair occurs twice.
///
/// ```
/// let text = b"low lower lowest ".repeat(10);
/// let bbpe = ncodec::tokenizer::train(&text, 270);
/// assert!(bbpe.vocab_size() > 256 && bbpe.vocab_size() <= 270);
/// assert_eq!(bbpe.merges()[0], (b'l' as u32, b'o' as u32));
/// ```
pub fn train(text: &[u8], vocab_size: usize) -> Bbpe {
    let target = vocab_size.clamp(256, MAX_VOCAB) - 256;
    let mut counts: HashMap<&[u8], u64> = HashMap::new();
    for chunk in chunks(text) {
        *counts.entry(chunk).or_insert(0) += 1;
    }
    let mut words: Vec<Word> = counts
        .into_iter()
        .filter(|(chunk, _)| chunk.len() > 1)
        .map(|(chunk, freq)| Word {
            symbols: chunk.iter().map(|&b| u32::from(b)).collect(),
            freq,
        })
        .collect();
    // Not needed for the result (sums commute), but keeps memory layout reproducible.
    words.sort_unstable_by(|a, b| a.symbols.cmp(&b.symbols));

    let mut count: HashMap<Pair, u64> = HashMap::new();
    // Words that held the pair when it was last counted (some may have lost it since).
    let mut holders: HashMap<Pair, HashSet<usize>> = HashMap::new();
    for (i, word) in words.iter().enumerate() {
        for pair in pairs(&word.symbols) {
            *count.entry(pair).or_insert(0) += word.freq;
            holders.entry(pair).or_default().insert(i);
        }
    }
    // Max-heap of (count, smallest pair first); entries whose count is outdated are skipped.
    let mut heap: BinaryHeap<(u64, Reverse<Pair>)> =
        count.iter().map(|(&p, &n)| (n, Reverse(p))).collect();

    let mut merges: Vec<Pair> = Vec::with_capacity(target);
    let mut changed: HashSet<Pair> = HashSet::new();
    while merges.len() < target {
        let Some((n, Reverse(pair))) = heap.pop() else {
            break;
        };
        if count.get(&pair) != Some(&n) {
            continue; // stale entry
        }
        if n < 2 {
            break;
        }
        // At most MAX_VOCAB - 256 merges, so the id fits.
        let id = 256 + merges.len() as u32;
        merges.push(pair);
        changed.clear();
        for i in holders.remove(&pair).unwrap_or_default() {
            let Some(word) = words.get_mut(i) else {
                continue;
            };
            if !pairs(&word.symbols).any(|p| p == pair) {
                continue;
            }
            for p in pairs(&word.symbols) {
                if let Some(c) = count.get_mut(&p) {
                    *c = c.saturating_sub(word.freq);
                }
                changed.insert(p);
            }
            merge_pair(&mut word.symbols, pair, id);
            for p in pairs(&word.symbols) {
                *count.entry(p).or_insert(0) += word.freq;
                holders.entry(p).or_default().insert(i);
                changed.insert(p);
            }
        }
        count.remove(&pair);
        for &p in &changed {
            match count.get(&p).copied() {
                Some(0) => {
                    count.remove(&p);
                    holders.remove(&p);
                }
                Some(c) if p != pair => heap.push((c, Reverse(p))),
                _ => {}
            }
        }
    }
    // Every merge joins tokens that exist before it (ids below 256 + its index), a merged
    // pair never occurs again, and there are at most MAX_VOCAB - 256 merges: this holds for
    // every input, so `from_merges` cannot fail here.
    Bbpe::from_merges(merges).unwrap_or_else(|e| unreachable!("training made bad merges: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Textbook BPE training: recount every pair after every merge.
    fn naive_train(text: &[u8], vocab_size: usize) -> Vec<Pair> {
        let mut counts: BTreeMap<&[u8], u64> = BTreeMap::new();
        for chunk in chunks(text) {
            *counts.entry(chunk).or_insert(0) += 1;
        }
        let mut words: Vec<(Vec<u32>, u64)> = counts
            .into_iter()
            .map(|(c, n)| (c.iter().map(|&b| u32::from(b)).collect(), n))
            .collect();
        let mut merges = Vec::new();
        while merges.len() + 256 < vocab_size {
            let mut pair_counts: BTreeMap<Pair, u64> = BTreeMap::new();
            for (symbols, n) in &words {
                for w in symbols.windows(2) {
                    *pair_counts.entry((w[0], w[1])).or_insert(0) += n;
                }
            }
            // Highest count; the first (smallest) pair among equals.
            let Some((&pair, &n)) = pair_counts
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            else {
                break;
            };
            if n < 2 {
                break;
            }
            let id = 256 + merges.len() as u32;
            for (symbols, _) in &mut words {
                merge_pair(symbols, pair, id);
            }
            merges.push(pair);
        }
        merges
    }

    fn random_text(n: usize, alphabet: &[u8], mut x: u64) -> Vec<u8> {
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                alphabet[(x >> 40) as usize % alphabet.len()]
            })
            .collect()
    }

    #[test]
    fn incremental_training_equals_the_naive_one() {
        let texts = [
            b"low lower lowest newer newest wider widest ".repeat(20),
            random_text(3000, b"ab ", 1),
            random_text(3000, b"aab  c1.", 2),
            random_text(2000, b"aaaa b", 3),
            random_text(4000, b"the quick brown fox 0123\n", 4),
            random_text(4000, &(0..=255).collect::<Vec<u8>>(), 5),
        ];
        for text in &texts {
            for vocab in [256, 260, 300, 500] {
                assert_eq!(train(text, vocab).merges(), naive_train(text, vocab));
            }
        }
    }

    #[test]
    fn ties_go_to_the_smallest_pair() {
        // Chunks "ab", " ab", " cd", " cd": (' ', 'c'), ('a', 'b') and ('c', 'd') occur
        // twice each.
        let bbpe = train(b"ab ab cd cd", 1000);
        assert_eq!(bbpe.merges(), [(32, 99), (97, 98), (256, 100)]);
    }

    #[test]
    fn training_is_deterministic_and_compresses() {
        let text = b"low lower lowest newer newest wider widest ".repeat(50);
        let a = train(&text, 300);
        let b = train(&text, 300);
        assert_eq!(a, b);
        assert_eq!(a.to_bytes(), b.to_bytes());
        assert!(a.vocab_size() > 256 && a.vocab_size() <= 300);
        let tokens = a.encode(&text);
        assert!(tokens.len() * 4 < text.len(), "{} tokens", tokens.len());
        assert_eq!(a.decode(&tokens).unwrap(), text);
    }

    #[test]
    fn frequent_words_become_tokens() {
        let sentence = b"the quick brown fox jumps over the lazy dog. ";
        let text = sentence.repeat(100);
        let bbpe = train(&text, 400);
        for word in [
            &b" quick"[..],
            b" brown",
            b" fox",
            b" jumps",
            b" over",
            b" the",
            b" lazy",
            b" dog",
        ] {
            assert!(
                (256..bbpe.vocab_size() as u32).any(|id| bbpe.token_bytes(id) == Some(word)),
                "no token for {:?}",
                String::from_utf8_lossy(word)
            );
        }
        // One token per chunk: "the", " quick", …, " dog", ".", then " the" …
        let tokens = bbpe.encode(&text);
        assert!(tokens.len() <= 10 * 100 + 1, "{} tokens", tokens.len());
        assert!(tokens.len() * 4 < text.len());
        assert_eq!(bbpe.decode(&tokens).unwrap(), text);
    }

    #[test]
    fn tiny_inputs_give_the_byte_tokenizer() {
        assert_eq!(train(b"", 1000).vocab_size(), 256);
        assert_eq!(train(b"abcdefg", 1000).vocab_size(), 256);
        assert_eq!(train(b"abab abab", 100).vocab_size(), 256);
        assert_eq!(train(&[7; 10_000], 0).vocab_size(), 256);
        // Stops when no pair occurs twice.
        assert_eq!(train(b"abab", 1000).merges(), [(97, 98)]);
    }

    #[test]
    fn binary_and_huge_vocabularies_work() {
        let text = random_text(50_000, &(0..=255).collect::<Vec<u8>>(), 9);
        let bbpe = train(&text, usize::MAX);
        assert!(bbpe.vocab_size() <= MAX_VOCAB);
        let tokens = bbpe.encode(&text);
        assert_eq!(bbpe.decode(&tokens).unwrap(), text);
    }

    /// Speed and bytes per token on the real corpus (run by hand:
    /// `cargo test --release -p ncodec --lib tokenizer -- --ignored --nocapture`).
    #[test]
    #[ignore = "needs data-cache/text (../shared/data/text.sh)"]
    fn corpus_statistics() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data-cache/text");
        let Ok(prose) = std::fs::read(root.join("train/prose.txt")) else {
            return;
        };
        let sample = &prose[..prose.len().min(20 << 20)];
        for vocab in [1024, 4096, 8192] {
            let t = std::time::Instant::now();
            let bbpe = train(sample, vocab);
            let trained = t.elapsed().as_secs_f64();
            println!(
                "vocab {vocab}: trained on {:.1} MB in {trained:.2} s ({} tokens)",
                sample.len() as f64 / 1e6,
                bbpe.vocab_size()
            );
            for name in ["valid/prose.txt", "valid/code.txt"] {
                let Ok(text) = std::fs::read(root.join(name)) else {
                    continue;
                };
                let t = std::time::Instant::now();
                let tokens = bbpe.encode(&text);
                let mbps = text.len() as f64 / t.elapsed().as_secs_f64() / 1e6;
                println!(
                    "  {name}: {:.3} bytes/token, encode {mbps:.1} MB/s",
                    text.len() as f64 / tokens.len() as f64
                );
            }
            let t = std::time::Instant::now();
            let tokens = bbpe.encode(sample);
            println!(
                "  train sample: {:.3} bytes/token, encode {:.1} MB/s",
                sample.len() as f64 / tokens.len() as f64,
                sample.len() as f64 / t.elapsed().as_secs_f64() / 1e6
            );
        }
    }
}
