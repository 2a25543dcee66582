//! `cm`: an adaptive context-mixing byte coder (placeholder: order-0 bitwise model).

use crate::codec::{Codec, CodecId, Modality};
use crate::entropy::{RangeDecoder, RangeEncoder};
use crate::Error;

/// Adaptive context-mixing coder for any bytes.
#[derive(Debug, Default, Clone, Copy)]
pub struct Cm;

impl Cm {
    /// The identifier of `cm` in `.ncz` files.
    pub const ID: CodecId = 2;
}

impl Codec for Cm {
    fn id(&self) -> CodecId {
        Self::ID
    }
    fn name(&self) -> &'static str {
        "cm"
    }
    fn description(&self) -> &'static str {
        "adaptive context mixing of byte contexts (classical, no neural model)"
    }
    fn modality(&self) -> Modality {
        Modality::Bytes
    }
    fn encode_chunk(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let mut enc = RangeEncoder::new();
        let mut probs = vec![1u32 << 15; 256];
        for &byte in input {
            let mut ctx = 1usize;
            for i in (0..8).rev() {
                let bit = (byte >> i) & 1 == 1;
                let p = &mut probs[ctx];
                enc.encode_bit(bit, *p);
                if bit {
                    *p += (65536 - *p) >> 4;
                } else {
                    *p -= *p >> 4;
                }
                ctx = ctx * 2 + usize::from(bit);
            }
        }
        out.extend_from_slice(&enc.finish());
        Ok(())
    }
    fn decode_chunk(
        &self,
        payload: &[u8],
        raw_len: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let mut dec = RangeDecoder::new(payload)?;
        let mut probs = vec![1u32 << 15; 256];
        out.reserve(raw_len);
        for _ in 0..raw_len {
            let mut ctx = 1usize;
            for _ in 0..8 {
                let p = &mut probs[ctx];
                let bit = dec.decode_bit(*p)?;
                if bit {
                    *p += (65536 - *p) >> 4;
                } else {
                    *p -= *p >> 4;
                }
                ctx = ctx * 2 + usize::from(bit);
            }
            out.push((ctx & 0xff) as u8);
        }
        Ok(())
    }
}
