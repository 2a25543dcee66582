//! Where output goes: standard output, or a file written through a temporary file in the
//! same directory and renamed into place only when complete.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use tempfile::NamedTempFile;

/// An output being written.
pub enum Sink {
    /// Standard output.
    Stdout(BufWriter<io::Stdout>),
    /// A temporary file that becomes `path` on [`Sink::commit`].
    File {
        /// Buffered temporary file; deleted on drop unless committed.
        temp: BufWriter<NamedTempFile>,
        /// Final path.
        path: PathBuf,
        /// Whether an existing `path` may be replaced.
        force: bool,
    },
}

/// Writes `bytes` to `path` through a temporary file renamed into place, replacing
/// any file there (what training commands do with their outputs).
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut sink = Sink::file(path, true)?;
    sink.writer()
        .write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    sink.commit()?;
    Ok(())
}

impl Sink {
    /// Standard output.
    pub fn stdout() -> Self {
        Sink::Stdout(BufWriter::with_capacity(1 << 16, io::stdout()))
    }

    /// A new file at `path`; refuses an existing one unless `force`.
    pub fn file(path: &Path, force: bool) -> Result<Self> {
        if !force && path.exists() {
            bail!("{} already exists; use -f to overwrite it", path.display());
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".to_string());
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(dir)
            .with_context(|| format!("cannot create a file in {}", dir.display()))?;
        Ok(Sink::File {
            temp: BufWriter::with_capacity(1 << 16, temp),
            path: path.to_path_buf(),
            force,
        })
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Stdout(w) => w,
            Sink::File { temp, .. } => temp,
        }
    }

    /// Flushes, and for files syncs and renames the temporary file into place. Returns
    /// the final path (None for standard output).
    pub fn commit(self) -> Result<Option<PathBuf>> {
        match self {
            Sink::Stdout(mut w) => {
                w.flush().context("cannot write to standard output")?;
                Ok(None)
            }
            Sink::File { temp, path, force } => {
                let temp = temp
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("cannot write {}", path.display()))?;
                temp.as_file()
                    .sync_all()
                    .with_context(|| format!("cannot write {}", path.display()))?;
                let persisted = if force {
                    temp.persist(&path).map_err(|e| e.error)
                } else {
                    temp.persist_noclobber(&path).map_err(|e| e.error)
                };
                persisted.with_context(|| {
                    format!("cannot create {} (use -f to overwrite)", path.display())
                })?;
                Ok(Some(path))
            }
        }
    }
}

/// Opens an input: a file, or standard input for `-`. Returns the reader and the size
/// when known.
pub fn open_input(path: &Path) -> Result<(Box<dyn io::Read + Send>, Option<u64>)> {
    if is_stdin(path) {
        return Ok((Box::new(io::stdin()), None));
    }
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let meta = file
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_dir() {
        bail!(
            "{} is a directory (ncodec compresses files; try tar c DIR | ncodec)",
            path.display()
        );
    }
    let len = meta.is_file().then_some(meta.len());
    Ok((Box::new(io::BufReader::with_capacity(1 << 16, file)), len))
}

/// Whether `path` names standard input/output.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Copies the permissions of `from` onto `to` (best effort, like gzip and zstd).
pub fn copy_permissions(from: &Path, to: &Path) {
    if let Ok(meta) = std::fs::metadata(from) {
        let _ = std::fs::set_permissions(to, meta.permissions());
    }
}
