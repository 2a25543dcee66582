//! The neural codecs `lm` and `lm-token` with the shipped weights: exact round trips,
//! the header records the model, thread counts change nothing, and a frame with a
//! foreign model hash is refused.

mod common;

use common::{random_bytes, text_bytes};
use ncodec::codecs::{Lm, LmToken};
use ncodec::{compress, decompress, decompress_with, Codec, CompressOptions, DecompressOptions};

/// The neural codecs.
fn neural() -> [&'static dyn Codec; 2] {
    [&Lm, &LmToken]
}

#[test]
fn round_trips_small_inputs_and_records_the_model() {
    for codec in neural() {
        round_trips_with(codec);
    }
}

fn round_trips_with(codec: &dyn Codec) {
    let opts = CompressOptions::default().codec(codec.name());
    let mut prose = b"The entropy coder turns the model's probabilities into bits. ".repeat(20);
    prose.extend(text_bytes(1500, 3));
    for data in [Vec::new(), vec![b'x'], prose.clone(), random_bytes(700, 4)] {
        let packed = compress(&data, &opts).unwrap();
        assert_eq!(decompress(&packed).unwrap(), data);
        let info = ncodec::inspect(&packed[..]).unwrap();
        assert_eq!(info.header.codec, codec.id());
        assert_eq!(info.header.model, codec.model());
        assert_ne!(info.header.model.hash, 0);
    }
    // Text is coded by lm itself (not the store fallback) and compresses.
    let packed = compress(&prose, &opts).unwrap();
    let info = ncodec::inspect(&packed[..]).unwrap();
    assert_eq!(info.chunks[0].codec, codec.id());
    assert!(packed.len() * 3 < prose.len(), "{}", codec.name());
}

#[test]
fn thread_counts_do_not_change_anything() {
    let data = text_bytes(20_000, 5);
    for codec in neural() {
        let opts = |t| {
            CompressOptions::default()
                .codec(codec.name())
                .threads(t)
                .chunk_size(1 << 12)
                .unwrap()
        };
        let one = compress(&data, &opts(1)).unwrap();
        let two = compress(&data, &opts(2)).unwrap();
        assert_eq!(one, two);
        let back = decompress_with(&two, &DecompressOptions::default().threads(1)).unwrap();
        assert_eq!(back, data);
        let back = decompress_with(&one, &DecompressOptions::default().threads(2)).unwrap();
        assert_eq!(back, data);
    }
}

#[test]
fn another_models_files_are_refused() {
    for codec in neural() {
        refuses_foreign_model(codec.name());
    }
}

fn refuses_foreign_model(name: &str) {
    let packed = compress(
        b"some text for the model",
        &CompressOptions::default().codec(name),
    )
    .unwrap();
    // Forge the model hash (header bytes 10..18) and fix the header checksum.
    let mut forged = packed.clone();
    forged[10] ^= 0xff;
    let (header_len, _) = (30usize, ());
    let checksum = (xxhash_rust::xxh3::xxh3_64(&forged[..header_len - 4]) as u32).to_le_bytes();
    forged[header_len - 4..header_len].copy_from_slice(&checksum);
    let err = decompress(&forged).unwrap_err();
    assert!(matches!(err, ncodec::Error::ModelMismatch { .. }), "{err}");
}
