//! The run-list payload that `tensor` and `pcm` share: a version byte, a varint run
//! count, then per run a kind byte, a varint length in bytes, fields of the codec's own
//! for its structured kinds, a varint body length and the body. Byte runs (headers,
//! leftovers) have kinds [`STORED`] and [`CM`] and are handled here; each codec adds its
//! own kinds from 2 up.

use crate::codec::Codec;
use crate::codecs::wire::{put_varint, Cursor};
use crate::codecs::Cm;
use crate::Error;

/// Version byte of a run-list payload.
pub(crate) const VERSION: u8 = 1;

/// Kind of a run of bytes stored as they are.
pub(crate) const STORED: u8 = 0;

/// Kind of a run of bytes coded by `cm`.
pub(crate) const CM: u8 = 1;

/// Byte runs shorter than this are stored rather than coded.
const MIN_CODED_BYTES: usize = 64;

/// Starts a payload of `runs` runs.
pub(crate) fn begin(runs: usize, out: &mut Vec<u8>) {
    out.push(VERSION);
    put_varint(runs as u64, out);
}

/// Appends one run: kind, original length, the codec's `fields`, body length, body.
pub(crate) fn put_run(kind: u8, len: usize, fields: &[u8], body: &[u8], out: &mut Vec<u8>) {
    out.push(kind);
    put_varint(len as u64, out);
    out.extend_from_slice(fields);
    put_varint(body.len() as u64, out);
    out.extend_from_slice(body);
}

/// Codes a run of plain bytes into `body`: through `cm` when that is smaller (and the
/// run is not tiny), else stored. Returns its kind.
pub(crate) fn encode_bytes(data: &[u8], body: &mut Vec<u8>) -> Result<u8, Error> {
    if data.len() >= MIN_CODED_BYTES {
        Cm.encode_chunk(data, body)?;
        if body.len() < data.len() {
            return Ok(CM);
        }
        body.clear();
    }
    body.extend_from_slice(data);
    Ok(STORED)
}

/// A structured run's coding: its kind, the codec's fields and its body.
pub(crate) struct Coded {
    /// Run kind (2 and up).
    pub kind: u8,
    /// The codec's fields before the body length.
    pub fields: Vec<u8>,
    /// The body.
    pub body: Vec<u8>,
}

/// Codes `input` cut into `runs` (lengths, and for structured runs what `structured`
/// needs to code them) into a complete payload: structured runs by `structured`, the
/// others as bytes ([`encode_bytes`]).
pub(crate) fn encode_runs<T: Copy>(
    input: &[u8],
    runs: &[(usize, Option<T>)],
    out: &mut Vec<u8>,
    mut structured: impl FnMut(&[u8], T) -> Result<Coded, Error>,
) -> Result<(), Error> {
    begin(runs.len(), out);
    let mut rest = input;
    let mut body = Vec::new();
    for &(len, how) in runs {
        let (data, tail) = rest.split_at(len);
        rest = tail;
        match how {
            Some(how) => {
                let coded = structured(data, how)?;
                put_run(coded.kind, data.len(), &coded.fields, &coded.body, out);
            }
            None => {
                body.clear();
                let kind = encode_bytes(data, &mut body)?;
                put_run(kind, data.len(), &[], &body, out);
            }
        }
    }
    Ok(())
}

/// Reads a run's varint body length and its body.
pub(crate) fn take_body<'a>(cursor: &mut Cursor<'a>, what: &str) -> Result<&'a [u8], Error> {
    let len = usize::try_from(cursor.varint()?)
        .map_err(|_| corrupt(what, "run body longer than the payload"))?;
    cursor
        .take(len)
        .map_err(|_| corrupt(what, "run body longer than the payload"))
}

/// Decodes a run-list payload of `raw_len` bytes into `out`. Byte runs are decoded here;
/// any other kind goes to `structured(kind, len, cursor, out)`, which reads its fields
/// and body from `cursor` (with [`take_body`]) and appends the run's bytes. `what`
/// names the codec in error messages.
pub(crate) fn decode(
    payload: &[u8],
    raw_len: usize,
    out: &mut Vec<u8>,
    what: &str,
    mut structured: impl FnMut(u8, usize, &mut Cursor<'_>, &mut Vec<u8>) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut cursor = Cursor::new(payload);
    if cursor.u8()? != VERSION {
        return Err(corrupt(what, "unknown payload version"));
    }
    let runs = cursor.varint()?;
    let start = out.len();
    let mut remaining = raw_len;
    for _ in 0..runs {
        let kind = cursor.u8()?;
        let len = usize::try_from(cursor.varint()?)
            .ok()
            .filter(|&n| n <= remaining)
            .ok_or_else(|| corrupt(what, "run longer than the chunk"))?;
        remaining -= len;
        let before = out.len();
        match kind {
            STORED => {
                let body = take_body(&mut cursor, what)?;
                if body.len() != len {
                    return Err(corrupt(what, "stored run of the wrong length"));
                }
                out.extend_from_slice(body);
            }
            CM => Cm.decode_chunk(take_body(&mut cursor, what)?, len, out)?,
            _ => structured(kind, len, &mut cursor, out)?,
        }
        if out.len() - before != len {
            return Err(corrupt(what, "run decoded to the wrong length"));
        }
    }
    if !cursor.is_empty() || out.len() - start != raw_len {
        return Err(corrupt(what, "runs do not add up to the chunk"));
    }
    Ok(())
}

/// Where whole units lie in a content: the byte range of their data, the size of one
/// unit (a sample frame, an image row) and what a run of them is coded with.
pub(crate) struct Units<T> {
    /// `[start, end)` of the units' bytes in the content.
    pub data: (u64, u64),
    /// Bytes per unit.
    pub unit: u64,
    /// How a run of units is coded.
    pub how: T,
}

/// Cuts the chunk at `[begin, begin + len)` of the content into runs: the whole `units`
/// inside it as one structured run, the bytes before and after as byte runs (`None`);
/// all bytes when `units` is `None` or no whole unit lies in the chunk. Empty runs are
/// left out.
pub(crate) fn plan_runs<T: Copy>(
    begin: u64,
    len: usize,
    units: Option<Units<T>>,
) -> Vec<(usize, Option<T>)> {
    let end = begin + len as u64;
    let mut runs = Vec::new();
    let mut push = |len: u64, how: Option<T>| {
        if len > 0 {
            runs.push((len as usize, how));
        }
    };
    let whole = units.and_then(|u| {
        let (data_start, data_end) = u.data;
        let from = begin.max(data_start);
        let first = data_start + (from - data_start).div_ceil(u.unit) * u.unit;
        let to = end.min(data_end);
        let last = if to > data_start {
            data_start + (to - data_start) / u.unit * u.unit
        } else {
            0
        };
        (last > first).then_some((first, last, u.how))
    });
    match whole {
        Some((first, last, how)) => {
            push(first - begin, None);
            push(last - first, Some(how));
            push(end - last, None);
        }
        None => push(end - begin, None),
    }
    runs
}

/// A corrupt-chunk error of codec `what`.
pub(crate) fn corrupt(what: &str, reason: &str) -> Error {
    Error::CorruptChunk {
        index: 0,
        reason: format!("{what} payload: {reason}"),
    }
}
