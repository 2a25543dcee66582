//! Golden `.ncz` files: files written by an earlier build must still decode, and the same
//! input must still encode to the same bytes, so a format change cannot slip in unnoticed.
//!
//! To regenerate after an intentional format change (which also needs a new format
//! version or codec id, see docs/FORMAT.md): `NCODEC_BLESS=1 cargo test -p ncodec --test golden`.

use std::io::Write;
use std::path::PathBuf;

use ncodec::{compress, decompress, CompressOptions};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// How a golden file is written from its content.
type Writer = Box<dyn Fn(&[u8]) -> Vec<u8>>;

/// The golden cases: name, content, and how the file is written.
fn cases() -> Vec<(&'static str, Vec<u8>, Writer)> {
    let prose = include_bytes!("golden/prose.txt").to_vec();
    let mut binary: Vec<u8> = (0..6000u32).map(|i| (i * i % 251) as u8).collect();
    binary.extend_from_slice(&prose[..2000]);
    let one_shot = |codec: &'static str, chunk: usize| {
        Box::new(move |data: &[u8]| {
            let opts = CompressOptions::default()
                .codec(codec)
                .chunk_size(chunk)
                .unwrap();
            compress(data, &opts).unwrap()
        }) as Writer
    };
    let streamed = Box::new(|data: &[u8]| {
        let opts = CompressOptions::default().chunk_size(1 << 12).unwrap();
        let mut encoder = ncodec::Encoder::new(Vec::new(), &opts).unwrap();
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }) as Writer;
    vec![
        ("empty-cm", Vec::new(), one_shot("cm", 1 << 22)),
        ("prose-store", prose.clone(), one_shot("store", 1 << 22)),
        ("prose-cm", prose.clone(), one_shot("cm", 1 << 22)),
        ("prose-cm-4k-chunks", prose.clone(), one_shot("cm", 1 << 12)),
        ("binary-cm-streamed", binary, streamed),
        // Made with the shipped byte LM: re-bless when `models/weights/byte-lm.nclw`
        // changes (files written with the old weights are then refused as a model mismatch).
        ("prose-lm", prose[..4000].to_vec(), one_shot("lm", 1 << 22)),
        // Made with the shipped token LM and tokenizer: re-bless when
        // `models/weights/token-lm.nclw` or `bbpe-4096.nctk` changes.
        (
            "prose-lm-token",
            prose[..4000].to_vec(),
            one_shot("lm-token", 1 << 22),
        ),
    ]
}

#[test]
fn golden_files_decode_and_encoding_is_unchanged() {
    let bless = std::env::var_os("NCODEC_BLESS").is_some();
    for (name, content, encode) in cases() {
        let path = dir().join(format!("{name}.ncz"));
        let fresh = encode(&content);
        if bless {
            std::fs::write(&path, &fresh).unwrap();
        }
        let golden = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (NCODEC_BLESS=1 writes it)", path.display()));
        assert_eq!(
            decompress(&golden).unwrap(),
            content,
            "{name}: golden file no longer decodes to its content"
        );
        assert!(
            fresh == golden,
            "{name}: the encoder's output changed; this is a format change (see docs/FORMAT.md)"
        );
    }
}
