//! Codes a run of whole interleaved PCM frames: optional mid/side stereo, then per block
//! and channel an integer linear predictor (order up to [`MAX_ORDER`], coefficients chosen
//! by the encoder and sent), and the prediction residuals with an adaptive binary model
//! (the residual's bit length through a context tree keyed by the recent residual level,
//! the bit below its leading one adaptively, the rest and the sign at one half), all on
//! one range-coded stream.
//!
//! The decoder only adds integers: the predictor's coefficients are in the stream, so its
//! output never depends on the CPU; the encoder's float analysis only decides which
//! coefficients to send.

use crate::codecs::speech::lpc::levinson;
use crate::entropy::{RangeDecoder, RangeEncoder};
use crate::Error;

/// Frames per block (one predictor per block and channel).
pub const BLOCK: usize = 8192;

/// Largest prediction order.
pub const MAX_ORDER: usize = 32;

/// Fractional bits of the quantized coefficients, at most.
const MAX_SHIFT: u32 = 14;

/// Largest bit length of a residual (a 32-bit sample's residual fits in 63 bits).
const LENGTH_BITS: u32 = 6;

/// Adaptation rate of the binary models (probability moves 1/2^RATE of the way).
const RATE: u32 = 6;

/// The sample format of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    /// Interleaved channels.
    pub channels: usize,
    /// Bits per sample (8 unsigned; 16, 24, 32 signed).
    pub bits: u32,
}

impl Format {
    fn sample_bytes(&self) -> usize {
        self.bits as usize / 8
    }

    fn read(&self, bytes: &[u8]) -> i64 {
        match self.bits {
            8 => i64::from(bytes[0]) - 128,
            16 => i64::from(i16::from_le_bytes([bytes[0], bytes[1]])),
            24 => i64::from(i32::from_le_bytes([0, bytes[0], bytes[1], bytes[2]]) >> 8),
            _ => i64::from(i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])),
        }
    }

    fn write(&self, value: i64, out: &mut Vec<u8>) {
        match self.bits {
            8 => out.push((value + 128) as u8),
            16 => out.extend_from_slice(&(value as i16).to_le_bytes()),
            24 => out.extend_from_slice(&(value as i32).to_le_bytes()[..3]),
            _ => out.extend_from_slice(&(value as i32).to_le_bytes()),
        }
    }
}

/// Codes `data` (whole frames of `format`) into `out`.
pub fn encode(data: &[u8], format: Format, out: &mut Vec<u8>) {
    let frame = format.channels * format.sample_bytes();
    let frames = data.len() / frame;
    let mut channels: Vec<Vec<i64>> = vec![Vec::with_capacity(frames); format.channels];
    for f in data.chunks_exact(frame) {
        for (c, sample) in f.chunks_exact(format.sample_bytes()).enumerate() {
            channels[c].push(format.read(sample));
        }
    }
    let mut enc = RangeEncoder::new();
    // Stereo as left/right or mid/side, and the filter cascade: whichever codes the
    // run's start smallest.
    let mid_side_channels = (format.channels == 2).then(|| {
        let (left, right) = (&channels[0], &channels[1]);
        vec![
            left.iter()
                .zip(right)
                .map(|(l, r)| (l + r) >> 1)
                .collect::<Vec<i64>>(),
            left.iter().zip(right).map(|(l, r)| l - r).collect(),
        ]
    });
    let trial = frames.min(TRIAL_FRAMES);
    let mut best = (usize::MAX, false, 0usize);
    for mid_side in [false, true] {
        let candidate = match (&mid_side_channels, mid_side) {
            (Some(ms), true) => ms,
            (None, true) => continue,
            _ => &channels,
        };
        for c in 0..CASCADES.len() {
            if frames <= BLOCK && c > 0 {
                break;
            }
            let mut probe = RangeEncoder::new();
            code_channels(&mut probe, candidate, trial, c);
            if probe.num_bits() < best.0 {
                best = (probe.num_bits(), mid_side, c);
            }
        }
    }
    let (_, mid_side, choice) = best;
    if format.channels == 2 {
        enc.encode_bit(mid_side, HALF);
    }
    if let (Some(ms), true) = (mid_side_channels, mid_side) {
        channels = ms;
    }
    put_bits(&mut enc, choice as u64, 2);
    code_channels(&mut enc, &channels, frames, choice);
    out.extend_from_slice(&enc.finish());
}

/// Codes the first `frames` samples of every channel with cascade `choice`.
fn code_channels(enc: &mut RangeEncoder, channels: &[Vec<i64>], frames: usize, choice: usize) {
    let mut models: Vec<ResidualModel> = channels.iter().map(|_| ResidualModel::new()).collect();
    let mut cascades: Vec<Cascade> = channels.iter().map(|_| Cascade::new(choice)).collect();
    for start in (0..frames).step_by(BLOCK) {
        let end = (start + BLOCK).min(frames);
        for ((signal, model), cascade) in channels.iter().zip(&mut models).zip(&mut cascades) {
            let predictor = Predictor::analyse(signal, start, end);
            predictor.write(enc);
            for n in start..end {
                let residual = signal[n] - predictor.predict(signal, n);
                let residual = cascade.forward(residual);
                model.encode(enc, residual);
            }
        }
    }
}

/// Decodes `frames` frames of `format` from `payload`, appending their bytes to `out`.
pub fn decode(
    payload: &[u8],
    format: Format,
    frames: usize,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let mut dec = RangeDecoder::new(payload)?;
    let mid_side = format.channels == 2 && dec.decode_bit(HALF)?;
    let mut channels: Vec<Vec<i64>> = vec![Vec::with_capacity(frames); format.channels];
    let choice = get_bits(&mut dec, 2)? as usize;
    if choice >= CASCADES.len() {
        return Err(corrupt("unknown filter cascade"));
    }
    let mut models: Vec<ResidualModel> =
        (0..format.channels).map(|_| ResidualModel::new()).collect();
    let mut cascades: Vec<Cascade> = (0..format.channels).map(|_| Cascade::new(choice)).collect();
    for start in (0..frames).step_by(BLOCK) {
        let end = (start + BLOCK).min(frames);
        for ((signal, model), cascade) in channels.iter_mut().zip(&mut models).zip(&mut cascades) {
            let predictor = Predictor::read(&mut dec)?;
            for n in start..end {
                let residual = cascade.inverse(model.decode(&mut dec)?);
                let value = residual
                    .checked_add(predictor.predict(signal, n))
                    .ok_or_else(|| corrupt("sample out of range"))?;
                signal.push(value);
            }
        }
    }
    out.reserve(frames * format.channels * format.sample_bytes());
    for n in 0..frames {
        if mid_side {
            let (mid, side) = (channels[0][n], channels[1][n]);
            let sum = (mid << 1) | (side & 1);
            format.write((sum + side) >> 1, out);
            format.write((sum - side) >> 1, out);
        } else {
            for channel in &channels {
                format.write(channel[n], out);
            }
        }
    }
    Ok(())
}

const HALF: u32 = 1 << 15;

fn corrupt(reason: &str) -> Error {
    Error::CorruptChunk {
        index: 0,
        reason: format!("pcm run: {reason}"),
    }
}

/// An integer linear predictor: `x̂[n] = (Σ c_i · x[n−1−i] + 2^(shift−1)) >> shift`.
#[derive(Debug, Clone)]
struct Predictor {
    coefficients: Vec<i64>,
    shift: u32,
}

impl Predictor {
    /// The predictor for `signal[start..end]`: LPC by Levinson–Durbin on the windowed
    /// block (with up to `MAX_ORDER` samples of history), the order of smallest
    /// estimated size, coefficients rounded to integers.
    fn analyse(signal: &[i64], start: usize, end: usize) -> Self {
        let n = end - start;
        let order_cap = MAX_ORDER.min(n / 8);
        if order_cap == 0 {
            return Self {
                coefficients: Vec::new(),
                shift: 0,
            };
        }
        // Welch window (no transcendental functions: the same on every machine).
        let half = n as f64 / 2.0;
        let windowed: Vec<f64> = (0..n)
            .map(|i| {
                let t = (i as f64 + 0.5 - half) / half;
                signal[start + i] as f64 * (1.0 - t * t)
            })
            .collect();
        let mut r: Vec<f64> = (0..=order_cap)
            .map(|lag| {
                windowed
                    .iter()
                    .zip(&windowed[lag..])
                    .map(|(a, b)| a * b)
                    .sum()
            })
            .collect();
        if r[0] <= 0.0 {
            return Self {
                coefficients: Vec::new(),
                shift: 0,
            };
        }
        // Slight white-noise floor and lag window keep the recursion well conditioned.
        r[0] *= 1.0 + 1e-9;
        for (lag, value) in r.iter_mut().enumerate().skip(1) {
            let g = 0.0005 * lag as f64;
            *value *= 1.0 - g * g;
        }
        // Pick the order by the error the recursion predicts plus the coefficients' cost.
        let mut best = (f64::INFINITY, 0usize);
        let mut a_best = vec![1.0];
        for order in [1, 2, 4, 8, 12, 16, 20, 24, 32] {
            if order > order_cap {
                break;
            }
            let (a, error) = levinson(&r[..=order]);
            let bits = 0.5 * n as f64 * (error.max(1e-9) / r[0]).log2() + (order * 15) as f64;
            if bits < best.0 {
                best = (bits, order);
                a_best = a;
            }
        }
        let order = best.1;
        let peak = a_best[1..=order].iter().fold(0.0f64, |m, a| m.max(a.abs()));
        let mut shift = MAX_SHIFT;
        while shift > 0 && peak * f64::from(1u32 << shift) >= 32767.0 {
            shift -= 1;
        }
        let scale = f64::from(1u32 << shift);
        let coefficients = a_best[1..=order]
            .iter()
            .map(|a| (-a * scale).round() as i64)
            .collect();
        Self {
            coefficients,
            shift,
        }
    }

    /// The prediction of `signal[n]` from the samples before it (zeros before the run).
    #[inline]
    fn predict(&self, signal: &[i64], n: usize) -> i64 {
        if self.coefficients.is_empty() {
            return 0;
        }
        let mut acc: i64 = 0;
        if n >= self.coefficients.len() {
            let history = &signal[n - self.coefficients.len()..n];
            for (c, x) in self.coefficients.iter().zip(history.iter().rev()) {
                acc = acc.wrapping_add(c.wrapping_mul(*x));
            }
        } else {
            for (i, c) in self.coefficients.iter().enumerate().take(n) {
                acc = acc.wrapping_add(c.wrapping_mul(signal[n - 1 - i]));
            }
        }
        let round = if self.shift > 0 {
            1i64 << (self.shift - 1)
        } else {
            0
        };
        acc.wrapping_add(round) >> self.shift
    }

    /// Order (6 bits), shift (4 bits), coefficient width (5 bits), coefficients.
    fn write(&self, enc: &mut RangeEncoder) {
        put_bits(enc, self.coefficients.len() as u64, 6);
        if self.coefficients.is_empty() {
            return;
        }
        put_bits(enc, u64::from(self.shift), 4);
        let width = self
            .coefficients
            .iter()
            .map(|&c| 65 - (c ^ (c >> 63)).leading_zeros())
            .max()
            .unwrap_or(1);
        put_bits(enc, u64::from(width - 1), 5);
        for &c in &self.coefficients {
            put_bits(enc, (c as u64) & ((1 << width) - 1), width);
        }
    }

    fn read(dec: &mut RangeDecoder) -> Result<Self, Error> {
        let order = get_bits(dec, 6)? as usize;
        if order > MAX_ORDER {
            return Err(corrupt("prediction order out of range"));
        }
        if order == 0 {
            return Ok(Self {
                coefficients: Vec::new(),
                shift: 0,
            });
        }
        let shift = get_bits(dec, 4)? as u32;
        if shift > MAX_SHIFT {
            return Err(corrupt("coefficient shift out of range"));
        }
        let width = get_bits(dec, 5)? as u32 + 1;
        if width > 17 {
            return Err(corrupt("coefficient width out of range"));
        }
        let coefficients = (0..order)
            .map(|_| {
                get_bits(dec, width).map(|raw| {
                    // Sign-extend `width` bits.
                    ((raw << (64 - width)) as i64) >> (64 - width)
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            coefficients,
            shift,
        })
    }
}

/// Adaptive sign-sign LMS filters applied one after another to the linear predictor's
/// residual: each predicts its input from its own recent inputs and passes on what it
/// missed, so that correlations a block's fixed predictor leaves (pitch periods, drifts
/// within a block) are taken out. Integer arithmetic (wrapping, as both sides do the same).
struct Cascade {
    stages: Vec<Lms>,
}

impl Cascade {
    fn new(choice: usize) -> Self {
        Self {
            stages: CASCADES[choice]
                .iter()
                .map(|&(order, shift)| Lms::new(order, shift))
                .collect(),
        }
    }

    #[inline]
    fn forward(&mut self, mut value: i64) -> i64 {
        for stage in &mut self.stages {
            let prediction = stage.predict();
            let out = value - prediction;
            stage.update(value, out);
            value = out;
        }
        value
    }

    #[inline]
    fn inverse(&mut self, mut value: i64) -> i64 {
        for stage in self.stages.iter_mut().rev() {
            let prediction = stage.predict();
            let input = value + prediction;
            stage.update(input, value);
            value = input;
        }
        value
    }
}

/// The cascades an encoder chooses from per run, as `(order, shift)` of the LMS stages,
/// longest first: a long one suits tonal music, short ones speech and transients.
const CASCADES: [&[(usize, u32)]; 4] = [
    &[(16, 11)],
    &[(32, 11), (16, 11)],
    &[(256, 13), (16, 11)],
    &[(256, 13)],
];

/// Frames of a run the encoder codes with every cascade to choose one.
const TRIAL_FRAMES: usize = 1 << 16;

/// One sign-sign LMS stage.
struct Lms {
    order: usize,
    shift: u32,
    weights: Vec<i32>,
    /// The last `order` inputs (clamped to 16 bits), newest last, in a window of a
    /// double-length buffer so the dot product reads one contiguous slice.
    history: Vec<i32>,
    steps: Vec<i32>,
    at: usize,
    mean: i32,
}

impl Lms {
    fn new(order: usize, shift: u32) -> Self {
        Self {
            order,
            shift,
            weights: vec![0; order],
            history: vec![0; 2 * order],
            steps: vec![0; 2 * order],
            at: order,
            mean: 0,
        }
    }

    #[inline]
    fn predict(&self) -> i64 {
        let window = &self.history[self.at - self.order..self.at];
        let dot = window
            .iter()
            .zip(&self.weights)
            .fold(0i32, |acc, (&x, &w)| acc.wrapping_add(x.wrapping_mul(w)));
        i64::from(dot.wrapping_add(1 << (self.shift - 1)) >> self.shift)
    }

    #[inline]
    fn update(&mut self, input: i64, error: i64) {
        let steps = &self.steps[self.at - self.order..self.at];
        if error > 0 {
            for (w, &s) in self.weights.iter_mut().zip(steps) {
                *w = w.wrapping_add(s);
            }
        } else if error < 0 {
            for (w, &s) in self.weights.iter_mut().zip(steps) {
                *w = w.wrapping_sub(s);
            }
        }
        let x = input.clamp(-32768, 32767) as i32;
        let magnitude = x.abs();
        let step = if magnitude > 3 * self.mean {
            32
        } else if 3 * magnitude > 4 * self.mean {
            16
        } else if magnitude > 0 {
            8
        } else {
            0
        };
        self.mean += (magnitude - self.mean) / 16;
        if self.at == 2 * self.order {
            self.history.copy_within(self.order.., 0);
            self.steps.copy_within(self.order.., 0);
            self.at = self.order;
        }
        self.history[self.at] = x;
        self.steps[self.at] = if x > 0 {
            step
        } else if x < 0 {
            -step
        } else {
            0
        };
        self.at += 1;
    }
}

fn put_bits(enc: &mut RangeEncoder, value: u64, bits: u32) {
    for i in (0..bits).rev() {
        enc.encode_bit((value >> i) & 1 == 1, HALF);
    }
}

fn get_bits(dec: &mut RangeDecoder, bits: u32) -> Result<u64, Error> {
    let mut value = 0u64;
    for _ in 0..bits {
        value = (value << 1) | u64::from(dec.decode_bit(HALF)?);
    }
    Ok(value)
}

/// An adaptive binary probability (of a 1), 16-bit.
type Bit = crate::codecs::adaptive_bit::AdaptiveBit<RATE, 64>;

/// Contexts of the residual level: the bit length of the running mean magnitude, in
/// half steps.
const LEVELS: usize = 2 * 40;

/// The adaptive model of one channel's residuals.
struct ResidualModel {
    /// Running mean of |residual|, ×16.
    mean: u64,
    /// Bit-length tree per level context: node `1..64` of a 6-level binary tree.
    lengths: Vec<[Bit; 1 << LENGTH_BITS]>,
    /// The bit below the leading one, per bit length and level context.
    second: Vec<[Bit; 64]>,
    /// The next bit, per second bit and bit length.
    third: [[Bit; 64]; 2],
}

impl ResidualModel {
    fn new() -> Self {
        Self {
            mean: 16,
            lengths: vec![[Bit::NEW; 1 << LENGTH_BITS]; LEVELS],
            second: vec![[Bit::NEW; 64]; 4],
            third: [[Bit::NEW; 64]; 2],
        }
    }

    #[inline]
    fn level(&self) -> usize {
        let m = self.mean.max(1);
        let length = 64 - m.leading_zeros() as usize; // 1..=64
        let half = if length >= 2 {
            (m >> (length - 2)) & 1
        } else {
            0
        } as usize;
        (2 * length + half).min(LEVELS - 1)
    }

    #[inline]
    fn adapt(&mut self, magnitude: u64) {
        let target = magnitude.saturating_mul(16);
        let k = 3;
        if target >= self.mean {
            self.mean += (target - self.mean) >> k;
        } else {
            self.mean -= (self.mean - target) >> k;
        }
    }

    fn encode(&mut self, enc: &mut RangeEncoder, residual: i64) {
        let magnitude = residual.unsigned_abs();
        let length = 64 - magnitude.leading_zeros(); // 0..=64
        let length = length.min((1 << LENGTH_BITS) - 1);
        let level = self.level();
        let tree = &mut self.lengths[level];
        let mut node = 1usize;
        for i in (0..LENGTH_BITS).rev() {
            let bit = (length >> i) & 1 == 1;
            enc.encode_bit(bit, tree[node].p());
            tree[node].update(bit);
            node = 2 * node + usize::from(bit);
        }
        if length >= 2 {
            let second = (magnitude >> (length - 2)) & 1 == 1;
            let model = &mut self.second[level.min(LEVELS - 1) * 4 / LEVELS][length as usize];
            enc.encode_bit(second, model.p());
            model.update(second);
            if length >= 3 {
                let third = (magnitude >> (length - 3)) & 1 == 1;
                let model = &mut self.third[usize::from(second)][length as usize];
                enc.encode_bit(third, model.p());
                model.update(third);
                for i in (0..length - 3).rev() {
                    enc.encode_bit((magnitude >> i) & 1 == 1, HALF);
                }
            }
        }
        if length >= 1 {
            enc.encode_bit(residual < 0, HALF);
        }
        self.adapt(magnitude);
    }

    fn decode(&mut self, dec: &mut RangeDecoder) -> Result<i64, Error> {
        let level = self.level();
        let tree = &mut self.lengths[level];
        let mut node = 1usize;
        for _ in 0..LENGTH_BITS {
            let bit = dec.decode_bit(tree[node].p())?;
            tree[node].update(bit);
            node = 2 * node + usize::from(bit);
        }
        let length = (node - (1 << LENGTH_BITS)) as u32;
        let mut magnitude: u64 = u64::from(length >= 1);
        if length >= 2 {
            let model = &mut self.second[level.min(LEVELS - 1) * 4 / LEVELS][length as usize];
            let second = dec.decode_bit(model.p())?;
            model.update(second);
            magnitude = (magnitude << 1) | u64::from(second);
            if length >= 3 {
                let model = &mut self.third[usize::from(second)][length as usize];
                let third = dec.decode_bit(model.p())?;
                model.update(third);
                magnitude = (magnitude << 1) | u64::from(third);
                for _ in 0..length - 3 {
                    magnitude = (magnitude << 1) | u64::from(dec.decode_bit(HALF)?);
                }
            }
        }
        if length > 62 {
            return Err(corrupt("residual out of range"));
        }
        let negative = length >= 1 && dec.decode_bit(HALF)?;
        self.adapt(magnitude);
        let value = magnitude as i64;
        Ok(if negative { -value } else { value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(data: &[u8], format: Format) -> usize {
        let mut coded = Vec::new();
        encode(data, format, &mut coded);
        let frames = data.len() / (format.channels * format.bits as usize / 8);
        let mut back = Vec::new();
        decode(&coded, format, frames, &mut back).unwrap();
        assert_eq!(back, data);
        coded.len()
    }

    #[test]
    fn tones_shrink_and_extremes_round_trip() {
        let mut data = Vec::new();
        for n in 0..20_000 {
            let t = n as f64 / 44_100.0;
            let l = (8000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as i16;
            let r = (6000.0 * (2.0 * std::f64::consts::PI * 660.0 * t).sin()) as i16;
            data.extend_from_slice(&l.to_le_bytes());
            data.extend_from_slice(&r.to_le_bytes());
        }
        let size = round_trip(
            &data,
            Format {
                channels: 2,
                bits: 16,
            },
        );
        assert!(size < data.len() / 4, "{size}");
        for bits in [8u32, 16, 24, 32] {
            let width = bits as usize / 8;
            let mut extremes = Vec::new();
            for i in 0..3000usize {
                let byte = if i % 3 == 0 {
                    0xff
                } else if i % 3 == 1 {
                    0x00
                } else {
                    0x80
                };
                extremes.extend(std::iter::repeat_n(byte, width));
            }
            round_trip(&extremes, Format { channels: 1, bits });
            round_trip(&extremes[..width * 2], Format { channels: 2, bits });
            round_trip(&extremes[..width * 6], Format { channels: 3, bits });
        }
        round_trip(
            &[],
            Format {
                channels: 2,
                bits: 16,
            },
        );
    }
}
