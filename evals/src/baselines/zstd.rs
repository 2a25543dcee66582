//! Zstandard at level 19, and at level 22 with long-distance matching, via `zstd`.

use std::io::{self, Read, Write};

use ::zstd::stream::{read::Decoder, write::Encoder};

use super::Baseline;

/// Window log used by [`Zstd22Long`] (128 MiB window), as `zstd --long=27`.
pub const ZSTD_LONG_WINDOW_LOG: u32 = 27;

/// Zstandard level 19 (`zstd -19`), input size pledged as the CLI does for files.
#[derive(Debug, Clone, Copy, Default)]
pub struct Zstd19;

/// Zstandard level 22 with long-distance matching and a 2^27-byte window
/// (`zstd --ultra -22 --long=27`), input size pledged.
#[derive(Debug, Clone, Copy, Default)]
pub struct Zstd22Long;

impl Baseline for Zstd19 {
    fn name(&self) -> &'static str {
        "zstd-19"
    }

    fn compress(&self, data: &[u8]) -> io::Result<Vec<u8>> {
        compress(data, 19, false)
    }

    fn decompress(&self, data: &[u8]) -> io::Result<Vec<u8>> {
        decompress(data)
    }
}

impl Baseline for Zstd22Long {
    fn name(&self) -> &'static str {
        "zstd-22-long"
    }

    fn compress(&self, data: &[u8]) -> io::Result<Vec<u8>> {
        compress(data, 22, true)
    }

    fn decompress(&self, data: &[u8]) -> io::Result<Vec<u8>> {
        decompress(data)
    }
}

fn compress(data: &[u8], level: i32, long: bool) -> io::Result<Vec<u8>> {
    let mut enc = Encoder::new(Vec::with_capacity(data.len() / 2), level)?;
    enc.set_pledged_src_size(Some(data.len() as u64))?;
    if long {
        enc.long_distance_matching(true)?;
        enc.window_log(ZSTD_LONG_WINDOW_LOG)?;
    }
    enc.write_all(data)?;
    enc.finish()
}

/// Decodes one frame; the window limit admits both presets' frames.
fn decompress(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut dec = Decoder::with_buffer(data)?.single_frame();
    dec.window_log_max(ZSTD_LONG_WINDOW_LOG)?;
    let mut out = Vec::new();
    dec.read_to_end(&mut out)?;
    Ok(out)
}
