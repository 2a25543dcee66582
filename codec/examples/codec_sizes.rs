//! Sizes and speeds of one codec on the files named on the command line (2 threads).
//!
//! ```sh
//! cargo run --release -p ncodec --example codec_sizes -- tensor model.safetensors
//! cargo run --release -p ncodec --example codec_sizes -- pcm song.wav
//! ```

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let codec = args.next().ok_or("usage: codec_sizes CODEC FILE...")?;
    let opts = ncodec::CompressOptions::default().codec(&codec).threads(2);
    let decode = ncodec::DecompressOptions::default().threads(2);
    for path in args {
        let data = std::fs::read(&path)?;
        let started = Instant::now();
        let packed = ncodec::compress(&data, &opts)?;
        let encode = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let back = ncodec::decompress_with(&packed, &decode)?;
        let decoded = started.elapsed().as_secs_f64();
        assert_eq!(back, data, "{path}: round trip");
        println!(
            "{path}: {} -> {} bytes ({:.2} %), encode {:.0} MB/s, decode {:.0} MB/s",
            data.len(),
            packed.len(),
            100.0 * packed.len() as f64 / data.len() as f64,
            data.len() as f64 / encode / 1e6,
            data.len() as f64 / decoded / 1e6
        );
    }
    Ok(())
}
