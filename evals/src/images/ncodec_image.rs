//! ncodec's learned lossy codec (`image`) through the library's public API: the photo
//! goes in as a canonical binary PPM, the whole `.ncz` file (header, chunk framing and
//! checksums included) is what is counted, and decoding must give a PPM of the same size.

use image::RgbImage;

use crate::EvalError;

const NAME: &str = "ncodec";

/// The learned codec's quality levels (`1..=count`), or why this build cannot run it.
pub fn ncodec_level_count() -> Result<u8, String> {
    if ncodec::registry::default_registry()
        .by_name("image")
        .is_none()
    {
        return Err("this build of ncodec has no `image` codec".into());
    }
    match ncodec::codecs::image::level_count() {
        0 => Err("the `image` codec ships no quality levels".into()),
        n => Ok(n),
    }
}

/// Compresses `img` with ncodec's `image` codec at `level` and `effort` (one thread):
/// the bytes of the `.ncz` file.
pub fn ncodec_encode(img: &RgbImage, level: u8, effort: u8) -> Result<Vec<u8>, EvalError> {
    let options = ncodec::CompressOptions::default()
        .codec("image")
        .threads(1)
        .params(
            ncodec::EncodeParams::default()
                .quality(level)
                .effort(effort),
        );
    ncodec::compress(&to_ppm(img), &options).map_err(|e| EvalError::ImageCodec {
        codec: NAME,
        reason: e.to_string(),
    })
}

/// Decompresses a `.ncz` file of the `image` codec (one thread) into 8-bit RGB.
pub fn ncodec_decode(ncz: &[u8]) -> Result<RgbImage, EvalError> {
    let options = ncodec::DecompressOptions::default().threads(1);
    let ppm = ncodec::decompress_with(ncz, &options).map_err(|e| EvalError::ImageCodec {
        codec: NAME,
        reason: e.to_string(),
    })?;
    from_ppm(&ppm).map_err(|reason| EvalError::ImageCodec {
        codec: NAME,
        reason: format!("decoded content is not a PPM: {reason}"),
    })
}

/// The canonical binary PPM of `img`: `P6\n{w} {h}\n255\n` and the RGB bytes.
pub(crate) fn to_ppm(img: &RgbImage) -> Vec<u8> {
    let mut out = format!("P6\n{} {}\n255\n", img.width(), img.height()).into_bytes();
    out.extend_from_slice(img.as_raw());
    out
}

/// Parses a binary PPM (`P6`) or PGM (`P5`, expanded to gray RGB) with maxval 255 and
/// single whitespace separators (no comments), as the codec writes them.
pub(crate) fn from_ppm(bytes: &[u8]) -> Result<RgbImage, String> {
    let mut fields = Vec::with_capacity(4);
    let mut pos = 0;
    while fields.len() < 4 {
        let start = pos;
        while pos < bytes.len() && !bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos == start || pos >= bytes.len() {
            return Err("truncated header".into());
        }
        fields.push(std::str::from_utf8(&bytes[start..pos]).map_err(|_| "bad header")?);
        pos += 1; // the single whitespace byte
    }
    let channels = match fields[0] {
        "P6" => 3,
        "P5" => 1,
        other => return Err(format!("magic {other:?}")),
    };
    let number = |s: &str| s.parse::<u32>().map_err(|_| format!("bad number {s:?}"));
    let (w, h, max) = (number(fields[1])?, number(fields[2])?, number(fields[3])?);
    if max != 255 {
        return Err(format!("maxval {max}"));
    }
    let body = &bytes[pos..];
    let expected = u64::from(w) * u64::from(h) * channels;
    if body.len() as u64 != expected {
        return Err(format!("{} pixel bytes for {w}x{h}", body.len()));
    }
    let rgb = if channels == 3 {
        body.to_vec()
    } else {
        body.iter().flat_map(|&v| [v, v, v]).collect()
    };
    RgbImage::from_raw(w, h, rgb).ok_or_else(|| "size mismatch".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ppm_round_trip_and_gray_expansion() {
        let img = RgbImage::from_fn(5, 3, |x, y| image::Rgb([x as u8, y as u8, 7]));
        let ppm = to_ppm(&img);
        assert!(ppm.starts_with(b"P6\n5 3\n255\n"));
        assert_eq!(from_ppm(&ppm).expect("parses"), img);
        let pgm = [b"P5\n2 1\n255\n".as_slice(), &[9, 200]].concat();
        let gray = from_ppm(&pgm).expect("parses");
        assert_eq!(gray.as_raw(), &[9, 9, 9, 200, 200, 200]);
        for bad in [&b"P6\n5 3\n255\n"[..], b"P6\n5", b"P3\n1 1\n255\n123", b""] {
            assert!(from_ppm(bad).is_err());
        }
        assert!(from_ppm(&ppm[..ppm.len() - 1]).is_err());
    }
}
