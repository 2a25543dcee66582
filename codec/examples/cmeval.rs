use ncodec::codecs::Cm;
use ncodec::Codec;
use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args[1] == "rc" {
        rc_bench();
        return;
    }
    let data = std::fs::read(&args[1]).unwrap();
    let off: usize = args.get(2).map(|s| s.parse().unwrap()).unwrap_or(0);
    let len: usize = args
        .get(3)
        .map(|s| s.parse().unwrap())
        .unwrap_or(data.len() - off);
    let data = &data[off..off + len];
    let t = Instant::now();
    let mut p = Vec::new();
    Cm.encode_chunk(data, &mut p).unwrap();
    let te = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut back = Vec::new();
    Cm.decode_chunk(&p, data.len(), &mut back).unwrap();
    let td = t.elapsed().as_secs_f64();
    assert!(back == data);
    let mb = data.len() as f64 / 1e6;
    println!(
        "{} {} -> {}  {:.4} bpb  enc {:.2} MB/s dec {:.2} MB/s",
        args[1],
        data.len(),
        p.len(),
        p.len() as f64 * 8.0 / data.len() as f64,
        mb / te,
        mb / td
    );
}
#[allow(dead_code)]
fn rc_bench() {
    use ncodec::entropy::{RangeDecoder, RangeEncoder};
    let t = Instant::now();
    let mut enc = RangeEncoder::new();
    let mut s = 1u32;
    for i in 0..8_000_000u32 {
        s = s.wrapping_mul(1664525).wrapping_add(1013904223);
        enc.encode_bit(s >> 31 == 1, 30000 + (i & 1023));
    }
    let b = enc.finish();
    println!("rc enc 8M bits {:.3}s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let mut dec = RangeDecoder::new(&b).unwrap();
    let mut x = 0u32;
    for i in 0..8_000_000u32 {
        x += dec.decode_bit(30000 + (i & 1023)).unwrap() as u32;
    }
    println!("rc dec 8M bits {:.3}s {}", t.elapsed().as_secs_f64(), x);
}
