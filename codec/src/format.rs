//! The `.ncz` frame layout: header, chunk headers and trailer (see `docs/FORMAT.md`).
//!
//! This module only serialises and parses; [`crate::Encoder`] and [`crate::Decoder`]
//! drive it.

use xxhash_rust::xxh3::xxh3_64;

use std::io::Read;

use crate::codec::{CodecId, ModelInfo};
use crate::Error;

/// The four bytes every `.ncz` file starts with.
pub const MAGIC: [u8; 4] = [0x89, b'N', b'C', b'Z'];
/// The format version this build writes and reads.
pub const VERSION: u8 = 1;
/// Smallest allowed chunk size, as log2 bytes (4 KiB).
pub const MIN_CHUNK_LOG2: u8 = 12;
/// Largest allowed chunk size, as log2 bytes (256 MiB).
pub const MAX_CHUNK_LOG2: u8 = 28;
/// Chunk tag that ends the chunk sequence.
pub const END_TAG: u8 = 0;

const FLAG_CONTENT_SIZE: u8 = 1;
const FLAG_LOSSY: u8 = 2;
/// Header length without the optional content size.
const BASE_HEADER_LEN: usize = 18;

/// The frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The codec asked for when compressing (chunks may fall back to `store`).
    pub codec: CodecId,
    /// Chunk size as log2 bytes; no chunk holds more original bytes.
    pub chunk_log2: u8,
    /// Model recorded for `codec` ([`ModelInfo::NONE`] for model-free codecs).
    pub model: ModelInfo,
    /// Length of the original content, when known up front.
    pub content_size: Option<u64>,
    /// The codec is lossy: the decoded content is an approximation of the original (same
    /// length and layout), so the trailer's content hash is not recorded (it is 0) and not
    /// checked; chunk checksums still cover every payload.
    pub lossy: bool,
}

impl Header {
    /// Largest number of original bytes in one chunk.
    pub fn chunk_size(&self) -> usize {
        1usize << self.chunk_log2
    }

    /// Serialises the header, checksum included.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(BASE_HEADER_LEN + 12);
        out.extend_from_slice(&MAGIC);
        out.push(VERSION);
        let mut flags = 0;
        if self.content_size.is_some() {
            flags |= FLAG_CONTENT_SIZE;
        }
        if self.lossy {
            flags |= FLAG_LOSSY;
        }
        out.push(flags);
        out.push(self.codec);
        out.push(self.chunk_log2);
        out.extend_from_slice(&self.model.id.to_le_bytes());
        out.extend_from_slice(&self.model.hash.to_le_bytes());
        if let Some(size) = self.content_size {
            out.extend_from_slice(&size.to_le_bytes());
        }
        let checksum = checksum32(&out);
        out.extend_from_slice(&checksum.to_le_bytes());
        out
    }

    /// Parses a header from the start of `input`; returns it and its length in bytes.
    ///
    /// `input` may be longer than the header. Fails with [`Error::NotNcz`] on a foreign
    /// file, [`Error::Truncated`] when `input` ends early.
    pub fn parse(input: &[u8]) -> Result<(Header, usize), Error> {
        let mut reader = SliceReader::new(input);
        Self::read(&mut reader).map(|h| (h, reader.position()))
    }

    /// Parses a header from a reader of frame bytes.
    pub(crate) fn read(r: &mut impl ByteSource) -> Result<Header, Error> {
        let mut magic = [0u8; 4];
        let got = r.read_up_to(&mut magic)?;
        if magic[..got] != MAGIC[..got] || got == 0 {
            return Err(Error::NotNcz);
        }
        if got < 4 {
            return Err(Error::Truncated("header"));
        }
        let mut fixed = [0u8; BASE_HEADER_LEN - 4];
        r.read_exact_or(&mut fixed, "header")?;
        let (version, flags, codec, chunk_log2) = (fixed[0], fixed[1], fixed[2], fixed[3]);
        let mut raw = Vec::with_capacity(BASE_HEADER_LEN + 8);
        raw.extend_from_slice(&MAGIC);
        raw.extend_from_slice(&fixed);
        let mut content_size = None;
        if flags & FLAG_CONTENT_SIZE != 0 {
            let mut size = [0u8; 8];
            r.read_exact_or(&mut size, "header")?;
            raw.extend_from_slice(&size);
            content_size = Some(u64::from_le_bytes(size));
        }
        let mut stored = [0u8; 4];
        r.read_exact_or(&mut stored, "header")?;
        if u32::from_le_bytes(stored) != checksum32(&raw) {
            // A version from the future may lay its header out differently: say so first.
            if version != VERSION {
                return Err(Error::UnsupportedVersion(version));
            }
            return Err(Error::CorruptHeader("header checksum mismatch"));
        }
        if version != VERSION {
            return Err(Error::UnsupportedVersion(version));
        }
        if flags & !(FLAG_CONTENT_SIZE | FLAG_LOSSY) != 0 {
            return Err(Error::CorruptHeader("unknown flags are set"));
        }
        if !(MIN_CHUNK_LOG2..=MAX_CHUNK_LOG2).contains(&chunk_log2) {
            return Err(Error::CorruptHeader("chunk size out of range"));
        }
        let model = ModelInfo {
            id: u16::from_le_bytes([fixed[4], fixed[5]]),
            hash: u64::from_le_bytes([
                fixed[6], fixed[7], fixed[8], fixed[9], fixed[10], fixed[11], fixed[12], fixed[13],
            ]),
        };
        Ok(Header {
            codec,
            chunk_log2,
            model,
            content_size,
            lossy: flags & FLAG_LOSSY != 0,
        })
    }
}

/// The fixed fields in front of each chunk's payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkHeader {
    /// Codec of this chunk (never [`END_TAG`]).
    pub codec: CodecId,
    /// Number of original bytes in the chunk (at least 1).
    pub raw_len: u32,
    /// Number of payload bytes that follow the chunk header.
    pub payload_len: u32,
}

impl ChunkHeader {
    /// Serialises the chunk header followed by the checksum over header and `payload`.
    pub fn write_with_payload(&self, payload: &[u8], out: &mut Vec<u8>) {
        let start = out.len();
        out.push(self.codec);
        write_varint(u64::from(self.raw_len), out);
        write_varint(u64::from(self.payload_len), out);
        let checksum = chunk_checksum(&out[start..], payload);
        out.extend_from_slice(&checksum.to_le_bytes());
        out.extend_from_slice(payload);
    }

    /// Reads the rest of a chunk header after its tag byte (`codec`, already read and not
    /// [`END_TAG`]); returns the header and its serialised bytes (for the checksum).
    pub(crate) fn read_after_tag(
        codec: CodecId,
        r: &mut impl ByteSource,
        index: u64,
        chunk_size: usize,
    ) -> Result<(ChunkHeader, Vec<u8>, u32), Error> {
        let mut raw = vec![codec];
        let raw_len = read_varint(r, &mut raw, "chunk header")?;
        let payload_len = read_varint(r, &mut raw, "chunk header")?;
        let corrupt = |reason: &str| Error::CorruptChunk {
            index,
            reason: reason.to_string(),
        };
        if raw_len == 0 || raw_len > chunk_size as u64 {
            return Err(corrupt("original length is out of range"));
        }
        // A payload may exceed the raw length by a little (framing of the codec) but the
        // encoder stores the chunk instead whenever coding does not shrink it.
        if payload_len > raw_len {
            return Err(corrupt("payload is longer than the original chunk"));
        }
        let mut checksum = [0u8; 4];
        r.read_exact_or(&mut checksum, "chunk header")?;
        Ok((
            ChunkHeader {
                codec,
                raw_len: raw_len as u32,
                payload_len: payload_len as u32,
            },
            raw,
            u32::from_le_bytes(checksum),
        ))
    }
}

/// Checksum of a chunk: 32 low bits of XXH3-64 over its header bytes and payload.
pub(crate) fn chunk_checksum(header: &[u8], payload: &[u8]) -> u32 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(header);
    hasher.update(payload);
    hasher.digest() as u32
}

/// 32 low bits of XXH3-64.
pub(crate) fn checksum32(bytes: &[u8]) -> u32 {
    xxh3_64(bytes) as u32
}

/// The frame trailer after the end tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trailer {
    /// Total original length.
    pub content_size: u64,
    /// XXH3-64 of the whole original content.
    pub content_hash: u64,
}

impl Trailer {
    /// Serialises the end tag and the trailer.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.push(END_TAG);
        write_varint(self.content_size, out);
        out.extend_from_slice(&self.content_hash.to_le_bytes());
    }

    /// Reads the trailer after the end tag.
    pub(crate) fn read_after_tag(r: &mut impl ByteSource) -> Result<Trailer, Error> {
        let mut sink = Vec::new();
        let content_size = read_varint(r, &mut sink, "trailer")?;
        let mut hash = [0u8; 8];
        r.read_exact_or(&mut hash, "trailer")?;
        Ok(Trailer {
            content_size,
            content_hash: u64::from_le_bytes(hash),
        })
    }
}

/// LEB128 unsigned varint.
pub(crate) fn write_varint(mut value: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads a LEB128 varint (at most 10 bytes, canonical), appending its bytes to `raw`.
pub(crate) fn read_varint(
    r: &mut impl ByteSource,
    raw: &mut Vec<u8>,
    what: &'static str,
) -> Result<u64, Error> {
    let mut value = 0u64;
    for i in 0..10 {
        let mut byte = [0u8];
        r.read_exact_or(&mut byte, what)?;
        raw.push(byte[0]);
        let bits = u64::from(byte[0] & 0x7f);
        if i == 9 && byte[0] > 1 {
            break;
        }
        value |= bits << (7 * i);
        if byte[0] & 0x80 == 0 {
            if i > 0 && byte[0] == 0 {
                break; // non-canonical: a trailing zero group
            }
            return Ok(value);
        }
    }
    Err(match what {
        "trailer" => Error::CorruptTrailer("malformed length"),
        _ => Error::CorruptHeader("malformed variable-length integer"),
    })
}

/// Where frame bytes come from: a slice or any `Read`.
pub(crate) trait ByteSource {
    /// Reads as many bytes as available up to `buf.len()`; returns the count.
    fn read_up_to(&mut self, buf: &mut [u8]) -> Result<usize, Error>;

    /// Fills `buf` or fails with [`Error::Truncated`] naming `what`.
    fn read_exact_or(&mut self, buf: &mut [u8], what: &'static str) -> Result<(), Error> {
        if self.read_up_to(buf)? == buf.len() {
            Ok(())
        } else {
            Err(Error::Truncated(what))
        }
    }
}

impl<R: Read> ByteSource for R {
    fn read_up_to(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        let mut filled = 0;
        while filled < buf.len() {
            match self.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::Io(e)),
            }
        }
        Ok(filled)
    }
}

/// A cursor over a byte slice that counts what it consumed.
pub(crate) struct SliceReader<'a> {
    inner: std::io::Cursor<&'a [u8]>,
}

impl<'a> SliceReader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self {
            inner: std::io::Cursor::new(bytes),
        }
    }
    pub(crate) fn position(&self) -> usize {
        self.inner.position() as usize
    }
}

impl Read for SliceReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip() {
        for (content_size, lossy) in [(None, false), (Some(0), true), (Some(u64::MAX), false)] {
            let header = Header {
                codec: 2,
                chunk_log2: 22,
                model: ModelInfo {
                    id: 7,
                    hash: 0xdead_beef_0123_4567,
                },
                content_size,
                lossy,
            };
            let bytes = header.to_bytes();
            assert_eq!(Header::parse(&bytes).unwrap(), (header, bytes.len()));
        }
    }

    #[test]
    fn varint_round_trip_and_rejects_overlong() {
        for v in [0, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            let mut out = Vec::new();
            write_varint(v, &mut out);
            let mut raw = Vec::new();
            assert_eq!(
                read_varint(&mut SliceReader::new(&out), &mut raw, "x").unwrap(),
                v
            );
            assert_eq!(raw, out);
        }
        let mut raw = Vec::new();
        assert!(read_varint(&mut SliceReader::new(&[0x80, 0x00]), &mut raw, "x").is_err());
        assert!(read_varint(&mut SliceReader::new(&[0xff; 11]), &mut raw, "x").is_err());
    }

    #[test]
    fn foreign_and_short_inputs() {
        assert!(matches!(Header::parse(b"PK\x03\x04"), Err(Error::NotNcz)));
        assert!(matches!(Header::parse(b""), Err(Error::NotNcz)));
        assert!(matches!(
            Header::parse(&MAGIC[..2]),
            Err(Error::Truncated(_))
        ));
    }
}

/// What follows in a frame after the header: a chunk or the end.
#[derive(Debug)]
pub(crate) enum Segment {
    /// A chunk whose checksum has been verified.
    Chunk {
        /// Its header.
        header: ChunkHeader,
        /// Its payload.
        payload: Vec<u8>,
    },
    /// The end tag and trailer.
    End(Trailer),
}

/// Reads the next chunk (verifying its checksum) or the trailer.
pub(crate) fn read_segment(
    r: &mut impl Read,
    index: u64,
    chunk_size: usize,
) -> Result<Segment, Error> {
    let mut tag = [0u8];
    if r.read_up_to(&mut tag)? == 0 {
        return Err(Error::Truncated(
            "chunk sequence (the end marker is missing)",
        ));
    }
    if tag[0] == END_TAG {
        return Trailer::read_after_tag(r).map(Segment::End);
    }
    let (header, raw, checksum) = ChunkHeader::read_after_tag(tag[0], r, index, chunk_size)?;
    let mut payload = Vec::new();
    let want = u64::from(header.payload_len);
    r.by_ref()
        .take(want)
        .read_to_end(&mut payload)
        .map_err(Error::Io)?;
    if payload.len() as u64 != want {
        return Err(Error::Truncated("chunk payload"));
    }
    if chunk_checksum(&raw, &payload) != checksum {
        return Err(Error::CorruptChunk {
            index,
            reason: "checksum mismatch (the file is damaged)".to_string(),
        });
    }
    Ok(Segment::Chunk { header, payload })
}

/// Fails with [`Error::TrailingData`] if `r` has any byte left.
pub(crate) fn expect_eof(r: &mut impl Read) -> Result<(), Error> {
    let mut probe = [0u8];
    if r.read_up_to(&mut probe)? == 0 {
        Ok(())
    } else {
        Err(Error::TrailingData)
    }
}
