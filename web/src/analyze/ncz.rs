//! A `.ncz` file: its header described, its content decoded (checksums verified) and
//! offered for download, and shown when it is a photo or a sound.

use std::time::Instant;

use super::stem;
use crate::jobs::{Job, ResultRow};

pub(super) fn run(job: &Job, input: &[u8]) -> Result<(), String> {
    let damaged = |e: ncodec::Error| {
        format!(
            "`{}` is a damaged or truncated .ncz file: {e}. Nothing was decoded; compress the original again",
            job.name
        )
    };
    let frame = ncodec::inspect(input).map_err(damaged)?;
    let codec = ncodec::registry::default_registry()
        .by_id(frame.header.codec)
        .map_or_else(
            || format!("codec {}", frame.header.codec),
            |c| c.name().to_string(),
        );
    job.update(|s| {
        s.total = 1;
        s.current = Some("decoding".into());
        s.info = serde_json::json!({
            "codec": codec,
            "lossy": frame.header.lossy,
            "chunks": frame.chunks.len(),
            "content_size": frame.trailer.content_size,
            "same_as": "ncodec info FILE; ncodec -d FILE",
        });
    });
    let started = Instant::now();
    let decoded = ncodec::decompress(input).map_err(damaged)?;
    let decode_ms = started.elapsed().as_secs_f64() * 1e3;
    let (content_type, ext) = sniff(&decoded);
    let base = stem(&job.name);
    let download = if base.contains('.') {
        base.clone()
    } else {
        format!("{base}.{ext}")
    };
    let decoded_name = format!("decoded.{ext}");
    job.add_file(&decoded_name, &decoded, content_type, download)?;
    job.push_result(ResultRow {
        contender: codec,
        setting: 0,
        label: String::new(),
        point: serde_json::json!({
            "bytes": input.len(),
            "decoded_bytes": decoded.len(),
            "decode_ms": decode_ms,
            "content_type": content_type,
        }),
        coded: None,
        decoded: Some(decoded_name),
        error: None,
    });
    Ok(())
}

/// The MIME type and extension of decoded content: photos and WAV files are shown in
/// the page, anything else is offered as bytes.
fn sniff(content: &[u8]) -> (&'static str, &'static str) {
    match image::guess_format(content) {
        Ok(image::ImageFormat::Png) => ("image/png", "png"),
        Ok(image::ImageFormat::Jpeg) => ("image/jpeg", "jpg"),
        _ if content.len() >= 12 && &content[..4] == b"RIFF" && &content[8..12] == b"WAVE" => {
            ("audio/wav", "wav")
        }
        _ => ("application/octet-stream", "bin"),
    }
}
