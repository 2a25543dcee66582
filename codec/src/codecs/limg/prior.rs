//! The trained prior of `limg`'s mixture: per context, how likely each component (the
//! blend, one of its predictors alone, or a plain neighbour) is to be the one that
//! "made" a sample. It is the latent variable's prior in bits-back coding ([`super::bits_back`]);
//! `ncodec train limg` fits it by expectation–maximisation on the photo corpus
//! ([`fit`]) and writes it in the format below (`models/weights/limg-prior.nclp`).
//!
//! # File format
//! | field | meaning |
//! |---|---|
//! | magic | `NCLP` |
//! | version (u8) | `1` |
//! | contexts (u16 LE), components (u8) | 1152 and 9 |
//! | per context and component: u16 LE | probability × 2^16, each ≥ 1, each context's summing to 2^16 |

use std::sync::OnceLock;

use super::fixed_log::weight;
use super::pixels::{Shape, COMPONENTS, PRIOR_CONTEXTS};
use crate::entropy::AnsCoder;
use crate::Error;

const MAGIC: &[u8; 4] = b"NCLP";
const VERSION: u8 = 1;

/// The shipped prior (trained by `ncodec train limg`, manifest beside it).
static SHIPPED: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../models/weights/limg-prior.nclp"
));

/// Why a prior file could not be read.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[error("not an limg prior: {0}")]
pub struct PriorError(&'static str);

/// The mixture's prior: per context, integer probabilities of the components.
///
/// ```
/// let prior = ncodec::codecs::limg::Prior::shipped();
/// let bytes = prior.to_bytes();
/// let again = ncodec::codecs::limg::Prior::from_bytes(&bytes)?;
/// assert_eq!(again.hash(), prior.hash());
/// # Ok::<(), ncodec::codecs::limg::PriorError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Prior {
    table: Vec<[u16; COMPONENTS]>,
    hash: u64,
}

impl Prior {
    /// The prior `limg` codes with.
    pub fn shipped() -> &'static Prior {
        static PRIOR: OnceLock<Prior> = OnceLock::new();
        PRIOR.get_or_init(|| {
            // The build embeds a file this crate's tests check; a bad one is a build defect.
            Prior::from_bytes(SHIPPED).expect("the shipped limg prior is valid")
        })
    }

    /// Reads a prior file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Prior, PriorError> {
        let body = bytes.strip_prefix(MAGIC).ok_or(PriorError("wrong magic"))?;
        let (&version, body) = body.split_first().ok_or(PriorError("cut"))?;
        if version != VERSION {
            return Err(PriorError("unknown version"));
        }
        if body.len() < 3 {
            return Err(PriorError("cut"));
        }
        let contexts = usize::from(u16::from_le_bytes([body[0], body[1]]));
        if contexts != PRIOR_CONTEXTS || usize::from(body[2]) != COMPONENTS {
            return Err(PriorError("wrong shape"));
        }
        let values = &body[3..];
        if values.len() != contexts * COMPONENTS * 2 {
            return Err(PriorError("wrong length"));
        }
        let mut table = Vec::with_capacity(contexts);
        for row in values.chunks_exact(COMPONENTS * 2) {
            let probs: [u16; COMPONENTS] =
                std::array::from_fn(|k| u16::from_le_bytes([row[2 * k], row[2 * k + 1]]));
            if probs.contains(&0) || probs.iter().map(|&p| u32::from(p)).sum::<u32>() != 1 << 16 {
                return Err(PriorError("probabilities must be positive and sum to 2^16"));
            }
            table.push(probs);
        }
        Ok(Prior::from_table(table, xxhash_rust::xxh3::xxh3_64(bytes)))
    }

    fn from_table(table: Vec<[u16; COMPONENTS]>, hash: u64) -> Prior {
        Prior { table, hash }
    }

    /// Quantizes per-context probabilities (each row summing to about 1) to a prior.
    pub fn from_probabilities(rows: &[[f64; COMPONENTS]]) -> Result<Prior, PriorError> {
        if rows.len() != PRIOR_CONTEXTS {
            return Err(PriorError("wrong number of contexts"));
        }
        let table: Vec<[u16; COMPONENTS]> = rows.iter().map(quantize).collect();
        let mut prior = Prior::from_table(table, 0);
        prior.hash = xxhash_rust::xxh3::xxh3_64(&prior.to_bytes());
        Ok(prior)
    }

    /// The file form ([`from_bytes`](Self::from_bytes) reads it back).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.push(VERSION);
        out.extend_from_slice(&(self.table.len() as u16).to_le_bytes());
        out.push(COMPONENTS as u8);
        for probs in &self.table {
            for p in probs {
                out.extend_from_slice(&p.to_le_bytes());
            }
        }
        out
    }

    /// XXH3-64 of the file: the model hash `limg` records in `.ncz` headers.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// Number of contexts.
    pub fn contexts(&self) -> usize {
        self.table.len()
    }

    /// Number of components of the mixture.
    pub fn components(&self) -> usize {
        COMPONENTS
    }

    /// The probabilities of context `context`, in units of 2^-16.
    pub fn probabilities(&self, context: usize) -> [u16; COMPONENTS] {
        self.table[context]
    }
}

/// Rounds one context's probabilities to integers ≥ 1 that sum to exactly 2^16.
fn quantize(row: &[f64; COMPONENTS]) -> [u16; COMPONENTS] {
    let total: f64 = row.iter().map(|p| p.max(0.0)).sum();
    let mut probs: [u32; COMPONENTS] = std::array::from_fn(|k| {
        let share = if total > 0.0 {
            row[k].max(0.0) / total
        } else {
            1.0 / COMPONENTS as f64
        };
        ((share * 65536.0).round() as u32).clamp(1, 65536)
    });
    // Put the rounding error on the largest entry, which stays well above 1.
    let largest = (0..COMPONENTS).max_by_key(|&k| probs[k]).unwrap_or(0);
    let rest: u32 = (0..COMPONENTS)
        .filter(|&k| k != largest)
        .map(|k| probs[k])
        .sum();
    probs[largest] = 65536 - rest;
    probs.map(|p| p as u16)
}

/// A distribution over the components as binary decisions: halves of the remaining
/// range of components (`k ≥ mid?`) down to one, each a probability in units of 2^-16
/// (at most 4 decisions for 9 components).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Tree {
    /// Sums of the weights of components `0..k`, for `k` in `0..=COMPONENTS`.
    below: [u64; COMPONENTS + 1],
}

/// Probability (× 2^16) of the upper of two groups weighing `a` and `b`.
#[inline]
fn share(a: u64, b: u64) -> u32 {
    (b << 16).checked_div(a + b).map_or(1 << 15, |p| p as u32)
}

impl Tree {
    /// The distribution proportional to `weights` (any scale below 2^40).
    pub(super) fn from_weights(weights: [u64; COMPONENTS]) -> Tree {
        let mut below = [0; COMPONENTS + 1];
        for k in 0..COMPONENTS {
            below[k + 1] = below[k] + weights[k];
        }
        Tree { below }
    }

    /// The posterior: the prior's `log_prior` costs plus each component's code length of
    /// the sample, `costs` (both in 1/1024 bits).
    pub(super) fn posterior(log_prior: &[u32; COMPONENTS], costs: &[u32; COMPONENTS]) -> Tree {
        let total: [u32; COMPONENTS] = std::array::from_fn(|k| log_prior[k] + costs[k]);
        let best = total.iter().copied().min().unwrap_or(0);
        Tree::from_weights(total.map(|t| u64::from(weight(t - best))))
    }

    /// Weight of component `k`.
    pub(super) fn weight(&self, k: usize) -> u64 {
        self.below[k + 1] - self.below[k]
    }

    /// Sum of the weights.
    pub(super) fn total(&self) -> u64 {
        self.below[COMPONENTS]
    }

    /// Probability of component `k` (for reports; coding uses the integer decisions).
    pub(super) fn probability(&self, k: usize) -> f64 {
        self.weight(k) as f64 / self.total().max(1) as f64
    }

    /// The decision at the node covering `lo..hi`: its split and probability of `≥ mid`.
    #[inline]
    fn node(&self, lo: usize, hi: usize) -> (usize, u32) {
        let mid = (lo + hi) / 2;
        let b = &self.below;
        (mid, share(b[mid] - b[lo], b[hi] - b[mid]))
    }

    /// Pops a component off `stack` (decoding it with this distribution).
    pub(super) fn pop(&self, stack: &mut AnsCoder) -> Result<usize, Error> {
        let (mut lo, mut hi) = (0, COMPONENTS);
        while hi - lo > 1 {
            let (mid, p1) = self.node(lo, hi);
            let upper = stack
                .pop_bit(p1)
                .map_err(|e| super::pixels::corrupt(&e.to_string()))?;
            if upper {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Ok(lo)
    }

    /// Pushes `component` onto `stack`, so that [`pop`](Self::pop) gives it back.
    pub(super) fn push(&self, stack: &mut AnsCoder, component: usize) {
        let mut path = [(false, 0u32); usize::BITS as usize];
        let mut depth = 0;
        let (mut lo, mut hi) = (0, COMPONENTS);
        while hi - lo > 1 {
            let (mid, p1) = self.node(lo, hi);
            let upper = component >= mid;
            path[depth] = (upper, p1);
            depth += 1;
            if upper {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        for &(bit, p1) in path[..depth].iter().rev() {
            stack.push_bit(bit, p1);
        }
    }
}

/// What [`fit`] measured.
#[derive(Debug, Clone, PartialEq)]
pub struct FitReport {
    /// Samples (subpixels) the prior was fitted on.
    pub samples: u64,
    /// Per iteration, the mixture's mean code length in bits per subpixel (the rate
    /// bits-back coding approaches), before that iteration's update.
    pub mixture_bits: Vec<f64>,
    /// The blend's mean code length alone (what the range-coded `limg` pays).
    pub blend_bits: f64,
}

/// Per-sample statistics [`fit`] works on: the prior's context and each component's
/// code length (1/1024 bits).
pub type SampleCosts = (u16, [u32; COMPONENTS]);

/// The context and component code lengths of every `stride`-th sample of a photo, as
/// the coder sees them.
pub fn sample_costs(samples: &[u8], shape: Shape, stride: usize) -> Vec<SampleCosts> {
    super::bits_back::sample_costs(samples, shape, stride.max(1))
}

/// Fits the prior to `samples` by expectation–maximisation (`iterations` rounds from a
/// uniform prior): each round weighs every sample's components by prior × likelihood and
/// makes the normalised weights per context the new prior.
pub fn fit(samples: &[SampleCosts], iterations: usize) -> (Prior, FitReport) {
    let mut rows = vec![[1.0 / COMPONENTS as f64; COMPONENTS]; PRIOR_CONTEXTS];
    let mut mixture_bits = Vec::new();
    let blend_bits = samples
        .iter()
        .map(|(_, costs)| f64::from(costs[0]) / 1024.0)
        .sum::<f64>()
        / samples.len().max(1) as f64;
    for _ in 0..iterations.max(1) {
        let mut counts = vec![[1e-3; COMPONENTS]; PRIOR_CONTEXTS];
        let mut bits = 0.0;
        for (context, costs) in samples {
            let row = &rows[usize::from(*context)];
            let best = costs.iter().copied().min().unwrap_or(0);
            let likelihood: [f64; COMPONENTS] =
                std::array::from_fn(|k| row[k] * (-(f64::from(costs[k] - best)) / 1024.0).exp2());
            let total: f64 = likelihood.iter().sum();
            bits += f64::from(best) / 1024.0 - total.log2();
            for (count, l) in counts[usize::from(*context)].iter_mut().zip(likelihood) {
                *count += l / total;
            }
        }
        mixture_bits.push(bits / samples.len().max(1) as f64);
        for (row, count) in rows.iter_mut().zip(&counts) {
            let total: f64 = count.iter().sum();
            *row = count.map(|c| c / total);
        }
    }
    let prior = match Prior::from_probabilities(&rows) {
        Ok(prior) => prior,
        Err(_) => unreachable!("rows has PRIOR_CONTEXTS entries"),
    };
    (
        prior,
        FitReport {
            samples: samples.len() as u64,
            mixture_bits,
            blend_bits,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_prior_reads_back_and_bad_files_are_refused() {
        let prior = Prior::shipped();
        assert_eq!(Prior::from_bytes(&prior.to_bytes()).unwrap(), *prior);
        assert_ne!(prior.hash(), 0);
        let bytes = prior.to_bytes();
        assert!(Prior::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(Prior::from_bytes(b"NCLQ").is_err());
        let mut zero = bytes.clone();
        zero[8] = 0;
        zero[9] = 0;
        assert!(Prior::from_bytes(&zero).is_err());
    }

    #[test]
    fn trees_pop_what_they_pushed() {
        let trees = [
            Tree::from_weights(std::array::from_fn(|k| if k == 0 { 5 } else { 1 })),
            Tree::from_weights(std::array::from_fn(|k| u64::from(k + 1 == COMPONENTS))),
            Tree::posterior(
                &std::array::from_fn(|k| 100 + 1000 * k as u32),
                &std::array::from_fn(|k| [9000, 1000, 0, 7000, 60000][k % 5]),
            ),
        ];
        let mut stack = AnsCoder::new();
        let pushed: Vec<(usize, usize)> = (0..200).map(|i| (i % 3, (i * 7) % COMPONENTS)).collect();
        for &(t, k) in &pushed {
            trees[t].push(&mut stack, k);
        }
        for &(t, k) in pushed.iter().rev() {
            assert_eq!(trees[t].pop(&mut stack).unwrap(), k);
        }
        assert!(stack.is_empty());
    }

    #[test]
    fn quantized_rows_are_positive_and_sum_to_one() {
        let prior = Prior::from_probabilities(&vec![
            std::array::from_fn(|k| [
                0.999_999, 1e-9, 0.0, 0.0, 1e-6
            ][k % 5]);
            PRIOR_CONTEXTS
        ])
        .unwrap();
        let row = prior.probabilities(0);
        assert!(row.iter().all(|&p| p >= 1));
        assert_eq!(row.iter().map(|&p| u32::from(p)).sum::<u32>(), 1 << 16);
    }
}
