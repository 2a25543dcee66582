//! One-call compression of byte slices.

use std::io::{Read, Write};

use crate::format::{Header, SliceReader};
use crate::frame::{Decoder, Encoder};
use crate::options::{CompressOptions, DecompressOptions};
use crate::Error;

/// Compresses `data` into a complete `.ncz` frame.
///
/// ```
/// let text = b"to be or not to be, that is the question".repeat(20);
/// let packed = ncodec::compress(&text, &ncodec::CompressOptions::default())?;
/// assert!(packed.len() < text.len());
/// assert_eq!(ncodec::decompress(&packed)?, text);
/// # Ok::<(), ncodec::Error>(())
/// ```
pub fn compress(data: &[u8], options: &CompressOptions) -> Result<Vec<u8>, Error> {
    let mut encoder = Encoder::with_content_size(
        Vec::with_capacity(data.len() / 2 + 64),
        options,
        data.len() as u64,
    )?;
    encoder.write_all(data).map_err(Error::from_io)?;
    encoder.finish()
}

/// Decompresses a complete `.ncz` frame using every core.
///
/// ```
/// assert!(matches!(ncodec::decompress(b"not compressed"), Err(ncodec::Error::NotNcz)));
/// ```
pub fn decompress(data: &[u8]) -> Result<Vec<u8>, Error> {
    decompress_with(data, &DecompressOptions::default())
}

/// Decompresses a complete `.ncz` frame with explicit options.
///
/// ```
/// let packed = ncodec::compress(b"abc", &ncodec::CompressOptions::default().threads(2))?;
/// let opts = ncodec::DecompressOptions::default().threads(1);
/// assert_eq!(ncodec::decompress_with(&packed, &opts)?, b"abc");
/// # Ok::<(), ncodec::Error>(())
/// ```
pub fn decompress_with(data: &[u8], options: &DecompressOptions) -> Result<Vec<u8>, Error> {
    let (header, _) = Header::parse(data)?;
    // The recorded size is only a hint for the allocation; cap it so a forged header
    // cannot make us reserve absurd amounts up front.
    let hint = header.content_size.unwrap_or(0).min(1 << 26) as usize;
    let mut out = Vec::with_capacity(hint);
    let mut decoder = Decoder::with_options(SliceReader::new(data), options)?;
    decoder.read_to_end(&mut out).map_err(Error::from_io)?;
    Ok(out)
}
