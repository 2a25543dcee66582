use ncodec::codecs::Cm;
use ncodec::Codec;
use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
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
