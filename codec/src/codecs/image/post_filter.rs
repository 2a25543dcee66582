//! The per-image restoration filter: a small linear filter that the encoder fits to the
//! decoded photo (least squares against the original) and sends in the payload, and that
//! the decoder applies to its output, like the adaptive loop filter of video codecs.
//!
//! Each output channel becomes itself plus a weighted sum of the five pixels of a
//! diamond (centre, up, down, left, right) in every channel, plus a constant: it corrects
//! the colour casts, contrast and blur that a short-trained autoencoder leaves, for about
//! 45 bytes. The encoder sends it only when it lowers the level's own rate–distortion loss
//! `bits / pixels + λ · MSE` (MSE on the 0–255 scale) counting its own bytes.
//!
//! The filter runs in integer arithmetic on the 8-bit output (weights in 1/256: on 12
//! valid photos 1/1024 cost 40 % more bytes for the same gain, 1/64 lost a fifth of it),
//! so every decoder applies it identically; it only changes pixels, never the parse.

use super::RawImage;
use crate::format::{read_varint, write_varint, SliceReader};
use crate::Error;

/// Weights are integers in units of `2^-SHIFT`.
const SHIFT: u32 = 8;

/// The diamond's pixels `(row, column)` relative to the filtered one.
const OFFSETS: [(i64, i64); 5] = [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)];

/// Largest weight magnitude a payload may hold (32 in real units: far beyond any fit).
const MAX_WEIGHT: i64 = 1 << 13;

/// The value of the constant feature and the offset taken from pixel features, so that
/// every feature spans about ±128 and weight rounding errors stay small.
const MID: i64 = 128;

/// One output channel's weights: `channels × 5` pixel taps, then the constant.
fn taps(channels: usize) -> usize {
    channels * OFFSETS.len() + 1
}

/// A restoration filter for images of `channels` channels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PostFilter {
    channels: usize,
    /// `channels` rows of [`taps`] weights.
    weights: Vec<i64>,
}

/// The features of pixel `(row, col)`: each channel's diamond (edges repeated) minus
/// [`MID`], then [`MID`].
fn features(image: &RawImage, row: usize, col: usize, out: &mut [i64]) {
    let (w, h, c) = (
        image.width as i64,
        image.height as i64,
        usize::from(image.channels),
    );
    for (k, &(dy, dx)) in OFFSETS.iter().enumerate() {
        let y = (row as i64 + dy).clamp(0, h - 1);
        let x = (col as i64 + dx).clamp(0, w - 1);
        let at = (y * w + x) as usize * c;
        for ch in 0..c {
            out[ch * OFFSETS.len() + k] = i64::from(image.pixels[at + ch]) - MID;
        }
    }
    out[c * OFFSETS.len()] = MID;
}

impl PostFilter {
    /// Fits the filter that brings `decoded` closest to `original` (same shape) and
    /// returns it if it pays for its bytes under `lambda` (see the module docs).
    pub(crate) fn fit(original: &RawImage, decoded: &RawImage, lambda: f64) -> Option<Self> {
        let channels = usize::from(decoded.channels);
        let n = taps(channels);
        // Normal equations of the least-squares fit of the residual, one right-hand side
        // per output channel.
        let mut gram = vec![0.0f64; n * n];
        let mut rhs = vec![0.0f64; n * channels];
        let mut f = vec![0i64; n];
        let mut residual = vec![0.0f64; channels];
        let (w, h) = (decoded.width as usize, decoded.height as usize);
        for row in 0..h {
            for col in 0..w {
                features(decoded, row, col, &mut f);
                let at = (row * w + col) * channels;
                let pixel = at..at + channels;
                for ((r, &a), &b) in residual
                    .iter_mut()
                    .zip(&original.pixels[pixel.clone()])
                    .zip(&decoded.pixels[pixel])
                {
                    *r = f64::from(a) - f64::from(b);
                }
                for i in 0..n {
                    let fi = f[i] as f64;
                    for j in i..n {
                        gram[i * n + j] += fi * f[j] as f64;
                    }
                    for (ch, r) in residual.iter().enumerate() {
                        rhs[ch * n + i] += fi * r;
                    }
                }
            }
        }
        for i in 0..n {
            for j in 0..i {
                gram[i * n + j] = gram[j * n + i];
            }
        }
        let ridge = 1e-6 * (0..n).map(|i| gram[i * n + i]).sum::<f64>() / n as f64 + 1e-9;
        for i in 0..n {
            gram[i * n + i] += ridge;
        }
        let mut weights = Vec::with_capacity(n * channels);
        for ch in 0..channels {
            let solution = solve(&gram, &rhs[ch * n..(ch + 1) * n], n)?;
            weights.extend(solution.iter().map(|&v| {
                let scaled = (v * f64::from(1u32 << SHIFT)).round();
                (scaled as i64).clamp(-MAX_WEIGHT, MAX_WEIGHT)
            }));
        }
        let filter = Self { channels, weights };
        let mut filtered = decoded.clone();
        filter.apply(&mut filtered);
        let samples = decoded.pixels.len().max(1) as f64;
        let mse = |image: &RawImage| {
            let se: f64 = image
                .pixels
                .iter()
                .zip(&original.pixels)
                .map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2))
                .sum();
            se / samples
        };
        let mut bytes = Vec::new();
        filter.write(&mut bytes);
        let pixels = (w * h).max(1) as f64;
        let gain = lambda * (mse(decoded) - mse(&filtered)) - (bytes.len() * 8) as f64 / pixels;
        (gain > 0.0).then_some(filter)
    }

    /// Filters `image` in place (it must have the filter's channel count).
    pub(crate) fn apply(&self, image: &mut RawImage) {
        let channels = usize::from(image.channels);
        debug_assert_eq!(channels, self.channels);
        let n = taps(channels);
        let source = image.clone();
        let mut f = vec![0i64; n];
        let (w, h) = (image.width as usize, image.height as usize);
        let max = i64::from(u8::MAX);
        for row in 0..h {
            for col in 0..w {
                features(&source, row, col, &mut f);
                let at = (row * w + col) * channels;
                for ch in 0..channels {
                    let row_weights = &self.weights[ch * n..(ch + 1) * n];
                    let sum: i64 = row_weights.iter().zip(&f).map(|(a, b)| a * b).sum();
                    // Rounded to the nearest integer (halves up): the same on every CPU.
                    let correction = (sum + (1 << (SHIFT - 1))) >> SHIFT;
                    let value = i64::from(source.pixels[at + ch]) + correction;
                    image.pixels[at + ch] = value.clamp(0, max) as u8;
                }
            }
        }
    }

    /// Appends the filter's kind byte (0 = none, 1 = a filter), then its weights.
    pub(crate) fn write_optional(filter: Option<&Self>, out: &mut Vec<u8>) {
        match filter {
            None => out.push(0),
            Some(filter) => {
                out.push(1);
                filter.write(out);
            }
        }
    }

    /// Reads what [`write_optional`](Self::write_optional) wrote, for an image of
    /// `channels` channels.
    pub(crate) fn read_optional(
        reader: &mut SliceReader,
        channels: usize,
    ) -> Result<Option<Self>, Error> {
        let mut kind = [0u8];
        std::io::Read::read_exact(reader, &mut kind)
            .map_err(|_| Error::Truncated("image restoration filter"))?;
        match kind[0] {
            0 => Ok(None),
            1 => Self::read(reader, channels).map(Some),
            _ => Err(Error::CorruptChunk {
                index: 0,
                reason: "unknown image restoration filter kind".into(),
            }),
        }
    }

    /// Appends the weights as zigzag varints.
    fn write(&self, out: &mut Vec<u8>) {
        for &w in &self.weights {
            write_varint(((w << 1) ^ (w >> 63)) as u64, out);
        }
    }

    /// Reads the weights of a filter for `channels` channels.
    fn read(reader: &mut SliceReader, channels: usize) -> Result<Self, Error> {
        let count = taps(channels) * channels;
        let mut weights = Vec::with_capacity(count);
        let mut sink = Vec::new();
        for _ in 0..count {
            let v = read_varint(reader, &mut sink, "image restoration filter")?;
            let w = (v >> 1) as i64 ^ -((v & 1) as i64);
            if w.abs() > MAX_WEIGHT {
                return Err(Error::CorruptChunk {
                    index: 0,
                    reason: "image restoration filter weight out of range".into(),
                });
            }
            weights.push(w);
        }
        Ok(Self { channels, weights })
    }
}

/// Solves the symmetric positive definite system `a x = b` (`n × n`, row-major) by
/// Cholesky factorisation; `None` if it is not positive definite.
fn solve(a: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0f64; n * n];
    for i in 0..n {
        for j in 0..=i {
            let dot: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = a[i * n + i] - dot;
                if d.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                    return None;
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (a[i * n + j] - dot) / l[j * n + j];
            }
        }
    }
    let mut y = vec![0.0f64; n];
    for i in 0..n {
        let dot: f64 = (0..i).map(|k| l[i * n + k] * y[k]).sum();
        y[i] = (b[i] - dot) / l[i * n + i];
    }
    let mut x = vec![0.0f64; n];
    for i in (0..n).rev() {
        let dot: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
        x[i] = (y[i] - dot) / l[i * n + i];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A smooth test pattern of `channels` channels.
    fn pattern(width: u32, height: u32, channels: u8) -> RawImage {
        let pixels = (0..width * height * u32::from(channels))
            .map(|i| {
                let p = i / u32::from(channels);
                let (x, y, c) = (p % width, p / width, i % u32::from(channels));
                (128.0 + 60.0 * ((x as f32 / 4.0 + c as f32).sin() + (y as f32 / 6.0).cos())) as u8
            })
            .collect();
        RawImage::new(width, height, channels, pixels).unwrap()
    }

    #[test]
    fn a_colour_cast_and_blur_are_undone_and_the_weights_round_trip() {
        for channels in [1u8, 3] {
            let original = pattern(64, 48, channels);
            // Darker by a tenth, a little blurred horizontally, plus a cast on channel 0.
            let mut decoded = original.clone();
            let c = usize::from(channels);
            for row in 0..48usize {
                for col in 0..64usize {
                    for ch in 0..c {
                        let at = (row * 64 + col) * c + ch;
                        let right = (row * 64 + (col + 1).min(63)) * c + ch;
                        let blurred = (u32::from(original.pixels[at])
                            + u32::from(original.pixels[right]))
                            / 2;
                        let cast = if ch == 0 { 7 } else { 0 };
                        decoded.pixels[at] = (blurred * 9 / 10 + cast).min(255) as u8;
                    }
                }
            }
            let se = |a: &RawImage| -> u64 {
                a.pixels
                    .iter()
                    .zip(&original.pixels)
                    .map(|(&x, &y)| (i64::from(x) - i64::from(y)).pow(2) as u64)
                    .sum()
            };
            let filter = PostFilter::fit(&original, &decoded, 0.01).expect("pays off");
            let mut restored = decoded.clone();
            filter.apply(&mut restored);
            assert!(
                se(&restored) * 4 < se(&decoded),
                "{channels} channels: {} -> {}",
                se(&decoded),
                se(&restored)
            );
            let mut bytes = Vec::new();
            PostFilter::write_optional(Some(&filter), &mut bytes);
            let read = PostFilter::read_optional(&mut SliceReader::new(&bytes), c).unwrap();
            assert_eq!(read, Some(filter));
            for cut in 0..bytes.len() {
                let mut reader = SliceReader::new(&bytes[..cut]);
                assert!(PostFilter::read_optional(&mut reader, c).is_err());
            }
        }
    }

    #[test]
    fn a_perfect_or_tiny_image_gets_no_filter() {
        let original = pattern(40, 30, 3);
        assert_eq!(PostFilter::fit(&original, &original, 0.02), None);
        let one = pattern(1, 1, 3);
        let mut off = one.clone();
        off.pixels[0] = off.pixels[0].wrapping_add(9);
        assert_eq!(PostFilter::fit(&one, &off, 0.02), None);
    }

    #[test]
    fn no_filter_unknown_kinds_and_out_of_range_weights() {
        let mut bytes = Vec::new();
        PostFilter::write_optional(None, &mut bytes);
        assert_eq!(bytes, [0]);
        let read = PostFilter::read_optional(&mut SliceReader::new(&bytes), 3).unwrap();
        assert_eq!(read, None);
        assert!(PostFilter::read_optional(&mut SliceReader::new(&[2]), 3).is_err());
        let mut bytes = vec![1];
        write_varint(((MAX_WEIGHT + 1) << 1) as u64, &mut bytes);
        assert!(PostFilter::read_optional(&mut SliceReader::new(&bytes), 1).is_err());
    }
}
