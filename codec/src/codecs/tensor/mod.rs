//! `tensor`: lossless compression of neural-network weights and other float tensors.
//!
//! A chunk is cut into *runs*: float runs (whole elements of one float type, as the
//! file's own header lays them out: a safetensors JSON header, a `.npy` header, or
//! `--dtype` for a raw buffer) and byte runs (headers, integer tensors, partial
//! elements at chunk edges). Float runs are split into an entropy-coded exponent symbol
//! and raw sign and mantissa bits ([`float_coder`]); byte runs go through `cm`. Without
//! a header or a type, the codec guesses the type from the bytes ([`sniff`]), so any
//! buffer of floats compresses, and anything else still round-trips.
//!
//! The frame encoder hands every chunk the content's first chunk (where the header
//! lives) and its offset ([`ChunkPosition`]), so each chunk is coded on its own and in
//! parallel like every other codec's. The decoder needs neither: each payload lists its
//! runs. [`read_tensor`] decodes one tensor without the rest.
//!
//! # Payload
//! | field | meaning |
//! |---|---|
//! | version (u8) | `1` |
//! | runs (varint) | number of runs |
//! | per run: kind (u8) | `0` stored bytes, `1` bytes coded by `cm`, `2 + t` floats of type code `t` ([`FloatType::code`]) |
//! | per run: length (varint) | original bytes of the run (a whole number of elements for floats) |
//! | per run: body length (varint) | bytes of the body |
//! | per run: body | the bytes, the `cm` payload, or a float run's body ([`float_coder`]) |
//!
//! ```
//! use ncodec::codecs::tensor::FloatType;
//!
//! // A raw buffer of bf16 weights, coded with its type named.
//! let weights: Vec<u8> = (0..20_000u32)
//!     .map(|i| (i.wrapping_mul(2_654_435_761) % 1000) as f32 * 1e-4 - 0.05)
//!     .flat_map(|x| ((x.to_bits() >> 16) as u16).to_le_bytes())
//!     .collect();
//! let opts = ncodec::CompressOptions::default()
//!     .codec("tensor")
//!     .params(ncodec::EncodeParams::default().dtype(FloatType::Bf16));
//! let packed = ncodec::compress(&weights, &opts)?;
//! assert!(packed.len() < weights.len() * 3 / 4);
//! assert_eq!(ncodec::decompress(&packed)?, weights);
//! # Ok::<(), ncodec::Error>(())
//! ```

pub mod dtype;
pub mod float_coder;
pub mod layout;
mod sniff;

pub use dtype::FloatType;
pub use layout::{Layout, LayoutError, LayoutKind, Region};

use crate::codec::{ChunkPosition, Codec, CodecId, EncodeParams, Modality};
use crate::codecs::runs;
use crate::codecs::wire::Cursor;
use crate::codecs::Cm;
use crate::Error;
use layout::Segment;

/// Run kind of floats: `FLOAT + ` the type's code (kinds 0 and 1 are byte runs, see
/// [`runs`](crate::codecs::runs)).
const FLOAT: u8 = 2;

/// Float runs shorter than this are always coded as floats.
const MIN_CODED_BYTES: usize = 64;

/// The tensor codec: float runs split into coded exponents and raw mantissas, the rest
/// through `cm`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tensor;

impl Tensor {
    /// The identifier of `tensor` in `.ncz` files.
    pub const ID: CodecId = 7;
}

impl Codec for Tensor {
    fn id(&self) -> CodecId {
        Self::ID
    }
    fn name(&self) -> &'static str {
        "tensor"
    }
    fn description(&self) -> &'static str {
        "float tensors (safetensors, .npy, raw with --dtype): exponents entropy-coded, mantissas kept"
    }
    fn modality(&self) -> Modality {
        Modality::Bytes
    }
    fn reads_head(&self) -> bool {
        true
    }
    fn encode_chunk(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.encode_chunk_at(
            input,
            &ChunkPosition::whole(input),
            &EncodeParams::default(),
            out,
        )
    }
    fn encode_chunk_with(
        &self,
        input: &[u8],
        params: &EncodeParams,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        self.encode_chunk_at(input, &ChunkPosition::whole(input), params, out)
    }
    fn encode_chunk_at(
        &self,
        input: &[u8],
        at: &ChunkPosition<'_>,
        params: &EncodeParams,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let segments = plan(input, at, params);
        runs::begin(segments.len(), out);
        let mut rest = input;
        let mut body = Vec::new();
        for segment in segments {
            let (data, tail) = rest.split_at(segment.len);
            rest = tail;
            body.clear();
            let kind = match segment.dtype {
                Some(ty) => encode_float_run(data, ty, &mut body)?,
                None => runs::encode_bytes(data, &mut body)?,
            };
            runs::put_run(kind, data.len(), &[], &body, out);
        }
        Ok(())
    }
    fn decode_chunk(&self, payload: &[u8], raw_len: usize, out: &mut Vec<u8>) -> Result<(), Error> {
        runs::decode(payload, raw_len, out, "tensor", |kind, len, cursor, out| {
            let ty = FloatType::from_code(kind - FLOAT)
                .filter(|_| kind >= FLOAT)
                .ok_or_else(|| corrupt("unknown run kind"))?;
            if !len.is_multiple_of(ty.bytes()) {
                return Err(corrupt("float run of a partial element"));
            }
            let mut body = Cursor::new(runs::take_body(cursor, "tensor")?);
            float_coder::decode(&mut body, ty, len / ty.bytes(), out)?;
            if !body.is_empty() {
                return Err(corrupt("float run body longer than its elements"));
            }
            Ok(())
        })
    }
}

/// Codes a float run, as floats or, when its bytes repeat themselves (an analytic
/// buffer such as a Fourier basis, duplicated rows), through `cm`, whichever is smaller.
/// `cm` is only tried on the whole run when it wins clearly on a sample or the run
/// repeats values, so that plain weights cost one pass. Returns the run kind.
fn encode_float_run(data: &[u8], ty: FloatType, body: &mut Vec<u8>) -> Result<u8, Error> {
    float_coder::encode(data, ty, body);
    let sample_len = (CM_SAMPLE / ty.bytes() * ty.bytes()).min(data.len());
    if sample_len < MIN_CODED_BYTES {
        return Ok(FLOAT + ty.code());
    }
    let sample = &data[..sample_len];
    let mut trial = Vec::new();
    if sample_len < data.len() && !repeats_values(data, ty) {
        Cm.encode_chunk(sample, &mut trial)?;
        let float_bytes = float_coder::estimate_bits_q16(sample, ty) >> 19;
        if trial.len() as u64 >= float_bytes / 10 * 9 {
            return Ok(FLOAT + ty.code());
        }
        trial.clear();
    }
    Cm.encode_chunk(data, &mut trial)?;
    if trial.len() < body.len() {
        std::mem::swap(body, &mut trial);
        return Ok(runs::CM);
    }
    Ok(FLOAT + ty.code())
}

/// Bytes of a float run that `cm` tries first.
const CM_SAMPLE: usize = 1 << 13;

/// Elements looked at for repeated values.
const DISTINCT_SAMPLE: usize = 1 << 14;

/// Whether fewer than half of the run's first elements are distinct values: weights
/// hardly ever repeat exactly, computed tables (a Fourier basis, a quantized grid) do,
/// and `cm`'s match model finds them.
fn repeats_values(data: &[u8], ty: FloatType) -> bool {
    let width = ty.bytes();
    let mut values: Vec<u64> = data
        .chunks_exact(width)
        .take(DISTINCT_SAMPLE)
        .map(float_coder::read_le)
        .collect();
    let count = values.len();
    values.sort_unstable();
    values.dedup();
    // Narrow types repeat values by necessity: only count it for types of 4 bytes up.
    width >= 4 && values.len() * 2 < count
}

/// How to cut a chunk into runs: by the layout the header (or `--dtype`) gives, else by
/// the type the bytes look like, else one byte run.
fn plan(input: &[u8], at: &ChunkPosition<'_>, params: &EncodeParams) -> Vec<Segment> {
    let layout = match params.dtype {
        Some(ty) => Some(Layout::raw(ty)),
        None => Layout::parse(at.head).ok(),
    };
    let layout = layout.or_else(|| sniff::guess(input).map(Layout::raw));
    match layout {
        Some(layout) => layout.segments(at.offset, input.len()),
        None if input.is_empty() => Vec::new(),
        None => vec![Segment {
            len: input.len(),
            dtype: None,
        }],
    }
}

fn corrupt(reason: &str) -> Error {
    runs::corrupt("tensor", reason)
}

/// Whether `head` (a file's first bytes) starts a safetensors or `.npy` file, which the
/// CLI codes with `tensor` by default.
///
/// ```
/// let header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
/// let mut npy = b"\x93NUMPY\x01\x00".to_vec();
/// npy.extend_from_slice(&(header.len() as u16).to_le_bytes());
/// npy.extend_from_slice(header);
/// assert!(ncodec::codecs::tensor::is_tensor_file(&npy));
/// assert!(!ncodec::codecs::tensor::is_tensor_file(b"plain text"));
/// ```
pub fn is_tensor_file(head: &[u8]) -> bool {
    Layout::parse(head).is_ok()
}

/// Decodes one tensor's bytes from a `.ncz` file of a safetensors (or `.npy`) file,
/// decoding only the chunks that hold its header and its data; `name` is `""` for `.npy`.
///
/// ```
/// let header = br#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#;
/// let mut file = (header.len() as u64).to_le_bytes().to_vec();
/// file.extend_from_slice(header);
/// for x in [1.0f32, 2.0, 3.0] {
///     file.extend_from_slice(&x.to_le_bytes());
/// }
/// let packed = ncodec::compress(&file, &ncodec::CompressOptions::default().codec("tensor"))?;
/// assert_eq!(ncodec::codecs::tensor::read_tensor(&packed, "b")?, 3.0f32.to_le_bytes());
/// # Ok::<(), ncodec::Error>(())
/// ```
pub fn read_tensor(packed: &[u8], name: &str) -> Result<Vec<u8>, Error> {
    let (header, _) = crate::format::Header::parse(packed)?;
    let first = crate::decompress_range(packed, 0..header.chunk_size() as u64).or_else(|_| {
        // A content shorter than one chunk: take all of it.
        crate::decompress(packed)
    })?;
    let layout = Layout::parse(&first)
        .map_err(|e| Error::InvalidOption(format!("not a tensor file: {e}")))?;
    let region = layout
        .regions
        .iter()
        .find(|r| r.name == name)
        .ok_or_else(|| Error::InvalidOption(format!("no tensor named {name:?}")))?;
    let end = match (region.end, header.content_size) {
        (u64::MAX, Some(size)) => size,
        (u64::MAX, None) => crate::inspect(packed)?.trailer.content_size,
        (end, _) => end,
    };
    crate::decompress_range(packed, region.start..end)
}
