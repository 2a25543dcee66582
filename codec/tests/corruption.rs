//! Damaged, truncated and foreign inputs: every one is a clean error, never a panic.

mod common;

use common::text_bytes;
use ncodec::format::{Header, MAGIC};
use ncodec::{compress, decompress, CompressOptions, Error, ModelInfo};

/// A frame of several small chunks, some coded and some stored.
fn sample_frame() -> (Vec<u8>, Vec<u8>) {
    let mut data = text_bytes(12_000, 11);
    data.extend(common::random_bytes(5000, 12)); // a stored chunk
    let opts = CompressOptions::default().chunk_size(1 << 12).unwrap();
    let packed = compress(&data, &opts).unwrap();
    let info = ncodec::inspect(&packed[..]).unwrap();
    assert!(info.chunks.len() >= 4);
    assert!(info
        .chunks
        .iter()
        .any(|c| c.codec == ncodec::codecs::Store::ID));
    assert!(info
        .chunks
        .iter()
        .any(|c| c.codec == ncodec::codecs::Cm::ID));
    (data, packed)
}

#[test]
fn every_single_byte_flip_is_detected() {
    let (_, packed) = sample_frame();
    // Every position with one mask, and a stride of positions with two more.
    for pos in 0..packed.len() {
        let masks: &[u8] = if pos % 7 == 0 {
            &[0xff, 0x01, 0x80]
        } else {
            &[0xff]
        };
        for &mask in masks {
            let mut bad = packed.clone();
            bad[pos] ^= mask;
            let result = decompress(&bad);
            assert!(
                result.is_err(),
                "flip {mask:#x} at {pos} of {} went unnoticed",
                packed.len()
            );
            assert!(ncodec::inspect(&bad[..]).is_err() || result.is_err());
        }
    }
}

#[test]
fn every_truncation_is_detected() {
    let (_, packed) = sample_frame();
    for len in 0..packed.len() {
        let err = decompress(&packed[..len]).unwrap_err();
        let msg = err.to_string();
        if len > 0 {
            assert!(matches!(err, Error::Truncated(_)), "cut at {len}: {msg}");
        }
    }
}

#[test]
fn trailing_garbage_is_refused() {
    let (_, mut packed) = sample_frame();
    packed.push(0);
    assert!(matches!(decompress(&packed), Err(Error::TrailingData)));
}

#[test]
fn foreign_files_are_not_ncz() {
    for foreign in [
        &b"PK\x03\x04 zip"[..],
        b"\x1f\x8b gzip",
        b"hello world",
        b"\x89PNG\r\n",
    ] {
        let err = decompress(foreign).unwrap_err();
        assert!(matches!(err, Error::NotNcz), "{err}");
        assert!(err.to_string().contains("not an ncz file"));
    }
}

fn forged_header(version: u8, codec: u8, model: ModelInfo) -> Vec<u8> {
    let mut bytes = Header {
        codec,
        chunk_log2: 16,
        model,
        content_size: Some(0),
        lossy: false,
    }
    .to_bytes();
    bytes[4] = version;
    // Recompute the checksum over the edited header.
    let body = bytes.len() - 4;
    let checksum = (xxh3(&bytes[..body]) as u32).to_le_bytes();
    bytes[body..].copy_from_slice(&checksum);
    // An empty chunk sequence and trailer: end tag, length 0, hash of nothing.
    bytes.push(0);
    bytes.push(0);
    bytes.extend_from_slice(&xxh3(b"").to_le_bytes());
    bytes
}

fn xxh3(bytes: &[u8]) -> u64 {
    // The same XXH3-64 the format uses (docs/FORMAT.md).
    xxhash_rust::xxh3::xxh3_64(bytes)
}

#[test]
fn versions_codecs_and_models_are_checked() {
    let ok = forged_header(1, 2, ModelInfo::NONE);
    assert_eq!(decompress(&ok).unwrap(), b"");
    assert_eq!(&ok[..4], &MAGIC);

    let err = decompress(&forged_header(9, 2, ModelInfo::NONE)).unwrap_err();
    assert!(matches!(err, Error::UnsupportedVersion(9)), "{err}");
    let err = decompress(&forged_header(1, 200, ModelInfo::NONE)).unwrap_err();
    assert!(matches!(err, Error::UnknownCodec(200)), "{err}");
    let model = ModelInfo { id: 3, hash: 42 };
    let err = decompress(&forged_header(1, 2, model)).unwrap_err();
    assert!(matches!(err, Error::ModelMismatch { .. }), "{err}");
    assert!(err.to_string().contains("model"));
}
