//! Learning BPE merges from text: count the [`chunks`](super::pretokenize::chunks), then
//! repeatedly merge the most frequent adjacent pair of tokens inside chunks, updating only
//! the chunks that contain it.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use super::bbpe::{Bbpe, MAX_VOCAB};
use super::pretokenize::chunks;

type Pair = (u32, u32);

/// Learns a tokenizer of `vocab_size` tokens (at most 65536; 256 or fewer gives the plain
/// byte tokenizer) from `text`. Ties go to the smallest pair, so the result depends only
/// on the input. Stops early when no pair occurs twice.
pub fn train(text: &[u8], vocab_size: usize) -> Bbpe {
    let target = vocab_size.clamp(256, MAX_VOCAB) - 256;
    let mut counts: HashMap<&[u8], u64> = HashMap::new();
    for chunk in chunks(text) {
        *counts.entry(chunk).or_insert(0) += 1;
    }
    let mut distinct: Vec<(&[u8], u64)> = counts.into_iter().collect();
    distinct.sort_unstable();
    let mut words: Vec<Vec<u32>> = distinct
        .iter()
        .map(|(w, _)| w.iter().map(|&b| u32::from(b)).collect())
        .collect();
    let freq: Vec<u64> = distinct.iter().map(|&(_, n)| n).collect();

    let mut pair_count: HashMap<Pair, u64> = HashMap::new();
    let mut where_: HashMap<Pair, HashSet<usize>> = HashMap::new();
    for (i, word) in words.iter().enumerate() {
        for w in word.windows(2) {
            let pair = (w[0], w[1]);
            *pair_count.entry(pair).or_insert(0) += freq[i];
            where_.entry(pair).or_default().insert(i);
        }
    }
    let mut heap: BinaryHeap<(u64, Reverse<Pair>)> =
        pair_count.iter().map(|(&p, &n)| (n, Reverse(p))).collect();

    let mut merges = Vec::with_capacity(target);
    while merges.len() < target {
        let Some((n, Reverse(pair))) = heap.pop() else {
            break;
        };
        if pair_count.get(&pair).copied() != Some(n) {
            continue; // stale entry
        }
        if n < 2 {
            break;
        }
        let id = 256 + merges.len() as u32;
        merges.push(pair);
        let mut affected: Vec<usize> = where_
            .remove(&pair)
            .unwrap_or_default()
            .into_iter()
            .collect();
        affected.sort_unstable();
        let mut changed: HashSet<Pair> = HashSet::new();
        for i in affected {
            let word = &mut words[i];
            if !word.windows(2).any(|w| (w[0], w[1]) == pair) {
                continue;
            }
            for w in word.windows(2) {
                let p = (w[0], w[1]);
                if let Some(c) = pair_count.get_mut(&p) {
                    *c -= freq[i];
                }
                changed.insert(p);
            }
            let mut merged = Vec::with_capacity(word.len());
            let mut k = 0;
            while k < word.len() {
                if k + 1 < word.len() && (word[k], word[k + 1]) == pair {
                    merged.push(id);
                    k += 2;
                } else {
                    merged.push(word[k]);
                    k += 1;
                }
            }
            *word = merged;
            for w in word.windows(2) {
                let p = (w[0], w[1]);
                *pair_count.entry(p).or_insert(0) += freq[i];
                where_.entry(p).or_default().insert(i);
                changed.insert(p);
            }
        }
        pair_count.remove(&pair);
        let mut changed: Vec<Pair> = changed.into_iter().collect();
        changed.sort_unstable();
        for p in changed {
            match pair_count.get(&p).copied() {
                Some(0) => {
                    pair_count.remove(&p);
                }
                Some(c) if p != pair => heap.push((c, Reverse(p))),
                _ => {}
            }
        }
    }
    // Every merge joins tokens that exist before it, so this cannot fail.
    Bbpe::from_merges(merges).unwrap_or_else(|_| unreachable!("merges refer to earlier tokens"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_is_deterministic_and_compresses() {
        let text = b"low lower lowest newer newest wider widest ".repeat(50);
        let a = train(&text, 300);
        let b = train(&text, 300);
        assert_eq!(a, b);
        assert!(a.vocab_size() > 256 && a.vocab_size() <= 300);
        let tokens = a.encode(&text);
        assert!(tokens.len() * 4 < text.len(), "{} tokens", tokens.len());
        assert_eq!(a.decode(&tokens).unwrap(), text);
    }

    #[test]
    fn tiny_inputs_give_the_byte_tokenizer() {
        assert_eq!(train(b"", 1000).vocab_size(), 256);
        assert_eq!(train(b"abcdefg", 1000).vocab_size(), 256);
        assert_eq!(train(b"abab abab", 100).vocab_size(), 256);
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
            for name in ["valid/prose.txt", "valid/code.txt"] {
                let Ok(text) = std::fs::read(root.join(name)) else {
                    continue;
                };
                let t = std::time::Instant::now();
                let tokens = bbpe.encode(&text);
                let mbps = text.len() as f64 / t.elapsed().as_secs_f64() / 1e6;
                println!(
                    "vocab {vocab}: trained in {trained:.1} s; {name}: {:.3} bytes/token, encode {mbps:.1} MB/s",
                    text.len() as f64 / tokens.len() as f64
                );
            }
        }
    }
}
