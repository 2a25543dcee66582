//! Guesses the float type of a buffer that names none (a raw weights dump coded without
//! `--dtype`): the type whose split codes the buffer smallest, if any beats plain bytes.

use super::dtype::FloatType;
use super::float_coder::{estimate_bits_q16, log2_q16};
use crate::codec::Codec;
use crate::codecs::Cm;

/// Bytes looked at.
const SAMPLE: usize = 1 << 20;

/// The float type that would code `chunk` best, or `None` if it looks like plain bytes.
/// Integer arithmetic only, so every machine makes the same choice.
pub(crate) fn guess(chunk: &[u8]) -> Option<FloatType> {
    let sample = &chunk[..chunk.len().min(SAMPLE)];
    if sample.len() < 256 {
        return None;
    }
    let bytes_cost = order0_bits_q16(sample);
    let mut best: Option<(u64, FloatType)> = None;
    for ty in [
        FloatType::Bf16,
        FloatType::F16,
        FloatType::F32,
        FloatType::F64,
    ] {
        let usable = sample.len() / ty.bytes() * ty.bytes();
        let cost =
            estimate_bits_q16(&sample[..usable], ty) + (((sample.len() - usable) as u64 * 8) << 16);
        if best.is_none_or(|(c, _)| cost < c) {
            best = Some((cost, ty));
        }
    }
    let (cost, ty) = best.filter(|&(cost, _)| cost < bytes_cost / 32 * 31)?;
    // The byte coder (`cm`) does much better than order 0 on structured bytes: check the
    // floats also beat it on a sample.
    let probe = &sample[..sample.len().min(CM_PROBE) / ty.bytes() * ty.bytes()];
    let mut coded = Vec::new();
    Cm.encode_chunk(probe, &mut coded).ok()?;
    let float_bytes = if probe.len() == sample.len() {
        cost >> 19
    } else {
        estimate_bits_q16(probe, ty) >> 19
    };
    (float_bytes < coded.len() as u64).then_some(ty)
}

/// Bytes of the sample that `cm` codes for comparison.
const CM_PROBE: usize = 1 << 14;

/// Order-0 entropy of the bytes, in 1/65536 bits.
fn order0_bits_q16(bytes: &[u8]) -> u64 {
    let mut counts = [0u64; 256];
    for &b in bytes {
        counts[usize::from(b)] += 1;
    }
    let total = bytes.len() as u64;
    let log_total = log2_q16(total);
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| c * (log_total - log2_q16(c)))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_floats_from_text_and_noise() {
        let mut state = 11u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state
        };
        let values: Vec<f32> = (0..20_000)
            .map(|_| ((next() >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.1)
            .collect();
        let f32s: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(guess(&f32s), Some(FloatType::F32));
        let bf16s: Vec<u8> = values
            .iter()
            .flat_map(|v| ((v.to_bits() >> 16) as u16).to_le_bytes())
            .collect();
        assert_eq!(guess(&bf16s), Some(FloatType::Bf16));
        let text = b"The quick brown fox jumps over the lazy dog. ".repeat(200);
        assert_eq!(guess(&text), None);
        let noise: Vec<u8> = (0..10_000).map(|_| (next() >> 56) as u8).collect();
        assert_eq!(guess(&noise), None);
    }
}
