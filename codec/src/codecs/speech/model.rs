//! A trained speech model: the feature autoencoder with its finite scalar quantizer (FSQ,
//! Mentzer et al. 2023) and the integer tables that entropy-code its codes and the pitch.
//!
//! The encoder maps a block of normalised feature vectors through a 3-layer MLP to
//! `latent` numbers, bounds each with `tanh` to `±(levels−1)/2` and rounds it: the codes.
//! The decoder maps the codes of the block and of `context` blocks on each side back
//! through another MLP (so it can interpolate across blocks). Both MLPs run in `f32` (the
//! encoder's output is rounded to the codes the bitstream carries, and the decoder's only
//! shapes the output samples); the code and pitch probabilities are integer count tables
//! trained on the same data, so the bitstream's parse never involves a float.
//!
//! # File format (`.ncsw`, little endian)
//! `NCSW`, version `u8` = 1, three zero bytes; `u16` fields `features, block, hidden,
//! latent, levels, pitch_steps, pitch_delta, context`; `f32` mean and deviation per feature;
//! six linear layers (encoder 1–3, decoder 1–3) as row-major `f32` weights `[out][in]` then
//! `f32` biases; `u32` code counts per latent dimension, context and level (contexts are
//! `(previous block's code, this block's previous dimension's code)`, each with an extra
//! "none" value); the pitch tables' `u32` counts (after an unvoiced block: unvoiced, then
//! every pitch index; after a voiced block: unvoiced, the deltas `−pitch_delta..=pitch_delta`,
//! then "escape" followed by an index coded with the first table); then an XXH3-64 of all
//! the bytes before it.

use xxhash_rust::xxh3::xxh3_64;

use super::features::{PitchQuantizer, FEATURES};
use crate::entropy::FrequencyTable;
use crate::runtime::RuntimeError;

const MAGIC: &[u8; 4] = b"NCSW";
const VERSION: u8 = 1;
/// Slope of the leaky ReLU between layers.
pub const LEAK: f32 = 0.1;

/// Sizes of a [`SpeechModel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpeechShape {
    /// Frames per block.
    pub block: usize,
    /// Hidden width of both MLPs.
    pub hidden: usize,
    /// Latent dimensions (codes per block).
    pub latent: usize,
    /// Levels of each code (odd).
    pub levels: usize,
    /// Pitch indices per octave.
    pub pitch_steps: usize,
    /// Largest pitch change coded as a delta.
    pub pitch_delta: usize,
    /// Blocks on each side whose codes the decoder also sees (0 or more).
    pub context: usize,
}

impl SpeechShape {
    /// Inputs of the encoder (and outputs of the decoder).
    pub fn inputs(&self) -> usize {
        FEATURES * self.block
    }

    /// `(in, out)` of the six layers.
    pub fn layers(&self) -> [(usize, usize); 6] {
        let (i, h, l) = (self.inputs(), self.hidden, self.latent);
        [
            (i, h),
            (h, h),
            (h, l),
            (l * (2 * self.context + 1), h),
            (h, h),
            (h, i),
        ]
    }

    /// Contexts per latent dimension.
    pub fn contexts(&self) -> usize {
        (self.levels + 1).pow(2)
    }

    /// The pitch quantizer.
    pub fn pitch(&self) -> PitchQuantizer {
        PitchQuantizer {
            steps: self.pitch_steps as u32,
        }
    }

    /// Symbols of the table used after an unvoiced block.
    pub fn pitch_absolute_symbols(&self) -> usize {
        1 + self.pitch().count()
    }

    /// Symbols of the table used after a voiced block.
    pub fn pitch_delta_symbols(&self) -> usize {
        1 + 2 * self.pitch_delta + 1 + 1
    }

    /// Raw (uncoded) bits per block: the codes plus a pitch index or "unvoiced".
    pub fn raw_bits_per_block(&self) -> f64 {
        self.latent as f64 * (self.levels as f64).log2()
            + (self.pitch_absolute_symbols() as f64).log2()
    }
}

/// One dense layer, `y = W x + b`.
#[derive(Debug, Clone)]
struct Dense {
    inputs: usize,
    outputs: usize,
    weight: Vec<f32>,
    bias: Vec<f32>,
}

impl Dense {
    fn forward(&self, x: &[f32], activation: bool) -> Vec<f32> {
        (0..self.outputs)
            .map(|o| {
                let row = &self.weight[o * self.inputs..(o + 1) * self.inputs];
                let v = row.iter().zip(x).map(|(w, x)| w * x).sum::<f32>() + self.bias[o];
                if activation && v < 0.0 {
                    v * LEAK
                } else {
                    v
                }
            })
            .collect()
    }
}

/// Counts of the trained entropy tables, as the exporter gathers them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeechTables {
    /// `[latent][context][level]`, flattened.
    pub codes: Vec<u32>,
    /// After an unvoiced block.
    pub pitch_absolute: Vec<u32>,
    /// After a voiced block.
    pub pitch_delta: Vec<u32>,
}

impl SpeechTables {
    /// All-zero counts for `shape` (the exporter adds to them).
    pub fn zeros(shape: &SpeechShape) -> Self {
        Self {
            codes: vec![0; shape.latent * shape.contexts() * shape.levels],
            pitch_absolute: vec![0; shape.pitch_absolute_symbols()],
            pitch_delta: vec![0; shape.pitch_delta_symbols()],
        }
    }
}

/// A float layer's weights and biases, row-major `[out][in]`.
pub type FloatLayer<'a> = (&'a [f32], &'a [f32]);

/// A loaded speech model.
#[derive(Debug, Clone)]
pub struct SpeechModel {
    shape: SpeechShape,
    mean: Vec<f32>,
    deviation: Vec<f32>,
    layers: Vec<Dense>,
    code_tables: Vec<FrequencyTable>,
    pitch_absolute: FrequencyTable,
    pitch_delta: FrequencyTable,
    hash: u64,
}

impl SpeechModel {
    /// Serialises a model (used by the exporter in `ncodec-models`).
    pub fn write(
        shape: &SpeechShape,
        mean: &[f32],
        deviation: &[f32],
        layers: [FloatLayer<'_>; 6],
        tables: &SpeechTables,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&[VERSION, 0, 0, 0]);
        for v in [
            FEATURES,
            shape.block,
            shape.hidden,
            shape.latent,
            shape.levels,
            shape.pitch_steps,
            shape.pitch_delta,
            shape.context,
        ] {
            out.extend_from_slice(&(v as u16).to_le_bytes());
        }
        let floats = |out: &mut Vec<u8>, values: &[f32]| {
            for v in values {
                out.extend_from_slice(&v.to_le_bytes());
            }
        };
        floats(&mut out, mean);
        floats(&mut out, deviation);
        for (w, b) in layers {
            floats(&mut out, w);
            floats(&mut out, b);
        }
        for counts in [&tables.codes, &tables.pitch_absolute, &tables.pitch_delta] {
            for c in counts.iter() {
                out.extend_from_slice(&c.to_le_bytes());
            }
        }
        let hash = xxh3_64(&out);
        out.extend_from_slice(&hash.to_le_bytes());
        out
    }

    /// Parses and checks a weights file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, RuntimeError> {
        if bytes.len() < 16 || &bytes[..4] != MAGIC {
            return Err(RuntimeError::BadMagic);
        }
        let body = bytes.len() - 8;
        let mut stored = [0u8; 8];
        stored.copy_from_slice(&bytes[body..]);
        let hash = xxh3_64(&bytes[..body]);
        if u64::from_le_bytes(stored) != hash {
            return Err(RuntimeError::Corrupt("checksum mismatch"));
        }
        if bytes[4] != VERSION {
            return Err(RuntimeError::Unsupported(format!(
                "speech model version {}",
                bytes[4]
            )));
        }
        let mut pos = 8;
        let mut take = |n: usize| -> Result<&[u8], RuntimeError> {
            let end = pos + n;
            if end > body {
                return Err(RuntimeError::Corrupt("file ends early"));
            }
            let slice = &bytes[pos..end];
            pos = end;
            Ok(slice)
        };
        let mut header = [0usize; 8];
        for h in header.iter_mut() {
            let b = take(2)?;
            *h = u16::from_le_bytes([b[0], b[1]]) as usize;
        }
        let [features, block, hidden, latent, levels, pitch_steps, pitch_delta, context] = header;
        if features != FEATURES
            || block == 0
            || hidden == 0
            || latent == 0
            || levels < 2
            || levels % 2 == 0
            || pitch_steps == 0
        {
            return Err(RuntimeError::Unsupported("speech model shape".into()));
        }
        let shape = SpeechShape {
            block,
            hidden,
            latent,
            levels,
            pitch_steps,
            pitch_delta,
            context,
        };
        let mut floats = |n: usize| -> Result<Vec<f32>, RuntimeError> {
            Ok(take(n * 4)?
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect())
        };
        let mean = floats(FEATURES)?;
        let deviation = floats(FEATURES)?;
        let mut layers = Vec::with_capacity(6);
        for (inputs, outputs) in shape.layers() {
            let weight = floats(inputs * outputs)?;
            let bias = floats(outputs)?;
            layers.push(Dense {
                inputs,
                outputs,
                weight,
                bias,
            });
        }
        let mut counts = |n: usize| -> Result<Vec<u32>, RuntimeError> {
            Ok(take(n * 4)?
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect())
        };
        let zeros = SpeechTables::zeros(&shape);
        let codes = counts(zeros.codes.len())?;
        let absolute = counts(zeros.pitch_absolute.len())?;
        let delta = counts(zeros.pitch_delta.len())?;
        if pos != body {
            return Err(RuntimeError::Corrupt("trailing bytes"));
        }
        let table = |c: &[u32]| {
            let smoothed: Vec<u32> = c.iter().map(|&v| v.saturating_add(1)).collect();
            FrequencyTable::from_counts(&smoothed)
                .map_err(|_| RuntimeError::Corrupt("bad count table"))
        };
        let code_tables = codes
            .chunks_exact(levels)
            .map(table)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            shape,
            mean,
            deviation,
            layers,
            code_tables,
            pitch_absolute: table(&absolute)?,
            pitch_delta: table(&delta)?,
            hash,
        })
    }

    /// The model's sizes.
    pub fn shape(&self) -> &SpeechShape {
        &self.shape
    }

    /// XXH3-64 of the weights file.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// The codes of one block of raw feature vectors (`FEATURES × block` numbers).
    pub fn encode_block(&self, raw: &[f32]) -> Vec<u8> {
        let x: Vec<f32> = raw
            .iter()
            .enumerate()
            .map(|(i, v)| (v - self.mean[i % FEATURES]) / self.deviation[i % FEATURES])
            .collect();
        let h = self.layers[0].forward(&x, true);
        let h = self.layers[1].forward(&h, true);
        let z = self.layers[2].forward(&h, false);
        let half = (self.shape.levels - 1) as f32 / 2.0;
        z.iter()
            .map(|v| {
                let bounded = v.tanh() * half;
                (bounded.round() + half).clamp(0.0, 2.0 * half) as u8
            })
            .collect()
    }

    /// The raw feature vectors (`FEATURES × block` numbers) the decoder makes of block
    /// `index` of `blocks` (the codes of each block), seeing `context` blocks on each side
    /// (missing neighbours at the ends read as zeros).
    pub fn decode_block(&self, blocks: &[&[u8]], index: usize) -> Vec<f32> {
        let half = (self.shape.levels - 1) as f32 / 2.0;
        let c = self.shape.context as isize;
        let mut z = Vec::with_capacity(self.shape.latent * (2 * self.shape.context + 1));
        for offset in -c..=c {
            let j = index as isize + offset;
            match usize::try_from(j).ok().and_then(|j| blocks.get(j)) {
                Some(codes) => z.extend(codes.iter().map(|&v| (v as f32 - half) / half)),
                None => z.extend(std::iter::repeat_n(0.0, self.shape.latent)),
            }
        }
        let h = self.layers[3].forward(&z, true);
        let h = self.layers[4].forward(&h, true);
        let y = self.layers[5].forward(&h, false);
        y.iter()
            .enumerate()
            .map(|(i, v)| v * self.deviation[i % FEATURES] + self.mean[i % FEATURES])
            .collect()
    }

    /// The table of latent dimension `dim` in `context` (see [`code_context`]).
    pub fn code_table_at(&self, dim: usize, context: usize) -> &FrequencyTable {
        &self.code_tables[dim * self.shape.contexts() + context]
    }

    /// The pitch table after an unvoiced (`false`) or voiced block.
    pub fn pitch_table(&self, after_voiced: bool) -> &FrequencyTable {
        if after_voiced {
            &self.pitch_delta
        } else {
            &self.pitch_absolute
        }
    }
}

/// Index of a code context within a latent dimension's tables: the previous block's code
/// in that dimension (`None` in the first block) and this block's code in the previous
/// dimension (`earlier` holds this block's codes so far; a missing code counts as a
/// separate value). A third variable (the code two dimensions back) saved only 0.5% of
/// the rate on the valid split, for a table eight times larger.
pub fn code_context(shape: &SpeechShape, previous: Option<u8>, earlier: &[u8]) -> usize {
    let none = shape.levels;
    let value = |v: Option<&u8>| v.map_or(none, |&v| (v as usize).min(none));
    value(previous.as_ref()) * (none + 1) + value(earlier.last())
}
