//! Throughput of the neural codecs `lm` and `lm-token` through the public API on real
//! English text (the embedded Jargon File and Devil's Dictionary samples), as a user runs
//! them: 256 KiB in two 128 KiB chunks, decoded with 2 threads (`-T 2`) and with 1.
//! `cm` runs beside them as the baseline measured in the same run.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ncodec::{compress, decompress_with, CompressOptions, DecompressOptions};
use std::hint::black_box;

fn text() -> Vec<u8> {
    let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/../datasets/samples/");
    let mut text = Vec::new();
    for name in ["jargon.txt", "devils-dictionary.txt"] {
        text.extend(std::fs::read(format!("{samples}{name}")).expect("embedded sample"));
    }
    text.truncate(256 << 10);
    text
}

fn bench(c: &mut Criterion) {
    let text = text();
    let mut group = c.benchmark_group("lm-codec");
    group.sample_size(10);
    group.warm_up_time(std::time::Duration::from_secs(1));
    group.measurement_time(std::time::Duration::from_secs(10));
    group.throughput(Throughput::Bytes(text.len() as u64));
    for codec in ["cm", "lm", "lm-token"] {
        let options = CompressOptions::default()
            .codec(codec)
            .threads(2)
            .chunk_size(128 << 10)
            .expect("a valid chunk size");
        let packed = compress(&text, &options).expect("compress");
        eprintln!(
            "{codec}: {} -> {} bytes ({:.4} bits/byte)",
            text.len(),
            packed.len(),
            packed.len() as f64 * 8.0 / text.len() as f64
        );
        group.bench_function(format!("{codec}/encode-T2"), |b| {
            b.iter(|| compress(black_box(&text), &options).expect("compress"))
        });
        for threads in [2, 1] {
            let d = DecompressOptions::default().threads(threads);
            group.bench_function(format!("{codec}/decode-T{threads}"), |b| {
                b.iter(|| decompress_with(black_box(&packed), &d).expect("decompress"))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
