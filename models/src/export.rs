//! Export of a trained [`ByteLm`] into the integer runtime's weights format
//! (`ncodec::runtime::ByteMlp`), with calibration and a measurement of what quantization
//! costs.
//!
//! Weights become int8 with one scale per output channel; activations become 12-bit
//! integers with one scale per layer, chosen from a high percentile of the float
//! activations on calibration windows; every rescaling is a 32-bit multiplier and a shift.
//! The float arithmetic here happens once, at export: the file holds only integers.

use burn::prelude::*;
use ncodec::runtime::byte_mlp::{ByteMlp, ByteMlpShape};
use ncodec::runtime::softmax::LOGIT_FRAC;
use ncodec::runtime::RELU_MAX;

use crate::byte_lm::{to_vec, ByteLm, LayerF32};
use crate::text_data::{push_window, sample_batch, Rng, TextCorpus};

/// The result of an export.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The weights file.
    pub bytes: Vec<u8>,
    /// Float model's bits per byte on the measurement slice.
    pub float_bpb: f64,
    /// Integer model's bits per byte on the same positions.
    pub int_bpb: f64,
    /// Positions measured.
    pub positions: usize,
}

/// Quantizes `model`, calibrating on windows of `train`, and measures float against
/// integer bits per byte on the symbols of `valid` that cover its first `positions`
/// bytes.
pub fn export_byte_lm(
    model: &ByteLm,
    shape: ByteMlpShape,
    train: &TextCorpus,
    valid: &TextCorpus,
    positions: usize,
    device: &Device,
) -> Result<Exported, String> {
    let context = shape.context;
    // Calibration: activation ranges on random training windows.
    let mut rng = Rng(0x00ca_11b8_a7e5_eed5);
    let (inputs, _) = sample_batch(train, &mut rng, 8192, context);
    let x = Tensor::<2, Int>::from_data(TensorData::new(inputs, [8192, context]), device);
    let (h1, h2, _) = model.forward_all(x);
    let h1_max = percentile(&to_vec(h1), 0.9999).max(1e-6);
    let h2_max = percentile(&to_vec(h2), 0.9999).max(1e-6);

    let (embedding, layers) = model.parameters_f32();
    let emb_scale = max_abs(&embedding).max(1e-9) / 127.0;
    let embedding_q: Vec<i8> = embedding
        .iter()
        .map(|&v| quantize_i8(v / emb_scale))
        .collect();
    let act_scales = [
        emb_scale,
        h1_max / RELU_MAX as f32,
        h2_max / RELU_MAX as f32,
    ];
    let mut quantized = Vec::new();
    for (k, layer) in layers.iter().enumerate() {
        let in_scale = act_scales[k];
        let out_factor = if k < 2 {
            // Requantize into the next layer's activation scale.
            1.0 / f64::from(act_scales[k + 1])
        } else {
            // Logits in log2 units with LOGIT_FRAC fractional bits.
            f64::from(1u32 << LOGIT_FRAC) / std::f64::consts::LN_2
        };
        quantized.push(quantize_layer(layer, in_scale, out_factor)?);
    }
    let layer_refs = [0, 1, 2].map(|k| {
        let q = &quantized[k];
        (&q.weights[..], &q.bias[..], &q.mult[..], &q.shift[..])
    });
    let bytes = ByteMlp::write(shape, &embedding_q, layer_refs);
    let int_model = ByteMlp::from_bytes(&bytes).map_err(|e| e.to_string())?;

    // Measurement: the same positions, float and integer.
    let symbols = &valid.sources[0].symbols;
    let mut n = 0;
    let mut covered = 0u64;
    while n < symbols.len() && covered < positions as u64 {
        covered += u64::from(valid.symbol_len[symbols[n] as usize]);
        n += 1;
    }
    let float_bits = float_bits(model, &symbols[..n], context, device);
    let mut state = int_model.new_state();
    let mut bits = 0.0;
    for &symbol in &symbols[..n] {
        let table = int_model.predict(&mut state);
        bits += table.information_bits(symbol as usize);
        state.push(symbol);
    }
    let covered = covered.max(1) as f64;
    Ok(Exported {
        bytes,
        float_bpb: float_bits / covered,
        int_bpb: bits / covered,
        positions: covered as usize,
    })
}

struct QuantLayer {
    weights: Vec<i8>,
    bias: Vec<i32>,
    mult: Vec<i32>,
    shift: Vec<u8>,
}

/// Per-output-channel int8 weights; bias in accumulator units; requantization of
/// `acc * w_scale * in_scale * out_factor` as `(acc * mult) >> shift`.
fn quantize_layer(layer: &LayerF32, in_scale: f32, out_factor: f64) -> Result<QuantLayer, String> {
    let mut q = QuantLayer {
        weights: Vec::new(),
        bias: Vec::new(),
        mult: Vec::new(),
        shift: Vec::new(),
    };
    for j in 0..layer.outputs {
        let row = &layer.weights[j * layer.inputs..(j + 1) * layer.inputs];
        let w_scale = max_abs(row).max(1e-9) / 127.0;
        q.weights
            .extend(row.iter().map(|&v| quantize_i8(v / w_scale)));
        let acc_scale = f64::from(w_scale) * f64::from(in_scale);
        let bias = (f64::from(layer.bias[j]) / acc_scale).round();
        q.bias
            .push(bias.clamp(f64::from(i32::MIN / 2), f64::from(i32::MAX / 2)) as i32);
        let (mult, shift) = fixed_point(acc_scale * out_factor)?;
        q.mult.push(mult);
        q.shift.push(shift);
    }
    Ok(q)
}

/// `m ≈ mult / 2^shift` with `mult` in `[2^30, 2^31)` where possible.
fn fixed_point(m: f64) -> Result<(i32, u8), String> {
    if !(m.is_finite() && m > 0.0) {
        return Err(format!("cannot represent multiplier {m}"));
    }
    let shift = (30 - m.log2().floor() as i32).clamp(1, 62);
    let mult = (m * 2f64.powi(shift)).round();
    if mult > f64::from(i32::MAX) || mult < 1.0 {
        return Err(format!("multiplier {m} out of range"));
    }
    Ok((mult as i32, shift as u8))
}

fn quantize_i8(v: f32) -> i8 {
    v.round().clamp(-127.0, 127.0) as i8
}

fn max_abs(values: &[f32]) -> f32 {
    values.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

/// The `q` quantile of `values` (by sorting a copy).
fn percentile(values: &[f32], q: f64) -> f32 {
    let mut sorted: Vec<f32> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return 0.0;
    }
    sorted.sort_by(|a, b| a.total_cmp(b));
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// Float model's total bits over `symbols`.
fn float_bits(model: &ByteLm, symbols: &[u32], context: usize, device: &Device) -> f64 {
    let loss_fn = burn::nn::loss::CrossEntropyLossConfig::new().init(device);
    let n = symbols.len();
    let mut nats = 0.0;
    for start in (0..n).step_by(4096) {
        let end = (start + 4096).min(n);
        let (mut inputs, mut targets) = (Vec::new(), Vec::new());
        for pos in start..end {
            push_window(symbols, pos, context, &mut inputs, &mut targets);
        }
        let m = end - start;
        let x = Tensor::<2, Int>::from_data(TensorData::new(inputs, [m, context]), device);
        let y = Tensor::<1, Int>::from_data(TensorData::new(targets, [m]), device);
        let loss: f32 = loss_fn.forward(model.forward(x), y).into_scalar();
        nats += f64::from(loss) * m as f64;
    }
    nats / std::f64::consts::LN_2
}
