//! The residual layer of the higher quality levels: what the autoencoder's (filtered)
//! image still misses, coded the way a still-image transform codec codes texture.
//!
//! The small autoencoders flatten out at high rates (the models trained for levels 4 and
//! 6, shipped until session 15, were 75 % more bytes apart for 1.6 dB on 24 photos), while
//! a transform coder's rate–distortion slope stays steep there. So the higher levels code
//! the photo with the low-rate model and add this layer: the residual (original − decoded)
//! goes through an orthonormal colour transform (a luma and two opponent axes, so squared
//! errors are the same in both spaces), 8×8 DCTs, uniform quantisation with one step for
//! every coefficient (what minimises MSE), and adaptive binary arithmetic coding of the
//! integer coefficients in zigzag order: per block a coded flag, then per coefficient up
//! to the last non-zero one a significance bit, a greater-than-one bit, greater-than-m bits
//! in unary up to [`UNARY_LIMIT`] and an Exp-Golomb remainder beyond, a last flag and a
//! sign. The last coefficient's sign is hidden in the parity
//! of the block's magnitudes when the block spans at least [`HIDE_SPAN`] positions (as in
//! HEVC's sign data hiding; the encoder fixes the parity where it is cheapest,
//! [`hide_sign`]): signs are a quarter of the layer's bits and hardly compress.
//!
//! The coded, significance, greater-than-one, greater-than-m and last decisions each mix six adaptive
//! probabilities ([`MixedBit`]: `cm`'s logistic mixer over counters in their own context
//! tables): the frequency with the magnitudes to the left, above and before in the block
//! (see [`NEIGHBOURHOODS`]), the same with a fast-adapting twin, the same position in the
//! left and top blocks, in the previous colour axis's block, the block's count of non-zero
//! values and run of zeros so far, and how busy the base image is around the block
//! ([`LatentActivity`]: from the decoded integer latents, never from the float base
//! pixels, so that every decoder parses the same stream). Signs take a context from the
//! same position's signs in those blocks. On 24 train photos (levels 3–8, effort 1) this
//! saved 3.0 % BD-rate over session 17's single context per decision and raw signs:
//! mixing significance and greater-than-one 1.0 %, sign contexts 0.4 %, mixing the last
//! flag 1.1 %, the coded flag 0.1 %, activity inputs 0.4 % (measured from the base image's
//! pixel gradients in session 18; the latent activity that replaced them in session 19
//! keeps about half of that: +0.23 % against them). (No gain, left out: mixer sets by
//! neighbourhood too, the mixer learning twice as fast, the Exp-Golomb prefix by
//! neighbourhood, fast twins at limit 60, an APM after each mixer.)
//!
//! The magnitudes above one were an Exp-Golomb code of `|q| − 2` with one context per prefix
//! bit until revision 12; its prefix and raw suffix bits were 12 % of the layer at level 6
//! and 24 % at level 8. Unary greater-than-m flags mixed in their own contexts
//! ([`Slot::greater`]: the rung m, the summed magnitudes around, the same position in the
//! left, top and cross blocks, the latent activity) saved 0.86 % BD-rate on 24 train photos
//! at effort 1 (1.6 % of the bytes at level 8, 0.1 % at level 3); unary up to 24 instead of
//! 15 changed nothing, nor did the greater-than-one flag's neighbourhood uncapped.
//!
//! The encoder quantises each block against what the adaptive coder would really spend
//! on it at that point ([`quantise_block`]: each coefficient rounded, one less or zero,
//! then the block cut after its best last coefficient), under `error² + λ · bits` with
//! λ = [`RDO_LAMBDA`] · step². On 24 train photos this saved 3.3 % BD-rate over the dead
//! zone of 1/3 it replaced (which itself beat 1/4, 0.42 and 1/2). At efforts 2 and 3
//! [`polish_block`] then revisits each coefficient with the whole block's cost. The
//! decoder does not know or care how the integers were chosen.
//!
//! The adaptive probabilities and mixer weights do not start from scratch: they start from
//! a state learned on train photos ([`ResidualPrior`], `models/weights/image-residual.ncrp`,
//! one state per level's step). With it, a quantiser λ of 0.065 instead of 0.1 and
//! bicubic doubling of the base, revision 10 saved 1.6 % BD-rate on 24 train photos at
//! effort 1 (the prior alone, learned photo after photo, about 1.2 %).
//!
//! (Before mixing, a context from the same frequency in the left, top and luma blocks, or
//! from the base image's activity, in place of part of the single context, saved 0.0–0.3 %:
//! mixed in beside it, they pay.)
//!
//! The coefficients are integers coded with integer adaptive probabilities, so every
//! decoder parses the same stream; the inverse DCT and colour transform are float and only
//! decide pixel values.

use std::f32::consts::FRAC_1_SQRT_2;
use std::sync::OnceLock;

use super::{bit_cost, RawImage};
use crate::codecs::cm::counter::Counter;
use crate::codecs::cm::logistic::stretch;
use crate::codecs::cm::mixer::Mixer;
use crate::entropy::{RangeDecoder, RangeEncoder};
use crate::Error;

mod prior;

pub(crate) use prior::{PriorLearner, ResidualPrior};

/// Side of a transform block.
const BLOCK: usize = 8;
/// Coefficients per block.
const COEFFS: usize = BLOCK * BLOCK;
/// The rate–distortion trade-off of the encoder's quantisation, in squared steps per bit:
/// a uniform quantiser's distortion falls by 2·ln 2 · step²/12 ≈ 0.12 · step² per bit at
/// high rates; on 24 train photos 0.09–0.12 did best (0.06: −2.0 %, 0.1: −3.3 %, 0.15:
/// −2.2 %, 0.2: +0.4 % BD-rate against the dead zone) on session 18's full-size base; on
/// the halved base (session 19) 0.05 / 0.06 / 0.07 / 0.085 / 0.12 gave −0.14 / −0.31 /
/// −0.33 / −0.24 / +0.68 % against 0.1.
const RDO_LAMBDA: f32 = 0.065;
/// Update limit of the adaptive probabilities.
const COUNT_LIMIT: u32 = 255;
/// Least distance in zigzag positions between a block's first and last non-zero
/// coefficients for the last one's sign to be hidden (see [`hides_sign`]). On 24 train
/// photos at effort 1 sign hiding saved 0.99 % BD-rate with a span of 4, 0.78 % with 2
/// and 0.96 % with 7.
const HIDE_SPAN: usize = 4;
/// How many of the cheapest parity fixes (in added error) [`hide_sign`] prices with the
/// block's real cost: 12 saved 0.97 %, 4 0.85 % and all (up to 130) 0.99 % at up to
/// twice the residual's encoding time.
const HIDE_CANDIDATES: usize = 12;
/// Largest Exp-Golomb prefix: magnitudes stay below `2^MAX_PREFIX` (a DC coefficient of
/// the largest residual at step 1 needs 12 bits).
const MAX_PREFIX: usize = 20;
/// The first magnitude coded with an Exp-Golomb remainder: magnitudes 2 to
/// `UNARY_LIMIT − 1` are coded in unary, each greater-than-m flag mixed in context
/// ([`Slot::greater`]); larger ones spend `UNARY_LIMIT − 2` flags, then the remainder.
const UNARY_LIMIT: u32 = 15;
/// Classes of the unary magnitude flags by m − 2: 0, 1, 2, 3, 4, 5–6, 7–9, 10 and more.
const RUNGS: usize = 8;
/// Buckets of the summed magnitudes to the left, above and before (see [`magnitude_bucket`]).
const NEAR_BUCKETS: usize = 11;
/// Frequency classes of the significance contexts: the first 16 zigzag positions alone,
/// then groups of 8.
const FREQUENCY_CLASSES: usize = 22;
/// Classes of the last-coefficient flag: positions 0..20, then one for the rest.
const LAST_CLASSES: usize = 21;
/// Classes of the greater-than-one flag: positions 0..5, then one for the rest.
const MAGNITUDE_CLASSES: usize = 6;
/// Values of the neighbourhood context: the magnitudes of the coefficients to the left and
/// above (in the 8×8 grid) and of the one before (in zigzag order), summed and capped at 7.
/// On 24 train photos this saved 0.8 % BD-rate over session 16's `min(|q[k−1]|, 2) +
/// min(|q[k−2]|, 1)` (zigzag neighbours only); 2D neighbours alone 0.6 %, a cap of 11 the
/// same as 7.
const NEIGHBOURHOODS: usize = 8;
/// Buckets of [`LatentActivity`].
const ACTIVITIES: usize = 6;
/// Positions with their own sign contexts: 0..5, then one for the rest.
const SIGN_POSITIONS: usize = 6;
/// Probability one half in the coder's 16-bit units (signs and Exp-Golomb suffixes).
const HALF: u32 = 1 << 15;

/// Rows of the orthonormal colour transform: luma, red − blue, green − magenta.
const COLOUR: [[f32; 3]; 3] = [
    [0.577_350_3, 0.577_350_3, 0.577_350_3],
    [FRAC_1_SQRT_2, 0.0, -FRAC_1_SQRT_2],
    [0.408_248_3, -0.816_496_6, 0.408_248_3],
];

/// The orthonormal DCT-II matrix: `basis[k][n]`.
fn dct_basis() -> [[f32; BLOCK]; BLOCK] {
    let mut basis = [[0.0f32; BLOCK]; BLOCK];
    for (k, row) in basis.iter_mut().enumerate() {
        let scale = if k == 0 {
            (1.0 / BLOCK as f64).sqrt()
        } else {
            (2.0 / BLOCK as f64).sqrt()
        };
        for (n, v) in row.iter_mut().enumerate() {
            let angle = std::f64::consts::PI * (2 * n + 1) as f64 * k as f64 / (2 * BLOCK) as f64;
            *v = (scale * angle.cos()) as f32;
        }
    }
    basis
}

/// [`neighbours`], computed once.
static NEIGHBOURS: OnceLock<[(Option<usize>, Option<usize>); COEFFS]> = OnceLock::new();

/// The zigzag positions of each zigzag position's left and top neighbours in the block's
/// 8×8 grid (the next lower horizontal and vertical frequencies), which zigzag order
/// always codes before it.
fn neighbours() -> [(Option<usize>, Option<usize>); COEFFS] {
    let order = zigzag();
    let mut inverse = [0usize; COEFFS];
    for (z, &r) in order.iter().enumerate() {
        inverse[r] = z;
    }
    let mut out = [(None, None); COEFFS];
    for (slot, &r) in out.iter_mut().zip(&order) {
        let (i, j) = (r / BLOCK, r % BLOCK);
        *slot = (
            (j > 0).then(|| inverse[r - 1]),
            (i > 0).then(|| inverse[r - BLOCK]),
        );
    }
    out
}

/// Raster index within a block of each zigzag position (JPEG's order).
fn zigzag() -> [usize; COEFFS] {
    let mut order = [0usize; COEFFS];
    let mut positions: Vec<(usize, usize)> = (0..BLOCK)
        .flat_map(|i| (0..BLOCK).map(move |j| (i, j)))
        .collect();
    positions.sort_by_key(|&(i, j)| {
        let diagonal = i + j;
        (diagonal, if diagonal % 2 == 1 { i } else { j })
    });
    for (slot, (i, j)) in order.iter_mut().zip(positions) {
        *slot = i * BLOCK + j;
    }
    order
}

/// The quantised coefficients of one image: per colour axis, blocks in raster order,
/// each block's 64 values in zigzag order.
struct Coefficients {
    planes: Vec<Vec<i32>>,
    blocks_high: usize,
    blocks_wide: usize,
}

impl Coefficients {
    fn zeros(channels: usize, width: usize, height: usize) -> Self {
        let (blocks_wide, blocks_high) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
        Self {
            planes: vec![vec![0; blocks_wide * blocks_high * COEFFS]; channels],
            blocks_high,
            blocks_wide,
        }
    }

    fn block_count(&self) -> usize {
        self.blocks_high * self.blocks_wide
    }
}

/// An adaptive binary decision predicted by mixing several adaptive probabilities, each
/// looked up in its own context table, with a weight vector chosen by a small context.
#[derive(Clone)]
struct MixedBit<const N: usize> {
    tables: [Vec<Counter>; N],
    limits: [u32; N],
    mixer: Mixer<N>,
}

/// One prediction of a [`MixedBit`]: what it needs to code the bit and learn from it.
struct Prediction<const N: usize> {
    slots: [usize; N],
    set: usize,
    inputs: [i16; N],
    /// The mixer's 16-bit probability of a 1.
    mixed: u32,
}

impl<const N: usize> Prediction<N> {
    /// The probability the coder uses, kept away from 0 and 1.
    fn p16(&self) -> u32 {
        self.mixed.clamp(32, 65504)
    }
}

impl<const N: usize> MixedBit<N> {
    /// Tables of `sizes` counters updated up to `limits`, every weight at `1 / N`.
    fn new(sizes: [usize; N], limits: [u32; N]) -> Self {
        Self {
            tables: sizes.map(|n| vec![Counter::HALF; n]),
            limits,
            mixer: Mixer::new((8192 / N) as i16),
        }
    }

    fn predict(&self, slots: [usize; N], set: usize) -> Prediction<N> {
        let inputs = std::array::from_fn(|i| stretch(self.tables[i][slots[i]].p12()));
        let (_, mixed) = self.mixer.predict(&inputs, set);
        Prediction {
            slots,
            set,
            inputs,
            mixed,
        }
    }

    fn update(&mut self, prediction: &Prediction<N>, bit: bool) {
        let b = u32::from(bit);
        for ((table, &slot), &limit) in self
            .tables
            .iter_mut()
            .zip(&prediction.slots)
            .zip(&self.limits)
        {
            table[slot].update(b, limit);
        }
        self.mixer
            .train(&prediction.inputs, prediction.set, prediction.mixed, b);
    }
}

/// Inputs of the significance and greater-than-one predictions.
const MIXED: usize = 6;
/// Update limit of the fast twin of the main context.
const FAST_LIMIT: u32 = 30;

/// The adaptive probabilities of the coefficient coder.
#[derive(Clone)]
struct Model {
    coded: MixedBit<MIXED>,
    significant: MixedBit<MIXED>,
    last: MixedBit<MIXED>,
    greater_one: MixedBit<MIXED>,
    /// The unary greater-than-m flags, m = 2..`UNARY_LIMIT`.
    greater: MixedBit<MIXED>,
    prefix: Vec<Counter>,
    sign: Vec<Counter>,
}

/// What a block's contexts see of the blocks coded before it.
struct Surroundings {
    /// The same colour axis's blocks to the left and above (zeros at the image's edges).
    left: [i32; COEFFS],
    top: [i32; COEFFS],
    /// The previous colour axis's block at the same place (zeros for the first axis).
    cross: [i32; COEFFS],
    /// Bucket of the cross block's non-zero count (0, 1–2, 3–5, 6+).
    cross_count: usize,
    /// Per position, the non-zero coefficients after it in the left and top blocks
    /// (0, 1, 2, 3–4, 5+) and in the cross block (0, 1, 2, 3+).
    after: [u8; COEFFS],
    cross_after: [u8; COEFFS],
    /// The bucket of the base image's activity around the block (see [`LatentActivity`]).
    activity: usize,
    /// 0, 1, 2 for luma and the two colour axes.
    axis: usize,
    /// The coded-block flag's contexts.
    coded: ([usize; MIXED], usize),
}

impl Surroundings {
    /// The surroundings of block `block` of colour axis `planes.len()` − 1 (the last
    /// plane), whose earlier planes are complete.
    fn of(planes: &[Vec<i32>], blocks_wide: usize, block: usize, activity: usize) -> Self {
        let axis = planes.len() - 1;
        let plane = &planes[axis];
        let copy = |plane: &[i32], b: usize| -> [i32; COEFFS] {
            let mut out = [0; COEFFS];
            out.copy_from_slice(&plane[b * COEFFS..(b + 1) * COEFFS]);
            out
        };
        let zeros = [0; COEFFS];
        let left = if !block.is_multiple_of(blocks_wide) {
            copy(plane, block - 1)
        } else {
            zeros
        };
        let top = if block >= blocks_wide {
            copy(plane, block - blocks_wide)
        } else {
            zeros
        };
        let cross = if axis > 0 {
            copy(&planes[axis - 1], block)
        } else {
            zeros
        };
        let cross_count = match nonzeros(&cross) {
            0 => 0,
            1..=2 => 1,
            3..=5 => 2,
            _ => 3,
        };
        let mut after = [0u8; COEFFS];
        let mut cross_after = [0u8; COEFFS];
        let (mut near, mut far) = (0usize, 0usize);
        for k in (0..COEFFS).rev() {
            after[k] = match near {
                0..=2 => near as u8,
                3..=4 => 3,
                _ => 4,
            };
            cross_after[k] = far.min(3) as u8;
            near += usize::from(left[k] != 0) + usize::from(top[k] != 0);
            far += usize::from(cross[k] != 0);
        }
        let class = usize::from(axis > 0);
        let bucket = |n: usize| match n {
            0..=2 => n,
            3..=5 => 3,
            _ => 4,
        };
        let diagonal = |b: Option<usize>| {
            b.map_or(0, |b| nonzeros(&plane[b * COEFFS..(b + 1) * COEFFS]).min(2))
        };
        let row = block / blocks_wide;
        let column = block % blocks_wide;
        let top_left = (row > 0 && column > 0).then(|| block - blocks_wide - 1);
        let top_right = (row > 0 && column + 1 < blocks_wide).then(|| block - blocks_wide + 1);
        let (l, t) = (nonzeros(&left), nonzeros(&top));
        let main = class * 9 + l.min(2) * 3 + t.min(2);
        let coded = (
            [
                main,
                main,
                (class * 5 + bucket(l)) * 5 + bucket(t),
                (axis * 4 + cross_count) * 3 + usize::from(l > 0) + usize::from(t > 0),
                (class * 3 + diagonal(top_left)) * 3 + diagonal(top_right),
                (axis * ACTIVITIES + activity) * 3 + usize::from(l > 0) + usize::from(t > 0),
            ],
            axis,
        );
        Self {
            left,
            top,
            cross,
            cross_count,
            after,
            cross_after,
            activity,
            axis,
            coded,
        }
    }
}

/// Buckets of a sum of magnitudes: 0, 1, 2, 3, 4, 5–6, 7–8, 9–12, 13–18, 19–27, 28 and more.
fn magnitude_bucket(sum: u32) -> usize {
    match sum {
        0..=4 => sum as usize,
        5..=6 => 5,
        7..=8 => 6,
        9..=12 => 7,
        13..=18 => 8,
        19..=27 => 9,
        _ => 10,
    }
}

/// The number of non-zero values in `block`.
fn nonzeros(block: &[i32]) -> usize {
    block.iter().filter(|&&v| v != 0).count()
}

/// Where one coefficient's bits look up their probabilities.
#[derive(Clone, Copy)]
struct Slot {
    /// 0 for luma, 1 and 2 for the colour axes.
    axis: usize,
    position: usize,
    /// The magnitudes to the left, above and before, summed (see [`Slot::neighbourhood`]).
    near_magnitude: u32,
    /// The same position's magnitudes in the left and top blocks, summed.
    inter_magnitude: u32,
    /// The same position's magnitude in the cross block.
    cross_magnitude: u32,
    cross_count: usize,
    /// Non-zero coefficients before this one in the block, capped at 5.
    nonzeros: usize,
    /// Zeros since the last non-zero coefficient: 0, 1, 2–3, 4+.
    run: usize,
    after: usize,
    cross_after: usize,
    activity: usize,
    /// The signs (−, 0, +) of the same position in the left, top and cross blocks.
    signs: usize,
}

/// What a block's coder knows of the coefficients before position `k`.
#[derive(Clone, Copy, Default)]
struct Progress {
    nonzeros: usize,
    zeros_since: usize,
}

impl Progress {
    fn after(self, value: i32) -> Self {
        if value != 0 {
            Self {
                nonzeros: self.nonzeros + 1,
                zeros_since: 0,
            }
        } else {
            Self {
                zeros_since: self.zeros_since + 1,
                ..self
            }
        }
    }
}

impl Slot {
    /// 0 for luma, 1 for the colour axes.
    fn class(self) -> usize {
        usize::from(self.axis > 0)
    }

    fn of(around: &Surroundings, block: &[i32], position: usize, progress: Progress) -> Self {
        let (left, top) = NEIGHBOURS.get_or_init(neighbours)[position];
        let at = |z: Option<usize>| z.map_or(0, |z| block[z].unsigned_abs() as usize);
        let previous = position.checked_sub(1);
        Self {
            axis: around.axis,
            position,
            near_magnitude: (at(left) + at(top) + at(previous)) as u32,
            inter_magnitude: around.left[position].unsigned_abs()
                + around.top[position].unsigned_abs(),
            cross_magnitude: around.cross[position].unsigned_abs(),
            cross_count: around.cross_count,
            after: usize::from(around.after[position]),
            activity: around.activity,
            cross_after: usize::from(around.cross_after[position]),
            signs: ((around.left[position].signum() + 1) * 9
                + (around.top[position].signum() + 1) * 3
                + around.cross[position].signum()
                + 1) as usize,
            nonzeros: progress.nonzeros.min(5),
            run: match progress.zeros_since {
                0 => 0,
                1 => 1,
                2..=3 => 2,
                _ => 3,
            },
        }
    }

    /// The neighbourhood context: [`near_magnitude`](Self::near_magnitude) capped at 7.
    fn neighbourhood(self) -> usize {
        (self.near_magnitude as usize).min(NEIGHBOURHOODS - 1)
    }

    /// The left and top blocks' magnitudes here, capped at 4.
    fn inter(self) -> usize {
        self.inter_magnitude.min(4) as usize
    }

    /// The cross block's magnitude here, capped at 2.
    fn cross(self) -> usize {
        self.cross_magnitude.min(2) as usize
    }

    fn frequency(self) -> usize {
        if self.position < 16 {
            self.position
        } else {
            16 + ((self.position - 16) / 8).min(5)
        }
    }

    fn significant(self) -> ([usize; MIXED], usize) {
        let main = (self.class() * FREQUENCY_CLASSES + self.frequency()) * NEIGHBOURHOODS
            + self.neighbourhood();
        let near = self.neighbourhood().min(2);
        (
            [
                main,
                main,
                ((self.class() * COEFFS + self.position) * 5 + self.inter()) * 3 + near,
                ((self.axis * FREQUENCY_CLASSES + self.frequency()) * 3 + self.cross()) * 4
                    + self.cross_count,
                ((self.class() * FREQUENCY_CLASSES + self.frequency()) * 6 + self.nonzeros) * 4
                    + self.run,
                ((self.class() * FREQUENCY_CLASSES + self.frequency()) * ACTIVITIES
                    + self.activity)
                    * 3
                    + near,
            ],
            self.class() * FREQUENCY_CLASSES + self.frequency(),
        )
    }

    fn last(self) -> ([usize; MIXED], usize) {
        let main = self.class() * LAST_CLASSES + self.position.min(LAST_CLASSES - 1);
        let f = self.class() * FREQUENCY_CLASSES + self.frequency();
        (
            [
                main,
                main,
                f * 5 + self.after,
                (self.axis * FREQUENCY_CLASSES + self.frequency()) * 4 + self.cross_after,
                (f * 6 + self.nonzeros) * 4 + self.run,
                f * ACTIVITIES + self.activity,
            ],
            f,
        )
    }

    fn greater_one(self) -> ([usize; MIXED], usize) {
        let magnitude = self.position.min(MAGNITUDE_CLASSES - 1);
        let main =
            (self.class() * MAGNITUDE_CLASSES + magnitude) * NEIGHBOURHOODS + self.neighbourhood();
        (
            [
                main,
                main,
                (self.class() * MAGNITUDE_CLASSES + magnitude) * 5 + self.inter(),
                ((self.axis * MAGNITUDE_CLASSES + magnitude) * 3 + self.cross()) * 4
                    + self.cross_count,
                (self.class() * MAGNITUDE_CLASSES + magnitude) * 6 + self.nonzeros,
                (self.class() * MAGNITUDE_CLASSES + magnitude) * ACTIVITIES + self.activity,
            ],
            self.class() * MAGNITUDE_CLASSES + magnitude,
        )
    }

    /// The contexts of the flag "magnitude > `magnitude`" (2 ≤ `magnitude` < [`UNARY_LIMIT`]).
    fn greater(self, magnitude: u32) -> ([usize; MIXED], usize) {
        let rung = match magnitude - 2 {
            m @ 0..=4 => m as usize,
            5..=6 => 5,
            7..=9 => 6,
            _ => 7,
        };
        let c = self.class();
        let r = c * RUNGS + rung;
        let position = self.position.min(MAGNITUDE_CLASSES - 1);
        let main = r * NEAR_BUCKETS + magnitude_bucket(self.near_magnitude);
        let inter = match self.inter_magnitude {
            m @ 0..=2 => m as usize,
            3..=4 => 3,
            5..=8 => 4,
            _ => 5,
        };
        let cross = match self.cross_magnitude {
            m @ 0..=2 => m as usize,
            3..=4 => 3,
            _ => 4,
        };
        (
            [
                main,
                main,
                (r * MAGNITUDE_CLASSES + position) * 6 + inter,
                ((self.axis * RUNGS + rung) * 5 + cross) * 4 + self.cross_count,
                (r * 6 + self.nonzeros) * MAGNITUDE_CLASSES + position,
                r * ACTIVITIES + self.activity,
            ],
            r,
        )
    }

    fn sign(self) -> usize {
        (self.class() * SIGN_POSITIONS + self.position.min(SIGN_POSITIONS - 1)) * 27 + self.signs
    }

    fn prefix(self, e: usize) -> usize {
        self.class() * (MAX_PREFIX + 1) + e
    }
}

impl Model {
    /// The five mixed decisions.
    fn mixers(&self) -> [&Mixer<MIXED>; 5] {
        [
            &self.coded.mixer,
            &self.significant.mixer,
            &self.last.mixer,
            &self.greater_one.mixer,
            &self.greater.mixer,
        ]
    }

    fn mixers_mut(&mut self) -> [&mut Mixer<MIXED>; 5] {
        [
            &mut self.coded.mixer,
            &mut self.significant.mixer,
            &mut self.last.mixer,
            &mut self.greater_one.mixer,
            &mut self.greater.mixer,
        ]
    }

    /// Every adaptive probability, in a fixed order: the mixed decisions' tables (coded,
    /// significant, last, greater-than-one, greater-than-m), the Exp-Golomb prefixes, the
    /// signs.
    fn counters(&self) -> impl Iterator<Item = &Counter> {
        [
            &self.coded,
            &self.significant,
            &self.last,
            &self.greater_one,
            &self.greater,
        ]
        .into_iter()
        .flat_map(|bit| bit.tables.iter().flatten())
        .chain(&self.prefix)
        .chain(&self.sign)
    }

    fn counters_mut(&mut self) -> impl Iterator<Item = &mut Counter> {
        let Model {
            coded,
            significant,
            last,
            greater_one,
            greater,
            prefix,
            sign,
        } = self;
        [coded, significant, last, greater_one, greater]
            .into_iter()
            .flat_map(|bit| bit.tables.iter_mut().flatten())
            .chain(prefix.iter_mut())
            .chain(sign.iter_mut())
    }

    /// A coder that has learned nothing: every probability one half, every mixer weight
    /// `1 / MIXED`.
    fn new() -> Self {
        let (slow, fast) = (COUNT_LIMIT, FAST_LIMIT);
        Self {
            coded: MixedBit::new(
                [2 * 9, 2 * 9, 2 * 25, 3 * 12, 2 * 9, 3 * ACTIVITIES * 3],
                [slow, fast, slow, slow, slow, slow],
            ),
            significant: MixedBit::new(
                [
                    2 * FREQUENCY_CLASSES * NEIGHBOURHOODS,
                    2 * FREQUENCY_CLASSES * NEIGHBOURHOODS,
                    2 * COEFFS * 5 * 3,
                    3 * FREQUENCY_CLASSES * 3 * 4,
                    2 * FREQUENCY_CLASSES * 6 * 4,
                    2 * FREQUENCY_CLASSES * ACTIVITIES * 3,
                ],
                [slow, fast, slow, slow, slow, slow],
            ),
            last: MixedBit::new(
                [
                    2 * LAST_CLASSES,
                    2 * LAST_CLASSES,
                    2 * FREQUENCY_CLASSES * 5,
                    3 * FREQUENCY_CLASSES * 4,
                    2 * FREQUENCY_CLASSES * 6 * 4,
                    2 * FREQUENCY_CLASSES * ACTIVITIES,
                ],
                [slow, fast, slow, slow, slow, slow],
            ),
            greater_one: MixedBit::new(
                [
                    2 * MAGNITUDE_CLASSES * NEIGHBOURHOODS,
                    2 * MAGNITUDE_CLASSES * NEIGHBOURHOODS,
                    2 * MAGNITUDE_CLASSES * 5,
                    3 * MAGNITUDE_CLASSES * 3 * 4,
                    2 * MAGNITUDE_CLASSES * 6,
                    2 * MAGNITUDE_CLASSES * ACTIVITIES,
                ],
                [slow, fast, slow, slow, slow, slow],
            ),
            greater: MixedBit::new(
                [
                    2 * RUNGS * NEAR_BUCKETS,
                    2 * RUNGS * NEAR_BUCKETS,
                    2 * RUNGS * MAGNITUDE_CLASSES * 6,
                    3 * RUNGS * 5 * 4,
                    2 * RUNGS * 6 * MAGNITUDE_CLASSES,
                    2 * RUNGS * ACTIVITIES,
                ],
                [slow, fast, slow, slow, slow, slow],
            ),
            prefix: vec![Counter::HALF; 2 * (MAX_PREFIX + 1)],
            sign: vec![Counter::HALF; 2 * SIGN_POSITIONS * 27],
        }
    }
}

/// Codes or decodes one bit with an adaptive probability.
trait BitCoder {
    fn bit(&mut self, counter: &mut Counter, bit: bool) -> Result<bool, Error>;
    fn mixed<const N: usize>(
        &mut self,
        model: &mut MixedBit<N>,
        context: ([usize; N], usize),
        bit: bool,
    ) -> Result<bool, Error>;
    fn raw(&mut self, bit: bool) -> Result<bool, Error>;
}

impl BitCoder for RangeEncoder {
    fn bit(&mut self, counter: &mut Counter, bit: bool) -> Result<bool, Error> {
        self.encode_bit(bit, counter.p16());
        counter.update(u32::from(bit), COUNT_LIMIT);
        Ok(bit)
    }

    fn mixed<const N: usize>(
        &mut self,
        model: &mut MixedBit<N>,
        (slots, set): ([usize; N], usize),
        bit: bool,
    ) -> Result<bool, Error> {
        let prediction = model.predict(slots, set);
        self.encode_bit(bit, prediction.p16());
        model.update(&prediction, bit);
        Ok(bit)
    }

    fn raw(&mut self, bit: bool) -> Result<bool, Error> {
        self.encode_bit(bit, HALF);
        Ok(bit)
    }
}

impl BitCoder for RangeDecoder {
    fn bit(&mut self, counter: &mut Counter, _: bool) -> Result<bool, Error> {
        let bit = self.decode_bit(counter.p16())?;
        counter.update(u32::from(bit), COUNT_LIMIT);
        Ok(bit)
    }

    fn mixed<const N: usize>(
        &mut self,
        model: &mut MixedBit<N>,
        (slots, set): ([usize; N], usize),
        _: bool,
    ) -> Result<bool, Error> {
        let prediction = model.predict(slots, set);
        let bit = self.decode_bit(prediction.p16())?;
        model.update(&prediction, bit);
        Ok(bit)
    }

    fn raw(&mut self, _: bool) -> Result<bool, Error> {
        Ok(self.decode_bit(HALF)?)
    }
}

fn corrupt(reason: &str) -> Error {
    Error::CorruptChunk {
        index: 0,
        reason: format!("image residual layer: {reason}"),
    }
}

/// Codes or decodes one block's coefficients (zigzag order; the decoder's start at zero
/// and the values passed in are ignored) in `around`.
fn code_block<C: BitCoder>(
    coder: &mut C,
    model: &mut Model,
    around: &Surroundings,
    block: &mut [i32],
) -> Result<(), Error> {
    let last = block.iter().rposition(|&v| v != 0);
    if !coder.mixed(&mut model.coded, around.coded, last.is_some())? {
        return Ok(());
    }
    let last = last.unwrap_or(0);
    let mut progress = Progress::default();
    let (mut first, mut sum) = (None, 0u32);
    for k in 0..COEFFS {
        let slot = Slot::of(around, block, k, progress);
        let value = block[k];
        if !coder.mixed(&mut model.significant, slot.significant(), value != 0)? {
            progress = progress.after(0);
            continue;
        }
        let mut magnitude = 1u32;
        if coder.mixed(
            &mut model.greater_one,
            slot.greater_one(),
            value.unsigned_abs() > 1,
        )? {
            // Unary up to UNARY_LIMIT, then the Exp-Golomb code of |value| − UNARY_LIMIT:
            // a unary prefix e, then e raw bits.
            let target = value.unsigned_abs();
            magnitude = 2;
            while magnitude < UNARY_LIMIT
                && coder.mixed(
                    &mut model.greater,
                    slot.greater(magnitude),
                    target > magnitude,
                )?
            {
                magnitude += 1;
            }
            if magnitude == UNARY_LIMIT {
                let rest = target.saturating_sub(UNARY_LIMIT);
                let mut e = 0;
                while coder.bit(
                    &mut model.prefix[slot.prefix(e)],
                    u64::from(rest) + 1 >= 1 << (e + 1),
                )? {
                    e += 1;
                    if e >= MAX_PREFIX {
                        return Err(corrupt("coefficient too large"));
                    }
                }
                let base = (1u32 << e) - 1;
                let offset = rest.wrapping_sub(base);
                let mut suffix = 0u32;
                for i in (0..e).rev() {
                    suffix = suffix << 1 | u32::from(coder.raw(offset >> i & 1 == 1)?);
                }
                magnitude = UNARY_LIMIT + base + suffix;
            }
        }
        let first = *first.get_or_insert(k);
        sum = sum.wrapping_add(magnitude);
        let ends = coder.mixed(&mut model.last, slot.last(), k == last)?;
        let negative = if ends && hides_sign(first, k) {
            // The hidden sign: the parity of the block's magnitudes.
            sum % 2 == 1
        } else {
            coder.bit(&mut model.sign[slot.sign()], value < 0)?
        };
        block[k] = if negative {
            -(magnitude as i32)
        } else {
            magnitude as i32
        };
        progress = progress.after(block[k]);
        if ends {
            break;
        }
    }
    Ok(())
}

/// Decodes every coefficient in coding order into `coefficients` (all zero before).
fn decode_coefficients(
    decoder: &mut RangeDecoder,
    coefficients: &mut Coefficients,
    activity: &[u8],
    mut model: Model,
) -> Result<(), Error> {
    let (blocks, blocks_wide) = (coefficients.block_count(), coefficients.blocks_wide);
    for axis in 0..coefficients.planes.len() {
        let planes = &mut coefficients.planes[..=axis];
        for b in 0..blocks {
            let around = Surroundings::of(planes, blocks_wide, b, usize::from(activity[b]));
            code_block(
                decoder,
                &mut model,
                &around,
                &mut planes[axis][b * COEFFS..(b + 1) * COEFFS],
            )?;
        }
    }
    Ok(())
}

/// How busy the base image is, as the decoder knows it before any float arithmetic:
/// per latent position of the autoencoder, the sum over channels of the integer latents'
/// magnitudes. (The base image's own pixels come out of a float transform whose last bits
/// may differ between CPUs, so they must not steer the parse.)
pub(crate) struct LatentActivity {
    sums: Vec<u32>,
    height: usize,
    width: usize,
    /// Image pixels per latent position along each side.
    stride: usize,
}

impl LatentActivity {
    /// From `latents` (`channels × height × width`, channel-major) whose positions each
    /// cover `stride × stride` image pixels.
    pub(crate) fn new(
        latents: &[i32],
        channels: usize,
        height: usize,
        width: usize,
        stride: usize,
    ) -> Self {
        let positions = height * width;
        let mut sums = vec![0u32; positions];
        for plane in latents.chunks_exact(positions.max(1)).take(channels) {
            for (sum, &v) in sums.iter_mut().zip(plane) {
                *sum = sum.saturating_add(v.unsigned_abs());
            }
        }
        Self {
            sums,
            height,
            width,
            stride: stride.max(1),
        }
    }

    /// Buckets (0..ACTIVITIES: 0, 1, 2–3, 4–7, 8–15, 16 and more) of the sum at each
    /// block's centre, blocks in raster order.
    fn buckets(&self, blocks_wide: usize, blocks_high: usize) -> Vec<u8> {
        let position = |pixel: usize, n: usize| (pixel / self.stride).min(n.saturating_sub(1));
        (0..blocks_wide * blocks_high)
            .map(|b| {
                let y = position(b / blocks_wide * BLOCK + BLOCK / 2, self.height);
                let x = position(b % blocks_wide * BLOCK + BLOCK / 2, self.width);
                let sum = self.sums.get(y * self.width + x).copied().unwrap_or(0);
                (sum.saturating_add(1).ilog2()).min(ACTIVITIES as u32 - 1) as u8
            })
            .collect()
    }
}

/// The residual's colour axes (one for gray), zero-padded to whole blocks.
fn residual_axes(original: &RawImage, base: &RawImage) -> Vec<Vec<f32>> {
    let (w, h, channels) = (
        original.width as usize,
        original.height as usize,
        usize::from(original.channels),
    );
    let (pw, ph) = (w.div_ceil(BLOCK) * BLOCK, h.div_ceil(BLOCK) * BLOCK);
    let mut axes = vec![vec![0.0f32; pw * ph]; channels];
    for y in 0..h {
        for x in 0..w {
            let at = (y * w + x) * channels;
            let mut r = [0.0f32; 3];
            for (c, v) in r.iter_mut().take(channels).enumerate() {
                *v = f32::from(original.pixels[at + c]) - f32::from(base.pixels[at + c]);
            }
            for (a, axis) in axes.iter_mut().enumerate() {
                axis[y * pw + x] = if channels == 3 {
                    (0..3).map(|c| COLOUR[a][c] * r[c]).sum()
                } else {
                    r[0]
                };
            }
        }
    }
    axes
}

/// The residual's DCT coefficients: per colour axis, blocks in raster order, each
/// block's 64 values in zigzag order.
fn transform(original: &RawImage, base: &RawImage) -> Vec<Vec<f32>> {
    let (w, h) = (original.width as usize, original.height as usize);
    let (pw, blocks_wide) = (w.div_ceil(BLOCK) * BLOCK, w.div_ceil(BLOCK));
    let blocks = blocks_wide * h.div_ceil(BLOCK);
    let (basis, order) = (dct_basis(), zigzag());
    residual_axes(original, base)
        .iter()
        .map(|axis| {
            let mut plane = vec![0.0f32; blocks * COEFFS];
            for (b, block) in plane.chunks_exact_mut(COEFFS).enumerate() {
                let (y0, x0) = (b / blocks_wide * BLOCK, b % blocks_wide * BLOCK);
                // Rows first, then columns: t = basis · X · basisᵀ.
                let mut rows = [[0.0f32; BLOCK]; BLOCK];
                for (i, row) in rows.iter_mut().enumerate() {
                    let pixels = &axis[(y0 + i) * pw + x0..(y0 + i) * pw + x0 + BLOCK];
                    for (k, v) in row.iter_mut().enumerate() {
                        *v = basis[k].iter().zip(pixels).map(|(a, b)| a * b).sum();
                    }
                }
                for (z, &raster) in order.iter().enumerate() {
                    let (ky, kx) = (raster / BLOCK, raster % BLOCK);
                    block[z] = (0..BLOCK).map(|i| basis[ky][i] * rows[i][kx]).sum();
                }
            }
            plane
        })
        .collect()
}

/// Bits the coder spends on magnitudes `levels` (ascending; 0 gives 0) at `slot` given
/// the probability of the greater-than-one flag and the sign's cost: sign, greater-than-one
/// flag, unary flags and Exp-Golomb remainder (the last flag not included). One walk up
/// the unary flags prices every level.
fn magnitude_costs<const K: usize>(
    model: &Model,
    slot: Slot,
    greater_one: u32,
    sign: f32,
    levels: [u32; K],
) -> [f32; K] {
    let mut out = [0.0f32; K];
    // Bits of the flags that say the magnitude is more than `magnitude`.
    let mut climbed = sign + bit_cost(greater_one, true);
    let mut magnitude = 2u32;
    for (cost, &level) in out.iter_mut().zip(&levels) {
        if level == 0 {
            continue;
        }
        if level == 1 {
            *cost = sign + bit_cost(greater_one, false);
            continue;
        }
        while magnitude < level.min(UNARY_LIMIT) {
            let (slots, set) = slot.greater(magnitude);
            climbed += bit_cost(model.greater.predict(slots, set).p16(), true);
            magnitude += 1;
        }
        *cost = climbed;
        if level < UNARY_LIMIT {
            let (slots, set) = slot.greater(level);
            *cost += bit_cost(model.greater.predict(slots, set).p16(), false);
            continue;
        }
        let rest = level - UNARY_LIMIT;
        let mut e = 0;
        while u64::from(rest) + 1 >= 1 << (e + 1) && e < MAX_PREFIX {
            *cost += bit_cost(model.prefix[slot.prefix(e)].p16(), true) + 1.0;
            e += 1;
        }
        *cost += bit_cost(model.prefix[slot.prefix(e)].p16(), false);
    }
    out
}

/// Rate–distortion optimised quantisation of one block (`coefficients` in units of the
/// step, zigzag order) under the coder's current probabilities: each coefficient takes the
/// rounded magnitude, one less, or zero, whichever costs least in `error² + lambda · bits`
/// (error in steps), then the block is cut after its best last coefficient, or dropped.
fn quantise_block(
    model: &Model,
    around: &Surroundings,
    coefficients: &[f32],
    lambda: f32,
    out: &mut [i32],
) {
    // The cost of each coefficient as chosen, with a last flag of 0 for non-zero ones, and
    // what ending the block there would change (a last flag of 1 instead).
    let mut kept = [0.0f32; COEFFS];
    let mut ending = [0.0f32; COEFFS];
    let mut progress = Progress::default();
    for k in 0..COEFFS {
        let c = coefficients[k].abs();
        let rounded = (c + 0.5).floor() as u32;
        let slot = Slot::of(around, out, k, progress);
        let (slots, set) = slot.significant();
        let significance = model.significant.predict(slots, set).p16();
        let mut best = (c * c + lambda * bit_cost(significance, false), 0u32);
        if rounded == 0 {
            // Zero it is; the last flag only follows non-zero values.
            kept[k] = best.0;
            out[k] = 0;
            progress = progress.after(0);
            continue;
        }
        let (slots, set) = slot.last();
        let last = model.last.predict(slots, set).p16();
        let last0 = bit_cost(last, false);
        let (slots, set) = slot.greater_one();
        let greater_one = model.greater_one.predict(slots, set).p16();
        let sign = bit_cost(model.sign[slot.sign()].p16(), coefficients[k] < 0.0);
        let levels = [rounded - 1, rounded];
        let costs = magnitude_costs(model, slot, greater_one, sign, levels);
        for (level, magnitude_bits) in levels.into_iter().zip(costs) {
            if level == 0 {
                continue;
            }
            let error = c - level as f32;
            let bits = bit_cost(significance, true) + magnitude_bits + last0;
            let cost = error * error + lambda * bits;
            if cost < best.0 {
                best = (cost, level);
            }
        }
        kept[k] = best.0;
        ending[k] = lambda * (bit_cost(last, true) - last0);
        let level = best.1 as i32;
        out[k] = if coefficients[k] < 0.0 { -level } else { level };
        progress = progress.after(out[k]);
    }
    // Where to stop: after the non-zero coefficient with the least total cost.
    let (slots, set) = around.coded;
    let coded = model.coded.predict(slots, set).p16();
    let mut dropped: f32 = coefficients.iter().map(|c| c * c).sum();
    let mut best = (dropped + lambda * bit_cost(coded, false), None);
    let coded = lambda * bit_cost(coded, true);
    let mut prefix = 0.0f32;
    for k in 0..COEFFS {
        prefix += kept[k];
        dropped -= coefficients[k] * coefficients[k];
        if out[k] == 0 {
            continue;
        }
        let cost = prefix + dropped + coded + ending[k];
        if cost < best.0 {
            best = (cost, Some(k));
        }
    }
    let end = best.1.map_or(0, |k| k + 1);
    out[end..].fill(0);
}

/// Whether a block whose non-zero coefficients run from zigzag position `first` to
/// `last` hides the last one's sign in the parity of its magnitudes (odd: negative).
fn hides_sign(first: usize, last: usize) -> bool {
    last - first >= HIDE_SPAN
}

/// Whether `block` can be coded: a block that hides a sign has the parity it says.
fn sign_hidden_right(block: &[i32]) -> bool {
    let (Some(first), Some(last)) = (
        block.iter().position(|&v| v != 0),
        block.iter().rposition(|&v| v != 0),
    ) else {
        return true;
    };
    if !hides_sign(first, last) {
        return true;
    }
    let sum = block
        .iter()
        .fold(0u32, |s, v| s.wrapping_add(v.unsigned_abs()));
    (sum % 2 == 1) == (block[last] < 0)
}

/// Makes a quantised block's parity match its hidden sign (see [`hides_sign`]) at the
/// least cost in `error² + lambda · bits`: among the changes that fix it (one
/// coefficient's magnitude one more or one less, the last one's sign flipped) the few
/// that add the least error are priced with [`block_bits`], against dropping the block.
fn hide_sign(
    model: &Model,
    around: &Surroundings,
    coefficients: &[f32],
    lambda: f32,
    out: &mut [i32],
) {
    if sign_hidden_right(out) {
        return;
    }
    let Some(last) = out.iter().rposition(|&v| v != 0) else {
        return;
    };
    let error = |k: usize, q: i32| {
        let e = coefficients[k] - q as f32;
        e * e
    };
    let mut candidate = [0i32; COEFFS];
    candidate.copy_from_slice(out);
    // (added error, position, value) of every change that fixes the parity: at most two
    // per position and the last one's sign flip.
    let mut fixes = [(0.0f32, 0usize, 0i32); 2 * COEFFS + 1];
    let mut found = 0;
    let mut consider = |k: usize, q: i32| {
        let old = candidate[k];
        candidate[k] = q;
        if sign_hidden_right(&candidate) {
            fixes[found] = (error(k, q) - error(k, old), k, q);
            found += 1;
        }
        candidate[k] = old;
    };
    for k in 0..(last + 2).min(COEFFS) {
        let q = out[k];
        let sign = if q != 0 {
            q.signum()
        } else if coefficients[k] < 0.0 {
            -1
        } else {
            1
        };
        consider(k, sign * (q.abs() + 1));
        if q != 0 {
            consider(k, sign * (q.abs() - 1));
        }
    }
    consider(last, -out[last]);
    let fixes = &mut fixes[..found];
    fixes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let dropped: f32 = (0..COEFFS).map(|k| error(k, 0) - error(k, out[k])).sum();
    let mut best = (
        dropped + lambda * block_bits(model, around, &[0; COEFFS]),
        COEFFS,
        0,
    );
    for &(added, k, q) in fixes.iter().take(HIDE_CANDIDATES) {
        let old = candidate[k];
        candidate[k] = q;
        let cost = added + lambda * block_bits(model, around, &candidate);
        candidate[k] = old;
        if cost < best.0 {
            best = (cost, k, q);
        }
    }
    let (_, k, q) = best;
    if k == COEFFS {
        out.fill(0);
    } else {
        out[k] = q;
    }
}

/// Bits the coder would spend on `block` (zigzag order) in `around` under the model's
/// current probabilities, coded flag included.
fn block_bits(model: &Model, around: &Surroundings, block: &[i32]) -> f32 {
    let (slots, set) = around.coded;
    let coded = model.coded.predict(slots, set).p16();
    let Some(last) = block.iter().rposition(|&v| v != 0) else {
        return bit_cost(coded, false);
    };
    let mut bits = bit_cost(coded, true);
    let mut progress = Progress::default();
    let first = block.iter().position(|&v| v != 0).unwrap_or(last);
    for (k, &value) in block.iter().enumerate().take(last + 1) {
        let slot = Slot::of(around, block, k, progress);
        let (slots, set) = slot.significant();
        bits += bit_cost(model.significant.predict(slots, set).p16(), value != 0);
        progress = progress.after(value);
        if value == 0 {
            continue;
        }
        let (slots, set) = slot.greater_one();
        let greater_one = model.greater_one.predict(slots, set).p16();
        let sign = if k == last && hides_sign(first, last) {
            0.0
        } else {
            bit_cost(model.sign[slot.sign()].p16(), value < 0)
        };
        bits += magnitude_costs(model, slot, greater_one, sign, [value.unsigned_abs()])[0];
        let (slots, set) = slot.last();
        bits += bit_cost(model.last.predict(slots, set).p16(), k == last);
    }
    bits
}

/// Improves a block from [`quantise_block`] by one pass of coordinate descent on
/// `error² + lambda · bits` with the whole block's real cost ([`block_bits`]): each
/// coefficient in turn tries zero, its rounded magnitude and one less, seeing how its
/// choice changes the later coefficients' contexts (which the greedy quantiser cannot).
/// On 24 train photos this saved 0.27 % BD-rate at twice the residual's encoding time,
/// so efforts 2 and 3 use it.
fn polish_block(
    model: &Model,
    around: &Surroundings,
    coefficients: &[f32],
    lambda: f32,
    out: &mut [i32],
) {
    if out.iter().all(|&v| v == 0) {
        return;
    }
    let error = |k: usize, q: i32| {
        let e = coefficients[k] - q as f32;
        e * e
    };
    let mut bits = block_bits(model, around, out);
    let end = out.iter().rposition(|&v| v != 0).map_or(0, |k| k + 1);
    for k in 0..(end + 1).min(COEFFS) {
        let c = coefficients[k];
        let rounded = (c.abs() + 0.5).floor() as i32;
        let sign = if c < 0.0 { -1 } else { 1 };
        let current = out[k];
        let mut best = (error(k, current) + lambda * bits, current, bits);
        for level in [0, rounded - 1, rounded] {
            let candidate = sign * level;
            if level < 0 || candidate == current {
                continue;
            }
            out[k] = candidate;
            let b = block_bits(model, around, out);
            let cost = error(k, candidate) + lambda * b;
            if cost < best.0 {
                best = (cost, candidate, b);
            }
        }
        out[k] = best.1;
        bits = best.2;
    }
}

/// Quantises and codes the residual's coefficients (see [`transform`]) at `step` under
/// `lambda` (see [`quantise_block`]; 0 rounds every coefficient to the nearest level;
/// `polish` adds [`polish_block`]) from coder state `model`; returns the quantised
/// coefficients, the coded bytes and the coder's final state.
fn encode_coefficients(
    original: &RawImage,
    base: &RawImage,
    activity: &LatentActivity,
    step: f32,
    lambda: f32,
    polish: bool,
    mut model: Model,
) -> (Coefficients, Vec<u8>, Model) {
    let planes = transform(original, base);
    let mut coefficients = Coefficients::zeros(
        planes.len(),
        original.width as usize,
        original.height as usize,
    );
    let activity = activity.buckets(coefficients.blocks_wide, coefficients.blocks_high);
    let mut encoder = RangeEncoder::new();
    let blocks_wide = coefficients.blocks_wide;
    let mut scaled = [0.0f32; COEFFS];
    for (axis, values) in planes.iter().enumerate() {
        let planes = &mut coefficients.planes[..=axis];
        for (b, block) in values.chunks_exact(COEFFS).enumerate() {
            let around = Surroundings::of(planes, blocks_wide, b, usize::from(activity[b]));
            for (s, &v) in scaled.iter_mut().zip(block) {
                *s = v / step;
            }
            let out = &mut planes[axis][b * COEFFS..(b + 1) * COEFFS];
            quantise_block(&model, &around, &scaled, lambda, out);
            if polish {
                polish_block(&model, &around, &scaled, lambda, out);
            }
            hide_sign(&model, &around, &scaled, lambda, out);
            // The encoder cannot fail: every coefficient is below 2^MAX_PREFIX.
            let _ = code_block(&mut encoder, &mut model, &around, out);
        }
    }
    (coefficients, encoder.finish(), model)
}

/// Adds the dequantised coefficients' inverse transform to `image`.
fn add_to(image: &mut RawImage, coefficients: &Coefficients, step: f32) {
    let (w, h, channels) = (
        image.width as usize,
        image.height as usize,
        usize::from(image.channels),
    );
    let pw = coefficients.blocks_wide * BLOCK;
    let ph = coefficients.blocks_high * BLOCK;
    let (basis, order) = (dct_basis(), zigzag());
    let mut axes = vec![vec![0.0f32; pw * ph]; channels];
    for (axis, plane) in axes.iter_mut().zip(&coefficients.planes) {
        for (b, block) in plane.chunks_exact(COEFFS).enumerate() {
            if block.iter().all(|&v| v == 0) {
                continue;
            }
            let (y0, x0) = (
                b / coefficients.blocks_wide * BLOCK,
                b % coefficients.blocks_wide * BLOCK,
            );
            let mut t = [[0.0f32; BLOCK]; BLOCK];
            for (z, &raster) in order.iter().enumerate() {
                t[raster / BLOCK][raster % BLOCK] = block[z] as f32 * step;
            }
            // X = basisᵀ · T · basis.
            let mut columns = [[0.0f32; BLOCK]; BLOCK];
            for (i, row) in columns.iter_mut().enumerate() {
                for (kx, v) in row.iter_mut().enumerate() {
                    *v = (0..BLOCK).map(|ky| basis[ky][i] * t[ky][kx]).sum();
                }
            }
            for (i, row) in columns.iter().enumerate() {
                for j in 0..BLOCK {
                    axis[(y0 + i) * pw + x0 + j] =
                        (0..BLOCK).map(|kx| basis[kx][j] * row[kx]).sum();
                }
            }
        }
    }
    for y in 0..h {
        for x in 0..w {
            let at = (y * w + x) * channels;
            for (c, pixel) in image.pixels[at..at + channels].iter_mut().enumerate() {
                let delta: f32 = if channels == 3 {
                    COLOUR
                        .iter()
                        .zip(&axes)
                        .map(|(row, axis)| row[c] * axis[y * pw + x])
                        .sum()
                } else {
                    axes[0][y * pw + x]
                };
                *pixel = (f32::from(*pixel) + delta).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
}

/// Codes the residual of `base` (the decoder's image before this layer) against
/// `original` (same shape) at quantisation `step` (on the 0–255 scale, at least 1), the
/// coder starting from `prior`'s state for the step, `thorough` adding a second look at
/// each block's quantisation ([`polish_block`]); returns the layer's bytes and the
/// decoder's image after it.
pub(crate) fn encode(
    original: &RawImage,
    base: &RawImage,
    activity: &LatentActivity,
    step: u32,
    prior: &ResidualPrior,
    thorough: bool,
) -> (Vec<u8>, RawImage) {
    let (bytes, decoded, _) =
        encode_from(original, base, activity, step, thorough, prior.start(step));
    (bytes, decoded)
}

/// [`encode`] from the coder state `start`; also returns the coder's final state.
fn encode_from(
    original: &RawImage,
    base: &RawImage,
    activity: &LatentActivity,
    step: u32,
    thorough: bool,
    start: Model,
) -> (Vec<u8>, RawImage, Model) {
    let step = step.max(1) as f32;
    let (coefficients, bytes, model) =
        encode_coefficients(original, base, activity, step, RDO_LAMBDA, thorough, start);
    let mut decoded = base.clone();
    add_to(&mut decoded, &coefficients, step);
    (bytes, decoded, model)
}

/// What a bit is worth in summed squared error (0–255 scale) to this layer's quantiser at
/// `step`: `RDO_LAMBDA · step²`.
pub(crate) fn bit_price(step: u32) -> f64 {
    f64::from(RDO_LAMBDA) * f64::from(step.max(1)).powi(2)
}

/// The λ of the loss `bits / pixels + λ · MSE` (MSE per sample on the 0–255 scale) that
/// matches this layer's quantisation at `step` for an image of `channels` channels: the
/// layer trades `RDO_LAMBDA · step²` of summed squared error for a bit.
pub(crate) fn loss_lambda(step: u32, channels: u8) -> f64 {
    f64::from(channels) / (f64::from(RDO_LAMBDA) * f64::from(step.max(1)).powi(2))
}

/// Decodes a layer written by [`encode`] with `step` and `prior` and adds it to `image`
/// (the decoder's image before this layer).
pub(crate) fn decode(
    bytes: &[u8],
    step: u32,
    activity: &LatentActivity,
    prior: &ResidualPrior,
    image: &mut RawImage,
) -> Result<(), Error> {
    let mut coefficients = Coefficients::zeros(
        usize::from(image.channels),
        image.width as usize,
        image.height as usize,
    );
    let mut decoder = RangeDecoder::new(bytes)?;
    let activity = activity.buckets(coefficients.blocks_wide, coefficients.blocks_high);
    decode_coefficients(
        &mut decoder,
        &mut coefficients,
        &activity,
        prior.start(step),
    )?;
    add_to(image, &coefficients, step.max(1) as f32);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No latents: every block in the lowest activity bucket.
    fn flat() -> LatentActivity {
        LatentActivity::new(&[], 0, 0, 0, 16)
    }

    /// `base` with a layer at `step` decoded onto it ([`flat`] activity, a coder that
    /// starts from nothing).
    fn decoded_onto(base: &RawImage, bytes: &[u8], step: u32) -> RawImage {
        let mut decoded = base.clone();
        decode(
            bytes,
            step,
            &flat(),
            &ResidualPrior::default(),
            &mut decoded,
        )
        .unwrap();
        decoded
    }

    /// A textured photo-like image and a blurred, shifted copy of it as the "base".
    fn pair(width: u32, height: u32, channels: u8) -> (RawImage, RawImage) {
        let n = (width * height) as usize * usize::from(channels);
        let original: Vec<u8> = (0..n)
            .map(|i| {
                let p = i / usize::from(channels);
                let (x, y) = (p % width as usize, p / width as usize);
                let v = 128.0
                    + 60.0 * ((x as f64) * 0.3).sin() * ((y as f64) * 0.2).cos()
                    + 20.0 * ((x * 7 + y * 13 + i % 3 * 5) % 17) as f64 / 17.0;
                v as u8
            })
            .collect();
        let base: Vec<u8> = original
            .iter()
            .enumerate()
            .map(|(i, &v)| (f64::from(v) * 0.9 + 10.0 + (i % 5) as f64) as u8)
            .collect();
        (
            RawImage::new(width, height, channels, original).unwrap(),
            RawImage::new(width, height, channels, base).unwrap(),
        )
    }

    #[test]
    fn latent_activity_buckets_each_block_by_the_latents_at_its_centre() {
        // Two channels on a 2×2 grid, 32 pixels per latent position: sums 0, 3, 12, 70.
        let latents = [0, 1, 4, -30, 0, -2, 8, 40];
        let activity = LatentActivity::new(&latents, 2, 2, 2, 32);
        // 9×9 blocks of 8 pixels: block columns 0–3 lie over latent column 0, 4–8 over
        // column 1 (the last ones clamped to the grid), rows likewise.
        let buckets = activity.buckets(9, 9);
        let expected = |row: usize, col: usize| match (row >= 4, col >= 4) {
            (false, false) => 0, // sum 0
            (false, true) => 2,  // sum 3: ⌊log2 4⌋
            (true, false) => 3,  // sum 12: ⌊log2 13⌋
            (true, true) => 5,   // sum 70: capped
        };
        for (b, &bucket) in buckets.iter().enumerate() {
            assert_eq!(bucket, expected(b / 9, b % 9), "block {b}");
        }
    }

    #[test]
    fn the_parse_does_not_depend_on_the_base_pixels() {
        // The decoder's base comes out of float arithmetic that may differ in the last bit
        // between CPUs: a base off by one everywhere must still decode the same integers,
        // so the image differs from the encoder's by about that one level, not more.
        let (original, base) = pair(64, 48, 3);
        let latents: Vec<i32> = (0..4 * 3 * 4).map(|i| (i * 7 % 11) - 5).collect();
        let activity = LatentActivity::new(&latents, 4, 3, 4, 16);
        let (bytes, expected) = encode(
            &original,
            &base,
            &activity,
            6,
            &ResidualPrior::default(),
            false,
        );
        let mut shifted = base.clone();
        for (i, v) in shifted.pixels.iter_mut().enumerate() {
            *v = if i % 2 == 0 {
                v.saturating_add(1)
            } else {
                v.saturating_sub(1)
            };
        }
        decode(
            &bytes,
            6,
            &activity,
            &ResidualPrior::default(),
            &mut shifted,
        )
        .unwrap();
        let worst = shifted
            .pixels
            .iter()
            .zip(&expected.pixels)
            .map(|(&a, &b)| a.abs_diff(b))
            .max()
            .unwrap();
        assert!(worst <= 2, "pixels differ by up to {worst}");
    }

    fn squared_error(a: &RawImage, b: &RawImage) -> f64 {
        a.pixels
            .iter()
            .zip(&b.pixels)
            .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
            .sum()
    }

    #[test]
    fn decodes_to_the_encoders_coefficients_and_brings_the_base_closer() {
        for (width, height, channels) in [(37, 21, 3), (16, 8, 1), (1, 1, 3), (9, 30, 1)] {
            let (original, base) = pair(width, height, channels);
            for step in [2, 20, 60] {
                let (coefficients, bytes, _) = encode_coefficients(
                    &original,
                    &base,
                    &flat(),
                    step as f32,
                    RDO_LAMBDA,
                    false,
                    Model::new(),
                );
                let mut expected = base.clone();
                add_to(&mut expected, &coefficients, step as f32);
                let decoded = decoded_onto(&base, &bytes, step);
                assert_eq!(decoded, expected, "{width}x{height}x{channels} step {step}");
                let (after, before) = (
                    squared_error(&original, &decoded),
                    squared_error(&original, &base),
                );
                assert!(after <= before, "{width}x{height}x{channels} step {step}");
                if width * height >= 64 && step <= 20 {
                    assert!(after < before, "{width}x{height}x{channels} step {step}");
                }
            }
        }
    }

    #[test]
    fn a_learned_prior_and_the_thorough_quantiser_round_trip_and_the_prior_steers_the_parse() {
        let (original, base) = pair(64, 48, 3);
        // Learn on another picture (the same texture, shifted) so the state is real.
        let (other, other_base) = pair(48, 64, 3);
        let mut learner = PriorLearner::new(ResidualPrior::default());
        for step in [12, 30] {
            learner.code(&other, &other_base, &flat(), step);
        }
        let prior = learner.finish();
        for thorough in [false, true] {
            for step in [10, 30] {
                let (bytes, encoded) = encode(&original, &base, &flat(), step, &prior, thorough);
                let mut decoded = base.clone();
                decode(&bytes, step, &flat(), &prior, &mut decoded).unwrap();
                assert_eq!(decoded, encoded, "step {step}, thorough {thorough}");
                // A decoder starting elsewhere reads other integers (or fails).
                let mut fresh = base.clone();
                let parsed = decode(&bytes, step, &flat(), &ResidualPrior::default(), &mut fresh);
                assert!(parsed.is_err() || fresh != encoded, "step {step}");
            }
        }
    }

    #[test]
    fn magnitudes_in_unary_and_beyond_round_trip_and_are_priced_as_coded() {
        // Blocks spanning every magnitude class: 1, the unary flags up to UNARY_LIMIT, the
        // Exp-Golomb remainder just past it and far beyond, in both signs, one model
        // learning across the blocks as the coder does.
        let planes = vec![vec![0i32; COEFFS]];
        let around = Surroundings::of(&planes, 1, 0, 0);
        let magnitudes: Vec<i32> = (1..=UNARY_LIMIT as i32 + 3)
            .chain([40, 1000, (1 << (MAX_PREFIX - 1)) + 7])
            .collect();
        let blocks: Vec<[i32; COEFFS]> = magnitudes
            .chunks(HIDE_SPAN - 1)
            .enumerate()
            .map(|(b, chunk)| {
                let mut block = [0i32; COEFFS];
                // Spans under HIDE_SPAN: every sign is coded.
                for (i, &m) in chunk.iter().enumerate() {
                    block[i] = if (b + i) % 2 == 0 { m } else { -m };
                }
                block
            })
            .collect();
        let mut encoder = RangeEncoder::new();
        let mut model = Model::new();
        let mut priced = 0.0f32;
        for block in &blocks {
            priced += block_bits(&model, &around, block);
            code_block(&mut encoder, &mut model, &around, &mut block.clone()).unwrap();
        }
        let bytes = encoder.finish();
        let mut decoder = RangeDecoder::new(&bytes).unwrap();
        let mut model = Model::new();
        for block in &blocks {
            let mut decoded = [0i32; COEFFS];
            code_block(&mut decoder, &mut model, &around, &mut decoded).unwrap();
            assert_eq!(&decoded, block);
        }
        // The quantiser's price of each block is what the coder spends, within the range
        // coder's few bytes of overhead.
        let coded = bytes.len() as f32 * 8.0;
        assert!(
            (coded - priced).abs() < 40.0,
            "coded {coded} bits, priced {priced}"
        );
    }

    #[test]
    fn hidden_signs_get_their_parity_and_decode_without_being_coded() {
        let planes = vec![vec![0i32; COEFFS]];
        let around = Surroundings::of(&planes, 1, 0, 0);
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut hidden = 0;
        for trial in 0..200 {
            // Coefficients in steps, larger at low frequencies, some blocks sparse.
            let mut coefficients = [0.0f32; COEFFS];
            for (k, c) in coefficients.iter_mut().enumerate() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let u = (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
                *c = u * 12.0 / (1.0 + k as f32 * (trial % 4) as f32 * 0.3);
            }
            let model = Model::new();
            let mut block = [0i32; COEFFS];
            quantise_block(&model, &around, &coefficients, 0.065, &mut block);
            hide_sign(&model, &around, &coefficients, 0.065, &mut block);
            assert!(sign_hidden_right(&block), "trial {trial}");
            let (first, last) = (
                block.iter().position(|&v| v != 0),
                block.iter().rposition(|&v| v != 0),
            );
            if let (Some(first), Some(last)) = (first, last) {
                hidden += usize::from(hides_sign(first, last));
            }
            let mut encoder = RangeEncoder::new();
            code_block(&mut encoder, &mut Model::new(), &around, &mut block.clone()).unwrap();
            let bytes = encoder.finish();
            let mut decoder = RangeDecoder::new(&bytes).unwrap();
            let mut decoded = [0i32; COEFFS];
            code_block(&mut decoder, &mut Model::new(), &around, &mut decoded).unwrap();
            assert_eq!(decoded, block, "trial {trial}");
        }
        assert!(hidden > 50, "only {hidden} blocks hid a sign");
    }

    #[test]
    fn finer_steps_cost_more_bytes_and_give_smaller_errors() {
        let (original, base) = pair(64, 48, 3);
        let mut previous: Option<(usize, f64)> = None;
        for step in [80, 40, 20, 10, 5] {
            let (bytes, encoded) = encode(
                &original,
                &base,
                &flat(),
                step,
                &ResidualPrior::default(),
                false,
            );
            let decoded = decoded_onto(&base, &bytes, step);
            assert_eq!(decoded, encoded, "step {step}");
            let error = squared_error(&original, &decoded);
            if let Some((size, previous_error)) = previous {
                assert!(bytes.len() > size, "step {step}");
                assert!(error < previous_error, "step {step}");
            }
            previous = Some((bytes.len(), error));
        }
    }

    #[test]
    fn rate_distortion_quantisation_beats_plain_rounding_under_its_own_loss() {
        let (original, _) = pair(96, 64, 3);
        // A base off by noise, as an autoencoder's output is: `pair`'s base differs by a
        // periodic pattern, which plain rounding codes unusually well.
        let mut state = 0x2545_f491u32;
        let pixels = original
            .pixels
            .iter()
            .map(|&v| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let noise = (state >> 16) as i32 % 25 - 12;
                (i32::from(v) + noise).clamp(0, 255) as u8
            })
            .collect();
        let base = RawImage::new(96, 64, 3, pixels).unwrap();
        for step in [6.0f32, 20.0, 50.0] {
            // error² in steps² + λ · bits, with the real bytes and the decoded pixels.
            let loss = |lambda: f32| {
                let (coefficients, bytes, _) = encode_coefficients(
                    &original,
                    &base,
                    &flat(),
                    step,
                    lambda,
                    false,
                    Model::new(),
                );
                let mut decoded = base.clone();
                add_to(&mut decoded, &coefficients, step);
                let error = squared_error(&original, &decoded) / f64::from(step * step);
                let loss = error + f64::from(RDO_LAMBDA) * (bytes.len() * 8) as f64;
                (bytes.len(), loss)
            };
            let (rounded_bytes, rounded_loss) = loss(0.0);
            let (rdo_bytes, rdo_loss) = loss(RDO_LAMBDA);
            assert!(rdo_bytes < rounded_bytes, "step {step}");
            assert!(
                rdo_loss < rounded_loss,
                "step {step}: {rdo_loss} vs {rounded_loss}"
            );
        }
    }

    #[test]
    fn context_neighbours_are_the_grid_neighbours_and_coded_first() {
        let (order, table) = (zigzag(), neighbours());
        for (z, &(left, top)) in table.iter().enumerate() {
            let (i, j) = (order[z] / BLOCK, order[z] % BLOCK);
            assert_eq!(left.map(|l| order[l]), (j > 0).then(|| i * BLOCK + j - 1));
            assert_eq!(top.map(|t| order[t]), (i > 0).then(|| (i - 1) * BLOCK + j));
            // The decoder knows them when it reaches z.
            assert!(left.is_none_or(|l| l < z) && top.is_none_or(|t| t < z));
        }
    }

    #[test]
    fn an_exact_base_costs_almost_nothing() {
        let (original, _) = pair(64, 64, 3);
        let (bytes, _) = encode(
            &original,
            &original,
            &flat(),
            10,
            &ResidualPrior::default(),
            false,
        );
        assert!(bytes.len() <= 8, "{} bytes", bytes.len());
    }

    #[test]
    fn damaged_layers_are_errors_or_other_pixels_never_panics() {
        let (original, base) = pair(40, 24, 3);
        let (bytes, _) = encode(
            &original,
            &base,
            &flat(),
            4,
            &ResidualPrior::default(),
            false,
        );
        for cut in [0, 3, 4, bytes.len() / 2] {
            let mut image = base.clone();
            let _ = decode(
                &bytes[..cut],
                4,
                &flat(),
                &ResidualPrior::default(),
                &mut image,
            );
        }
        for flip in 0..bytes.len().min(64) {
            let mut damaged = bytes.clone();
            damaged[flip] ^= 0x5a;
            let mut image = base.clone();
            let _ = decode(&damaged, 4, &flat(), &ResidualPrior::default(), &mut image);
        }
        let mut image = base.clone();
        assert!(decode(
            &[0xff; 3],
            4,
            &flat(),
            &ResidualPrior::default(),
            &mut image
        )
        .is_err());
    }
}
