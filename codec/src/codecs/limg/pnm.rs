//! Binary PNM files (`P5` gray, `P6` RGB, 8-bit): the content `limg` codes. Their bytes
//! are header + samples, so a photo decoded to PNM round-trips exactly (the canonical
//! spelling is [`RawImage::to_ppm`](crate::codecs::image::RawImage::to_ppm)'s; comments
//! and other whitespace are read too).

/// Where the samples of a PNM file lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PnmLayout {
    /// Pixels per row.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// 1 (`P5`) or 3 (`P6`).
    pub channels: usize,
    /// Offset of the first sample.
    pub data_start: u64,
    /// Offset after the last sample.
    pub data_end: u64,
}

/// Why bytes are not an 8-bit binary PNM file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an 8-bit binary PNM (P5/P6) file: {0}")]
pub struct PnmError(&'static str);

impl PnmLayout {
    /// Reads the header at the start of `head` (the file's first bytes).
    ///
    /// ```
    /// use ncodec::codecs::limg::PnmLayout;
    /// let file = ncodec::codecs::image::RawImage::new(2, 1, 3, vec![1, 2, 3, 4, 5, 6])?.to_ppm();
    /// let layout = PnmLayout::parse(&file).unwrap();
    /// assert_eq!((layout.width, layout.height, layout.channels), (2, 1, 3));
    /// assert_eq!(layout.data_end as usize, file.len());
    /// # Ok::<(), ncodec::Error>(())
    /// ```
    pub fn parse(head: &[u8]) -> Result<Self, PnmError> {
        let channels = match head.get(..2) {
            Some(b"P5") => 1,
            Some(b"P6") => 3,
            _ => return Err(PnmError("no P5/P6 magic")),
        };
        let mut at = 2;
        let mut fields = [0u64; 3];
        for field in &mut fields {
            // Whitespace and comments, then decimal digits.
            loop {
                match head.get(at) {
                    Some(b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C) => at += 1,
                    Some(b'#') => {
                        while head.get(at).is_some_and(|&b| b != b'\n' && b != b'\r') {
                            at += 1;
                        }
                    }
                    Some(_) => break,
                    None => return Err(PnmError("header cut short")),
                }
            }
            let start = at;
            while head.get(at).is_some_and(u8::is_ascii_digit) {
                *field = field
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(head[at] - b'0')))
                    .filter(|&v| v <= u64::from(u32::MAX))
                    .ok_or(PnmError("number too large"))?;
                at += 1;
            }
            if at == start {
                return Err(PnmError("a header field is not a number"));
            }
        }
        let [width, height, maxval] = fields;
        if maxval != 255 {
            return Err(PnmError("only 8-bit samples (maxval 255) are coded"));
        }
        if width == 0 || height == 0 {
            return Err(PnmError("empty image"));
        }
        // Exactly one whitespace byte ends the header.
        if !head.get(at).is_some_and(u8::is_ascii_whitespace) {
            return Err(PnmError("header cut short"));
        }
        let data_start = at as u64 + 1;
        let size = width
            .checked_mul(height)
            .and_then(|p| p.checked_mul(channels as u64))
            .ok_or(PnmError("image too large"))?;
        Ok(PnmLayout {
            width: width as usize,
            height: height as usize,
            channels,
            data_start,
            data_end: data_start + size,
        })
    }

    /// Bytes per row of samples.
    pub fn row_bytes(&self) -> u64 {
        (self.width * self.channels) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_with_comments_parse_and_bad_ones_do_not() {
        let layout = PnmLayout::parse(b"P5 # gray\n 3\t2 # size\n255\n......").unwrap();
        assert_eq!((layout.width, layout.height, layout.channels), (3, 2, 1));
        assert_eq!(layout.data_end - layout.data_start, 6);
        for bad in [
            &b"P4\n1 1\n255\n"[..],
            b"P6\n1 1\n65535\n",
            b"P6\n0 1\n255\n",
            b"P6\n1 1\n255",
            b"P6\n99999999999 1\n255\n",
            b"P6\nx 1\n255\n",
            b"",
        ] {
            assert!(
                PnmLayout::parse(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
