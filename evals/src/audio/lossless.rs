//! `ncodec eval audio --lossless`: bits per sample and speed of the lossless `pcm` codec
//! against `flac -8` (the reference `flac` program, when it is installed) on the same WAV
//! files, every output decoded and checked.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use ncodec::codecs::pcm::WavLayout;
use serde::Serialize;

use crate::EvalError;

/// Name of the FLAC contender.
pub const FLAC: &str = "flac -8";

/// One lossless audio file, as the WAV file that is coded.
#[derive(Debug, Clone)]
pub struct LosslessInput {
    /// Display name.
    pub name: String,
    /// A WAV file of integer PCM.
    pub wav: Vec<u8>,
}

/// One contender on one file.
#[derive(Debug, Clone, Serialize)]
pub struct LosslessRow {
    /// File name.
    pub file: String,
    /// `pcm` or [`FLAC`].
    pub contender: String,
    /// Interleaved channels.
    pub channels: usize,
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Samples (frames × channels).
    pub samples: u64,
    /// Bytes of the coded file (whole `.ncz`, or the `.flac` without padding).
    pub bytes: u64,
    /// `bytes × 8 / samples`.
    pub bits_per_sample: f64,
    /// Seconds to encode.
    pub encode_secs: f64,
    /// Seconds to decode.
    pub decode_secs: f64,
    /// Audio seconds.
    pub seconds: f64,
}

/// Pooled figures of one contender over all files.
#[derive(Debug, Clone, Serialize)]
pub struct LosslessTotal {
    /// Contender name.
    pub contender: String,
    /// Sum of bytes × 8 over sum of samples.
    pub bits_per_sample: f64,
    /// Ratio of the bits to those of `flac -8` on the same files, when it ran.
    pub vs_flac: Option<f64>,
    /// Audio seconds coded per second of encoding.
    pub encode_realtime: f64,
    /// Audio seconds decoded per second of decoding.
    pub decode_realtime: f64,
}

/// Every row and the pooled totals.
#[derive(Debug, Clone, Serialize)]
pub struct LosslessReport {
    /// Per file and contender.
    pub rows: Vec<LosslessRow>,
    /// Per contender.
    pub totals: Vec<LosslessTotal>,
}

/// Whether the `flac` program is on the `PATH`.
pub fn flac_available() -> bool {
    Command::new("flac")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `pcm` (with `threads` threads) and, if `with_flac`, `flac -8` on every input.
/// Fails if a decoded file differs from its input.
pub fn run_lossless_eval(
    inputs: &[LosslessInput],
    threads: usize,
    with_flac: bool,
) -> Result<LosslessReport, EvalError> {
    let mut rows = Vec::new();
    let scratch = Scratch::new()?;
    for input in inputs {
        let layout = WavLayout::parse(&input.wav)
            .map_err(|e| EvalError::Failed(format!("{}: {e}", input.name)))?;
        let data = input.wav.len() as u64 - layout.data_start.min(input.wav.len() as u64);
        let frames = data.min(layout.data_end - layout.data_start) / layout.frame_bytes() as u64;
        let samples = frames * layout.channels as u64;
        let seconds = frames as f64 / f64::from(layout.sample_rate.max(1));
        let row = |contender: &str, bytes: u64, encode: f64, decode: f64| LosslessRow {
            file: input.name.clone(),
            contender: contender.to_string(),
            channels: layout.channels,
            sample_rate: layout.sample_rate,
            samples,
            bytes,
            bits_per_sample: bytes as f64 * 8.0 / samples.max(1) as f64,
            encode_secs: encode,
            decode_secs: decode,
            seconds,
        };
        let opts = ncodec::CompressOptions::default()
            .codec("pcm")
            .threads(threads);
        let started = Instant::now();
        let packed = ncodec::compress(&input.wav, &opts)
            .map_err(|e| EvalError::Failed(format!("{}: pcm: {e}", input.name)))?;
        let encode = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let back = ncodec::decompress_with(
            &packed,
            &ncodec::DecompressOptions::default().threads(threads),
        )
        .map_err(|e| EvalError::Failed(format!("{}: pcm: {e}", input.name)))?;
        let decode = started.elapsed().as_secs_f64();
        if back != input.wav {
            return Err(EvalError::Failed(format!(
                "{}: pcm did not round-trip",
                input.name
            )));
        }
        rows.push(row("pcm", packed.len() as u64, encode, decode));
        if with_flac {
            let (bytes, encode, decode) = scratch.flac(&input.wav, &input.name)?;
            rows.push(row(FLAC, bytes, encode, decode));
        }
    }
    let mut totals: Vec<LosslessTotal> = Vec::new();
    for contender in ["pcm", FLAC] {
        let mine: Vec<&LosslessRow> = rows.iter().filter(|r| r.contender == contender).collect();
        if mine.is_empty() {
            continue;
        }
        let bytes: u64 = mine.iter().map(|r| r.bytes).sum();
        let samples: u64 = mine.iter().map(|r| r.samples).sum();
        let seconds: f64 = mine.iter().map(|r| r.seconds).sum();
        let encode: f64 = mine.iter().map(|r| r.encode_secs).sum();
        let decode: f64 = mine.iter().map(|r| r.decode_secs).sum();
        totals.push(LosslessTotal {
            contender: contender.to_string(),
            bits_per_sample: bytes as f64 * 8.0 / samples.max(1) as f64,
            vs_flac: None,
            encode_realtime: seconds / encode.max(1e-9),
            decode_realtime: seconds / decode.max(1e-9),
        });
    }
    if let Some(flac) = totals
        .iter()
        .find(|t| t.contender == FLAC)
        .map(|t| t.bits_per_sample)
    {
        for total in &mut totals {
            total.vs_flac = Some(total.bits_per_sample / flac);
        }
    }
    Ok(LosslessReport { rows, totals })
}

/// A temporary folder for the `flac` program's files, removed on drop.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new() -> Result<Self, EvalError> {
        let dir = std::env::temp_dir().join(format!("ncodec-lossless-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| EvalError::Failed(format!("cannot make {}: {e}", dir.display())))?;
        Ok(Self { dir })
    }

    /// `flac -8` on `wav`: coded bytes, encode and decode seconds; checks the decoded
    /// samples against the input's.
    fn flac(&self, wav: &[u8], name: &str) -> Result<(u64, f64, f64), EvalError> {
        let input = self.dir.join("in.wav");
        let coded = self.dir.join("in.flac");
        let decoded = self.dir.join("out.wav");
        std::fs::write(&input, wav).map_err(|e| EvalError::Failed(format!("{name}: {e}")))?;
        let started = Instant::now();
        run_flac(
            &["-8", "--no-padding", "--no-seektable", "-s", "-f", "-o"],
            &coded,
            &input,
            name,
        )?;
        let encode = started.elapsed().as_secs_f64();
        let started = Instant::now();
        run_flac(&["-d", "-s", "-f", "-o"], &decoded, &coded, name)?;
        let decode = started.elapsed().as_secs_f64();
        let bytes = std::fs::metadata(&coded)
            .map_err(|e| EvalError::Failed(format!("{name}: {e}")))?
            .len();
        let back =
            std::fs::read(&decoded).map_err(|e| EvalError::Failed(format!("{name}: {e}")))?;
        if samples_of(&back) != samples_of(wav) {
            return Err(EvalError::Failed(format!(
                "{name}: flac did not round-trip"
            )));
        }
        Ok((bytes, encode, decode))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run_flac(args: &[&str], output: &Path, input: &Path, name: &str) -> Result<(), EvalError> {
    let status = Command::new("flac")
        .args(args)
        .arg(output)
        .arg(input)
        .status()
        .map_err(|e| EvalError::Failed(format!("{name}: cannot run flac: {e}")))?;
    if !status.success() {
        return Err(EvalError::Failed(format!("{name}: flac failed ({status})")));
    }
    Ok(())
}

/// The sample bytes of a WAV file (its `data` chunk), whatever its header looks like.
fn samples_of(wav: &[u8]) -> Option<&[u8]> {
    let layout = WavLayout::parse(wav).ok()?;
    let start = layout.data_start as usize;
    let end = (layout.data_end as usize).min(wav.len());
    wav.get(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcm_rows_are_real_sizes_and_flac_is_compared_when_installed() {
        let wav = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../datasets/samples/speech-librivox-0930.wav"
        ))
        .unwrap();
        let inputs = [LosslessInput {
            name: "0930".into(),
            wav: wav.clone(),
        }];
        let with_flac = flac_available();
        let report = run_lossless_eval(&inputs, 1, with_flac).unwrap();
        let pcm = &report.rows[0];
        let packed =
            ncodec::compress(&wav, &ncodec::CompressOptions::default().codec("pcm")).unwrap();
        assert_eq!(pcm.bytes, packed.len() as u64);
        assert_eq!(pcm.samples, (wav.len() as u64 - 44) / 2);
        assert!(pcm.bits_per_sample > 4.0 && pcm.bits_per_sample < 12.0);
        if with_flac {
            assert_eq!(report.rows.len(), 2);
            let ratio = report.totals[0].vs_flac.unwrap();
            assert!(ratio < 1.0, "pcm / flac = {ratio}");
        }
    }
}
