//! Brotli at quality 11 with a 2^24-byte window, via `brotli`.

use std::io;

use ::brotli::enc::BrotliEncoderParams;

use super::Baseline;

/// Brotli quality 11, `lgwin` 24 (`brotli -q 11 -w 24`), input size hinted.
#[derive(Debug, Clone, Copy, Default)]
pub struct Brotli11;

impl Baseline for Brotli11 {
    fn name(&self) -> &'static str {
        "brotli-11"
    }

    fn compress(&self, data: &[u8]) -> io::Result<Vec<u8>> {
        let params = BrotliEncoderParams {
            quality: 11,
            lgwin: 24,
            size_hint: data.len(),
            ..BrotliEncoderParams::default()
        };
        let mut out = Vec::with_capacity(data.len() / 2);
        ::brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
        Ok(out)
    }

    fn decompress(&self, data: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        ::brotli::BrotliDecompress(&mut &data[..], &mut out)?;
        Ok(out)
    }
}
