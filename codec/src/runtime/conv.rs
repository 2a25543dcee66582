//! Float convolutions for the image codec's analysis and synthesis transforms.
//!
//! These run in plain, sequential f32 arithmetic: they decide pixel values (synthesis)
//! or the latents the encoder chooses to code (analysis), never a probability the
//! decoder must reproduce, so float is allowed here (the latents' probabilities come
//! from integer tables). Tensors are planar `[channels][height][width]`, row-major.

use rayon::prelude::*;

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

    /// Applies the convolution: im2col over bands of output rows, one matrix product per
    /// band, bands in parallel on the current rayon pool (the result does not depend on
    /// the number of threads: bands and their arithmetic are fixed).
    pub fn forward(&self, x: &Planes) -> Planes {
        let (oh, ow) = (self.output_len(x.height), self.output_len(x.width));
        let (k, inputs) = (self.kernel, self.inputs.min(x.channels));
        let depth = inputs * k * k;
        let band_rows = rows_per_band(ow);
        let bands: Vec<(usize, usize)> = (0..oh)
            .step_by(band_rows)
            .map(|r0| (r0, (r0 + band_rows).min(oh)))
            .collect();
        let (s, p) = (self.stride as isize, self.padding as isize);
        let results: Vec<Vec<f32>> = bands
            .par_iter()
            .map(|&(r0, r1)| {
                let n = (r1 - r0) * ow;
                // col[(i, ky, kx)][position]
                let mut col = vec![0.0f32; depth * n];
                for i in 0..inputs {
                    let src = x.plane(i);
                    for ky in 0..k {
                        for kx in 0..k {
                            let row_out = &mut col[((i * k + ky) * k + kx) * n..][..n];
                            for y in r0..r1 {
                                let sy = y as isize * s + ky as isize - p;
                                if sy < 0 || sy >= x.height as isize {
                                    continue;
                                }
                                let src_row = &src[sy as usize * x.width..][..x.width];
                                let dst = &mut row_out[(y - r0) * ow..][..ow];
                                for (xo, d) in dst.iter_mut().enumerate() {
                                    let sx = xo as isize * s + kx as isize - p;
                                    if sx >= 0 && sx < x.width as isize {
                                        *d = src_row[sx as usize];
                                    }
                                }
                            }
                        }
                    }
                }
                let mut out = vec![0.0f32; self.outputs * n];
                for (o, chunk) in out.chunks_mut(n.max(1)).enumerate() {
                    chunk.fill(self.bias.get(o).copied().unwrap_or(0.0));
                }
                // out[O × n] += W[O × depth] · col[depth × n]; W rows are `inputs·k·k`
                // long with the first `depth` used.
                gemm(
                    self.outputs,
                    depth,
                    n,
                    (&self.weights, self.inputs * k * k, 1),
                    (&col, n, 1),
                    &mut out,
                    Output::AddTo,
                );
                out
            })
            .collect();
        let mut out = Planes::zeros(self.outputs, oh, ow);
        for (&(r0, r1), band) in bands.iter().zip(&results) {
            let n = (r1 - r0) * ow;
            for o in 0..self.outputs {
                out.data[(o * oh + r0) * ow..][..n].copy_from_slice(&band[o * n..][..n]);
            }
        }
        out
    }
}

/// Output rows per band: about 4096 positions, at least one row.
fn rows_per_band(width: usize) -> usize {
    (4096 / width.max(1)).max(1)
}

/// How [`gemm`] treats the values already in its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    /// `c += a·b`.
    AddTo,
    /// `c = a·b`, without reading `c`. Fresh zeroed buffers should take this: reading
    /// their untouched pages first maps the shared zero page, and the write that follows
    /// then copies it and flushes every core's TLB, page by page (on a 768×512 decode
    /// with two threads that cost more time than the arithmetic).
    Overwrite,
}

/// `c[m × n] (+)= a[m × k] · b[k × n]` with `(slice, row stride, column stride)`
/// operands, `c` row-major.
fn gemm(
    m: usize,
    k: usize,
    n: usize,
    a: (&[f32], usize, usize),
    b: (&[f32], usize, usize),
    c: &mut [f32],
    output: Output,
) {
    if m == 0 || k == 0 || n == 0 {
        return;
    }
    let a_end = (m - 1) * a.1 + (k - 1) * a.2;
    let b_end = (k - 1) * b.1 + (n - 1) * b.2;
    assert!(
        a_end < a.0.len() && b_end < b.0.len() && c.len() >= m * n,
        "gemm bounds"
    );
    // SAFETY: the asserts above keep every index the strides reach inside the slices,
    // and `c` is exclusively borrowed.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.0.as_ptr(),
            a.1 as isize,
            a.2 as isize,
            b.0.as_ptr(),
            b.1 as isize,
            b.2 as isize,
            if output == Output::AddTo { 1.0 } else { 0.0 },
            c.as_mut_ptr(),
            n as isize,
            1,
        );
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
    /// The adjoint of this layer's linear part: a [`Conv2d`] from its outputs to its
    /// inputs with the same weights (their `[in][out][k][k]` layout is the convolution's
    /// `[out][in][k][k]`) and no bias. Applied to a gradient with respect to this layer's
    /// output, it gives the gradient with respect to its input.
    pub fn adjoint(&self) -> Conv2d {
        Conv2d {
            inputs: self.outputs,
            outputs: self.inputs,
            kernel: self.kernel,
            stride: self.stride,
            padding: self.padding,
            weights: self.weights.clone(),
            bias: vec![0.0; self.inputs],
        }
    }

    /// Output side for an input side.
    pub fn output_len(&self, len: usize) -> usize {
        ((len.max(1) - 1) * self.stride + self.kernel + self.output_padding)
            .saturating_sub(2 * self.padding)
    }

    /// Applies the transposed convolution: for bands of input rows (in parallel), one
    /// matrix product gives every input position's contribution to each output channel
    /// and kernel tap; the contributions are then added into the output band by band, in
    /// a fixed order (so the result does not depend on the number of threads).
    pub fn forward(&self, x: &Planes) -> Planes {
        let (oh, ow) = (self.output_len(x.height), self.output_len(x.width));
        let (k, inputs) = (self.kernel, self.inputs.min(x.channels));
        let taps = self.outputs * k * k;
        let band_rows = rows_per_band(x.width);
        let bands: Vec<(usize, usize)> = (0..x.height)
            .step_by(band_rows)
            .map(|r0| (r0, (r0 + band_rows).min(x.height)))
            .collect();
        let plane = x.height * x.width;
        let contributions: Vec<Vec<f32>> = bands
            .par_iter()
            .map(|&(r0, r1)| {
                let n = (r1 - r0) * x.width;
                let mut cols = vec![0.0f32; taps * n];
                // cols[(o, ky, kx) × n] = Wᵀ[(o, ky, kx) × in] · x[in × band]
                gemm(
                    taps,
                    inputs,
                    n,
                    (&self.weights, 1, taps),
                    (&x.data[r0 * x.width..], plane, 1),
                    &mut cols,
                    Output::Overwrite,
                );
                cols
            })
            .collect();
        let mut out = Planes::zeros(self.outputs, oh, ow);
        for o in 0..self.outputs {
            out.data[o * oh * ow..(o + 1) * oh * ow].fill(self.bias.get(o).copied().unwrap_or(0.0));
        }
        let (s, p) = (self.stride as isize, self.padding as isize);
        // Output channels are independent: scatter them in parallel.
        out.data
            .par_chunks_mut((oh * ow).max(1))
            .enumerate()
            .for_each(|(o, dst)| {
                for (&(r0, r1), cols) in bands.iter().zip(&contributions) {
                    let n = (r1 - r0) * x.width;
                    for ky in 0..k {
                        for kx in 0..k {
                            let col = &cols[((o * k + ky) * k + kx) * n..][..n];
                            for y in r0..r1 {
                                let dy = y as isize * s + ky as isize - p;
                                if dy < 0 || dy >= oh as isize {
                                    continue;
                                }
                                let src = &col[(y - r0) * x.width..][..x.width];
                                let drow = &mut dst[dy as usize * ow..][..ow];
                                for (xi, &v) in src.iter().enumerate() {
                                    let dx = xi as isize * s + kx as isize - p;
                                    if dx >= 0 && dx < ow as isize {
                                        drow[dx as usize] += v;
                                    }
                                }
                            }
                        }
                    }
                }
            });
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

/// Positions per band of [`GdnLite`]'s parallel work.
const GDN_BAND: usize = 4096;

impl GdnLite {
    /// `β + γ·|x|` for the `len` positions from `p0` of `data` (`c` planes of `n` values),
    /// as `c` rows of `len`.
    fn band_norm(&self, data: &[f32], c: usize, n: usize, p0: usize, len: usize) -> Vec<f32> {
        let mut abs = vec![0.0f32; c * len];
        for i in 0..c {
            for (a, &v) in abs[i * len..][..len]
                .iter_mut()
                .zip(&data[i * n + p0..][..len])
            {
                *a = v.abs();
            }
        }
        let mut norm = vec![0.0f32; c * len];
        for o in 0..c {
            norm[o * len..][..len].fill(self.beta.get(o).copied().unwrap_or(1.0));
        }
        gemm(
            c,
            c,
            len,
            (&self.gamma, c, 1),
            (&abs, len, 1),
            &mut norm,
            Output::AddTo,
        );
        norm
    }

    /// The gradient with respect to the input `x` (before [`forward`](Self::forward)) of
    /// a loss whose gradient with respect to the output is `grad`, for the inverse
    /// normalization `y = x · (β + γ·|x|)`: `grad · n + sign(x) · γᵀ(grad · x)`.
    /// (Only the inverse form is needed: the encoder refines latents through synthesis.)
    pub fn backward_inverse(&self, x: &Planes, grad: &Planes) -> Planes {
        let c = x.channels;
        let n = x.height * x.width;
        let mut out = grad.clone();
        if c == 0 || n == 0 || self.gamma.len() < c * c || grad.data.len() != x.data.len() {
            return out;
        }
        let starts: Vec<usize> = (0..n).step_by(GDN_BAND).collect();
        let parts: Vec<Vec<f32>> = starts
            .par_iter()
            .map(|&p0| {
                let len = GDN_BAND.min(n - p0);
                let norm = self.band_norm(&x.data, c, n, p0, len);
                let mut gx = vec![0.0f32; c * len];
                for i in 0..c {
                    let xs = &x.data[i * n + p0..][..len];
                    let gs = &grad.data[i * n + p0..][..len];
                    for ((g, &xv), &gv) in gx[i * len..][..len].iter_mut().zip(xs).zip(gs) {
                        *g = gv * xv;
                    }
                }
                // back[j] = Σ_o γ[o][j] · grad[o] · x[o]
                let mut back = vec![0.0f32; c * len];
                gemm(
                    c,
                    c,
                    len,
                    (&self.gamma, 1, c),
                    (&gx, len, 1),
                    &mut back,
                    Output::Overwrite,
                );
                let mut result = vec![0.0f32; c * len];
                for j in 0..c {
                    for t in 0..len {
                        let xv = x.data[j * n + p0 + t];
                        let sign = if xv > 0.0 {
                            1.0
                        } else if xv < 0.0 {
                            -1.0
                        } else {
                            0.0
                        };
                        result[j * len + t] = grad.data[j * n + p0 + t] * norm[j * len + t]
                            + sign * back[j * len + t];
                    }
                }
                result
            })
            .collect();
        for (&p0, part) in starts.iter().zip(&parts) {
            let len = GDN_BAND.min(n - p0);
            for j in 0..c {
                out.data[j * n + p0..][..len].copy_from_slice(&part[j * len..][..len]);
            }
        }
        out
    }

    /// Applies the normalization in place (bands of positions in parallel).
    pub fn forward(&self, x: &mut Planes) {
        let c = x.channels;
        let n = x.height * x.width;
        if c == 0 || n == 0 || self.gamma.len() < c * c {
            return;
        }
        let starts: Vec<usize> = (0..n).step_by(GDN_BAND).collect();
        let data = &x.data;
        let norms: Vec<Vec<f32>> = starts
            .par_iter()
            .map(|&p0| self.band_norm(data, c, n, p0, GDN_BAND.min(n - p0)))
            .collect();
        for (&p0, norm) in starts.iter().zip(&norms) {
            let len = GDN_BAND.min(n - p0);
            for o in 0..c {
                let values = &mut x.data[o * n + p0..][..len];
                for (v, &d) in values.iter_mut().zip(&norm[o * len..][..len]) {
                    if self.inverse {
                        *v *= d;
                    } else {
                        *v /= d;
                    }
                }
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

    #[test]
    fn gemm_adds_to_its_output_or_overwrites_it_unread() {
        // a = [[1, 2], [3, 4]], b = [[5, 6], [7, 8]]: a·b = [[19, 22], [43, 50]].
        let (a, b) = ([1.0f32, 2.0, 3.0, 4.0], [5.0f32, 6.0, 7.0, 8.0]);
        let mut c = [1.0f32; 4];
        gemm(2, 2, 2, (&a, 2, 1), (&b, 2, 1), &mut c, Output::AddTo);
        assert_eq!(c, [20.0, 23.0, 44.0, 51.0]);
        // NaN would survive any read of the old values (NaN · 0 is NaN).
        let mut c = [f32::NAN; 4];
        gemm(2, 2, 2, (&a, 2, 1), (&b, 2, 1), &mut c, Output::Overwrite);
        assert_eq!(c, [19.0, 22.0, 43.0, 50.0]);
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

    #[test]
    fn gdn_matches_its_formula_with_full_gamma() {
        let c = 3;
        let gdn = GdnLite {
            gamma: ramp(c * c, 5).iter().map(|v| v.abs()).collect(),
            beta: vec![1.0, 0.5, 2.0],
            inverse: false,
        };
        let x = Planes {
            channels: c,
            height: 70,
            width: 90,
            data: ramp(c * 70 * 90, 7),
        };
        let mut fast = x.clone();
        gdn.forward(&mut fast);
        let n = 70 * 90;
        for o in 0..c {
            for p in [0, 1, 4095, 4096, n - 1] {
                let norm: f32 = gdn.beta[o]
                    + (0..c)
                        .map(|i| gdn.gamma[o * c + i] * x.data[i * n + p].abs())
                        .sum::<f32>();
                let want = x.data[o * n + p] / norm;
                assert!((fast.data[o * n + p] - want).abs() < 1e-5);
            }
        }
    }

    #[test]
    fn results_do_not_depend_on_the_thread_count() {
        let conv = Conv2d {
            inputs: 3,
            outputs: 4,
            kernel: 5,
            stride: 2,
            padding: 2,
            weights: ramp(4 * 3 * 25, 7),
            bias: vec![0.1; 4],
        };
        let deconv = ConvTranspose2d {
            inputs: 4,
            outputs: 3,
            kernel: 5,
            stride: 2,
            padding: 2,
            output_padding: 1,
            weights: ramp(4 * 3 * 25, 3),
            bias: vec![-0.1; 3],
        };
        let x = Planes {
            channels: 3,
            height: 160,
            width: 130,
            data: ramp(3 * 160 * 130, 5),
        };
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| deconv.forward(&conv.forward(&x)))
        };
        assert_eq!(run(1), run(3));
    }

    #[test]
    fn inverse_gdn_gradient_matches_finite_differences() {
        let c = 3;
        let gdn = GdnLite {
            gamma: ramp(c * c, 5).iter().map(|v| v.abs()).collect(),
            beta: vec![1.0, 0.5, 2.0],
            inverse: true,
        };
        let x = Planes {
            channels: c,
            height: 2,
            width: 3,
            data: ramp(c * 6, 7),
        };
        let weights = ramp(c * 6, 3);
        let loss = |x: &Planes| -> f64 {
            let mut y = x.clone();
            gdn.forward(&mut y);
            y.data
                .iter()
                .zip(&weights)
                .map(|(a, b)| f64::from(a * b))
                .sum()
        };
        let grad = Planes {
            data: weights.clone(),
            ..x.clone()
        };
        let analytic = gdn.backward_inverse(&x, &grad);
        for k in 0..x.data.len() {
            if x.data[k].abs() < 0.01 {
                continue; // |x| is not differentiable at 0
            }
            let h = 1e-3f32;
            let (mut up, mut down) = (x.clone(), x.clone());
            up.data[k] += h;
            down.data[k] -= h;
            let numeric = (loss(&up) - loss(&down)) / (2.0 * f64::from(h));
            assert!(
                (numeric - f64::from(analytic.data[k])).abs() < 1e-2,
                "{k}: {numeric} vs {}",
                analytic.data[k]
            );
        }
    }

    #[test]
    fn adjoint_of_a_transposed_convolution_gives_its_input_gradient() {
        let deconv = ConvTranspose2d {
            inputs: 2,
            outputs: 3,
            kernel: 5,
            stride: 2,
            padding: 2,
            output_padding: 1,
            weights: ramp(2 * 3 * 25, 11),
            bias: vec![0.3; 3],
        };
        let x = Planes {
            channels: 2,
            height: 3,
            width: 4,
            data: ramp(24, 5),
        };
        let out = deconv.forward(&x);
        let g = Planes {
            data: ramp(out.data.len(), 3),
            ..out.clone()
        };
        let grad = deconv.adjoint().forward(&g);
        assert_eq!((grad.channels, grad.height, grad.width), (2, 3, 4));
        let dot = |a: &Planes| -> f64 {
            a.data
                .iter()
                .zip(&g.data)
                .map(|(p, q)| f64::from(p * q))
                .sum()
        };
        for k in [0, 5, 23] {
            let mut up = x.clone();
            up.data[k] += 1.0;
            let numeric = dot(&deconv.forward(&up)) - dot(&out);
            assert!((numeric - f64::from(grad.data[k])).abs() < 1e-3);
        }
    }
}
