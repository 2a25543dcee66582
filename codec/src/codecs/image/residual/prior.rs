//! Where the residual coder's adaptive probabilities start: a state learned on train
//! photos (`models/weights/image-residual.ncrp`, written by `ncodec train image-residual`)
//! instead of every probability at one half and every mixer weight equal.
//!
//! A photo of 0.15 megapixels gives the coder a few thousand blocks per colour axis to
//! learn some 8 000 probabilities and the mixers' weights from; much of what it spends at
//! the start of each photo is that learning. The prior holds, per quantisation step of the
//! shipped levels, the coder's state after coding a corpus of train photos one after the
//! other at that step ([`PriorLearner`]), with every probability's update count
//! capped at [`COUNT_CAP`] so that it still follows the photo being coded. A stream whose
//! step the prior does not hold starts from the state of the nearest step held.
//!
//! The state is integers (16-bit probabilities, update counts, 16-bit mixer weights), so
//! every decoder starts from the same one.
//!
//! # File layout (little-endian)
//! `b"NCRP"`, version `2` (u8), number of states (u8), counters per state (u32); then per
//! state its step (u16), every counter as its 16-bit probability (u16) and count (u8) in
//! the coder's fixed order (see `Model::counters`), and for each of the five mixers the
//! number of weight sets that differ from the initial ones (u16) followed by each such
//! set's index (u16) and weights (`MIXED` × i16).

use super::{Model, MIXED};
use crate::codecs::cm::counter::Counter;
use crate::codecs::cm::mixer::SETS;

/// File magic.
const MAGIC: &[u8; 4] = b"NCRP";
/// File layout version.
const VERSION: u8 = 2;
/// Largest update count a learned probability starts with: its first update then moves
/// it `1 / 17.5` of the way to the new bit (and later ones less). On 24 train photos, each started from the
/// state left by the one before, caps of 4, 16, 64 and 1023 saved 0.85, 0.93, 0.88 and
/// 0.81 % BD-rate; with the prior learned on 50 other photos, 8 and 32 did the same as 16
/// (+0.03 %, 0.00 %).
pub(crate) const COUNT_CAP: u32 = 16;

/// Learned starting states of the residual coder, one per quantisation step.
#[derive(Clone, Default)]
pub(crate) struct ResidualPrior {
    /// `(step, state)`, steps distinct.
    states: Vec<(u32, Model)>,
}

impl ResidualPrior {
    /// The state a layer at `step` starts from: the learned state of the nearest step
    /// held (nearest by ratio; the smaller step on a tie), or a fresh coder if none is.
    pub(super) fn start(&self, step: u32) -> Model {
        let distance = |s: u32| (f64::from(s.max(1)) / f64::from(step.max(1))).ln().abs();
        self.states
            .iter()
            .min_by(|a, b| distance(a.0).total_cmp(&distance(b.0)).then(a.0.cmp(&b.0)))
            .map_or_else(Model::new, |(_, model)| model.clone())
    }

    /// Replaces the state of `step` by `model` with every update count capped at
    /// [`COUNT_CAP`]; used while learning.
    pub(super) fn keep(&mut self, step: u32, mut model: Model) {
        for counter in model.counters_mut() {
            *counter = Counter::new(counter.p16(), counter.count().min(COUNT_CAP));
        }
        match self.states.iter_mut().find(|(s, _)| *s == step) {
            Some(slot) => slot.1 = model,
            None => self.states.push((step, model)),
        }
    }

    /// The steps held, in file order.
    #[cfg(test)]
    pub(crate) fn steps(&self) -> Vec<u32> {
        self.states.iter().map(|&(step, _)| step).collect()
    }

    /// The prior's file (see the module docs).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let fresh = Model::new();
        let counters = fresh.counters().count();
        let mut out = MAGIC.to_vec();
        out.push(VERSION);
        out.push(self.states.len() as u8);
        out.extend_from_slice(&(counters as u32).to_le_bytes());
        for (step, model) in &self.states {
            out.extend_from_slice(&(*step as u16).to_le_bytes());
            for counter in model.counters() {
                out.extend_from_slice(&(counter.p16() as u16).to_le_bytes());
                out.push(counter.count().min(255) as u8);
            }
            for (mixer, initial) in model.mixers().into_iter().zip(fresh.mixers()) {
                let changed: Vec<usize> = (0..SETS)
                    .filter(|&set| mixer.weights(set) != initial.weights(set))
                    .collect();
                out.extend_from_slice(&(changed.len() as u16).to_le_bytes());
                for set in changed {
                    out.extend_from_slice(&(set as u16).to_le_bytes());
                    for w in mixer.weights(set) {
                        out.extend_from_slice(&w.to_le_bytes());
                    }
                }
            }
        }
        out
    }

    /// Reads a prior file; says what is wrong with one that does not fit this coder.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let mut at = 0usize;
        let mut take = |n: usize| -> Result<&[u8], String> {
            let piece = bytes
                .get(at..at + n)
                .ok_or_else(|| "the residual prior is truncated".to_string())?;
            at += n;
            Ok(piece)
        };
        if take(4)? != MAGIC {
            return Err("not a residual prior (bad magic)".into());
        }
        let version = take(1)?[0];
        if version != VERSION {
            return Err(format!(
                "residual prior version {version}, expected {VERSION}"
            ));
        }
        let count = usize::from(take(1)?[0]);
        let counters = u32::from_le_bytes(take(4)?.try_into().map_err(|_| "truncated")?);
        let expected = Model::new().counters().count();
        if counters as usize != expected {
            return Err(format!(
                "the residual prior holds {counters} probabilities per state, this coder has {expected}"
            ));
        }
        let u16_at = |piece: &[u8]| u16::from_le_bytes([piece[0], piece[1]]);
        let mut states = Vec::with_capacity(count);
        for _ in 0..count {
            let step = u32::from(u16_at(take(2)?));
            let mut model = Model::new();
            for counter in model.counters_mut() {
                let piece = take(3)?;
                *counter = Counter::new(u32::from(u16_at(piece)), u32::from(piece[2]));
            }
            for mixer in model.mixers_mut() {
                let sets = usize::from(u16_at(take(2)?));
                for _ in 0..sets {
                    let set = usize::from(u16_at(take(2)?));
                    if set >= SETS {
                        return Err("a residual prior weight set is out of range".into());
                    }
                    let piece = take(2 * MIXED)?;
                    let weights: [i16; MIXED] = std::array::from_fn(|i| {
                        i16::from_le_bytes([piece[2 * i], piece[2 * i + 1]])
                    });
                    mixer.set_weights(set, weights);
                }
            }
            if states.iter().any(|&(s, _)| s == step) {
                return Err(format!("the residual prior holds step {step} twice"));
            }
            states.push((step, model));
        }
        if at != bytes.len() {
            return Err("the residual prior has trailing bytes".into());
        }
        Ok(Self { states })
    }
}

/// Learns a [`ResidualPrior`]: codes photo after photo, each from the state the one
/// before left at its step (update counts capped at [`COUNT_CAP`] in between), so the
/// probabilities follow the corpus and the mixers train on all of it.
pub(crate) struct PriorLearner {
    prior: ResidualPrior,
}

impl PriorLearner {
    /// A learner that starts from `prior`.
    pub(crate) fn new(prior: ResidualPrior) -> Self {
        Self { prior }
    }

    /// Codes a residual as [`super::encode`] would from the learner's state for `step`,
    /// which becomes the coder's final state; returns the layer's bytes.
    pub(crate) fn code(
        &mut self,
        original: &super::RawImage,
        base: &super::RawImage,
        activity: &super::LatentActivity,
        step: u32,
    ) -> Vec<u8> {
        let (bytes, _, model) = super::encode_from(
            original,
            base,
            activity,
            step,
            false,
            self.prior.start(step),
        );
        self.prior.keep(step, model);
        bytes
    }

    /// The prior learned.
    pub(crate) fn finish(self) -> ResidualPrior {
        self.prior
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prior_round_trips_through_its_file_and_bad_files_are_refused() {
        let mut model = Model::new();
        for (i, counter) in model.counters_mut().enumerate() {
            *counter = Counter::new(1000 + (i as u32 * 37) % 60000, (i % 40) as u32);
        }
        model.mixers_mut()[2].set_weights(17, [1, -2, 3, -4, 5, -6]);
        let mut prior = ResidualPrior::default();
        prior.keep(78, model.clone());
        prior.keep(20, Model::new());
        let bytes = prior.to_bytes();
        let back = ResidualPrior::from_bytes(&bytes).expect("a written prior reads back");
        assert_eq!(back.steps(), vec![78, 20]);
        assert_eq!(back.to_bytes(), bytes);
        let start = back.start(70);
        let counts: Vec<u32> = start.counters().map(|c| c.count()).collect();
        assert!(counts.iter().all(|&n| n <= COUNT_CAP));
        assert!(counts.contains(&COUNT_CAP));
        assert_eq!(start.mixers()[2].weights(17), [1, -2, 3, -4, 5, -6]);
        // The nearest step by ratio: 30 is nearer 20 (1.5×) than 78 (2.6×).
        assert_eq!(
            back.start(30).mixers()[2].weights(17),
            Model::new().mixers()[2].weights(17)
        );
        assert!(ResidualPrior::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(ResidualPrior::from_bytes(&trailing).is_err());
        let mut magic = bytes.clone();
        magic[0] = b'X';
        assert!(ResidualPrior::from_bytes(&magic).is_err());
        assert!(ResidualPrior::from_bytes(&[]).is_err());
    }
}
