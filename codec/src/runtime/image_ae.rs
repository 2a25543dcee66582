//! The image autoencoder as the codec runs it: float analysis and synthesis transforms
//! ([`conv`](super::conv)) and the latents' entropy model as **integer** frequency tables,
//! one per latent channel over the values `-range..=range`.
//!
//! # Weights file (`NCIW` version 1, little-endian)
//! | field | type |
//! |---|---|
//! | magic | `b"NCIW"` |
//! | version | `u8` = 1, then 3 reserved bytes = 0 |
//! | channels, latent, range | `u16` each, then `u16` = 0 |
//! | analysis | 4 layers `[out][in][5][5]` f32 weights + `[out]` f32 bias (3→C, C→C, C→C, C→M), stride 2, padding 2 |
//! | analysis GDN | 3 × (`[C][C]` f32 γ ≥ 0, `[C]` f32 β > 0) |
//! | synthesis | 4 transposed layers `[in][out][5][5]` f32 weights + `[out]` f32 bias (M→C, C→C, C→C, C→3), stride 2, padding 2, output padding 1 |
//! | synthesis inverse GDN | 3 × (`[C][C]` γ, `[C]` β) |
//! | prior | per latent channel, `2·range + 1` `u32` frequencies summing to 2^24, each ≥ 1 |
//! | checksum | `u64` XXH3-64 of everything before it (the model hash) |

use std::sync::OnceLock;

use xxhash_rust::xxh3::xxh3_64;

use super::conv::{Conv2d, ConvTranspose2d, GdnLite, Planes};
use super::{Reader, RuntimeError};
use crate::entropy::FrequencyTable;

const MAGIC: &[u8; 4] = b"NCIW";
const VERSION: u8 = 1;
const KERNEL: usize = 5;

/// Sizes of an [`ImageAe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageAeShape {
    /// Hidden channels.
    pub channels: usize,
    /// Latent channels.
    pub latent: usize,
    /// Latents are clamped to `-range..=range`.
    pub range: usize,
}

/// A loaded image autoencoder.
#[derive(Debug, Clone)]
pub struct ImageAe {
    shape: ImageAeShape,
    analysis: Vec<Conv2d>,
    gdn: Vec<GdnLite>,
    synthesis: Vec<ConvTranspose2d>,
    /// Adjoints of `synthesis` (for the encoder's latent refinement).
    synthesis_adjoint: Vec<Conv2d>,
    igdn: Vec<GdnLite>,
    prior: Vec<FrequencyTable>,
    hash: u64,
    /// [`latent_gains`](ImageAe::latent_gains), measured on first use.
    latent_gains: OnceLock<Vec<f32>>,
}

/// What [`ImageAe::synthesise_traced`] keeps for [`ImageAe::synthesis_gradient`]: the
/// input of every inverse GDN.
#[derive(Debug, Clone)]
pub struct SynthesisTrace {
    igdn_inputs: Vec<Planes>,
}

/// The float parts of one layer as written by the exporter: `(weights, bias)`.
pub type FloatLayer<'a> = (&'a [f32], &'a [f32]);

/// One (inverse) GDN's parameters: `(gamma, beta)`.
pub type GdnParts<'a> = (&'a [f32], &'a [f32]);

impl ImageAe {
    /// Layer widths `(inputs, outputs)` of the analysis transform.
    fn analysis_widths(s: ImageAeShape) -> [(usize, usize); 4] {
        [
            (3, s.channels),
            (s.channels, s.channels),
            (s.channels, s.channels),
            (s.channels, s.latent),
        ]
    }

    /// Layer widths `(inputs, outputs)` of the synthesis transform.
    fn synthesis_widths(s: ImageAeShape) -> [(usize, usize); 4] {
        [
            (s.latent, s.channels),
            (s.channels, s.channels),
            (s.channels, s.channels),
            (s.channels, 3),
        ]
    }

    /// Serialises a model (used by the exporter in `ncodec-models`).
    pub fn write(
        shape: ImageAeShape,
        analysis: [FloatLayer<'_>; 4],
        gdn: [GdnParts<'_>; 3],
        synthesis: [FloatLayer<'_>; 4],
        igdn: [GdnParts<'_>; 3],
        prior: &[Vec<u32>],
    ) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&[VERSION, 0, 0, 0]);
        for v in [shape.channels, shape.latent, shape.range, 0] {
            out.extend_from_slice(&(v as u16).to_le_bytes());
        }
        let floats = |out: &mut Vec<u8>, values: &[f32]| {
            for v in values {
                out.extend_from_slice(&v.to_le_bytes());
            }
        };
        for (w, b) in analysis {
            floats(&mut out, w);
            floats(&mut out, b);
        }
        for (g, b) in gdn {
            floats(&mut out, g);
            floats(&mut out, b);
        }
        for (w, b) in synthesis {
            floats(&mut out, w);
            floats(&mut out, b);
        }
        for (g, b) in igdn {
            floats(&mut out, g);
            floats(&mut out, b);
        }
        for table in prior {
            for f in table {
                out.extend_from_slice(&f.to_le_bytes());
            }
        }
        let hash = xxh3_64(&out);
        out.extend_from_slice(&hash.to_le_bytes());
        out
    }

    /// The model hash ([`hash`](Self::hash)) of a weights file, checked but not parsed.
    pub fn hash_of(bytes: &[u8]) -> Result<u64, RuntimeError> {
        Reader::checked(bytes, MAGIC).map(|(_, hash)| hash)
    }

    /// Parses and checks a weights file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, RuntimeError> {
        let (mut r, hash) = Reader::checked(bytes, MAGIC)?;
        let version = r.u8()?;
        if version != VERSION {
            return Err(RuntimeError::Unsupported(format!(
                "image weights version {version}"
            )));
        }
        r.take(3)?;
        let shape = ImageAeShape {
            channels: usize::from(r.u16()?),
            latent: usize::from(r.u16()?),
            range: usize::from(r.u16()?),
        };
        r.u16()?;
        if shape.channels == 0 || shape.latent == 0 || shape.range == 0 || shape.range > 4096 {
            return Err(RuntimeError::Corrupt("impossible image model shape"));
        }
        let mut floats = |n: usize| -> Result<Vec<f32>, RuntimeError> {
            let raw = r.take(
                n.checked_mul(4)
                    .ok_or(RuntimeError::Corrupt("size overflow"))?,
            )?;
            Ok(raw
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect())
        };
        let k2 = KERNEL * KERNEL;
        let mut analysis = Vec::new();
        for (i, o) in Self::analysis_widths(shape) {
            analysis.push(Conv2d {
                inputs: i,
                outputs: o,
                kernel: KERNEL,
                stride: 2,
                padding: 2,
                weights: floats(o * i * k2)?,
                bias: floats(o)?,
            });
        }
        let c = shape.channels;
        let mut gdn = Vec::new();
        for _ in 0..3 {
            gdn.push(GdnLite {
                gamma: floats(c * c)?,
                beta: floats(c)?,
                inverse: false,
            });
        }
        let mut synthesis = Vec::new();
        for (i, o) in Self::synthesis_widths(shape) {
            synthesis.push(ConvTranspose2d {
                inputs: i,
                outputs: o,
                kernel: KERNEL,
                stride: 2,
                padding: 2,
                output_padding: 1,
                weights: floats(i * o * k2)?,
                bias: floats(o)?,
            });
        }
        let mut igdn = Vec::new();
        for _ in 0..3 {
            igdn.push(GdnLite {
                gamma: floats(c * c)?,
                beta: floats(c)?,
                inverse: true,
            });
        }
        let symbols = 2 * shape.range + 1;
        let mut prior = Vec::with_capacity(shape.latent);
        for _ in 0..shape.latent {
            let raw = r.take(symbols * 4)?;
            let freqs: Vec<u64> = raw
                .chunks_exact(4)
                .map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
                .collect();
            prior.push(
                FrequencyTable::from_probabilities(&freqs)
                    .map_err(|_| RuntimeError::Corrupt("a prior table is not a distribution"))?,
            );
        }
        if r.rest() != 0 {
            return Err(RuntimeError::Corrupt("trailing bytes"));
        }
        let synthesis_adjoint = synthesis.iter().map(ConvTranspose2d::adjoint).collect();
        Ok(Self {
            shape,
            analysis,
            gdn,
            synthesis,
            synthesis_adjoint,
            igdn,
            prior,
            hash,
            latent_gains: OnceLock::new(),
        })
    }

    /// The sizes.
    pub fn shape(&self) -> ImageAeShape {
        self.shape
    }

    /// XXH3-64 of the weights file (the model hash of `.ncz` headers).
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// The frequency table of latent channel `c` over `-range..=range` (index
    /// `v + range`).
    pub fn prior(&self, c: usize) -> Option<&FrequencyTable> {
        self.prior.get(c)
    }

    /// The float latents of an RGB image in `[0, 1]` (sides multiples of 16).
    pub fn analyse(&self, x: &Planes) -> Planes {
        let mut h = x.clone();
        for (i, conv) in self.analysis.iter().enumerate() {
            h = conv.forward(&h);
            if let Some(g) = self.gdn.get(i) {
                g.forward(&mut h);
            }
        }
        h
    }

    /// Rounds and clamps latents to the integers the prior covers.
    pub fn quantize(&self, y: &Planes) -> Vec<i32> {
        let r = self.shape.range as f32;
        y.data
            .iter()
            .map(|&v| v.round().clamp(-r, r) as i32)
            .collect()
    }

    /// How much each latent channel moves the reconstruction: the squared change, summed
    /// over the RGB output on the `[0, 1]` scale, that a latent of 1 adds to all-zero
    /// latents (the centre of a 3×3 latent grid; larger grids change the gains by under
    /// 7 %). The encoder weighs rounding errors with it. Measured on first use (one small
    /// synthesis per channel) and kept.
    pub fn latent_gains(&self) -> &[f32] {
        self.latent_gains.get_or_init(|| {
            let (latent, side) = (self.shape.latent, 3);
            let plane = side * side;
            let mut latents = vec![0; latent * plane];
            let zero = self.synthesise(&latents, side, side);
            (0..latent)
                .map(|c| {
                    let at = c * plane + plane / 2;
                    latents[at] = 1;
                    let response = self.synthesise(&latents, side, side);
                    latents[at] = 0;
                    response
                        .data
                        .iter()
                        .zip(&zero.data)
                        .map(|(a, b)| (a - b) * (a - b))
                        .sum()
                })
                .collect()
        })
    }

    /// Like [`synthesise`](Self::synthesise) for latents given as planes (any values),
    /// also keeping what [`synthesis_gradient`](Self::synthesis_gradient) needs.
    pub fn synthesise_traced(&self, latents: &Planes) -> (Planes, SynthesisTrace) {
        let mut h = latents.clone();
        let mut igdn_inputs = Vec::with_capacity(self.igdn.len());
        for (i, deconv) in self.synthesis.iter().enumerate() {
            h = deconv.forward(&h);
            if let Some(g) = self.igdn.get(i) {
                igdn_inputs.push(h.clone());
                g.forward(&mut h);
            }
        }
        (h, SynthesisTrace { igdn_inputs })
    }

    /// The gradient with respect to the latents of a loss whose gradient with respect to
    /// the reconstruction is `grad` (backpropagation through the synthesis transform).
    pub fn synthesis_gradient(&self, trace: &SynthesisTrace, grad: &Planes) -> Planes {
        let mut g = grad.clone();
        for i in (0..self.synthesis.len()).rev() {
            if let (Some(gdn), Some(x)) = (self.igdn.get(i), trace.igdn_inputs.get(i)) {
                g = gdn.backward_inverse(x, &g);
            }
            g = self.synthesis_adjoint[i].forward(&g);
        }
        g
    }

    /// The reconstruction (RGB, nominally `[0, 1]`) of integer latents of
    /// `height × width` positions.
    pub fn synthesise(&self, latents: &[i32], height: usize, width: usize) -> Planes {
        let mut h = Planes {
            channels: self.shape.latent,
            height,
            width,
            data: latents.iter().map(|&v| v as f32).collect(),
        };
        h.data.resize(self.shape.latent * height * width, 0.0);
        for (i, deconv) in self.synthesis.iter().enumerate() {
            h = deconv.forward(&h);
            if let Some(g) = self.igdn.get(i) {
                g.forward(&mut h);
            }
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entropy::PRECISION;

    /// A tiny model with arbitrary weights (2 hidden channels, 1 latent, range 3).
    pub(crate) fn tiny() -> Vec<u8> {
        let shape = ImageAeShape {
            channels: 2,
            latent: 1,
            range: 3,
        };
        let ramp =
            |n: usize| -> Vec<f32> { (0..n).map(|i| ((i * 7) % 11) as f32 / 20.0 - 0.2).collect() };
        let a: Vec<(Vec<f32>, Vec<f32>)> = ImageAe::analysis_widths(shape)
            .iter()
            .map(|&(i, o)| (ramp(i * o * 25), ramp(o)))
            .collect();
        let s: Vec<(Vec<f32>, Vec<f32>)> = ImageAe::synthesis_widths(shape)
            .iter()
            .map(|&(i, o)| (ramp(i * o * 25), ramp(o)))
            .collect();
        let g = (vec![0.1f32, 0.0, 0.0, 0.1], vec![1.0f32, 1.0]);
        let mut table = vec![1u32 << (PRECISION - 3); 7];
        let used: u32 = table.iter().sum();
        table[3] += (1u32 << PRECISION) - used;
        ImageAe::write(
            shape,
            [0, 1, 2, 3].map(|k| (&a[k].0[..], &a[k].1[..])),
            [0, 1, 2].map(|_| (&g.0[..], &g.1[..])),
            [0, 1, 2, 3].map(|k| (&s[k].0[..], &s[k].1[..])),
            [0, 1, 2].map(|_| (&g.0[..], &g.1[..])),
            &[table],
        )
    }

    #[test]
    fn loads_and_runs_both_transforms() {
        let bytes = tiny();
        let model = ImageAe::from_bytes(&bytes).unwrap();
        assert_eq!(model.hash(), xxh3_64(&bytes[..bytes.len() - 8]));
        let x = Planes {
            channels: 3,
            height: 32,
            width: 48,
            data: (0..3 * 32 * 48).map(|i| (i % 255) as f32 / 255.0).collect(),
        };
        let y = model.analyse(&x);
        assert_eq!((y.channels, y.height, y.width), (1, 2, 3));
        let q = model.quantize(&y);
        assert!(q.iter().all(|v| (-3..=3).contains(v)));
        let x_hat = model.synthesise(&q, 2, 3);
        assert_eq!((x_hat.channels, x_hat.height, x_hat.width), (3, 32, 48));
        assert_eq!(model.prior(0).unwrap().len(), 7);
    }

    #[test]
    fn damaged_files_are_refused() {
        let bytes = tiny();
        for pos in [0, 5, 12, bytes.len() / 2, bytes.len() - 1] {
            let mut bad = bytes.clone();
            bad[pos] ^= 1;
            assert!(ImageAe::from_bytes(&bad).is_err());
        }
        for len in [0, 7, 20, bytes.len() - 1] {
            assert!(ImageAe::from_bytes(&bytes[..len]).is_err());
        }
    }

    #[test]
    fn synthesis_gradient_matches_finite_differences() {
        let model = ImageAe::from_bytes(&tiny()).unwrap();
        let y = Planes {
            channels: 1,
            height: 2,
            width: 2,
            data: vec![1.3, -0.7, 2.1, 0.4],
        };
        let (out, trace) = model.synthesise_traced(&y);
        let weights: Vec<f32> = (0..out.data.len())
            .map(|i| ((i * 13) % 7) as f32 - 3.0)
            .collect();
        let loss = |y: &Planes| -> f64 {
            model
                .synthesise_traced(y)
                .0
                .data
                .iter()
                .zip(&weights)
                .map(|(a, b)| f64::from(a * b))
                .sum()
        };
        let grad = Planes {
            data: weights.clone(),
            ..out.clone()
        };
        let analytic = model.synthesis_gradient(&trace, &grad);
        for k in 0..4 {
            let h = 1e-2f32;
            let (mut up, mut down) = (y.clone(), y.clone());
            up.data[k] += h;
            down.data[k] -= h;
            let numeric = (loss(&up) - loss(&down)) / (2.0 * f64::from(h));
            let a = f64::from(analytic.data[k]);
            assert!(
                (numeric - a).abs() < 1e-2 * numeric.abs().max(1.0),
                "{k}: {numeric} vs {a}"
            );
        }
    }
}
