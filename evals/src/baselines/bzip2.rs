//! bzip2 at level 9, via the `bzip2` crate.

use std::io::{self, Read, Write};

use ::bzip2::{bufread::BzDecoder, write::BzEncoder, Compression};

use super::Baseline;

/// bzip2 with 900 KB blocks (`bzip2 -9`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Bzip2_9;

impl Baseline for Bzip2_9 {
    fn name(&self) -> &'static str {
        "bzip2-9"
    }

    fn compress(&self, data: &[u8]) -> io::Result<Vec<u8>> {
        let mut enc = BzEncoder::new(Vec::with_capacity(data.len() / 2), Compression::new(9));
        enc.write_all(data)?;
        enc.finish()
    }

    fn decompress(&self, data: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        BzDecoder::new(data).read_to_end(&mut out)?;
        Ok(out)
    }
}
