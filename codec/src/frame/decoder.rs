//! The streaming frame reader.

use std::io::{self, Read};

use xxhash_rust::xxh3::Xxh3;

use crate::codec::{Codec, ModelInfo};
use crate::format::{expect_eof, read_segment, ChunkHeader, Header, Segment, Trailer};
use crate::options::{DecompressOptions, LazyPool};
use crate::registry::{default_registry, Registry};
use crate::Error;

/// Decompresses one `.ncz` frame read from `R`, in the shape of `zstd::Decoder`: read the
/// original bytes from it with [`Read`].
///
/// Every chunk's checksum is verified before it is decoded, and the content checksum at
/// the end; any mismatch, truncation or foreign data is an error (an `io::Error` of kind
/// `InvalidData` wrapping [`Error`]). Up to one chunk per thread is held in memory.
///
/// ```
/// use std::io::Read;
///
/// let packed = ncodec::compress(b"some bytes", &ncodec::CompressOptions::default())?;
/// let mut decoder = ncodec::Decoder::new(&packed[..])?;
/// let mut out = Vec::new();
/// decoder.read_to_end(&mut out)?;
/// assert_eq!(out, b"some bytes");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Decoder<R: Read> {
    reader: R,
    header: Header,
    registry: &'static Registry,
    pool: LazyPool,
    out: Vec<u8>,
    out_pos: usize,
    next_index: u64,
    hasher: Xxh3,
    total: u64,
    done: bool,
}

impl<R: Read> Decoder<R> {
    /// Reads and checks the frame header from `reader`, using every core.
    pub fn new(reader: R) -> Result<Self, Error> {
        Self::with_options(reader, &DecompressOptions::default())
    }

    /// Like [`new`](Self::new) with explicit options.
    pub fn with_options(mut reader: R, options: &DecompressOptions) -> Result<Self, Error> {
        let header = Header::read(&mut reader)?;
        let registry = default_registry();
        let codec = registry
            .by_id(header.codec)
            .ok_or(Error::UnknownCodec(header.codec))?;
        check_model(codec, header.model)?;
        if header.lossy != codec.lossy() {
            return Err(Error::CorruptHeader(
                "the lossy flag does not match the codec",
            ));
        }
        Ok(Self {
            reader,
            header,
            registry,
            pool: LazyPool::new(options.threads),
            out: Vec::new(),
            out_pos: 0,
            next_index: 0,
            hasher: Xxh3::new(),
            total: 0,
            done: false,
        })
    }

    /// The frame header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Reads up to one chunk per thread, decodes them in parallel into `self.out`.
    fn refill(&mut self) -> Result<(), Error> {
        let mut chunks: Vec<(u64, ChunkHeader, Vec<u8>)> = Vec::with_capacity(self.pool.threads());
        let mut trailer = None;
        while chunks.len() < self.pool.threads() {
            let index = self.next_index;
            match read_segment(&mut self.reader, index, self.header.chunk_size())? {
                Segment::Chunk { header, payload } => {
                    chunks.push((index, header, payload));
                    self.next_index += 1;
                }
                Segment::End(t) => {
                    trailer = Some(t);
                    break;
                }
            }
        }
        let registry = self.registry;
        let frame_header = self.header;
        let decode = |(index, header, payload): &(u64, ChunkHeader, Vec<u8>)| {
            decode_chunk(registry, &frame_header, *index, header, payload)
        };
        // A lossy frame of one chunk decodes it with every thread; others chunk by thread.
        let whole = registry
            .by_id(frame_header.codec)
            .is_some_and(super::one_chunk);
        let decoded: Vec<Result<Vec<u8>, Error>> = if whole {
            let pool = self.pool.started()?;
            pool.install(|| chunks.iter().map(decode).collect())
        } else {
            super::map_ordered(self.pool.for_jobs(chunks.len())?, &chunks, decode)
        };
        self.out.clear();
        self.out_pos = 0;
        for bytes in decoded {
            self.out.extend_from_slice(&bytes?);
        }
        self.hasher.update(&self.out);
        self.total += self.out.len() as u64;
        if let Some(trailer) = trailer {
            self.finish(trailer)?;
        }
        Ok(())
    }

    /// Checks the trailer against what was decoded, and that nothing follows.
    fn finish(&mut self, trailer: Trailer) -> Result<(), Error> {
        if trailer.content_size != self.total {
            return Err(Error::CorruptTrailer(
                "recorded length differs from the decoded length",
            ));
        }
        if let Some(size) = self.header.content_size {
            if size != self.total {
                return Err(Error::CorruptHeader(
                    "recorded length differs from the decoded length",
                ));
            }
        }
        if self.header.lossy && trailer.content_hash != 0 {
            return Err(Error::CorruptTrailer(
                "a lossy frame must record a content hash of 0",
            ));
        }
        if !self.header.lossy && trailer.content_hash != self.hasher.digest() {
            return Err(Error::ContentChecksum);
        }
        expect_eof(&mut self.reader)?;
        self.done = true;
        Ok(())
    }
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_pos == self.out.len() {
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            self.refill().map_err(Error::into_io)?;
        }
        // Output is only released once its batch decoded; the content checksum is checked
        // when the last batch is read, before the final bytes are handed out.
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// Refuses a model-dependent codec whose model differs from the recorded one.
fn check_model(codec: &dyn Codec, recorded: ModelInfo) -> Result<(), Error> {
    let have = codec.model();
    if have != recorded {
        return Err(Error::ModelMismatch {
            expected_id: recorded.id,
            expected: recorded.hash,
            found_id: have.id,
            found: have.hash,
        });
    }
    Ok(())
}

/// Decodes one verified chunk.
fn decode_chunk(
    registry: &Registry,
    frame: &Header,
    index: u64,
    header: &ChunkHeader,
    payload: &[u8],
) -> Result<Vec<u8>, Error> {
    let codec = registry
        .by_id(header.codec)
        .ok_or(Error::UnknownCodec(header.codec))?;
    if header.codec != frame.codec && codec.model() != ModelInfo::NONE {
        return Err(Error::CorruptChunk {
            index,
            reason: format!(
                "codec {} needs a model that the header does not record",
                codec.name()
            ),
        });
    }
    let raw_len = header.raw_len as usize;
    let mut out = Vec::with_capacity(raw_len);
    codec
        .decode_chunk(payload, raw_len, &mut out)
        .map_err(|e| match e {
            Error::CorruptChunk { reason, .. } => Error::CorruptChunk { index, reason },
            Error::Entropy(e) => Error::CorruptChunk {
                index,
                reason: e.to_string(),
            },
            other => other,
        })?;
    if out.len() != raw_len {
        return Err(Error::CorruptChunk {
            index,
            reason: format!(
                "decoded {} bytes, the chunk header says {raw_len}",
                out.len()
            ),
        });
    }
    Ok(out)
}

/// Decodes the content bytes `range` of a complete frame, decoding only the chunks that
/// overlap it: random access into a large file. Each chunk read is checked (checksum and
/// length); the whole-content hash cannot be, since the rest is not decoded.
///
/// ```
/// let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
/// let opts = ncodec::CompressOptions::default().chunk_size(4096)?;
/// let packed = ncodec::compress(&data, &opts)?;
/// assert_eq!(ncodec::decompress_range(&packed, 50_000..50_010)?, &data[50_000..50_010]);
/// # Ok::<(), ncodec::Error>(())
/// ```
pub fn decompress_range(data: &[u8], range: std::ops::Range<u64>) -> Result<Vec<u8>, Error> {
    let mut reader = crate::format::SliceReader::new(data);
    let header = Header::read(&mut reader)?;
    let registry = default_registry();
    let codec = registry
        .by_id(header.codec)
        .ok_or(Error::UnknownCodec(header.codec))?;
    check_model(codec, header.model)?;
    let mut out = Vec::new();
    let mut offset = 0u64;
    let mut index = 0u64;
    while offset < range.end {
        match read_segment(&mut reader, index, header.chunk_size())? {
            Segment::Chunk {
                header: chunk,
                payload,
            } => {
                let end = offset + u64::from(chunk.raw_len);
                if end > range.start {
                    let decoded = decode_chunk(registry, &header, index, &chunk, &payload)?;
                    let from = range.start.saturating_sub(offset) as usize;
                    let to = (range.end.min(end) - offset) as usize;
                    out.extend_from_slice(&decoded[from..to]);
                }
                offset = end;
                index += 1;
            }
            Segment::End(_) => break,
        }
    }
    if offset < range.end {
        return Err(Error::InvalidOption(format!(
            "the range ends at byte {} but the content has {offset} bytes",
            range.end
        )));
    }
    Ok(out)
}
