//! The pixel coder of `limg`: every sample predicted from its causal neighbours by a
//! blend of simple predictors weighted by their recent local errors, and the residual
//! coded bit by bit with adaptive binary models whose contexts are the expected error
//! magnitude (and, for red and blue, how far off green was at the same pixel). Colour
//! photos are coded as G, R − G, B − G. Everything is integer, so encoder and decoder
//! agree exactly.

use crate::entropy::{RangeDecoder, RangeEncoder};
use crate::Error;

pub(super) fn corrupt(reason: &str) -> Error {
    Error::CorruptChunk {
        index: 0,
        reason: format!("limg pixels: {reason}"),
    }
}

/// Adaptation rate of the binary models (probability moves 1/2^RATE of the way).
const RATE: u32 = 6;
/// Contexts of the expected error magnitude.
const LEVELS: usize = 24;
/// Bit length of a residual magnitude: 0..=9 (|r| ≤ 511) fits a 4-level tree.
const LENGTH_BITS: u32 = 4;
/// Predictors blended per sample.
const PREDICTORS: usize = 4;
/// Fixed-point fraction bits of predictions.
const FRACTION: u32 = 3;

/// An adaptive binary probability (of a 1), 16-bit.
pub(super) type Bit = crate::codecs::adaptive_bit::AdaptiveBit<RATE, 32>;

/// Where a residual's binary decisions go, come from, or are counted: the range coder
/// (which also adapts the models), or the bits-back coder's recorders ([`super::bits_back`]).
pub(super) trait BitIo {
    /// Handles one decision coded with `model`: `bit` is its value when known (encoding,
    /// costing), ignored when read. Returns the decision.
    fn bit(&mut self, model: &mut Bit, bit: bool) -> Result<bool, Error>;
}

impl BitIo for RangeEncoder {
    #[inline]
    fn bit(&mut self, model: &mut Bit, bit: bool) -> Result<bool, Error> {
        self.encode_bit(bit, model.p());
        model.update(bit);
        Ok(bit)
    }
}

impl BitIo for RangeDecoder {
    #[inline]
    fn bit(&mut self, model: &mut Bit, _: bool) -> Result<bool, Error> {
        let bit = self
            .decode_bit(model.p())
            .map_err(|e| corrupt(&e.to_string()))?;
        model.update(bit);
        Ok(bit)
    }
}

/// The residual models of one plane.
#[derive(Clone)]
struct ResidualModel {
    /// Bit-length tree per (level, side context).
    lengths: Vec<[Bit; 1 << LENGTH_BITS]>,
    /// The mantissa bits below the leading one: per level band, bit length and position.
    mantissa: Vec<[[Bit; 10]; 10]>,
    /// Sign per level and sign context.
    sign: Vec<[Bit; 3]>,
}

/// Side contexts of a plane (for red and blue: how far off green was).
const SIDES: usize = 4;

/// Most binary decisions one residual takes: 4 for its bit length, up to 8 below the
/// leading one (|r| ≤ 255 in the mixture's components), 1 for the sign.
pub(super) const MAX_DECISIONS: usize = 13;

impl ResidualModel {
    fn new() -> Self {
        ResidualModel {
            lengths: vec![[Bit::NEW; 1 << LENGTH_BITS]; LEVELS * SIDES],
            mantissa: vec![[[Bit::NEW; 10]; 10]; 6],
            sign: vec![[Bit::NEW; 3]; LEVELS],
        }
    }

    /// Codes `residual` (encoder) or reads it (decoder, `residual` ignored).
    #[inline]
    fn code<Io: BitIo>(
        &mut self,
        io: &mut Io,
        residual: i32,
        level: usize,
        side: usize,
        sign_context: usize,
    ) -> Result<i32, Error> {
        let magnitude = residual.unsigned_abs();
        let length = 32 - magnitude.leading_zeros(); // 0..=9
        let tree = &mut self.lengths[level * SIDES + side];
        let mut node = 1usize;
        for i in (0..LENGTH_BITS).rev() {
            let bit = io.bit(&mut tree[node], (length >> i) & 1 == 1)?;
            node = 2 * node + usize::from(bit);
        }
        let length = (node - (1 << LENGTH_BITS)) as u32;
        if length > 9 {
            return Err(corrupt("residual out of range"));
        }
        let mut value: u32 = u32::from(length >= 1);
        if length >= 2 {
            let band = &mut self.mantissa[level * 6 / LEVELS][length as usize];
            for i in (0..length - 1).rev() {
                let position = (length - 2 - i) as usize; // 0 = the bit below the leading one
                let bit = io.bit(&mut band[position.min(9)], (magnitude >> i) & 1 == 1)?;
                value = (value << 1) | u32::from(bit);
            }
        }
        if value == 0 {
            return Ok(0);
        }
        let negative = io.bit(&mut self.sign[level][sign_context], residual < 0)?;
        Ok(if negative {
            -(value as i32)
        } else {
            value as i32
        })
    }
}

/// One plane's predictor state: the previous and current rows of values, of the
/// blended prediction's absolute errors, and of each predictor's absolute errors.
#[derive(Clone)]
struct Plane {
    width: usize,
    /// Values of rows y-2, y-1, y (ring of 3), padded by 2 on each side.
    rows: [Vec<i32>; 3],
    /// |residual| of the blended prediction, rows y-1 and y.
    errors: [Vec<u32>; 2],
    /// Signed residual of the blended prediction, rows y-1 and y.
    signed: [Vec<i32>; 2],
    /// Per predictor, |error| ×2^FRACTION, rows y-1 and y.
    predictor_errors: [[Vec<u32>; 2]; PREDICTORS],
    model: ResidualModel,
    /// Bias correction per level: sum of residuals and count (CALIC-style).
    bias: Vec<(i32, i32)>,
}

const PAD: usize = 2;

impl Plane {
    fn new(width: usize) -> Self {
        let row = || vec![0i32; width + 2 * PAD];
        let urow = || vec![0u32; width + 2 * PAD];
        Plane {
            width,
            rows: [row(), row(), row()],
            errors: [urow(), urow()],
            signed: [row(), row()],
            predictor_errors: std::array::from_fn(|_| [urow(), urow()]),
            model: ResidualModel::new(),
            bias: vec![(0, 0); LEVELS * 4],
        }
    }

    /// Starts row `y`: rotates the ring buffers.
    fn start_row(&mut self, y: usize) {
        self.rows.rotate_left(1);
        self.errors.swap(0, 1);
        self.signed.swap(0, 1);
        for e in &mut self.predictor_errors {
            e.swap(0, 1);
        }
        if y == 0 {
            for row in &mut self.rows {
                row.fill(0);
            }
        }
    }

    /// Predicts the sample at column `x` of the current row: the blended prediction
    /// (×2^FRACTION), each predictor's value, the error level and the sign context.
    #[inline]
    fn predict(&self, x: usize, y: usize) -> Prediction {
        let i = x + PAD;
        let cur = &self.rows[2];
        let up = &self.rows[1];
        let up2 = &self.rows[0];
        let w = if x > 0 { cur[i - 1] } else { up[i] };
        let n = if y > 0 { up[i] } else { w };
        let nw = if y > 0 && x > 0 { up[i - 1] } else { n };
        let ne = if y > 0 && x + 1 < self.width {
            up[i + 1]
        } else {
            n
        };
        let ww = if x > 1 { cur[i - 2] } else { w };
        let nne = if y > 1 && x + 1 < self.width {
            up2[i + 1]
        } else {
            ne
        };
        let s = FRACTION;
        let grad = w + n - nw;
        let med = if nw >= w.max(n) {
            w.min(n)
        } else if nw <= w.min(n) {
            w.max(n)
        } else {
            grad
        };
        let predictions: [i32; PREDICTORS] = [
            med << s,
            ((w + ne) << s) / 2 + ((n - nw) << s) / 4,
            (n << s) + ((ne - nne) << s) / 2,
            (w << s) + ((n - nw) << s) * 3 / 4 + ((w - ww) << s) / 8,
        ];
        let errs = &self.predictor_errors;
        let mut weights = [0u64; PREDICTORS];
        let mut sums = [0u64; PREDICTORS];
        let mut total = 0u64;
        for (k, weight) in weights.iter_mut().enumerate() {
            let e = &errs[k];
            let sum = u64::from(e[1][i - 1])
                + u64::from(e[0][i])
                + u64::from(e[0][i - 1]) / 2
                + u64::from(e[0][i + 1])
                + u64::from(e[1][i - 2]) / 2
                + 1;
            sums[k] = sum;
            *weight = (1u64 << 32) / (sum * sum);
            total += *weight;
        }
        let blended = predictions
            .iter()
            .zip(&weights)
            .map(|(&p, &w)| i64::from(p) * w as i64)
            .sum::<i64>()
            / total.max(1) as i64;
        // Expected error: neighbours' blended errors and the winning predictor's error.
        let er = &self.errors;
        let expected = 2 * er[1][i - 1]
            + 2 * er[0][i]
            + er[0][i - 1]
            + er[0][i + 1]
            + er[1][i - 2] / 2
            + er[0][i + 2] / 2;
        let spread = (w - n).unsigned_abs() + (n - nw).unsigned_abs() + (n - ne).unsigned_abs();
        let level = quantize(expected + spread);
        let sg = &self.signed;
        let sign_context = match (sg[1][i - 1] + sg[0][i]).signum() {
            -1 => 0,
            0 => 1,
            _ => 2,
        };
        Prediction {
            neighbours: [w << s, n << s, ne << s, (w + n) << (s - 1)],
            blended: blended as i32,
            predictions,
            sums,
            level,
            sign_context,
        }
    }

    /// Records the coded sample `value` at column `x`.
    #[inline]
    fn record(&mut self, x: usize, value: i32, prediction: &Prediction, residual: i32) {
        let i = x + PAD;
        self.rows[2][i] = value;
        self.errors[1][i] = residual.unsigned_abs();
        self.signed[1][i] = residual;
        for (k, p) in prediction.predictions.iter().enumerate() {
            self.predictor_errors[k][1][i] = ((value << FRACTION) - p).unsigned_abs();
        }
    }
}

struct Prediction {
    /// W, N, NE and (W + N)/2, ×2^FRACTION.
    neighbours: [i32; NEIGHBOURS],
    blended: i32,
    predictions: [i32; PREDICTORS],
    /// Each predictor's recent local error (the inverse square of its blend weight).
    sums: [u64; PREDICTORS],
    level: usize,
    sign_context: usize,
}

/// Log-spaced levels of an error magnitude.
#[inline]
fn quantize(e: u32) -> usize {
    let e = e as u64 * 4 + 1;
    let length = 64 - e.leading_zeros() as usize; // 1..
    let half = if length >= 2 {
        (e >> (length - 2)) & 1
    } else {
        0
    } as usize;
    (2 * length + half).saturating_sub(3).min(LEVELS - 1)
}

/// The shape of the samples: width, height and channels (1 gray or 3 RGB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Pixels per row.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// 1 (gray) or 3 (RGB).
    pub channels: usize,
}

/// Codes 8-bit `samples` (row-major, channels interleaved) of `shape` with the blend
/// alone on a range coder (the bits-back coder of [`super::bits_back`] codes the same
/// model as a mixture).
pub fn encode(samples: &[u8], shape: Shape, enc: &mut RangeEncoder) -> Result<(), Error> {
    run(shape, enc, |x, y, c| {
        i32::from(samples[(y * shape.width + x) * shape.channels + c])
    })
    .map(|_| ())
}

/// Decodes the samples of `shape` that [`encode`] coded.
pub fn decode(shape: Shape, dec: &mut RangeDecoder) -> Result<Vec<u8>, Error> {
    run(shape, dec, |_, _, _| 0)
}

/// The coding loop shared by encoder (`source` gives the samples) and decoder.
fn run<Io: BitIo>(
    shape: Shape,
    io: &mut Io,
    source: impl Fn(usize, usize, usize) -> i32,
) -> Result<Vec<u8>, Error> {
    let mut out = vec![0u8; shape.width * shape.height * shape.channels];
    let mut model = Model::new(shape);
    for y in 0..shape.height {
        model.start_row(y);
        for x in 0..shape.width {
            for c in 0..shape.channels {
                let step = model.prepare(x, y, c);
                let predicted = step.predicted[0];
                let actual = source(x, y, step.channel);
                let residual = model.code(io, &step, actual - predicted)?;
                let value = predicted + residual;
                if !(0..=255).contains(&value) {
                    return Err(corrupt("sample out of range"));
                }
                out[(y * shape.width + x) * shape.channels + step.channel] = value as u8;
                model.commit(x, &step, value);
            }
        }
    }
    Ok(out)
}

/// Components of the mixture that bits-back coding codes with: the blend, then each
/// of its predictors alone (locally best first), then the plain neighbours W, N, NE and
/// (W + N)/2.
pub(super) const COMPONENTS: usize = PREDICTORS + 1 + NEIGHBOURS;

/// Plain neighbour predictions among the mixture's components.
const NEIGHBOURS: usize = 4;

/// Contexts of the mixture's prior: plane (green/gray, red, blue) × 8 bands of the
/// expected error × which predictor is locally best × 4 bands of how far it leads the
/// second best × 3 bands of how far apart the components' predictions are.
pub(super) const PRIOR_CONTEXTS: usize = 3 * 8 * 4 * 4 * 3;

/// The whole causal state of a strip's coder: every plane's rows, errors, residual
/// models and bias, and the current pixel's green value and error.
#[derive(Clone)]
pub(super) struct Model {
    planes: Vec<Plane>,
    channels: usize,
    green: i32,
    green_error: u32,
}

/// What the model says about the next sample, before it is known.
pub(super) struct Step {
    /// Index of the sample's channel within a pixel.
    pub(super) channel: usize,
    plane: usize,
    prediction: Prediction,
    bias_slot: usize,
    offset: i32,
    side: usize,
    /// Predicted values (0..=255) of the mixture's components: the blend first.
    pub(super) predicted: [i32; COMPONENTS],
    /// The prior's context (below [`PRIOR_CONTEXTS`]).
    pub(super) context: usize,
}

impl Model {
    /// The state at the top of a strip.
    pub(super) fn new(shape: Shape) -> Self {
        Model {
            planes: (0..shape.channels)
                .map(|_| Plane::new(shape.width))
                .collect(),
            channels: shape.channels,
            green: 0,
            green_error: 0,
        }
    }

    /// Starts row `y`.
    pub(super) fn start_row(&mut self, y: usize) {
        for plane in &mut self.planes {
            plane.start_row(y);
        }
    }

    /// Predicts plane `c` (0 = green or gray, then red, blue) at column `x` of row `y`.
    /// Planes of a pixel come in order, each after the previous one's [`commit`](Self::commit).
    #[inline]
    pub(super) fn prepare(&self, x: usize, y: usize, c: usize) -> Step {
        // Plane 0 is green for colour (the samples' channel 1), else gray.
        let channel = if self.channels == 3 { [1, 0, 2][c] } else { 0 };
        let offset = if c == 0 { 0 } else { self.green };
        let plane = &self.planes[c];
        let prediction = plane.predict(x, y);
        let bias_slot = prediction.level * 4 + c.min(3);
        let (sum, count) = plane.bias[bias_slot];
        let correction = if count > 0 { sum / count } else { 0 };
        let round = |p: i32| {
            (((p + correction + (1 << (FRACTION - 1))) >> FRACTION) + offset).clamp(0, 255)
        };
        let side = if c == 0 {
            0
        } else {
            match self.green_error {
                0 => 0,
                1..=2 => 1,
                3..=8 => 2,
                _ => 3,
            }
        };
        // The predictors by their recent local error, smallest first (ties by index).
        let mut order: [usize; PREDICTORS] = std::array::from_fn(|k| k);
        order.sort_by_key(|&k| prediction.sums[k]);
        let mut predicted = [round(prediction.blended); COMPONENTS];
        for (slot, &k) in predicted[1..].iter_mut().zip(&order) {
            *slot = round(prediction.predictions[k]);
        }
        for (slot, &p) in predicted[1 + PREDICTORS..]
            .iter_mut()
            .zip(&prediction.neighbours)
        {
            *slot = round(p);
        }
        let (best, second) = (prediction.sums[order[0]], prediction.sums[order[1]]);
        let lead = ((best * 8 / second.max(1)) / 2).min(3) as usize;
        let low = predicted[1..].iter().copied().min().unwrap_or(0);
        let high = predicted[1..].iter().copied().max().unwrap_or(0);
        let spread = match high - low {
            0..=1 => 0,
            2..=5 => 1,
            _ => 2,
        };
        let context = (((c.min(2) * 8 + prediction.level * 8 / LEVELS) * 4 + order[0]) * 4 + lead)
            * 3
            + spread;
        Step {
            channel,
            plane: c,
            prediction,
            bias_slot,
            offset,
            side,
            predicted,
            context,
        }
    }

    /// Codes (or reads, or costs) `residual` — from any component's prediction — with
    /// the residual models in the step's contexts.
    #[inline]
    pub(super) fn code<Io: BitIo>(
        &mut self,
        io: &mut Io,
        step: &Step,
        residual: i32,
    ) -> Result<i32, Error> {
        self.planes[step.plane].model.code(
            io,
            residual,
            step.prediction.level,
            step.side,
            step.prediction.sign_context,
        )
    }

    /// Records the sample's `value` (0..=255): rows, errors, bias and the pixel's green.
    /// The residual models are adapted by whoever coded it ([`code`](Self::code)).
    #[inline]
    pub(super) fn commit(&mut self, x: usize, step: &Step, value: i32) {
        let residual = value - step.predicted[0];
        let plane = &mut self.planes[step.plane];
        let stored = value - step.offset;
        plane.record(x, stored, &step.prediction, residual);
        // Bias: the residual before rounding, in the fixed-point scale.
        let exact = (stored << FRACTION) - step.prediction.blended;
        let entry = &mut plane.bias[step.bias_slot];
        entry.0 += exact;
        entry.1 += 1;
        if entry.1 >= 64 {
            entry.0 /= 2;
            entry.1 /= 2;
        }
        if step.plane == 0 {
            self.green = value;
            self.green_error = residual.unsigned_abs();
        } else {
            self.green_error = self.green_error.max(residual.unsigned_abs());
        }
    }
}

/// Test images shared by the coders' unit tests.
#[cfg(test)]
pub(super) mod test_images {
    use super::Shape;

    /// For each `(width, height, channels)`: a gradient, noise and a checkerboard of 0
    /// and 255; then a flat 128×128 colour image.
    pub(in super::super) fn cases(shapes: &[(usize, usize, usize)]) -> Vec<(Vec<u8>, Shape)> {
        let mut state = 12345u64;
        let mut noise = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        };
        let mut out = Vec::new();
        for &(width, height, channels) in shapes {
            let shape = Shape {
                width,
                height,
                channels,
            };
            let (w, c, n) = (width, channels, width * height * channels);
            let smooth = (0..n)
                .map(|i| ((i % (w * c)) * 3 + i / (w * c)) as u8)
                .collect();
            let random = (0..n).map(|_| noise()).collect();
            let extremes = (0..n)
                .map(|i| {
                    if (i / c + i / (w * c)) % 2 == 0 {
                        0
                    } else {
                        255
                    }
                })
                .collect();
            out.extend([(smooth, shape), (random, shape), (extremes, shape)]);
        }
        let flat = Shape {
            width: 128,
            height: 128,
            channels: 3,
        };
        out.push((vec![77u8; 128 * 128 * 3], flat));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradients_noise_and_extremes_round_trip() {
        let shapes = [(1, 1, 1), (1, 1, 3), (7, 3, 3), (33, 17, 1), (64, 40, 3)];
        for (samples, shape) in test_images::cases(&shapes) {
            let mut enc = RangeEncoder::new();
            encode(&samples, shape, &mut enc).unwrap();
            let bytes = enc.finish();
            let mut dec = RangeDecoder::new(&bytes).unwrap();
            assert_eq!(decode(shape, &mut dec).unwrap(), samples, "{shape:?}");
            if samples.iter().all(|&s| s == 77) {
                assert!(
                    bytes.len() < 500,
                    "{} bytes for 48 KiB of one colour",
                    bytes.len()
                );
            }
        }
    }
}
