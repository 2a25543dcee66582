//! The [`Codec`] trait: one way of turning a chunk of bytes into a payload and back.

use crate::codecs::tensor::FloatType;
use crate::Error;

/// Numeric codec identifier as stored in `.ncz` files (see `docs/FORMAT.md`).
pub type CodecId = u8;

/// What kind of data a codec is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Modality {
    /// Any bytes, coded losslessly.
    Bytes,
    /// Text (still lossless on any bytes).
    Text,
    /// Images.
    Image,
    /// Audio.
    Audio,
}

impl Modality {
    /// Lower-case name, as shown by `ncodec info`.
    pub fn name(self) -> &'static str {
        match self {
            Modality::Bytes => "bytes",
            Modality::Text => "text",
            Modality::Image => "image",
            Modality::Audio => "audio",
        }
    }
}

/// Identity of the trained model a codec depends on; recorded in every frame header so a
/// decoder refuses files made with other weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModelInfo {
    /// Model identifier within the codec.
    pub id: u16,
    /// 64-bit hash of the model's weights.
    pub hash: u64,
}

impl ModelInfo {
    /// The value recorded for model-free codecs.
    pub const NONE: ModelInfo = ModelInfo { id: 0, hash: 0 };
}

/// Encoder settings for lossy codecs: which quality to aim for and how hard to try.
/// Decoders never need them (whatever they must know is in the payload).
///
/// ```
/// let params = ncodec::EncodeParams::default().quality(3).effort(2);
/// assert_eq!(params.quality, Some(3));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EncodeParams {
    /// Quality level, 1 = smallest; `None` = the codec's default.
    pub quality: Option<u8>,
    /// Largest acceptable rate in bits per pixel (or per sample): the codec picks the best
    /// level that stays under it.
    pub max_bpp: Option<f64>,
    /// Encoder effort, 1 (fastest) to 3 (slowest, best); `None` = the codec's default.
    /// Decoding speed does not depend on it.
    pub effort: Option<u8>,
    /// Element type of a raw float buffer for the `tensor` codec (`--dtype`); `None` =
    /// read it from the file's header, or guess it from the bytes.
    pub dtype: Option<FloatType>,
}

impl EncodeParams {
    /// Sets the quality level.
    pub fn quality(mut self, level: u8) -> Self {
        self.quality = Some(level);
        self
    }
    /// Sets the rate cap in bits per pixel.
    pub fn max_bpp(mut self, bpp: f64) -> Self {
        self.max_bpp = Some(bpp);
        self
    }
    /// Sets the effort.
    pub fn effort(mut self, effort: u8) -> Self {
        self.effort = Some(effort);
        self
    }
    /// Sets the element type of a raw float buffer (`tensor` codec).
    pub fn dtype(mut self, dtype: FloatType) -> Self {
        self.dtype = Some(dtype);
        self
    }
}

/// Where a chunk lies in the content, for codecs that read a file's own header to code
/// any part of it (the `tensor` codec reads a safetensors header's tensor offsets).
#[derive(Debug, Clone, Copy)]
pub struct ChunkPosition<'a> {
    /// Offset of the chunk's first byte in the content.
    pub offset: u64,
    /// The content's first chunk (the whole content if it is one chunk); empty for
    /// codecs whose [`Codec::reads_head`] is false.
    pub head: &'a [u8],
}

impl<'a> ChunkPosition<'a> {
    /// The position of a chunk that is the whole content (offset 0, its own head).
    pub fn whole(content: &'a [u8]) -> Self {
        Self {
            offset: 0,
            head: content,
        }
    }
}

/// A chunk codec. Implementations must be deterministic: `decode_chunk` of the output
/// of `encode_chunk` returns the input exactly, on any machine and thread count.
///
/// Codecs see one chunk at a time and keep no state between chunks, which is what lets
/// the container code chunks in parallel.
///
/// ```
/// use ncodec::{Codec, registry::default_registry};
///
/// let cm = default_registry().by_name("cm").unwrap();
/// let mut payload = Vec::new();
/// cm.encode_chunk(b"abracadabra abracadabra", &mut payload).unwrap();
/// let mut back = Vec::new();
/// cm.decode_chunk(&payload, 23, &mut back).unwrap();
/// assert_eq!(back, b"abracadabra abracadabra");
/// ```
pub trait Codec: Send + Sync {
    /// Identifier stored in `.ncz` files; unique within a registry; never 0.
    fn id(&self) -> CodecId;
    /// Short lower-case name used on the command line (`--codec NAME`).
    fn name(&self) -> &'static str;
    /// One-line human description.
    fn description(&self) -> &'static str;
    /// The data the codec is made for.
    fn modality(&self) -> Modality;
    /// The trained model this codec needs, if any.
    fn model(&self) -> ModelInfo {
        ModelInfo::NONE
    }
    /// Whether decoding gives back an approximation of the input (same length and
    /// layout) rather than the input itself. Lossy frames record no content hash and,
    /// unless [`lossy_chunks`](Self::lossy_chunks), code their whole content as one chunk
    /// (see `docs/FORMAT.md`).
    fn lossy(&self) -> bool {
        false
    }
    /// For a lossy codec: whether it codes any chunk of its content on its own (told the
    /// chunk's position by [`encode_chunk_at`](Self::encode_chunk_at)), so that its
    /// frames are cut into chunks like lossless ones and long inputs stream through in
    /// bounded memory (the `speech` codec). Lossy codecs that need their whole input at
    /// once (an image) keep the default, `false`: their frame is one chunk.
    fn lossy_chunks(&self) -> bool {
        false
    }
    /// Appends the coded form of `input` to `out`.
    fn encode_chunk(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error>;
    /// Like [`encode_chunk`](Self::encode_chunk) with the encoder settings a lossy codec
    /// needs (quality level, rate cap, effort); lossless codecs ignore them.
    fn encode_chunk_with(
        &self,
        input: &[u8],
        params: &EncodeParams,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let _ = params;
        self.encode_chunk(input, out)
    }
    /// Whether the codec wants [`ChunkPosition::head`]: the frame encoder then keeps a
    /// copy of the content's first chunk for coding the later ones.
    fn reads_head(&self) -> bool {
        false
    }
    /// Like [`encode_chunk_with`](Self::encode_chunk_with), told where the chunk lies in
    /// the content. The frame encoder calls this; the default ignores the position. The
    /// payload must still decode on its own (decoders get no position).
    fn encode_chunk_at(
        &self,
        input: &[u8],
        at: &ChunkPosition<'_>,
        params: &EncodeParams,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let _ = at;
        self.encode_chunk_with(input, params, out)
    }
    /// Appends exactly `raw_len` decoded bytes of `payload` to `out`, or fails.
    fn decode_chunk(&self, payload: &[u8], raw_len: usize, out: &mut Vec<u8>) -> Result<(), Error>;
}
