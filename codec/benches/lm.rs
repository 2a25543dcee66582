//! Speed of the integer byte LM (`ncodec::runtime::ByteMlp`): predictions per second at
//! the default shape (context 24 × embed 16 → 512 → 256 → 256), with synthetic weights
//! (speed does not depend on their values).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ncodec::runtime::byte_mlp::{ByteMlp, ByteMlpShape};

fn synthetic_model(shape: ByteMlpShape) -> ByteMlp {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as i8
    };
    let mut i8s = |n: usize| (0..n).map(|_| next()).collect::<Vec<i8>>();
    let embedding = i8s(256 * shape.embed);
    let w1 = i8s(shape.hidden1 * shape.context * shape.embed);
    let w2 = i8s(shape.hidden2 * shape.hidden1);
    let w3 = i8s(256 * shape.hidden2);
    let bytes = ByteMlp::write(
        shape,
        &embedding,
        [
            (
                &w1,
                &vec![0; shape.hidden1],
                &vec![1 << 30; shape.hidden1],
                &vec![40; shape.hidden1],
            ),
            (
                &w2,
                &vec![0; shape.hidden2],
                &vec![1 << 30; shape.hidden2],
                &vec![40; shape.hidden2],
            ),
            (&w3, &vec![0; 256], &vec![1 << 30; 256], &vec![36; 256]),
        ],
    );
    ByteMlp::from_bytes(&bytes).expect("synthetic model")
}

fn bench_predict(c: &mut Criterion) {
    let shape = ByteMlpShape {
        context: 24,
        embed: 16,
        hidden1: 512,
        hidden2: 256,
        vocab: 256,
    };
    let model = synthetic_model(shape);
    let text = b"The quick brown fox jumps over the lazy dog. ".repeat(30);
    let mut group = c.benchmark_group("byte-lm");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("predict", |b| {
        b.iter(|| {
            let mut state = model.new_state();
            let mut sum = 0u32;
            for &byte in &text {
                sum = sum.wrapping_add(model.predict(&mut state).probability(usize::from(byte)));
                state.push(u32::from(byte));
            }
            sum
        })
    });
    group.bench_function("logits", |b| {
        b.iter(|| {
            let mut state = model.new_state();
            let mut sum = 0i32;
            for &byte in &text {
                sum = sum.wrapping_add(model.logits(&mut state)[usize::from(byte)]);
                state.push(u32::from(byte));
            }
            sum
        })
    });
    group.finish();
}

criterion_group!(benches, bench_predict);
criterion_main!(benches);
