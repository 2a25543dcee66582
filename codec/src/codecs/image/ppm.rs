//! The raw image the `image` codec takes and gives back: a binary PPM (`P6`, RGB) or PGM
//! (`P5`, gray) with 8-bit samples, in canonical form (`P6\n{width} {height}\n255\n`
//! followed by the pixels, row by row). Canonical headers make the decoded content as long
//! as the original, so the container's length checks hold for a lossy codec too.

use crate::Error;

/// Largest side accepted (the codec's latents are 1/16 of it; the frame holds at most
/// 256 MiB of raw content anyway).
pub const MAX_SIDE: u32 = 1 << 16;

/// An 8-bit image with 1 (gray) or 3 (RGB) interleaved channels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawImage {
    /// Columns.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// 1 (gray) or 3 (RGB).
    pub channels: u8,
    /// `width * height * channels` samples, row-major, channels interleaved.
    pub pixels: Vec<u8>,
}

impl RawImage {
    /// An image from its parts; fails if the sizes do not agree.
    ///
    /// ```
    /// use ncodec::codecs::image::RawImage;
    /// let img = RawImage::new(2, 1, 3, vec![255, 0, 0, 0, 0, 255])?;
    /// assert_eq!(RawImage::from_ppm(&img.to_ppm())?, img);
    /// # Ok::<(), ncodec::Error>(())
    /// ```
    pub fn new(width: u32, height: u32, channels: u8, pixels: Vec<u8>) -> Result<Self, Error> {
        if channels != 1 && channels != 3 {
            return Err(Error::InvalidOption(format!(
                "images must have 1 (gray) or 3 (RGB) channels, not {channels}"
            )));
        }
        if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
            return Err(Error::InvalidOption(format!(
                "image size {width}x{height} is out of range (1 to {MAX_SIDE} pixels a side)"
            )));
        }
        let expected = width as usize * height as usize * usize::from(channels);
        if pixels.len() != expected {
            return Err(Error::InvalidOption(format!(
                "a {width}x{height} image with {channels} channels has {expected} samples, not {}",
                pixels.len()
            )));
        }
        Ok(Self {
            width,
            height,
            channels,
            pixels,
        })
    }

    /// The canonical PPM/PGM header of an image of this shape.
    pub fn header(width: u32, height: u32, channels: u8) -> String {
        let magic = if channels == 1 { "P5" } else { "P6" };
        format!("{magic}\n{width} {height}\n255\n")
    }

    /// Serialises as a canonical binary PPM (RGB) or PGM (gray).
    pub fn to_ppm(&self) -> Vec<u8> {
        let header = Self::header(self.width, self.height, self.channels);
        let mut out = Vec::with_capacity(header.len() + self.pixels.len());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(&self.pixels);
        out
    }

    /// Parses a canonical binary PPM/PGM (as written by [`to_ppm`](Self::to_ppm)).
    ///
    /// Other spellings of the header (comments, other whitespace, maxval other than 255)
    /// are refused: decode them with an image library and pass the pixels to
    /// [`RawImage::new`].
    pub fn from_ppm(bytes: &[u8]) -> Result<Self, Error> {
        let bad = |why: &str| {
            Error::InvalidOption(format!(
                "not a canonical binary PPM/PGM image ({why}); the image codec takes \
                 `P6\\n<width> <height>\\n255\\n` + RGB bytes (the ncodec CLI converts PNG/JPEG)"
            ))
        };
        let channels = match bytes.get(..3) {
            Some(b"P6\n") => 3,
            Some(b"P5\n") => 1,
            _ => return Err(bad("no P6/P5 magic")),
        };
        let rest = &bytes[3..];
        let line_end = rest
            .iter()
            .take(32)
            .position(|&b| b == b'\n')
            .ok_or_else(|| bad("no size line"))?;
        let line = std::str::from_utf8(&rest[..line_end]).map_err(|_| bad("size line"))?;
        let (w, h) = line.split_once(' ').ok_or_else(|| bad("size line"))?;
        let parse = |s: &str| -> Result<u32, Error> {
            if s.is_empty() || (s.len() > 1 && s.starts_with('0')) {
                return Err(bad("size line"));
            }
            s.parse::<u32>().map_err(|_| bad("size line"))
        };
        let (width, height) = (parse(w)?, parse(h)?);
        let body = &rest[line_end + 1..];
        let pixels = body
            .strip_prefix(b"255\n")
            .ok_or_else(|| bad("maxval must be 255"))?;
        Self::new(width, height, channels, pixels.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_rgb_and_gray() {
        for channels in [1u8, 3] {
            let pixels = (0..5 * 3 * usize::from(channels))
                .map(|i| i as u8)
                .collect();
            let img = RawImage::new(5, 3, channels, pixels).unwrap();
            let ppm = img.to_ppm();
            assert_eq!(RawImage::from_ppm(&ppm).unwrap(), img);
        }
    }

    #[test]
    fn refuses_non_canonical_and_wrong_sizes() {
        for bad in [
            &b""[..],
            b"P6",
            b"P6\n2 1\n255\n\x00\x00\x00",
            b"P6\n02 1\n255\n\x00\x00\x00\x00\x00\x00",
            b"P6\n2  1\n255\n\x00\x00\x00\x00\x00\x00",
            b"P6\n2 1\n65535\n\x00\x00\x00\x00\x00\x00",
            b"P6\n0 1\n255\n",
            b"P3\n1 1\n255\n0 0 0",
            b"P6\n# comment\n1 1\n255\n\x00\x00\x00",
        ] {
            assert!(RawImage::from_ppm(bad).is_err(), "{bad:?}");
        }
        assert!(RawImage::new(1, 1, 4, vec![0; 4]).is_err());
    }
}
