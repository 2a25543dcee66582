//! What an uploaded file is: a photo, speech or other audio, a `.ncz` file, or just
//! bytes. The verdict looks at the content first and at the name second, and a file
//! whose name promises a photo or a sound it does not hold is refused with a message
//! that says so, instead of being measured as bytes.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// Extensions of the photos the page takes (the CLI's too).
pub use ncodec_datasets::images::IMAGE_EXTENSIONS;

/// The kind of file, which decides the contenders and the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    /// A photo: the lossy image codecs, PSNR and MS-SSIM (`ncodec eval image`).
    Image,
    /// Audio, measured as 16 kHz mono speech (`ncodec eval audio`).
    Audio,
    /// A `.ncz` file: decoded and described.
    Ncz,
    /// Anything else: the lossless codecs (`ncodec eval bytes`).
    Bytes,
}

/// Why a file cannot be measured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DetectError {
    /// The upload holds no bytes.
    #[error("the file is empty: there is nothing to compress")]
    Empty,
    /// Named like a photo, but no image decoder accepts it.
    #[error("`{name}` is named like an image but is not one ncodec can read ({reason}); rename it to measure it as bytes")]
    NotAnImage {
        /// The file name.
        name: String,
        /// What the decoder said.
        reason: String,
    },
    /// Named like a sound, but no audio decoder accepts it.
    #[error("`{name}` is named like audio but is not a WAV, FLAC, MP3 or Ogg Vorbis file ncodec can read ({reason})")]
    NotAudio {
        /// The file name.
        name: String,
        /// What the decoder said.
        reason: String,
    },
}

/// The lower-case extension of `name`, if any.
pub fn extension(name: &str) -> Option<String> {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// Decides what `bytes` (uploaded as `name`) is, without decoding it fully: `.ncz`
/// files by their magic number, photos and audio by their signature or, failing that,
/// their extension. The callers decode the file and report a
/// [`NotAnImage`](DetectError::NotAnImage) / [`NotAudio`](DetectError::NotAudio) when
/// that fails.
///
/// ```
/// use ncodec_web::detect::{detect, Modality};
///
/// assert_eq!(detect("notes.txt", b"hello").unwrap(), Modality::Bytes);
/// assert_eq!(detect("x.bin", b"RIFF\0\0\0\0WAVEfmt ").unwrap(), Modality::Audio);
/// assert_eq!(detect("fake.png", b"hello").unwrap(), Modality::Image);
/// assert!(detect("empty.txt", b"").is_err());
/// ```
pub fn detect(name: &str, bytes: &[u8]) -> Result<Modality, DetectError> {
    if bytes.is_empty() {
        return Err(DetectError::Empty);
    }
    if bytes.starts_with(&ncodec::format::MAGIC) {
        return Ok(Modality::Ncz);
    }
    if image::guess_format(bytes).is_ok() {
        return Ok(Modality::Image);
    }
    if looks_like_audio(bytes) {
        return Ok(Modality::Audio);
    }
    let ext = extension(name);
    let ext = ext.as_deref().unwrap_or("");
    if IMAGE_EXTENSIONS.contains(&ext) {
        Ok(Modality::Image)
    } else if ncodec_datasets::audio::AUDIO_EXTENSIONS.contains(&ext) {
        Ok(Modality::Audio)
    } else {
        Ok(Modality::Bytes)
    }
}

/// The signatures of WAV, FLAC, Ogg and MP3 (an ID3 tag or an MPEG frame header).
fn looks_like_audio(bytes: &[u8]) -> bool {
    let riff_wave = bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WAVE";
    let mpeg_sync = bytes.len() >= 2 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0;
    riff_wave
        || bytes.starts_with(b"fLaC")
        || bytes.starts_with(b"OggS")
        || bytes.starts_with(b"ID3")
        || mpeg_sync
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_wins_over_the_name() {
        let mut png = Vec::new();
        image::RgbImage::new(2, 2)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert_eq!(detect("photo.bin", &png).unwrap(), Modality::Image);
        assert_eq!(detect("a.txt", b"fLaC....").unwrap(), Modality::Audio);
        let ncz = ncodec::compress(b"abc", &ncodec::CompressOptions::default()).unwrap();
        assert_eq!(detect("a.png", &ncz).unwrap(), Modality::Ncz);
    }

    #[test]
    fn names_decide_when_the_content_is_unknown() {
        assert_eq!(detect("song.FLAC", b"garbage").unwrap(), Modality::Audio);
        assert_eq!(detect("photo.JPG", b"garbage").unwrap(), Modality::Image);
        assert_eq!(detect("data", b"garbage").unwrap(), Modality::Bytes);
        assert_eq!(detect("", b"x").unwrap(), Modality::Bytes);
        assert_eq!(detect("a.txt", b"").unwrap_err(), DetectError::Empty);
    }
}
