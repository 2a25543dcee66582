//! `image`: the learned lossy image codec.
//!
//! A photo is padded to a multiple of 16 pixels (edges repeated), turned into latents
//! by the float analysis transform of a trained autoencoder
//! ([`ImageAe`](crate::runtime::image_ae::ImageAe)), rounded to integers and range-coded
//! with the model's **integer** per-channel frequency tables, so every decoder parses the
//! same latents. The float synthesis transform turns them back into pixels; it only
//! decides pixel values, never the parse.
//!
//! The encoder then fits a small linear restoration filter to the decoded photo and sends
//! its weights when they pay for themselves; the decoder applies it in integer arithmetic
//! (see `post_filter`).
//!
//! Levels 2 and up add a residual layer (`residual`): the difference between the photo
//! and that decoded, filtered image, coded with 8×8 DCTs and adaptive binary contexts at a
//! quantisation step per level, and then a second restoration filter, fitted to the image
//! with the layer added (on 24 train photos +0.01 dB at level 3 to +0.21 dB at level 8 for
//! its 0.2–1 % of the bytes: −1.8 % BD-rate). The small autoencoder is at its best at low
//! rates, and a transform coder's rate–distortion slope beyond them is steeper than that of
//! models trained for higher rates (on 24 train photos: 0.3–0.5 dB better at levels 3–4,
//! 1–3 dB at levels 5–6), so one model (`models/weights/image-1.nciw`) codes every level,
//! always on the photo halved (level 1 is the model alone, the smallest file); levels 2–8
//! add ever finer residual layers.
//!
//! The codec's input and output is a canonical binary PPM/PGM ([`RawImage`]): the `.ncz`
//! frame records that content's length, and decoding gives an image of the same size.
//!
//! ```
//! use ncodec::codecs::image::RawImage;
//! use ncodec::{CompressOptions, EncodeParams};
//!
//! let pixels = (0..48 * 32 * 3).map(|i| (i % 251) as u8).collect();
//! let photo = RawImage::new(48, 32, 3, pixels)?;
//! let options = CompressOptions::default()
//!     .codec("image")
//!     .params(EncodeParams::default().quality(1));
//! let packed = ncodec::compress(&photo.to_ppm(), &options)?;
//! let back = RawImage::from_ppm(&ncodec::decompress(&packed)?)?;
//! assert_eq!((back.width, back.height, back.channels), (48, 32, 3));
//! # Ok::<(), ncodec::Error>(())
//! ```

mod latent_coder;
mod post_filter;
mod ppm;
mod refine;
mod residual;
mod rounding;
mod transform;

pub use ppm::{RawImage, MAX_SIDE};

use std::sync::OnceLock;

use crate::codec::{Codec, CodecId, EncodeParams, Modality, ModelInfo};
use crate::format::{read_varint, write_varint, SliceReader};
use crate::runtime::image_ae::ImageAe;
use crate::Error;
use post_filter::PostFilter;
use residual::ResidualPrior;

/// The shipped model (`models/weights/image-1.nciw`, its training manifest beside it).
static MODEL_WEIGHTS: [&[u8]; 1] = [include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../models/weights/image-1.nciw"
))];

/// Where the residual layer's coder starts, per step (`models/weights/image-residual.ncrp`,
/// learned by `ncodec train image-residual`; see [`residual::ResidualPrior`]).
static RESIDUAL_PRIOR: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../models/weights/image-residual.ncrp"
));

/// Activity classes of the restoration filter on the model's image (see [`PostFilter`]).
/// One: at level 1, four classes cost 7.8 % more bytes for 0.03 dB on 24 train photos (the
/// model's λ overprices distortion there), and under a residual layer (levels 2–8) they
/// cost 0.6 % BD-rate.
const BASE_FILTER_CLASSES: usize = 1;
/// Activity classes of the finishing filter after the residual layer: four saved 1.84 %
/// BD-rate (levels 3–8) on 24 train photos at effort 1 over one; its decisions priced at
/// half or twice the residual's λ did worse (+0.17 %, +0.05 %).
const FINISHING_FILTER_CLASSES: usize = 4;

/// Each model's rate–distortion trade-off λ (its training loss was
/// `bpp + λ·255²·MSE`); latent refinement optimises the same loss.
const MODEL_LAMBDAS: [f64; 1] = [0.0018];

/// A quality level: which model codes the image, at which scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Level {
    /// Index into [`MODEL_WEIGHTS`].
    model: usize,
    /// 1 = full resolution; 2 = the image is halved before coding and the decoder
    /// doubles it back (the lowest rates, where that beats coding every pixel).
    scale: u32,
    /// The quantisation step of a [`residual`] layer on top of the model's image (on the
    /// 0–255 scale), or `None`.
    residual_step: Option<u32>,
}

/// The quality levels, lowest rate first: level `l` is `LEVELS[l - 1]`. One model codes
/// every level, levels 2–8 with a [`residual`] layer on top: on 24 train photos at effort
/// 1, the model's image plus a residual layer beat the models trained for higher rates
/// (shipped until session 15) at their own rates by 0.3–0.5 dB at levels 3–4 and 1–3 dB
/// at levels 5–6. The steps are about √2 apart; they were made ~12 % finer in session 16,
/// when rate–distortion quantisation lowered every level's rate. Since session 19 the
/// model codes the photo halved at every level: under a residual layer that base (about
/// 0.055 bpp) beat the full-size one (about 0.16 bpp) by 4.0 % of the bytes at level 3
/// down to 0.2 % at level 8, at equal or better PSNR, and level 2 with a residual layer at
/// step 150 gained 0.31 dB at the same rate over the full-size model alone (24 train
/// photos, effort 1; −3.4 % BD-rate over levels 1–8, encoding twice as fast).
const LEVELS: [Level; 8] = [
    Level {
        model: 0,
        scale: 2,
        residual_step: None,
    },
    Level {
        model: 0,
        scale: 2,
        residual_step: Some(150),
    },
    Level {
        model: 0,
        scale: 2,
        residual_step: Some(110),
    },
    Level {
        model: 0,
        scale: 2,
        residual_step: Some(78),
    },
    Level {
        model: 0,
        scale: 2,
        residual_step: Some(57),
    },
    Level {
        model: 0,
        scale: 2,
        residual_step: Some(40),
    },
    Level {
        model: 0,
        scale: 2,
        residual_step: Some(28),
    },
    Level {
        model: 0,
        scale: 2,
        residual_step: Some(20),
    },
];

/// Latent refinement per effort: `(annealing steps, initial learning rate)` (effort 1:
/// none). On the first 8 train photos at level 3, 30 steps saved 13 % of the bits at
/// equal PSNR against effort 1, 150 steps 17 % and 300 steps 18.5 % (about 100 s for a
/// 768×512 photo on 2 cores); learning rates 0.05 and 0.2 did worse than 0.1, and final
/// temperatures 0.1, 0.15 and 0.3 no better than 0.2.
const EFFORT_REFINEMENT: [Option<(usize, f32)>; 3] = [None, Some((30, 0.1)), Some((300, 0.1))];

/// Refinement descends on `λ` times this. Effort 1's rate-aware rounding codes each level
/// below the rate its model was trained for; half the training λ keeps the refined
/// levels at about the same rates (and saved more bits at equal quality than 0.35 or 0.7).
const REFINEMENT_LAMBDA_SCALE: f64 = 0.5;

/// The effort used when none is asked for.
const DEFAULT_EFFORT: u8 = 1;

/// The level used when none is asked for.
const DEFAULT_LEVEL: u8 = 4;

/// Model id of the image autoencoder bundle in `.ncz` headers.
pub const MODEL_ID: u16 = 3;

/// Revision of the payload layout and of how latents are coded; it enters the model hash.
const REVISION: &[u8] = b"ncodec-image-12";

/// Payload layout version (first payload byte).
const PAYLOAD_VERSION: u8 = 4;

/// Bytes a frame adds around the payload (header, chunk header, trailer), an upper
/// bound used when a rate cap is given.
const FRAME_OVERHEAD_BYTES: usize = 64;

/// Number of quality levels (1 ..= this).
///
/// ```
/// assert!(ncodec::codecs::image::level_count() >= 1);
/// ```
pub fn level_count() -> u8 {
    LEVELS.len() as u8
}

/// Shipped model `index` (into [`MODEL_WEIGHTS`]), parsed on first use: a coding needs
/// one model, and parsing all of them would double a small image's coding time.
fn shipped_model(index: usize) -> Result<&'static ImageAe, Error> {
    type Parsed = OnceLock<Result<ImageAe, String>>;
    static MODELS: [Parsed; MODEL_WEIGHTS.len()] = [const { OnceLock::new() }; MODEL_WEIGHTS.len()];
    let bytes = MODEL_WEIGHTS
        .get(index)
        .ok_or_else(|| Error::InvalidOption(format!("no shipped image model {index}")))?;
    MODELS[index]
        .get_or_init(|| ImageAe::from_bytes(bytes).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(unusable_models)
}

/// The shipped residual prior, parsed on first use.
fn shipped_residual_prior() -> Result<&'static ResidualPrior, Error> {
    static PRIOR: OnceLock<Result<ResidualPrior, String>> = OnceLock::new();
    PRIOR
        .get_or_init(|| ResidualPrior::from_bytes(RESIDUAL_PRIOR))
        .as_ref()
        .map_err(unusable_models)
}

/// The error for shipped weights that fail their checks (a broken build, not bad input).
fn unusable_models(reason: impl std::fmt::Display) -> Error {
    Error::InvalidOption(format!("the shipped image models are unusable: {reason}"))
}

/// The model of quality `level` (1-based, checked by the caller) and how it is coded.
fn level_model(level: u8) -> Result<(&'static ImageAe, Level), Error> {
    let level = LEVELS[usize::from(level) - 1];
    Ok((shipped_model(level.model)?, level))
}

/// XXH3-64 over every model's weights hash, the [`LEVELS`] table (model index, scale
/// and residual step, 0 for none, `u32` each), the residual prior's XXH3-64 and
/// [`REVISION`]; computed once, without parsing the models.
fn bundle_hash() -> Result<u64, Error> {
    static HASH: OnceLock<Result<u64, String>> = OnceLock::new();
    HASH.get_or_init(|| {
        let mut bytes = Vec::new();
        for weights in MODEL_WEIGHTS {
            let hash = ImageAe::hash_of(weights).map_err(|e| e.to_string())?;
            bytes.extend_from_slice(&hash.to_le_bytes());
        }
        for level in LEVELS {
            bytes.extend_from_slice(&(level.model as u32).to_le_bytes());
            bytes.extend_from_slice(&level.scale.to_le_bytes());
            bytes.extend_from_slice(&level.residual_step.unwrap_or(0).to_le_bytes());
        }
        bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(RESIDUAL_PRIOR).to_le_bytes());
        bytes.extend_from_slice(REVISION);
        Ok(xxhash_rust::xxh3::xxh3_64(&bytes))
    })
    .clone()
    .map_err(unusable_models)
}

/// The learned lossy image codec (see the [module docs](self)).
#[derive(Debug, Default, Clone, Copy)]
pub struct Image;

impl Image {
    /// The identifier of `image` in `.ncz` files.
    pub const ID: CodecId = 5;
}

/// The fields in front of the range-coded latents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PayloadHeader {
    level: u8,
    channels: u8,
    width: u32,
    height: u32,
}

impl PayloadHeader {
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&[PAYLOAD_VERSION, self.level, self.channels]);
        write_varint(u64::from(self.width), out);
        write_varint(u64::from(self.height), out);
    }

    /// Parses the header; returns it and the offset of the coded latents.
    fn read(payload: &[u8]) -> Result<(Self, usize), Error> {
        let corrupt = |reason: &str| Error::CorruptChunk {
            index: 0,
            reason: reason.to_string(),
        };
        let [version, level, channels, ..] = *payload else {
            return Err(corrupt("image payload is too short"));
        };
        if version != PAYLOAD_VERSION {
            return Err(corrupt("unknown image payload version"));
        }
        if level == 0 || level > level_count() {
            return Err(corrupt("image quality level out of range"));
        }
        if channels != 1 && channels != 3 {
            return Err(corrupt("image channel count must be 1 or 3"));
        }
        let mut reader = SliceReader::new(&payload[3..]);
        let mut sink = Vec::new();
        let width = read_varint(&mut reader, &mut sink, "image size")?;
        let height = read_varint(&mut reader, &mut sink, "image size")?;
        let side = 1..=u64::from(MAX_SIDE);
        if !side.contains(&width) || !side.contains(&height) {
            return Err(corrupt("image size out of range"));
        }
        Ok((
            Self {
                level,
                channels,
                width: width as u32,
                height: height as u32,
            },
            3 + reader.position(),
        ))
    }

    /// How much this level shrinks the image before the model codes it (see [`Level`]).
    fn scale(&self) -> u32 {
        LEVELS[usize::from(self.level) - 1].scale
    }

    /// The latent grid's `(height, width)` for this size and level.
    fn latent_size(&self) -> (usize, usize) {
        let scale = self.scale();
        transform::latent_size(self.width.div_ceil(scale), self.height.div_ceil(scale))
    }

    /// Length of the decoded PPM.
    fn content_len(&self) -> usize {
        RawImage::header(self.width, self.height, self.channels).len()
            + self.width as usize * self.height as usize * usize::from(self.channels)
    }
}

/// Every latent channel's static frequency table.
fn priors(model: &ImageAe) -> Result<Vec<&crate::entropy::FrequencyTable>, Error> {
    (0..model.shape().latent)
        .map(|c| {
            model
                .prior(c)
                .ok_or_else(|| Error::InvalidOption("image model has too few priors".into()))
        })
        .collect()
}

/// Bits a binary coder spends on `bit` at 16-bit probability `p1` of a one (kept inside
/// 1..=65535, so a counter that reached 0 or 1 still prices both outcomes finitely); the
/// encoders' estimate for choosing what to code, never part of the parse.
fn bit_cost(p1: u32, bit: bool) -> f32 {
    let p1 = p1.clamp(1, 65535) as f32 / 65536.0;
    -(if bit { p1 } else { 1.0 - p1 }).log2()
}

/// Refuses images beyond [`transform::MAX_PIXELS`].
fn check_pixels(width: u32, height: u32) -> Result<(), Error> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > transform::MAX_PIXELS {
        return Err(Error::InvalidOption(format!(
            "a {width}x{height} image has more than {} megapixels, the most the image codec \
             takes; scale it down first",
            transform::MAX_PIXELS >> 20
        )));
    }
    Ok(())
}

/// The decoder's image (before the restoration filter) from the integer latents of a
/// payload with `header`; `model` is its level's.
fn reconstruct(model: &ImageAe, latents: &[i32], header: &PayloadHeader) -> RawImage {
    let scale = header.scale();
    let (coded_w, coded_h) = (header.width.div_ceil(scale), header.height.div_ceil(scale));
    let (lh, lw) = header.latent_size();
    let mut x_hat = model.synthesise(latents, lh, lw);
    if scale == 2 {
        x_hat = transform::double(&x_hat, coded_w, coded_h, header.width, header.height);
    }
    transform::from_planes(&x_hat, header.width, header.height, header.channels)
}

/// The residual layer's activity contexts from the integer latents of a payload with
/// `header`.
fn latent_activity(
    model: &ImageAe,
    latents: &[i32],
    header: &PayloadHeader,
) -> residual::LatentActivity {
    let (lh, lw) = header.latent_size();
    residual::LatentActivity::new(
        latents,
        model.shape().latent,
        lh,
        lw,
        (transform::STRIDE * header.scale()) as usize,
    )
}

/// Reads the residual layer's kind byte (0 = none, 1 = a layer) and, for a layer, its
/// step and byte length: `Some((step, len))`.
fn read_residual_layer(reader: &mut SliceReader) -> Result<Option<(u32, usize)>, Error> {
    let mut kind = [0u8];
    std::io::Read::read_exact(reader, &mut kind)
        .map_err(|_| Error::Truncated("image residual layer"))?;
    match kind[0] {
        0 => Ok(None),
        1 => {
            let mut sink = Vec::new();
            let step = read_varint(reader, &mut sink, "image residual step")?;
            let len = read_varint(reader, &mut sink, "image residual layer length")?;
            let step = u32::try_from(step)
                .ok()
                .filter(|step| (1..=255).contains(step))
                .ok_or_else(|| Error::CorruptChunk {
                    index: 0,
                    reason: "image residual step out of range".into(),
                })?;
            let len = usize::try_from(len).map_err(|_| Error::Truncated("image residual layer"))?;
            Ok(Some((step, len)))
        }
        _ => Err(Error::CorruptChunk {
            index: 0,
            reason: "unknown image residual layer kind".into(),
        }),
    }
}

/// The base layer of a payload: the model's integer latents for a photo and what the
/// decoder makes of them.
struct Base {
    header: PayloadHeader,
    latents: Vec<i32>,
    /// The restoration filter, if it pays.
    filter: Option<PostFilter>,
    /// The decoder's image from the latents, the restoration filter applied.
    decoded: RawImage,
}

/// Codes `image`'s base layer at `level` (1-based) with `effort` (1..=3): the photo
/// (halved at scale 2) through the level's model, rate-aware rounding, latent refinement
/// at efforts 2 and 3, and the restoration filter fitted to the result.
fn code_base(image: &RawImage, level: u8, effort: u8) -> Result<Base, Error> {
    let (
        model,
        Level {
            model: index,
            scale,
            ..
        },
    ) = level_model(level)?;
    let halved;
    let coded = if scale == 2 {
        halved = transform::halve(image);
        &halved
    } else {
        image
    };
    let x = transform::to_planes(coded);
    let y = model.analyse(&x);
    let tables = priors(model)?;
    let lambda = MODEL_LAMBDAS[index.min(MODEL_LAMBDAS.len() - 1)];
    let mut latents = rounding::round_latents(model, &y, lambda);
    latents = rounding::round_in_context(model, &y, lambda, &tables, latents, 1);
    if let Some((iterations, lr)) = EFFORT_REFINEMENT[usize::from(effort.clamp(1, 3)) - 1] {
        let refinement = refine::Refinement {
            iterations,
            lr,
            lambda: lambda * REFINEMENT_LAMBDA_SCALE,
            temperature_from: 0.5,
            temperature_to: 0.2,
        };
        latents = refine::refine(
            model,
            &tables,
            &x,
            coded.width as usize,
            coded.height as usize,
            refine::Start { y: &y, latents },
            refinement,
        );
    }
    let header = PayloadHeader {
        level,
        channels: image.channels,
        width: image.width,
        height: image.height,
    };
    let mut decoded = reconstruct(model, &latents, &header);
    let filter = PostFilter::fit(image, &decoded, lambda, BASE_FILTER_CLASSES);
    if let Some(filter) = &filter {
        filter.apply(&mut decoded);
    }
    Ok(Base {
        header,
        latents,
        filter,
        decoded,
    })
}

/// Codes `image` at `level` (1-based) with `effort` (1..=3): payload header, restoration
/// filter (a kind byte, then its weights), residual layer (a kind byte, then its step,
/// length and bytes, then the finishing filter's kind byte and classes) and range-coded
/// latents.
fn encode_at(image: &RawImage, level: u8, effort: u8) -> Result<Vec<u8>, Error> {
    let base = code_base(image, level, effort)?;
    let (model, Level { residual_step, .. }) = level_model(level)?;
    let (latent_h, latent_w) = base.header.latent_size();
    let mut out = Vec::new();
    base.header.write(&mut out);
    PostFilter::write_optional(base.filter.as_ref(), &mut out);
    match residual_step {
        None => out.push(0),
        Some(step) => {
            let activity = latent_activity(model, &base.latents, &base.header);
            let prior = shipped_residual_prior()?;
            let (layer, finished) =
                residual::encode(image, &base.decoded, &activity, step, prior, effort > 1);
            out.push(1);
            write_varint(u64::from(step), &mut out);
            write_varint(layer.len() as u64, &mut out);
            out.extend_from_slice(&layer);
            let lambda = residual::loss_lambda(step, image.channels);
            let finishing = PostFilter::fit(image, &finished, lambda, FINISHING_FILTER_CLASSES);
            PostFilter::write_optional(finishing.as_ref(), &mut out);
        }
    }
    out.extend_from_slice(&latent_coder::encode(
        &base.latents,
        &priors(model)?,
        model.shape().range,
        latent_h,
        latent_w,
    ));
    Ok(out)
}

/// Learns where the residual layer's coder starts (`models/weights/image-residual.ncrp`;
/// see [`residual::ResidualPrior`]): codes each photo's residual (effort 1 base) at every
/// shipped level's step, photo after photo, each starting from the state the one before
/// left, `rounds` times over the photos; `progress(round, photos done)` hears after each
/// photo. Returns the prior's file.
pub fn learn_residual_prior(
    photos: &[RawImage],
    rounds: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<u8>, Error> {
    let mut learner = residual::PriorLearner::new(ResidualPrior::default());
    for round in 1..=rounds {
        for (done, photo) in photos.iter().enumerate() {
            for_each_residual_level(photo, |_, step, original, base, activity| {
                learner.code(original, base, activity, step);
            })?;
            progress(round, done + 1);
        }
    }
    Ok(learner.finish().to_bytes())
}

/// What a residual prior buys on some photos at one level with a residual layer.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ResidualPriorGain {
    /// The level (1-based).
    pub level: u8,
    /// Its residual step.
    pub step: u32,
    /// The residual layers' total bytes from a coder that has learned nothing.
    pub fresh_bytes: usize,
    /// The summed squared error after those layers (0–255 scale, every sample).
    pub fresh_squared_error: f64,
    /// The residual layers' total bytes from the prior's state.
    pub prior_bytes: usize,
    /// The summed squared error after those layers.
    pub prior_squared_error: f64,
}

impl ResidualPriorGain {
    /// How much lower the layers' rate–distortion loss is with the prior, in percent:
    /// the loss is bits plus squared error over the layer's price of a bit
    /// (`RDO_LAMBDA · step²`), what the quantiser minimises.
    pub fn loss_saved_percent(&self) -> f64 {
        let price = residual::bit_price(self.step);
        let loss = |bytes: usize, error: f64| bytes as f64 * 8.0 + error / price;
        (1.0 - loss(self.prior_bytes, self.prior_squared_error)
            / loss(self.fresh_bytes, self.fresh_squared_error).max(1.0))
            * 100.0
    }
}

/// What a residual prior file buys on `photos` (effort 1 bases), per shipped level with
/// a residual layer.
pub fn residual_prior_gain(
    photos: &[RawImage],
    prior: &[u8],
) -> Result<Vec<ResidualPriorGain>, Error> {
    let prior = ResidualPrior::from_bytes(prior).map_err(Error::InvalidOption)?;
    let fresh = ResidualPrior::default();
    let mut totals: Vec<ResidualPriorGain> = Vec::new();
    for photo in photos {
        for_each_residual_level(photo, |level, step, original, base, activity| {
            let squared_error = |decoded: &RawImage| -> f64 {
                decoded
                    .pixels
                    .iter()
                    .zip(&original.pixels)
                    .map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2))
                    .sum()
            };
            let without = residual::encode(original, base, activity, step, &fresh, false);
            let with = residual::encode(original, base, activity, step, &prior, false);
            let index = match totals.iter().position(|t| t.level == level) {
                Some(index) => index,
                None => {
                    totals.push(ResidualPriorGain {
                        level,
                        step,
                        ..Default::default()
                    });
                    totals.len() - 1
                }
            };
            let total = &mut totals[index];
            total.fresh_bytes += without.0.len();
            total.fresh_squared_error += squared_error(&without.1);
            total.prior_bytes += with.0.len();
            total.prior_squared_error += squared_error(&with.1);
        })?;
    }
    Ok(totals)
}

/// Calls `visit(level, step, photo, base image, latent activity)` for each shipped level
/// (1-based) with a residual layer, coding the base at effort 1 (once per distinct base).
fn for_each_residual_level(
    photo: &RawImage,
    mut visit: impl FnMut(u8, u32, &RawImage, &RawImage, &residual::LatentActivity),
) -> Result<(), Error> {
    let mut cached: Option<(usize, u32, Base, residual::LatentActivity)> = None;
    for (i, level) in LEVELS.iter().enumerate() {
        let Some(step) = level.residual_step else {
            continue;
        };
        let number = i as u8 + 1;
        let same = cached
            .as_ref()
            .is_some_and(|(model, scale, ..)| *model == level.model && *scale == level.scale);
        if !same {
            let base = code_base(photo, number, 1)?;
            let model = shipped_model(level.model)?;
            let activity = latent_activity(model, &base.latents, &base.header);
            cached = Some((level.model, level.scale, base, activity));
        }
        if let Some((_, _, base, activity)) = &cached {
            visit(number, step, photo, &base.decoded, activity);
        }
    }
    Ok(())
}

impl Codec for Image {
    fn id(&self) -> CodecId {
        Self::ID
    }
    fn name(&self) -> &'static str {
        "image"
    }
    fn description(&self) -> &'static str {
        "learned lossy image codec (autoencoder, integer entropy model); PPM/PGM in and out"
    }
    fn modality(&self) -> Modality {
        Modality::Image
    }
    fn model(&self) -> ModelInfo {
        ModelInfo {
            id: MODEL_ID,
            hash: bundle_hash().unwrap_or(0),
        }
    }
    fn lossy(&self) -> bool {
        true
    }
    fn encode_chunk(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.encode_chunk_with(input, &EncodeParams::default(), out)
    }
    fn encode_chunk_with(
        &self,
        input: &[u8],
        params: &EncodeParams,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let image = RawImage::from_ppm(input)?;
        check_pixels(image.width, image.height)?;
        let count = level_count();
        if let Some(level) = params.quality {
            if level == 0 || level > count {
                return Err(Error::InvalidOption(format!(
                    "image quality level {level} is out of range (1 to {count})"
                )));
            }
        }
        if let Some(effort) = params.effort {
            if !(1..=3).contains(&effort) {
                return Err(Error::InvalidOption(format!(
                    "effort {effort} is out of range (1 to 3)"
                )));
            }
        }
        let effort = params.effort.unwrap_or(DEFAULT_EFFORT);
        let payload = match params.max_bpp {
            None => encode_at(&image, params.quality.unwrap_or(DEFAULT_LEVEL), effort)?,
            Some(bpp) => {
                if bpp.is_nan() || bpp <= 0.0 {
                    return Err(Error::InvalidOption(format!(
                        "the rate cap must be a positive number of bits per pixel, not {bpp}"
                    )));
                }
                let pixels = f64::from(image.width) * f64::from(image.height);
                let budget = bpp * pixels / 8.0;
                let fits = |p: &Vec<u8>| ((p.len() + FRAME_OVERHEAD_BYTES) as f64) <= budget;
                // Highest level that fits at effort 1, at most --quality; level 1 when
                // none does. Refinement (higher efforts) keeps about the rate, so it is
                // only run on the level chosen, and kept when it still fits.
                let top = params.quality.unwrap_or(count);
                let (mut lo, mut hi) = (1u8, top);
                let mut best = encode_at(&image, 1, 1)?;
                if fits(&best) {
                    while lo < hi {
                        let mid = lo + (hi - lo).div_ceil(2);
                        let candidate = encode_at(&image, mid, 1)?;
                        if fits(&candidate) {
                            lo = mid;
                            best = candidate;
                        } else {
                            hi = mid - 1;
                        }
                    }
                }
                if effort > 1 {
                    let refined = encode_at(&image, lo, effort)?;
                    if fits(&refined) || refined.len() <= best.len() {
                        best = refined;
                    }
                }
                best
            }
        };
        out.extend_from_slice(&payload);
        Ok(())
    }
    fn decode_chunk(&self, payload: &[u8], raw_len: usize, out: &mut Vec<u8>) -> Result<(), Error> {
        let (header, offset) = PayloadHeader::read(payload)?;
        if header.content_len() != raw_len {
            return Err(Error::CorruptChunk {
                index: 0,
                reason: "the image size does not match the recorded length".into(),
            });
        }
        check_pixels(header.width, header.height).map_err(|_| Error::CorruptChunk {
            index: 0,
            reason: "image size out of range".into(),
        })?;
        let (model, _) = level_model(header.level)?;
        let mut reader = SliceReader::new(&payload[offset..]);
        let filter = PostFilter::read_optional(&mut reader, usize::from(header.channels))?;
        let layer = read_residual_layer(&mut reader)?;
        let layer_start = offset + reader.position();
        let (step, layer) = match layer {
            Some((step, len)) => {
                let end = layer_start
                    .checked_add(len)
                    .filter(|&end| end <= payload.len())
                    .ok_or(Error::Truncated("image residual layer"))?;
                (step, Some(&payload[layer_start..end]))
            }
            None => (0, None),
        };
        let mut offset = layer_start + layer.map_or(0, <[u8]>::len);
        let mut finishing = None;
        if layer.is_some() {
            let mut reader = SliceReader::new(&payload[offset..]);
            finishing = PostFilter::read_optional(&mut reader, usize::from(header.channels))?;
            offset += reader.position();
        }
        let (lh, lw) = header.latent_size();
        let tables = priors(model)?;
        let latents =
            latent_coder::decode(&payload[offset..], &tables, model.shape().range, lh, lw)?;
        let mut image = reconstruct(model, &latents, &header);
        if let Some(filter) = filter {
            filter.apply(&mut image);
        }
        if let Some(layer) = layer {
            let activity = latent_activity(model, &latents, &header);
            residual::decode(
                layer,
                step,
                &activity,
                shipped_residual_prior()?,
                &mut image,
            )?;
        }
        if let Some(filter) = finishing {
            filter.apply(&mut image);
        }
        out.extend_from_slice(&image.to_ppm());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{compress, decompress_with, CompressOptions, DecompressOptions, Error};

    fn photo(width: u32, height: u32, channels: u8) -> RawImage {
        let mut pixels = Vec::new();
        for y in 0..height {
            for x in 0..width {
                for c in 0..u32::from(channels) {
                    let v = 128.0
                        + 90.0 * ((x as f32 / 9.0 + c as f32).sin() * (y as f32 / 13.0).cos());
                    pixels.push(v as u8);
                }
            }
        }
        RawImage::new(width, height, channels, pixels).unwrap()
    }

    fn psnr(a: &RawImage, b: &RawImage) -> f64 {
        let se: f64 = a
            .pixels
            .iter()
            .zip(&b.pixels)
            .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
            .sum();
        10.0 * (255.0f64.powi(2) / (se / a.pixels.len() as f64)).log10()
    }

    #[test]
    fn the_shipped_residual_prior_holds_every_shipped_step() {
        let prior = shipped_residual_prior().expect("the shipped residual prior parses");
        let mut held = prior.steps();
        held.sort_unstable();
        let mut shipped: Vec<u32> = LEVELS.iter().filter_map(|l| l.residual_step).collect();
        shipped.sort_unstable();
        assert_eq!(held, shipped);
    }

    #[test]
    fn odd_sizes_and_gray_round_trip_to_the_same_shape() {
        for (w, h, c) in [(1, 1, 3), (17, 5, 3), (40, 33, 1), (64, 48, 3)] {
            let img = photo(w, h, c);
            let opts = CompressOptions::default().codec("image");
            let packed = compress(&img.to_ppm(), &opts).unwrap();
            let back = RawImage::from_ppm(
                &decompress_with(&packed, &DecompressOptions::default().threads(1)).unwrap(),
            )
            .unwrap();
            assert_eq!((back.width, back.height, back.channels), (w, h, c));
            if w >= 32 {
                assert!(psnr(&img, &back) > 18.0, "{w}x{h}: {}", psnr(&img, &back));
            }
        }
    }

    #[test]
    fn two_threads_and_one_decode_the_same_pixels() {
        let img = photo(96, 64, 3);
        let opts = CompressOptions::default().codec("image").threads(2);
        let packed = compress(&img.to_ppm(), &opts).unwrap();
        let packed_1 = compress(&img.to_ppm(), &opts.clone().threads(1)).unwrap();
        assert_eq!(packed, packed_1);
        let a = decompress_with(&packed, &DecompressOptions::default().threads(1)).unwrap();
        let b = decompress_with(&packed, &DecompressOptions::default().threads(2)).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn refined_files_are_the_same_on_any_thread_count_and_decode() {
        // Effort 2 runs the annealed float descent in the encoder: its file must not depend
        // on the thread count, and it decodes like any other.
        let img = photo(32, 32, 3);
        let opts = CompressOptions::default()
            .codec("image")
            .params(EncodeParams::default().quality(3).effort(2))
            .threads(2);
        let packed = compress(&img.to_ppm(), &opts).unwrap();
        assert_eq!(
            packed,
            compress(&img.to_ppm(), &opts.clone().threads(1)).unwrap()
        );
        let one = decompress_with(&packed, &DecompressOptions::default().threads(1)).unwrap();
        let two = decompress_with(&packed, &DecompressOptions::default().threads(2)).unwrap();
        assert_eq!(one, two);
        let back = RawImage::from_ppm(&one).unwrap();
        assert_eq!((back.width, back.height, back.channels), (32, 32, 3));
        assert!(psnr(&img, &back) > 18.0, "{}", psnr(&img, &back));
    }

    #[test]
    fn bad_inputs_and_damaged_payloads_are_errors() {
        let opts = CompressOptions::default().codec("image");
        assert!(compress(b"not an image", &opts).is_err());
        let img = photo(32, 32, 3);
        let bad_level = opts.clone().params(EncodeParams::default().quality(0));
        assert!(compress(&img.to_ppm(), &bad_level).is_err());
        let mut payload = Vec::new();
        Image.encode_chunk(&img.to_ppm(), &mut payload).unwrap();
        let raw_len = img.to_ppm().len();
        for cut in [0, 1, 3, 4] {
            assert!(Image
                .decode_chunk(&payload[..cut], raw_len, &mut Vec::new())
                .is_err());
        }
        assert!(Image
            .decode_chunk(&payload, raw_len + 1, &mut Vec::new())
            .is_err());
        let mut forged = payload.clone();
        forged[1] = 200;
        assert!(matches!(
            Image.decode_chunk(&forged, raw_len, &mut Vec::new()),
            Err(Error::CorruptChunk { .. })
        ));
    }

    #[test]
    fn the_restoration_filter_is_sent_when_it_lowers_the_loss_and_applied_by_the_decoder() {
        let img = photo(128, 96, 3);
        let payload = encode_at(&img, 1, 1).unwrap();
        let (header, offset) = PayloadHeader::read(&payload).unwrap();
        let mut reader = SliceReader::new(&payload[offset..]);
        let filter = PostFilter::read_optional(&mut reader, 3)
            .unwrap()
            .expect("a filter for the test photo");
        let filter_end = offset + reader.position();
        // Level 1 has no residual layer: its kind byte is 0.
        assert_eq!(payload[filter_end], 0);
        let latents_at = filter_end + 1;
        // The decoder's output is the unfiltered reconstruction, filtered.
        let (model, _) = level_model(1).unwrap();
        let (lh, lw) = header.latent_size();
        let latents = latent_coder::decode(
            &payload[latents_at..],
            &priors(model).unwrap(),
            model.shape().range,
            lh,
            lw,
        )
        .unwrap();
        let plain = reconstruct(model, &latents, &header);
        let mut filtered = plain.clone();
        filter.apply(&mut filtered);
        let mut decoded = Vec::new();
        Image
            .decode_chunk(&payload, img.to_ppm().len(), &mut decoded)
            .unwrap();
        assert_eq!(RawImage::from_ppm(&decoded).unwrap(), filtered);
        // Its bytes are paid for by the distortion it removes (the encoder's own rule).
        let mse = |a: &RawImage| 10f64.powf(-psnr(a, &img) / 10.0) * 255.0 * 255.0;
        let pixels = 128.0 * 96.0;
        let gain = MODEL_LAMBDAS[LEVELS[0].model] * (mse(&plain) - mse(&filtered))
            - ((filter_end - offset) * 8) as f64 / pixels;
        assert!(
            gain > 0.0,
            "{} -> {} dB",
            psnr(&plain, &img),
            psnr(&filtered, &img)
        );
    }

    #[test]
    fn the_finishing_filter_follows_the_residual_layer_and_helps() {
        let img = photo(128, 96, 3);
        let level = level_count();
        let payload = encode_at(&img, level, 1).unwrap();
        let (_, offset) = PayloadHeader::read(&payload).unwrap();
        let mut reader = SliceReader::new(&payload[offset..]);
        PostFilter::read_optional(&mut reader, 3).unwrap();
        let (_, len) = read_residual_layer(&mut reader).unwrap().expect("a layer");
        let finishing_at = offset + reader.position() + len;
        let mut reader = SliceReader::new(&payload[finishing_at..]);
        PostFilter::read_optional(&mut reader, 3)
            .unwrap()
            .expect("a finishing filter for the test photo");
        let finishing_end = finishing_at + reader.position();
        let raw_len = img.to_ppm().len();
        let decode = |payload: &[u8]| {
            let mut out = Vec::new();
            Image.decode_chunk(payload, raw_len, &mut out).map(|()| out)
        };
        let with = RawImage::from_ppm(&decode(&payload).unwrap()).unwrap();
        // The same payload without it decodes to a worse image.
        let mut without = payload[..finishing_at].to_vec();
        without.push(0);
        without.extend_from_slice(&payload[finishing_end..]);
        let plain = RawImage::from_ppm(&decode(&without).unwrap()).unwrap();
        assert!(psnr(&with, &img) > psnr(&plain, &img));
        // An unknown kind is an error.
        let mut forged = payload.clone();
        forged[finishing_at] = 9;
        assert!(matches!(decode(&forged), Err(Error::CorruptChunk { .. })));
    }

    #[test]
    fn a_rate_cap_is_respected_when_any_level_fits() {
        let img = photo(64, 64, 3);
        let pixels = 64.0 * 64.0;
        let level1 = compress(
            &img.to_ppm(),
            &CompressOptions::default()
                .codec("image")
                .params(EncodeParams::default().quality(1)),
        )
        .unwrap();
        let cap = (level1.len() as f64 + 80.0) * 8.0 / pixels;
        let capped = compress(
            &img.to_ppm(),
            &CompressOptions::default()
                .codec("image")
                .params(EncodeParams::default().max_bpp(cap)),
        )
        .unwrap();
        assert!(capped.len() as f64 * 8.0 / pixels <= cap);
    }
}
