//! Image files in and out of the `image` (lossy) and `limg` (lossless) codecs: decoding
//! PNG/JPEG/… into the raw PPM the codecs take, and writing their output in the format the
//! output name asks for.

use std::io::Cursor;
use std::path::Path;

use anyhow::{bail, Context, Result};
use image::{DynamicImage, ImageFormat};
use ncodec::codecs::image::RawImage;

/// Decodes an image file (any format the `image` crate reads) into 8-bit gray or RGB.
///
/// Alpha is dropped when fully opaque and refused otherwise; 16-bit and float images
/// are refused: the codec codes 8-bit samples.
pub fn load(bytes: &[u8]) -> Result<RawImage> {
    let decoded = image::load_from_memory(bytes).context(
        "not an image this build can read (PNG, JPEG, PPM/PGM, WebP, BMP, TIFF); \
         --quality/--bpp/--effort and --lossless on a picture are for images",
    )?;
    let (width, height) = (decoded.width(), decoded.height());
    let raw = match decoded {
        DynamicImage::ImageLuma8(img) => RawImage::new(width, height, 1, img.into_raw())?,
        DynamicImage::ImageRgb8(img) => RawImage::new(width, height, 3, img.into_raw())?,
        DynamicImage::ImageLumaA8(img) => {
            if img.pixels().any(|p| p.0[1] != 255) {
                bail!("{}", alpha_message());
            }
            RawImage::new(width, height, 1, img.pixels().map(|p| p.0[0]).collect())?
        }
        DynamicImage::ImageRgba8(img) => {
            if img.pixels().any(|p| p.0[3] != 255) {
                bail!("{}", alpha_message());
            }
            let rgb = img
                .pixels()
                .flat_map(|p| [p.0[0], p.0[1], p.0[2]])
                .collect();
            RawImage::new(width, height, 3, rgb)?
        }
        other => bail!(
            "the image has {:?} samples; the image codecs take 8-bit gray or RGB \
             (convert it to 8 bits, or compress the file as bytes without \
             --quality/--bpp/--lossless)",
            other.color()
        ),
    };
    Ok(raw)
}

fn alpha_message() -> &'static str {
    "the image has transparency; the image codecs code opaque RGB or gray only \
     (flatten it first, or compress the file as bytes without --quality/--bpp/--lossless)"
}

/// Encodes `raw` in the format of `name`'s extension: PPM/PGM for `.ppm`/`.pgm`/`.pnm`,
/// JPEG (quality 95) for `.jpg`/`.jpeg`, WebP lossless, BMP, TIFF, else PNG.
pub fn encode_for(raw: &RawImage, name: Option<&Path>) -> Result<Vec<u8>> {
    let extension = name
        .and_then(|n| n.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if matches!(extension.as_str(), "ppm" | "pgm" | "pnm") {
        return Ok(raw.to_ppm());
    }
    let img = to_dynamic(raw)?;
    let mut out = Cursor::new(Vec::new());
    match extension.as_str() {
        "jpg" | "jpeg" => {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95);
            img.write_with_encoder(encoder)?;
        }
        "webp" => img.write_to(&mut out, ImageFormat::WebP)?,
        "bmp" => img.write_to(&mut out, ImageFormat::Bmp)?,
        "tif" | "tiff" => img.write_to(&mut out, ImageFormat::Tiff)?,
        _ => img.write_to(&mut out, ImageFormat::Png)?,
    }
    Ok(out.into_inner())
}

fn to_dynamic(raw: &RawImage) -> Result<DynamicImage> {
    let pixels = raw.pixels.clone();
    let img = if raw.channels == 1 {
        image::GrayImage::from_raw(raw.width, raw.height, pixels).map(DynamicImage::ImageLuma8)
    } else {
        image::RgbImage::from_raw(raw.width, raw.height, pixels).map(DynamicImage::ImageRgb8)
    };
    img.context("decoded image has an inconsistent size")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_pngs_and_writes_by_extension() {
        let raw = RawImage::new(3, 2, 3, (0..18).map(|i| i * 10).collect()).unwrap();
        let png = encode_for(&raw, Some(Path::new("a.png"))).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        assert_eq!(load(&png).unwrap(), raw);
        assert_eq!(
            encode_for(&raw, Some(Path::new("a.PPM"))).unwrap(),
            raw.to_ppm()
        );
        assert!(encode_for(&raw, Some(Path::new("a.jpg")))
            .unwrap()
            .starts_with(&[0xff, 0xd8]));
        assert!(encode_for(&raw, None).unwrap().starts_with(b"\x89PNG"));
    }

    #[test]
    fn refuses_transparency_and_non_images() {
        let mut rgba = image::RgbaImage::new(2, 2);
        rgba.put_pixel(0, 0, image::Rgba([1, 2, 3, 100]));
        let mut png = Cursor::new(Vec::new());
        rgba.write_to(&mut png, ImageFormat::Png).unwrap();
        let err = load(png.get_ref()).unwrap_err().to_string();
        assert!(err.contains("transparency"), "{err}");
        assert!(load(b"hello").is_err());
    }
}
