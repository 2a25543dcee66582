//! The tokenizer itself: merges, canonical encoding, decoding and the `NCTK` file format.
//!
//! # Tokenizer file (`NCTK` version 1, little-endian)
//! | field | type |
//! |---|---|
//! | magic | `b"NCTK"` |
//! | version | `u8` = 1 |
//! | merges | `u32` count, then per merge `u32` left id, `u32` right id |
//! | checksum | `u64` XXH3-64 of everything before it (also the tokenizer's hash) |
//!
//! Merge `i` creates token `256 + i`; its parts must be earlier tokens.

use std::collections::HashMap;

use xxhash_rust::xxh3::xxh3_64;

use super::pretokenize::chunks;

const MAGIC: &[u8; 4] = b"NCTK";
const VERSION: u8 = 1;

/// Largest vocabulary (256 bytes plus merges).
pub const MAX_VOCAB: usize = 1 << 16;

/// Errors of tokenizer files and token ids.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenizerError {
    /// Not an `NCTK` file.
    #[error("not a tokenizer file (the NCTK magic bytes are missing)")]
    BadMagic,
    /// A version this build does not read.
    #[error("unsupported tokenizer file version {0}")]
    UnsupportedVersion(u8),
    /// The file is damaged.
    #[error("corrupt tokenizer file: {0}")]
    Corrupt(&'static str),
    /// A token id outside the vocabulary.
    #[error("token id {id} is outside the vocabulary of {vocab}")]
    UnknownToken {
        /// The id.
        id: u32,
        /// The vocabulary size.
        vocab: usize,
    },
}

/// A byte-level BPE tokenizer.
///
/// ```
/// use ncodec::tokenizer::{train, Bbpe};
///
/// let text = b"the cat and the hat and the bat ".repeat(20);
/// let bbpe: Bbpe = train(&text, 300);
/// let tokens = bbpe.encode(b"the hat");
/// assert!(tokens.len() < 7);
/// assert_eq!(bbpe.decode(&tokens).unwrap(), b"the hat");
/// // Any bytes round-trip, learned or not.
/// assert_eq!(bbpe.decode(&bbpe.encode(b"\xff\0zebra")).unwrap(), b"\xff\0zebra");
/// let again = Bbpe::from_bytes(&bbpe.to_bytes()).unwrap();
/// assert_eq!(again.encode(b"the hat"), tokens);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bbpe {
    merges: Vec<(u32, u32)>,
    /// Rank (merge index) of each mergeable pair.
    ranks: HashMap<(u32, u32), u32>,
    /// Bytes of every token.
    tokens: Vec<Vec<u8>>,
    hash: u64,
}

impl Bbpe {
    /// A tokenizer from its merges (each part an earlier token).
    pub fn from_merges(merges: Vec<(u32, u32)>) -> Result<Self, TokenizerError> {
        if merges.len() > MAX_VOCAB - 256 {
            return Err(TokenizerError::Corrupt("too many merges"));
        }
        let mut tokens: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
        let mut ranks = HashMap::with_capacity(merges.len());
        for (i, &(left, right)) in merges.iter().enumerate() {
            let (Some(l), Some(r)) = (tokens.get(left as usize), tokens.get(right as usize)) else {
                return Err(TokenizerError::Corrupt("a merge refers to a later token"));
            };
            let joined = [&l[..], &r[..]].concat();
            if ranks.insert((left, right), i as u32).is_some() {
                return Err(TokenizerError::Corrupt("a pair is merged twice"));
            }
            tokens.push(joined);
        }
        let mut bbpe = Self {
            merges,
            ranks,
            tokens,
            hash: 0,
        };
        let bytes = bbpe.body();
        bbpe.hash = xxh3_64(&bytes);
        Ok(bbpe)
    }

    fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(9 + 8 * self.merges.len());
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.extend_from_slice(&(self.merges.len() as u32).to_le_bytes());
        for &(l, r) in &self.merges {
            out.extend_from_slice(&l.to_le_bytes());
            out.extend_from_slice(&r.to_le_bytes());
        }
        out
    }

    /// The `NCTK` file of this tokenizer.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.body();
        out.extend_from_slice(&self.hash.to_le_bytes());
        out
    }

    /// Parses and checks an `NCTK` file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, TokenizerError> {
        if bytes.len() < 4 || &bytes[..4] != MAGIC {
            return Err(TokenizerError::BadMagic);
        }
        if bytes.len() < 17 {
            return Err(TokenizerError::Corrupt("file too short"));
        }
        let version = bytes[4];
        if version != VERSION {
            return Err(TokenizerError::UnsupportedVersion(version));
        }
        let body_len = bytes.len() - 8;
        let stored = u64::from_le_bytes(
            bytes[body_len..]
                .try_into()
                .map_err(|_| TokenizerError::Corrupt("file too short"))?,
        );
        if xxh3_64(&bytes[..body_len]) != stored {
            return Err(TokenizerError::Corrupt("checksum mismatch"));
        }
        let word = |at: usize| -> Result<u32, TokenizerError> {
            bytes
                .get(at..at + 4)
                .and_then(|b| b.try_into().ok())
                .map(u32::from_le_bytes)
                .ok_or(TokenizerError::Corrupt("file ends early"))
        };
        let count = word(5)? as usize;
        if 9 + count.saturating_mul(8) != body_len {
            return Err(TokenizerError::Corrupt(
                "merge count does not match the size",
            ));
        }
        let merges = (0..count)
            .map(|i| Ok((word(9 + 8 * i)?, word(13 + 8 * i)?)))
            .collect::<Result<Vec<_>, TokenizerError>>()?;
        Self::from_merges(merges)
    }

    /// XXH3-64 of the tokenizer file (its last 8 bytes).
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// Number of tokens: 256 plus the merges.
    pub fn vocab_size(&self) -> usize {
        self.tokens.len()
    }

    /// The merges, in order: merge `i` makes token `256 + i`.
    pub fn merges(&self) -> &[(u32, u32)] {
        &self.merges
    }

    /// The bytes of token `id`.
    pub fn token_bytes(&self, id: u32) -> Option<&[u8]> {
        self.tokens.get(id as usize).map(|t| &t[..])
    }

    /// The canonical tokenization of `input`.
    pub fn encode(&self, input: &[u8]) -> Vec<u32> {
        let mut out = Vec::with_capacity(input.len() / 3 + 1);
        let mut cache: HashMap<&[u8], Vec<u32>> = HashMap::new();
        let mut work = Vec::new();
        for chunk in chunks(input) {
            if let Some(tokens) = cache.get(chunk) {
                out.extend_from_slice(tokens);
                continue;
            }
            self.encode_chunk(chunk, &mut work);
            out.extend_from_slice(&work);
            if cache.len() < 1 << 20 {
                cache.insert(chunk, work.clone());
            }
        }
        out
    }

    /// BPE inside one chunk: merges the lowest-ranked adjacent pair until none is left.
    fn encode_chunk(&self, chunk: &[u8], symbols: &mut Vec<u32>) {
        symbols.clear();
        symbols.extend(chunk.iter().map(|&b| u32::from(b)));
        loop {
            let best = symbols
                .windows(2)
                .filter_map(|w| self.ranks.get(&(w[0], w[1])).copied())
                .min();
            let Some(rank) = best else { break };
            let (left, right) = self.merges[rank as usize];
            let id = 256 + rank;
            let mut read = 0;
            let mut write = 0;
            while read < symbols.len() {
                if read + 1 < symbols.len() && symbols[read] == left && symbols[read + 1] == right {
                    symbols[write] = id;
                    read += 2;
                } else {
                    symbols[write] = symbols[read];
                    read += 1;
                }
                write += 1;
            }
            symbols.truncate(write);
        }
    }

    /// The bytes of `tokens`.
    pub fn decode(&self, tokens: &[u32]) -> Result<Vec<u8>, TokenizerError> {
        let mut out = Vec::with_capacity(tokens.len() * 4);
        for &id in tokens {
            let bytes = self.token_bytes(id).ok_or(TokenizerError::UnknownToken {
                id,
                vocab: self.vocab_size(),
            })?;
            out.extend_from_slice(bytes);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::train;

    fn random(n: usize, mut x: u64) -> Vec<u8> {
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    fn sample() -> Bbpe {
        let text = b"It was the best of times, it was the worst of times; the age of wisdom, \
            the age of foolishness. 1234 5678\n\tfn main() { println!(\"hi\"); }\n"
            .repeat(30);
        train(&text, 400)
    }

    #[test]
    fn any_bytes_round_trip() {
        let bbpe = sample();
        let all: Vec<u8> = (0..=255).collect();
        let inputs: Vec<Vec<u8>> = vec![
            vec![],
            b"a".to_vec(),
            all,
            random(10_000, 99),
            b"\xc3\x28 invalid \xff\xfe utf-8 \0\0 the age".to_vec(),
            vec![b' '; 1000],
            b"it was the best of times".repeat(100),
        ];
        for input in inputs {
            let tokens = bbpe.encode(&input);
            assert_eq!(bbpe.decode(&tokens).unwrap(), input);
            assert!(tokens.iter().all(|&t| (t as usize) < bbpe.vocab_size()));
        }
    }

    #[test]
    fn frequent_words_become_single_tokens() {
        let bbpe = sample();
        assert!(bbpe.vocab_size() > 256);
        let text = b" the age of times";
        let tokens = bbpe.encode(text);
        assert!(tokens.len() <= 4, "{tokens:?}");
        assert_eq!(bbpe.encode(text), tokens);
    }

    #[test]
    fn merges_apply_in_rank_order() {
        // Merges: "ab" (256), "bc" (257), "abc" from 256+c (258).
        let bbpe = Bbpe::from_merges(vec![(97, 98), (98, 99), (256, 99)]).unwrap();
        assert_eq!(bbpe.encode(b"abc"), [258]);
        assert_eq!(bbpe.encode(b"bcab"), [257, 256]);
        assert_eq!(bbpe.encode(b"abab"), [256, 256]);
        assert_eq!(bbpe.token_bytes(258), Some(&b"abc"[..]));
        assert!(bbpe.decode(&[259]).is_err());
    }

    #[test]
    fn files_round_trip_and_damage_is_refused() {
        let bbpe = sample();
        let bytes = bbpe.to_bytes();
        assert_eq!(Bbpe::from_bytes(&bytes).unwrap(), bbpe);
        assert_eq!(
            Bbpe::from_bytes(b"NOPE....").unwrap_err(),
            TokenizerError::BadMagic
        );
        for len in 0..bytes.len() {
            assert!(Bbpe::from_bytes(&bytes[..len]).is_err());
        }
        for pos in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[pos] ^= 0x10;
            assert!(Bbpe::from_bytes(&bad).is_err());
        }
        assert!(Bbpe::from_merges(vec![(97, 300)]).is_err());
        assert!(Bbpe::from_merges(vec![(97, 98), (97, 98)]).is_err());
    }
}
