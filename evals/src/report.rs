//! The result of a bits-per-byte run: one [`Row`] per file and contender, plus totals.

use serde::{Deserialize, Serialize};

use crate::contender::ContenderKind;
use crate::EvalError;

/// One contender's figures on one file, or over all files (a total row).
///
/// Figures that cannot be computed are `None` (`null` in JSON): all of them
/// when [`error`](Row::error) is set, the rates and speeds of an empty input,
/// and the ratios when the reference (`xz-9e`) is not in the run or failed.
/// MB is 10^6 bytes; speeds are input bytes per second of the fastest repeat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// File name (as given), or [`Report::TOTAL`] for a total row.
    pub file: String,
    /// Contender name.
    pub contender: String,
    /// Contender family.
    pub kind: ContenderKind,
    /// Input size in bytes.
    pub bytes_in: u64,
    /// Compressed size in bytes.
    pub bytes_out: Option<u64>,
    /// `8 * bytes_out / bytes_in`.
    pub bits_per_byte: Option<f64>,
    /// `bits_per_byte` divided by the reference's (below 1: smaller than xz).
    pub bits_per_byte_vs_xz: Option<f64>,
    /// Seconds of the fastest compression (summed over files in a total row).
    pub compress_secs: Option<f64>,
    /// Compression speed, MB of input per second.
    pub compress_mb_s: Option<f64>,
    /// `compress_mb_s` divided by the reference's (above 1: faster than xz).
    pub compress_vs_xz: Option<f64>,
    /// Seconds of the fastest decompression (summed over files in a total row).
    pub decompress_secs: Option<f64>,
    /// Decompression speed, MB of output per second.
    pub decompress_mb_s: Option<f64>,
    /// `decompress_mb_s` divided by the reference's.
    pub decompress_vs_xz: Option<f64>,
    /// Why this cell has no figures: a failed compression or decompression, a
    /// round trip that did not give the input back, or (total rows) failed files.
    pub error: Option<String>,
}

impl Row {
    /// Whether the round trip failed.
    pub fn is_error(&self) -> bool {
        self.error.is_some()
    }
}

/// The outcome of [`run_bytes_eval`](crate::run_bytes_eval).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The contender the `*_vs_xz` ratios are taken against.
    pub reference: String,
    /// Timed repeats per measurement (the fastest counts).
    pub repeats: usize,
    /// Contender names, in report order (ncodec codecs first).
    pub contenders: Vec<String>,
    /// `(file name, size in bytes)`, in input order.
    pub files: Vec<(String, u64)>,
    /// One row per file and contender, grouped by file in input order.
    pub rows: Vec<Row>,
    /// One row per contender over all files (file name [`Report::TOTAL`]).
    pub totals: Vec<Row>,
}

impl Report {
    /// The file name used in total rows.
    pub const TOTAL: &'static str = "TOTAL";

    /// The report as indented JSON.
    pub fn to_json_pretty(&self) -> Result<String, EvalError> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// Rows and totals that record an error.
    pub fn errors(&self) -> impl Iterator<Item = &Row> {
        self.rows
            .iter()
            .chain(&self.totals)
            .filter(|r| r.is_error())
    }

    /// The row for `file` and `contender` (use [`Report::TOTAL`] for totals).
    pub fn row(&self, file: &str, contender: &str) -> Option<&Row> {
        self.rows
            .iter()
            .chain(&self.totals)
            .find(|r| r.file == file && r.contender == contender)
    }
}
