//! Walking a frame's structure without decoding it.

use std::io::Read;

use crate::format::{expect_eof, read_segment, Header, Segment, Trailer};
use crate::Error;

/// One chunk as recorded in a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkInfo {
    /// Codec id of the chunk.
    pub codec: u8,
    /// Original bytes.
    pub raw_len: u32,
    /// Payload bytes.
    pub payload_len: u32,
}

/// The structure of a frame: header, chunks and trailer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    /// The frame header.
    pub header: Header,
    /// Every chunk in order.
    pub chunks: Vec<ChunkInfo>,
    /// The trailer.
    pub trailer: Trailer,
    /// Size of the whole frame in bytes.
    pub frame_bytes: u64,
}

/// Reads a frame's header, chunk headers and trailer, verifying chunk checksums but not
/// decoding any payload (so it also works for codecs this build cannot decode... as long
/// as their ids are known to the reader of the result).
///
/// ```
/// let packed = ncodec::compress(&[7u8; 10_000], &ncodec::CompressOptions::default())?;
/// let info = ncodec::inspect(&packed[..])?;
/// assert_eq!(info.trailer.content_size, 10_000);
/// assert_eq!(info.frame_bytes as usize, packed.len());
/// # Ok::<(), ncodec::Error>(())
/// ```
pub fn inspect(reader: impl Read) -> Result<FrameInfo, Error> {
    let mut counted = CountingReader {
        inner: reader,
        count: 0,
    };
    let header = Header::read(&mut counted)?;
    let mut chunks = Vec::new();
    loop {
        match read_segment(&mut counted, chunks.len() as u64, header.chunk_size())? {
            Segment::Chunk { header, .. } => chunks.push(ChunkInfo {
                codec: header.codec,
                raw_len: header.raw_len,
                payload_len: header.payload_len,
            }),
            Segment::End(trailer) => {
                let sum: u64 = chunks.iter().map(|c| u64::from(c.raw_len)).sum();
                if sum != trailer.content_size {
                    return Err(Error::CorruptTrailer(
                        "recorded length differs from the sum of the chunk lengths",
                    ));
                }
                expect_eof(&mut counted)?;
                return Ok(FrameInfo {
                    header,
                    chunks,
                    trailer,
                    frame_bytes: counted.count,
                });
            }
        }
    }
}

struct CountingReader<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}
