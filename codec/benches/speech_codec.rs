//! Speed of the learned `speech` codec on the embedded 7.1 s utterance with one thread,
//! encode and decode at each level; the realtime factor is the audio's duration over the
//! measured time (printed once per level). The `store` codec on the same WAV is the
//! baseline measured in the same run (the container's own cost).

use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use ncodec::{compress, decompress_with, CompressOptions, DecompressOptions, EncodeParams};

const SPEECH: &[u8] = include_bytes!("../../datasets/samples/speech-librivox-0870.wav");

fn bench(c: &mut Criterion) {
    let seconds = (SPEECH.len() - 44) as f64 / 32000.0;
    let mut group = c.benchmark_group("speech-codec-7s");
    group.sample_size(10);
    group.warm_up_time(std::time::Duration::from_secs(1));
    group.measurement_time(std::time::Duration::from_secs(5));
    let decode = DecompressOptions::default().threads(1);
    for level in 1..=ncodec::codecs::speech::level_count() {
        let options = CompressOptions::default()
            .codec("speech")
            .threads(1)
            .params(EncodeParams::default().quality(level));
        let packed = compress(SPEECH, &options).expect("compress");
        let start = Instant::now();
        let _ = compress(SPEECH, &options).expect("compress");
        let encode_secs = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let _ = decompress_with(&packed, &decode).expect("decompress");
        let decode_secs = start.elapsed().as_secs_f64();
        eprintln!(
            "speech level {level}: {} bytes ({:.3} kbps), encode {:.0}x and decode {:.0}x realtime on one thread",
            packed.len(),
            packed.len() as f64 * 8.0 / seconds / 1000.0,
            seconds / encode_secs,
            seconds / decode_secs
        );
        group.bench_function(format!("speech/encode-L{level}"), |b| {
            b.iter(|| compress(black_box(SPEECH), &options).expect("compress"))
        });
        group.bench_function(format!("speech/decode-L{level}"), |b| {
            b.iter(|| decompress_with(black_box(&packed), &decode).expect("decompress"))
        });
    }
    let store = CompressOptions::default().codec("store").threads(1);
    group.bench_function("store/encode", |b| {
        b.iter(|| compress(black_box(SPEECH), &store).expect("compress"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
