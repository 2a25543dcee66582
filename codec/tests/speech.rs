//! The `speech` codec end to end: rates, quality against the input, determinism across
//! thread counts, a golden file, and damaged input.

use ncodec::codecs::speech::{self, wav};
use std::io::Write;

use ncodec::{
    compress, decompress_with, inspect, Codec, CompressOptions, DecompressOptions, EncodeParams,
    Encoder,
};

const SAMPLE: &[u8] = include_bytes!("../../datasets/samples/speech-librivox-0870.wav");
const GOLDEN_NCZ: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/speech-0930.ncz");
const GOLDEN_WAV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/speech-0930.wav");
const GOLDEN_INPUT: &[u8] = include_bytes!("../../datasets/samples/speech-librivox-0930.wav");

fn options(level: u8, threads: usize) -> CompressOptions {
    CompressOptions::default()
        .codec("speech")
        .threads(threads)
        .params(EncodeParams::default().quality(level))
}

fn decode(ncz: &[u8], threads: usize) -> Vec<u8> {
    decompress_with(ncz, &DecompressOptions::default().threads(threads)).unwrap()
}

/// Per-frame (20 ms) energies in dB of 16 kHz samples.
fn energy_db(samples: &[f32]) -> Vec<f32> {
    samples
        .chunks(320)
        .map(|c| 10.0 * (c.iter().map(|v| v * v).sum::<f32>() / c.len() as f32 + 1e-9).log10())
        .collect()
}

fn correlation(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len()) as f32;
    let (ma, mb) = (a.iter().sum::<f32>() / n, b.iter().sum::<f32>() / n);
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        ab += (x - ma) * (y - mb);
        aa += (x - ma) * (x - ma);
        bb += (y - mb) * (y - mb);
    }
    ab / (aa * bb).sqrt()
}

#[test]
fn levels_meet_their_rates_and_follow_the_speech() {
    let input = wav::parse(SAMPLE).unwrap();
    let seconds = input.len() as f64 / 16000.0;
    let mut previous_size = 0;
    for level in 1..=speech::level_count() {
        let ncz = compress(SAMPLE, &options(level, 1)).unwrap();
        let kbps = ncz.len() as f64 * 8.0 / seconds / 1000.0;
        let cap = speech::LEVEL_KBPS[level as usize - 1] * 1.1;
        assert!(kbps < cap, "level {level}: {kbps:.3} kbps");
        assert!(ncz.len() > previous_size, "level {level} is not larger");
        previous_size = ncz.len();
        let out = wav::parse(&decode(&ncz, 1)).unwrap();
        assert_eq!(out.len(), input.len());
        // The loudness contour must follow the input's (a silent or garbled output fails).
        let r = correlation(&energy_db(&input), &energy_db(&out));
        assert!(r > 0.85, "level {level}: energy contour correlation {r:.3}");
    }
}

#[test]
fn bitstream_and_output_do_not_depend_on_threads() {
    let one = compress(SAMPLE, &options(1, 1)).unwrap();
    let two = compress(SAMPLE, &options(1, 2)).unwrap();
    assert_eq!(one, two);
    assert_eq!(decode(&two, 1), decode(&two, 2));
}

#[test]
fn tiny_and_extreme_inputs_round_trip_in_length() {
    let noise: Vec<f32> = (0..4000u32)
        .map(|n| (n.wrapping_mul(2_654_435_761) >> 16) as f32 / 32768.0 - 1.0)
        .collect();
    let cases: Vec<Vec<f32>> = vec![
        vec![],
        vec![0.5],
        vec![0.0; 100],
        vec![0.0; 16000],
        noise,
        vec![1.0; 3000],
    ];
    for samples in cases {
        let input = wav::write(&samples);
        for level in 1..=speech::level_count() {
            let ncz = compress(&input, &options(level, 1)).unwrap();
            let out = decode(&ncz, 1);
            assert_eq!(out.len(), input.len(), "{} samples", samples.len());
            let back = wav::parse(&out).unwrap();
            assert!(back.iter().all(|v| v.is_finite() && v.abs() <= 1.0));
        }
    }
}

#[test]
fn long_recordings_stream_through_in_chunks() {
    // 7.1 s in 64 KiB chunks (2 s each), written piece by piece with no size up front.
    let chunked = |threads: usize| {
        let options = options(1, threads).chunk_size(1 << 16).unwrap();
        let mut encoder = Encoder::new(Vec::new(), &options).unwrap();
        for piece in SAMPLE.chunks(5000) {
            encoder.write_all(piece).unwrap();
        }
        encoder.finish().unwrap()
    };
    let ncz = chunked(2);
    assert_eq!(ncz, chunked(1));
    let info = inspect(&ncz[..]).unwrap();
    assert_eq!(info.header.content_size, None);
    assert_eq!(info.chunks.len(), SAMPLE.len().div_ceil(1 << 16));
    assert!(info.chunks.iter().all(|c| c.codec == speech::Speech::ID));
    let out = decode(&ncz, 1);
    assert_eq!(out, decode(&ncz, 2));
    assert_eq!(out.len(), SAMPLE.len());
    assert_eq!(out[..wav::HEADER_LEN], SAMPLE[..wav::HEADER_LEN]);
    let (input, back) = (wav::parse(SAMPLE).unwrap(), wav::parse(&out).unwrap());
    let r = correlation(&energy_db(&input), &energy_db(&back));
    assert!(r > 0.85, "energy contour correlation {r:.3}");
    // Chunks are coded on their own: a later chunk decodes as its samples alone would.
    let whole = compress(SAMPLE, &options(1, 1)).unwrap();
    let seconds = input.len() as f64 / 16000.0;
    let (kbps, whole_kbps) = [&ncz, &whole]
        .map(|f| f.len() as f64 * 8.0 / seconds / 1000.0)
        .into();
    assert!(
        kbps < whole_kbps * 1.05,
        "{kbps:.3} against {whole_kbps:.3} kbps"
    );
    let second = &SAMPLE[1 << 16..1 << 17];
    let alone = wav::write(&wav::parse_samples(second).unwrap());
    let alone_out = decode(&compress(&alone, &options(1, 1)).unwrap(), 1);
    assert_eq!(out[1 << 16..1 << 17], alone_out[wav::HEADER_LEN..]);
}

#[test]
fn other_content_is_refused_with_a_clear_error() {
    let err = compress(b"not a wav file", &options(1, 1)).unwrap_err();
    assert!(
        err.to_string().contains("16 kHz mono 16-bit PCM WAV"),
        "{err}"
    );
    let mut stereo = SAMPLE.to_vec();
    stereo[22] = 2;
    assert!(compress(&stereo, &options(1, 1)).is_err());
    assert!(compress(SAMPLE, &options(9, 1)).is_err());
}

#[test]
fn damaged_files_give_errors_not_panics() {
    let ncz = compress(SAMPLE, &options(1, 1)).unwrap();
    let options = DecompressOptions::default();
    for cut in [1, 10, ncz.len() / 2, ncz.len() - 1] {
        assert!(
            decompress_with(&ncz[..cut], &options).is_err(),
            "cut at {cut}"
        );
    }
    for i in (0..ncz.len()).step_by(7) {
        let mut bad = ncz.clone();
        bad[i] ^= 0x20;
        assert!(decompress_with(&bad, &options).is_err(), "flip at {i}");
    }
    // Arbitrary payloads straight into the codec: errors or WAVs of the asked length.
    let codec = speech::Speech;
    let mut state = 0x1234_5678u32;
    for len in [0usize, 1, 2, 3, 17, 200] {
        for _ in 0..30 {
            let level = 1 + (state % u32::from(speech::level_count())) as u8;
            let layout = 1 + (state >> 8) % 3;
            let payload: Vec<u8> = [layout as u8, level]
                .into_iter()
                .chain((0..len).map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    (state >> 24) as u8
                }))
                .collect();
            for raw_len in [44 + 2 * 800, 2 * 800] {
                let mut out = Vec::new();
                if codec.decode_chunk(&payload, raw_len, &mut out).is_ok() {
                    assert_eq!(out.len(), raw_len);
                }
            }
        }
    }
}

/// A committed `.ncz` made by an earlier build still decodes to (nearly) the committed
/// output: the parse is integer, so only the float synthesis may differ in the last bits.
/// `NCODEC_BLESS=1 cargo test --test speech` rewrites both after a deliberate change.
#[test]
fn golden_file_decodes_as_blessed() {
    if std::env::var_os("NCODEC_BLESS").is_some() {
        let ncz = compress(GOLDEN_INPUT, &options(1, 1)).unwrap();
        std::fs::create_dir_all(std::path::Path::new(GOLDEN_NCZ).parent().unwrap()).unwrap();
        std::fs::write(GOLDEN_NCZ, &ncz).unwrap();
        std::fs::write(GOLDEN_WAV, decode(&ncz, 1)).unwrap();
    }
    let ncz = std::fs::read(GOLDEN_NCZ).unwrap();
    let blessed = wav::parse(&std::fs::read(GOLDEN_WAV).unwrap()).unwrap();
    let out = wav::parse(&decode(&ncz, 1)).unwrap();
    assert_eq!(out.len(), blessed.len());
    let error: f64 = out
        .iter()
        .zip(&blessed)
        .map(|(a, b)| ((a - b) as f64).powi(2))
        .sum();
    let signal: f64 = blessed.iter().map(|b| (*b as f64).powi(2)).sum();
    assert!(
        signal > 0.0 && error <= signal * 1e-4,
        "SNR {:.1} dB",
        10.0 * (signal / error.max(1e-30)).log10()
    );
}
