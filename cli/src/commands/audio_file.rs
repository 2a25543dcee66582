//! Audio files in and out of the `speech` codec: any format the decoder reads (WAV incl.
//! float and 24-bit, FLAC, MP3, OGG/Vorbis) becomes the codec's canonical 16 kHz mono
//! 16-bit WAV (channels averaged, resampled with a band-limited resampler, same duration).

use anyhow::{bail, Context, Result};
use ncodec::codecs::speech::{analysis::SAMPLE_RATE, wav};
use ncodec_datasets::audio;

/// The canonical WAV of an audio file's bytes and its duration in seconds; `name` (the
/// input's file name, if any) hints the format.
pub fn load(bytes: &[u8], name: Option<&str>) -> Result<(Vec<u8>, f64)> {
    if bytes.is_empty() {
        bail!("the input is empty, not an audio file");
    }
    let ext = name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    let clip = audio::decode_audio_bytes(bytes, ext.as_deref())
        .context("cannot read the input as audio (WAV, FLAC, MP3 or OGG/Vorbis)")?;
    let mono = audio::to_mono(&clip);
    let samples = if clip.sample_rate == SAMPLE_RATE {
        mono
    } else {
        audio::resample(&mono, clip.sample_rate, SAMPLE_RATE)
            .context("cannot resample the audio to 16 kHz")?
    };
    let seconds = samples.len() as f64 / f64::from(SAMPLE_RATE);
    Ok((wav::write(&samples), seconds))
}
