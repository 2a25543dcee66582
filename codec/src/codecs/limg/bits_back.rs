//! Bits-back coding of a strip: the sample model is a *mixture* whose latent variable is
//! which component predicted the sample — the blend of [`super::pixels`], one of its
//! four predictors alone (locally best first), or a plain neighbour (W, N, NE,
//! (W + N)/2) —, with a trained prior over the component per context ([`super::prior`])
//! that adapts to the photo (online EM on the posteriors). The sample's probability under component
//! `k` is the shared adaptive residual model's probability of `x − prediction_k`.
//!
//! The encoder codes the samples **last first** on an ANS stack; per sample it
//! 1. pops `k` with the posterior `q(k | x) ∝ prior(k) · p(x | k)` (getting back bits),
//! 2. pushes `x` with component `k`,
//! 3. pushes `k` with the prior.
//!
//! The decoder then reads the samples in raster order, mirroring it: pop `k` with the
//! prior, pop `x` with component `k`, push `k` back with the posterior (returning the
//! bits the encoder borrowed). Net cost per sample ≈ `−log2 Σ_k prior(k) p(x | k)`,
//! below the blend's own `−log2 p(x | 0)`. The posterior is computed from integer code
//! lengths ([`super::fixed_log`]), so both sides get the same one.
//!
//! Because the adaptive models must see the samples in raster order, the encoder runs
//! the model forward once keeping a snapshot of its state at the start of every segment
//! of rows, then replays the segments last to first, each forward from its snapshot,
//! and pushes that segment's samples in reverse. Memory is one snapshot per segment plus
//! one segment's records.
//!
//! The stack starts empty: popping from it gives component 0 for free until pushed data
//! accumulates, which is the "initial bits" cost of bits-back coding (measured in
//! `ncodec eval image --lossless`).

use super::fixed_log::cost_table;
use super::pixels::{corrupt, Bit, BitIo, Model, Shape, Step, COMPONENTS, MAX_DECISIONS};
use super::prior::{Prior, SampleCosts, Tree};
use crate::entropy::AnsCoder;
use crate::Error;

/// Samples per replayed segment (at least one row).
const SEGMENT_SAMPLES: usize = 1 << 15;

/// The binary decisions that code one residual, with the probabilities they were
/// coded with; recording them does not adapt the models.
#[derive(Clone, Copy, Default)]
struct Decisions {
    len: u8,
    bits: u16,
    probs: [u16; MAX_DECISIONS],
}

impl BitIo for Decisions {
    #[inline]
    fn bit(&mut self, model: &mut Bit, bit: bool) -> Result<bool, Error> {
        let i = usize::from(self.len);
        if i >= MAX_DECISIONS {
            return Err(corrupt("residual takes too many decisions"));
        }
        // p() is clamped to [32, 65503], so it fits 16 bits.
        self.probs[i] = model.p() as u16;
        self.bits |= u16::from(bit) << i;
        self.len += 1;
        Ok(bit)
    }
}

impl Decisions {
    /// Code length in 1/1024 bits.
    #[inline]
    fn cost(&self) -> u32 {
        let table = cost_table();
        (0..usize::from(self.len))
            .map(|i| {
                let p1 = usize::from(self.probs[i]);
                table[if self.bits >> i & 1 == 1 {
                    p1
                } else {
                    65536 - p1
                }]
            })
            .sum()
    }

    /// Exact code length in bits (for reports).
    fn bits(&self) -> f64 {
        (0..usize::from(self.len))
            .map(|i| {
                let p1 = f64::from(self.probs[i]) / 65536.0;
                -(if self.bits >> i & 1 == 1 {
                    p1
                } else {
                    1.0 - p1
                })
                .log2()
            })
            .sum()
    }

    /// Pushes the decisions so that popping reads them in order.
    #[inline]
    fn push(&self, stack: &mut AnsCoder) {
        for i in (0..usize::from(self.len)).rev() {
            stack.push_bit(self.bits >> i & 1 == 1, u32::from(self.probs[i]));
        }
    }
}

/// Sums the code length (1/1024 bits) of a residual's decisions, as
/// [`Decisions::cost`] would, without recording them.
#[derive(Default)]
struct Cost {
    decisions: usize,
    total: u32,
}

impl BitIo for Cost {
    #[inline]
    fn bit(&mut self, model: &mut Bit, bit: bool) -> Result<bool, Error> {
        if self.decisions >= MAX_DECISIONS {
            return Err(corrupt("residual takes too many decisions"));
        }
        self.decisions += 1;
        let p1 = usize::from(model.p() as u16);
        self.total += cost_table()[if bit { p1 } else { 65536 - p1 }];
        Ok(bit)
    }
}

/// Adapts the residual models to a coded residual.
struct Adapt;

impl BitIo for Adapt {
    #[inline]
    fn bit(&mut self, model: &mut Bit, bit: bool) -> Result<bool, Error> {
        model.update(bit);
        Ok(bit)
    }
}

/// Reads a residual's decisions off the stack (without adapting).
struct Pop<'a>(&'a mut AnsCoder);

impl BitIo for Pop<'_> {
    #[inline]
    fn bit(&mut self, model: &mut Bit, _: bool) -> Result<bool, Error> {
        self.0
            .pop_bit(model.p())
            .map_err(|e| corrupt(&e.to_string()))
    }
}

/// Each component's decisions for the sample `value` at `step`.
#[inline]
fn decisions(model: &mut Model, step: &Step, value: i32) -> Result<[Decisions; COMPONENTS], Error> {
    per_component(model, step, value, Decisions::default, |d| d)
}

/// Each component's code length (1/1024 bits) for the sample `value` at `step`: the
/// costs of [`decisions`], without the records.
#[inline]
fn costs(model: &mut Model, step: &Step, value: i32) -> Result<[u32; COMPONENTS], Error> {
    per_component(model, step, value, Cost::default, |c| c.total)
}

/// Codes the residual of `value` from each component's prediction into a fresh `Io`
/// and keeps `result` of it; components with equal predictions (smooth areas) share
/// one coding.
#[inline]
fn per_component<Io: BitIo, T: Copy + Default>(
    model: &mut Model,
    step: &Step,
    value: i32,
    fresh: impl Fn() -> Io,
    result: impl Fn(Io) -> T,
) -> Result<[T; COMPONENTS], Error> {
    let mut all = [T::default(); COMPONENTS];
    for k in 0..COMPONENTS {
        let predicted = step.predicted[k];
        all[k] = match step.predicted[..k].iter().position(|&p| p == predicted) {
            Some(same) => all[same],
            None => {
                let mut io = fresh();
                model.code(&mut io, step, value - predicted)?;
                result(io)
            }
        };
    }
    Ok(all)
}

/// The prior as it adapts to the photo: per context, counts of the components that
/// start from the trained prior (worth 4 samples, [`START_SHIFT`]) and grow by each
/// sample's posterior ([`UNIT`] in all), halved when a context's total passes [`LIMIT`].
/// Encoder and decoder both know every sample's posterior once the sample is known, so
/// this is online EM on the photo, not information about the coded latent.
#[derive(Clone)]
struct AdaptivePrior {
    counts: Vec<[u32; COMPONENTS]>,
}

/// The trained prior starts worth 2^4 / 4 = 4 samples (its probabilities are ×2^16).
const START_SHIFT: u32 = 4;
/// One sample's posterior mass.
const UNIT: u64 = 1024;
/// A context's counts are halved when they sum to more than 32 samples.
const LIMIT: u32 = 32 * 1024;

impl AdaptivePrior {
    fn new(prior: &Prior) -> Self {
        AdaptivePrior {
            counts: (0..prior.contexts())
                .map(|c| {
                    prior
                        .probabilities(c)
                        .map(|p| (u32::from(p) >> START_SHIFT).max(1))
                })
                .collect(),
        }
    }

    /// The prior of `context` as a tree, and its code lengths (1/1024 bits).
    #[inline]
    fn distribution(&self, context: usize) -> (Tree, [u32; COMPONENTS]) {
        (
            Tree::from_weights(self.counts[context].map(u64::from)),
            self.code_lengths(context),
        )
    }

    /// The code lengths (1/1024 bits) of the prior of `context`.
    #[inline]
    fn code_lengths(&self, context: usize) -> [u32; COMPONENTS] {
        let counts = &self.counts[context];
        // Totals stay below 2^16 (LIMIT plus one sample), the range of the cost table.
        let total: u32 = counts.iter().sum();
        let table = cost_table();
        counts.map(|c| table[c as usize] - table[total as usize])
    }

    /// Adds the sample's `posterior` to `context`'s counts.
    #[inline]
    fn update(&mut self, context: usize, posterior: &Tree) {
        let counts = &mut self.counts[context];
        let total = posterior.total().max(1);
        for (k, count) in counts.iter_mut().enumerate() {
            *count += (posterior.weight(k) * UNIT / total) as u32;
        }
        if counts.iter().sum::<u32>() > LIMIT {
            for count in counts.iter_mut() {
                *count = (*count).div_ceil(2);
            }
        }
    }
}

/// A known sample under the model: every component's decisions, the prior it was
/// coded under and the posterior.
struct Analysis {
    decisions: [Decisions; COMPONENTS],
    prior: Tree,
    posterior: Tree,
}

/// Analyses the sample `value` at `step` and adapts the prior to it.
#[inline]
fn analyse(
    model: &mut Model,
    adaptive: &mut AdaptivePrior,
    step: &Step,
    value: i32,
) -> Result<Analysis, Error> {
    let decisions = decisions(model, step, value)?;
    let costs = decisions.map(|d| d.cost());
    let (prior, log_prior) = adaptive.distribution(step.context);
    let posterior = Tree::posterior(&log_prior, &costs);
    adaptive.update(step.context, &posterior);
    Ok(Analysis {
        decisions,
        prior,
        posterior,
    })
}

/// Visits the samples of `shape` in coding order with the model state before each:
/// `visit(model, step, x, y)` returns the sample's value, then the models adapt.
fn walk(
    model: &mut Model,
    shape: Shape,
    rows: std::ops::Range<usize>,
    mut visit: impl FnMut(&mut Model, &Step, usize, usize) -> Result<i32, Error>,
) -> Result<(), Error> {
    for y in rows {
        model.start_row(y);
        for x in 0..shape.width {
            for c in 0..shape.channels {
                let step = model.prepare(x, y, c);
                let value = visit(model, &step, x, y)?;
                model.code(&mut Adapt, &step, value - step.predicted[0])?;
                model.commit(x, &step, value);
            }
        }
    }
    Ok(())
}

fn rows_per_segment(shape: Shape) -> usize {
    (SEGMENT_SAMPLES / (shape.width * shape.channels).max(1)).max(1)
}

/// Codes 8-bit `samples` (row-major, channels interleaved) of `shape` with bits-back
/// coding of the mixture under `prior`; returns the stack's bytes.
pub fn encode(samples: &[u8], shape: Shape, prior: &Prior) -> Result<Vec<u8>, Error> {
    let value = |x: usize, y: usize, channel: usize| {
        i32::from(samples[(y * shape.width + x) * shape.channels + channel])
    };
    let segment = rows_per_segment(shape);
    // Forward: the model's and the prior's state at the top of every segment.
    let mut model = Model::new(shape);
    let mut adaptive = AdaptivePrior::new(prior);
    let mut snapshots = Vec::new();
    for top in (0..shape.height).step_by(segment) {
        snapshots.push((model.clone(), adaptive.clone()));
        let rows = top..(top + segment).min(shape.height);
        walk(&mut model, shape, rows, |model, step, x, y| {
            let actual = value(x, y, step.channel);
            let log_prior = adaptive.code_lengths(step.context);
            let posterior = Tree::posterior(&log_prior, &costs(model, step, actual)?);
            adaptive.update(step.context, &posterior);
            Ok(actual)
        })?;
    }
    // Backward: replay each segment, then push its samples last first.
    let mut stack = AnsCoder::new();
    let mut records = Vec::new();
    for (index, (mut model, mut adaptive)) in snapshots.into_iter().enumerate().rev() {
        let top = index * segment;
        let rows = top..(top + segment).min(shape.height);
        records.clear();
        walk(&mut model, shape, rows, |model, step, x, y| {
            let actual = value(x, y, step.channel);
            records.push(analyse(model, &mut adaptive, step, actual)?);
            Ok(actual)
        })?;
        for record in records.iter().rev() {
            let component = record.posterior.pop(&mut stack)?;
            record.decisions[component].push(&mut stack);
            record.prior.push(&mut stack, component);
        }
    }
    Ok(stack.into_bytes())
}

/// Decodes the samples of `shape` that [`encode`] coded into `body` under `prior`.
pub fn decode(body: &[u8], shape: Shape, prior: &Prior) -> Result<Vec<u8>, Error> {
    let mut stack = AnsCoder::from_bytes(body).map_err(|e| corrupt(&e.to_string()))?;
    let mut out = vec![0u8; shape.width * shape.height * shape.channels];
    let mut model = Model::new(shape);
    let mut adaptive = AdaptivePrior::new(prior);
    walk(&mut model, shape, 0..shape.height, |model, step, x, y| {
        let (prior, log_prior) = adaptive.distribution(step.context);
        let component = prior.pop(&mut stack)?;
        let residual = model.code(&mut Pop(&mut stack), step, 0)?;
        let value = step.predicted[component] + residual;
        if !(0..=255).contains(&value) {
            return Err(corrupt("sample out of range"));
        }
        let posterior = Tree::posterior(&log_prior, &costs(model, step, value)?);
        posterior.push(&mut stack, component);
        adaptive.update(step.context, &posterior);
        out[(y * shape.width + x) * shape.channels + step.channel] = value as u8;
        Ok(value)
    })?;
    if !stack.is_empty() {
        return Err(corrupt("bits left on the stack after the last sample"));
    }
    Ok(out)
}

/// The prior's context and every component's code length of every `stride`-th sample.
pub(super) fn sample_costs(samples: &[u8], shape: Shape, stride: usize) -> Vec<SampleCosts> {
    let mut model = Model::new(shape);
    let mut out = Vec::new();
    let mut index = 0usize;
    let result = walk(&mut model, shape, 0..shape.height, |model, step, x, y| {
        let actual = i32::from(samples[(y * shape.width + x) * shape.channels + step.channel]);
        if index.is_multiple_of(stride) {
            let costs = costs(model, step, actual)?;
            out.push((step.context as u16, costs));
        }
        index += 1;
        Ok(actual)
    });
    // Valid samples never fail to code; a failure would only cut the statistics short.
    debug_assert!(result.is_ok());
    out
}

/// Ideal code lengths of a photo's samples, in bits: what the blend alone costs and
/// what the mixture costs (`−log2 Σ_k prior(k) p(x | k)`), the rate bits-back coding
/// approaches. Real file sizes minus the mixture's is the bits-back overhead (the
/// initial bits, rounding of the posterior, the coder's own overhead).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CodeLengths {
    /// The blend alone (what range-coded `limg` pays, before its coder's overhead).
    pub blend: f64,
    /// The mixture.
    pub mixture: f64,
}

/// The [`CodeLengths`] of 8-bit `samples` of `shape` under `prior`.
pub fn code_lengths(samples: &[u8], shape: Shape, prior: &Prior) -> Result<CodeLengths, Error> {
    let mut model = Model::new(shape);
    let mut adaptive = AdaptivePrior::new(prior);
    let mut lengths = CodeLengths::default();
    walk(&mut model, shape, 0..shape.height, |model, step, x, y| {
        let actual = i32::from(samples[(y * shape.width + x) * shape.channels + step.channel]);
        let analysis = analyse(model, &mut adaptive, step, actual)?;
        let bits = analysis.decisions.map(|d| d.bits());
        let mixture: f64 = (0..COMPONENTS)
            .map(|k| analysis.prior.probability(k) * (-bits[k]).exp2())
            .sum();
        lengths.blend += bits[0];
        lengths.mixture -= mixture.log2();
        Ok(actual)
    })?;
    Ok(lengths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradients_noise_and_extremes_round_trip() {
        let shapes = [
            (1, 1, 1),
            (1, 1, 3),
            (2, 1, 3),
            (7, 3, 3),
            (33, 17, 1),
            (64, 40, 3),
            (5, 9000, 1),
        ];
        let prior = Prior::shipped();
        for (samples, shape) in super::super::pixels::test_images::cases(&shapes) {
            let body = encode(&samples, shape, prior).unwrap();
            assert_eq!(decode(&body, shape, prior).unwrap(), samples, "{shape:?}");
            if samples.iter().all(|&s| s == 77) {
                assert!(
                    body.len() < 500,
                    "{} bytes for 48 KiB of one colour",
                    body.len()
                );
            }
        }
    }

    #[test]
    fn damaged_stacks_fail_cleanly() {
        let shape = Shape {
            width: 40,
            height: 30,
            channels: 3,
        };
        let samples: Vec<u8> = (0..40 * 30 * 3)
            .map(|i| ((i * 7) % 200 + (i / 120) % 50) as u8)
            .collect();
        let body = encode(&samples, shape, Prior::shipped()).unwrap();
        for cut in [0, 4, body.len() / 2 / 4 * 4] {
            let result = decode(&body[..cut], shape, Prior::shipped());
            assert!(result.map_or(true, |d| d != samples));
        }
        for i in (0..body.len()).step_by(7) {
            let mut bad = body.clone();
            bad[i] ^= 0x10;
            let result = decode(&bad, shape, Prior::shipped());
            assert!(
                result.map_or(true, |d| d != samples),
                "flip at {i} went unnoticed"
            );
        }
    }
}
