//! Where the samples are in a WAV file: the `fmt ` chunk's sample format and the byte
//! range of the `data` chunk, read from the file's first bytes.

/// The integer PCM sample layout of a WAV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WavLayout {
    /// Interleaved channels, 1..=8.
    pub channels: usize,
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Bits per sample: 8 (unsigned), 16, 24 or 32 (signed), little-endian.
    pub bits: u32,
    /// Offset of the first sample byte.
    pub data_start: u64,
    /// One past the last sample byte (as the `data` chunk's size says; may be past the
    /// end of a truncated file).
    pub data_end: u64,
}

/// Why a file is not a WAV file `pcm` can code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WavError {
    /// Not a RIFF/WAVE file.
    #[error("not a WAV file")]
    NotWav,
    /// A WAV file whose samples are not integer PCM of 8, 16, 24 or 32 bits.
    #[error("unsupported WAV sample format: {0}")]
    Unsupported(String),
    /// The header is cut off or inconsistent.
    #[error("damaged WAV header: {0}")]
    Damaged(&'static str),
}

impl WavLayout {
    /// Bytes per interleaved frame.
    pub fn frame_bytes(&self) -> usize {
        self.channels * (self.bits as usize / 8)
    }

    /// Reads the layout from the file's first bytes (through the `data` chunk header).
    ///
    /// ```
    /// use ncodec::codecs::pcm::WavLayout;
    ///
    /// let mut wav = ncodec::codecs::speech::wav::header(4).to_vec();
    /// for sample in [0i16, 1, -1, 5] {
    ///     wav.extend_from_slice(&sample.to_le_bytes());
    /// }
    /// let layout = WavLayout::parse(&wav).unwrap();
    /// assert_eq!((layout.channels, layout.bits, layout.sample_rate), (1, 16, 16_000));
    /// assert_eq!(layout.data_end - layout.data_start, 8);
    /// ```
    pub fn parse(head: &[u8]) -> Result<Self, WavError> {
        if head.len() < 12 || &head[..4] != b"RIFF" || &head[8..12] != b"WAVE" {
            return Err(WavError::NotWav);
        }
        let mut at = 12usize;
        let mut format: Option<(usize, u32, u32, usize)> = None;
        loop {
            let Some(header) = head.get(at..at + 8) else {
                return Err(WavError::Damaged("no data chunk in the header"));
            };
            let id = &header[..4];
            let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as u64;
            let body = at + 8;
            if id == b"data" {
                let (channels, sample_rate, bits, block_align) =
                    format.ok_or(WavError::Damaged("data chunk before the fmt chunk"))?;
                if block_align != channels * bits as usize / 8 {
                    return Err(WavError::Unsupported(format!(
                        "block align {block_align} for {channels} channels of {bits} bits"
                    )));
                }
                return Ok(Self {
                    channels,
                    sample_rate,
                    bits,
                    data_start: body as u64,
                    data_end: body as u64 + size,
                });
            }
            if id == b"fmt " {
                let fmt = head
                    .get(body..body + 16)
                    .ok_or(WavError::Damaged("fmt chunk cut off"))?;
                let tag = u16::from_le_bytes([fmt[0], fmt[1]]);
                let channels = usize::from(u16::from_le_bytes([fmt[2], fmt[3]]));
                let sample_rate = u32::from_le_bytes([fmt[4], fmt[5], fmt[6], fmt[7]]);
                let block_align = usize::from(u16::from_le_bytes([fmt[12], fmt[13]]));
                let bits = u32::from(u16::from_le_bytes([fmt[14], fmt[15]]));
                let pcm = match tag {
                    1 => true,
                    0xFFFE => {
                        // WAVE_FORMAT_EXTENSIBLE: the sub-format GUID starts with the tag.
                        let sub = head
                            .get(body + 24..body + 26)
                            .ok_or(WavError::Damaged("extensible fmt chunk cut off"))?;
                        u16::from_le_bytes([sub[0], sub[1]]) == 1
                    }
                    _ => false,
                };
                if !pcm {
                    return Err(WavError::Unsupported(format!("format tag {tag:#x}")));
                }
                if !matches!(bits, 8 | 16 | 24 | 32) || !(1..=8).contains(&channels) {
                    return Err(WavError::Unsupported(format!(
                        "{channels} channels of {bits} bits"
                    )));
                }
                format = Some((channels, sample_rate, bits, block_align));
            }
            at = body
                .checked_add(size as usize + (size as usize & 1))
                .ok_or(WavError::Damaged("chunk size out of range"))?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_canonical_and_extensible_headers() {
        let mut wav = crate::codecs::speech::wav::header(3).to_vec();
        wav.extend_from_slice(&[1, 0, 2, 0, 3, 0]);
        let layout = WavLayout::parse(&wav).unwrap();
        assert_eq!(layout.data_start, 44);
        assert_eq!(layout.frame_bytes(), 2);
        assert_eq!(
            WavLayout::parse(b"RIFF....WAVEjunk"),
            Err(WavError::Damaged("no data chunk in the header"))
        );
        assert_eq!(WavLayout::parse(b"not a wav file"), Err(WavError::NotWav));
        let mut float = wav.clone();
        float[20] = 3; // IEEE float tag
        assert!(matches!(
            WavLayout::parse(&float),
            Err(WavError::Unsupported(_))
        ));
    }
}
