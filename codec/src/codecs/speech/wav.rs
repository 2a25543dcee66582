//! The `speech` codec's content: a canonical WAV file (RIFF, PCM, 16-bit, mono, 16 kHz,
//! a 44-byte header), which the CLI makes of any audio input.

use super::analysis::SAMPLE_RATE;

/// Bytes of the canonical header.
pub const HEADER_LEN: usize = 44;

/// The most samples a canonical header can announce (its RIFF size field is 32 bits).
pub const MAX_SAMPLES: usize = (u32::MAX as usize - 36) / 2;

/// The canonical header for `samples` samples (at most [`MAX_SAMPLES`]).
pub fn header(samples: usize) -> [u8; HEADER_LEN] {
    let data = (samples * 2) as u32;
    let mut h = [0u8; HEADER_LEN];
    h[0..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&(36 + data).to_le_bytes());
    h[8..16].copy_from_slice(b"WAVEfmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&1u16.to_le_bytes()); // PCM
    h[22..24].copy_from_slice(&1u16.to_le_bytes()); // mono
    h[24..28].copy_from_slice(&SAMPLE_RATE.to_le_bytes());
    h[28..32].copy_from_slice(&(SAMPLE_RATE * 2).to_le_bytes());
    h[32..34].copy_from_slice(&2u16.to_le_bytes());
    h[34..36].copy_from_slice(&16u16.to_le_bytes());
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data.to_le_bytes());
    h
}

/// The samples of a canonical WAV file (full scale ±1), or `None` if `bytes` is not one.
pub fn parse(bytes: &[u8]) -> Option<Vec<f32>> {
    if bytes.len() < HEADER_LEN || !(bytes.len() - HEADER_LEN).is_multiple_of(2) {
        return None;
    }
    let samples = (bytes.len() - HEADER_LEN) / 2;
    if samples > MAX_SAMPLES || bytes[..HEADER_LEN] != header(samples) {
        return None;
    }
    parse_samples(&bytes[HEADER_LEN..])
}

/// The number of samples a canonical header announces, or `None` if `head` does not
/// start with a canonical header.
pub fn announced_samples(head: &[u8]) -> Option<usize> {
    let field = head.get(40..HEADER_LEN)?;
    let data = u32::from_le_bytes([field[0], field[1], field[2], field[3]]) as usize;
    let samples = data / 2;
    (samples <= MAX_SAMPLES && head[..HEADER_LEN] == header(samples)).then_some(samples)
}

/// The samples of headerless 16-bit PCM (full scale ±1); `None` if its length is odd.
pub fn parse_samples(bytes: &[u8]) -> Option<Vec<f32>> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    Some(
        bytes
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]) as f32 / 32768.0)
            .collect(),
    )
}

/// A canonical WAV file of `samples` (clipped to ±1 and rounded to 16 bits).
pub fn write(samples: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + 2 * samples.len());
    out.extend_from_slice(&header(samples.len()));
    write_samples(samples, &mut out);
    out
}

/// Appends `samples` as headerless 16-bit PCM (clipped to ±1 and rounded).
pub fn write_samples(samples: &[f32], out: &mut Vec<u8>) {
    out.reserve(2 * samples.len());
    for &s in samples {
        let v = (s * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
        out.extend_from_slice(&v.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_files_round_trip_and_others_are_refused() {
        let wav = write(&[0.0, 0.5, -1.0, 2.0]);
        assert_eq!(wav.len(), HEADER_LEN + 8);
        let back = parse(&wav).unwrap();
        assert_eq!(back, vec![0.0, 0.5, -1.0, 32767.0 / 32768.0]);
        assert!(parse(&wav[..wav.len() - 1]).is_none());
        let mut stereo = wav.clone();
        stereo[22] = 2;
        assert!(parse(&stereo).is_none());
        assert!(parse(b"RIFF").is_none());
        assert_eq!(parse(&write(&[])).unwrap(), Vec::<f32>::new());
        assert_eq!(announced_samples(&wav), Some(4));
        assert_eq!(announced_samples(&header(1 << 20)), Some(1 << 20));
        assert_eq!(announced_samples(&stereo), None);
        assert_eq!(announced_samples(&wav[..43]), None);
        assert_eq!(parse_samples(&wav[HEADER_LEN..]).unwrap(), back);
        assert!(parse_samples(&wav[HEADER_LEN + 1..]).is_none());
    }
}
