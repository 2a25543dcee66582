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
/// Magic, version and merge count.
const HEADER_LEN: usize = 9;
/// Two `u32` ids per merge.
const MERGE_LEN: usize = 8;
/// The XXH3-64 checksum.
const CHECKSUM_LEN: usize = 8;

/// Largest vocabulary (256 bytes plus merges).
pub const MAX_VOCAB: usize = 1 << 16;

/// Most distinct chunks [`Bbpe::encode`] remembers within one call.
const CACHE_LIMIT: usize = 1 << 20;

/// Errors of tokenizer files and token ids.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenizerError {
    /// Not an `NCTK` file.
    #[error("not a tokenizer file (the NCTK magic bytes are missing)")]
    BadMagic,
    /// A version this build does not read.
    #[error("unsupported tokenizer file version {0} (this build reads version 1)")]
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

/// A byte-level BPE tokenizer: the 256 byte tokens plus learned merges.
///
/// Learn one with [`train`](super::train), or load one with [`Bbpe::from_bytes`].
///
/// ```
/// use ncodec::tokenizer::{train, Bbpe};
///
/// let text = b"the cat and the hat and the bat ".repeat(20);
/// let bbpe: Bbpe = train(&text, 300);
/// let tokens = bbpe.encode(b"the hat");
/// assert!(tokens.len() < 7);
/// assert_eq!(bbpe.decode(&tokens)?, b"the hat");
/// // Any bytes round-trip, learned or not.
/// assert_eq!(bbpe.decode(&bbpe.encode(b"\xff\0zebra"))?, b"\xff\0zebra");
/// let again = Bbpe::from_bytes(&bbpe.to_bytes())?;
/// assert_eq!(again.encode(b"the hat"), tokens);
/// # Ok::<(), ncodec::tokenizer::TokenizerError>(())
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

impl Default for Bbpe {
    /// The plain byte tokenizer (no merges).
    fn default() -> Self {
        let tokens: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
        let mut bbpe = Self {
            merges: Vec::new(),
            ranks: HashMap::new(),
            tokens,
            hash: 0,
        };
        bbpe.hash = xxh3_64(&bbpe.body());
        bbpe
    }
}

impl Bbpe {
    /// A tokenizer from its merges: merge `i` joins tokens `left` and `right` (each below
    /// `256 + i`) into token `256 + i`. Fails on a part that is not an earlier token, on a
    /// pair merged twice, or on more than `MAX_VOCAB - 256` merges.
    pub fn from_merges(merges: Vec<(u32, u32)>) -> Result<Self, TokenizerError> {
        if merges.len() > MAX_VOCAB - 256 {
            return Err(TokenizerError::Corrupt("too many merges"));
        }
        let mut bbpe = Self::default();
        bbpe.ranks.reserve(merges.len());
        bbpe.tokens.reserve(merges.len());
        for (rank, &(left, right)) in (0u32..).zip(&merges) {
            let (Some(l), Some(r)) = (
                bbpe.tokens.get(left as usize),
                bbpe.tokens.get(right as usize),
            ) else {
                return Err(TokenizerError::Corrupt(
                    "a merge refers to a token that does not exist yet",
                ));
            };
            let joined = [&l[..], &r[..]].concat();
            if bbpe.ranks.insert((left, right), rank).is_some() {
                return Err(TokenizerError::Corrupt("a pair is merged twice"));
            }
            bbpe.tokens.push(joined);
        }
        bbpe.merges = merges;
        bbpe.hash = xxh3_64(&bbpe.body());
        Ok(bbpe)
    }

    /// The file without its checksum.
    fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + MERGE_LEN * self.merges.len());
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        // At most MAX_VOCAB - 256 merges, so the count fits.
        out.extend_from_slice(&(self.merges.len() as u32).to_le_bytes());
        for &(l, r) in &self.merges {
            out.extend_from_slice(&l.to_le_bytes());
            out.extend_from_slice(&r.to_le_bytes());
        }
        out
    }

    /// The `NCTK` file of this tokenizer (version 1, integers little-endian):
    ///
    /// | field | type |
    /// |---|---|
    /// | magic | `b"NCTK"` |
    /// | version | `u8` = 1 |
    /// | merges | `u32` count, then per merge `u32` left id, `u32` right id |
    /// | checksum | `u64` XXH3-64 of everything before it ([`Bbpe::hash`]) |
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.body();
        out.extend_from_slice(&self.hash.to_le_bytes());
        out
    }

    /// Parses and checks an `NCTK` file: magic, version, checksum, size, and that every
    /// merge joins earlier tokens. Never panics, whatever `bytes` holds.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, TokenizerError> {
        if bytes.get(..MAGIC.len()) != Some(&MAGIC[..]) {
            return Err(TokenizerError::BadMagic);
        }
        let version = *bytes
            .get(MAGIC.len())
            .ok_or(TokenizerError::Corrupt("the file ends inside the header"))?;
        if version != VERSION {
            return Err(TokenizerError::UnsupportedVersion(version));
        }
        let (body, checksum) = bytes
            .split_last_chunk::<CHECKSUM_LEN>()
            .filter(|(body, _)| body.len() >= HEADER_LEN)
            .ok_or(TokenizerError::Corrupt("the file is too short"))?;
        if xxh3_64(body) != u64::from_le_bytes(*checksum) {
            return Err(TokenizerError::Corrupt("checksum mismatch"));
        }
        let (header, records) = body.split_at(HEADER_LEN);
        let count = header
            .last_chunk::<4>()
            .map(|c| u32::from_le_bytes(*c))
            .ok_or(TokenizerError::Corrupt("the file ends inside the header"))?;
        if usize::try_from(count)
            .ok()
            .and_then(|n| n.checked_mul(MERGE_LEN))
            != Some(records.len())
        {
            return Err(TokenizerError::Corrupt(
                "the merge count does not match the file size",
            ));
        }
        let merges = records
            .chunks_exact(MERGE_LEN)
            .map(|r| match (r.first_chunk::<4>(), r.last_chunk::<4>()) {
                (Some(left), Some(right)) => {
                    (u32::from_le_bytes(*left), u32::from_le_bytes(*right))
                }
                // Unreachable with exact 8-byte records; refused by `from_merges` anyway.
                _ => (u32::MAX, u32::MAX),
            })
            .collect();
        Self::from_merges(merges)
    }

    /// XXH3-64 of the tokenizer file (its last 8 bytes): identifies the tokenizer.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// Number of tokens: 256 plus the merges.
    pub fn vocab_size(&self) -> usize {
        self.tokens.len()
    }

    /// The merges, in order: merge `i` joins `(left, right)` into token `256 + i`.
    pub fn merges(&self) -> &[(u32, u32)] {
        &self.merges
    }

    /// The bytes of token `id`, or `None` outside the vocabulary.
    pub fn token_bytes(&self, id: u32) -> Option<&[u8]> {
        self.tokens.get(id as usize).map(|t| &t[..])
    }

    /// The canonical tokenization of `input` (any bytes): the input is split into
    /// [`chunks`](super::pretokenize::chunks), and inside each chunk the adjacent pair with
    /// the lowest merge index is merged (all its occurrences, left to right) until no
    /// mergeable pair is left. Every id is below [`Bbpe::vocab_size`].
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
            if cache.len() < CACHE_LIMIT {
                cache.insert(chunk, work.clone());
            }
        }
        out
    }

    /// BPE inside one chunk: merges the lowest-ranked adjacent pair until none is left.
    fn encode_chunk(&self, chunk: &[u8], symbols: &mut Vec<u32>) {
        symbols.clear();
        symbols.extend(chunk.iter().map(|&b| u32::from(b)));
        while symbols.len() > 1 {
            let best = symbols
                .windows(2)
                .filter_map(|w| match *w {
                    [a, b] => self.ranks.get(&(a, b)).copied(),
                    _ => None,
                })
                .min();
            let Some((rank, &(left, right))) =
                best.and_then(|r| Some((r, self.merges.get(r as usize)?)))
            else {
                break;
            };
            merge_pair(symbols, (left, right), 256 + rank);
        }
    }

    /// The bytes of `tokens`; fails on an id outside the vocabulary.
    pub fn decode(&self, tokens: &[u32]) -> Result<Vec<u8>, TokenizerError> {
        let mut out = Vec::with_capacity(tokens.len().saturating_mul(4));
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

/// Replaces every occurrence of `pair` in `symbols` by `id`, left to right.
pub(super) fn merge_pair(symbols: &mut Vec<u32>, (left, right): (u32, u32), id: u32) {
    let mut read = 0;
    let mut write = 0;
    while let Some(&a) = symbols.get(read) {
        let (value, step) = if a == left && symbols.get(read + 1) == Some(&right) {
            (id, 2)
        } else {
            (a, 1)
        };
        if let Some(slot) = symbols.get_mut(write) {
            *slot = value;
        }
        read += step;
        write += 1;
    }
    symbols.truncate(write);
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

    /// Deterministic mixed text: words, numbers, punctuation, whitespace runs, UTF-8, junk.
    fn mixed_text(n: usize, mut x: u64) -> Vec<u8> {
        const WORDS: [&[u8]; 16] = [
            b"the",
            b" the",
            b" quick",
            b"Brown",
            b" fox",
            b"\n\n",
            b"  ",
            b"12345",
            b" 7",
            b"fn",
            b"();",
            b" \xc3\xa9t\xc3\xa9",
            b"\t",
            b"\xff\x00",
            b" jumps",
            b".\n",
        ];
        let mut text = Vec::with_capacity(n + 16);
        while text.len() < n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x.is_multiple_of(40) {
                text.push((x >> 40) as u8);
            } else {
                text.extend_from_slice(WORDS[(x >> 33) as usize % WORDS.len()]);
            }
        }
        text
    }

    fn sample() -> Bbpe {
        let text = b"It was the best of times, it was the worst of times; the age of wisdom, \
            the age of foolishness. 1234 5678\n\tfn main() { println!(\"hi\"); }\n"
            .repeat(30);
        train(&text, 400)
    }

    /// The shipped tokenizer of the `lm-token` codec.
    fn shipped() -> Bbpe {
        let bytes = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../models/weights/bbpe-4096.nctk"
        ));
        Bbpe::from_bytes(bytes).unwrap()
    }

    /// Textbook BPE: every merge in order, applied left to right over each whole chunk.
    /// (A merge never recreates an earlier pair, so this equals lowest-rank-first.)
    fn naive_encode(bbpe: &Bbpe, input: &[u8]) -> Vec<u32> {
        let mut out = Vec::new();
        for chunk in chunks(input) {
            let mut symbols: Vec<u32> = chunk.iter().map(|&b| u32::from(b)).collect();
            for (i, &(left, right)) in bbpe.merges().iter().enumerate() {
                let mut merged = Vec::with_capacity(symbols.len());
                let mut k = 0;
                while k < symbols.len() {
                    if k + 1 < symbols.len() && symbols[k] == left && symbols[k + 1] == right {
                        merged.push(256 + i as u32);
                        k += 2;
                    } else {
                        merged.push(symbols[k]);
                        k += 1;
                    }
                }
                symbols = merged;
            }
            out.extend(symbols);
        }
        out
    }

    /// An `NCTK` file with a valid checksum for whatever `merges` holds.
    fn file_of(version: u8, count: u32, merges: &[(u32, u32)]) -> Vec<u8> {
        let mut out = b"NCTK".to_vec();
        out.push(version);
        out.extend_from_slice(&count.to_le_bytes());
        for &(l, r) in merges {
            out.extend_from_slice(&l.to_le_bytes());
            out.extend_from_slice(&r.to_le_bytes());
        }
        let sum = xxh3_64(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    #[test]
    fn any_bytes_round_trip() {
        let all: Vec<u8> = (0..=255).collect();
        let inputs: Vec<Vec<u8>> = vec![
            vec![],
            b"a".to_vec(),
            vec![0],
            vec![0xff],
            all.clone(),
            all.iter().rev().copied().collect(),
            random(10_000, 99),
            b"\xc3\x28 invalid \xff\xfe utf-8 \0\0 the age \xe2\x82".to_vec(),
            vec![b' '; 1000],
            vec![b'e'; 1000],
            vec![0; 1000],
            b"ab".repeat(500),
            b"it was the best of times".repeat(100),
            mixed_text(20_000, 5),
        ];
        for bbpe in [Bbpe::default(), sample(), shipped()] {
            for input in &inputs {
                let tokens = bbpe.encode(input);
                assert_eq!(bbpe.decode(&tokens).unwrap(), *input);
                assert!(tokens.iter().all(|&t| (t as usize) < bbpe.vocab_size()));
                assert!(tokens.len() <= input.len());
            }
        }
        assert_eq!(
            Bbpe::default().encode(&all),
            all.iter().map(|&b| u32::from(b)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn encode_matches_the_reference_algorithm() {
        for bbpe in [sample(), shipped()] {
            for input in [
                mixed_text(30_000, 1),
                random(5_000, 3),
                b"It was the best of times, it was the worst of times".to_vec(),
                b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa    \n\n\n\n    0000000000".to_vec(),
            ] {
                let tokens = bbpe.encode(&input);
                assert_eq!(tokens, naive_encode(&bbpe, &input));
                assert_eq!(bbpe.encode(&input), tokens);
            }
        }
        // Overlaps and rank order: "aaa" with merge "aa" merges the left pair first.
        let bbpe = Bbpe::from_merges(vec![(97, 97), (256, 97), (97, 256)]).unwrap();
        assert_eq!(bbpe.encode(b"aaa"), [257]);
        assert_eq!(bbpe.encode(b"aaaa"), [256, 256]);
        assert_eq!(bbpe.encode(b"aaaaa"), [256, 257]);
    }

    #[test]
    fn merges_apply_in_rank_order() {
        // Merges: "ab" (256), "bc" (257), "abc" from 256+c (258).
        let bbpe = Bbpe::from_merges(vec![(97, 98), (98, 99), (256, 99)]).unwrap();
        assert_eq!(bbpe.encode(b"abc"), [258]);
        assert_eq!(bbpe.encode(b"bcab"), [257, 256]);
        assert_eq!(bbpe.encode(b"abab"), [256, 256]);
        assert_eq!(bbpe.token_bytes(258), Some(&b"abc"[..]));
        assert_eq!(bbpe.token_bytes(259), None);
        assert_eq!(bbpe.vocab_size(), 259);
        assert_eq!(bbpe.merges(), [(97, 98), (98, 99), (256, 99)]);
        assert_eq!(bbpe.decode(&[258, 0, 97]).unwrap(), b"abc\0a");
        assert_eq!(
            bbpe.decode(&[97, 259]),
            Err(TokenizerError::UnknownToken {
                id: 259,
                vocab: 259
            })
        );
        assert!(bbpe.decode(&[u32::MAX]).is_err());
        // Merges never cross chunks ("a", "123", "4").
        let bbpe = Bbpe::from_merges(vec![(97, 49), (51, 52)]).unwrap();
        assert_eq!(bbpe.encode(b"a1234"), [97, 49, 50, 51, 52]);
        assert_eq!(bbpe.encode(b"34a1"), [257, 97, 49]);
    }

    #[test]
    fn canonical_tokens_are_pinned() {
        // Guards the canonical tokenization (chunks + training + merge order): a change
        // here changes shipped tokenizers and the `lm-token` files coded with them.
        let bbpe = train(&mixed_text(100_000, 0x9e37_79b9_7f4a_7c15), 600);
        assert_eq!(
            (bbpe.vocab_size(), bbpe.hash()),
            (546, 0x0590_2799_b24a_ffa7)
        );
        let tokens = bbpe.encode(&mixed_text(50_000, 12345));
        let bytes: Vec<u8> = tokens.iter().flat_map(|t| t.to_le_bytes()).collect();
        assert_eq!(
            (tokens.len(), xxh3_64(&bytes)),
            (14974, 0xa557_31b2_6ae1_07cc)
        );
    }

    #[test]
    fn files_round_trip() {
        for bbpe in [Bbpe::default(), sample(), shipped()] {
            let bytes = bbpe.to_bytes();
            assert_eq!(bytes.len(), 17 + 8 * bbpe.merges().len());
            assert_eq!(
                bytes.get(bytes.len() - 8..),
                Some(&bbpe.hash().to_le_bytes()[..])
            );
            let again = Bbpe::from_bytes(&bytes).unwrap();
            assert_eq!(again, bbpe);
            assert_eq!(again.hash(), bbpe.hash());
            assert_eq!(again.to_bytes(), bytes);
            assert_eq!(Bbpe::from_merges(bbpe.merges().to_vec()).unwrap(), bbpe);
        }
        let file = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../models/weights/bbpe-4096.nctk"
        ));
        assert_eq!(shipped().to_bytes(), file);
        assert_eq!(shipped().vocab_size(), 4096);
    }

    #[test]
    fn damaged_files_are_refused() {
        let bytes = sample().to_bytes();
        assert_eq!(Bbpe::from_bytes(b"").unwrap_err(), TokenizerError::BadMagic);
        assert_eq!(
            Bbpe::from_bytes(b"NOPE....").unwrap_err(),
            TokenizerError::BadMagic
        );
        for len in 0..bytes.len() {
            assert!(
                Bbpe::from_bytes(&bytes[..len]).is_err(),
                "truncated to {len}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Bbpe::from_bytes(&longer).is_err());
        for pos in 0..bytes.len() {
            for bit in 0..8 {
                let mut bad = bytes.clone();
                bad[pos] ^= 1 << bit;
                assert!(Bbpe::from_bytes(&bad).is_err(), "bit {bit} of byte {pos}");
            }
        }
        for len in 0..64 {
            let _ = Bbpe::from_bytes(&random(len, len as u64 + 1));
            let junk = [&b"NCTK\x01"[..], &random(len, 7)].concat();
            assert!(Bbpe::from_bytes(&junk).is_err());
        }
    }

    #[test]
    fn impossible_merges_are_refused_despite_a_good_checksum() {
        let good = file_of(1, 2, &[(97, 98), (256, 99)]);
        assert!(Bbpe::from_bytes(&good).is_ok());
        let cases = [
            (
                file_of(2, 2, &[(97, 98), (256, 99)]),
                TokenizerError::UnsupportedVersion(2),
            ),
            (
                file_of(1, 2, &[(97, 98), (257, 99)]),
                TokenizerError::Corrupt("a merge refers to a token that does not exist yet"),
            ),
            (
                file_of(1, 1, &[(256, 97)]),
                TokenizerError::Corrupt("a merge refers to a token that does not exist yet"),
            ),
            (
                file_of(1, 1, &[(97, u32::MAX)]),
                TokenizerError::Corrupt("a merge refers to a token that does not exist yet"),
            ),
            (
                file_of(1, 2, &[(97, 98), (97, 98)]),
                TokenizerError::Corrupt("a pair is merged twice"),
            ),
            (
                file_of(1, 3, &[(97, 98), (256, 99)]),
                TokenizerError::Corrupt("the merge count does not match the file size"),
            ),
            (
                file_of(1, u32::MAX, &[(97, 98)]),
                TokenizerError::Corrupt("the merge count does not match the file size"),
            ),
        ];
        for (file, error) in cases {
            assert_eq!(Bbpe::from_bytes(&file).unwrap_err(), error);
        }
        let too_many: Vec<(u32, u32)> = (0..MAX_VOCAB as u32 - 255).map(|i| (i, 0)).collect();
        assert_eq!(
            Bbpe::from_bytes(&file_of(1, too_many.len() as u32, &too_many)).unwrap_err(),
            TokenizerError::Corrupt("too many merges")
        );
        assert!(Bbpe::from_merges(too_many[..MAX_VOCAB - 256].to_vec()).is_ok());
    }
}
