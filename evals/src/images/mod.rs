//! Lossy image compression: classical codecs as rate–distortion baselines, the metrics
//! and the runner behind `ncodec eval image`.
//!
//! - [`metrics`]: PSNR and MS-SSIM (as `pytorch_msssim`/CompressAI compute it).
//! - [`baselines`]: JPEG, WebP, AVIF and (lossless, a rate reference) PNG, each writing
//!   and reading complete files.
//! - [`bd_rate`]: Bjøntegaard delta rate between two curves.
//! - [`run_image_eval`]: every contender at every setting on every photo, ncodec's
//!   learned `image` codec included (one curve per encoder effort, one point per quality
//!   level), with mean curves and BD-rates; [`plot`] draws the curves as SVG.
//! - [`jpeg_curve`] / [`psnr_at_bpp`]: JPEG's curve pooled over a set of crops and its
//!   PSNR at a given rate, for comparing one operating point with JPEG.

pub mod baselines;
pub mod bd_rate;
mod curve;
pub mod lossless;
pub mod metrics;
mod ncodec_image;
pub mod plot;
mod runner;

pub use baselines::{jpeg_round_trip, ImageBaseline, AVIF_SPEED};
pub use curve::{jpeg_curve, psnr_at_bpp, RdPoint};
pub use metrics::{ms_ssim, ms_ssim_db, psnr};
pub use ncodec_image::{ncodec_decode, ncodec_encode, ncodec_level_count};
pub use plot::rd_plot_svg;
pub(crate) use runner::render_table;
pub use runner::{
    code_image, load_images, plan_image_eval, run_image_eval, BdMethod, BdRate, CodedImage, Curve,
    CurvePoint, ImageContender, ImageEvalOptions, ImageInfo, ImagePlan, ImagePoint, ImageReport,
    Unavailable,
};
