//! WAV files on the command line: coded with the lossless `pcm` codec unless another
//! codec was asked for, and with `--lossless`, other audio formats decoded to WAV first.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context, Result};
use ncodec::codecs::pcm::WavLayout;
use ncodec_datasets::audio;

use crate::args::CodingArgs;
use crate::output::is_stdin;

/// The options to compress `path` with: `pcm` for a WAV file of integer PCM when no
/// codec was named, `options` otherwise.
pub fn options_for(
    path: &Path,
    args: &CodingArgs,
    options: &ncodec::CompressOptions,
) -> ncodec::CompressOptions {
    if !super::tensor_file::codec_is_default(args, options) || is_stdin(path) {
        return options.clone();
    }
    let mut head = Vec::new();
    let read = File::open(path).and_then(|f| f.take(1 << 16).read_to_end(&mut head));
    if read.is_ok() && WavLayout::parse(&head).is_ok() {
        options.clone().codec("pcm")
    } else {
        options.clone()
    }
}

/// The WAV file to code losslessly for an input file's bytes and its duration in
/// seconds: a WAV of integer PCM as it is; any other audio (FLAC, MP3, OGG/Vorbis, float
/// WAV) decoded and written as a WAV of 16-bit samples, or 24-bit when 16 bits would
/// not hold the decoded values exactly.
pub fn load_lossless(bytes: Vec<u8>, name: Option<&str>) -> Result<(Vec<u8>, f64)> {
    if bytes.is_empty() {
        bail!("the input is empty, not an audio file");
    }
    if let Ok(layout) = WavLayout::parse(&bytes) {
        let frames =
            (bytes.len() as u64).saturating_sub(layout.data_start) / layout.frame_bytes() as u64;
        let seconds = frames as f64 / f64::from(layout.sample_rate.max(1));
        return Ok((bytes, seconds));
    }
    let ext = name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    let clip = audio::decode_audio_bytes(&bytes, ext.as_deref()).context(
        "--lossless takes audio (WAV, FLAC, MP3 or OGG/Vorbis); other files are compressed \
         losslessly without it",
    )?;
    let wav = audio::integer_wav(&clip);
    Ok((wav, clip.seconds()))
}
