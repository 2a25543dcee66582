//! Tests of the `cm` codec.

use super::*;

/// A few KB of plain English for the ratio check.
const PROSE: &str =
    "The harbour was quiet in the early morning, and the fishing boats had not yet \
returned from the open sea. Along the stone quay an old man was mending a net, pulling the \
twine through the torn meshes with slow and careful fingers. He had done this work for more \
than forty years, and his hands knew the pattern of every knot without any help from his eyes. \
Behind him the town was waking: shutters opened one after another, a baker carried trays of \
bread into the street, and the smell of coffee drifted down from the houses on the hill. \
When the first boat appeared beyond the lighthouse, the old man looked up and shaded his eyes \
with one hand. It was his nephew's boat, the one with the blue hull and the white stripe along \
the side. The boy had gone out alone for the first time, against the advice of everyone in \
the family, and the old man had not slept well during the night. Now he watched the boat turn \
slowly into the harbour, riding low in the water, and he allowed himself a small smile. \
A heavy boat meant a good catch, and a good catch meant that the boy had read the weather \
correctly and found the fish where his father used to find them. The old man put down the net \
and walked to the end of the quay to take the rope. The boy threw it to him without a word, \
and together they pulled the boat against the wall and made it fast. The baskets in the bottom \
of the boat were full of silver fish, still moving, and the gulls had already begun to gather \
overhead, calling to each other in their harsh voices. The old man said nothing about the \
night or the weather or the risk. He only asked how far out the boy had gone, and the boy \
told him, and the old man nodded as if that was exactly the answer he had expected. Then they \
began to unload the baskets, one after another, and carried them up the steps to the market, \
where the women were already waiting with their scales and their sharp knives. By the middle \
of the morning the whole catch had been sold, and the boy had more money in his pocket than \
he had ever held before. He wanted to give some of it to his uncle, but the old man refused. \
Keep it, he said, and buy a better net. The sea will not always be so kind to you, and a good \
net is worth more than luck. The boy promised that he would, and the old man went back to his \
place on the quay and picked up the net again, as if nothing at all had happened that day. \
In the afternoon the wind changed and clouds came in from the west. The other boats returned \
one by one, and their owners stood together at the end of the quay and talked about the \
weather and about the prices at the market and about the boy who had gone out alone. Some of \
them said that he had been lucky, and some of them said that he had been foolish, and a few \
of them said nothing at all but looked at the old man mending his net and understood that \
the boy had learned more from him than anyone had guessed. When the rain began, they went \
home to their families, and the harbour was quiet again, as it had been in the early morning \
before any of it had happened.";

fn roundtrip(data: &[u8]) -> Vec<u8> {
    let mut payload = Vec::new();
    Cm.encode_chunk(data, &mut payload).expect("encode");
    let mut back = Vec::new();
    Cm.decode_chunk(&payload, data.len(), &mut back)
        .expect("decode");
    assert_eq!(back, data, "round trip of {} bytes", data.len());
    payload
}

/// Deterministic pseudo-random bytes (xorshift).
fn noise(n: usize, mut s: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 24) as u8
        })
        .collect()
}

#[test]
fn roundtrip_small_inputs() {
    roundtrip(b"");
    roundtrip(b"a");
    roundtrip(&[0]);
    roundtrip(&[255]);
    let all: Vec<u8> = (0..=255).collect();
    roundtrip(&all);
    let all_rev: Vec<u8> = (0..=255).rev().cycle().take(4096).collect();
    roundtrip(&all_rev);
}

#[test]
fn roundtrip_random_bytes() {
    for (n, seed) in [(1000, 1), (70_000, 2)] {
        let data = noise(n, seed);
        let payload = roundtrip(&data);
        // Incompressible data must not expand much.
        assert!(
            payload.len() < n + n / 50 + 16,
            "{} -> {}",
            n,
            payload.len()
        );
    }
}

#[test]
fn roundtrip_long_repeats() {
    let zeros = vec![0u8; 300_000];
    let payload = roundtrip(&zeros);
    assert!(payload.len() < 600, "zeros -> {}", payload.len());
    let mut rep = noise(5000, 3);
    let copy = rep.clone();
    for _ in 0..20 {
        rep.extend_from_slice(&copy);
    }
    let payload = roundtrip(&rep);
    assert!(payload.len() < 8000, "repeats -> {}", payload.len());
}

#[test]
fn roundtrip_text_and_mixed() {
    roundtrip(PROSE.as_bytes());
    let mut mixed = PROSE.as_bytes().to_vec();
    mixed.extend(noise(3000, 9));
    mixed.extend_from_slice(PROSE.as_bytes());
    mixed.extend(std::iter::repeat_n(7u8, 1000));
    roundtrip(&mixed);
}

#[test]
fn prose_compresses_well() {
    let data = PROSE.as_bytes();
    assert!(data.len() > 3000);
    let payload = roundtrip(data);
    let bpb = payload.len() as f64 * 8.0 / data.len() as f64;
    assert!(bpb < 4.0, "{bpb:.3} bits/byte");
    // Twice the same text: the second copy must be nearly free (match model).
    let mut twice = data.to_vec();
    twice.extend_from_slice(data);
    let payload2 = roundtrip(&twice);
    assert!(
        payload2.len() < payload.len() + payload.len() / 8,
        "{} vs {}",
        payload2.len(),
        payload.len()
    );
}

#[test]
fn corrupt_payloads_never_panic() {
    let mut payload = Vec::new();
    Cm.encode_chunk(PROSE.as_bytes(), &mut payload)
        .expect("encode");
    let n = PROSE.len();
    let mut cases: Vec<(Vec<u8>, usize)> = Vec::new();
    for i in 0..40 {
        let mut p = payload.clone();
        let pos = (i * 7919) % p.len();
        p[pos] ^= 1 << (i % 8);
        cases.push((p, n));
    }
    cases.push((payload[..(payload.len() / 2) & !3].to_vec(), n));
    cases.push((payload[..payload.len() - 1].to_vec(), n));
    cases.push((Vec::new(), n));
    cases.push((Vec::new(), 0));
    cases.push((vec![0xff; 8], 100_000));
    cases.push((vec![0; 4], 10_000_000));
    cases.push((payload.clone(), n * 3));
    for seed in 1..20 {
        let len = (seed as usize * 37) % 200 * 4;
        cases.push((noise(len, seed), 1 + (seed as usize * 1013) % 5000));
    }
    for (p, raw_len) in cases {
        let mut out = Vec::new();
        if Cm.decode_chunk(&p, raw_len, &mut out).is_ok() {
            assert_eq!(out.len(), raw_len);
        }
    }
}

#[test]
fn decoding_appends() {
    let mut payload = Vec::new();
    Cm.encode_chunk(b"hello hello hello", &mut payload)
        .expect("encode");
    let mut out = b"prefix".to_vec();
    Cm.decode_chunk(&payload, 17, &mut out).expect("decode");
    assert_eq!(out, b"prefixhello hello hello");
}
