//! Reading user-supplied files and directories into named byte buffers.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Reads `paths` into `(name, bytes)` pairs, expanding directories.
///
/// * A path naming a file (symbolic links are followed) gives one entry,
///   named by the path as given.
/// * A path naming a directory is walked recursively; its regular files are
///   returned in sorted order (by file name, byte-wise, directories and files
///   interleaved), each named by the directory path joined with the relative
///   path. Symbolic links and other non-regular entries found *inside* a
///   directory are skipped, so a walk cannot loop.
/// * Anything else named explicitly (a socket, a device, ...) is an
///   [`io::ErrorKind::InvalidInput`] error.
///
/// Explicit paths keep the order they were given in; a path given twice is
/// read twice. Names are the paths' lossy UTF-8 renderings. Every error
/// message names the path it concerns.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir().join(format!("ncodec-datasets-doctest-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("sub"))?;
/// std::fs::write(dir.join("b.txt"), b"bee")?;
/// std::fs::write(dir.join("sub").join("a.txt"), b"ay")?;
/// let files = ncodec_datasets::read_files(&[dir.clone()])?;
/// let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
/// assert_eq!(files.len(), 2);
/// assert!(names[0].ends_with("b.txt") && names[1].ends_with("a.txt"));
/// assert_eq!(files[1].1, b"ay");
/// std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
pub fn read_files(paths: &[PathBuf]) -> io::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| with_path(path, e))?;
        if meta.is_dir() {
            walk_dir(path, &mut out)?;
        } else if meta.is_file() {
            out.push(read_one(path)?);
        } else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: not a regular file or directory", path.display()),
            ));
        }
    }
    Ok(out)
}

/// Appends the regular files under `dir`, recursively, in sorted order.
fn walk_dir(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) -> io::Result<()> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| with_path(dir, e))? {
        let entry = entry.map_err(|e| with_path(dir, e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| with_path(&path, e))?;
        entries.push((entry.file_name(), path, kind));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, path, kind) in entries {
        if kind.is_dir() {
            walk_dir(&path, out)?;
        } else if kind.is_file() {
            out.push(read_one(&path)?);
        }
    }
    Ok(())
}

fn read_one(path: &Path) -> io::Result<(String, Vec<u8>)> {
    let bytes = fs::read(path).map_err(|e| with_path(path, e))?;
    Ok((path.to_string_lossy().into_owned(), bytes))
}

fn with_path(path: &Path, err: io::Error) -> io::Error {
    io::Error::new(err.kind(), format!("{}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh, empty directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> Self {
            let dir = std::env::temp_dir()
                .join(format!("ncodec-datasets-test-{tag}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).expect("create temp dir");
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn expands_directories_recursively_and_sorted() {
        let t = TempDir::new("walk");
        fs::create_dir_all(t.0.join("b_dir/inner")).unwrap();
        fs::write(t.0.join("c.txt"), b"c").unwrap();
        fs::write(t.0.join("a.txt"), b"a").unwrap();
        fs::write(t.0.join("b_dir/z.bin"), b"z").unwrap();
        fs::write(t.0.join("b_dir/inner/y"), b"").unwrap();
        let got = read_files(std::slice::from_ref(&t.0)).unwrap();
        let rel: Vec<String> = got
            .iter()
            .map(|(n, _)| {
                Path::new(n)
                    .strip_prefix(&t.0)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(rel, ["a.txt", "b_dir/inner/y", "b_dir/z.bin", "c.txt"]);
        assert_eq!(got[0].1, b"a");
        assert!(got[1].1.is_empty());
    }

    #[test]
    fn explicit_files_keep_given_order_and_names() {
        let t = TempDir::new("explicit");
        let (x, y) = (t.0.join("x"), t.0.join("y"));
        fs::write(&x, b"xx").unwrap();
        fs::write(&y, b"yyy").unwrap();
        let got = read_files(&[y.clone(), x.clone()]).unwrap();
        assert_eq!(got[0], (y.to_string_lossy().into_owned(), b"yyy".to_vec()));
        assert_eq!(got[1], (x.to_string_lossy().into_owned(), b"xx".to_vec()));
    }

    #[test]
    fn missing_path_is_an_error_naming_it() {
        let t = TempDir::new("missing");
        let missing = t.0.join("does-not-exist");
        let err = read_files(std::slice::from_ref(&missing)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(err.to_string().contains("does-not-exist"));
    }

    #[test]
    fn empty_input_gives_empty_output() {
        assert!(read_files(&[]).unwrap().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_inside_directories_are_skipped() {
        let t = TempDir::new("symlink");
        fs::write(t.0.join("real"), b"r").unwrap();
        std::os::unix::fs::symlink(t.0.join("real"), t.0.join("link")).unwrap();
        std::os::unix::fs::symlink(&t.0, t.0.join("loop")).unwrap();
        let got = read_files(std::slice::from_ref(&t.0)).unwrap();
        assert_eq!(got.len(), 1);
        assert!(got[0].0.ends_with("real"));
        // An explicitly named symlink is followed.
        let got = read_files(&[t.0.join("link")]).unwrap();
        assert_eq!(got[0].1, b"r");
    }
}
