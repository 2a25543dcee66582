//! Audio files into the `speech` codec: any format the decoder reads (WAV incl. float and
//! 24-bit, FLAC, MP3, OGG/Vorbis) becomes the codec's canonical 16 kHz mono 16-bit WAV
//! (channels averaged, resampled with a band-limited resampler, same duration), decoded,
//! resampled and coded as it is read, so memory stays bounded however long the input.

use std::io::{Read, Seek, Write};

use anyhow::{bail, Context, Result};
use ncodec::codecs::speech::{analysis::SAMPLE_RATE, wav};
use ncodec_datasets::audio::{self, MonoStream, StreamResampler};

/// Samples decoded between two hand-overs to the encoder (about 4 s at 48 kHz).
const BATCH: usize = 1 << 18;

/// Starts decoding audio read front to back (standard input); `name` hints the format.
/// Ogg streams read this way keep their trailing padding (their length is at their end).
pub fn open_pipe(reader: impl Read + Send + 'static, name: Option<&str>) -> Result<MonoStream> {
    MonoStream::new(reader, extension(name).as_deref()).context(UNREADABLE)
}

/// Starts decoding an audio file; `name` hints the format.
pub fn open_file(
    reader: impl Read + Seek + Send + 'static,
    name: Option<&str>,
) -> Result<MonoStream> {
    MonoStream::new_seekable(reader, extension(name).as_deref()).context(UNREADABLE)
}

fn extension(name: Option<&str>) -> Option<String> {
    name.and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
}

const UNREADABLE: &str = "cannot read the input as audio (WAV, FLAC, MP3 or OGG/Vorbis)";

/// Compresses `stream` with the speech codec onto `writer`. Returns the bytes written
/// and the duration in seconds.
///
/// When the container declares its length (WAV, FLAC, most MP3 and Ogg files), the audio
/// streams through; otherwise its mono samples are gathered first.
pub fn compress(
    mut stream: MonoStream,
    writer: &mut dyn Write,
    options: &ncodec::CompressOptions,
) -> Result<(u64, f64)> {
    let mut writer = super::code::CountingWriter::new(writer);
    let samples = match (stream.sample_rate(), stream.declared_frames()) {
        (Some(rate), Some(frames)) => code(
            |out| stream.read_into(out).context("cannot decode the audio"),
            rate,
            frames,
            &mut writer,
            options,
        )?,
        _ => {
            let mut mono = Vec::new();
            while stream.read_into(&mut mono).context(UNREADABLE)? {}
            let rate = stream.sample_rate().context(UNREADABLE)?;
            let frames = mono.len();
            let mut gathered = Some(mono);
            let mut once =
                |out: &mut Vec<f32>| Ok(gathered.take().map(|mono| out.extend(mono)).is_some());
            code(&mut once, rate, frames, &mut writer, options)?
        }
    };
    Ok((writer.count, samples as f64 / f64::from(SAMPLE_RATE)))
}

/// Codes the mono audio that `read` appends piece by piece (`false` once it is over),
/// declared to be `frames` frames at `rate` Hz; returns the 16 kHz samples coded. Audio
/// that ends early is completed with silence (and a warning), since the header with its
/// length was coded first.
fn code(
    mut read: impl FnMut(&mut Vec<f32>) -> Result<bool>,
    rate: u32,
    frames: usize,
    writer: &mut dyn Write,
    options: &ncodec::CompressOptions,
) -> Result<usize> {
    let total = audio::resampled_len(frames, rate, SAMPLE_RATE);
    if total == 0 {
        bail!("{UNREADABLE}: no audio in the stream");
    }
    if total > wav::MAX_SAMPLES {
        bail!(
            "the audio lasts {:.1} hours, more than a WAV file (and so the speech codec) can hold ({:.1} hours); cut it into parts",
            total as f64 / f64::from(SAMPLE_RATE) / 3600.0,
            wav::MAX_SAMPLES as f64 / f64::from(SAMPLE_RATE) / 3600.0
        );
    }
    let size = (wav::HEADER_LEN + 2 * total) as u64;
    let mut encoder = ncodec::Encoder::with_content_size(writer, options, size)?;
    encoder
        .write_all(&wav::header(total))
        .context("write failed")?;
    let mut resampler =
        StreamResampler::new(rate, SAMPLE_RATE).context("cannot resample the audio to 16 kHz")?;
    let (mut decoded, mut resampled, mut pcm) = (Vec::new(), Vec::new(), Vec::new());
    let (mut read_frames, mut coded) = (0, 0);
    loop {
        let more = read(&mut decoded)?;
        if more && decoded.len() < BATCH {
            continue;
        }
        read_frames += decoded.len();
        resampler.push(&decoded, &mut resampled)?;
        decoded.clear();
        if !more {
            break;
        }
        coded += write_pcm(&mut encoder, &mut resampled, &mut pcm, total - coded)?;
    }
    resampler.finish(&mut resampled)?;
    if read_frames == 0 {
        bail!("{UNREADABLE}: no audio in the stream");
    }
    if coded + resampled.len() < total {
        eprintln!(
            "ncodec: warning: the audio ends {:.2} s before the length its header declares; the rest is coded as silence",
            (total - coded - resampled.len()) as f64 / f64::from(SAMPLE_RATE)
        );
        resampled.resize(total - coded, 0.0);
    }
    coded += write_pcm(&mut encoder, &mut resampled, &mut pcm, total - coded)?;
    encoder.finish()?;
    Ok(coded)
}

/// Writes up to `room` of `samples` as 16-bit PCM and clears them; returns how many.
fn write_pcm(
    encoder: &mut impl Write,
    samples: &mut Vec<f32>,
    pcm: &mut Vec<u8>,
    room: usize,
) -> Result<usize> {
    let n = samples.len().min(room);
    pcm.clear();
    wav::write_samples(&samples[..n], pcm);
    encoder.write_all(pcm).context("write failed")?;
    samples.clear();
    Ok(n)
}
