//! `ncodec info`: what a `.ncz` file holds.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::process::ExitCode;

use anyhow::{Context, Result};
use ncodec::registry::default_registry;
use ncodec::FrameInfo;
use serde_json::{json, Value};

use crate::args::InfoArgs;

/// Describes each file (or lists codecs).
pub fn run(args: &InfoArgs) -> Result<ExitCode> {
    if args.codecs {
        print_codecs(args.json);
        if args.files.is_empty() {
            return Ok(ExitCode::SUCCESS);
        }
    }
    let mut failed = false;
    let mut reports = Vec::new();
    for file in &args.files {
        let result = std::fs::File::open(file)
            .with_context(|| format!("cannot open {}", file.display()))
            .and_then(|f| ncodec::inspect(BufReader::new(f)).map_err(anyhow::Error::new));
        match result {
            Ok(info) => reports.push(describe(&file.display().to_string(), &info)),
            Err(err) => {
                eprintln!("ncodec: {}: {err:#}", file.display());
                failed = true;
            }
        }
    }
    if args.json {
        let value = if reports.len() == 1 && args.files.len() == 1 {
            reports.remove(0)
        } else {
            Value::Array(reports)
        };
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        for report in &reports {
            print_text(report);
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn codec_name(id: u8) -> String {
    default_registry()
        .by_id(id)
        .map_or_else(|| format!("unknown ({id})"), |c| c.name().to_string())
}

fn describe(file: &str, info: &FrameInfo) -> Value {
    let mut per_codec: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for chunk in &info.chunks {
        let entry = per_codec.entry(codec_name(chunk.codec)).or_default();
        entry.0 += 1;
        entry.1 += u64::from(chunk.raw_len);
        entry.2 += u64::from(chunk.payload_len);
    }
    let original = info.trailer.content_size;
    let compressed = info.frame_bytes;
    let ratio = (compressed > 0).then(|| original as f64 / compressed as f64);
    let bpb = (original > 0).then(|| 8.0 * compressed as f64 / original as f64);
    json!({
        "file": file,
        "format_version": ncodec::format::VERSION,
        "codec": codec_name(info.header.codec),
        "model": { "id": info.header.model.id, "hash": format!("{:016x}", info.header.model.hash) },
        "chunk_size": info.header.chunk_size(),
        "chunks": info.chunks.len(),
        "chunks_by_codec": per_codec.iter().map(|(name, (n, raw, payload))| {
            (name.clone(), json!({ "chunks": n, "original_bytes": raw, "payload_bytes": payload }))
        }).collect::<serde_json::Map<_, _>>(),
        "original_bytes": original,
        "compressed_bytes": compressed,
        "ratio": ratio,
        "bits_per_byte": bpb,
        "lossy": info.header.lossy,
        "content_xxh3": (!info.header.lossy).then(|| format!("{:016x}", info.trailer.content_hash)),
    })
}

fn print_text(report: &Value) {
    let get = |k: &str| report.get(k).cloned().unwrap_or(Value::Null);
    println!("{}", get("file").as_str().unwrap_or(""));
    println!("  format:      ncz version {}", get("format_version"));
    println!("  codec:       {}", get("codec").as_str().unwrap_or(""));
    let model = get("model");
    if model["id"] != 0 || model["hash"] != "0000000000000000" {
        println!(
            "  model:       id {} hash {}",
            model["id"],
            model["hash"].as_str().unwrap_or("")
        );
    } else {
        println!("  model:       none");
    }
    println!("  chunk size:  {} bytes", get("chunk_size"));
    println!("  chunks:      {}", get("chunks"));
    if let Some(map) = get("chunks_by_codec").as_object() {
        for (name, v) in map {
            println!(
                "    {name:<8} {} chunks, {} -> {} bytes",
                v["chunks"], v["original_bytes"], v["payload_bytes"]
            );
        }
    }
    println!("  original:    {} bytes", get("original_bytes"));
    println!("  compressed:  {} bytes", get("compressed_bytes"));
    if let (Some(ratio), Some(bpb)) = (get("ratio").as_f64(), get("bits_per_byte").as_f64()) {
        println!("  ratio:       {ratio:.3} ({bpb:.3} bits/byte)");
    }
    match get("content_xxh3").as_str() {
        Some(hash) => println!("  checksum:    xxh3 {hash}"),
        None => println!("  checksum:    chunk checksums only (lossy: the decoded content differs from the original)"),
    }
}

fn print_codecs(json: bool) {
    let codecs: Vec<Value> = default_registry()
        .codecs()
        .map(|c| {
            let mut description = c.description().to_string();
            if c.id() == ncodec::codecs::Image::ID {
                description.push_str(&format!(
                    "; --quality 1 to {}",
                    ncodec::codecs::image::level_count()
                ));
            }
            json!({ "id": c.id(), "name": c.name(), "modality": c.modality().name(),
                    "lossy": c.lossy(), "description": description })
        })
        .collect();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&codecs).unwrap_or_default()
        );
    } else {
        for c in &codecs {
            println!(
                "{:>3}  {:<8} {:<6} {}",
                c["id"],
                c["name"].as_str().unwrap_or(""),
                c["modality"].as_str().unwrap_or(""),
                c["description"].as_str().unwrap_or("")
            );
        }
    }
}
