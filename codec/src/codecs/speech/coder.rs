//! Entropy coding of a sequence of blocks (pitch symbol, then the FSQ codes) with the
//! model's trained integer tables on the range coder.
//!
//! Pitch: after an unvoiced block (or at the start) one symbol says "unvoiced" or gives
//! the pitch index; after a voiced block one symbol says "unvoiced", gives the change of
//! index within `±pitch_delta`, or escapes to an absolute index. Codes: dimension by
//! dimension, each conditioned on the same dimension's code in the previous block and the
//! previous dimension's code in this block.

use super::model::{code_context, SpeechModel, SpeechShape, SpeechTables};
use crate::entropy::{RangeDecoder, RangeEncoder};
use crate::Error;

/// One block's symbols.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Pitch index, `None` when unvoiced.
    pub pitch: Option<usize>,
    /// FSQ codes, `latent` of them.
    pub codes: Vec<u8>,
}

/// Which table a symbol is coded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    /// Pitch after an unvoiced block (and after an escape).
    PitchAbsolute,
    /// Pitch after a voiced block.
    PitchDelta,
    /// Code of `(dimension, context)`.
    Code(usize, usize),
}

/// The `(table, symbol)` sequence of one block after `previous`.
fn symbols(
    shape: &SpeechShape,
    previous: Option<&Block>,
    block: &Block,
    out: &mut Vec<(Table, usize)>,
) {
    let absolute = |pitch: Option<usize>| pitch.map_or(0, |p| p + 1);
    match previous.and_then(|b| b.pitch) {
        None => out.push((Table::PitchAbsolute, absolute(block.pitch))),
        Some(p) => match block.pitch {
            None => out.push((Table::PitchDelta, 0)),
            Some(q) if q.abs_diff(p) <= shape.pitch_delta => {
                out.push((Table::PitchDelta, 1 + q + shape.pitch_delta - p))
            }
            Some(q) => {
                out.push((Table::PitchDelta, 2 * shape.pitch_delta + 2));
                out.push((Table::PitchAbsolute, q + 1));
            }
        },
    }
    for (dim, &code) in block.codes.iter().enumerate() {
        let above = previous.map(|b| b.codes[dim]);
        out.push((
            Table::Code(dim, code_context(shape, above, &block.codes[..dim])),
            code as usize,
        ));
    }
}

/// Adds the symbols of `blocks` to the training counts (the exporter's table builder).
pub fn count(shape: &SpeechShape, blocks: &[Block], tables: &mut SpeechTables) {
    let mut list = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        list.clear();
        symbols(
            shape,
            i.checked_sub(1).map(|j| &blocks[j]),
            block,
            &mut list,
        );
        for &(table, symbol) in &list {
            let slot = match table {
                Table::PitchAbsolute => &mut tables.pitch_absolute[symbol],
                Table::PitchDelta => &mut tables.pitch_delta[symbol],
                Table::Code(dim, context) => {
                    &mut tables.codes[(dim * shape.contexts() + context) * shape.levels + symbol]
                }
            };
            *slot = slot.saturating_add(1);
        }
    }
}

fn corrupt(reason: &str) -> Error {
    Error::CorruptChunk {
        index: 0,
        reason: reason.to_string(),
    }
}

/// Range-codes `blocks`.
pub fn encode(model: &SpeechModel, blocks: &[Block]) -> Result<Vec<u8>, Error> {
    let shape = model.shape();
    let mut encoder = RangeEncoder::new();
    let mut list = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        list.clear();
        symbols(
            shape,
            i.checked_sub(1).map(|j| &blocks[j]),
            block,
            &mut list,
        );
        for &(table, symbol) in &list {
            let t = match table {
                Table::PitchAbsolute => model.pitch_table(false),
                Table::PitchDelta => model.pitch_table(true),
                Table::Code(dim, context) => model.code_table_at(dim, context),
            };
            encoder.encode(symbol, t)?;
        }
    }
    Ok(encoder.finish())
}

/// Decodes `count` blocks.
pub fn decode(model: &SpeechModel, bytes: &[u8], count: usize) -> Result<Vec<Block>, Error> {
    let shape = *model.shape();
    let mut decoder = RangeDecoder::new(bytes)?;
    let mut blocks: Vec<Block> = Vec::with_capacity(count);
    for _ in 0..count {
        let previous = blocks.last();
        let pitch = match previous.and_then(|b| b.pitch) {
            None => decoder.decode(model.pitch_table(false))?.checked_sub(1),
            Some(p) => {
                let s = decoder.decode(model.pitch_table(true))?;
                if s == 0 {
                    None
                } else if s == 2 * shape.pitch_delta + 2 {
                    let a = decoder.decode(model.pitch_table(false))?;
                    Some(
                        a.checked_sub(1)
                            .ok_or(corrupt("escaped pitch is unvoiced"))?,
                    )
                } else {
                    let q = (p + s - 1)
                        .checked_sub(shape.pitch_delta)
                        .ok_or(corrupt("pitch below the coded range"))?;
                    if q >= shape.pitch().count() {
                        return Err(corrupt("pitch above the coded range"));
                    }
                    Some(q)
                }
            }
        };
        let mut codes = Vec::with_capacity(shape.latent);
        for dim in 0..shape.latent {
            let above = previous.map(|b| b.codes[dim]);
            let context = code_context(&shape, above, &codes);
            codes.push(decoder.decode(model.code_table_at(dim, context))? as u8);
        }
        blocks.push(Block { pitch, codes });
    }
    Ok(blocks)
}
