//! Quantized fully connected layers.

use super::{Reader, RuntimeError};

/// Largest value of a ReLU activation: activations are 12-bit unsigned integers.
pub const RELU_MAX: i64 = 4095;

/// What a layer does after its matrix product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// ReLU, then requantize into `0..=RELU_MAX` (the next layer's input).
    Relu,
    /// Requantize into a signed 32-bit fixed-point value (logits).
    Identity,
}

/// A layer `y = act(requant(W x + b))` with int8 weights and per-output-row fixed-point
/// multipliers: `requant(acc) = (acc * mult + 2^(shift-1)) >> shift` in 64-bit integers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantLinear {
    rows: usize,
    cols: usize,
    /// Row-major int8 weights (widened to 16 bits inside the SIMD dot product).
    weights: Vec<i8>,
    bias: Vec<i32>,
    mult: Vec<i32>,
    shift: Vec<u8>,
    activation: Activation,
}

impl QuantLinear {
    /// Builds a layer; fails if the parts do not fit together or a shift is out of range.
    pub fn new(
        rows: usize,
        cols: usize,
        weights: &[i8],
        bias: Vec<i32>,
        mult: Vec<i32>,
        shift: Vec<u8>,
        activation: Activation,
    ) -> Result<Self, RuntimeError> {
        if weights.len() != rows * cols
            || bias.len() != rows
            || mult.len() != rows
            || shift.len() != rows
        {
            return Err(RuntimeError::Corrupt("layer parts have inconsistent sizes"));
        }
        if shift.iter().any(|&s| !(1..=62).contains(&s)) {
            return Err(RuntimeError::Corrupt("requantization shift out of range"));
        }
        Ok(Self {
            rows,
            cols,
            weights: weights.to_vec(),
            bias,
            mult,
            shift,
            activation,
        })
    }

    /// Reads a layer of known shape: weights (i8), bias, mult (i32), shift (u8).
    pub(crate) fn read(
        r: &mut Reader<'_>,
        rows: usize,
        cols: usize,
        activation: Activation,
    ) -> Result<Self, RuntimeError> {
        let weights = r.i8s(rows * cols)?;
        let bias = r.i32s(rows)?;
        let mult = r.i32s(rows)?;
        let shift = r.take(rows)?.to_vec();
        Self::new(rows, cols, &weights, bias, mult, shift, activation)
    }

    /// Output width.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Input width.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Computes the layer on `input` (length `cols`, values in `-128..=RELU_MAX`) into
    /// `output` (length `rows`). With int8 weights, a row of up to 4096 inputs cannot
    /// overflow the 32-bit accumulator (4096 × 4095 × 128 < 2^31).
    pub fn forward(&self, input: &[i16], output: &mut [i32]) {
        debug_assert_eq!(input.len(), self.cols);
        debug_assert_eq!(output.len(), self.rows);
        let input = &input[..self.cols];
        for (row, out) in output.iter_mut().enumerate().take(self.rows) {
            let w = &self.weights[row * self.cols..(row + 1) * self.cols];
            let acc = dot(w, input).wrapping_add(self.bias[row]);
            let shift = u32::from(self.shift[row]);
            let scaled =
                (i64::from(acc) * i64::from(self.mult[row]) + (1i64 << (shift - 1))) >> shift;
            *out = match self.activation {
                Activation::Relu => scaled.clamp(0, RELU_MAX) as i32,
                Activation::Identity => {
                    scaled.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
                }
            };
        }
    }
}

/// Integer dot product of int8 weights `w` and 16-bit activations `x` (equal lengths;
/// activations within `-128..=4095`, so no pair sum can overflow).
///
/// Integer addition is associative, so the SIMD and scalar paths give the same result on
/// every machine: AVX2 where the CPU has it (checked at run time), SSE2 on every other
/// x86-64, plain Rust elsewhere.
#[inline]
pub(crate) fn dot(w: &[i8], x: &[i16]) -> i32 {
    let n = w.len().min(x.len());
    let (w, x) = (&w[..n], &x[..n]);
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above).
            return unsafe { dot_avx2(w, x) };
        }
        // SAFETY: SSE2 is part of the x86-64 baseline.
        unsafe { dot_sse2(w, x) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    dot_scalar(w, x)
}

/// The reference dot product.
#[inline]
pub(crate) fn dot_scalar(w: &[i8], x: &[i16]) -> i32 {
    w.iter().zip(x).fold(0i32, |s, (a, b)| {
        s.wrapping_add(i32::from(*a) * i32::from(*b))
    })
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dot_avx2(w: &[i8], x: &[i16]) -> i32 {
    use std::arch::x86_64::*;
    let n = w.len() / 16 * 16;
    let mut acc = _mm256_setzero_si256();
    let mut i = 0;
    while i < n {
        // SAFETY: i + 16 <= n <= w.len() == x.len(); unaligned loads of 16 bytes of `w`
        // and 16 lanes of `x`.
        let vw = _mm256_cvtepi8_epi16(_mm_loadu_si128(w.as_ptr().add(i).cast()));
        let vx = _mm256_loadu_si256(x.as_ptr().add(i).cast());
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(vw, vx));
        i += 16;
    }
    let mut lanes = [0i32; 8];
    _mm256_storeu_si256(lanes.as_mut_ptr().cast(), acc);
    let sum = lanes.iter().fold(0i32, |s, &v| s.wrapping_add(v));
    sum.wrapping_add(dot_scalar(&w[n..], &x[n..]))
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
unsafe fn dot_sse2(w: &[i8], x: &[i16]) -> i32 {
    use std::arch::x86_64::*;
    let n = w.len() / 8 * 8;
    let mut acc = _mm_setzero_si128();
    let zero = _mm_setzero_si128();
    let mut i = 0;
    while i < n {
        // SAFETY: i + 8 <= n <= w.len() == x.len(); an 8-byte load of `w`, a 16-byte
        // load of 8 lanes of `x`.
        let bytes = _mm_loadl_epi64(w.as_ptr().add(i).cast());
        let sign = _mm_cmpgt_epi8(zero, bytes);
        let vw = _mm_unpacklo_epi8(bytes, sign);
        let vx = _mm_loadu_si128(x.as_ptr().add(i).cast());
        acc = _mm_add_epi32(acc, _mm_madd_epi16(vw, vx));
        i += 8;
    }
    let mut lanes = [0i32; 4];
    _mm_storeu_si128(lanes.as_mut_ptr().cast(), acc);
    let sum = lanes.iter().fold(0i32, |s, &v| s.wrapping_add(v));
    sum.wrapping_add(dot_scalar(&w[n..], &x[n..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relu_layer_requantizes() {
        // y = relu((w.x + b) * 3 / 4)
        let layer = QuantLinear::new(
            2,
            3,
            &[1, 2, 3, -1, -2, -3],
            vec![4, 0],
            vec![3, 3],
            vec![2, 2],
            Activation::Relu,
        )
        .unwrap();
        let mut out = [0i32; 2];
        layer.forward(&[1, 1, 1], &mut out);
        assert_eq!(out, [(10 * 3 + 2) >> 2, 0]);
        let big =
            QuantLinear::new(1, 1, &[127], vec![0], vec![1], vec![1], Activation::Relu).unwrap();
        big.forward(&[4095], &mut out[..1]);
        assert_eq!(i64::from(out[0]), RELU_MAX);
    }

    #[test]
    fn inconsistent_layers_are_refused() {
        assert!(QuantLinear::new(
            2,
            2,
            &[1, 2, 3],
            vec![0; 2],
            vec![1; 2],
            vec![1; 2],
            Activation::Relu
        )
        .is_err());
        assert!(QuantLinear::new(1, 1, &[1], vec![0], vec![1], vec![0], Activation::Relu).is_err());
    }

    #[test]
    fn simd_dot_matches_scalar_at_every_length() {
        for len in 0..70 {
            let w: Vec<i8> = (0..len).map(|i| (i * 7 % 255 - 127) as i8).collect();
            let x: Vec<i16> = (0..len).map(|i| (i * 977 % 4224) as i16 - 128).collect();
            let naive: i32 = w
                .iter()
                .zip(&x)
                .map(|(a, b)| i32::from(*a) * i32::from(*b))
                .sum();
            assert_eq!(dot_scalar(&w, &x), naive);
            assert_eq!(dot(&w, &x), naive, "length {len}");
            #[cfg(target_arch = "x86_64")]
            {
                // SAFETY: SSE2 is part of the x86-64 baseline.
                assert_eq!(unsafe { dot_sse2(&w, &x) }, naive, "sse2, length {len}");
            }
        }
    }
}
