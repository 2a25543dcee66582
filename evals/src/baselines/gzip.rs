//! gzip (DEFLATE) at level 9, via `flate2`.

use std::io::{self, Read, Write};

use flate2::{bufread::GzDecoder, write::GzEncoder, Compression};

use super::Baseline;

/// gzip container, DEFLATE at level 9 (`gzip -9`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Gzip9;

impl Baseline for Gzip9 {
    fn name(&self) -> &'static str {
        "gzip-9"
    }

    fn compress(&self, data: &[u8]) -> io::Result<Vec<u8>> {
        let mut enc = GzEncoder::new(Vec::with_capacity(data.len() / 2), Compression::new(9));
        enc.write_all(data)?;
        enc.finish()
    }

    fn decompress(&self, data: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        GzDecoder::new(data).read_to_end(&mut out)?;
        Ok(out)
    }
}
