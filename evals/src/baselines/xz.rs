//! xz (LZMA2) at preset 9 extreme, via `liblzma`.

use std::io::{self, Read, Write};

use liblzma::bufread::XzDecoder;
use liblzma::stream::{Check, Stream, PRESET_EXTREME};
use liblzma::write::XzEncoder;

use super::Baseline;

/// xz stream, preset `9 | EXTREME`, CRC64 check (`xz -9e`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Xz9e;

impl Baseline for Xz9e {
    fn name(&self) -> &'static str {
        "xz-9e"
    }

    fn compress(&self, data: &[u8]) -> io::Result<Vec<u8>> {
        let stream = Stream::new_easy_encoder(9 | PRESET_EXTREME, Check::Crc64)?;
        let mut enc = XzEncoder::new_stream(Vec::with_capacity(data.len() / 2), stream);
        enc.write_all(data)?;
        enc.finish()
    }

    fn decompress(&self, data: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        XzDecoder::new(data).read_to_end(&mut out)?;
        Ok(out)
    }
}
