//! Throughput of the `cm` context-mixing codec on about 1 MB of generated English-like
//! text.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ncodec::codecs::Cm;
use ncodec::Codec;
use std::hint::black_box;

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "was",
    "he",
    "for",
    "it",
    "with",
    "as",
    "his",
    "on",
    "be",
    "at",
    "by",
    "had",
    "not",
    "are",
    "but",
    "from",
    "or",
    "have",
    "an",
    "they",
    "which",
    "one",
    "you",
    "were",
    "her",
    "all",
    "she",
    "there",
    "would",
    "their",
    "we",
    "him",
    "been",
    "has",
    "when",
    "who",
    "will",
    "more",
    "no",
    "if",
    "out",
    "so",
    "said",
    "what",
    "up",
    "its",
    "about",
    "into",
    "than",
    "them",
    "can",
    "only",
    "other",
    "new",
    "some",
    "could",
    "time",
    "these",
    "two",
    "may",
    "then",
    "do",
    "first",
    "any",
    "my",
    "now",
    "such",
    "like",
    "our",
    "over",
    "man",
    "me",
    "even",
    "most",
    "made",
    "after",
    "also",
    "did",
    "many",
    "before",
    "must",
    "through",
    "back",
    "years",
    "where",
    "much",
    "your",
    "way",
    "well",
    "down",
    "should",
    "because",
    "each",
    "just",
    "those",
    "people",
    "house",
    "river",
    "morning",
    "harbour",
    "letter",
    "window",
    "garden",
    "journey",
    "remembered",
    "quietly",
    "question",
    "government",
    "afternoon",
    "mountain",
    "village",
];

/// Deterministic English-like text: words drawn with a skewed distribution, sentences
/// and paragraphs.
fn text(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 64);
    let mut s: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let mut capital = true;
    while out.len() < len {
        let r = next();
        // Skew towards the frequent words at the front of the list.
        let a = (r % WORDS.len() as u64) as usize;
        let b = ((r >> 20) % WORDS.len() as u64) as usize;
        let w = WORDS[a.min(b)];
        if capital {
            let mut first = true;
            for c in w.bytes() {
                out.push(if first { c.to_ascii_uppercase() } else { c });
                first = false;
            }
            capital = false;
        } else {
            out.extend_from_slice(w.as_bytes());
        }
        match (r >> 40) % 24 {
            0 | 1 => {
                out.extend_from_slice(b". ");
                capital = true;
            }
            2 => out.extend_from_slice(b", "),
            3 if (r >> 50) % 8 == 0 => {
                out.extend_from_slice(b".\n\n");
                capital = true;
            }
            _ => out.push(b' '),
        }
    }
    out.truncate(len);
    out
}

fn bench_cm(c: &mut Criterion) {
    let data = text(1 << 20);
    let mut payload = Vec::new();
    Cm.encode_chunk(&data, &mut payload).expect("encode");

    let mut group = c.benchmark_group("cm");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("encode", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            Cm.encode_chunk(black_box(&data), &mut out).expect("encode");
            out
        })
    });
    group.bench_function("decode", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            Cm.decode_chunk(black_box(&payload), data.len(), &mut out)
                .expect("decode");
            out
        })
    });
    group.finish();
}

criterion_group!(benches, bench_cm);
criterion_main!(benches);
