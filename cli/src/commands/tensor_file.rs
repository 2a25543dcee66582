//! Tensor files on the command line: `.safetensors` and `.npy` inputs are coded with the
//! `tensor` codec unless another codec was asked for, and their headers are checked
//! first, so a damaged model file is reported instead of silently coded as bytes.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context, Result};
use ncodec::codecs::tensor::{Layout, LayoutError};

use crate::args::CodingArgs;
use crate::output::is_stdin;

/// The codec used when no option names or implies another.
const DEFAULT_CODEC: &str = "cm";

/// Largest header read to check a file (safetensors headers of large models are a few
/// MB).
const MAX_HEAD: u64 = 64 << 20;

/// The options to compress `path` with: `options`, switched to `tensor` for a
/// safetensors or `.npy` file when no codec was named, after checking the file's header
/// whenever `tensor` codes it.
pub fn options_for(
    path: &Path,
    args: &CodingArgs,
    options: &ncodec::CompressOptions,
) -> Result<ncodec::CompressOptions> {
    if is_stdin(path) {
        return Ok(options.clone());
    }
    let named = is_tensor_name(path);
    let chosen_by_default = codec_is_default(args, options);
    let tensor = options.codec_name() == "tensor";
    if !(tensor || (named && chosen_by_default)) || args.dtype.is_some() {
        return Ok(options.clone());
    }
    match check(path) {
        Ok(()) => Ok(options.clone().codec("tensor")),
        // A raw buffer for `tensor` (its type is guessed), or another kind of file that
        // only has a tensor name (left to the default codec).
        Err(LayoutError::Unknown) => Ok(options.clone()),
        Err(err) => bail!(
            "{err}; compress it as plain bytes with --codec cm, or as raw floats with --dtype TYPE"
        ),
    }
}

/// Whether the codec is the default one, picked by no option (so a file's type may
/// choose another).
pub fn codec_is_default(args: &CodingArgs, options: &ncodec::CompressOptions) -> bool {
    args.codec.is_none() && args.level.is_none() && options.codec_name() == DEFAULT_CODEC
}

/// Whether the file name says safetensors or NumPy.
fn is_tensor_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("safetensors") || e.eq_ignore_ascii_case("npy"))
}

/// Reads the file's header and checks that the file holds what it describes.
fn check(path: &Path) -> Result<(), LayoutError> {
    let read = || -> Result<(Vec<u8>, u64)> {
        let mut file =
            File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let length = file.metadata()?.len();
        let mut head = vec![0u8; 8.min(length) as usize];
        file.read_exact(&mut head)?;
        // A safetensors header's length is its first 8 bytes; a .npy header is short.
        let wanted = if head.len() == 8 && !head.starts_with(b"\x93NUMPY") {
            u64::from_le_bytes(head[..8].try_into()?).saturating_add(8)
        } else {
            1 << 16
        };
        let wanted = wanted.min(length).min(MAX_HEAD);
        head.resize(wanted as usize, 0);
        file.read_exact(&mut head[8.min(length) as usize..])?;
        Ok((head, length))
    };
    let Ok((head, length)) = read() else {
        // Unreadable files are reported by the compressor itself.
        return Err(LayoutError::Unknown);
    };
    Layout::parse(&head)?.check_length(length)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_tensor_name(Path::new("model.safetensors")));
        assert!(is_tensor_name(Path::new("x.NPY")));
        assert!(!is_tensor_name(Path::new("model.bin")));
    }
}
