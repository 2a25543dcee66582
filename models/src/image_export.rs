//! Export of a trained image autoencoder into the codec's `NCIW` format
//! (`ncodec::runtime::image_ae`): float transforms as they are, and the logistic-mixture
//! prior turned into integer frequency tables over `-range..=range` per latent channel.
//! The export then runs the codec's own transforms on validation crops and reports the
//! rate from the integer tables beside burn's estimate, so the difference is measured.

use std::path::{Path, PathBuf};

use burn::prelude::*;
use ncodec::runtime::conv::Planes;
use ncodec::runtime::image_ae::{ImageAe as RuntimeAe, ImageAeShape};
use ncodec_datasets::images::ImageSet;

use crate::image_ae::ImageAe;
use crate::image_train::load_best;
use crate::train::{io_err, TrainError};

/// What [`export_image_run`] wrote and measured.
#[derive(Debug, Clone)]
pub struct ImageExportReport {
    /// The weights file.
    pub path: PathBuf,
    /// Its size.
    pub bytes: usize,
    /// Its model hash.
    pub model_hash: u64,
    /// burn's estimated bits per pixel on the crops (rounded latents).
    pub burn_bpp: f64,
    /// Bits per pixel from the integer tables on the runtime's own latents.
    pub table_bpp: f64,
    /// PSNR of burn's reconstruction.
    pub burn_psnr: f64,
    /// PSNR of the runtime's reconstruction (clamped and rounded to 8 bits).
    pub runtime_psnr: f64,
    /// Fraction of latents where runtime and burn round differently.
    pub latent_mismatch: f64,
    /// Crops measured.
    pub crops: usize,
}

/// The logistic mixture's CDF at `x` for one channel.
fn mixture_cdf(logits: &[f32], means: &[f32], log_scales: &[f32], x: f64) -> f64 {
    let max = logits.iter().copied().fold(f32::MIN, f32::max);
    let weights: Vec<f64> = logits.iter().map(|&l| f64::from(l - max).exp()).collect();
    let total: f64 = weights.iter().sum();
    weights
        .iter()
        .zip(means.iter().zip(log_scales))
        .map(|(w, (&m, &s))| w / total / (1.0 + (-(x - f64::from(m)) * f64::from(-s).exp()).exp()))
        .sum()
}

/// Integer frequency tables (sum 2^24, each ≥ 1) of every latent channel over
/// `-range..=range`, the outermost values taking the tails.
pub fn prior_tables(model: &ImageAe, latent: usize, range: usize) -> Vec<Vec<u32>> {
    let (logits, means, scales) = model.prior_f32();
    let k = logits.len() / latent.max(1);
    (0..latent)
        .map(|c| {
            let at = |x: f64| {
                mixture_cdf(
                    &logits[c * k..(c + 1) * k],
                    &means[c * k..(c + 1) * k],
                    &scales[c * k..(c + 1) * k],
                    x,
                )
            };
            let r = range as i64;
            let counts: Vec<u32> = (-r..=r)
                .map(|v| {
                    let lo = if v == -r { 0.0 } else { at(v as f64 - 0.5) };
                    let hi = if v == r { 1.0 } else { at(v as f64 + 0.5) };
                    ((hi - lo).max(0.0) * f64::from(1u32 << 31)) as u32
                })
                .collect();
            // from_counts gives every value at least 1 and sums to 2^24.
            let table = ncodec::entropy::FrequencyTable::from_counts(&counts)
                .unwrap_or_else(|_| unreachable!("2..=65536 symbols"));
            (0..counts.len()).map(|s| table.probability(s)).collect()
        })
        .collect()
}

fn planes_of(values: &[f32], side: usize) -> Planes {
    Planes {
        channels: 3,
        height: side,
        width: side,
        data: values.to_vec(),
    }
}

fn psnr(se: f64, n: f64) -> f64 {
    10.0 * (1.0 / (se / n).max(1e-12)).log10()
}

/// Exports `run/best.bpk` as `run/image-ae.nciw` with latents clamped to
/// `-range..=range`, and measures it on the 256×256 centre crops of the first `crops`
/// valid photos.
pub fn export_image_run(
    run: &Path,
    range: usize,
    crops: usize,
) -> Result<ImageExportReport, TrainError> {
    let device = Device::flex();
    let (options, model) = load_best(run, &device)?;
    let shape = ImageAeShape {
        channels: options.model.channels,
        latent: options.model.latent,
        range,
    };
    let parts = model.export_parts();
    let tables = prior_tables(&model, shape.latent, range);
    let layer = |v: &(Vec<f32>, Vec<f32>)| -> (Vec<f32>, Vec<f32>) { v.clone() };
    let a: Vec<_> = parts.analysis.iter().map(layer).collect();
    let g: Vec<_> = parts.gdn.iter().map(layer).collect();
    let s: Vec<_> = parts.synthesis.iter().map(layer).collect();
    let ig: Vec<_> = parts.igdn.iter().map(layer).collect();
    if a.len() != 4 || g.len() != 3 || s.len() != 4 || ig.len() != 3 {
        return Err(TrainError::Mismatch("unexpected layer count".into()));
    }
    let bytes = RuntimeAe::write(
        shape,
        [0, 1, 2, 3].map(|k| (&a[k].0[..], &a[k].1[..])),
        [0, 1, 2].map(|k| (&g[k].0[..], &g[k].1[..])),
        [0, 1, 2, 3].map(|k| (&s[k].0[..], &s[k].1[..])),
        [0, 1, 2].map(|k| (&ig[k].0[..], &ig[k].1[..])),
        &tables,
    );
    let runtime = RuntimeAe::from_bytes(&bytes).map_err(|e| TrainError::Mismatch(e.to_string()))?;
    let path = run.join("image-ae.nciw");
    std::fs::write(&path, &bytes).map_err(io_err(format!("writing {}", path.display())))?;

    let valid = ImageSet::load(&options.data.join("valid"), 256)
        .map_err(io_err("loading the valid photos"))?;
    let count = crops.min(valid.len()).max(1);
    let batch = valid.center_crops(count, 256);
    let per = 3 * 256 * 256;
    let (mut burn_bits, mut table_bits) = (0.0f64, 0.0f64);
    let (mut burn_se, mut runtime_se) = (0.0f64, 0.0f64);
    let (mut mismatched, mut latents) = (0usize, 0usize);
    for crop in batch.chunks(per) {
        let x = Tensor::<4>::from_data(TensorData::new(crop.to_vec(), [1, 3, 256, 256]), &device);
        let out = model.forward_eval(x.clone());
        burn_bits += f64::from(out.bits.into_scalar::<f32>());
        let diff: f32 = (out.x_hat.clamp(0.0, 1.0) - x)
            .powf_scalar(2.0)
            .sum()
            .into_scalar();
        burn_se += f64::from(diff);
        let burn_latents: Vec<i32> = crate::byte_lm::to_vec(out.y.round())
            .iter()
            .map(|&v| v as i32)
            .collect();

        let y = runtime.analyse(&planes_of(crop, 256));
        let q = runtime.quantize(&y);
        let hw = y.height * y.width;
        for (i, &v) in q.iter().enumerate() {
            if let Some(table) = runtime.prior(i / hw) {
                table_bits += table.information_bits((v + range as i32) as usize);
            }
        }
        mismatched += q.iter().zip(&burn_latents).filter(|(a, b)| a != b).count();
        latents += q.len();
        let x_hat = runtime.synthesise(&q, y.height, y.width);
        for (a, &b) in x_hat.data.iter().zip(crop) {
            let pixel = (a.clamp(0.0, 1.0) * 255.0).round() / 255.0;
            runtime_se += f64::from((pixel - b) * (pixel - b));
        }
    }
    let pixels = (count * 256 * 256) as f64;
    Ok(ImageExportReport {
        model_hash: runtime.hash(),
        bytes: bytes.len(),
        path,
        burn_bpp: burn_bits / pixels,
        table_bpp: table_bits / pixels,
        burn_psnr: psnr(burn_se, pixels * 3.0),
        runtime_psnr: psnr(runtime_se, pixels * 3.0),
        latent_mismatch: mismatched as f64 / latents.max(1) as f64,
        crops: count,
    })
}
