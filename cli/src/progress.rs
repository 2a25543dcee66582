//! Progress bars, shown only when stderr is a terminal and the work is long.

use std::io::{IsTerminal, Read, Seek, SeekFrom};

use indicatif::{ProgressBar, ProgressStyle};

/// Inputs smaller than this finish too fast for a progress bar to help.
const MIN_BYTES_FOR_BAR: u64 = 16 << 20;

/// A bar over `total` input bytes, or a hidden one when not useful.
pub fn bar(total: Option<u64>, label: &str, quiet: bool) -> ProgressBar {
    let useful = total.is_none_or(|t| t >= MIN_BYTES_FOR_BAR);
    if quiet || !useful || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match total {
        Some(t) => ProgressBar::new(t),
        None => ProgressBar::new_spinner(),
    };
    let template = if total.is_some() {
        "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}"
    } else {
        "{msg} {spinner} {bytes} {bytes_per_sec}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(label.to_string());
    bar
}

/// A spinner with the elapsed time for work that reads nothing while it runs (the image
/// codec's efforts 2 and 3 spend seconds to minutes refining one photo), or a hidden one
/// when `quiet` or stderr is not a terminal. It ticks on its own thread until finished.
pub fn spinner(label: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let spinner = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{msg} {spinner} {elapsed}") {
        spinner.set_style(style);
    }
    spinner.set_message(label.to_string());
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    spinner
}

/// A reader that advances a progress bar by the bytes read through it.
pub struct ProgressReader<R> {
    inner: R,
    bar: ProgressBar,
}

impl<R> ProgressReader<R> {
    /// Wraps `inner`.
    pub fn new(inner: R, bar: ProgressBar) -> Self {
        Self { inner, bar }
    }
}

impl<R: Read> Read for ProgressReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

/// Seeking moves the bar to the new position (audio formats look at a file's end).
impl<R: Seek> Seek for ProgressReader<R> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let position = self.inner.seek(to)?;
        self.bar.set_position(position);
        Ok(position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_runs_get_hidden_bars() {
        assert!(spinner("refining", true).is_hidden());
        assert!(bar(Some(1 << 30), "big.bin", true).is_hidden());
        // Small inputs finish before a bar could help.
        assert!(bar(Some(1024), "small.bin", false).is_hidden());
    }
}
