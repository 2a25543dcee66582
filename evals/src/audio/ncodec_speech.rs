//! ncodec's learned speech codec (`speech`) through the library's public API: the speech
//! goes in as a canonical WAV file (RIFF, 16-bit PCM, mono, 16 kHz, 44-byte header), the
//! whole `.ncz` file (header, chunk framing and checksums included) is what is counted,
//! and decoding must give back a WAV of the same format and length.

use ncodec_datasets::audio::{from_pcm16, pcm16_wav_bytes, read_wav_pcm16};

use super::baselines::SPEECH_RATE;
use crate::EvalError;

const NAME: &str = "ncodec";

/// The speech codec's quality levels (`1..=count`), or why this build cannot run it:
/// it has no `speech` codec, or the codec cannot code a 100 ms test tone at level 1
/// (e.g. its models are missing).
pub fn ncodec_speech_level_count() -> Result<u8, String> {
    if ncodec::registry::default_registry()
        .by_name("speech")
        .is_none()
    {
        return Err("this build of ncodec has no `speech` codec".into());
    }
    let count = ncodec::codecs::speech::level_count();
    if count == 0 {
        return Err("the `speech` codec ships no quality levels".into());
    }
    let tone: Vec<f32> = (0..1600).map(|n| 0.3 * (n as f32 * 0.1).sin()).collect();
    ncodec_speech_encode(&tone, 1)
        .and_then(|ncz| ncodec_speech_decode(&ncz))
        .map_err(|e| format!("the `speech` codec fails on a test tone: {e}"))?;
    Ok(count)
}

fn fail(reason: String) -> EvalError {
    EvalError::AudioCodec {
        codec: NAME,
        reason,
    }
}

/// Compresses 16 kHz mono `samples` with ncodec's `speech` codec at `level` (one
/// thread): the bytes of the `.ncz` file.
pub fn ncodec_speech_encode(samples: &[f32], level: u8) -> Result<Vec<u8>, EvalError> {
    let wav = pcm16_wav_bytes(samples, SPEECH_RATE).map_err(|e| fail(e.to_string()))?;
    let options = ncodec::CompressOptions::default()
        .codec("speech")
        .threads(1)
        .params(ncodec::EncodeParams::default().quality(level));
    ncodec::compress(&wav, &options).map_err(|e| fail(e.to_string()))
}

/// Decompresses a `.ncz` file of the `speech` codec (one thread) into 16 kHz samples.
pub fn ncodec_speech_decode(ncz: &[u8]) -> Result<Vec<f32>, EvalError> {
    let options = ncodec::DecompressOptions::default().threads(1);
    let wav = ncodec::decompress_with(ncz, &options).map_err(|e| fail(e.to_string()))?;
    let pcm = read_wav_pcm16(&wav)
        .map_err(|e| fail(format!("decoded content is not 16-bit PCM WAV: {e}")))?;
    if pcm.sample_rate != SPEECH_RATE || pcm.channels != 1 {
        return Err(fail(format!(
            "decoded to {} channels at {} Hz, not mono {SPEECH_RATE} Hz",
            pcm.channels, pcm.sample_rate
        )));
    }
    Ok(from_pcm16(&pcm.samples))
}
