//! Analysis + synthesis of 16 kHz mono 16-bit WAV files through the speech vocoder,
//! unquantized: `cargo run --release -p ncodec --example speech_vocoder IN.wav OUT.wav`.
use ncodec::codecs::speech::{analysis, synthesis};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[1]).expect("read");
    let samples: Vec<f32> = bytes[44..]
        .chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]) as f32 / 32768.0)
        .collect();
    let t = std::time::Instant::now();
    let frames = analysis::analyse(&samples);
    let t1 = t.elapsed();
    let out = synthesis::synthesise(&frames, samples.len());
    eprintln!(
        "analysis {:?} synthesis {:?} for {:.2} s",
        t1,
        t.elapsed() - t1,
        samples.len() as f32 / 16000.0
    );
    let mut wav = bytes[..44].to_vec();
    for s in out {
        wav.extend_from_slice(
            &((s * 32768.0).round().clamp(-32768.0, 32767.0) as i16).to_le_bytes(),
        );
    }
    std::fs::write(&args[2], wav).expect("write");
}
