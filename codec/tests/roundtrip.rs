//! Exact round trips through the library API on edge-case and property-tested inputs.

mod common;

use std::io::{Read, Write};

use common::{random_bytes, text_bytes};
use ncodec::{compress, decompress, decompress_with, CompressOptions, DecompressOptions};
use proptest::prelude::*;

fn round_trip(data: &[u8], opts: &CompressOptions) -> Vec<u8> {
    let packed = compress(data, opts).expect("compress");
    let back = decompress(&packed).expect("decompress");
    assert_eq!(back, data, "round trip with {opts:?}");
    packed
}

#[test]
fn edge_cases_with_every_codec() {
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        vec![0],
        vec![255],
        (0..=255).collect(),
        vec![b'a'; 100_000],
        random_bytes(70_000, 1),
        text_bytes(200_000, 2),
    ];
    for codec in ["store", "cm"] {
        for data in &inputs {
            round_trip(data, &CompressOptions::default().codec(codec));
        }
    }
}

#[test]
fn random_megabyte_grows_by_header_and_framing_only() {
    let data = random_bytes(1 << 20, 3);
    let packed = round_trip(&data, &CompressOptions::default());
    let overhead = packed.len() - data.len();
    // header (30) + one chunk header (1 + 3 + 3 + 4) + end tag, length, hash (1 + 3 + 8)
    assert!(overhead <= 64, "overhead {overhead} bytes");
    let info = ncodec::inspect(&packed[..]).unwrap();
    assert_eq!(info.chunks[0].codec, ncodec::codecs::Store::ID);
}

#[test]
fn text_compresses() {
    let data = text_bytes(300_000, 4);
    let packed = round_trip(&data, &CompressOptions::default());
    assert!(
        packed.len() * 3 < data.len(),
        "{} -> {}",
        data.len(),
        packed.len()
    );
}

#[test]
fn output_is_independent_of_threads_and_decodes_with_any() {
    let data = text_bytes(150_000, 5);
    let small_chunks = |t| {
        CompressOptions::default()
            .threads(t)
            .chunk_size(1 << 14)
            .unwrap()
    };
    let two = compress(&data, &small_chunks(2)).unwrap();
    let one = compress(&data, &small_chunks(1)).unwrap();
    assert_eq!(one, two, "encoder output depends on the thread count");
    assert!(ncodec::inspect(&two[..]).unwrap().chunks.len() > 4);
    for threads in [1, 2, 3] {
        let opts = DecompressOptions::default().threads(threads);
        assert_eq!(decompress_with(&two, &opts).unwrap(), data);
    }
}

#[test]
fn streaming_matches_one_shot_and_reads_in_small_pieces() {
    let data = text_bytes(100_000, 6);
    let opts = CompressOptions::default().chunk_size(1 << 13).unwrap();
    let mut encoder = ncodec::Encoder::new(Vec::new(), &opts).unwrap();
    for piece in data.chunks(777) {
        encoder.write_all(piece).unwrap();
    }
    let streamed = encoder.finish().unwrap();
    assert_eq!(decompress(&streamed).unwrap(), data);

    let mut decoder = ncodec::Decoder::new(&streamed[..]).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 333];
    loop {
        let n = decoder.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    assert_eq!(out, data);
}

#[test]
fn content_size_mismatch_is_refused() {
    let opts = CompressOptions::default();
    let mut encoder = ncodec::Encoder::with_content_size(Vec::new(), &opts, 10).unwrap();
    encoder.write_all(b"short").unwrap();
    assert!(encoder.finish().is_err());
}

#[test]
fn bad_options_are_errors() {
    assert!(CompressOptions::default().chunk_size(1000).is_err());
    assert!(CompressOptions::default().chunk_size(1 << 30).is_err());
    let err = compress(b"x", &CompressOptions::default().codec("nope")).unwrap_err();
    assert!(err.to_string().contains("nope"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_bytes_round_trip(data in proptest::collection::vec(any::<u8>(), 0..5000),
                            codec in prop_oneof![Just("store"), Just("cm")],
                            chunk_log2 in 12u32..15) {
        let opts = CompressOptions::default().codec(codec).chunk_size(1 << chunk_log2).unwrap();
        let packed = compress(&data, &opts).unwrap();
        prop_assert_eq!(decompress(&packed).unwrap(), data);
    }

    #[test]
    fn skewed_bytes_round_trip(data in proptest::collection::vec(prop_oneof![9 => Just(b'e'), 1 => any::<u8>()], 0..20000)) {
        let packed = compress(&data, &CompressOptions::default()).unwrap();
        prop_assert_eq!(decompress(&packed).unwrap(), data);
    }
}
