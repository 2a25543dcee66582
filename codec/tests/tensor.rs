//! The `tensor` codec on real trained weights (the shipped image model's float
//! parameters, as safetensors in f32 and bf16), on every float bit pattern, and on
//! damaged input.

mod common;

use common::{
    check_damaged_payloads, compress_with, decompress_one_thread as decompress, random_bytes, Rng,
};
use ncodec::codecs::tensor::{FloatType, Layout, LayoutError};
use ncodec::{CompressOptions, EncodeParams};

/// The first `count` float parameters of the shipped image model (its NCIW file: a
/// 16-byte header, then f32 weights).
fn trained_f32(count: usize) -> Vec<f32> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../models/weights/image-1.nciw"
    );
    let bytes = std::fs::read(path).expect("shipped image weights");
    bytes[16..16 + 4 * count]
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// Round to nearest even, as PyTorch casts f32 to bf16 (NaN stays NaN).
fn to_bf16(x: f32) -> u16 {
    let bits = x.to_bits();
    if x.is_nan() {
        return ((bits >> 16) as u16) | 0x40;
    }
    ((bits + 0x7fff + ((bits >> 16) & 1)) >> 16) as u16
}

/// A safetensors file: `tensors` of (name, dtype, shape, data), with `pad` spaces after
/// the JSON header (0 leaves tensor data unaligned when the header length is odd).
fn safetensors(tensors: &[(&str, &str, Vec<usize>, Vec<u8>)], pad: usize) -> Vec<u8> {
    let mut entries = vec![r#""__metadata__":{"format":"pt"}"#.to_string()];
    let mut offset = 0;
    for (name, dtype, shape, data) in tensors {
        let shape: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
        entries.push(format!(
            r#""{name}":{{"dtype":"{dtype}","shape":[{}],"data_offsets":[{offset},{}]}}"#,
            shape.join(","),
            offset + data.len()
        ));
        offset += data.len();
    }
    let header = format!("{{{}}}{}", entries.join(","), " ".repeat(pad));
    let mut file = (header.len() as u64).to_le_bytes().to_vec();
    file.extend_from_slice(header.as_bytes());
    for (_, _, _, data) in tensors {
        file.extend_from_slice(data);
    }
    file
}

/// The trained weights as a safetensors file of several tensors in `dtype` (`F32` or
/// `BF16`), with a small integer tensor between them.
fn model_file(dtype: &str, pad: usize) -> Vec<u8> {
    let weights = trained_f32(120_000);
    let encode = |values: &[f32]| -> Vec<u8> {
        match dtype {
            "BF16" => values
                .iter()
                .flat_map(|&x| to_bf16(x).to_le_bytes())
                .collect(),
            _ => values.iter().flat_map(|x| x.to_le_bytes()).collect(),
        }
    };
    let steps: Vec<u8> = (0..16i64).flat_map(|i| (i * 3).to_le_bytes()).collect();
    safetensors(
        &[
            (
                "conv.0.weight",
                dtype,
                vec![64, 3, 5, 5],
                encode(&weights[..4800]),
            ),
            ("conv.0.bias", dtype, vec![64], encode(&weights[4800..4864])),
            ("position_ids", "I64", vec![16], steps),
            (
                "conv.1.weight",
                dtype,
                vec![115136],
                encode(&weights[4864..]),
            ),
        ],
        pad,
    )
}

fn compress(data: &[u8], params: EncodeParams, chunk: usize, threads: usize) -> Vec<u8> {
    compress_with("tensor", params, data, chunk, threads)
}

#[test]
fn trained_weights_shrink_beyond_cm_and_round_trip() {
    for (dtype, limit) in [("BF16", 0.72), ("F32", 0.90)] {
        let file = model_file(dtype, 4);
        Layout::parse(&file)
            .unwrap()
            .check_length(file.len() as u64)
            .unwrap();
        let packed = compress(&file, EncodeParams::default(), 1 << 22, 2);
        assert_eq!(decompress(&packed), file, "{dtype}");
        let ratio = packed.len() as f64 / file.len() as f64;
        assert!(ratio < limit, "{dtype}: {ratio:.3}");
        // The split beats the general byte model on the same file.
        let cm = ncodec::compress(&file, &CompressOptions::default().codec("cm")).unwrap();
        assert!(
            packed.len() < cm.len(),
            "{dtype}: tensor {} cm {}",
            packed.len(),
            cm.len()
        );
    }
}

#[test]
fn chunks_cut_inside_tensors_and_elements_still_round_trip() {
    // Odd header padding misaligns every element against the 4 KiB chunk grid.
    for pad in [0, 1, 3] {
        for dtype in ["BF16", "F32"] {
            let file = model_file(dtype, pad);
            let whole = compress(&file, EncodeParams::default(), 1 << 22, 1);
            let chunked = compress(&file, EncodeParams::default(), 1 << 12, 2);
            assert_eq!(decompress(&chunked), file, "{dtype} pad {pad}");
            // Small chunks reread the header and still find the floats.
            assert!(
                chunked.len() < whole.len() * 11 / 10,
                "{dtype} pad {pad}: {} vs {}",
                chunked.len(),
                whole.len()
            );
        }
    }
}

#[test]
fn output_does_not_depend_on_threads() {
    let file = model_file("BF16", 2);
    let one = compress(&file, EncodeParams::default(), 1 << 16, 1);
    let two = compress(&file, EncodeParams::default(), 1 << 16, 2);
    assert_eq!(one, two);
}

#[test]
fn every_bit_pattern_round_trips_in_every_type() {
    let mut rng = Rng(99);
    let mut data = Vec::new();
    // Zeros, infinities, NaNs with payloads, subnormals, extremes, in all widths.
    for pattern in [
        0u64,
        u64::MAX,
        0x8000_0000_0000_0000,
        0x7ff0_0000_0000_0001,
        0x7f80_0001,
        0xffc0_0000,
        0x0000_0001,
        0x7c01,
        0x8001,
        0xff,
        0x80,
    ] {
        data.extend_from_slice(&pattern.to_le_bytes());
    }
    for _ in 0..2000 {
        let x = rng.next();
        // Mostly plausible weights, some raw bit soup.
        let value = if x.is_multiple_of(4) {
            x
        } else {
            f64::from((x >> 40) as f32 / 1e9 - 0.008).to_bits()
        };
        data.extend_from_slice(&value.to_le_bytes());
    }
    for ty in FloatType::ALL {
        for len in [0, 1, 3, 7, 8, 9, 1001, data.len() - 5, data.len()] {
            let part = &data[..len];
            let packed = compress(part, EncodeParams::default().dtype(ty), 1 << 12, 2);
            assert_eq!(decompress(&packed), part, "{ty} len {len}");
        }
    }
}

#[test]
fn raw_buffers_are_recognised_without_a_type() {
    let weights = trained_f32(60_000);
    let f32s: Vec<u8> = weights.iter().flat_map(|x| x.to_le_bytes()).collect();
    let bf16: Vec<u8> = weights
        .iter()
        .flat_map(|&x| to_bf16(x).to_le_bytes())
        .collect();
    for (data, ty) in [(f32s, FloatType::F32), (bf16, FloatType::Bf16)] {
        let named = compress(&data, EncodeParams::default().dtype(ty), 1 << 22, 2);
        let guessed = compress(&data, EncodeParams::default(), 1 << 22, 2);
        assert_eq!(decompress(&guessed), data);
        assert!(
            guessed.len() <= named.len() + 16,
            "{ty}: guessed {} named {}",
            guessed.len(),
            named.len()
        );
    }
    // Text and noise are not floats: they round-trip through the byte runs.
    for data in [
        b"plain text is not a tensor, ".repeat(300),
        random_bytes(50_000, 5),
        Vec::new(),
        vec![7],
    ] {
        assert_eq!(
            decompress(&compress(&data, EncodeParams::default(), 1 << 22, 2)),
            data
        );
    }
}

#[test]
fn npy_files_round_trip_and_shrink() {
    let weights = trained_f32(30_000);
    let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (300, 100), }";
    let mut file = b"\x93NUMPY\x01\x00".to_vec();
    let padded = format!("{header:<117}\n");
    file.extend_from_slice(&(padded.len() as u16).to_le_bytes());
    file.extend_from_slice(padded.as_bytes());
    for x in &weights {
        file.extend_from_slice(&x.to_le_bytes());
    }
    let layout = Layout::parse(&file).unwrap();
    layout.check_length(file.len() as u64).unwrap();
    let packed = compress(&file, EncodeParams::default(), 1 << 22, 2);
    assert_eq!(decompress(&packed), file);
    assert!(packed.len() < file.len() * 9 / 10);
}

#[test]
fn truncated_and_damaged_headers_are_reported_but_still_code_as_bytes() {
    let file = model_file("BF16", 0);
    let truncated = &file[..file.len() - 100];
    let layout = Layout::parse(truncated).unwrap();
    assert!(matches!(
        layout.check_length(truncated.len() as u64),
        Err(LayoutError::Truncated { .. })
    ));
    let header_cut = &file[..40];
    assert!(matches!(
        Layout::parse(header_cut),
        Err(LayoutError::Truncated { .. })
    ));
    let mut broken = file.clone();
    broken[20] = b'#';
    assert!(matches!(
        Layout::parse(&broken),
        Err(LayoutError::BadHeader(_))
    ));
    // The codec itself is lossless on any bytes.
    for data in [truncated, header_cut, &broken[..]] {
        assert_eq!(
            decompress(&compress(data, EncodeParams::default(), 1 << 22, 2)),
            data
        );
    }
}

#[test]
fn damaged_payloads_give_errors_not_panics() {
    let file = model_file("BF16", 4);
    check_damaged_payloads(
        &ncodec::codecs::Tensor,
        &file,
        |len| vec![0, 1, 2, 10, len / 3, len - 1],
        400,
        4096,
        17,
    );
    let mut packed = compress(&file, EncodeParams::default(), 1 << 22, 2);
    let middle = packed.len() / 2;
    packed[middle] ^= 0x10;
    assert!(ncodec::decompress(&packed).is_err());
}

#[test]
fn one_tensor_decodes_without_the_rest() {
    let file = model_file("BF16", 3);
    let layout = Layout::parse(&file).unwrap();
    let packed = compress(&file, EncodeParams::default(), 1 << 12, 2);
    for region in &layout.regions {
        let bytes = ncodec::codecs::tensor::read_tensor(&packed, &region.name).unwrap();
        assert_eq!(
            bytes,
            &file[region.start as usize..region.end as usize],
            "{}",
            region.name
        );
    }
    assert!(ncodec::codecs::tensor::read_tensor(&packed, "missing").is_err());
    let range = ncodec::decompress_range(&packed, 5000..9000).unwrap();
    assert_eq!(range, &file[5000..9000]);
    assert!(ncodec::decompress_range(&packed, 0..file.len() as u64 + 1).is_err());
}
