//! Reading and writing payload fields: bytes and LEB128 varints.

use crate::Error;

pub(crate) use crate::format::write_varint as put_varint;

/// Reads fields from a payload; every read past its end is a clean error.
#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    /// The bytes not read yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.bytes
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if n > self.bytes.len() {
            return Err(truncated());
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }

    /// A canonical varint of at most 10 bytes.
    pub(crate) fn varint(&mut self) -> Result<u64, Error> {
        let mut value = 0u64;
        for i in 0..10 {
            let byte = self.u8()?;
            if i == 9 && byte > 1 {
                break;
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                if i > 0 && byte == 0 {
                    break;
                }
                return Ok(value);
            }
        }
        Err(Error::CorruptChunk {
            index: 0,
            reason: "payload: malformed variable-length integer".into(),
        })
    }
}

fn truncated() -> Error {
    Error::CorruptChunk {
        index: 0,
        reason: "payload ends early".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for value in [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut bytes = Vec::new();
            put_varint(value, &mut bytes);
            let mut cursor = Cursor::new(&bytes);
            assert_eq!(cursor.varint().unwrap(), value);
            assert!(cursor.is_empty());
        }
        assert!(Cursor::new(&[0x80, 0x00]).varint().is_err());
        assert!(Cursor::new(&[0x80]).varint().is_err());
    }
}
