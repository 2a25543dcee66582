//! The bits-per-byte evaluation: every contender on every file, verified and timed.

use std::time::Duration;

use crate::baselines::XZ_REFERENCE;
use crate::contender::Contender;
use crate::measure::{measure, Measurement};
use crate::report::{Report, Row};
use crate::EvalError;

/// Settings of [`run_bytes_eval`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalOptions {
    /// Timed repeats of each compression and decompression; the fastest
    /// counts. Must be at least 1 (the default).
    pub repeats: usize,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions { repeats: 1 }
    }
}

impl EvalOptions {
    /// Sets [`repeats`](EvalOptions::repeats).
    pub fn repeats(mut self, repeats: usize) -> Self {
        self.repeats = repeats;
        self
    }
}

/// Runs every contender on every file: compresses (timed), decompresses
/// (timed), checks the decoded bytes equal the input, and records sizes,
/// bits per byte, speeds and their ratios to `xz-9e` measured in the same run
/// (when `xz-9e` is among the contenders).
///
/// Contenders are reported ncodec codecs first, then baselines, then others
/// (stable within each group). A failure of one contender on one file, or a
/// round trip that does not give the input back, is recorded as an error row;
/// the run goes on. `progress` is called before and after each measurement
/// with a one-line message.
///
/// Fails only on bad arguments: no contenders, duplicate contender names, or
/// `repeats == 0`.
///
/// ```
/// use ncodec_evals::{baseline_contenders, run_bytes_eval, EvalOptions, Selection};
///
/// let files = vec![("hello.txt".to_string(), b"hello, hello, hello world".to_vec())];
/// let contenders = Selection::from_names("xz-9e,zstd-19").apply(baseline_contenders())?;
/// let report = run_bytes_eval(&files, &contenders, &EvalOptions::default(), &|_| {})?;
///
/// let xz = report.row("hello.txt", "xz-9e").unwrap();
/// assert_eq!(xz.bits_per_byte_vs_xz, Some(1.0));
/// assert!(report.errors().next().is_none());
/// println!("{}", report.to_table());
/// # Ok::<(), ncodec_evals::EvalError>(())
/// ```
pub fn run_bytes_eval(
    files: &[(String, Vec<u8>)],
    contenders: &[Box<dyn Contender>],
    opts: &EvalOptions,
    progress: &dyn Fn(&str),
) -> Result<Report, EvalError> {
    if opts.repeats == 0 {
        return Err(EvalError::ZeroRepeats);
    }
    if contenders.is_empty() {
        return Err(EvalError::NoContenders);
    }
    for (i, c) in contenders.iter().enumerate() {
        if contenders[..i].iter().any(|d| d.name() == c.name()) {
            return Err(EvalError::DuplicateContender(c.name().to_owned()));
        }
    }
    let mut order: Vec<&dyn Contender> = contenders.iter().map(|c| &**c).collect();
    order.sort_by_key(|c| c.kind());

    let cells = files.len() * order.len();
    // results[file][contender]
    let mut results: Vec<Vec<Result<Measurement, String>>> = Vec::with_capacity(files.len());
    for (f, (name, data)) in files.iter().enumerate() {
        let mut per_file = Vec::with_capacity(order.len());
        for (c, contender) in order.iter().enumerate() {
            let step = f * order.len() + c + 1;
            let what = format!(
                "[{step}/{cells}] {name} ({} bytes) {}",
                data.len(),
                contender.name()
            );
            progress(&format!("{what}: running"));
            let result = measure(*contender, data, opts.repeats);
            progress(&format!("{what}: {}", summary(&result, data.len())));
            per_file.push(result);
        }
        results.push(per_file);
    }

    let reference = order.iter().position(|c| c.name() == XZ_REFERENCE);
    let mut rows = Vec::with_capacity(cells);
    for ((name, data), per_file) in files.iter().zip(&results) {
        let base = reference.map(|r| figures(&per_file[r], data.len()));
        for (contender, result) in order.iter().zip(per_file) {
            rows.push(make_row(
                name,
                *contender,
                data.len(),
                result,
                base.as_ref(),
            ));
        }
    }
    let totals: Vec<Result<Measurement, String>> = (0..order.len())
        .map(|c| total(results.iter().map(|per_file| &per_file[c])))
        .collect();
    let total_in: usize = files.iter().map(|(_, d)| d.len()).sum();
    let base = reference.map(|r| figures(&totals[r], total_in));
    let totals = order
        .iter()
        .zip(&totals)
        .map(|(c, t)| make_row(Report::TOTAL, *c, total_in, t, base.as_ref()))
        .collect();

    Ok(Report {
        reference: XZ_REFERENCE.to_owned(),
        repeats: opts.repeats,
        contenders: order.iter().map(|c| c.name().to_owned()).collect(),
        files: files
            .iter()
            .map(|(n, d)| (n.clone(), d.len() as u64))
            .collect(),
        rows,
        totals,
    })
}

/// Sums a contender's measurements over all files; fails if any file failed.
fn total<'a>(
    per_file: impl Iterator<Item = &'a Result<Measurement, String>>,
) -> Result<Measurement, String> {
    let mut sum = Measurement {
        compressed_len: 0,
        compress: Duration::ZERO,
        decompress: Duration::ZERO,
    };
    let (mut failed, mut count) = (0usize, 0usize);
    for result in per_file {
        count += 1;
        match result {
            Ok(m) => {
                sum.compressed_len += m.compressed_len;
                sum.compress += m.compress;
                sum.decompress += m.decompress;
            }
            Err(_) => failed += 1,
        }
    }
    if failed > 0 {
        return Err(format!("{failed} of {count} files failed"));
    }
    Ok(sum)
}

/// The derived figures of one measurement.
#[derive(Debug, Clone, Copy, Default)]
struct Figures {
    bits_per_byte: Option<f64>,
    compress_mb_s: Option<f64>,
    decompress_mb_s: Option<f64>,
}

fn figures(result: &Result<Measurement, String>, bytes_in: usize) -> Figures {
    let Ok(m) = result else {
        return Figures::default();
    };
    if bytes_in == 0 {
        return Figures::default();
    }
    Figures {
        bits_per_byte: Some(8.0 * m.compressed_len as f64 / bytes_in as f64),
        compress_mb_s: mb_per_s(bytes_in, m.compress),
        decompress_mb_s: mb_per_s(bytes_in, m.decompress),
    }
}

fn mb_per_s(bytes: usize, time: Duration) -> Option<f64> {
    let secs = time.as_secs_f64();
    (secs > 0.0).then(|| bytes as f64 / secs / 1e6)
}

/// `value / reference`, when both exist and the quotient is finite.
fn ratio(value: Option<f64>, reference: Option<f64>) -> Option<f64> {
    let r = value? / reference?;
    r.is_finite().then_some(r)
}

fn make_row(
    file: &str,
    contender: &dyn Contender,
    bytes_in: usize,
    result: &Result<Measurement, String>,
    reference: Option<&Figures>,
) -> Row {
    let f = figures(result, bytes_in);
    let reference = reference.copied().unwrap_or_default();
    let ok = result.as_ref().ok();
    Row {
        file: file.to_owned(),
        contender: contender.name().to_owned(),
        kind: contender.kind(),
        bytes_in: bytes_in as u64,
        bytes_out: ok.map(|m| m.compressed_len as u64),
        bits_per_byte: f.bits_per_byte,
        bits_per_byte_vs_xz: ratio(f.bits_per_byte, reference.bits_per_byte),
        compress_secs: ok.map(|m| m.compress.as_secs_f64()),
        compress_mb_s: f.compress_mb_s,
        compress_vs_xz: ratio(f.compress_mb_s, reference.compress_mb_s),
        decompress_secs: ok.map(|m| m.decompress.as_secs_f64()),
        decompress_mb_s: f.decompress_mb_s,
        decompress_vs_xz: ratio(f.decompress_mb_s, reference.decompress_mb_s),
        error: result.as_ref().err().cloned(),
    }
}

fn summary(result: &Result<Measurement, String>, bytes_in: usize) -> String {
    match result {
        Err(e) => format!("ERROR: {e}"),
        Ok(m) => {
            let f = figures(result, bytes_in);
            let bpb = f
                .bits_per_byte
                .map_or_else(|| "-".to_owned(), |b| format!("{b:.3}"));
            let speed = |s: Option<f64>| s.map_or_else(|| "-".to_owned(), |s| format!("{s:.2}"));
            format!(
                "{} bytes, {bpb} bits/byte, {} / {} MB/s",
                m.compressed_len,
                speed(f.compress_mb_s),
                speed(f.decompress_mb_s)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contender::{baseline_contenders, ContenderKind};
    use crate::Selection;
    use std::cell::RefCell;

    /// Stores input verbatim; optionally corrupts one byte on the way back.
    struct Copy {
        name: &'static str,
        kind: ContenderKind,
        corrupt: bool,
    }

    impl Contender for Copy {
        fn name(&self) -> &str {
            self.name
        }
        fn kind(&self) -> ContenderKind {
            self.kind
        }
        fn compress(&self, data: &[u8]) -> Result<Vec<u8>, String> {
            Ok(data.to_vec())
        }
        fn decompress(&self, data: &[u8]) -> Result<Vec<u8>, String> {
            let mut out = data.to_vec();
            if self.corrupt {
                match out.first_mut() {
                    Some(b) => *b ^= 0xFF,
                    None => out.push(0),
                }
            }
            Ok(out)
        }
    }

    /// Always fails to compress.
    struct Broken;

    impl Contender for Broken {
        fn name(&self) -> &str {
            "broken"
        }
        fn compress(&self, _: &[u8]) -> Result<Vec<u8>, String> {
            Err("out of cheese".into())
        }
        fn decompress(&self, _: &[u8]) -> Result<Vec<u8>, String> {
            Err("unreachable".into())
        }
    }

    fn files() -> Vec<(String, Vec<u8>)> {
        vec![
            (
                "text".into(),
                b"the quick brown fox jumps over the lazy dog. ".repeat(50),
            ),
            ("empty".into(), Vec::new()),
            ("one".into(), vec![7]),
        ]
    }

    fn with(mut extra: Vec<Box<dyn Contender>>) -> Vec<Box<dyn Contender>> {
        let mut v = Selection::from_names("xz-9e,gzip-9")
            .apply(baseline_contenders())
            .unwrap();
        v.append(&mut extra);
        v
    }

    #[test]
    fn baselines_round_trip_and_xz_ratio_is_one() {
        let r = run_bytes_eval(&files(), &with(vec![]), &EvalOptions::default(), &|_| {}).unwrap();
        assert!(r.errors().next().is_none());
        assert_eq!(r.rows.len(), 6);
        assert_eq!(r.totals.len(), 2);
        for file in ["text", "one", Report::TOTAL] {
            let xz = r.row(file, "xz-9e").unwrap();
            assert_eq!(xz.bits_per_byte_vs_xz, Some(1.0));
            assert_eq!(xz.compress_vs_xz, Some(1.0));
            assert_eq!(xz.decompress_vs_xz, Some(1.0));
        }
        let text = r.row("text", "gzip-9").unwrap();
        let bpb = text.bits_per_byte.unwrap();
        assert_eq!(
            bpb,
            8.0 * text.bytes_out.unwrap() as f64 / text.bytes_in as f64
        );
        assert!(bpb < 1.0);
        assert!(text.bits_per_byte_vs_xz.unwrap() > 0.0);
    }

    #[test]
    fn empty_file_has_sizes_but_no_rates() {
        let r = run_bytes_eval(&files(), &with(vec![]), &EvalOptions::default(), &|_| {}).unwrap();
        let row = r.row("empty", "xz-9e").unwrap();
        assert_eq!(row.bytes_in, 0);
        assert!(row.bytes_out.unwrap() > 0);
        assert_eq!(row.bits_per_byte, None);
        assert_eq!(row.compress_mb_s, None);
        assert!(r
            .to_json_pretty()
            .unwrap()
            .contains("\"bits_per_byte\": null"));
    }

    #[test]
    fn totals_sum_sizes_over_files() {
        let r = run_bytes_eval(&files(), &with(vec![]), &EvalOptions::default(), &|_| {}).unwrap();
        let total = r.row(Report::TOTAL, "gzip-9").unwrap();
        let sum: u64 = r
            .rows
            .iter()
            .filter(|x| x.contender == "gzip-9")
            .map(|x| x.bytes_out.unwrap())
            .sum();
        assert_eq!(total.bytes_out, Some(sum));
        assert_eq!(
            total.bytes_in,
            files().iter().map(|f| f.1.len() as u64).sum::<u64>()
        );
    }

    #[test]
    fn corrupted_or_failing_contender_is_an_error_row() {
        let extra: Vec<Box<dyn Contender>> = vec![
            Box::new(Copy {
                name: "liar",
                kind: ContenderKind::Other,
                corrupt: true,
            }),
            Box::new(Broken),
        ];
        let r = run_bytes_eval(&files(), &with(extra), &EvalOptions::default(), &|_| {}).unwrap();
        for file in ["text", "empty", "one"] {
            let liar = r.row(file, "liar").unwrap();
            assert!(
                liar.error.as_deref().unwrap().contains("mismatch"),
                "{liar:?}"
            );
            assert_eq!(liar.bits_per_byte, None);
            let broken = r.row(file, "broken").unwrap();
            assert!(broken.error.as_deref().unwrap().contains("out of cheese"));
        }
        let total = r.row(Report::TOTAL, "liar").unwrap();
        assert_eq!(total.error.as_deref(), Some("3 of 3 files failed"));
        assert!(r.row(Report::TOTAL, "xz-9e").unwrap().error.is_none());
        assert_eq!(r.errors().count(), 8);
    }

    #[test]
    fn ncodec_first_and_table_lists_every_contender() {
        let extra: Vec<Box<dyn Contender>> = vec![Box::new(Copy {
            name: "fake-ncodec",
            kind: ContenderKind::Ncodec,
            corrupt: false,
        })];
        let r = run_bytes_eval(&files(), &with(extra), &EvalOptions::default(), &|_| {}).unwrap();
        assert_eq!(r.contenders, ["fake-ncodec", "gzip-9", "xz-9e"]);
        let copy = r.row("text", "fake-ncodec").unwrap();
        assert!((copy.bits_per_byte.unwrap() - 8.0).abs() < 1e-12);
        let table = r.to_table();
        for c in &r.contenders {
            assert_eq!(
                table.matches(c.as_str()).count(),
                files().len() + 1,
                "{table}"
            );
        }
        assert!(table.contains(Report::TOTAL));
    }

    #[test]
    fn no_reference_means_no_ratios() {
        let contenders = Selection::from_names("gzip-9")
            .apply(baseline_contenders())
            .unwrap();
        let r = run_bytes_eval(&files(), &contenders, &EvalOptions::default(), &|_| {}).unwrap();
        let row = r.row("text", "gzip-9").unwrap();
        assert!(row.bits_per_byte.is_some());
        assert_eq!(row.bits_per_byte_vs_xz, None);
        assert_eq!(row.compress_vs_xz, None);
    }

    #[test]
    fn progress_repeats_and_argument_errors() {
        let seen = RefCell::new(Vec::new());
        let log = |m: &str| seen.borrow_mut().push(m.to_owned());
        let opts = EvalOptions::default().repeats(2);
        let r = run_bytes_eval(&files(), &with(vec![]), &opts, &log).unwrap();
        assert_eq!(r.repeats, 2);
        let seen = seen.into_inner();
        assert_eq!(seen.len(), 2 * 6);
        assert!(seen[0].starts_with("[1/6] text"));
        assert!(seen[1].contains("bits/byte"));

        let none: Vec<Box<dyn Contender>> = Vec::new();
        assert!(matches!(
            run_bytes_eval(&files(), &none, &EvalOptions::default(), &|_| {}),
            Err(EvalError::NoContenders)
        ));
        assert!(matches!(
            run_bytes_eval(
                &files(),
                &with(vec![]),
                &EvalOptions::default().repeats(0),
                &|_| {}
            ),
            Err(EvalError::ZeroRepeats)
        ));
        let dup: Vec<Box<dyn Contender>> = vec![Box::new(Broken), Box::new(Broken)];
        assert!(matches!(
            run_bytes_eval(&files(), &dup, &EvalOptions::default(), &|_| {}),
            Err(EvalError::DuplicateContender(_))
        ));
    }

    #[test]
    fn json_round_trips() {
        let r = run_bytes_eval(&files(), &with(vec![]), &EvalOptions::default(), &|_| {}).unwrap();
        let json = r.to_json_pretty().unwrap();
        let back: Report = serde_json::from_str(&json).unwrap();
        assert_eq!(back.rows.len(), r.rows.len());
        assert_eq!(back.contenders, r.contenders);
        assert!(json.contains("\"kind\": \"baseline\""));
    }
}
