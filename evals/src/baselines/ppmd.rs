//! PPMd variant H at order 8 with 16 MiB of model memory, as 7-Zip's `-m0=PPMd:o=8`
//! writes it (via `ppmd-rust`, a port of 7-Zip's code).

use std::io::{self, Read, Write};

use ppmd_rust::{Ppmd7Decoder, Ppmd7Encoder};

use super::Baseline;

/// Model order.
const ORDER: u32 = 8;
/// Model memory in bytes (7-Zip's default for PPMd: `mem=24`).
const MEMORY: u32 = 1 << 24;

/// 7-Zip's PPMd (PPMdH, order 8, 16 MiB). The stream is the 8-byte little-endian
/// original size (which 7-Zip keeps in its archive header) followed by the PPMd7 range
/// coder's bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct PpmdO8;

fn to_io(e: ppmd_rust::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("ppmd: {e:?}"))
}

impl Baseline for PpmdO8 {
    fn name(&self) -> &'static str {
        "ppmd-o8"
    }

    fn compress(&self, data: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(data.len() / 3 + 16);
        out.extend_from_slice(&(data.len() as u64).to_le_bytes());
        let mut encoder = Ppmd7Encoder::new(out, ORDER, MEMORY).map_err(to_io)?;
        encoder.write_all(data)?;
        encoder.finish(false)
    }

    fn decompress(&self, data: &[u8]) -> io::Result<Vec<u8>> {
        let (size, body) = data
            .split_first_chunk::<8>()
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "ppmd: no size"))?;
        let size = u64::from_le_bytes(*size);
        // Every byte costs at least a few bits: refuse sizes the body cannot hold.
        if size > (body.len() as u64 + 16).saturating_mul(1 << 12) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "ppmd: size too large for the stream",
            ));
        }
        let mut decoder = Ppmd7Decoder::new(body, ORDER, MEMORY).map_err(to_io)?;
        let mut out = vec![0; size as usize];
        decoder.read_exact(&mut out)?;
        Ok(out)
    }
}
