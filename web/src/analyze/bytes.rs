//! Any other file: every lossless contender of `ncodec eval bytes`, each verified and
//! timed; the coded file of a contender is made when it is first downloaded.

use ncodec_evals::{
    all_contenders, run_bytes_eval, Contender, EvalOptions, Selection, XZ_REFERENCE,
};

use super::stem;
use crate::jobs::{Job, ResultRow, Source};

/// The contenders a job of bytes runs: all of `ncodec eval bytes` (one thread each),
/// or those `only` names.
pub fn contenders(only: Option<&str>) -> Result<Vec<Box<dyn Contender>>, String> {
    let all = all_contenders(1);
    match only {
        Some(list) => Selection::from_names(list)
            .apply(all)
            .map_err(|e| e.to_string()),
        None => Ok(all),
    }
}

pub(super) fn run(
    job: &Job,
    input: Vec<u8>,
    options: &super::AnalyzeOptions,
) -> Result<(), String> {
    let mut contenders = contenders(options.bytes_only.as_deref())?;
    // The reference first, so that every later row has its ratios at once.
    if let Some(xz) = contenders.iter().position(|c| c.name() == XZ_REFERENCE) {
        let reference = contenders.remove(xz);
        contenders.insert(0, reference);
    }
    job.update(|s| {
        s.info = serde_json::json!({
            "bytes": input.len(),
            "reference": XZ_REFERENCE,
            "same_as": "ncodec eval bytes FILE",
        });
        s.total = contenders.len();
    });
    let mut files = vec![(job.name.clone(), input)];
    let mut reference: Option<ncodec_evals::Row> = None;
    for contender in contenders {
        if job.is_cancelled() {
            break;
        }
        let name = contender.name().to_string();
        job.update(|s| s.current = Some(name.clone()));
        let one = [contender];
        let report = run_bytes_eval(&files, &one, &EvalOptions::default(), &|_| {})
            .map_err(|e| e.to_string())?;
        let Some(mut row) = report.rows.into_iter().next() else {
            return Err(format!("{name} gave no result"));
        };
        if name == XZ_REFERENCE && !row.is_error() {
            reference = Some(row.clone());
        }
        if let Some(xz) = &reference {
            row.bits_per_byte_vs_xz = ratio(row.bits_per_byte, xz.bits_per_byte);
            row.compress_vs_xz = ratio(row.compress_mb_s, xz.compress_mb_s);
            row.decompress_vs_xz = ratio(row.decompress_mb_s, xz.decompress_mb_s);
        }
        let coded = (!row.is_error()).then(|| {
            let ext = extension_of(&name);
            let file = format!("{}.{ext}", super::file_key(&name, 0));
            job.add_lazy_file(
                &file,
                "application/octet-stream",
                format!("{}.{name}.{ext}", stem(&job.name)),
                &name,
            );
            file
        });
        job.push_result(ResultRow {
            contender: name,
            setting: 0,
            label: String::new(),
            error: row.error.clone(),
            point: serde_json::to_value(&row).unwrap_or_default(),
            coded,
            decoded: None,
        });
    }
    if let Some((_, input)) = files.pop() {
        job.set_source(Source::Bytes(input));
    }
    Ok(())
}

/// Compresses the job's bytes with `contender` (for a download asked for later).
pub fn compress_with(job: &Job, contender: &str) -> Result<Vec<u8>, String> {
    let Some(Source::Bytes(data)) = job.source() else {
        return Err("this job's input is no longer held; upload the file again".into());
    };
    let all = contenders(Some(contender))?;
    let Some(c) = all.first() else {
        return Err(format!("no contender `{contender}`"));
    };
    c.compress(data)
}

fn ratio(value: Option<f64>, reference: Option<f64>) -> Option<f64> {
    let r = value? / reference?;
    r.is_finite().then_some(r)
}

/// A file extension for a contender's output.
fn extension_of(contender: &str) -> &'static str {
    let family = contender.split('-').next().unwrap_or(contender);
    match family {
        "gzip" => "gz",
        "bzip2" => "bz2",
        "xz" => "xz",
        "zstd" => "zst",
        "brotli" => "br",
        "ppmd" => "ppmd",
        _ => "ncz",
    }
}
