//! Codes 16 kHz mono 16-bit WAV files with the `speech` codec and writes the decoded WAVs:
//! `cargo run --release -p ncodec --example speech_codec LEVEL OUT_DIR IN.wav...`.
//! Prints each file's real rate (whole `.ncz` file) and the mean.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let level: u8 = args[1].parse()?;
    let out_dir = std::path::Path::new(&args[2]);
    let (mut bits, mut seconds) = (0.0, 0.0);
    for input in &args[3..] {
        let wav = std::fs::read(input)?;
        let options = ncodec::CompressOptions::default()
            .codec("speech")
            .params(ncodec::EncodeParams::default().quality(level));
        let ncz = ncodec::compress(&wav, &options)?;
        let back = ncodec::decompress(&ncz)?;
        let s = (wav.len() - 44) as f64 / 32000.0;
        bits += ncz.len() as f64 * 8.0;
        seconds += s;
        println!(
            "{input}: {} bytes, {:.3} kbps",
            ncz.len(),
            ncz.len() as f64 * 8.0 / s / 1000.0
        );
        let name = std::path::Path::new(input).file_name().ok_or("bad name")?;
        std::fs::write(out_dir.join(name), back)?;
    }
    println!(
        "mean {:.3} kbps over {seconds:.1} s",
        bits / seconds / 1000.0
    );
    Ok(())
}
