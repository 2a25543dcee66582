//! The measurements behind a job: the file's kind decides the contenders, and each
//! contender at each setting becomes one [`ResultRow`](crate::jobs::ResultRow) with the
//! figures `ncodec eval` computes and the coded and decoded files.
//!
//! - [`image`]: what `ncodec eval image FILE --qualities 20,40,60,80,90` measures.
//! - [`audio`]: what `ncodec eval audio FILE` measures (16 kHz mono speech).
//! - [`bytes`]: what `ncodec eval bytes FILE` measures.
//! - [`ncz`]: a `.ncz` file is decoded and described.

pub mod audio;
pub mod bytes;
pub mod image;
pub mod ncz;

use crate::detect::{detect, Modality};
use crate::jobs::{Job, ResultRow, State};

/// Choices of the server that change what a job measures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalyzeOptions {
    /// Lossless contenders for files of bytes (comma-separated names, as `ncodec eval
    /// bytes --only`); `None`: all of them.
    pub bytes_only: Option<String>,
}

/// Measures `input` for `job`: detects its kind, then runs every contender, checking for
/// a cancel between codings. Leaves the job finished: done, cancelled, or failed with a
/// message for the page.
pub fn run(job: &Job, input: Vec<u8>, options: &AnalyzeOptions) {
    job.update(|s| s.state = State::Running);
    let outcome = detect(&job.name, &input)
        .map_err(|e| e.to_string())
        .and_then(|modality| {
            job.update(|s| s.modality = Some(modality));
            match modality {
                Modality::Image => image::run(job, &input),
                Modality::Audio => audio::run(job, &input),
                Modality::Bytes => bytes::run(job, input, options),
                Modality::Ncz => ncz::run(job, &input),
            }
        });
    match outcome {
        Err(message) => job.finish(State::Failed, Some(message)),
        Ok(()) if job.is_cancelled() => job.finish(State::Cancelled, None),
        Ok(()) => job.finish(State::Done, None),
    }
}

/// Runs every setting of every contender of `plan` in order, each coding's row added
/// to the job as it comes; stops early (with `Ok`) when a cancel is asked for.
pub(crate) fn run_plan<C, S: Copy>(
    job: &Job,
    plan: &[(C, Vec<S>)],
    label: impl Fn(&C, S) -> String,
    mut code: impl FnMut(&C, S) -> ResultRow,
) {
    for (contender, settings) in plan {
        for &setting in settings {
            if job.is_cancelled() {
                return;
            }
            job.update(|s| s.current = Some(label(contender, setting)));
            let row = code(contender, setting);
            job.push_result(row);
        }
    }
}

/// One file a coding offers: its bytes, extension and MIME type.
pub(crate) struct Offered {
    pub bytes: Vec<u8>,
    pub ext: &'static str,
    pub content_type: &'static str,
}

/// The result row of one coding of `contender` at `setting`: its `point` (the eval's
/// figures, with `error` when the coding failed) and, when it worked, the coded file
/// (`coded`) and the decoded one (made by `decoded`), both saved in the job's folder
/// as `{contender}-{setting}.{ext}` and `….decoded.{ext}` and offered for download as
/// `{upload stem}.{contender}-{label}.…`. A file that cannot be made or saved turns
/// the row into an error.
pub(crate) fn coding_row(
    job: &Job,
    (contender, setting, label): (String, u32, String),
    point: &impl serde::Serialize,
    error: Option<String>,
    outputs: Option<(Offered, impl FnOnce() -> Result<Offered, String>)>,
) -> ResultRow {
    let key = file_key(&contender, setting);
    let download = |ext: &str| {
        format!(
            "{}.{contender}-{}.{ext}",
            stem(&job.name),
            label.replace(' ', "")
        )
    };
    let mut row = ResultRow {
        contender: contender.clone(),
        setting,
        label: label.clone(),
        point: serde_json::to_value(point).unwrap_or_default(),
        coded: None,
        decoded: None,
        error,
    };
    let Some((coded, decoded)) = outputs else {
        return row;
    };
    let saved = (|| {
        let coded_name = format!("{key}.{}", coded.ext);
        job.add_file(
            &coded_name,
            &coded.bytes,
            coded.content_type,
            download(coded.ext),
        )?;
        let decoded = decoded()?;
        let decoded_name = format!("{key}.decoded.{}", decoded.ext);
        let decoded_download = download(&format!("decoded.{}", decoded.ext));
        job.add_file(
            &decoded_name,
            &decoded.bytes,
            decoded.content_type,
            decoded_download,
        )?;
        Ok::<_, String>((coded_name, decoded_name))
    })();
    match saved {
        Ok((coded_name, decoded_name)) => {
            row.coded = Some(coded_name);
            row.decoded = Some(decoded_name);
        }
        Err(e) => row.error = Some(e),
    }
    row
}

/// The upload's name without its folder and last extension, made safe for the download
/// names the page offers (`photo` for `C:\pics\photo.png`).
pub fn stem(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = match base.rfind('.') {
        Some(dot) if dot > 0 => &base[..dot],
        _ => base,
    };
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    if safe.is_empty() {
        "file".into()
    } else {
        safe
    }
}

/// A file name made of a contender and a setting: only `[a-z0-9.-]`.
pub fn file_key(contender: &str, setting: u32) -> String {
    let safe: String = contender
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{safe}-{setting}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_are_safe() {
        assert_eq!(stem("C:\\pics\\my photo.png"), "my_photo");
        assert_eq!(stem("../../etc/passwd"), "passwd");
        assert_eq!(stem(".bashrc"), ".bashrc");
        assert_eq!(stem(""), "file");
        assert_eq!(file_key("ncodec-e1", 3), "ncodec-e1-3");
        assert_eq!(file_key("x/../y", 0), "x----y-0");
    }
}
