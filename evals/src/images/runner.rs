//! The rate–distortion runner: every contender at every setting on every photo, with
//! real file sizes, PSNR, MS-SSIM and wall times; mean curves per contender and
//! Bjøntegaard rates between them.

use std::path::{Path, PathBuf};
use std::time::Instant;

use image::RgbImage;
use serde::{Deserialize, Serialize};

use super::baselines::ImageBaseline;
use super::bd_rate::{bd_rate, rate_delta_at_points, RatePoint, MIN_POINTS};
use super::metrics::{ms_ssim, ms_ssim_db, psnr};
use super::ncodec_image::{ncodec_decode, ncodec_encode, ncodec_level_count};
use crate::jobs::{job_grid, run_jobs, Progress};
use crate::EvalError;

/// One rate–distortion curve to measure: a baseline over its quality sweep, or ncodec's
/// learned codec at one effort over its quality levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageContender {
    /// A classical codec.
    Baseline(ImageBaseline),
    /// ncodec's `image` codec at this encoder effort (1..=3).
    Ncodec {
        /// Encoder effort.
        effort: u8,
    },
    /// ncodec's lossless `limg` codec: a rate reference beside PNG.
    NcodecLossless,
}

impl ImageContender {
    /// The curve's name: the baseline's (`jpeg`, …) or `ncodec-e{effort}`.
    pub fn name(&self) -> String {
        match self {
            Self::Baseline(b) => b.name().to_string(),
            Self::Ncodec { effort } => format!("ncodec-e{effort}"),
            Self::NcodecLossless => "ncodec-limg".to_string(),
        }
    }

    /// How one setting is shown: `q50`, `level 2`, or `lossless`.
    pub fn setting_label(&self, setting: u8) -> String {
        match self {
            Self::Baseline(b) if b.is_lossless() => "lossless".into(),
            Self::NcodecLossless => "lossless".into(),
            Self::Baseline(_) => format!("q{setting}"),
            Self::Ncodec { .. } => format!("level {setting}"),
        }
    }

    /// Whether decoding gives the photo back exactly (no quality axis).
    pub fn is_lossless(&self) -> bool {
        matches!(self, Self::NcodecLossless) || matches!(self, Self::Baseline(b) if b.is_lossless())
    }

    fn encode(&self, img: &RgbImage, setting: u8) -> Result<Vec<u8>, EvalError> {
        match *self {
            Self::Baseline(b) => b.encode(img, setting),
            Self::Ncodec { effort } => ncodec_encode(img, setting, effort),
            Self::NcodecLossless => super::lossless::limg_encode(img),
        }
    }

    fn decode(&self, file: &[u8]) -> Result<RgbImage, EvalError> {
        match *self {
            Self::Baseline(b) => b.decode(file),
            Self::Ncodec { .. } => ncodec_decode(file),
            Self::NcodecLossless => super::lossless::limg_decode(file),
        }
    }
}

/// What to measure.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageEvalOptions {
    /// Baselines to run (default: all of [`ImageBaseline::ALL`]).
    pub baselines: Vec<ImageBaseline>,
    /// Whether to run ncodec's learned codec (default: yes; reported as unavailable when
    /// the build has none).
    pub ncodec: bool,
    /// ncodec encoder efforts, one curve each (default: 1 only; efforts 2 and 3 refine
    /// the latents by gradient steps and encode tens of times slower).
    pub efforts: Vec<u8>,
    /// ncodec quality levels (default `None`: every level the build ships).
    pub levels: Option<Vec<u8>>,
    /// Quality sweep for the lossy baselines instead of each one's
    /// [default](ImageBaseline::default_qualities).
    pub qualities: Option<Vec<u8>>,
    /// Codings run at once (0: one per core). Each coding itself uses one thread, so
    /// with more than one the times include contention for memory bandwidth.
    pub threads: usize,
}

impl Default for ImageEvalOptions {
    fn default() -> Self {
        ImageEvalOptions {
            baselines: ImageBaseline::ALL.to_vec(),
            ncodec: true,
            efforts: vec![1],
            levels: None,
            qualities: None,
            threads: 1,
        }
    }
}

/// A photo of the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageInfo {
    /// Name (the path as found).
    pub name: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// A contender that could not take part, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unavailable {
    /// The contender's name.
    pub contender: String,
    /// Why it is missing.
    pub reason: String,
}

/// One contender at one setting on one photo. Figures are `None` (`null` in JSON) when
/// the coding failed ([`error`](Self::error) says why); `psnr` and `ms_ssim_db` are also
/// `None` when the decoded photo is identical to the input, and `ms_ssim` for photos
/// with a shorter side of at most 160 pixels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImagePoint {
    /// Photo name.
    pub image: String,
    /// Contender name.
    pub contender: String,
    /// Setting (baseline quality, or ncodec level).
    pub setting: u8,
    /// The setting as shown in tables.
    pub label: String,
    /// Size of the whole file in bytes.
    pub bytes: Option<u64>,
    /// `bytes · 8 / pixels`.
    pub bpp: Option<f64>,
    /// PSNR in dB over the 8-bit RGB samples.
    pub psnr: Option<f64>,
    /// MS-SSIM in `[0, 1]` (RGB channels averaged).
    pub ms_ssim: Option<f64>,
    /// `-10 log10(1 - ms_ssim)`.
    pub ms_ssim_db: Option<f64>,
    /// Whether the decoded photo is identical to the input.
    pub identical: bool,
    /// Wall time of encoding, in milliseconds.
    pub encode_ms: Option<f64>,
    /// Wall time of decoding, in milliseconds.
    pub decode_ms: Option<f64>,
    /// Why this point has no figures.
    pub error: Option<String>,
}

/// A contender's mean over the photos at one setting: arithmetic means of the per-photo
/// bpp, PSNR, MS-SSIM and times (the convention of CompressAI's benchmarks); the dB
/// MS-SSIM is that of the mean MS-SSIM. Only settings that succeeded on every photo
/// have a mean point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Setting (baseline quality, or ncodec level).
    pub setting: u8,
    /// The setting as shown in tables.
    pub label: String,
    /// Mean bits per pixel.
    pub bpp: f64,
    /// Mean PSNR (`None` when some photo was decoded exactly).
    pub psnr: Option<f64>,
    /// Mean MS-SSIM (`None` when some photo has none).
    pub ms_ssim: Option<f64>,
    /// `-10 log10(1 - mean MS-SSIM)`.
    pub ms_ssim_db: Option<f64>,
    /// Mean encoding time, milliseconds.
    pub encode_ms: f64,
    /// Mean decoding time, milliseconds.
    pub decode_ms: f64,
}

/// One contender's mean rate–distortion curve, lowest setting first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    /// Contender name.
    pub contender: String,
    /// Whether the contender is lossless (a rate reference, no quality axis).
    pub lossless: bool,
    /// Mean points, by setting.
    pub points: Vec<CurvePoint>,
}

impl Curve {
    /// `(bpp, mean PSNR)` of the points that have both.
    pub fn psnr_points(&self) -> Vec<RatePoint> {
        self.points
            .iter()
            .filter_map(|p| Some((p.bpp, p.psnr?)))
            .collect()
    }

    /// `(bpp, MS-SSIM dB)` of the points that have both.
    pub fn ms_ssim_db_points(&self) -> Vec<RatePoint> {
        self.points
            .iter()
            .filter_map(|p| Some((p.bpp, p.ms_ssim_db?)))
            .collect()
    }
}

/// How a [`BdRate`] was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BdMethod {
    /// Bjøntegaard delta rate between two cubic fits (both curves have at least 4 points).
    Bjontegaard,
    /// The tested curve has fewer than 4 points: the rate difference at its points, against
    /// the anchor's fit ([`rate_delta_at_points`]).
    AtPoints,
}

/// The rate of one curve against another at equal quality, in percent (negative: the
/// tested contender needs fewer bits); `None` where the curves do not overlap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BdRate {
    /// The tested contender.
    pub test: String,
    /// The reference contender.
    pub anchor: String,
    /// At equal PSNR.
    pub psnr: Option<f64>,
    /// At equal MS-SSIM (in dB).
    pub ms_ssim: Option<f64>,
    /// How it was computed.
    pub method: BdMethod,
}

/// The result of [`run_image_eval`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageReport {
    /// The photos, in order.
    pub images: Vec<ImageInfo>,
    /// Contenders asked for that could not run.
    pub unavailable: Vec<Unavailable>,
    /// Every measurement: contender, then setting, then photo.
    pub points: Vec<ImagePoint>,
    /// Mean curves, one per contender that ran.
    pub curves: Vec<Curve>,
    /// Rates of ncodec's curves against each lossy baseline, and of the other lossy
    /// baselines against JPEG.
    pub bd_rates: Vec<BdRate>,
}

impl ImageReport {
    /// The points that failed.
    pub fn errors(&self) -> impl Iterator<Item = &ImagePoint> {
        self.points.iter().filter(|p| p.error.is_some())
    }

    /// The whole report as pretty-printed JSON.
    pub fn to_json_pretty(&self) -> Result<String, EvalError> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// The mean curves and the BD-rates as aligned text tables.
    pub fn to_table(&self) -> String {
        let mut rows = vec![[
            "contender",
            "setting",
            "bpp",
            "PSNR dB",
            "MS-SSIM",
            "MS-SSIM dB",
            "enc ms",
            "dec ms",
        ]
        .map(String::from)
        .to_vec()];
        let opt = |v: Option<f64>, digits: usize| {
            v.map_or_else(|| "-".to_string(), |v| format!("{v:.digits$}"))
        };
        for curve in &self.curves {
            for p in &curve.points {
                let psnr = if curve.lossless {
                    "lossless".to_string()
                } else {
                    opt(p.psnr, 2)
                };
                rows.push(vec![
                    curve.contender.clone(),
                    p.label.clone(),
                    format!("{:.4}", p.bpp),
                    psnr,
                    opt(p.ms_ssim, 4),
                    opt(p.ms_ssim_db, 2),
                    format!("{:.1}", p.encode_ms),
                    format!("{:.1}", p.decode_ms),
                ]);
            }
        }
        let n = self.images.len();
        let mut out = format!(
            "mean over {n} photo{} ({} pixels in all)\n",
            if n == 1 { "" } else { "s" },
            self.images
                .iter()
                .map(|i| u64::from(i.width) * u64::from(i.height))
                .sum::<u64>()
        );
        out.push_str(&render_table(&rows, 2));
        if !self.bd_rates.is_empty() {
            out.push_str(
                "\nBD-rate: rate at equal quality, negative = fewer bits than the anchor \
                 (- where the quality ranges do not overlap)\n",
            );
            let mut rows = vec![["test", "anchor", "PSNR", "MS-SSIM dB", "method"]
                .map(String::from)
                .to_vec()];
            let pct = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:+.1}%"));
            for bd in &self.bd_rates {
                rows.push(vec![
                    bd.test.clone(),
                    bd.anchor.clone(),
                    pct(bd.psnr),
                    pct(bd.ms_ssim),
                    match bd.method {
                        BdMethod::Bjontegaard => "bjontegaard".into(),
                        BdMethod::AtPoints => "at its points".into(),
                    },
                ]);
            }
            out.push_str(&render_table(&rows, 2));
        }
        for u in &self.unavailable {
            out.push_str(&format!("\n{}: not measured ({})", u.contender, u.reason));
        }
        if !self.unavailable.is_empty() {
            out.push('\n');
        }
        out
    }
}

/// Left-aligned first `text_cols` columns, the rest right-aligned; a rule under the header.
pub(crate) fn render_table(rows: &[Vec<String>], text_cols: usize) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, &w))| {
                if c < text_cols {
                    format!("{cell:<w$}")
                } else {
                    format!("{cell:>w$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if i == 0 {
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * cols.saturating_sub(1)));
            out.push('\n');
        }
    }
    out
}

/// The photos under `paths`: files as given (any format the `image` crate decodes here)
/// and, in folders searched recursively, every `.png`, `.jpg` and `.jpeg` in name order;
/// the first `max` of them when given (only those are decoded). Photos are used as they
/// are (converted to 8-bit RGB, never scaled).
pub fn load_images(
    paths: &[PathBuf],
    max: Option<usize>,
) -> Result<Vec<(String, RgbImage)>, EvalError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            collect_photos(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    files.truncate(max.unwrap_or(usize::MAX));
    if files.is_empty() {
        return Err(EvalError::NoImages);
    }
    files
        .iter()
        .map(|path| {
            let img = image::open(path).map_err(|e| EvalError::ImageInput {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
            Ok((path.display().to_string(), img.to_rgb8()))
        })
        .collect()
}

fn collect_photos(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), EvalError> {
    let io = |e: std::io::Error| EvalError::ImageInput {
        path: dir.display().to_string(),
        reason: e.to_string(),
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_photos(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Measures every contender of `options` at every setting on every photo of `images`
/// (`(name, photo)` pairs), calling `progress` with a one-line status before each
/// coding. A failed coding is recorded in its point, not returned as an error.
///
/// ```
/// use ncodec_evals::images::{run_image_eval, ImageBaseline, ImageEvalOptions};
///
/// let photo = image::RgbImage::from_fn(48, 32, |x, y| image::Rgb([x as u8 * 5, y as u8 * 7, 90]));
/// let options = ImageEvalOptions {
///     baselines: vec![ImageBaseline::Jpeg, ImageBaseline::Png],
///     ncodec: false,
///     qualities: Some(vec![30, 60, 90]),
///     ..ImageEvalOptions::default()
/// };
/// let report = run_image_eval(&[("ramp".into(), photo)], &options, &|_| {})?;
/// assert_eq!(report.points.len(), 3 + 1);
/// println!("{}", report.to_table());
/// # Ok::<(), ncodec_evals::EvalError>(())
/// ```
pub fn run_image_eval(
    images: &[(String, RgbImage)],
    options: &ImageEvalOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<ImageReport, EvalError> {
    if images.is_empty() {
        return Err(EvalError::NoImages);
    }
    let (contenders, unavailable) = plan_image_eval(options)?;
    if contenders.is_empty() {
        return Err(EvalError::NoContenders);
    }
    let jobs = job_grid(&contenders, images.len());
    let points = run_jobs(
        &jobs,
        options.threads,
        Progress {
            describe: &|&(contender, setting, image)| {
                format!(
                    "{} {} on {}",
                    contender.name(),
                    contender.setting_label(setting),
                    images[image].0
                )
            },
            report: progress,
        },
        |&(contender, setting, image)| {
            let (name, photo) = &images[image];
            measure(&contender, setting, name, photo)
        },
        |&(contender, setting, image)| {
            failed(
                &contender,
                setting,
                &images[image].0,
                "the coder stopped (panicked)".into(),
            )
        },
    );
    let curves: Vec<Curve> = contenders
        .iter()
        .map(|(c, settings)| mean_curve(c, settings, &points, images.len()))
        .collect();
    let bd_rates = bd_rates(&contenders, &curves);
    Ok(ImageReport {
        images: images
            .iter()
            .map(|(name, img)| ImageInfo {
                name: name.clone(),
                width: img.width(),
                height: img.height(),
            })
            .collect(),
        unavailable,
        points,
        curves,
        bd_rates,
    })
}

/// The contenders with their settings, and those that cannot run.
pub type ImagePlan = (Vec<(ImageContender, Vec<u8>)>, Vec<Unavailable>);

/// What [`run_image_eval`] would run for `options`: each contender with its settings
/// (lowest first), and the contenders that cannot run here with the reason. Fails on
/// settings that do not exist (an ncodec level or effort out of range).
pub fn plan_image_eval(options: &ImageEvalOptions) -> Result<ImagePlan, EvalError> {
    let mut contenders = Vec::new();
    let mut unavailable = Vec::new();
    if options.ncodec {
        match ncodec_level_count() {
            Ok(count) => {
                let levels = match &options.levels {
                    Some(levels) => sorted_unique(levels),
                    None => (1..=count).collect(),
                };
                if let Some(bad) = levels.iter().find(|&&l| l == 0 || l > count) {
                    return Err(EvalError::InvalidOption(format!(
                        "ncodec level {bad} does not exist (this build has levels 1 to {count})"
                    )));
                }
                let efforts = sorted_unique(&options.efforts);
                if let Some(bad) = efforts.iter().find(|&&e| !(1..=3).contains(&e)) {
                    return Err(EvalError::InvalidOption(format!(
                        "ncodec effort {bad} does not exist (1 to 3)"
                    )));
                }
                for effort in efforts {
                    contenders.push((ImageContender::Ncodec { effort }, levels.clone()));
                }
            }
            Err(reason) => unavailable.push(Unavailable {
                contender: "ncodec".into(),
                reason,
            }),
        }
        // The lossless codec needs no model: always there, one setting like PNG's.
        contenders.push((ImageContender::NcodecLossless, vec![100]));
    }
    for baseline in ImageBaseline::ALL {
        if !options.baselines.contains(&baseline) {
            continue;
        }
        let settings = match &options.qualities {
            Some(q) if !baseline.is_lossless() => sorted_unique(q),
            _ => baseline.default_qualities().to_vec(),
        };
        if let Some(bad) = settings.iter().find(|&&q| q > 100) {
            return Err(EvalError::InvalidOption(format!(
                "quality {bad} is out of range (0 to 100)"
            )));
        }
        contenders.push((ImageContender::Baseline(baseline), settings));
    }
    Ok((contenders, unavailable))
}

fn sorted_unique(values: &[u8]) -> Vec<u8> {
    let mut v = values.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

fn failed(contender: &ImageContender, setting: u8, image: &str, error: String) -> ImagePoint {
    ImagePoint {
        image: image.to_string(),
        contender: contender.name(),
        setting,
        label: contender.setting_label(setting),
        bytes: None,
        bpp: None,
        psnr: None,
        ms_ssim: None,
        ms_ssim_db: None,
        identical: false,
        encode_ms: None,
        decode_ms: None,
        error: Some(error),
    }
}

fn measure(contender: &ImageContender, setting: u8, name: &str, photo: &RgbImage) -> ImagePoint {
    code_image(contender, setting, name, photo).point
}

/// One coding of [`code_image`]: the measured point and, when it worked, the file and
/// the photo decoded from it.
#[derive(Debug, Clone)]
pub struct CodedImage {
    /// The figures, exactly as [`run_image_eval`] records them.
    pub point: ImagePoint,
    /// The complete file (`None` when the coding failed).
    pub file: Option<Vec<u8>>,
    /// The photo decoded from [`file`](Self::file).
    pub decoded: Option<RgbImage>,
}

/// Codes `photo` (called `name`) with `contender` at `setting`, decodes it back and
/// measures it: the same point [`run_image_eval`] records for it, with the file and the
/// decoded photo (for showing or saving them). A failed coding is recorded in the
/// point's `error`.
///
/// ```
/// use ncodec_evals::images::{code_image, ImageBaseline, ImageContender};
///
/// let photo = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 3, y as u8 * 5, 90]));
/// let coded = code_image(&ImageContender::Baseline(ImageBaseline::Jpeg), 80, "ramp", &photo);
/// assert_eq!(coded.point.bytes, coded.file.as_ref().map(|f| f.len() as u64));
/// assert!(coded.point.psnr.unwrap() > 30.0);
/// ```
pub fn code_image(
    contender: &ImageContender,
    setting: u8,
    name: &str,
    photo: &RgbImage,
) -> CodedImage {
    let fail = |reason: String| CodedImage {
        point: failed(contender, setting, name, reason),
        file: None,
        decoded: None,
    };
    let started = Instant::now();
    let file = match contender.encode(photo, setting) {
        Ok(file) => file,
        Err(e) => return fail(format!("encoding: {e}")),
    };
    let encode_ms = started.elapsed().as_secs_f64() * 1e3;
    let started = Instant::now();
    let decoded = match contender.decode(&file) {
        Ok(decoded) => decoded,
        Err(e) => return fail(format!("decoding: {e}")),
    };
    let decode_ms = started.elapsed().as_secs_f64() * 1e3;
    if decoded.dimensions() != photo.dimensions() {
        let (w, h) = decoded.dimensions();
        return fail(format!(
            "decoded to {w}x{h}, not {}x{}",
            photo.width(),
            photo.height()
        ));
    }
    if contender.is_lossless() && decoded != *photo {
        return fail("lossless round trip differs".into());
    }
    let pixels = f64::from(photo.width()) * f64::from(photo.height());
    let p = psnr(photo, &decoded);
    let ms = ms_ssim(photo, &decoded);
    let point = ImagePoint {
        image: name.to_string(),
        contender: contender.name(),
        setting,
        label: contender.setting_label(setting),
        bytes: Some(file.len() as u64),
        bpp: Some(file.len() as f64 * 8.0 / pixels.max(1.0)),
        psnr: p.is_finite().then_some(p),
        ms_ssim: ms,
        ms_ssim_db: ms.and_then(ms_ssim_db),
        identical: p.is_infinite(),
        encode_ms: Some(encode_ms),
        decode_ms: Some(decode_ms),
        error: None,
    };
    CodedImage {
        point,
        file: Some(file),
        decoded: Some(decoded),
    }
}

fn mean_curve(
    contender: &ImageContender,
    settings: &[u8],
    points: &[ImagePoint],
    images: usize,
) -> Curve {
    let name = contender.name();
    let curve_points = settings
        .iter()
        .filter_map(|&setting| {
            let at: Vec<&ImagePoint> = points
                .iter()
                .filter(|p| p.contender == name && p.setting == setting && p.error.is_none())
                .collect();
            if at.len() != images || images == 0 {
                return None;
            }
            let n = at.len() as f64;
            let mean = |f: &dyn Fn(&ImagePoint) -> Option<f64>| -> Option<f64> {
                at.iter().map(|p| f(p)).sum::<Option<f64>>().map(|s| s / n)
            };
            let ms = mean(&|p| p.ms_ssim);
            Some(CurvePoint {
                setting,
                label: contender.setting_label(setting),
                bpp: mean(&|p| p.bpp)?,
                psnr: mean(&|p| p.psnr),
                ms_ssim: ms,
                ms_ssim_db: ms.and_then(ms_ssim_db),
                encode_ms: mean(&|p| p.encode_ms)?,
                decode_ms: mean(&|p| p.decode_ms)?,
            })
        })
        .collect();
    Curve {
        contender: name,
        lossless: contender.is_lossless(),
        points: curve_points,
    }
}

fn bd_rates(contenders: &[(ImageContender, Vec<u8>)], curves: &[Curve]) -> Vec<BdRate> {
    let lossy_baselines: Vec<(&ImageContender, &Curve)> = contenders
        .iter()
        .map(|(c, _)| c)
        .zip(curves)
        .filter(|(c, _)| matches!(c, ImageContender::Baseline(_)) && !c.is_lossless())
        .collect();
    let mut pairs: Vec<(&Curve, &Curve)> = Vec::new();
    for (c, test) in contenders.iter().map(|(c, _)| c).zip(curves) {
        if let ImageContender::Ncodec { .. } = c {
            pairs.extend(lossy_baselines.iter().map(|(_, anchor)| (test, *anchor)));
        }
    }
    if let Some((_, jpeg)) = lossy_baselines
        .iter()
        .find(|(c, _)| **c == ImageContender::Baseline(ImageBaseline::Jpeg))
    {
        for (c, test) in &lossy_baselines {
            if **c != ImageContender::Baseline(ImageBaseline::Jpeg) {
                pairs.push((test, jpeg));
            }
        }
    }
    pairs
        .into_iter()
        .map(|(test, anchor)| {
            let method = if test.points.len() >= MIN_POINTS {
                BdMethod::Bjontegaard
            } else {
                BdMethod::AtPoints
            };
            let rate = |a: Vec<RatePoint>, t: Vec<RatePoint>| match method {
                BdMethod::Bjontegaard => bd_rate(&a, &t),
                BdMethod::AtPoints => rate_delta_at_points(&a, &t),
            };
            BdRate {
                test: test.contender.clone(),
                anchor: anchor.contender.clone(),
                psnr: rate(anchor.psnr_points(), test.psnr_points()),
                ms_ssim: rate(anchor.ms_ssim_db_points(), test.ms_ssim_db_points()),
                method,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn photo(w: u32, h: u32, seed: u32) -> RgbImage {
        let mut state = seed;
        RgbImage::from_fn(w, h, |x, y| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let n = (state >> 27) as u8;
            image::Rgb([
                (x * 2 + y) as u8 + n,
                (y * 3) as u8 + n,
                (x + 40) as u8 ^ (y as u8),
            ])
        })
    }

    #[test]
    fn runner_measures_baselines_on_two_tiny_photos() {
        let images = vec![
            ("a".to_string(), photo(48, 40, 1)),
            ("b".to_string(), photo(40, 32, 2)),
        ];
        let options = ImageEvalOptions {
            ncodec: false,
            qualities: Some(vec![90, 20, 40, 60, 20]),
            threads: 2,
            ..ImageEvalOptions::default()
        };
        let calls = AtomicUsize::new(0);
        let report = run_image_eval(&images, &options, &|_| {
            calls.fetch_add(1, Ordering::Relaxed);
        })
        .expect("runs");
        // jpeg, webp, avif at 4 qualities, png once; on 2 photos.
        assert_eq!(report.points.len(), (3 * 4 + 1) * 2);
        assert_eq!(calls.load(Ordering::Relaxed), report.points.len());
        assert_eq!(report.errors().count(), 0, "{:?}", report.errors().next());
        let names: Vec<_> = report.curves.iter().map(|c| c.contender.as_str()).collect();
        assert_eq!(names, ["jpeg", "webp", "avif", "png"]);
        for curve in &report.curves {
            let expected = if curve.lossless { 1 } else { 4 };
            assert_eq!(curve.points.len(), expected, "{}", curve.contender);
            if !curve.lossless {
                assert!(curve.points.windows(2).all(|w| w[0].bpp < w[1].bpp));
                assert!(curve
                    .points
                    .iter()
                    .all(|p| p.psnr.is_some() && p.ms_ssim.is_none()));
            }
        }
        let png = &report.curves[3].points[0];
        assert_eq!((png.label.as_str(), png.psnr), ("lossless", None));
        let p = &report.points[0];
        assert_eq!(
            (p.image.as_str(), p.contender.as_str(), p.setting),
            ("a", "jpeg", 20)
        );
        let bpp = p.bytes.expect("size") as f64 * 8.0 / (48.0 * 40.0);
        assert_eq!(p.bpp, Some(bpp));
        // webp and avif against jpeg (no ncodec in this run).
        let pairs: Vec<_> = report
            .bd_rates
            .iter()
            .map(|b| (b.test.as_str(), b.anchor.as_str(), b.method))
            .collect();
        assert_eq!(
            pairs,
            [
                ("webp", "jpeg", BdMethod::Bjontegaard),
                ("avif", "jpeg", BdMethod::Bjontegaard)
            ]
        );
        assert!(report.bd_rates.iter().all(|b| b.ms_ssim.is_none()));
        let table = report.to_table();
        assert!(
            table.contains("lossless") && table.contains("BD-rate"),
            "{table}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&report.to_json_pretty().expect("json")).expect("parses");
        assert_eq!(json["points"].as_array().map(Vec::len), Some(26));
        assert!(crate::images::plot::rd_plot_svg(&report)
            .expect("plots")
            .contains("<svg"));
    }

    #[test]
    fn bad_options_and_empty_inputs_are_errors() {
        let images = vec![("a".to_string(), photo(16, 16, 3))];
        let none = ImageEvalOptions {
            ncodec: false,
            baselines: vec![],
            ..ImageEvalOptions::default()
        };
        assert!(matches!(
            run_image_eval(&images, &none, &|_| {}),
            Err(EvalError::NoContenders)
        ));
        assert!(matches!(
            run_image_eval(&[], &ImageEvalOptions::default(), &|_| {}),
            Err(EvalError::NoImages)
        ));
        let bad_quality = ImageEvalOptions {
            ncodec: false,
            qualities: Some(vec![101]),
            ..ImageEvalOptions::default()
        };
        assert!(matches!(
            run_image_eval(&images, &bad_quality, &|_| {}),
            Err(EvalError::InvalidOption(_))
        ));
        let bad_effort = ImageEvalOptions {
            baselines: vec![],
            efforts: vec![4],
            ..ImageEvalOptions::default()
        };
        if ncodec_level_count().is_ok() {
            assert!(matches!(
                run_image_eval(&images, &bad_effort, &|_| {}),
                Err(EvalError::InvalidOption(_))
            ));
        }
    }

    #[test]
    fn load_images_finds_photos_in_folders_in_name_order() {
        let dir = std::env::temp_dir().join(format!("ncodec-evals-load-{}", std::process::id()));
        let sub = dir.join("sub");
        std::fs::create_dir_all(&sub).expect("mkdir");
        photo(8, 6, 1).save(dir.join("b.png")).expect("save");
        photo(8, 6, 2).save(sub.join("a.png")).expect("save");
        std::fs::write(dir.join("notes.txt"), b"not a photo").expect("write");
        let loaded = load_images(std::slice::from_ref(&dir), None).expect("loads");
        let names: Vec<_> = loaded
            .iter()
            .map(|(n, _)| {
                Path::new(n)
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
            })
            .collect();
        assert_eq!(names, [Some("b.png".into()), Some("a.png".into())]);
        assert_eq!(
            load_images(std::slice::from_ref(&dir), Some(1))
                .expect("loads")
                .len(),
            1
        );
        assert!(load_images(&[dir.join("notes.txt")], None).is_err());
        assert!(matches!(
            load_images(&[sub.join("missing")], None),
            Err(EvalError::ImageInput { .. })
        ));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
