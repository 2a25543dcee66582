//! Where the speech codec loses quality: analysis → (optionally) the level's autoencoder,
//! (optionally) block pitch quantization → synthesis, per 16 kHz WAV file.
//! `speech_ablation LEVEL MODE OUT_DIR IN.wav...`, MODE = ae | pitch | both | none.
use ncodec::codecs::speech::{analysis, features, shipped_model, synthesis, wav};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let model = shipped_model(args[1].parse()?)?;
    let mode = args[2].as_str();
    for input in &args[4..] {
        let samples = wav::parse(&std::fs::read(input)?).ok_or("not canonical")?;
        let mut frames = analysis::analyse(&samples);
        let shape = *model.shape();
        if mode.starts_with("ae") || mode == "both" {
            let blocks = ncodec::codecs::speech::encode_frames(model, &frames);
            let codes: Vec<&[u8]> = blocks.iter().map(|b| b.codes.as_slice()).collect();
            for (k, chunk) in frames.chunks_mut(shape.block).enumerate() {
                let back = model.decode_block(&codes, k);
                for (f, v) in chunk.iter_mut().zip(back.chunks_exact(features::FEATURES)) {
                    let f0 = f.f0;
                    let decoded = features::vector_frame(v, f0);
                    match mode {
                        "ae-lsf" => f.lsf = decoded.lsf,
                        "ae-gain" => f.log_gain = decoded.log_gain,
                        _ => *f = decoded,
                    }
                    f.voicing = if f0 > 0.0 { [1.0; 4] } else { [0.0; 4] };
                }
            }
        }
        if mode == "pitch" || mode == "both" {
            let q = shape.pitch();
            for chunk in frames.chunks_mut(shape.block) {
                let p = features::block_pitch(chunk).map_or(0.0, |f0| q.f0(q.index(f0)));
                for f in chunk.iter_mut() {
                    f.f0 = p;
                    f.voicing = if p > 0.0 { [1.0; 4] } else { [0.0; 4] };
                }
            }
        }
        if mode == "none" {
            for f in frames.iter_mut() {
                f.voicing = if f.f0 > 0.0 { [1.0; 4] } else { [0.0; 4] };
            }
        }
        let out = synthesis::synthesise(&frames, samples.len());
        let name = std::path::Path::new(input).file_name().ok_or("bad name")?;
        std::fs::write(std::path::Path::new(&args[3]).join(name), wav::write(&out))?;
    }
    Ok(())
}
