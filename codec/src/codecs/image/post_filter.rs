//! The per-image restoration filter: small linear filters that the encoder fits to the
//! decoded photo (least squares against the original) and sends in the payload, and that
//! the decoder applies to its output, like the adaptive loop filter of video codecs.
//!
//! Each output channel becomes itself plus a weighted sum of the five pixels of a
//! diamond (centre, up, down, left, right) in every channel, plus a constant: it corrects
//! the colour casts, contrast and blur that a short-trained autoencoder leaves, for about
//! 45 bytes. As in the adaptive loop filter, the pixels are sorted into classes by how
//! busy the image is around them ([`activities`]: summed gradients over a 5×5 window,
//! split at the image's own quartiles, which the payload carries) and each class has its
//! own filter: flat areas want a different correction from edges and texture. On 8 train
//! photos (least-squares fits of the decoded images before the finishing filter, weight
//! bytes counted) four classes saved 2.3–3.6 % more of the bits than one filter, two
//! classes 1.4–2.4 %, six about as much as four; classes by gradient direction too or by
//! the residual layer's energy saved less. The encoder sends a class's filter only when it
//! lowers the level's own rate–distortion loss `bits / pixels + λ · MSE` (MSE on the
//! 0–255 scale) counting its bytes, and the whole filter only when the classes sent pay
//! for the class bounds too.
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

/// Most activity classes a payload may hold (the mask of classes with a filter is a byte).
const MAX_CLASSES: usize = 8;
/// Side of the window that sums the gradients into a pixel's activity.
const WINDOW: usize = 5;

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
    /// The activity bounds between the classes, ascending: a pixel whose activity is above
    /// `k` of them is in class `k`.
    bounds: Vec<u32>,
    /// Per class (`bounds.len() + 1` of them), `channels` rows of [`taps`] weights, or
    /// `None` for a class left as it is.
    classes: Vec<Option<Vec<i64>>>,
}

/// How busy `image` is around each pixel: the absolute differences of the channel sums
/// to the left and above (0 at the image's edges), summed over the [`WINDOW`]² window
/// around the pixel (edges repeated). Integer arithmetic on the 8-bit pixels.
fn activities(image: &RawImage) -> Vec<u32> {
    let (w, h, c) = (
        image.width as usize,
        image.height as usize,
        usize::from(image.channels),
    );
    let sums: Vec<i32> = image
        .pixels
        .chunks_exact(c.max(1))
        .map(|p| p.iter().map(|&v| i32::from(v)).sum())
        .collect();
    let mut gradients = vec![0u32; w * h];
    for y in 0..h {
        for x in 0..w {
            let at = y * w + x;
            let dx = if x > 0 {
                sums[at].abs_diff(sums[at - 1])
            } else {
                0
            };
            let dy = if y > 0 {
                sums[at].abs_diff(sums[at - w])
            } else {
                0
            };
            gradients[at] = dx + dy;
        }
    }
    let r = (WINDOW / 2) as isize;
    let clamp = |v: isize, n: usize| v.clamp(0, n as isize - 1) as usize;
    let mut rows = vec![0u32; w * h];
    for y in 0..h {
        for x in 0..w {
            rows[y * w + x] = (-r..=r)
                .map(|d| gradients[y * w + clamp(x as isize + d, w)])
                .sum();
        }
    }
    let mut out = vec![0u32; w * h];
    for y in 0..h {
        for x in 0..w {
            out[y * w + x] = (-r..=r)
                .map(|d| rows[clamp(y as isize + d, h) * w + x])
                .sum();
        }
    }
    out
}

/// The class of each pixel of activities `activity` under `bounds`.
fn classify(activity: &[u32], bounds: &[u32]) -> Vec<u8> {
    activity
        .iter()
        .map(|&a| bounds.iter().filter(|&&b| a > b).count() as u8)
        .collect()
}

/// The class of each pixel of `image` under `bounds` (all 0 without bounds, where the
/// activities are not needed).
fn pixel_classes(image: &RawImage, bounds: &[u32]) -> Vec<u8> {
    if bounds.is_empty() {
        vec![0; image.width as usize * image.height as usize]
    } else {
        classify(&activities(image), bounds)
    }
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
    pub(crate) fn fit(
        original: &RawImage,
        decoded: &RawImage,
        lambda: f64,
        classes: usize,
    ) -> Option<Self> {
        let count = classes.clamp(1, MAX_CLASSES);
        let channels = usize::from(decoded.channels);
        let n = taps(channels);
        let (bounds, class_of) = if count > 1 {
            let activity = activities(decoded);
            let mut sorted = activity.clone();
            sorted.sort_unstable();
            let bounds: Vec<u32> = (1..count)
                .map(|k| sorted.get(sorted.len() * k / count).copied().unwrap_or(0))
                .collect();
            let class_of = classify(&activity, &bounds);
            (bounds, class_of)
        } else {
            (Vec::new(), pixel_classes(decoded, &[]))
        };
        // Normal equations of the least-squares fit of the residual, per class, one
        // right-hand side per output channel.
        let mut gram = vec![vec![0.0f64; n * n]; count];
        let mut rhs = vec![vec![0.0f64; n * channels]; count];
        let mut f = vec![0i64; n];
        let mut residual = vec![0.0f64; channels];
        let (w, h) = (decoded.width as usize, decoded.height as usize);
        for row in 0..h {
            for col in 0..w {
                features(decoded, row, col, &mut f);
                let class = usize::from(class_of[row * w + col]);
                let (gram, rhs) = (&mut gram[class], &mut rhs[class]);
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
        let classes: Vec<Option<Vec<i64>>> = gram
            .iter_mut()
            .zip(&rhs)
            .map(|(gram, rhs)| {
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
                    let solution = solve(gram, &rhs[ch * n..(ch + 1) * n], n)?;
                    weights.extend(solution.iter().map(|&v| {
                        let scaled = (v * f64::from(1u32 << SHIFT)).round();
                        (scaled as i64).clamp(-MAX_WEIGHT, MAX_WEIGHT)
                    }));
                }
                Some(weights)
            })
            .collect();
        let mut filter = Self {
            channels,
            bounds,
            classes,
        };
        // What each class's filter removes, in squared error.
        let mut filtered = decoded.clone();
        filter.apply_to_classes(&mut filtered, &class_of);
        let mut removed = vec![0.0f64; count];
        for (p, &class) in class_of.iter().enumerate() {
            let at = p * channels..(p + 1) * channels;
            for ((&o, &before), &after) in original.pixels[at.clone()]
                .iter()
                .zip(&decoded.pixels[at.clone()])
                .zip(&filtered.pixels[at])
            {
                let (o, before, after) = (f64::from(o), f64::from(before), f64::from(after));
                removed[usize::from(class)] += (o - before).powi(2) - (o - after).powi(2);
            }
        }
        let samples = decoded.pixels.len().max(1) as f64;
        let pixels = (w * h).max(1) as f64;
        let mut gain = 0.0;
        for (class, removed) in filter.classes.iter_mut().zip(removed) {
            let Some(weights) = class else { continue };
            let bits = weights
                .iter()
                .map(|&w| varint_len(zigzag(w)))
                .sum::<usize>()
                * 8;
            let class_gain = lambda * removed / samples - bits as f64 / pixels;
            if class_gain > 0.0 {
                gain += class_gain;
            } else {
                *class = None;
            }
        }
        let mut header = Vec::new();
        filter.write_bounds(&mut header);
        gain -= (header.len() * 8) as f64 / pixels;
        (gain > 0.0).then_some(filter)
    }

    /// Filters `image` in place (it must have the filter's channel count).
    pub(crate) fn apply(&self, image: &mut RawImage) {
        let class_of = pixel_classes(image, &self.bounds);
        self.apply_to_classes(image, &class_of);
    }

    /// [`apply`](Self::apply) with the pixels' classes `class_of` already known.
    fn apply_to_classes(&self, image: &mut RawImage, class_of: &[u8]) {
        let channels = usize::from(image.channels);
        debug_assert_eq!(channels, self.channels);
        let n = taps(channels);
        let source = image.clone();
        let mut f = vec![0i64; n];
        let (w, h) = (image.width as usize, image.height as usize);
        let max = i64::from(u8::MAX);
        for row in 0..h {
            for col in 0..w {
                let Some(Some(weights)) = self.classes.get(usize::from(class_of[row * w + col]))
                else {
                    continue;
                };
                features(&source, row, col, &mut f);
                let at = (row * w + col) * channels;
                for ch in 0..channels {
                    let row_weights = &weights[ch * n..(ch + 1) * n];
                    let sum: i64 = row_weights.iter().zip(&f).map(|(a, b)| a * b).sum();
                    // Rounded to the nearest integer (halves up): the same on every CPU.
                    let correction = (sum + (1 << (SHIFT - 1))) >> SHIFT;
                    let value = i64::from(source.pixels[at + ch]) + correction;
                    image.pixels[at + ch] = value.clamp(0, max) as u8;
                }
            }
        }
    }

    /// Appends the filter's kind byte (0 = none, else the class count), then its classes
    /// and weights.
    pub(crate) fn write_optional(filter: Option<&Self>, out: &mut Vec<u8>) {
        match filter {
            None => out.push(0),
            Some(filter) => {
                out.push(filter.classes.len() as u8);
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
        match usize::from(kind[0]) {
            0 => Ok(None),
            count @ 1..=MAX_CLASSES => Self::read(reader, channels, count).map(Some),
            _ => Err(Error::CorruptChunk {
                index: 0,
                reason: "unknown image restoration filter kind".into(),
            }),
        }
    }

    /// Appends, for more than one class, the bounds (varints) and the mask of classes with
    /// a filter (u8, bit `k` for class `k`).
    fn write_bounds(&self, out: &mut Vec<u8>) {
        if self.classes.len() < 2 {
            return;
        }
        for &bound in &self.bounds {
            write_varint(u64::from(bound), out);
        }
        let mask = self
            .classes
            .iter()
            .enumerate()
            .filter(|(_, class)| class.is_some())
            .fold(0u8, |mask, (k, _)| mask | 1 << k);
        out.push(mask);
    }

    /// Appends the classes (see [`write_bounds`](Self::write_bounds)), then each filtered
    /// class's weights as zigzag varints.
    fn write(&self, out: &mut Vec<u8>) {
        self.write_bounds(out);
        for weights in self.classes.iter().flatten() {
            for &w in weights {
                write_varint(zigzag(w), out);
            }
        }
    }

    /// Reads a filter of `count` classes (1..=`MAX_CLASSES`) for `channels` channels.
    fn read(reader: &mut SliceReader, channels: usize, count: usize) -> Result<Self, Error> {
        let corrupt = |reason: &str| Error::CorruptChunk {
            index: 0,
            reason: format!("image restoration filter: {reason}"),
        };
        let mut sink = Vec::new();
        let mut bounds = Vec::with_capacity(count - 1);
        for _ in 1..count {
            let bound = read_varint(reader, &mut sink, "image restoration filter")?;
            let bound = u32::try_from(bound).map_err(|_| corrupt("class bound out of range"))?;
            if bounds.last().is_some_and(|&last| bound < last) {
                return Err(corrupt("class bounds out of order"));
            }
            bounds.push(bound);
        }
        // One class has no mask: it has weights.
        let mask = if count > 1 {
            let mut byte = [0u8];
            std::io::Read::read_exact(reader, &mut byte)
                .map_err(|_| Error::Truncated("image restoration filter"))?;
            byte[0]
        } else {
            1
        };
        if count < 8 && mask >> count != 0 {
            return Err(corrupt("a filter for a class that does not exist"));
        }
        let per_class = taps(channels) * channels;
        let mut classes = Vec::with_capacity(count);
        for k in 0..count {
            if mask >> k & 1 == 0 {
                classes.push(None);
                continue;
            }
            let mut weights = Vec::with_capacity(per_class);
            for _ in 0..per_class {
                let v = read_varint(reader, &mut sink, "image restoration filter")?;
                let w = (v >> 1) as i64 ^ -((v & 1) as i64);
                if w.abs() > MAX_WEIGHT {
                    return Err(corrupt("weight out of range"));
                }
                weights.push(w);
            }
            classes.push(Some(weights));
        }
        Ok(Self {
            channels,
            bounds,
            classes,
        })
    }
}

/// A signed weight as the unsigned value its varint holds.
fn zigzag(w: i64) -> u64 {
    ((w << 1) ^ (w >> 63)) as u64
}

/// Bytes of the varint of `v`.
fn varint_len(v: u64) -> usize {
    (64 - v.leading_zeros() as usize).div_ceil(7).max(1)
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

    /// Summed squared difference of two images' samples.
    fn squared_error(a: &RawImage, b: &RawImage) -> u64 {
        a.pixels
            .iter()
            .zip(&b.pixels)
            .map(|(&x, &y)| (i64::from(x) - i64::from(y)).pow(2) as u64)
            .sum()
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
            let se = |a: &RawImage| squared_error(a, &original);
            let filter = PostFilter::fit(&original, &decoded, 0.01, 1).expect("pays off");
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
    fn busy_and_flat_areas_get_their_own_filters() {
        // Left half flat, right half textured; the decoder's image has a cast of +6 in the
        // flat half and the texture at 70 % contrast: no single filter undoes both, two
        // classes (split at the median activity, flat against busy) do.
        let (w, h) = (96usize, 64usize);
        let mut pixels = Vec::with_capacity(w * h * 3);
        let mut decoded_pixels = Vec::with_capacity(w * h * 3);
        for y in 0..h {
            for x in 0..w {
                for c in 0..3 {
                    let (o, d) = if x < w / 2 {
                        let o = 90 + (c * 10) as i32;
                        (o, o + 6)
                    } else {
                        let o = 128 + 50 * (((x * 7 + y * 13 + c) % 5) as i32 - 2) / 2;
                        (o, 128 + (o - 128) * 7 / 10)
                    };
                    pixels.push(o as u8);
                    decoded_pixels.push(d as u8);
                }
            }
        }
        let original = RawImage::new(w as u32, h as u32, 3, pixels).unwrap();
        let decoded = RawImage::new(w as u32, h as u32, 3, decoded_pixels).unwrap();
        let se = |a: &RawImage| squared_error(a, &original);
        let restored = |classes: usize| {
            let filter = PostFilter::fit(&original, &decoded, 0.01, classes).expect("pays off");
            let mut image = decoded.clone();
            filter.apply(&mut image);
            (filter, se(&image))
        };
        let (_, one) = restored(1);
        let (filter, two) = restored(2);
        assert_eq!(filter.classes.len(), 2);
        assert!(two * 3 < one, "one class {one}, two {two}");
        let mut bytes = Vec::new();
        PostFilter::write_optional(Some(&filter), &mut bytes);
        assert_eq!(bytes[0], 2);
        let read = PostFilter::read_optional(&mut SliceReader::new(&bytes), 3).unwrap();
        assert_eq!(read, Some(filter));
        for cut in 0..bytes.len() {
            assert!(PostFilter::read_optional(&mut SliceReader::new(&bytes[..cut]), 3).is_err());
        }
        // Bounds out of order, and a filter for a fifth class of four, are refused.
        let mut disordered = vec![2];
        write_varint(9, &mut disordered);
        disordered.push(0);
        assert!(PostFilter::read_optional(&mut SliceReader::new(&disordered), 3).is_ok());
        let mut disordered = vec![3];
        write_varint(9, &mut disordered);
        write_varint(8, &mut disordered);
        disordered.push(0);
        assert!(PostFilter::read_optional(&mut SliceReader::new(&disordered), 3).is_err());
        let mut mask = vec![4, 1, 2, 3];
        mask.push(1 << 4);
        assert!(PostFilter::read_optional(&mut SliceReader::new(&mask), 3).is_err());
    }

    #[test]
    fn a_perfect_or_tiny_image_gets_no_filter() {
        let original = pattern(40, 30, 3);
        assert_eq!(PostFilter::fit(&original, &original, 0.02, 4), None);
        let one = pattern(1, 1, 3);
        let mut off = one.clone();
        off.pixels[0] = off.pixels[0].wrapping_add(9);
        assert_eq!(PostFilter::fit(&one, &off, 0.02, 4), None);
    }

    #[test]
    fn no_filter_unknown_kinds_and_out_of_range_weights() {
        let mut bytes = Vec::new();
        PostFilter::write_optional(None, &mut bytes);
        assert_eq!(bytes, [0]);
        let read = PostFilter::read_optional(&mut SliceReader::new(&bytes), 3).unwrap();
        assert_eq!(read, None);
        assert!(PostFilter::read_optional(&mut SliceReader::new(&[9]), 3).is_err());
        let mut bytes = vec![1];
        write_varint(((MAX_WEIGHT + 1) << 1) as u64, &mut bytes);
        assert!(PostFilter::read_optional(&mut SliceReader::new(&bytes), 1).is_err());
    }
}
