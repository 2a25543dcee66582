//! Photo folders for training and evaluating the image codecs (`../shared/data/image.sh`
//! builds `train/` and `valid/` of JPEG and PNG photos): decoding to 8-bit RGB, taming
//! very large wallpapers, and random or fixed crops as planar float batches.

use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use image::RgbImage;

/// The file extensions (lower case) of the photo formats the tools decode through the
/// `image` crate: what names the CLI and the web page treat as photos.
pub const IMAGE_EXTENSIONS: [&str; 10] = [
    "png", "jpg", "jpeg", "webp", "bmp", "tif", "tiff", "ppm", "pgm", "pnm",
];

/// Whether `path` has one of the [`IMAGE_EXTENSIONS`] (in any case).
///
/// ```
/// use std::path::Path;
/// use ncodec_datasets::images::has_image_extension;
/// assert!(has_image_extension(Path::new("cat.JPG")));
/// assert!(!has_image_extension(Path::new("talk.flac")));
/// ```
pub fn has_image_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Images whose shorter side exceeds this are downscaled to it when loaded (large
/// wallpapers; downscaling also removes their demosaicing and JPEG noise).
pub const MAX_SHORT_SIDE: u32 = 768;

/// The decoded photos of one folder.
pub struct ImageSet {
    /// File names, in sorted order.
    pub names: Vec<String>,
    /// The photos, 8-bit RGB.
    pub images: Vec<RgbImage>,
}

/// A deterministic xorshift64* generator for crop positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CropRng(pub u64);

impl CropRng {
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (0 for `n == 0`).
    pub fn below(&mut self, n: u32) -> u32 {
        (self.next_u64() % u64::from(n.max(1))) as u32
    }
}

impl ImageSet {
    /// Decodes every `.jpg`, `.jpeg` and `.png` file of `dir` (not recursive), in name
    /// order; images smaller than `min_side` on either side are skipped, larger ones
    /// than [`MAX_SHORT_SIDE`] are downscaled.
    pub fn load(dir: &Path, min_side: u32) -> std::io::Result<Self> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    matches!(e.to_ascii_lowercase().as_str(), "jpg" | "jpeg" | "png")
                })
            })
            .collect();
        paths.sort();
        let mut names = Vec::new();
        let mut images = Vec::new();
        for path in paths {
            let img = image::open(&path).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}: {e}", path.display()),
                )
            })?;
            let mut rgb = img.to_rgb8();
            let short = rgb.width().min(rgb.height());
            if short > MAX_SHORT_SIDE {
                let scale = f64::from(MAX_SHORT_SIDE) / f64::from(short);
                let w = (f64::from(rgb.width()) * scale).round() as u32;
                let h = (f64::from(rgb.height()) * scale).round() as u32;
                rgb = image::imageops::resize(&rgb, w, h, FilterType::Triangle);
            }
            if rgb.width() < min_side || rgb.height() < min_side {
                continue;
            }
            names.push(
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            images.push(rgb);
        }
        if images.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "no photos of at least {min_side} pixels in {} (build them with ../shared/data/image.sh)",
                    dir.display()
                ),
            ));
        }
        Ok(Self { names, images })
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.images.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }

    /// A batch of `count` random `size`×`size` crops (random image, position and
    /// horizontal flip), as planar RGB floats in `[0, 1]`: `count × 3 × size × size`
    /// values.
    pub fn random_crops(&self, rng: &mut CropRng, count: usize, size: u32) -> Vec<f32> {
        let mut out = Vec::with_capacity(count * 3 * (size * size) as usize);
        for _ in 0..count {
            let img = &self.images[rng.below(self.images.len() as u32) as usize];
            let x0 = rng.below(img.width().saturating_sub(size) + 1);
            let y0 = rng.below(img.height().saturating_sub(size) + 1);
            let flip = rng.below(2) == 1;
            push_crop(img, x0, y0, size, flip, &mut out);
        }
        out
    }

    /// The centre `size`×`size` crop of each of the first `count` images (planar RGB in
    /// `[0, 1]`), for a fixed validation batch.
    pub fn center_crops(&self, count: usize, size: u32) -> Vec<f32> {
        let mut out = Vec::new();
        for img in self.images.iter().take(count) {
            let x0 = img.width().saturating_sub(size) / 2;
            let y0 = img.height().saturating_sub(size) / 2;
            push_crop(img, x0, y0, size, false, &mut out);
        }
        out
    }
}

impl ImageSet {
    /// The centre `size`×`size` crops of the first `count` images, as images (for
    /// classical codecs run on the same pixels as [`center_crops`](Self::center_crops)).
    pub fn center_crop_images(&self, count: usize, size: u32) -> Vec<RgbImage> {
        self.images
            .iter()
            .take(count)
            .map(|img| {
                let x0 = img.width().saturating_sub(size) / 2;
                let y0 = img.height().saturating_sub(size) / 2;
                image::imageops::crop_imm(
                    img,
                    x0,
                    y0,
                    size.min(img.width()),
                    size.min(img.height()),
                )
                .to_image()
            })
            .collect()
    }
}

/// Appends the planar crop at `(x0, y0)` (edge pixels repeat where the image is smaller).
fn push_crop(img: &RgbImage, x0: u32, y0: u32, size: u32, flip: bool, out: &mut Vec<f32>) {
    for c in 0..3 {
        for y in 0..size {
            let yy = (y0 + y).min(img.height() - 1);
            for x in 0..size {
                let xs = if flip { size - 1 - x } else { x };
                let xx = (x0 + xs).min(img.width() - 1);
                out.push(f32::from(img.get_pixel(xx, yy)[c]) / 255.0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_png(dir: &Path, name: &str, w: u32, h: u32) {
        let img = RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, (x ^ y) as u8]));
        img.save(dir.join(name)).unwrap();
    }

    #[test]
    fn loads_crops_and_skips_small_images() {
        let dir = tempfile_dir();
        write_png(&dir, "a.png", 40, 30);
        write_png(&dir, "b.png", 8, 8);
        std::fs::write(dir.join("notes.txt"), b"not an image").unwrap();
        let set = ImageSet::load(&dir, 16).unwrap();
        assert_eq!(set.names, ["a.png"]);
        let mut rng = CropRng(7);
        let batch = set.random_crops(&mut rng, 3, 16);
        assert_eq!(batch.len(), 3 * 3 * 16 * 16);
        assert!(batch.iter().all(|v| (0.0..=1.0).contains(v)));
        let center = set.center_crops(5, 16);
        assert_eq!(center.len(), 3 * 16 * 16);
        // Red channel of the centre crop's first pixel is x0 = (40 - 16) / 2.
        assert_eq!(center[0], 12.0 / 255.0);
        assert!(ImageSet::load(&dir, 100).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ncodec-images-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
