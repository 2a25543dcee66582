//! Where the floats are: the byte ranges of float tensors in a safetensors or `.npy`
//! file, read from the file's own header, or a whole raw buffer of one type.

use super::dtype::FloatType;

/// The byte range of one tensor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Tensor name (`""` for `.npy` and raw buffers).
    pub name: String,
    /// First byte, from the start of the file.
    pub start: u64,
    /// One past the last byte (`u64::MAX`: to the end of the file).
    pub end: u64,
    /// Element type, `None` for non-float tensors (coded as bytes).
    pub dtype: Option<FloatType>,
}

/// The structure of a tensor file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Which container the regions were read from.
    pub kind: LayoutKind,
    /// Tensor regions, sorted by start, not overlapping.
    pub regions: Vec<Region>,
}

/// The file formats the `tensor` codec reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutKind {
    /// A safetensors file (`u64` header length, JSON header, tensor data).
    Safetensors,
    /// A NumPy `.npy` file.
    Npy,
    /// A raw buffer of one float type (`--dtype`).
    Raw,
}

/// Why a file is not a valid tensor file (what `ncodec compress --codec tensor` reports).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    /// The file starts like a safetensors or `.npy` file but its header is damaged.
    #[error("{0}")]
    BadHeader(String),
    /// The header describes more data than the file holds.
    #[error("truncated {format} file: the header describes {needed} bytes, the file has {found}")]
    Truncated {
        /// `safetensors` or `npy`.
        format: &'static str,
        /// Bytes the header needs.
        needed: u64,
        /// Bytes present.
        found: u64,
    },
    /// Neither safetensors nor `.npy`.
    #[error("not a safetensors or .npy file")]
    Unknown,
}

/// One piece of a chunk: `len` bytes, floats of `dtype` or plain bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segment {
    pub(crate) len: usize,
    pub(crate) dtype: Option<FloatType>,
}

/// Float runs shorter than this many elements join a neighbouring run of the same type
/// rather than pay for a symbol table of their own.
const MIN_RUN_ELEMENTS: usize = 2048;

impl Layout {
    /// A whole buffer of `dtype` elements.
    pub fn raw(dtype: FloatType) -> Self {
        Self {
            kind: LayoutKind::Raw,
            regions: vec![Region {
                name: String::new(),
                start: 0,
                end: u64::MAX,
                dtype: Some(dtype),
            }],
        }
    }

    /// Reads the layout from the first bytes of a file (at least its whole header), or
    /// fails saying why. Does not check the data's length; see [`Layout::check_length`].
    ///
    /// ```
    /// use ncodec::codecs::tensor::{FloatType, Layout, LayoutKind};
    ///
    /// let header = br#"{"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#;
    /// let mut file = (header.len() as u64).to_le_bytes().to_vec();
    /// file.extend_from_slice(header);
    /// file.extend_from_slice(&[0x80, 0x3f, 0x00, 0xc0]); // 1.0, -2.0
    /// let layout = Layout::parse(&file).unwrap();
    /// assert_eq!(layout.kind, LayoutKind::Safetensors);
    /// assert_eq!(layout.regions[0].dtype, Some(FloatType::Bf16));
    /// assert!(layout.check_length(file.len() as u64).is_ok());
    /// assert!(layout.check_length(file.len() as u64 - 1).is_err());
    /// ```
    pub fn parse(head: &[u8]) -> Result<Self, LayoutError> {
        if head.starts_with(NPY_MAGIC) {
            parse_npy(head)
        } else if looks_like_safetensors(head) {
            parse_safetensors(head)
        } else {
            Err(LayoutError::Unknown)
        }
    }

    /// Checks that a file of `length` bytes holds all the data the header describes.
    pub fn check_length(&self, length: u64) -> Result<(), LayoutError> {
        let needed = self
            .regions
            .iter()
            .filter(|r| r.end != u64::MAX)
            .map(|r| r.end)
            .max()
            .unwrap_or(0);
        if needed > length {
            let format = match self.kind {
                LayoutKind::Npy => "npy",
                _ => "safetensors",
            };
            return Err(LayoutError::Truncated {
                format,
                needed,
                found: length,
            });
        }
        Ok(())
    }

    /// Cuts the chunk `[offset, offset + len)` into float runs (whole elements of one
    /// tensor, or of neighbouring tensors of one type) and byte runs.
    pub(crate) fn segments(&self, offset: u64, len: usize) -> Vec<Segment> {
        let end = offset + len as u64;
        let mut segments: Vec<Segment> = Vec::new();
        let mut position = offset;
        let push = |segments: &mut Vec<Segment>, len: u64, dtype: Option<FloatType>| {
            if len == 0 {
                return;
            }
            let len = len as usize;
            if let Some(last) = segments.last_mut() {
                let small = |s: &Segment| {
                    s.dtype
                        .is_some_and(|t| s.len / t.bytes() < MIN_RUN_ELEMENTS)
                };
                let new = Segment { len, dtype };
                if last.dtype == dtype && (dtype.is_none() || small(last) || small(&new)) {
                    last.len += len;
                    return;
                }
            }
            segments.push(Segment { len, dtype });
        };
        for region in &self.regions {
            let Some(dtype) = region.dtype else { continue };
            if region.end <= position || region.start >= end {
                continue;
            }
            let width = dtype.bytes() as u64;
            let from = position.max(region.start);
            let first = region.start + (from - region.start).div_ceil(width) * width;
            let to = end.min(region.end);
            if to <= first {
                continue;
            }
            let last = region.start + (to - region.start) / width * width;
            if last <= first {
                continue;
            }
            push(&mut segments, first - position, None);
            push(&mut segments, last - first, Some(dtype));
            position = last;
        }
        push(&mut segments, end - position, None);
        segments
    }
}

const NPY_MAGIC: &[u8] = b"\x93NUMPY";

/// A safetensors file starts with a little-endian `u64` header length and a JSON object.
fn looks_like_safetensors(head: &[u8]) -> bool {
    head.len() >= 9 && head[8] == b'{'
}

fn bad(message: impl Into<String>) -> LayoutError {
    LayoutError::BadHeader(message.into())
}

fn parse_safetensors(head: &[u8]) -> Result<Layout, LayoutError> {
    let mut length = [0u8; 8];
    length.copy_from_slice(&head[..8]);
    let header_len = u64::from_le_bytes(length);
    let Some(header) = usize::try_from(header_len)
        .ok()
        .and_then(|n| head.get(8..8usize.checked_add(n)?))
    else {
        return Err(LayoutError::Truncated {
            format: "safetensors",
            needed: header_len.saturating_add(8),
            found: head.len() as u64,
        });
    };
    let json: serde_json::Value = serde_json::from_slice(header)
        .map_err(|e| bad(format!("safetensors header is not valid JSON: {e}")))?;
    let object = json
        .as_object()
        .ok_or_else(|| bad("safetensors header is not a JSON object"))?;
    let base = 8 + header_len;
    let mut regions = Vec::new();
    for (name, tensor) in object {
        if name == "__metadata__" {
            continue;
        }
        let dtype = tensor
            .get("dtype")
            .and_then(|d| d.as_str())
            .ok_or_else(|| bad(format!("tensor {name:?} has no dtype")))?;
        let offsets = tensor
            .get("data_offsets")
            .and_then(|o| o.as_array())
            .filter(|o| o.len() == 2)
            .and_then(|o| Some((o[0].as_u64()?, o[1].as_u64()?)))
            .ok_or_else(|| bad(format!("tensor {name:?} has no valid data_offsets")))?;
        let (start, end) = offsets;
        if end < start {
            return Err(bad(format!("tensor {name:?} ends before it starts")));
        }
        let elements = tensor
            .get("shape")
            .and_then(|s| s.as_array())
            .and_then(|dims| {
                dims.iter()
                    .try_fold(1u64, |n, d| n.checked_mul(d.as_u64()?))
            })
            .ok_or_else(|| bad(format!("tensor {name:?} has no valid shape")))?;
        let dtype = FloatType::from_safetensors(dtype);
        if let Some(t) = dtype {
            if elements.checked_mul(t.bytes() as u64) != Some(end - start) {
                return Err(bad(format!(
                    "tensor {name:?}: {elements} elements of {t} do not fill {} bytes",
                    end - start
                )));
            }
        }
        let (Some(start), Some(end)) = (base.checked_add(start), base.checked_add(end)) else {
            return Err(bad(format!("tensor {name:?} has offsets out of range")));
        };
        regions.push(Region {
            name: name.clone(),
            start,
            end,
            dtype,
        });
    }
    regions.sort_by_key(|r| (r.start, r.end));
    if regions.windows(2).any(|w| w[1].start < w[0].end) {
        return Err(bad("safetensors tensors overlap"));
    }
    Ok(Layout {
        kind: LayoutKind::Safetensors,
        regions,
    })
}

fn parse_npy(head: &[u8]) -> Result<Layout, LayoutError> {
    let truncated = || LayoutError::Truncated {
        format: "npy",
        needed: 12,
        found: head.len() as u64,
    };
    let major = *head.get(6).ok_or_else(truncated)?;
    let (header_len, start) = match major {
        1 => {
            let b = head.get(8..10).ok_or_else(truncated)?;
            (u64::from(u16::from_le_bytes([b[0], b[1]])), 10u64)
        }
        2 | 3 => {
            let b = head.get(8..12).ok_or_else(truncated)?;
            (
                u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                12u64,
            )
        }
        v => return Err(bad(format!("unsupported .npy version {v}"))),
    };
    let data = start + header_len;
    let header = head
        .get(start as usize..data as usize)
        .ok_or(LayoutError::Truncated {
            format: "npy",
            needed: data,
            found: head.len() as u64,
        })?;
    let header = std::str::from_utf8(header).map_err(|_| bad(".npy header is not text"))?;
    let descr = dict_value(header, "descr")
        .and_then(|v| v.strip_prefix('\'').or_else(|| v.strip_prefix('"')))
        .and_then(|v| v.split(['\'', '"']).next())
        .ok_or_else(|| bad(".npy header has no descr"))?;
    let dtype = match descr {
        "|f1" | "<f1" => None,
        d => FloatType::from_numpy(d),
    };
    let elements = dict_value(header, "shape")
        .and_then(|v| v.strip_prefix('('))
        .and_then(|v| v.split(')').next())
        .and_then(|dims| {
            dims.split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .try_fold(1u64, |n, d| n.checked_mul(d.parse().ok()?))
        })
        .ok_or_else(|| bad(".npy header has no valid shape"))?;
    let end = dtype
        .and_then(|t| elements.checked_mul(t.bytes() as u64))
        .and_then(|n| data.checked_add(n))
        .unwrap_or(u64::MAX);
    Ok(Layout {
        kind: LayoutKind::Npy,
        regions: vec![Region {
            name: String::new(),
            start: data,
            end,
            dtype,
        }],
    })
}

/// The text after `'key':` in a NumPy header dict.
fn dict_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let at = header
        .find(&format!("'{key}'"))
        .or_else(|| header.find(&format!("\"{key}\"")))?;
    let rest = &header[at + key.len() + 2..];
    Some(rest.trim_start().strip_prefix(':')?.trim_start())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn safetensors(header: &str, data_len: usize) -> Vec<u8> {
        let mut file = (header.len() as u64).to_le_bytes().to_vec();
        file.extend_from_slice(header.as_bytes());
        file.resize(file.len() + data_len, 0);
        file
    }

    #[test]
    fn safetensors_regions_and_segments() {
        let header = r#"{"__metadata__":{"format":"pt"},
            "b":{"dtype":"I64","shape":[2],"data_offsets":[8192,8208]},
            "a":{"dtype":"F32","shape":[2048],"data_offsets":[0,8192]}}"#;
        let file = safetensors(header, 8208);
        let layout = Layout::parse(&file).unwrap();
        assert_eq!(layout.regions.len(), 2);
        assert_eq!(layout.regions[0].name, "a");
        layout.check_length(file.len() as u64).unwrap();
        let base = 8 + header.len();
        let segments = layout.segments(0, file.len());
        assert_eq!(
            segments,
            [
                Segment {
                    len: base,
                    dtype: None
                },
                Segment {
                    len: 8192,
                    dtype: Some(FloatType::F32)
                },
                Segment {
                    len: 16,
                    dtype: None
                },
            ]
        );
        // A chunk boundary inside an element leaves the partial elements as bytes.
        let cut = base + 4001;
        let first = layout.segments(0, cut);
        let second = layout.segments(cut as u64, file.len() - cut);
        assert_eq!(first.iter().map(|s| s.len).sum::<usize>(), cut);
        assert_eq!(
            second.iter().map(|s| s.len).sum::<usize>(),
            file.len() - cut
        );
        assert_eq!(
            second[0],
            Segment {
                len: 3,
                dtype: None
            }
        );
    }

    #[test]
    fn broken_headers_are_reported() {
        assert_eq!(Layout::parse(b"hello world"), Err(LayoutError::Unknown));
        let file = safetensors(
            r#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
            8,
        );
        assert!(matches!(
            Layout::parse(&file),
            Err(LayoutError::BadHeader(_))
        ));
        let file = safetensors(
            r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
            4,
        );
        let layout = Layout::parse(&file).unwrap();
        assert!(matches!(
            layout.check_length(file.len() as u64),
            Err(LayoutError::Truncated { .. })
        ));
        let mut cut = safetensors(r#"{"a":{}}"#, 0);
        cut.truncate(12);
        assert!(matches!(
            Layout::parse(&cut),
            Err(LayoutError::Truncated { .. })
        ));
        let file = safetensors(r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0"#, 0);
        assert!(matches!(
            Layout::parse(&file),
            Err(LayoutError::BadHeader(_))
        ));
    }

    #[test]
    fn npy_headers() {
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }";
        let mut file = b"\x93NUMPY\x01\x00".to_vec();
        file.extend_from_slice(&(header.len() as u16).to_le_bytes());
        file.extend_from_slice(header.as_bytes());
        let data = file.len() as u64;
        file.resize(file.len() + 48, 0);
        let layout = Layout::parse(&file).unwrap();
        assert_eq!(layout.kind, LayoutKind::Npy);
        assert_eq!(layout.regions[0].start, data);
        assert_eq!(layout.regions[0].end, data + 48);
        assert_eq!(layout.regions[0].dtype, Some(FloatType::F32));
        assert!(layout.check_length(data + 47).is_err());
        let scalar = "{'descr': '<f8', 'fortran_order': False, 'shape': (), }";
        let mut file = b"\x93NUMPY\x01\x00".to_vec();
        file.extend_from_slice(&(scalar.len() as u16).to_le_bytes());
        file.extend_from_slice(scalar.as_bytes());
        let layout = Layout::parse(&file).unwrap();
        assert_eq!(layout.regions[0].end - layout.regions[0].start, 8);
    }
}
