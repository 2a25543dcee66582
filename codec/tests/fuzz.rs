//! Mutation fuzzing of the decoder: damaged frames must give errors, never panics, and
//! anything accepted must be exactly an original content.
//!
//! CI runs a few thousand cases; set `NCODEC_FUZZ_CASES` for a longer campaign, e.g.
//! `NCODEC_FUZZ_CASES=100000 cargo test --release -p ncodec --test fuzz`.

mod common;

use std::io::Write;

use common::{random_bytes, text_bytes, Rng};
use ncodec::{compress, decompress_with, CompressOptions, DecompressOptions};

/// Valid frames and their contents: several codecs, chunk layouts and header forms.
fn seeds() -> Vec<(Vec<u8>, Vec<u8>)> {
    let small = CompressOptions::default().chunk_size(1 << 12).unwrap();
    let mut contents = vec![
        Vec::new(),
        vec![7],
        text_bytes(3000, 1),
        text_bytes(9000, 2),
        random_bytes(5000, 3),
    ];
    let mut mixed = text_bytes(6000, 4);
    mixed.extend(random_bytes(3000, 5));
    contents.push(mixed);
    let mut seeds = Vec::new();
    for content in &contents {
        for opts in [
            CompressOptions::default(),
            small.clone(),
            small.clone().codec("store"),
        ] {
            seeds.push((compress(content, &opts).unwrap(), content.clone()));
        }
        // Streamed: no content size in the header.
        let mut encoder = ncodec::Encoder::new(Vec::new(), &small).unwrap();
        encoder.write_all(content).unwrap();
        seeds.push((encoder.finish().unwrap(), content.clone()));
    }
    seeds
}

fn mutate(rng: &mut Rng, frame: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = frame.to_vec();
    let rounds = 1 + rng.below(3);
    for _ in 0..rounds {
        let len = out.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                out[i] = rng.next() as u8;
            }
            2 => out.truncate(rng.below(len + 1)),
            3 => {
                let i = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let insert: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                out.splice(i..i, insert);
            }
            4 if len > 0 => {
                let i = rng.below(len);
                let j = (i + 1 + rng.below(32)).min(len);
                out.drain(i..j);
            }
            5 if len > 0 => {
                let i = rng.below(len);
                let j = (i + 1 + rng.below(64)).min(len);
                let piece = out[i..j].to_vec();
                let k = rng.below(len + 1);
                out.splice(k..k, piece);
            }
            6 => {
                // Splice the head of this frame onto the tail of another.
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                out.truncate(cut);
                out.extend_from_slice(&other[from..]);
            }
            _ => {
                // Forge plausible small fields: set a byte near the start to a boundary value.
                if len > 0 {
                    let i = rng.below(len.min(40));
                    out[i] = [0u8, 1, 2, 0x7f, 0x80, 0xff][rng.below(6)];
                }
            }
        }
    }
    out
}

#[test]
fn mutated_frames_never_panic_or_decode_wrongly() {
    let cases: usize = std::env::var("NCODEC_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000);
    let seeds = seeds();
    let contents: Vec<&Vec<u8>> = seeds.iter().map(|(_, c)| c).collect();
    let opts = DecompressOptions::default().threads(1);
    let mut rng = Rng(0x5eed_f00d);
    let (mut accepted, mut rejected) = (0usize, 0usize);
    for case in 0..cases {
        let (frame, _) = &seeds[case % seeds.len()];
        let (other, _) = &seeds[rng.below(seeds.len())];
        let input = if case % 50 == 49 {
            // Pure noise, sometimes behind a valid magic.
            let mut noise = random_bytes(rng.below(300), rng.next());
            if case % 100 == 99 {
                noise.splice(0..0, ncodec::format::MAGIC);
            }
            noise
        } else {
            mutate(&mut rng, frame, other)
        };
        let _ = ncodec::inspect(&input[..]);
        match decompress_with(&input, &opts) {
            Ok(out) => {
                assert!(
                    contents.iter().any(|c| **c == out),
                    "case {case}: accepted a damaged frame and produced wrong content"
                );
                accepted += 1;
            }
            Err(_) => rejected += 1,
        }
    }
    eprintln!("{cases} cases: {rejected} rejected, {accepted} accepted (unchanged frames)");
    assert!(rejected > cases * 9 / 10);
}
