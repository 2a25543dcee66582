//! Entropy core throughput: our integer-table API against raw `constriction` with its own
//! categorical model, on the same symbols in the same run.

use constriction::stream::model::DefaultContiguousCategoricalEntropyModel;
use constriction::stream::queue::{DefaultRangeDecoder, DefaultRangeEncoder};
use constriction::stream::{Decode, Encode};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ncodec::entropy::{AnsCoder, FrequencyTable, RangeDecoder, RangeEncoder};

const SYMBOLS: usize = 1 << 18;

fn table() -> FrequencyTable {
    let counts: Vec<u32> = (1..=256u32).map(|rank| 1_000_000 / rank).collect();
    FrequencyTable::from_counts(&counts).expect("table")
}

fn symbols(table: &FrequencyTable) -> Vec<usize> {
    let mut state = 0x1234_5678_9abc_def1u64;
    (0..SYMBOLS)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            let q = (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 40) as u32;
            table.cdf().partition_point(|&c| c <= q) - 1
        })
        .collect()
}

fn raw_model(table: &FrequencyTable) -> DefaultContiguousCategoricalEntropyModel {
    let probabilities: Vec<u32> = (0..table.len()).map(|s| table.probability(s)).collect();
    DefaultContiguousCategoricalEntropyModel::from_nonzero_fixed_point_probabilities(
        &probabilities,
        false,
    )
    .expect("raw model")
}

fn bench_encode(c: &mut Criterion) {
    let table = table();
    let symbols = symbols(&table);
    let raw = raw_model(&table);
    let mut group = c.benchmark_group("entropy-encode");
    group.sample_size(20);
    group.throughput(Throughput::Elements(SYMBOLS as u64));
    group.bench_function(BenchmarkId::new("ncodec-range", SYMBOLS), |b| {
        b.iter(|| {
            let mut encoder = RangeEncoder::new();
            for &s in &symbols {
                encoder.encode(s, &table).expect("encode");
            }
            encoder.finish()
        })
    });
    group.bench_function(BenchmarkId::new("constriction-range", SYMBOLS), |b| {
        b.iter(|| {
            let mut encoder = DefaultRangeEncoder::new();
            for &s in &symbols {
                encoder.encode_symbol(s, &raw).expect("encode");
            }
            encoder.into_compressed().expect("finish")
        })
    });
    group.bench_function(BenchmarkId::new("ncodec-ans", SYMBOLS), |b| {
        b.iter(|| {
            let mut stack = AnsCoder::new();
            for &s in &symbols {
                stack.push(s, &table).expect("push");
            }
            stack.into_bytes()
        })
    });
    group.bench_function(BenchmarkId::new("ncodec-bits", SYMBOLS * 8), |b| {
        b.iter(|| {
            let mut encoder = RangeEncoder::new();
            for &s in &symbols {
                for i in 0..8 {
                    encoder.encode_bit((s >> i) & 1 == 1, 20_000 + (i as u32) * 3000);
                }
            }
            encoder.finish()
        })
    });
    group.finish();
}

fn bench_decode(c: &mut Criterion) {
    let table = table();
    let symbols = symbols(&table);
    let raw = raw_model(&table);
    let mut encoder = RangeEncoder::new();
    for &s in &symbols {
        encoder.encode(s, &table).expect("encode");
    }
    let bytes = encoder.finish();
    let words: Vec<u32> = bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let mut group = c.benchmark_group("entropy-decode");
    group.sample_size(20);
    group.throughput(Throughput::Elements(SYMBOLS as u64));
    group.bench_function(BenchmarkId::new("ncodec-range", SYMBOLS), |b| {
        b.iter(|| {
            let mut decoder = RangeDecoder::new(&bytes).expect("decoder");
            let mut sum = 0usize;
            for _ in 0..SYMBOLS {
                sum += decoder.decode(&table).expect("decode");
            }
            sum
        })
    });
    group.bench_function(BenchmarkId::new("constriction-range", SYMBOLS), |b| {
        b.iter(|| {
            let mut decoder = DefaultRangeDecoder::from_compressed(words.clone()).expect("decoder");
            let mut sum = 0usize;
            for _ in 0..SYMBOLS {
                sum += decoder.decode_symbol(&raw).expect("decode");
            }
            sum
        })
    });
    group.finish();
}

criterion_group!(benches, bench_encode, bench_decode);
criterion_main!(benches);
