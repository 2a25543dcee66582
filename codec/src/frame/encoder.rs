//! The streaming frame writer.

use std::io::{self, Write};

use xxhash_rust::xxh3::Xxh3;

use crate::codec::{ChunkPosition, Codec, EncodeParams};
use crate::codecs::Store;
use crate::format::{ChunkHeader, Header, Trailer, MAX_CHUNK_LOG2};
use crate::options::{CompressOptions, LazyPool};
use crate::registry::default_registry;
use crate::Error;

/// Compresses everything written to it into one `.ncz` frame on `W`, in the shape of
/// `zstd::Encoder`. Call [`finish`](Self::finish) at the end: dropping an unfinished
/// encoder leaves an incomplete frame that decoders reject as truncated.
///
/// Input is cut into chunks (4 MiB by default); up to one chunk per thread is buffered
/// and coded in parallel, so memory stays bounded for any input length.
///
/// ```
/// use std::io::Write;
///
/// let mut encoder = ncodec::Encoder::new(Vec::new(), &ncodec::CompressOptions::default())?;
/// encoder.write_all(b"streamed ")?;
/// encoder.write_all(b"content")?;
/// let packed = encoder.finish()?;
/// assert_eq!(ncodec::decompress(&packed)?, b"streamed content");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Encoder<W: Write> {
    writer: W,
    codec: &'static dyn Codec,
    header: Header,
    header_written: bool,
    pending: Vec<u8>,
    batch_bytes: usize,
    pool: LazyPool,
    params: EncodeParams,
    hasher: Xxh3,
    total: u64,
    /// Content offset of the first pending byte.
    coded: u64,
    /// The content's first chunk, kept for codecs that read it ([`Codec::reads_head`]).
    head: Vec<u8>,
}

impl<W: Write> Encoder<W> {
    /// An encoder writing to `writer` with `options`; the content size is not known up
    /// front and is recorded in the trailer only.
    pub fn new(writer: W, options: &CompressOptions) -> Result<Self, Error> {
        Self::build(writer, options, None)
    }

    /// Like [`new`](Self::new), also recording `content_size` in the header (as
    /// [`crate::compress`] does). Finishing with a different number of bytes fails.
    pub fn with_content_size(
        writer: W,
        options: &CompressOptions,
        content_size: u64,
    ) -> Result<Self, Error> {
        Self::build(writer, options, Some(content_size))
    }

    fn build(writer: W, options: &CompressOptions, size: Option<u64>) -> Result<Self, Error> {
        let codec = default_registry()
            .by_name(&options.codec)
            .ok_or_else(|| Error::UnknownCodecName(options.codec.clone()))?;
        let pool = LazyPool::new(options.threads);
        let mut chunk_log2 = options.chunk_log2;
        if super::one_chunk(codec) {
            // A lossy codec that needs its whole input (an image) sees it as one chunk.
            let size = size.ok_or_else(|| {
                Error::InvalidOption(format!(
                    "codec {} needs the whole input up front: use ncodec::compress or \
                     Encoder::with_content_size",
                    codec.name()
                ))
            })?;
            let needed = size.max(1).next_power_of_two().trailing_zeros() as u8;
            if needed > MAX_CHUNK_LOG2 {
                return Err(Error::InvalidOption(format!(
                    "codec {} codes at most {} MiB of raw content; this input has {size} bytes",
                    codec.name(),
                    1u64 << (MAX_CHUNK_LOG2 - 20)
                )));
            }
            chunk_log2 = chunk_log2.max(needed);
        }
        let header = Header {
            codec: codec.id(),
            chunk_log2,
            model: codec.model(),
            content_size: size,
            lossy: codec.lossy(),
        };
        Ok(Self {
            writer,
            codec,
            header,
            header_written: false,
            pending: Vec::new(),
            batch_bytes: header.chunk_size() * pool.threads(),
            pool,
            params: options.params,
            hasher: Xxh3::new(),
            total: 0,
            coded: 0,
            head: Vec::new(),
        })
    }

    /// Codes and writes the buffered input: whole chunks only, unless `all`.
    fn flush_chunks(&mut self, all: bool) -> Result<(), Error> {
        if !self.header_written {
            self.writer.write_all(&self.header.to_bytes())?;
            self.header_written = true;
        }
        let chunk_size = self.header.chunk_size();
        let usable = if all {
            self.pending.len()
        } else {
            self.pending.len() / chunk_size * chunk_size
        };
        if usable == 0 {
            return Ok(());
        }
        let codec = self.codec;
        if self.coded == 0 && codec.reads_head() {
            self.head = self.pending[..usable.min(chunk_size)].to_vec();
        }
        let start = self.coded;
        let chunks: Vec<(u64, &[u8])> = self.pending[..usable]
            .chunks(chunk_size)
            .enumerate()
            .map(|(i, chunk)| (start + (i * chunk_size) as u64, chunk))
            .collect();
        let params = self.params;
        let head = self.head.as_slice();
        let code = |&(offset, chunk): &(u64, &[u8])| {
            let at = ChunkPosition { offset, head };
            encode_chunk(codec, &params, &at, chunk)
        };
        let coded: Vec<Result<Vec<u8>, Error>> = if super::one_chunk(codec) {
            let pool = self.pool.started()?;
            pool.install(|| chunks.iter().map(code).collect())
        } else {
            super::map_ordered(self.pool.for_jobs(chunks.len())?, &chunks, code)
        };
        for framed in coded {
            self.writer.write_all(&framed?)?;
        }
        self.pending.drain(..usable);
        self.coded += usable as u64;
        Ok(())
    }

    /// Writes the remaining chunks and the trailer, and returns the writer.
    pub fn finish(mut self) -> Result<W, Error> {
        self.flush_chunks(true)?;
        if let Some(expected) = self.header.content_size {
            if expected != self.total {
                return Err(Error::InvalidOption(format!(
                    "the header announced {expected} bytes but {} were written",
                    self.total
                )));
            }
        }
        let mut tail = Vec::new();
        Trailer {
            content_size: self.total,
            // A lossy frame decodes to other bytes than these: no hash to record.
            content_hash: if self.header.lossy {
                0
            } else {
                self.hasher.digest()
            },
        }
        .write(&mut tail);
        self.writer.write_all(&tail)?;
        self.writer.flush()?;
        Ok(self.writer)
    }

    /// The underlying writer.
    pub fn get_ref(&self) -> &W {
        &self.writer
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Never buffer more than one batch: take what fits, code, continue.
        let room = self.batch_bytes.saturating_sub(self.pending.len()).max(1);
        let n = buf.len().min(room);
        self.pending.extend_from_slice(&buf[..n]);
        self.hasher.update(&buf[..n]);
        self.total += n as u64;
        if self.pending.len() >= self.batch_bytes {
            self.flush_chunks(false).map_err(Error::into_io)?;
        }
        Ok(n)
    }

    /// Flushes the underlying writer only: chunks are written when full or at `finish`,
    /// since cutting a chunk early would change the output.
    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// Codes one chunk with `codec`, falling back to `store` when that is not smaller.
fn encode_chunk(
    codec: &dyn Codec,
    params: &EncodeParams,
    at: &ChunkPosition<'_>,
    chunk: &[u8],
) -> Result<Vec<u8>, Error> {
    let mut payload = Vec::new();
    let mut codec_id = codec.id();
    if codec_id != Store::ID {
        codec.encode_chunk_at(chunk, at, params, &mut payload)?;
    }
    if codec_id == Store::ID || payload.len() >= chunk.len() {
        codec_id = Store::ID;
        payload.clear();
        payload.extend_from_slice(chunk);
    }
    let header = ChunkHeader {
        codec: codec_id,
        raw_len: chunk.len() as u32,
        payload_len: payload.len() as u32,
    };
    let mut framed = Vec::with_capacity(payload.len() + 16);
    header.write_with_payload(&payload, &mut framed);
    Ok(framed)
}
