//! Rate-aware rounding of the latents (every effort).
//!
//! Rounding each latent to the nearest integer ignores that the integers differ in cost:
//! under a channel's prior a 0 may take a fraction of a bit where a ±1 takes several. The
//! encoder instead rounds every latent `y` down or up, whichever has the smaller
//! `bits(q) + w_c · (y − q)²`: `bits` from the channel's integer table and `w_c` what a
//! rounding error of one unit adds to the level's loss `bits + λ·255²·SSE/3`, estimated
//! from the channel's gain ([`ImageAe::latent_gains`]) times [`DISTORTION_WEIGHT`]. It is
//! a per-latent form of rate–distortion optimised quantisation: no search, and the decoder
//! does not change (it decodes whatever integers were sent).
//!
//! A second pass ([`round_in_context`]) prices the two candidates again with what the
//! adaptive latent coder would really spend on each at its place in the stream (its
//! contexts filled in by the first pass's choice), so a ±1 in a quiet region pays what
//! it costs there.

use super::latent_coder;
use crate::entropy::FrequencyTable;
use crate::runtime::conv::Planes;
use crate::runtime::image_ae::ImageAe;

/// Multiplies the gain-based distortion estimate. The gains see one latent alone on a
/// zero background, which understates what an error costs inside a photo. On the first
/// 16 train photos, levels 1–5, 1, 2, 3 and 4 gave −3.3 %, −3.9 %, −3.6 % and −3.3 %
/// BD-rate (PSNR) against rounding to nearest; 2 is kept.
const DISTORTION_WEIGHT: f32 = 2.0;

/// Scales [`DISTORTION_WEIGHT`] when the candidates are priced in context. Priced by the
/// static table, a ±1 among zeros looks cheaper than it is, which the static weight had
/// absorbed. On 24 train photos (every fourth of the first 96, levels 2–6, effort 1), one
/// in-context pass after static rounding gave −0.76 % BD-rate (PSNR, piecewise) against
/// static rounding alone at scale 1, −0.81 % at 1.5 and −0.54 % at 2; two passes were no
/// better than one (on valid photos).
const IN_CONTEXT_DISTORTION_SCALE: f32 = 1.5;

/// `-log2 p` of every symbol (`v + range`) of every latent channel's table.
pub(crate) fn bit_costs(model: &ImageAe) -> Vec<Vec<f32>> {
    let symbols = 2 * model.shape().range + 1;
    (0..model.shape().latent)
        .map(|c| {
            model.prior(c).map_or(vec![0.0; symbols], |table| {
                (0..symbols)
                    .map(|s| table.information_bits(s) as f32)
                    .collect()
            })
        })
        .collect()
}

/// What a rounding error of one latent unit adds to the loss, per channel.
fn distortion_weights(model: &ImageAe, lambda: f64) -> Vec<f32> {
    let scale = (lambda * 255.0 * 255.0 / 3.0) as f32 * DISTORTION_WEIGHT;
    model.latent_gains().iter().map(|g| g * scale).collect()
}

/// Re-rounds `latents` (a rounding of `y`) by what each candidate costs in the adaptive
/// coder's contexts rather than under the channel's static table, `passes` times (each
/// pass prices the candidates with the previous pass's choice as the neighbours).
pub(crate) fn round_in_context(
    model: &ImageAe,
    y: &Planes,
    lambda: f64,
    tables: &[&FrequencyTable],
    mut latents: Vec<i32>,
    passes: usize,
) -> Vec<i32> {
    let range = model.shape().range as i32;
    let weights: Vec<f32> = distortion_weights(model, lambda)
        .iter()
        .map(|w| w * IN_CONTEXT_DISTORTION_SCALE)
        .collect();
    let per_channel = (y.height * y.width).max(1);
    let down: Vec<i32> = y
        .data
        .iter()
        .map(|&v| (v.floor() as i32).clamp(-range, range))
        .collect();
    for _ in 0..passes {
        let bits = latent_coder::candidate_bits(
            &latents,
            &down,
            tables,
            range as usize,
            y.height,
            y.width,
        );
        for (i, q) in latents.iter_mut().enumerate() {
            let c = (i / per_channel).min(weights.len() - 1);
            let v = y.data[i];
            let d = down[i];
            let u = (d + 1).min(range);
            let [bits_down, bits_up] = bits[i];
            let cost_down = bits_down + weights[c] * (v - d as f32).powi(2);
            let cost_up = bits_up + weights[c] * (v - u as f32).powi(2);
            *q = if cost_up < cost_down { u } else { d };
        }
    }
    latents
}

/// The integer latents for the analysis output `y` of a model trained with trade-off
/// `lambda` (`loss = bpp + λ·255²·MSE`), each clamped to the model's range.
pub(crate) fn round_latents(model: &ImageAe, y: &Planes, lambda: f64) -> Vec<i32> {
    let range = model.shape().range as i32;
    let costs = bit_costs(model);
    let weights = distortion_weights(model, lambda);
    let per_channel = (y.height * y.width).max(1);
    y.data
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let c = (i / per_channel).min(costs.len() - 1);
            let down = (v.floor() as i32).clamp(-range, range);
            let up = (down + 1).min(range);
            let cost =
                |q: i32| costs[c][(q + range) as usize] + weights[c] * (v - q as f32).powi(2);
            if cost(up) < cost(down) {
                up
            } else {
                down
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codecs::image::shipped_model;

    fn planes(model: &ImageAe, data: Vec<f32>) -> Planes {
        Planes {
            channels: model.shape().latent,
            height: 1,
            width: data.len() / model.shape().latent,
            data,
        }
    }

    #[test]
    fn values_near_integers_round_to_them_and_ties_go_to_the_cheaper_integer() {
        let model = shipped_model(0).unwrap();
        let latent = model.shape().latent;
        // Per channel: 2.02 (near an integer), 0.5 (a tie in distance).
        let data: Vec<f32> = (0..latent).flat_map(|_| [2.02f32, 0.5]).collect();
        let q = round_latents(model, &planes(model, data), 0.0035);
        let costs = bit_costs(model);
        let range = model.shape().range;
        let mut zeros = 0;
        for c in 0..latent {
            assert_eq!(q[2 * c], 2, "channel {c}");
            let cheaper = if costs[c][range + 1] < costs[c][range] {
                1
            } else {
                0
            };
            assert_eq!(q[2 * c + 1], cheaper, "channel {c}");
            zeros += usize::from(cheaper == 0);
        }
        // Most trained priors peak at zero.
        assert!(zeros > latent / 2, "{zeros} of {latent}");
    }

    #[test]
    fn in_context_a_lone_latent_among_zeros_rounds_to_zero_more_often() {
        let model = shipped_model(0).unwrap();
        let latent = model.shape().latent;
        let (h, w) = (8usize, 8usize);
        // Every channel zero but for a few 0.75s.
        let data: Vec<f32> = (0..latent * h * w)
            .map(|i| if i % 23 == 0 { 0.75 } else { 0.0 })
            .collect();
        let y = Planes {
            channels: latent,
            height: h,
            width: w,
            data,
        };
        let lambda = 0.0018;
        let tables = crate::codecs::image::priors(model).unwrap();
        let plain = round_latents(model, &y, lambda);
        let in_context = round_in_context(model, &y, lambda, &tables, plain.clone(), 1);
        let ones = |q: &[i32]| q.iter().filter(|&&v| v != 0).count();
        assert!(
            ones(&in_context) < ones(&plain),
            "{} vs {}",
            ones(&in_context),
            ones(&plain)
        );
        assert!(in_context.iter().all(|&v| v == 0 || v == 1));
    }

    #[test]
    fn a_larger_lambda_rounds_closer_to_nearest() {
        let model = shipped_model(0).unwrap();
        let latent = model.shape().latent;
        let data: Vec<f32> = (0..latent * 40)
            .map(|i| (i % 40) as f32 * 0.05 - 1.0)
            .collect();
        let y = planes(model, data);
        let nearest = model.quantize(&y);
        let differ = |q: &[i32]| q.iter().zip(&nearest).filter(|(a, b)| a != b).count();
        let (small, large) = (
            round_latents(model, &y, 0.001),
            round_latents(model, &y, 1.0),
        );
        assert!(
            differ(&small) > differ(&large),
            "{} {}",
            differ(&small),
            differ(&large)
        );
        assert!(large
            .iter()
            .zip(&y.data)
            .all(|(&q, &v)| (q as f32 - v).abs() <= 1.0));
    }
}
