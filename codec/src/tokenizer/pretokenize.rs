//! Splitting bytes into the chunks inside which BPE merges apply (GPT-2 style, on bytes):
//! a word with at most one leading space, up to 3 digits with at most one leading space,
//! a run of punctuation with at most one leading space, or a run of whitespace (leaving
//! its last space to a following word). Bytes of 0x80 and above count as letters, so
//! UTF-8 sequences stay in their word. Chunks are at most [`MAX_CHUNK`] bytes long and
//! always cover the input exactly.

/// Longest chunk in bytes; longer runs are split.
pub const MAX_CHUNK: usize = 64;

/// Longest run of digits in one chunk.
const MAX_DIGITS: usize = 3;

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

/// The chunks of `input`, in order; their concatenation is `input`.
///
/// ```
/// use ncodec::tokenizer::pretokenize::chunks;
///
/// let parts: Vec<&[u8]> = chunks(b"Hello, world  42!").collect();
/// assert_eq!(parts, [&b"Hello"[..], b",", b" world", b" ", b" 42", b"!"]);
/// ```
pub fn chunks(input: &[u8]) -> Chunks<'_> {
    Chunks { input, pos: 0 }
}

/// Iterator over the chunks of a byte slice (see [`chunks`]).
#[derive(Debug, Clone)]
pub struct Chunks<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Chunks<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.input.get(self.pos..).filter(|r| !r.is_empty())?;
        let len = chunk_len(rest);
        self.pos += len;
        Some(&rest[..len])
    }
}

/// Length of the chunk at the start of `rest` (non-empty).
fn chunk_len(rest: &[u8]) -> usize {
    let limit = rest.len().min(MAX_CHUNK);
    let first = rest[0];
    let (start, kind) = match rest.get(1).map(|&b| class(b)) {
        Some(next) if first == b' ' && next != Class::Space => (1, next),
        _ => (0, class(first)),
    };
    let max_run = if kind == Class::Digit {
        MAX_DIGITS
    } else {
        MAX_CHUNK
    };
    let mut end = start;
    while end < limit && end - start < max_run && class(rest[end]) == kind {
        end += 1;
    }
    if kind == Class::Space && end < rest.len() && end > 1 && rest[end - 1] == b' ' {
        // The last space of the run belongs to the word after it.
        end -= 1;
    }
    end.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_any_input() {
        let mut x = 0x1234_5678_9abc_def0u64;
        let random: Vec<u8> = (0..5000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 32) as u8
            })
            .collect();
        let long_run = vec![b'a'; 300];
        let spaces = b"a     b\t\t \n  c".to_vec();
        for input in [
            &b""[..],
            b"x",
            b" ",
            &random,
            &long_run,
            &spaces,
            b"\0\0\xff\xfe 12345",
        ] {
            let parts: Vec<&[u8]> = chunks(input).collect();
            assert_eq!(parts.concat(), input);
            assert!(parts.iter().all(|p| !p.is_empty() && p.len() <= MAX_CHUNK));
        }
    }

    #[test]
    fn words_take_one_leading_space() {
        let parts: Vec<&[u8]> = chunks(b"a   big  day\n\nok 12345").collect();
        assert_eq!(
            parts,
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
}
