//! Splitting bytes into the chunks inside which BPE merges apply (GPT-2 style, on bytes).
//!
//! A chunk is one of:
//! - a run of letters with at most one leading space (`" word"`);
//! - up to [`MAX_DIGITS`] ASCII digits with at most one leading space (`" 123"`);
//! - a run of other non-whitespace bytes (punctuation, control bytes) with at most one
//!   leading space (`" ();"`);
//! - a run of whitespace (space, `\t`, `\n`, `\r`, `0x0b`, `0x0c`); when it ends in a space
//!   and more input follows, that last space is left to the next chunk, so `"a  b"` splits
//!   as `"a"`, `" "`, `" b"`.
//!
//! ASCII letters and every byte of 0x80 and above count as letters, so UTF-8 sequences
//! stay in their word. Chunks are at most [`MAX_CHUNK`] bytes long (longer runs are
//! split) and always cover the input exactly, whatever it holds: invalid UTF-8, NUL bytes
//! and binary data included.
//!
//! This split is part of the canonical tokenization: changing it changes the tokens of
//! shipped tokenizers and the files coded with them.

use std::iter::FusedIterator;

/// Longest chunk in bytes; longer runs are split.
pub const MAX_CHUNK: usize = 64;

/// Longest run of digits in one chunk (not counting its leading space).
pub const MAX_DIGITS: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    Space,
    Punct,
}

fn class(b: u8) -> Class {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' | 0x80..=0xff => Class::Letter,
        b'0'..=b'9' => Class::Digit,
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => Class::Space,
        _ => Class::Punct,
    }
}

/// The chunks of `input`, in order; none is empty and their concatenation is `input`.
///
/// ```
/// use ncodec::tokenizer::pretokenize::chunks;
///
/// let parts: Vec<&[u8]> = chunks(b"Hello, world  42!").collect();
/// assert_eq!(parts, [&b"Hello"[..], b",", b" world", b" ", b" 42", b"!"]);
/// ```
pub fn chunks(input: &[u8]) -> Chunks<'_> {
    Chunks { rest: input }
}

/// Iterator over the chunks of a byte slice (see [`chunks`]).
#[derive(Debug, Clone)]
pub struct Chunks<'a> {
    /// The input not yet split.
    rest: &'a [u8],
}

impl<'a> Iterator for Chunks<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        let len = chunk_len(self.rest).clamp(1, self.rest.len());
        let (chunk, rest) = self.rest.split_at(len);
        self.rest = rest;
        Some(chunk)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.rest.len();
        (n.div_ceil(MAX_CHUNK), Some(n))
    }
}

impl FusedIterator for Chunks<'_> {}

/// Length of the chunk at the start of `rest`: at least 1 and at most `rest.len()` when
/// `rest` is not empty.
fn chunk_len(rest: &[u8]) -> usize {
    let Some(&first) = rest.first() else {
        return 0;
    };
    // A single space joins the non-whitespace run after it.
    let (start, kind) = match rest.get(1).map(|&b| class(b)) {
        Some(next) if first == b' ' && next != Class::Space => (1, next),
        _ => (0, class(first)),
    };
    let max_run = if kind == Class::Digit {
        MAX_DIGITS
    } else {
        MAX_CHUNK
    };
    let limit = rest.len().min(MAX_CHUNK).min(start + max_run);
    let run = rest
        .get(start..limit)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| class(b) == kind)
        .count();
    let mut end = start + run;
    if kind == Class::Space && end > 1 && end < rest.len() && rest.get(end - 1) == Some(&b' ') {
        // The last space of the run belongs to the chunk after it.
        end -= 1;
    }
    end.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &[u8]) -> Vec<&[u8]> {
        chunks(input).collect()
    }

    fn random(n: usize, mut x: u64) -> Vec<u8> {
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 32) as u8
            })
            .collect()
    }

    /// Random bytes drawn mostly from the characters that matter to the split.
    fn random_texty(n: usize, mut x: u64) -> Vec<u8> {
        const ALPHABET: &[u8] = b"  \t\n\r\x0b\x0cab1234567890.,;(\0\xc3\xa9\xff";
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                ALPHABET[(x >> 40) as usize % ALPHABET.len()]
            })
            .collect()
    }

    #[test]
    fn chunks_cover_any_input() {
        let mut inputs: Vec<Vec<u8>> = vec![
            vec![],
            b"x".to_vec(),
            b" ".to_vec(),
            b"\0".to_vec(),
            (0..=255).collect(),
            random(5000, 0x1234_5678_9abc_def0),
            random_texty(20_000, 77),
            vec![b'a'; 300],
            vec![b' '; 300],
            vec![b'7'; 300],
            vec![b'.'; 300],
            vec![0xff; 300],
            b"a     b\t\t \n  c".to_vec(),
            b"\0\0\xff\xfe 12345".to_vec(),
            b"\xc3\x28 invalid \xa0\xa1 utf-8".to_vec(),
        ];
        for b in 0..=255u8 {
            inputs.push(vec![b' ', b]);
            inputs.push(vec![b, b' ', b]);
        }
        for input in &inputs {
            let parts = split(input);
            assert_eq!(parts.concat(), *input);
            assert!(parts.iter().all(|p| !p.is_empty() && p.len() <= MAX_CHUNK));
        }
    }

    #[test]
    fn words_take_one_leading_space() {
        assert_eq!(
            split(b"a   big  day\n\nok 12345"),
            [
                &b"a"[..],
                b"  ",
                b" big",
                b" ",
                b" day",
                b"\n\n",
                b"ok",
                b" 123",
                b"45"
            ]
        );
    }

    #[test]
    fn classes_split_as_specified() {
        // Punctuation takes a leading space; digits come at most 3 at a time.
        assert_eq!(
            split(b"x = f(1234567);"),
            [&b"x"[..], b" =", b" f", b"(", b"123", b"456", b"7", b");"]
        );
        // UTF-8 and other high bytes are letters; control bytes are punctuation.
        assert_eq!(
            split("caf\u{e9} na\u{ef}ve\0\x01!".as_bytes()),
            ["caf\u{e9}".as_bytes(), " na\u{ef}ve".as_bytes(), b"\0\x01!"]
        );
        // A whitespace run keeps its last space only when nothing follows or the next
        // byte is whitespace too; other whitespace bytes are never given away.
        assert_eq!(
            split(b"a \t  1\n\n  .  "),
            [&b"a"[..], b" \t ", b" 1", b"\n\n ", b" .", b"  "]
        );
        assert_eq!(split(b"a\t\nb"), [&b"a"[..], b"\t\n", b"b"]);
        assert_eq!(split(b" "), [&b" "[..]]);
        assert_eq!(split(b" a"), [&b" a"[..]]);
        assert_eq!(split(b"  a"), [&b" "[..], b" a"]);
    }

    #[test]
    fn long_runs_are_capped() {
        let word = [b'z'; 150];
        let lens: Vec<usize> = split(&word).iter().map(|c| c.len()).collect();
        assert_eq!(lens, [64, 64, 22]);
        let spaced = [&b" "[..], &word].concat();
        let lens: Vec<usize> = split(&spaced).iter().map(|c| c.len()).collect();
        assert_eq!(lens, [64, 64, 23]);
        let blank = [b' '; 130];
        let lens: Vec<usize> = split(&blank).iter().map(|c| c.len()).collect();
        assert_eq!(lens, [63, 63, 4]);
        let lens: Vec<usize> = split(&[b'\n'; 130]).iter().map(|c| c.len()).collect();
        assert_eq!(lens, [64, 64, 2]);
    }
}
