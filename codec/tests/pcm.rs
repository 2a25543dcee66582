//! The lossless `pcm` audio codec: real speech (the LibriVox samples), every sample
//! format and channel count, WAV files with extra chunks or cut short, chunk edges inside
//! frames, thread counts, and damaged payloads.

mod common;

use common::{check_damaged_payloads, compress_with, decompress_one_thread as decompress, Rng};
use ncodec::codecs::pcm::WavLayout;
use ncodec::{CompressOptions, EncodeParams};

fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/../datasets/samples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(path).expect("speech sample")
}

fn compress(data: &[u8], chunk: usize, threads: usize) -> Vec<u8> {
    compress_with("pcm", EncodeParams::default(), data, chunk, threads)
}

/// A WAV file: `fmt ` (PCM or extensible), optional extra chunks before and after the
/// data, `frames` interleaved frames from `value(frame, channel)`.
fn wav(
    channels: u16,
    bits: u16,
    frames: usize,
    extensible: bool,
    value: impl Fn(usize, usize) -> i64,
) -> Vec<u8> {
    let bytes = usize::from(bits / 8);
    let mut data = Vec::new();
    for n in 0..frames {
        for c in 0..usize::from(channels) {
            let v = value(n, c);
            let v = if bits == 8 { v + 128 } else { v };
            data.extend_from_slice(&v.to_le_bytes()[..bytes]);
        }
    }
    let align = channels * bits / 8;
    let mut fmt = Vec::new();
    fmt.extend_from_slice(&(if extensible { 0xFFFEu16 } else { 1 }).to_le_bytes());
    fmt.extend_from_slice(&channels.to_le_bytes());
    fmt.extend_from_slice(&44_100u32.to_le_bytes());
    fmt.extend_from_slice(&(44_100 * u32::from(align)).to_le_bytes());
    fmt.extend_from_slice(&align.to_le_bytes());
    fmt.extend_from_slice(&bits.to_le_bytes());
    if extensible {
        fmt.extend_from_slice(&22u16.to_le_bytes());
        fmt.extend_from_slice(&bits.to_le_bytes());
        fmt.extend_from_slice(&0u32.to_le_bytes());
        fmt.extend_from_slice(&1u16.to_le_bytes()); // KSDATAFORMAT_SUBTYPE_PCM
        fmt.extend_from_slice(&[0; 14]);
    }
    let mut body = b"WAVE".to_vec();
    let mut chunk = |id: &[u8], content: &[u8]| {
        body.extend_from_slice(id);
        body.extend_from_slice(&(content.len() as u32).to_le_bytes());
        body.extend_from_slice(content);
        if content.len() % 2 == 1 {
            body.push(0);
        }
    };
    chunk(b"fmt ", &fmt);
    chunk(b"LIST", b"INFOISFT\x05\x00\x00\x00test\x00");
    chunk(b"data", &data);
    chunk(b"LIST", b"INFOICMT\x03\x00\x00\x00ok\x00");
    let mut file = b"RIFF".to_vec();
    file.extend_from_slice(&(body.len() as u32).to_le_bytes());
    file.extend_from_slice(&body);
    file
}

#[test]
fn real_speech_round_trips_and_shrinks() {
    for name in ["speech-librivox-0870.wav", "speech-librivox-0930.wav"] {
        let file = sample(name);
        WavLayout::parse(&file).unwrap();
        let packed = compress(&file, 1 << 22, 2);
        assert_eq!(decompress(&packed), file, "{name}");
        let ratio = packed.len() as f64 / file.len() as f64;
        // 16-bit speech: about 8 bits per sample, i.e. half the file.
        assert!(ratio < 0.6, "{name}: {ratio:.3}");
        // Linear prediction beats the general byte model clearly.
        let cm = ncodec::compress(&file, &CompressOptions::default().codec("cm")).unwrap();
        assert!(
            packed.len() * 10 < cm.len() * 9,
            "{name}: pcm {} cm {}",
            packed.len(),
            cm.len()
        );
    }
}

#[test]
fn every_format_and_channel_count_round_trips() {
    let mut rng = Rng(5);
    let noise: Vec<i64> = (0..40_000).map(|_| rng.next() as i64).collect();
    for bits in [8u16, 16, 24, 32] {
        let full = 1i64 << (bits - 1);
        for channels in [1u16, 2, 3, 6] {
            for extensible in [false, true] {
                for frames in [0usize, 1, 7, 5000] {
                    // A tone with noise, clipped to the format, and full-scale extremes.
                    let file = wav(channels, bits, frames, extensible, |n, c| {
                        let tone =
                            ((n as f64 * 0.01 * (c + 1) as f64).sin() * 0.6 * full as f64) as i64;
                        let jitter = noise[(n * 7 + c) % noise.len()] % (full / 64).max(2);
                        match n % 997 {
                            0 => full - 1,
                            1 => -full,
                            _ => (tone + jitter).clamp(-full, full - 1),
                        }
                    });
                    let packed = compress(&file, 1 << 12, 2);
                    assert_eq!(
                        decompress(&packed),
                        file,
                        "{bits} bits, {channels} channels, {frames} frames, extensible {extensible}"
                    );
                }
            }
        }
    }
}

#[test]
fn chunk_edges_threads_and_cut_files() {
    let file = wav(2, 24, 30_000, false, |n, c| {
        (((n as f64) * 0.003 * (c + 2) as f64).sin() * 3e6) as i64
    });
    let whole = compress(&file, 1 << 22, 1);
    let small_one = compress(&file, 1 << 12, 1);
    let small_two = compress(&file, 1 << 12, 2);
    assert_eq!(small_one, small_two, "output depends on the thread count");
    assert_eq!(decompress(&small_two), file);
    assert_eq!(decompress(&whole), file);
    assert!(whole.len() < file.len() / 3);
    // A file cut inside a frame, or inside its header, still round-trips (as bytes where
    // it must).
    for cut in [file.len() - 1, file.len() / 2 + 1, 40, 11, 0] {
        let part = &file[..cut];
        assert_eq!(
            decompress(&compress(part, 1 << 12, 2)),
            part,
            "cut at {cut}"
        );
    }
    // Not WAV at all.
    let text = b"RIFF? no, just text. ".repeat(100);
    assert_eq!(decompress(&compress(&text, 1 << 22, 2)), text);
}

#[test]
fn damaged_payloads_give_errors_not_panics() {
    let file = sample("speech-librivox-0930.wav");
    check_damaged_payloads(
        &ncodec::codecs::Pcm,
        &file,
        |len| vec![0, 1, 3, len / 2],
        200,
        usize::MAX,
        23,
    );
    let mut packed = compress(&file, 1 << 22, 2);
    let middle = packed.len() / 2;
    packed[middle] ^= 1;
    assert!(ncodec::decompress(&packed).is_err());
}
