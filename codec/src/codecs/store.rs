//! `store`: the identity codec, used whenever coding would not make a chunk smaller.

use crate::codec::{Codec, CodecId, Modality};
use crate::Error;

/// Copies bytes unchanged. Every chunk falls back to it when that is smaller.
#[derive(Debug, Default, Clone, Copy)]
pub struct Store;

impl Store {
    /// The identifier of `store` in `.ncz` files.
    pub const ID: CodecId = 1;
}

impl Codec for Store {
    fn id(&self) -> CodecId {
        Self::ID
    }
    fn name(&self) -> &'static str {
        "store"
    }
    fn description(&self) -> &'static str {
        "no compression: bytes are stored as they are"
    }
    fn modality(&self) -> Modality {
        Modality::Bytes
    }
    fn encode_chunk(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        out.extend_from_slice(input);
        Ok(())
    }
    fn decode_chunk(&self, payload: &[u8], raw_len: usize, out: &mut Vec<u8>) -> Result<(), Error> {
        if payload.len() != raw_len {
            return Err(Error::CorruptChunk {
                index: 0,
                reason: format!(
                    "stored chunk has {} bytes, its header says {raw_len}",
                    payload.len()
                ),
            });
        }
        out.extend_from_slice(payload);
        Ok(())
    }
}
