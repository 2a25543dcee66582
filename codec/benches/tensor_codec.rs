//! `tensor` codec throughput on a bf16 safetensors file of Gaussian weights with per-row
//! scales (64 MiB), with 2 threads, beside `zstd -19` decoding the same file in the same
//! run. Set `NCODEC_BENCH_TENSOR=FILE` to measure a real model file instead.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const ROWS: usize = 8192;
const COLUMNS: usize = 4096;

/// A safetensors file of one `[ROWS, COLUMNS]` bf16 tensor.
fn synthetic_weights() -> Vec<u8> {
    let header = format!(
        r#"{{"w":{{"dtype":"BF16","shape":[{ROWS},{COLUMNS}],"data_offsets":[0,{}]}}}}"#,
        ROWS * COLUMNS * 2
    );
    let mut file = (header.len() as u64).to_le_bytes().to_vec();
    file.extend_from_slice(header.as_bytes());
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut uniform = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        ((state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    for _ in 0..ROWS {
        let scale = 0.01 + 0.05 * uniform();
        for _ in 0..COLUMNS {
            let gaussian =
                (-2.0 * uniform().ln()).sqrt() * (std::f64::consts::TAU * uniform()).cos();
            let value = (gaussian * scale) as f32;
            file.extend_from_slice(&((value.to_bits() >> 16) as u16).to_le_bytes());
        }
    }
    file
}

fn bench(c: &mut Criterion) {
    let data = match std::env::var_os("NCODEC_BENCH_TENSOR") {
        Some(path) => std::fs::read(path).expect("NCODEC_BENCH_TENSOR names a readable file"),
        None => synthetic_weights(),
    };
    let opts = ncodec::CompressOptions::default()
        .codec("tensor")
        .threads(2);
    let packed = ncodec::compress(&data, &opts).expect("compress");
    let zstd = zstd::bulk::compress(&data, 19).expect("zstd");
    eprintln!(
        "tensor: {} -> {} bytes ({:.1} %); zstd -19: {} bytes ({:.1} %)",
        data.len(),
        packed.len(),
        100.0 * packed.len() as f64 / data.len() as f64,
        zstd.len(),
        100.0 * zstd.len() as f64 / data.len() as f64
    );
    let decode = ncodec::DecompressOptions::default().threads(2);
    let mut group = c.benchmark_group("tensor");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("decode, 2 threads", |b| {
        b.iter(|| ncodec::decompress_with(&packed, &decode).expect("decode"))
    });
    group.bench_function("zstd -19 decode (baseline)", |b| {
        b.iter(|| zstd::bulk::decompress(&zstd, data.len()).expect("zstd decode"))
    });
    group.bench_function("encode, 2 threads", |b| {
        b.iter(|| ncodec::compress(&data, &opts).expect("encode"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
