//! The entropy core: round trips on random tables and symbols, measured overhead against
//! the information content, and the pop/push symmetry bits-back coding relies on.

mod common;

use common::Rng;

use ncodec::entropy::{AnsCoder, FrequencyTable, RangeDecoder, RangeEncoder, PRECISION};
use proptest::prelude::*;

/// A symbol drawn from `table`'s own distribution.
fn sample(rng: &mut Rng, table: &FrequencyTable) -> usize {
    let quantile = (rng.next() >> 40) as u32; // 24 bits
    table.cdf().partition_point(|&c| c <= quantile) - 1
}

/// A skewed 256-symbol table (Zipf-like counts).
fn zipf_table(n: u32) -> FrequencyTable {
    let counts: Vec<u32> = (1..=n).map(|rank| 1_000_000 / rank).collect();
    FrequencyTable::from_counts(&counts).unwrap()
}

fn information_bits(table: &FrequencyTable, symbols: &[usize]) -> f64 {
    symbols.iter().map(|&s| table.information_bits(s)).sum()
}

#[test]
fn range_coder_overhead_on_a_million_symbols() {
    let table = zipf_table(256);
    let mut rng = Rng(0x1234_5678);
    let symbols: Vec<usize> = (0..1_000_000).map(|_| sample(&mut rng, &table)).collect();
    let mut encoder = RangeEncoder::new();
    for &s in &symbols {
        encoder.encode(s, &table).unwrap();
    }
    let bytes = encoder.finish();
    let info = information_bits(&table, &symbols);
    let overhead = (bytes.len() * 8) as f64 / info - 1.0;
    eprintln!(
        "range: {} bytes for {:.0} bits of information: overhead {:.5}%",
        bytes.len(),
        info,
        overhead * 100.0
    );
    assert!(overhead <= 0.001, "overhead {:.4}%", overhead * 100.0);

    let mut decoder = RangeDecoder::new(&bytes).unwrap();
    for &s in &symbols {
        assert_eq!(decoder.decode(&table).unwrap(), s);
    }
}

#[test]
fn ans_overhead_on_a_million_symbols() {
    let table = zipf_table(256);
    let mut rng = Rng(0x9abc_def0);
    let symbols: Vec<usize> = (0..1_000_000).map(|_| sample(&mut rng, &table)).collect();
    let mut stack = AnsCoder::new();
    for &s in symbols.iter().rev() {
        stack.push(s, &table).unwrap();
    }
    let bytes = stack.into_bytes();
    let info = information_bits(&table, &symbols);
    let overhead = (bytes.len() * 8) as f64 / info - 1.0;
    eprintln!(
        "ans: {} bytes for {:.0} bits of information: overhead {:.5}%",
        bytes.len(),
        info,
        overhead * 100.0
    );
    assert!(overhead <= 0.001, "overhead {:.4}%", overhead * 100.0);

    let mut stack = AnsCoder::from_bytes(&bytes).unwrap();
    for &s in &symbols {
        assert_eq!(stack.pop(&table).unwrap(), s);
    }
    assert!(stack.is_empty());
}

#[test]
fn binary_overhead_on_a_million_bits() {
    let mut rng = Rng(42);
    let mut encoder = RangeEncoder::new();
    let mut info = 0.0;
    let mut coded = Vec::new();
    for _ in 0..1_000_000 {
        let p1 = (rng.next() >> 48) as u32 | 1; // 16-bit probability, never 0
        let bit = ((rng.next() >> 48) as u32) < p1;
        let p = if bit { p1 } else { 65536 - p1 };
        info += 16.0 - f64::from(p).log2();
        encoder.encode_bit(bit, p1);
        coded.push((bit, p1));
    }
    let bytes = encoder.finish();
    let overhead = (bytes.len() * 8) as f64 / info - 1.0;
    eprintln!("bits: overhead {:.5}%", overhead * 100.0);
    assert!(overhead <= 0.001, "overhead {:.4}%", overhead * 100.0);
    let mut decoder = RangeDecoder::new(&bytes).unwrap();
    for (bit, p1) in coded {
        assert_eq!(decoder.decode_bit(p1).unwrap(), bit);
    }
}

#[test]
fn bits_back_pop_then_push_restores_the_stack() {
    let data_table = zipf_table(50);
    let posterior = FrequencyTable::from_counts(&[5, 1, 9, 2]).unwrap();
    let mut stack = AnsCoder::new();
    let mut rng = Rng(7);
    for _ in 0..1000 {
        stack
            .push(sample(&mut rng, &data_table), &data_table)
            .unwrap();
    }
    let before = stack.num_bits();
    let snapshot = stack.clone();
    // Pop a "latent" with the posterior: it costs about its information content...
    let latent = stack.pop(&posterior).unwrap();
    let saved = before as f64 - stack.num_bits() as f64;
    assert!(saved > -64.0);
    // ...and pushing it back with the same model restores the exact stack.
    stack.push(latent, &posterior).unwrap();
    assert_eq!(clone_bytes(&stack), clone_bytes(&snapshot));
    // Popping from seeded initial bits works on an otherwise empty stack.
    let mut seeded = AnsCoder::from_binary(&[0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0]).unwrap();
    let s = seeded.pop(&posterior).unwrap();
    assert!(s < 4);
}

fn clone_bytes(stack: &AnsCoder) -> Vec<u8> {
    stack.clone().into_bytes()
}

#[test]
fn out_of_alphabet_symbols_and_bad_streams_are_errors() {
    let table = zipf_table(4);
    assert!(RangeEncoder::new().encode(4, &table).is_err());
    assert!(AnsCoder::new().push(9, &table).is_err());
    assert!(RangeDecoder::new(&[1, 2, 3]).is_err());
    assert!(AnsCoder::from_bytes(&[1, 0, 0, 0, 0, 0, 0, 0]).is_err());
    // Garbage decodes without panicking.
    let garbage = common::random_bytes(4096, 9);
    let mut decoder = RangeDecoder::new(&garbage).unwrap();
    for _ in 0..10_000 {
        let _ = decoder.decode(&table);
        let _ = decoder.decode_bit(30_000);
    }
    assert_eq!(table.cdf().last(), Some(&(1u32 << PRECISION)));
}

fn table_strategy() -> impl Strategy<Value = FrequencyTable> {
    proptest::collection::vec(0u32..100_000, 2..300)
        .prop_map(|counts| FrequencyTable::from_counts(&counts).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn range_round_trip_on_random_tables(table in table_strategy(), seed in any::<u64>(), len in 0usize..2000) {
        let mut rng = Rng(seed | 1);
        let symbols: Vec<usize> = (0..len).map(|_| (rng.next() % table.len() as u64) as usize).collect();
        let mut encoder = RangeEncoder::new();
        for &s in &symbols { encoder.encode(s, &table).unwrap(); }
        let bytes = encoder.finish();
        let mut decoder = RangeDecoder::new(&bytes).unwrap();
        for &s in &symbols { prop_assert_eq!(decoder.decode(&table).unwrap(), s); }
    }

    #[test]
    fn ans_round_trip_on_random_tables(table in table_strategy(), seed in any::<u64>(), len in 0usize..2000) {
        let mut rng = Rng(seed | 1);
        let symbols: Vec<usize> = (0..len).map(|_| (rng.next() % table.len() as u64) as usize).collect();
        let mut stack = AnsCoder::new();
        for &s in &symbols { stack.push(s, &table).unwrap(); }
        let mut stack = AnsCoder::from_bytes(&stack.into_bytes()).unwrap();
        for &s in symbols.iter().rev() { prop_assert_eq!(stack.pop(&table).unwrap(), s); }
        prop_assert!(stack.is_empty());
    }

    #[test]
    fn mixed_bits_and_symbols_round_trip(ops in proptest::collection::vec((any::<bool>(), 1u32..65536, 0usize..7), 0..3000)) {
        let table = zipf_table(7);
        let mut encoder = RangeEncoder::new();
        for &(bit, p1, s) in &ops {
            encoder.encode_bit(bit, p1);
            encoder.encode(s, &table).unwrap();
        }
        let bytes = encoder.finish();
        let mut decoder = RangeDecoder::new(&bytes).unwrap();
        for &(bit, p1, s) in &ops {
            prop_assert_eq!(decoder.decode_bit(p1).unwrap(), bit);
            prop_assert_eq!(decoder.decode(&table).unwrap(), s);
        }
    }
}
