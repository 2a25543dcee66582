//! Encoder-side latent refinement (efforts 2 and 3): the latents that the analysis
//! transform proposes are improved by gradient descent on the real rate–distortion loss of
//! this one image, `bits / pixels + λ · 255² · MSE`, as in Yang et al. 2020 ("Improving
//! Inference for Neural Image Compression"). The decoder is unchanged: it still just
//! decodes integer latents, so the parse stays integer and decoding stays as fast.
//!
//! Rounding is passed straight through for the distortion term; the rate term's gradient
//! is the slope of the integer tables' bit costs interpolated linearly between integers.
//! Every iteration measures the true loss of its rounded latents (the latent coder's real
//! output size and the real distortion), and the best ones seen are kept, so refinement
//! never does worse than the plain analysis.

use super::latent_coder;
use super::rounding::bit_costs;
use crate::entropy::FrequencyTable;
use crate::runtime::conv::Planes;
use crate::runtime::image_ae::ImageAe;

/// How hard to refine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Refinement {
    /// Gradient steps.
    pub iterations: usize,
    /// Initial learning rate in latent units; it decays linearly to a tenth.
    pub lr: f32,
    /// The level's rate–distortion trade-off (`loss = bpp + λ·255²·MSE`).
    pub lambda: f64,
}

/// The loss of integer latents and its parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Loss {
    /// Bits per pixel from the integer tables (the coded size, without framing).
    pub bpp: f64,
    /// Mean squared error on the `[0, 1]` scale over the image's own pixels.
    pub mse: f64,
    /// `bpp + λ·255²·mse`.
    pub total: f64,
}

/// Where refinement starts: float latents to descend from and the integer latents the
/// encoder would send without refinement (the first candidate).
pub(crate) struct Start<'a> {
    /// The analysis output, or the previous phase's result.
    pub y: &'a Planes,
    /// The latents to beat.
    pub latents: Vec<i32>,
}

/// Refines `start` for the padded image `x` whose real size is `width × height`;
/// `tables` are the model's latent priors. Returns the best integer latents found.
pub(crate) fn refine(
    model: &ImageAe,
    tables: &[&FrequencyTable],
    x: &Planes,
    width: usize,
    height: usize,
    start: Start,
    refinement: Refinement,
) -> Vec<i32> {
    let y = start.y;
    let range = model.shape().range as i32;
    let costs = bit_costs(model);
    let pixels = (width * height).max(1) as f64;
    let scale = refinement.lambda * 255.0 * 255.0;
    let mut current = y.clone();
    let mut best = start.latents;
    let mut best_loss = f64::INFINITY;
    let (mut m, mut v) = (vec![0.0f32; y.data.len()], vec![0.0f32; y.data.len()]);
    let (beta1, beta2) = (0.9f32, 0.999f32);
    let per_channel = y.height * y.width;
    for step in 0..=refinement.iterations {
        let q = if step == 0 {
            best.clone()
        } else {
            model.quantize(&current)
        };
        let latents = Planes {
            data: q.iter().map(|&v| v as f32).collect(),
            ..current.clone()
        };
        let (x_hat, trace) = model.synthesise_traced(&latents);
        // Each step is judged by the size the latent coder really produces (the tables'
        // information content only steers the gradient).
        let loss = measure(tables, &q, y, x, &x_hat, width, height, scale);
        if loss.total < best_loss {
            best_loss = loss.total;
            best = q;
        }
        if step == refinement.iterations {
            break;
        }
        // d loss / d x_hat on the image's own pixels (not the padding).
        let mut grad = Planes::zeros(x_hat.channels, x_hat.height, x_hat.width);
        let norm = (2.0 * scale / (3.0 * pixels)) as f32;
        for c in 0..x_hat.channels.min(3) {
            for row in 0..height.min(x_hat.height) {
                let at = (c * x_hat.height + row) * x_hat.width;
                for col in 0..width.min(x_hat.width) {
                    let i = at + col;
                    let r = x_hat.data[i];
                    if (0.0..=1.0).contains(&r) {
                        grad.data[i] = norm * (r - x.data[i]);
                    }
                }
            }
        }
        let mut g = model.synthesis_gradient(&trace, &grad);
        // Rate: slope of the bit costs between the integers around each value.
        for (idx, (gv, &yv)) in g.data.iter_mut().zip(&current.data).enumerate() {
            let table = &costs[(idx / per_channel.max(1)).min(costs.len() - 1)];
            let clamped = yv.clamp(-range as f32, range as f32 - 1e-3);
            let lower = clamped.floor() as i32 + range;
            let slope = table[(lower + 1) as usize] - table[lower as usize];
            *gv += slope / pixels as f32;
        }
        // Adam, learning rate decaying linearly to a tenth.
        let t = (step + 1) as i32;
        let progress = step as f32 / refinement.iterations.max(1) as f32;
        let lr = refinement.lr * (1.0 - 0.9 * progress);
        let (c1, c2) = (1.0 - beta1.powi(t), 1.0 - beta2.powi(t));
        for (((yv, gv), mv), vv) in current.data.iter_mut().zip(&g.data).zip(&mut m).zip(&mut v) {
            *mv = beta1 * *mv + (1.0 - beta1) * gv;
            *vv = beta2 * *vv + (1.0 - beta2) * gv * gv;
            *yv -= lr * (*mv / c1) / ((*vv / c2).sqrt() + 1e-8);
        }
    }
    best
}

/// The loss of latents `q` (shaped like `y`) with reconstruction `x_hat` of `x`: the
/// latent coder's real output size and the distortion over the image's own pixels.
#[allow(clippy::too_many_arguments)]
fn measure(
    tables: &[&FrequencyTable],
    q: &[i32],
    y: &Planes,
    x: &Planes,
    x_hat: &Planes,
    width: usize,
    height: usize,
    scale: f64,
) -> Loss {
    let range = tables.first().map_or(0, |t| t.len() / 2);
    let bits = (latent_coder::encode(q, tables, range, y.height, y.width).len() * 8) as f64;
    let mut se = 0.0f64;
    for c in 0..3.min(x_hat.channels) {
        for row in 0..height.min(x_hat.height) {
            let at = (c * x_hat.height + row) * x_hat.width;
            for col in 0..width.min(x_hat.width) {
                let d = f64::from(x_hat.data[at + col].clamp(0.0, 1.0) - x.data[at + col]);
                se += d * d;
            }
        }
    }
    let pixels = (width * height).max(1) as f64;
    let (bpp, mse) = (bits / pixels, se / (3.0 * pixels));
    Loss {
        bpp,
        mse,
        total: bpp + scale * mse,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codecs::image::{priors, shipped_levels, transform, RawImage};

    #[test]
    fn refinement_lowers_the_real_loss_of_a_photo_like_image() {
        let model = &shipped_levels().unwrap()[0];
        let (w, h) = (40usize, 24usize);
        let pixels = (0..w * h * 3)
            .map(|i| {
                let (p, c) = (i / 3, i % 3);
                let (x, y) = ((p % w) as f32, (p / w) as f32);
                (128.0 + 80.0 * ((x / 5.0 + c as f32).sin() * (y / 7.0).cos())) as u8
            })
            .collect();
        let image = RawImage::new(w as u32, h as u32, 3, pixels).unwrap();
        let x = transform::to_planes(&image);
        let y = model.analyse(&x);
        let tables = priors(model).unwrap();
        let loss_of = |q: &[i32]| {
            let latents = Planes {
                data: q.iter().map(|&v| v as f32).collect(),
                ..y.clone()
            };
            let x_hat = model.synthesise_traced(&latents).0;
            measure(&tables, q, &y, &x, &x_hat, w, h, 0.0067 * 255.0 * 255.0)
        };
        let plain = loss_of(&model.quantize(&y));
        let refinement = Refinement {
            iterations: 8,
            lr: 0.2,
            lambda: 0.0067,
        };
        let start = Start {
            y: &y,
            latents: model.quantize(&y),
        };
        let refined = loss_of(&refine(model, &tables, &x, w, h, start, refinement));
        assert!(
            refined.total < plain.total,
            "refined {refined:?} vs plain {plain:?}"
        );
    }
}
