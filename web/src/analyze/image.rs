//! Photos: every contender of `ncodec eval image` at the page's settings, with the
//! coded file and the decoded photo (as PNG) of each, and single re-encodes for the
//! quality slider.

use std::io::Cursor;

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::RgbImage;
use ncodec_evals::images::{
    code_image, ncodec_level_count, plan_image_eval, ImageBaseline, ImageContender,
    ImageEvalOptions,
};

use super::{coding_row, stem, Offered};
use crate::detect::DetectError;
use crate::jobs::{Job, ResultRow, Source};

/// The quality sweep of JPEG, WebP and AVIF in the page (ncodec runs every level).
pub const QUALITIES: [u8; 5] = [20, 40, 60, 80, 90];

/// ncodec's encoder effort in the page (the fast one).
pub const EFFORT: u8 = 1;

/// What the page measures: `ncodec eval image FILE --qualities 20,40,60,80,90`.
pub fn options() -> ImageEvalOptions {
    ImageEvalOptions {
        qualities: Some(QUALITIES.to_vec()),
        efforts: vec![EFFORT],
        ..ImageEvalOptions::default()
    }
}

pub(super) fn run(job: &Job, input: &[u8]) -> Result<(), String> {
    let decoded = image::load_from_memory(input).map_err(|e| {
        DetectError::NotAnImage {
            name: job.name.clone(),
            reason: e.to_string(),
        }
        .to_string()
    })?;
    let had_alpha = decoded.color().has_alpha();
    let photo = decoded.to_rgb8();
    drop(decoded);
    let (plan, unavailable) = plan_image_eval(&options()).map_err(|e| e.to_string())?;
    job.add_file(
        "original.png",
        &png_bytes(&photo)?,
        "image/png",
        format!("{}.png", stem(&job.name)),
    )?;
    let slider: Vec<serde_json::Value> = plan
        .iter()
        .filter_map(|(contender, _)| slider_range(contender))
        .map(|(name, min, max)| serde_json::json!({ "contender": name, "min": min, "max": max }))
        .collect();
    job.update(|s| {
        s.info = serde_json::json!({
            "width": photo.width(),
            "height": photo.height(),
            "alpha_dropped": had_alpha,
            "original": "original.png",
            "slider": slider,
            "same_as": format!(
                "ncodec eval image FILE --qualities {}",
                QUALITIES.map(|q| q.to_string()).join(",")
            ),
        });
        s.total = plan.iter().map(|(_, settings)| settings.len()).sum();
        s.unavailable = unavailable;
    });
    job.set_source(Source::Image(photo));
    let Some(Source::Image(photo)) = job.source() else {
        return Err("the photo was not kept".into());
    };
    super::run_plan(
        job,
        &plan,
        |contender, setting| format!("{} {}", contender.name(), contender.setting_label(setting)),
        |contender, setting| code(job, contender, setting, photo),
    );
    Ok(())
}

/// Codes the job's photo with `contender` at `setting` (for the quality slider): the
/// row, also added to the job's results unless it is there already.
pub fn recode(job: &Job, contender: &str, setting: u32) -> Result<ResultRow, String> {
    let Some(Source::Image(photo)) = job.source() else {
        return Err("this job holds no photo to re-encode (yet)".into());
    };
    let contender = parse_contender(contender)?;
    let (name, min, max) = slider_range(&contender)
        .ok_or_else(|| format!("{} has no quality setting", contender.name()))?;
    if setting < u32::from(min) || setting > u32::from(max) {
        return Err(format!(
            "{name} takes settings {min} to {max}, not {setting}"
        ));
    }
    let setting = setting as u8;
    if let Some(row) = job.update(|s| {
        s.results
            .iter()
            .find(|r| r.contender == name && r.setting == u32::from(setting))
            .cloned()
    }) {
        return Ok(row);
    }
    let row = code(job, &contender, setting, photo);
    job.push_extra(row.clone());
    Ok(row)
}

/// `ncodec-e1`, `jpeg`, `webp`, `avif` or `png`.
fn parse_contender(name: &str) -> Result<ImageContender, String> {
    if let Some(effort) = name.strip_prefix("ncodec-e") {
        let effort: u8 = effort
            .parse()
            .map_err(|_| format!("no contender `{name}`"))?;
        return Ok(ImageContender::Ncodec { effort });
    }
    ImageBaseline::from_name(name)
        .map(ImageContender::Baseline)
        .ok_or_else(|| format!("no image contender `{name}` (ncodec-e1, jpeg, webp, avif)"))
}

/// The quality slider's range for `contender`: its name, lowest and highest setting.
fn slider_range(contender: &ImageContender) -> Option<(String, u8, u8)> {
    let name = contender.name();
    match contender {
        ImageContender::Ncodec { effort } if *effort == EFFORT => {
            ncodec_level_count().ok().map(|levels| (name, 1, levels))
        }
        ImageContender::Ncodec { .. } | ImageContender::NcodecLossless => None,
        ImageContender::Baseline(ImageBaseline::Png) => None,
        ImageContender::Baseline(ImageBaseline::Webp) => Some((name, 0, 100)),
        ImageContender::Baseline(_) => Some((name, 1, 100)),
    }
}

fn code(job: &Job, contender: &ImageContender, setting: u8, photo: &RgbImage) -> ResultRow {
    let coded = code_image(contender, setting, &job.name, photo);
    let outputs = match (coded.file, coded.decoded) {
        (Some(file), Some(decoded)) => Some((
            Offered {
                bytes: file,
                ext: extension(contender),
                content_type: content_type(contender),
            },
            move || {
                Ok(Offered {
                    bytes: png_bytes(&decoded)?,
                    ext: "png",
                    content_type: "image/png",
                })
            },
        )),
        _ => None,
    };
    let id = (
        contender.name(),
        u32::from(setting),
        contender.setting_label(setting),
    );
    coding_row(job, id, &coded.point, coded.point.error.clone(), outputs)
}

fn extension(contender: &ImageContender) -> &'static str {
    match contender {
        ImageContender::Ncodec { .. } | ImageContender::NcodecLossless => "ncz",
        ImageContender::Baseline(ImageBaseline::Jpeg) => "jpg",
        ImageContender::Baseline(ImageBaseline::Webp) => "webp",
        ImageContender::Baseline(ImageBaseline::Avif) => "avif",
        ImageContender::Baseline(ImageBaseline::Png) => "png",
    }
}

fn content_type(contender: &ImageContender) -> &'static str {
    match contender {
        ImageContender::Ncodec { .. } | ImageContender::NcodecLossless => {
            "application/octet-stream"
        }
        ImageContender::Baseline(ImageBaseline::Jpeg) => "image/jpeg",
        ImageContender::Baseline(ImageBaseline::Webp) => "image/webp",
        ImageContender::Baseline(ImageBaseline::Avif) => "image/avif",
        ImageContender::Baseline(ImageBaseline::Png) => "image/png",
    }
}

/// A quickly written PNG of `photo` (for showing it; sizes are never taken from it).
fn png_bytes(photo: &RgbImage) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    photo
        .write_with_encoder(PngEncoder::new_with_quality(
            Cursor::new(&mut out),
            CompressionType::Fast,
            FilterType::Adaptive,
        ))
        .map_err(|e| format!("cannot write a PNG: {e}"))?;
    Ok(out)
}
