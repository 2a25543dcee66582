//! Float convolutions for the image codec's analysis and synthesis transforms.
//!
//! These run in plain, sequential f32 arithmetic: they decide pixel values (synthesis)
//! or the latents the encoder chooses to code (analysis), never a probability the
//! decoder must reproduce, so float is allowed here (the latents' probabilities come
//! from integer tables). Tensors are planar `[channels][height][width]`, row-major.

/// A `channels × height × width` float image.
#[derive(Debug, Clone, PartialEq)]
pub struct Planes {
    /// Number of channels.
    pub channels: usize,
    /// Rows.
    pub height: usize,
    /// Columns.
    pub width: usize,
    /// `channels * height * width` values.
    pub data: Vec<f32>,
}

impl Planes {
    /// All zeros.
    pub fn zeros(channels: usize, height: usize, width: usize) -> Self {
        Self {
            channels,
            height,
            width,
            data: vec![0.0; channels * height * width],
        }
    }

    fn plane(&self, c: usize) -> &[f32] {
        let n = self.height * self.width;
        &self.data[c * n..(c + 1) * n]
    }
}

/// A 2-D convolution with square kernels, equal stride and zero padding on both axes.
/// Weights are `[out][in][k][k]` (burn's and PyTorch's layout).
#[derive(Debug, Clone, PartialEq)]
pub struct Conv2d {
    /// Input channels.
    pub inputs: usize,
    /// Output channels.
    pub outputs: usize,
    /// Kernel side.
    pub kernel: usize,
    /// Stride.
    pub stride: usize,
    /// Zero padding on each side.
    pub padding: usize,
    /// `[out][in][k][k]`.
    pub weights: Vec<f32>,
    /// `[out]`.
    pub bias: Vec<f32>,
}

impl Conv2d {
    /// Output side for an input side.
    pub fn output_len(&self, len: usize) -> usize {
        (len + 2 * self.padding).saturating_sub(self.kernel) / self.stride + 1
    }

    /// Applies the convolution.
    pub fn forward(&self, x: &Planes) -> Planes {
        let (oh, ow) = (self.output_len(x.height), self.output_len(x.width));
        let mut out = Planes::zeros(self.outputs, oh, ow);
        let k = self.kernel;
        let (s, p) = (self.stride as isize, self.padding as isize);
        for o in 0..self.outputs {
            let dst = &mut out.data[o * oh * ow..(o + 1) * oh * ow];
            dst.fill(self.bias.get(o).copied().unwrap_or(0.0));
            for i in 0..self.inputs.min(x.channels) {
                let src = x.plane(i);
                let w = &self.weights[(o * self.inputs + i) * k * k..][..k * k];
                for ky in 0..k {
                    for kx in 0..k {
                        let wv = w[ky * k + kx];
                        for y in 0..oh {
                            let sy = y as isize * s + ky as isize - p;
                            if sy < 0 || sy >= x.height as isize {
                                continue;
                            }
                            let row = &src[sy as usize * x.width..][..x.width];
                            let drow = &mut dst[y * ow..][..ow];
                            for (xo, d) in drow.iter_mut().enumerate() {
                                let sx = xo as isize * s + kx as isize - p;
                                if sx >= 0 && sx < x.width as isize {
                                    *d += wv * row[sx as usize];
                                }
                            }
                        }
                    }
                }
            }
        }
        out
    }
}

/// A 2-D transposed convolution (the gradient of [`Conv2d`] with respect to its input),
/// with output padding added at the bottom and right. Weights are `[in][out][k][k]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvTranspose2d {
    /// Input channels.
    pub inputs: usize,
    /// Output channels.
    pub outputs: usize,
    /// Kernel side.
    pub kernel: usize,
    /// Stride.
    pub stride: usize,
    /// Padding removed on each side.
    pub padding: usize,
    /// Extra rows and columns at the end.
    pub output_padding: usize,
    /// `[in][out][k][k]`.
    pub weights: Vec<f32>,
    /// `[out]`.
    pub bias: Vec<f32>,
}

impl ConvTranspose2d {
    /// Output side for an input side.
    pub fn output_len(&self, len: usize) -> usize {
        ((len.max(1) - 1) * self.stride + self.kernel + self.output_padding)
            .saturating_sub(2 * self.padding)
    }

    /// Applies the transposed convolution.
    pub fn forward(&self, x: &Planes) -> Planes {
        let (oh, ow) = (self.output_len(x.height), self.output_len(x.width));
        let mut out = Planes::zeros(self.outputs, oh, ow);
        let k = self.kernel;
        let (s, p) = (self.stride as isize, self.padding as isize);
        for o in 0..self.outputs {
            let dst = &mut out.data[o * oh * ow..(o + 1) * oh * ow];
            dst.fill(self.bias.get(o).copied().unwrap_or(0.0));
            for i in 0..self.inputs.min(x.channels) {
                let src = x.plane(i);
                let w = &self.weights[(i * self.outputs + o) * k * k..][..k * k];
                for ky in 0..k {
                    for kx in 0..k {
                        let wv = w[ky * k + kx];
                        for y in 0..x.height {
                            let dy = y as isize * s + ky as isize - p;
                            if dy < 0 || dy >= oh as isize {
                                continue;
                            }
                            let row = &src[y * x.width..][..x.width];
                            let drow = &mut dst[dy as usize * ow..][..ow];
                            for (xi, &v) in row.iter().enumerate() {
                                let dx = xi as isize * s + kx as isize - p;
                                if dx >= 0 && dx < ow as isize {
                                    drow[dx as usize] += wv * v;
                                }
                            }
                        }
                    }
                }
            }
        }
        out
    }
}

/// Simplified GDN across channels: `x / (β + γ·|x|)`, or with `inverse`
/// `x · (β + γ·|x|)`. `gamma` is `[out][in]` (already non-negative), `beta` `[channels]`
/// (already positive).
#[derive(Debug, Clone, PartialEq)]
pub struct GdnLite {
    /// `[channels][channels]`.
    pub gamma: Vec<f32>,
    /// `[channels]`.
    pub beta: Vec<f32>,
    /// Multiply instead of divide.
    pub inverse: bool,
}

impl GdnLite {
    /// Applies the normalization in place.
    pub fn forward(&self, x: &mut Planes) {
        let c = x.channels;
        let n = x.height * x.width;
        let mut norm = vec![0.0f32; c * n];
        for o in 0..c {
            let dst = &mut norm[o * n..(o + 1) * n];
            dst.fill(self.beta.get(o).copied().unwrap_or(1.0));
            for i in 0..c {
                let g = self.gamma.get(o * c + i).copied().unwrap_or(0.0);
                if g == 0.0 {
                    continue;
                }
                for (d, &v) in dst.iter_mut().zip(&x.data[i * n..(i + 1) * n]) {
                    *d += g * v.abs();
                }
            }
        }
        for (v, &d) in x.data.iter_mut().zip(&norm) {
            if self.inverse {
                *v *= d;
            } else {
                *v /= d;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(n: usize, k: usize) -> Vec<f32> {
        (0..n).map(|i| ((i * k) % 17) as f32 / 8.0 - 1.0).collect()
    }

    /// The textbook definition, one output value at a time.
    fn naive_conv(c: &Conv2d, x: &Planes) -> Planes {
        let (oh, ow) = (c.output_len(x.height), c.output_len(x.width));
        let mut out = Planes::zeros(c.outputs, oh, ow);
        for o in 0..c.outputs {
            for y in 0..oh {
                for xo in 0..ow {
                    let mut acc = c.bias[o];
                    for i in 0..c.inputs {
                        for ky in 0..c.kernel {
                            for kx in 0..c.kernel {
                                let sy = (y * c.stride + ky) as isize - c.padding as isize;
                                let sx = (xo * c.stride + kx) as isize - c.padding as isize;
                                if sy >= 0
                                    && sx >= 0
                                    && (sy as usize) < x.height
                                    && (sx as usize) < x.width
                                {
                                    acc += c.weights
                                        [((o * c.inputs + i) * c.kernel + ky) * c.kernel + kx]
                                        * x.data
                                            [(i * x.height + sy as usize) * x.width + sx as usize];
                                }
                            }
                        }
                    }
                    out.data[(o * oh + y) * ow + xo] = acc;
                }
            }
        }
        out
    }

    #[test]
    fn convolution_matches_the_definition() {
        let conv = Conv2d {
            inputs: 2,
            outputs: 3,
            kernel: 5,
            stride: 2,
            padding: 2,
            weights: ramp(3 * 2 * 25, 7),
            bias: vec![0.5, -0.25, 0.0],
        };
        let x = Planes {
            channels: 2,
            height: 9,
            width: 12,
            data: ramp(2 * 9 * 12, 5),
        };
        let fast = conv.forward(&x);
        let slow = naive_conv(&conv, &x);
        assert_eq!((fast.height, fast.width), (5, 6));
        for (a, b) in fast.data.iter().zip(&slow.data) {
            assert!((a - b).abs() < 1e-4, "{a} {b}");
        }
    }

    #[test]
    fn transposed_convolution_is_the_adjoint() {
        // <conv(x), y> == <x, conv_t(y)> when the transposed layer uses the same weights
        // (re-laid out) and no bias.
        let (ci, co, k) = (2, 3, 5);
        let w = ramp(co * ci * k * k, 11);
        let conv = Conv2d {
            inputs: ci,
            outputs: co,
            kernel: k,
            stride: 2,
            padding: 2,
            weights: w.clone(),
            bias: vec![0.0; co],
        };
        let mut wt = vec![0.0; w.len()];
        for o in 0..co {
            for i in 0..ci {
                for t in 0..k * k {
                    wt[(o * ci + i) * k * k + t] = w[(o * ci + i) * k * k + t];
                }
            }
        }
        // Transposed layer: inputs = co, outputs = ci, weights [co][ci][k][k] = conv's.
        let deconv = ConvTranspose2d {
            inputs: co,
            outputs: ci,
            kernel: k,
            stride: 2,
            padding: 2,
            output_padding: 1,
            weights: wt,
            bias: vec![0.0; ci],
        };
        let x = Planes {
            channels: ci,
            height: 8,
            width: 10,
            data: ramp(ci * 80, 3),
        };
        let y_shape = (conv.output_len(8), conv.output_len(10));
        assert_eq!(y_shape, (4, 5));
        assert_eq!((deconv.output_len(4), deconv.output_len(5)), (8, 10));
        let y = Planes {
            channels: co,
            height: 4,
            width: 5,
            data: ramp(co * 20, 13),
        };
        let lhs: f32 = conv
            .forward(&x)
            .data
            .iter()
            .zip(&y.data)
            .map(|(a, b)| a * b)
            .sum();
        let rhs: f32 = x
            .data
            .iter()
            .zip(&deconv.forward(&y).data)
            .map(|(a, b)| a * b)
            .sum();
        assert!((lhs - rhs).abs() < 1e-3 * lhs.abs().max(1.0), "{lhs} {rhs}");
    }

    #[test]
    fn gdn_and_its_inverse_undo_each_other_for_diagonal_gamma() {
        let gdn = GdnLite {
            gamma: vec![0.5, 0.0, 0.0, 0.25],
            beta: vec![1.0, 2.0],
            inverse: false,
        };
        let mut x = Planes {
            channels: 2,
            height: 1,
            width: 3,
            data: vec![1.0, -2.0, 0.0, 4.0, 0.5, -1.0],
        };
        gdn.forward(&mut x);
        assert!((x.data[0] - 1.0 / 1.5).abs() < 1e-6);
        assert!((x.data[3] - 4.0 / 3.0).abs() < 1e-6);
    }
}
