//! Plain-text rendering of a [`Report`].

use crate::report::{Report, Row};

const HEADER: [&str; 10] = [
    "file",
    "contender",
    "bytes in",
    "bytes out",
    "bits/byte",
    "×xz",
    "comp MB/s",
    "×xz",
    "decomp MB/s",
    "×xz",
];

/// Columns shown for a failed row before its error message.
const ERROR_LEAD: usize = 3;

impl Report {
    /// The report as an aligned text table: one block of rows per file, then
    /// the totals. Failed cells show `ERROR: message` after the input size;
    /// figures that cannot be computed show `-`.
    pub fn to_table(&self) -> String {
        let groups: Vec<Vec<Vec<String>>> = self
            .files
            .iter()
            .map(|(name, _)| self.rows.iter().filter(move |r| &r.file == name))
            .map(|rows| rows.map(cells).collect())
            .chain(std::iter::once(self.totals.iter().map(cells).collect()))
            .filter(|g: &Vec<_>| !g.is_empty())
            .collect();
        let mut widths = HEADER.map(|h| h.chars().count());
        for line in groups.iter().flatten() {
            let counted = if line.len() == HEADER.len() {
                line.len()
            } else {
                ERROR_LEAD
            };
            for (w, cell) in widths.iter_mut().zip(&line[..counted]) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
        let mut out = render(&header, &widths);
        let rule_len = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
        out.push_str(&"-".repeat(rule_len));
        out.push('\n');
        for (i, group) in groups.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            for line in group {
                out.push_str(&render(line, &widths));
            }
        }
        out
    }
}

/// The cells of one row: all columns, or the leading ones and an error message.
fn cells(row: &Row) -> Vec<String> {
    let mut c = vec![
        row.file.clone(),
        row.contender.clone(),
        row.bytes_in.to_string(),
    ];
    if let Some(err) = &row.error {
        c.push(format!("ERROR: {}", err.replace('\n', " ")));
        return c;
    }
    c.push(row.bytes_out.map_or_else(dash, |n| n.to_string()));
    for (value, decimals) in [
        (row.bits_per_byte, 3),
        (row.bits_per_byte_vs_xz, 3),
        (row.compress_mb_s, 2),
        (row.compress_vs_xz, 3),
        (row.decompress_mb_s, 2),
        (row.decompress_vs_xz, 3),
    ] {
        c.push(fixed(value, decimals));
    }
    c
}

fn dash() -> String {
    "-".to_owned()
}

fn fixed(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => dash(),
    }
}

/// One line: the first two columns left-aligned, the rest right-aligned; a
/// short (error) line ends with its last cell unpadded.
fn render(line: &[String], widths: &[usize]) -> String {
    let mut out = String::new();
    for (i, cell) in line.iter().enumerate() {
        if i > 0 {
            out.push_str("  ");
        }
        let last = i + 1 == line.len();
        let w = widths.get(i).copied().unwrap_or(0);
        if last && line.len() < widths.len() {
            out.push_str(cell);
        } else if i < 2 {
            out.push_str(&format!("{cell:<w$}"));
        } else {
            out.push_str(&format!("{cell:>w$}"));
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contender::ContenderKind;

    fn row(file: &str, contender: &str, bpb: Option<f64>, error: Option<&str>) -> Row {
        Row {
            file: file.into(),
            contender: contender.into(),
            kind: ContenderKind::Baseline,
            bytes_in: 1000,
            bytes_out: bpb.map(|b| (b * 125.0) as u64),
            bits_per_byte: bpb,
            bits_per_byte_vs_xz: bpb.map(|b| b / 2.0),
            compress_secs: Some(0.001),
            compress_mb_s: Some(1.0),
            compress_vs_xz: None,
            decompress_secs: Some(0.0001),
            decompress_mb_s: Some(10.0),
            decompress_vs_xz: Some(f64::NAN),
            error: error.map(str::to_owned),
        }
    }

    fn report() -> Report {
        Report {
            reference: "xz-9e".into(),
            repeats: 1,
            contenders: vec!["a".into(), "bb".into()],
            files: vec![("f1".into(), 1000), ("a-longer-file-name".into(), 1000)],
            rows: vec![
                row("f1", "a", Some(2.0), None),
                row("f1", "bb", None, Some("broken\nbadly")),
                row("a-longer-file-name", "a", Some(3.25), None),
                row("a-longer-file-name", "bb", Some(4.0), None),
            ],
            totals: vec![
                row(Report::TOTAL, "a", Some(2.625), None),
                row(Report::TOTAL, "bb", None, Some("1 of 2 files failed")),
            ],
        }
    }

    #[test]
    fn table_lists_every_row_aligned() {
        let t = report().to_table();
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].starts_with("file") && lines[0].contains("decomp MB/s"));
        assert!(lines[1].chars().all(|c| c == '-'));
        assert!(t.contains("ERROR: broken badly"));
        assert!(t.contains("ERROR: 1 of 2 files failed"));
        assert!(t.contains("3.250") && t.contains("1.625"));
        // Full lines have equal length (all numeric columns right-aligned to the header).
        let full: Vec<usize> = lines
            .iter()
            .filter(|l| l.ends_with("-") && !l.starts_with('-'))
            .map(|l| l.chars().count())
            .collect();
        assert!(full.len() >= 3);
        assert!(full.iter().all(|&n| n == full[0]), "{t}");
        // Three groups (two files, totals) separated by blank lines.
        assert_eq!(lines.iter().filter(|l| l.is_empty()).count(), 2);
    }

    #[test]
    fn fixed_handles_missing_and_non_finite() {
        assert_eq!(fixed(None, 2), "-");
        assert_eq!(fixed(Some(f64::INFINITY), 2), "-");
        assert_eq!(fixed(Some(1.23456), 3), "1.235");
    }
}
