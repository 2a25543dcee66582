//! Audio files for the speech codec and its evaluation: decoding any format symphonia
//! reads here (WAV in 8/16/24/32-bit integer or 32/64-bit float PCM, FLAC, MP3, Ogg
//! Vorbis), down-mixing to mono, band-limited resampling with exact output lengths, and
//! 16-bit PCM WAV files in and out.
//!
//! Samples are `f32` in `[-1, 1]`; 16-bit PCM maps to them as `i / 32768` (so
//! [`to_pcm16`] after [`from_pcm16`] gives the samples back exactly).
//!
//! ```
//! use ncodec_datasets::audio;
//!
//! let tone: Vec<f32> = (0..4410).map(|i| (i as f32 * 0.05).sin() * 0.5).collect();
//! let wav = audio::pcm16_wav_bytes(&tone, 44_100)?;
//! let decoded = audio::decode_audio_bytes(&wav, Some("wav"))?;
//! assert_eq!((decoded.sample_rate, decoded.frames()), (44_100, 4410));
//! let speech = audio::resample(&audio::to_mono(&decoded), 44_100, 16_000)?;
//! assert_eq!(speech.len(), 1600);
//! # Ok::<(), audio::AudioError>(())
//! ```

use std::io::Cursor;
use std::path::Path;

use rubato::{FftFixedInOut, Resampler};
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::{MediaSource, MediaSourceStream, ReadOnlySource};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// The file extensions [`read_audio`] is meant for (lower case): what folders are
/// searched for.
pub const AUDIO_EXTENSIONS: [&str; 4] = ["wav", "flac", "mp3", "ogg"];

/// Length in bytes of the canonical WAV header [`pcm16_wav_bytes`] writes
/// (`RIFF`, a 16-byte `fmt ` chunk, `data`).
pub const WAV_HEADER_BYTES: usize = 44;

/// Decoded audio: planar `f32` samples in `[-1, 1]`, every channel of the same length.
#[derive(Debug, Clone, PartialEq)]
pub struct Audio {
    /// Samples per second of each channel.
    pub sample_rate: u32,
    /// One sample vector per channel (at least one).
    pub channels: Vec<Vec<f32>>,
}

impl Audio {
    /// One channel of samples.
    pub fn mono(samples: Vec<f32>, sample_rate: u32) -> Self {
        Audio {
            sample_rate,
            channels: vec![samples],
        }
    }

    /// Samples per channel.
    pub fn frames(&self) -> usize {
        self.channels.first().map_or(0, Vec::len)
    }

    /// Duration in seconds.
    pub fn seconds(&self) -> f64 {
        self.frames() as f64 / f64::from(self.sample_rate.max(1))
    }
}

/// Why audio could not be read, converted or written.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The bytes are not audio in a format this build decodes, or are damaged.
    #[error("cannot decode audio: {0}")]
    Decode(String),
    /// The stream has no audio track, or decodes to no samples.
    #[error("no audio in the stream")]
    Empty,
    /// The stream is audio of a kind these helpers do not handle.
    #[error("unsupported audio: {0}")]
    Unsupported(String),
    /// A sample rate of 0, or one beyond what the resampler handles.
    #[error("invalid sample rate {0}")]
    InvalidRate(u32),
    /// The resampler failed.
    #[error("resampling: {0}")]
    Resample(String),
    /// A WAV file could not be written or parsed.
    #[error("WAV: {0}")]
    Wav(String),
}

/// Reads and decodes the audio file at `path` (the format is found from the content,
/// helped by the extension).
pub fn read_audio(path: &Path) -> Result<Audio, AudioError> {
    let file = std::fs::File::open(path).map_err(|source| AudioError::Io {
        path: path.display().to_string(),
        source,
    })?;
    decode(Box::new(file), path.extension().and_then(|e| e.to_str()))
}

/// Decodes a whole audio file held in memory; `hint_ext` (`"wav"`, `"flac"`, …) helps
/// the format probe but is not trusted. MP3 files are read gaplessly: the encoder delay
/// and padding that a LAME/Xing header records are trimmed. A packet that fails to
/// decode is an error (no part of a damaged file is silently skipped).
pub fn decode_audio_bytes(bytes: &[u8], hint_ext: Option<&str>) -> Result<Audio, AudioError> {
    decode(Box::new(Cursor::new(bytes.to_vec())), hint_ext)
}

fn decode(source: Box<dyn MediaSource>, hint_ext: Option<&str>) -> Result<Audio, AudioError> {
    let mut packets = Packets::open(source, hint_ext)?;
    let mut channels: Vec<Vec<f32>> = Vec::new();
    while let Some((count, samples)) = packets.next()? {
        if channels.is_empty() {
            channels = vec![Vec::new(); count];
        }
        for frame in samples.chunks_exact(count) {
            for (channel, &s) in channels.iter_mut().zip(frame) {
                channel.push(s);
            }
        }
    }
    if let Some(n) = packets.declared_frames() {
        for channel in &mut channels {
            channel.truncate(n);
        }
    }
    let sample_rate = packets.sample_rate().ok_or(AudioError::Empty)?;
    if channels.first().is_none_or(Vec::is_empty) {
        return Err(AudioError::Empty);
    }
    Ok(Audio {
        sample_rate,
        channels,
    })
}

/// A stream's audio track being decoded packet by packet.
struct Packets {
    format: Box<dyn FormatReader>,
    decoder: Box<dyn symphonia::core::codecs::Decoder>,
    track_id: u32,
    /// What the container says the stream holds: decoding gaplessly trims the leading
    /// delay but not always the trailing padding (Ogg Vorbis), which readers cut.
    n_frames: Option<u64>,
    sample_rate: Option<u32>,
    /// Channels, once the first packet is decoded (0 before).
    channels: usize,
    buffer: Option<SampleBuffer<f32>>,
}

impl Packets {
    fn open(source: Box<dyn MediaSource>, hint_ext: Option<&str>) -> Result<Self, AudioError> {
        let source = MediaSourceStream::new(source, Default::default());
        let mut hint = Hint::new();
        if let Some(ext) = hint_ext {
            hint.with_extension(ext);
        }
        let format_options = FormatOptions {
            enable_gapless: true,
            ..FormatOptions::default()
        };
        let probed = symphonia::default::get_probe()
            .format(&hint, source, &format_options, &MetadataOptions::default())
            .map_err(decode_error)?;
        let format = probed.format;
        let track = format
            .tracks()
            .iter()
            .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
            .ok_or(AudioError::Empty)?;
        let decoder = symphonia::default::get_codecs()
            .make(&track.codec_params, &DecoderOptions::default())
            .map_err(decode_error)?;
        Ok(Self {
            track_id: track.id,
            n_frames: track.codec_params.n_frames,
            sample_rate: track.codec_params.sample_rate,
            format,
            decoder,
            channels: 0,
            buffer: None,
        })
    }

    /// The sample rate the container declares, or else the first packet's (0 is none).
    fn sample_rate(&self) -> Option<u32> {
        self.sample_rate.filter(|&r| r > 0)
    }

    /// The frames (samples per channel) the container declares, if it does.
    fn declared_frames(&self) -> Option<usize> {
        self.n_frames.and_then(|n| usize::try_from(n).ok())
    }

    /// The next packet's samples, interleaved, with the channel count; `None` at the end.
    /// A packet that fails to decode, or a change of channel count or rate, is an error.
    fn next(&mut self) -> Result<Option<(usize, &[f32])>, AudioError> {
        loop {
            let packet = match self.format.next_packet() {
                Ok(packet) => packet,
                Err(SymphoniaError::IoError(e))
                    if e.kind() == std::io::ErrorKind::UnexpectedEof =>
                {
                    return Ok(None)
                }
                Err(e) => return Err(decode_error(e)),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            let decoded = self.decoder.decode(&packet).map_err(decode_error)?;
            let spec = *decoded.spec();
            let count = spec.channels.count();
            if count == 0 {
                return Err(AudioError::Unsupported("a stream with 0 channels".into()));
            }
            if self.channels == 0 {
                self.channels = count;
            } else if self.channels != count {
                return Err(AudioError::Unsupported(format!(
                    "the channel count changes from {} to {count}",
                    self.channels
                )));
            }
            match self.sample_rate {
                None => self.sample_rate = Some(spec.rate),
                Some(rate) if rate != spec.rate => {
                    return Err(AudioError::Unsupported(format!(
                        "the sample rate changes from {rate} to {}",
                        spec.rate
                    )))
                }
                Some(_) => {}
            }
            if decoded.frames() == 0 {
                continue;
            }
            let needed = decoded.capacity() as u64;
            let fits = (self.buffer.as_ref())
                .is_some_and(|b| b.capacity() as u64 >= needed * count as u64);
            if !fits {
                self.buffer = None;
            }
            let buf = (self.buffer).get_or_insert_with(|| SampleBuffer::new(needed, spec));
            buf.copy_interleaved_ref(decoded);
            return Ok(Some((count, buf.samples())));
        }
    }
}

fn decode_error(e: SymphoniaError) -> AudioError {
    AudioError::Decode(e.to_string())
}

/// Audio read and decoded as it is needed, down-mixed to mono (as [`to_mono`] does):
/// memory stays that of one packet however long the stream is.
///
/// ```
/// use ncodec_datasets::audio;
///
/// let tone: Vec<f32> = (0..4410).map(|i| (i as f32 * 0.05).sin() * 0.5).collect();
/// let wav = audio::pcm16_wav_bytes(&tone, 44_100)?;
/// let mut stream = audio::MonoStream::new(std::io::Cursor::new(wav.clone()), Some("wav"))?;
/// assert_eq!((stream.sample_rate(), stream.declared_frames()), (Some(44_100), Some(4410)));
/// let mut samples = Vec::new();
/// while stream.read_into(&mut samples)? {}
/// assert_eq!(samples, audio::to_mono(&audio::decode_audio_bytes(&wav, None)?));
/// let mut file = audio::MonoStream::new_seekable(std::io::Cursor::new(wav), None)?;
/// let mut again = Vec::new();
/// while file.read_into(&mut again)? {}
/// assert_eq!(again, samples);
/// # Ok::<(), audio::AudioError>(())
/// ```
pub struct MonoStream {
    packets: Packets,
    /// Frames handed out so far.
    given: usize,
}

impl MonoStream {
    /// Starts decoding `reader` (read front to back only: standard input will do);
    /// `hint_ext` helps the format probe as in [`decode_audio_bytes`].
    pub fn new(
        reader: impl std::io::Read + Send + 'static,
        hint_ext: Option<&str>,
    ) -> Result<Self, AudioError> {
        let source = ReadOnlySource::new(SyncReader(std::sync::Mutex::new(reader)));
        Ok(Self {
            packets: Packets::open(Box::new(source), hint_ext)?,
            given: 0,
        })
    }

    /// Like [`new`](Self::new) for a reader that can seek, such as a file: some formats
    /// (Ogg) learn their exact length, and so trim their padding, only by seeking.
    pub fn new_seekable(
        mut reader: impl std::io::Read + std::io::Seek + Send + 'static,
        hint_ext: Option<&str>,
    ) -> Result<Self, AudioError> {
        let io_error = |e: std::io::Error| AudioError::Decode(e.to_string());
        let start = reader.stream_position().map_err(io_error)?;
        let end = reader.seek(std::io::SeekFrom::End(0)).map_err(io_error)?;
        reader
            .seek(std::io::SeekFrom::Start(start))
            .map_err(io_error)?;
        let source = SeekableSource {
            inner: std::sync::Mutex::new(reader),
            len: end.saturating_sub(start),
        };
        Ok(Self {
            packets: Packets::open(Box::new(source), hint_ext)?,
            given: 0,
        })
    }

    /// The sample rate: the container's, or after the first [`read_into`](Self::read_into)
    /// the first packet's.
    pub fn sample_rate(&self) -> Option<u32> {
        self.packets.sample_rate()
    }

    /// The number of frames the container declares (the stream gives at most these).
    pub fn declared_frames(&self) -> Option<usize> {
        self.packets.declared_frames()
    }

    /// Appends the next packet's mono samples to `out`; `false` once the stream is over.
    pub fn read_into(&mut self, out: &mut Vec<f32>) -> Result<bool, AudioError> {
        let limit = self.packets.declared_frames().unwrap_or(usize::MAX);
        let Some((count, samples)) = self.packets.next()? else {
            return Ok(false);
        };
        let frames = (samples.len() / count).min(limit.saturating_sub(self.given));
        if count == 1 {
            out.extend_from_slice(&samples[..frames]);
        } else {
            let n = count as f32;
            out.extend(
                samples
                    .chunks_exact(count)
                    .take(frames)
                    .map(|frame| frame.iter().sum::<f32>() / n),
            );
        }
        self.given += frames;
        Ok(true)
    }
}

/// Makes a reader `Sync` for symphonia's `ReadOnlySource` (it is only ever used by one
/// thread at a time, through `&mut`).
struct SyncReader<R>(std::sync::Mutex<R>);

impl<R: std::io::Read> std::io::Read for SyncReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        unpoisoned(&mut self.0).read(buf)
    }
}

/// A seekable reader as symphonia's media source (`Sync` as [`SyncReader`] is).
struct SeekableSource<R> {
    inner: std::sync::Mutex<R>,
    len: u64,
}

impl<R: std::io::Read> std::io::Read for SeekableSource<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        unpoisoned(&mut self.inner).read(buf)
    }
}

impl<R: std::io::Seek> std::io::Seek for SeekableSource<R> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        unpoisoned(&mut self.inner).seek(to)
    }
}

impl<R: std::io::Read + std::io::Seek + Send> MediaSource for SeekableSource<R> {
    fn is_seekable(&self) -> bool {
        true
    }
    fn byte_len(&self) -> Option<u64> {
        Some(self.len)
    }
}

/// The value behind a mutex only ever used through `&mut` (a panic elsewhere cannot
/// leave it half-updated).
fn unpoisoned<R>(mutex: &mut std::sync::Mutex<R>) -> &mut R {
    match mutex.get_mut() {
        Ok(inner) => inner,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// The channels' average, sample by sample.
pub fn to_mono(audio: &Audio) -> Vec<f32> {
    match audio.channels.as_slice() {
        [] => Vec::new(),
        [only] => only.clone(),
        all => {
            let n = all.len() as f32;
            (0..audio.frames())
                .map(|i| {
                    all.iter()
                        .map(|c| c.get(i).copied().unwrap_or(0.0))
                        .sum::<f32>()
                        / n
                })
                .collect()
        }
    }
}

/// The output length of [`resample`]: `round(len · to / from)`.
pub fn resampled_len(len: usize, from_rate: u32, to_rate: u32) -> usize {
    let (len, from, to) = (len as u128, u128::from(from_rate), u128::from(to_rate));
    if from == 0 {
        return 0;
    }
    ((2 * len * to + from) / (2 * from)) as usize
}

/// Resamples one channel from `from_rate` to `to_rate` with rubato's FFT resampler
/// (windowed-sinc anti-aliasing filter, linear phase): exactly
/// [`resampled_len`] samples, with the resampler's delay removed (sample `i` of the
/// output is at time `i / to_rate`, as sample `j` of the input is at `j / from_rate`)
/// and its tail flushed. Equal rates return the input unchanged.
pub fn resample(samples: &[f32], from_rate: u32, to_rate: u32) -> Result<Vec<f32>, AudioError> {
    let mut resampler = StreamResampler::new(from_rate, to_rate)?;
    let mut out = Vec::with_capacity(resampled_len(samples.len(), from_rate, to_rate));
    resampler.push(samples, &mut out)?;
    resampler.finish(&mut out)?;
    Ok(out)
}

/// [`resample`] for a signal that arrives in pieces: the same output, sample for sample,
/// with memory for one block of the resampler whatever the length.
///
/// ```
/// use ncodec_datasets::audio::{resample, StreamResampler};
///
/// let signal: Vec<f32> = (0..10_000).map(|i| (i as f32 * 0.01).sin()).collect();
/// let mut resampler = StreamResampler::new(44_100, 16_000)?;
/// let mut out = Vec::new();
/// for piece in signal.chunks(777) {
///     resampler.push(piece, &mut out)?;
/// }
/// resampler.finish(&mut out)?;
/// assert_eq!(out, resample(&signal, 44_100, 16_000)?);
/// # Ok::<(), ncodec_datasets::audio::AudioError>(())
/// ```
pub struct StreamResampler {
    /// `None` when the rates are equal (samples pass through).
    fft: Option<FftFixedInOut<f32>>,
    rates: (u32, u32),
    /// Input not yet processed (less than one block).
    pending: Vec<f32>,
    output: Vec<Vec<f32>>,
    /// Output samples still to drop: the resampler's delay.
    delay_left: usize,
    /// Input samples pushed so far.
    pushed: usize,
    /// Output samples handed out so far.
    given: usize,
}

impl StreamResampler {
    /// A resampler from `from_rate` to `to_rate` (each 1 Hz to 1.536 MHz).
    pub fn new(from_rate: u32, to_rate: u32) -> Result<Self, AudioError> {
        for rate in [from_rate, to_rate] {
            if rate == 0 || rate > 1_536_000 {
                return Err(AudioError::InvalidRate(rate));
            }
        }
        let mut resampler = Self {
            fft: None,
            rates: (from_rate, to_rate),
            pending: Vec::new(),
            output: Vec::new(),
            delay_left: 0,
            pushed: 0,
            given: 0,
        };
        if from_rate != to_rate {
            // The FFT resampler's filter is centred on input sample `chunk_in / 2`: with
            // an even number of its smallest chunks, that is exactly output sample
            // `chunk_out / 2`, the delay dropped, so the output is aligned to the sample,
            // not just about.
            let (from, to) = (from_rate as usize, to_rate as usize);
            let unit_in = from / gcd(from, to);
            let units = 1024usize.div_ceil(unit_in).next_multiple_of(2);
            let fft = FftFixedInOut::<f32>::new(from, to, units * unit_in, 1)
                .map_err(|e| AudioError::Resample(e.to_string()))?;
            resampler.delay_left = fft.output_delay();
            resampler.pending.reserve(fft.input_frames_next());
            resampler.output = vec![vec![0.0; fft.output_frames_next()]];
            resampler.fft = Some(fft);
        }
        Ok(resampler)
    }

    /// Resamples `samples` (the signal's next ones), appending what is ready to `out`.
    pub fn push(&mut self, mut samples: &[f32], out: &mut Vec<f32>) -> Result<(), AudioError> {
        self.pushed += samples.len();
        let Some(fft) = &self.fft else {
            out.extend_from_slice(samples);
            self.given += samples.len();
            return Ok(());
        };
        let block = fft.input_frames_next();
        while !samples.is_empty() {
            let take = (block - self.pending.len()).min(samples.len());
            self.pending.extend_from_slice(&samples[..take]);
            samples = &samples[take..];
            if self.pending.len() == block {
                self.process_block(out, usize::MAX)?;
            }
        }
        Ok(())
    }

    /// Flushes the filter's tail: after this, `out` has received exactly
    /// [`resampled_len`] of everything pushed.
    pub fn finish(mut self, out: &mut Vec<f32>) -> Result<(), AudioError> {
        let want = resampled_len(self.pushed, self.rates.0, self.rates.1);
        let Some(fft) = &self.fft else {
            return Ok(());
        };
        let block = fft.input_frames_next();
        // Past the end the input is zeros: they flush the filter's tail.
        while self.given < want {
            self.pending.resize(block, 0.0);
            self.process_block(out, want)?;
        }
        Ok(())
    }

    /// Runs the full block in `pending`, handing out its output after the delay, up to
    /// `limit` samples in all.
    fn process_block(&mut self, out: &mut Vec<f32>, limit: usize) -> Result<(), AudioError> {
        let Some(fft) = &mut self.fft else {
            return Ok(());
        };
        let (_, written) = fft
            .process_into_buffer(&[&self.pending], &mut self.output, None)
            .map_err(|e| AudioError::Resample(e.to_string()))?;
        self.pending.clear();
        let skip = self.delay_left.min(written);
        self.delay_left -= skip;
        let give = (written - skip).min(limit.saturating_sub(self.given));
        out.extend_from_slice(&self.output[0][skip..skip + give]);
        self.given += give;
        Ok(())
    }
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `f32` samples to 16-bit PCM: scaled by 32768, rounded, clipped to `i16`.
pub fn to_pcm16(samples: &[f32]) -> Vec<i16> {
    samples
        .iter()
        .map(|&s| {
            let v = (f64::from(s) * 32768.0).round();
            if v.is_nan() {
                0
            } else {
                v.clamp(-32768.0, 32767.0) as i16
            }
        })
        .collect()
}

/// 16-bit PCM to `f32` samples (`i / 32768`).
pub fn from_pcm16(samples: &[i16]) -> Vec<f32> {
    samples.iter().map(|&s| f32::from(s) / 32768.0).collect()
}

/// The bytes of a mono 16-bit PCM WAV file (the canonical 44-byte header, then the
/// samples, [clipped and rounded](to_pcm16)), written by hound.
pub fn pcm16_wav_bytes(samples: &[f32], sample_rate: u32) -> Result<Vec<u8>, AudioError> {
    if sample_rate == 0 {
        return Err(AudioError::InvalidRate(0));
    }
    let samples_u32 = u32::try_from(samples.len())
        .ok()
        .filter(|&n| u64::from(n) * 2 + WAV_HEADER_BYTES as u64 <= u64::from(u32::MAX))
        .ok_or_else(|| {
            AudioError::Wav(format!(
                "{} samples do not fit in a WAV file",
                samples.len()
            ))
        })?;
    let fail = |e: hound::Error| AudioError::Wav(e.to_string());
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut bytes = Vec::with_capacity(WAV_HEADER_BYTES + 2 * samples.len());
    {
        let mut writer = hound::WavWriter::new(Cursor::new(&mut bytes), spec).map_err(fail)?;
        let mut pcm = writer.get_i16_writer(samples_u32);
        for s in to_pcm16(samples) {
            pcm.write_sample(s);
        }
        pcm.flush().map_err(fail)?;
        writer.finalize().map_err(fail)?;
    }
    Ok(bytes)
}

/// Writes `samples` as a mono 16-bit PCM WAV file (see [`pcm16_wav_bytes`]).
pub fn write_wav_pcm16(path: &Path, samples: &[f32], sample_rate: u32) -> Result<(), AudioError> {
    let bytes = pcm16_wav_bytes(samples, sample_rate)?;
    std::fs::write(path, bytes).map_err(|source| AudioError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// A 16-bit PCM WAV file's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pcm16 {
    /// Samples per second.
    pub sample_rate: u32,
    /// Number of channels.
    pub channels: u16,
    /// The samples, interleaved when there is more than one channel.
    pub samples: Vec<i16>,
}

/// Parses a 16-bit integer PCM WAV file (read by hound; any other sample format is
/// [`AudioError::Unsupported`]).
pub fn read_wav_pcm16(bytes: &[u8]) -> Result<Pcm16, AudioError> {
    let fail = |e: hound::Error| AudioError::Wav(e.to_string());
    let reader = hound::WavReader::new(Cursor::new(bytes)).map_err(fail)?;
    let spec = reader.spec();
    if spec.sample_format != hound::SampleFormat::Int || spec.bits_per_sample != 16 {
        return Err(AudioError::Unsupported(format!(
            "{}-bit {:?} WAV samples, not 16-bit PCM",
            spec.bits_per_sample, spec.sample_format
        )));
    }
    let samples = reader
        .into_samples::<i16>()
        .collect::<Result<Vec<i16>, _>>()
        .map_err(fail)?;
    Ok(Pcm16 {
        sample_rate: spec.sample_rate,
        channels: spec.channels,
        samples,
    })
}

/// A WAV file (RIFF, integer PCM) holding `audio` exactly: 16-bit samples when every
/// value is a multiple of 2^-15 in `[-1, 1)` (any 16-bit source decoded to floats), else
/// 24-bit. This is what lossless coding of a FLAC, MP3 or OGG file codes.
///
/// ```
/// use ncodec_datasets::audio::{integer_wav, Audio};
///
/// let wav = integer_wav(&Audio::mono(vec![0.0, 0.5, -1.0], 16_000));
/// assert_eq!(&wav[..4], b"RIFF");
/// assert_eq!(u16::from_le_bytes([wav[34], wav[35]]), 16);
/// assert_eq!(wav.len(), 44 + 6);
/// ```
pub fn integer_wav(audio: &Audio) -> Vec<u8> {
    let exact16 = audio
        .channels
        .iter()
        .flatten()
        .all(|&x| (x * 32768.0).fract() == 0.0 && (-1.0..1.0).contains(&x));
    let (bits, scale) = if exact16 {
        (16u16, 32768.0)
    } else {
        (24u16, 8_388_608.0)
    };
    let frames = audio.frames();
    let channels = audio.channels.len().max(1) as u16;
    let data_len = frames * usize::from(channels) * usize::from(bits / 8);
    let mut wav = Vec::with_capacity(44 + data_len);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len as u32).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes());
    wav.extend_from_slice(&channels.to_le_bytes());
    wav.extend_from_slice(&audio.sample_rate.to_le_bytes());
    let align = channels * (bits / 8);
    wav.extend_from_slice(&(audio.sample_rate * u32::from(align)).to_le_bytes());
    wav.extend_from_slice(&align.to_le_bytes());
    wav.extend_from_slice(&bits.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(data_len as u32).to_le_bytes());
    let max = scale - 1.0;
    for n in 0..frames {
        for channel in &audio.channels {
            let value = (f64::from(channel[n]) * scale).round().clamp(-scale, max) as i32;
            if bits == 16 {
                wav.extend_from_slice(&(value as i16).to_le_bytes());
            } else {
                wav.extend_from_slice(&value.to_le_bytes()[..3]);
            }
        }
    }
    wav
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f64, rate: u32, len: usize, amp: f64) -> Vec<f32> {
        (0..len)
            .map(|i| {
                (amp * (2.0 * std::f64::consts::PI * freq * i as f64 / f64::from(rate)).sin())
                    as f32
            })
            .collect()
    }

    fn rms(x: &[f32]) -> f64 {
        (x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
    }

    #[test]
    fn wav_round_trips_exactly_through_hound_and_symphonia() {
        let pcm: Vec<i16> = (0..1000)
            .map(|i| ((i * 7919) % 65_536 - 32_768) as i16)
            .collect();
        let samples = from_pcm16(&pcm);
        let wav = pcm16_wav_bytes(&samples, 16_000).expect("writes");
        assert_eq!(wav.len(), WAV_HEADER_BYTES + 2 * pcm.len());
        assert_eq!(&wav[..4], b"RIFF");
        assert_eq!(&wav[36..40], b"data");
        let parsed = read_wav_pcm16(&wav).expect("parses");
        assert_eq!((parsed.sample_rate, parsed.channels), (16_000, 1));
        assert_eq!(parsed.samples, pcm);
        let decoded = decode_audio_bytes(&wav, Some("wav")).expect("decodes");
        assert_eq!(decoded.sample_rate, 16_000);
        assert_eq!(decoded.channels, vec![samples.clone()]);
        assert_eq!(to_pcm16(&decoded.channels[0]), pcm);
        // Clipping and rounding.
        assert_eq!(
            to_pcm16(&[1.5, -2.0, 0.5 / 32768.0, f32::NAN]),
            [32767, -32768, 1, 0]
        );
    }

    #[test]
    fn float_and_24_bit_stereo_wavs_decode_and_mix_down() {
        let mut bytes = Vec::new();
        {
            let spec = hound::WavSpec {
                channels: 2,
                sample_rate: 8000,
                bits_per_sample: 32,
                sample_format: hound::SampleFormat::Float,
            };
            let mut w = hound::WavWriter::new(Cursor::new(&mut bytes), spec).expect("writer");
            for i in 0..100 {
                w.write_sample(i as f32 / 100.0).expect("write");
                w.write_sample(-0.5f32).expect("write");
            }
            w.finalize().expect("finalize");
        }
        let audio = decode_audio_bytes(&bytes, None).expect("decodes float WAV");
        assert_eq!(
            (audio.sample_rate, audio.channels.len(), audio.frames()),
            (8000, 2, 100)
        );
        let mono = to_mono(&audio);
        assert!((mono[50] - (0.5 - 0.5) / 2.0).abs() < 1e-6);
        assert!((mono[99] - (0.99 - 0.5) / 2.0).abs() < 1e-6);

        let mut bytes = Vec::new();
        {
            let spec = hound::WavSpec {
                channels: 1,
                sample_rate: 48_000,
                bits_per_sample: 24,
                sample_format: hound::SampleFormat::Int,
            };
            let mut w = hound::WavWriter::new(Cursor::new(&mut bytes), spec).expect("writer");
            for v in [0i32, 4_194_304, -8_388_608, 8_388_607] {
                w.write_sample(v).expect("write");
            }
            w.finalize().expect("finalize");
        }
        let audio = decode_audio_bytes(&bytes, Some("wav")).expect("decodes 24-bit WAV");
        let expect = [0.0, 0.5, -1.0, 8_388_607.0 / 8_388_608.0];
        for (got, want) in audio.channels[0].iter().zip(expect) {
            assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        }
        assert!(read_wav_pcm16(&bytes).is_err(), "24-bit is not 16-bit PCM");
    }

    #[test]
    fn resampling_a_sine_keeps_amplitude_frequency_phase_and_exact_length() {
        let (from, to) = (44_100, 16_000);
        let x = sine(1000.0, from, 44_100, 0.5);
        let y = resample(&x, from, to).expect("resamples");
        assert_eq!(y.len(), 16_000);
        let expect = sine(1000.0, to, 16_000, 0.5);
        // Away from the edges the output is the same sine, same phase: no delay.
        let err: Vec<f32> = y[400..15_600]
            .iter()
            .zip(&expect[400..15_600])
            .map(|(a, b)| a - b)
            .collect();
        assert!(rms(&err) < 1e-3, "error rms {}", rms(&err));
        assert!((rms(&y[400..15_600]) - 0.5 / 2f64.sqrt()).abs() < 2e-3);
        // A tone above the new Nyquist frequency is filtered out.
        let alias = resample(&sine(10_000.0, from, 44_100, 0.5), from, to).expect("resamples");
        assert!(rms(&alias[400..15_600]) < 5e-3, "alias rms {}", rms(&alias));
        // Upsampling, odd lengths, exact rounding, identity, empty input.
        let up = resample(&sine(440.0, 8000, 8001, 0.3), 8000, 16_000).expect("up");
        assert_eq!(up.len(), 16_002);
        let expect = sine(440.0, 16_000, 16_002, 0.3);
        let err: Vec<f32> = up[200..15_800]
            .iter()
            .zip(&expect[200..15_800])
            .map(|(a, b)| a - b)
            .collect();
        assert!(rms(&err) < 1e-3, "error rms {}", rms(&err));
        assert_eq!(resample(&x[..7], from, to).expect("short").len(), 3);
        assert_eq!(resampled_len(7, 44_100, 16_000), 3);
        assert_eq!(resampled_len(10, 3, 2), 7);
        assert_eq!(resample(&x[..5], from, from).expect("same"), &x[..5]);
        assert!(resample(&[], 16_000, 8000).expect("empty").is_empty());
        assert!(matches!(
            resample(&x, 0, 8000),
            Err(AudioError::InvalidRate(0))
        ));
    }

    /// Tones written by libsndfile (`datasets/tests/fixtures/README.md`).
    #[test]
    fn streams_give_the_whole_file_decoders_samples() {
        let read_all = |mut stream: MonoStream| {
            let mut samples = Vec::new();
            while stream.read_into(&mut samples).unwrap() {}
            (stream.sample_rate(), samples)
        };
        for name in ["tone-24bit-48k.flac", "tone-stereo-22k.ogg", "tone-16k.mp3"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name);
            let whole = fixture(name);
            let expect = (Some(whole.sample_rate), to_mono(&whole));
            let file = std::fs::File::open(&path).unwrap();
            let stream = MonoStream::new_seekable(file, None).unwrap();
            assert_eq!(stream.declared_frames(), Some(whole.frames()), "{name}");
            assert_eq!(read_all(stream), expect, "{name}");
            // Read front to back only, Ogg cannot know its length, so keeps its padding.
            let bytes = std::fs::read(&path).unwrap();
            let piped = read_all(MonoStream::new(Cursor::new(bytes), None).unwrap());
            if name.ends_with(".ogg") {
                assert!(piped.1.starts_with(&expect.1) && piped.1.len() > expect.1.len());
            } else {
                assert_eq!(piped, expect, "{name}");
            }
        }
        assert!(MonoStream::new(Cursor::new(b"RIFF junk".to_vec()), None).is_err());
    }

    fn fixture(name: &str) -> Audio {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        read_audio(&path).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// The frequency of a pure tone from its zero crossings.
    fn tone_frequency(x: &[f32], rate: u32) -> f64 {
        let crossings = x.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
        crossings as f64 * f64::from(rate) / x.len() as f64
    }

    #[test]
    fn flac_24_bit_ogg_vorbis_and_mp3_files_decode() {
        let flac = fixture("tone-24bit-48k.flac");
        assert_eq!(
            (flac.sample_rate, flac.channels.len(), flac.frames()),
            (48_000, 1, 12_000)
        );
        let expect = sine(1000.0, 48_000, 12_000, 0.5);
        let err: Vec<f32> = flac.channels[0]
            .iter()
            .zip(&expect)
            .map(|(a, b)| a - b)
            .collect();
        assert!(rms(&err) < 1e-6, "24-bit FLAC error rms {}", rms(&err));

        let ogg = fixture("tone-stereo-22k.ogg");
        assert_eq!((ogg.sample_rate, ogg.channels.len()), (22_050, 2));
        assert_eq!(ogg.frames(), 11_025);
        let left = &ogg.channels[0][1000..10_000];
        assert!(
            (rms(left) - 0.5 / 2f64.sqrt()).abs() < 0.02,
            "{}",
            rms(left)
        );
        assert!((tone_frequency(left, 22_050) - 440.0).abs() < 5.0);
        let expect = sine(440.0, 22_050, 11_025, 0.5);
        let err: Vec<f32> = left
            .iter()
            .zip(&expect[1000..10_000])
            .map(|(a, b)| a - b)
            .collect();
        assert!(
            rms(&err) < 0.02,
            "Vorbis error rms {} (misaligned?)",
            rms(&err)
        );
        let mono = to_mono(&ogg);
        assert!(
            (rms(&mono[1000..10_000]) - rms(left)).abs() > 0.01,
            "mixed with the right channel"
        );

        // LAME's delay and padding are trimmed (gapless): one second of a 500 Hz tone.
        let mp3 = fixture("tone-16k.mp3");
        assert_eq!((mp3.sample_rate, mp3.channels.len()), (16_000, 1));
        assert_eq!(mp3.frames(), 16_000);
        let mid = &mp3.channels[0][2000..14_000];
        assert!((tone_frequency(mid, 16_000) - 500.0).abs() < 5.0);
        assert!((rms(mid) - 0.5 / 2f64.sqrt()).abs() < 0.05, "{}", rms(mid));
        let expect = sine(500.0, 16_000, 16_000, 0.5);
        let err: Vec<f32> = mid
            .iter()
            .zip(&expect[2000..14_000])
            .map(|(a, b)| a - b)
            .collect();
        assert!(
            rms(&err) < 0.05,
            "MP3 error rms {} (misaligned?)",
            rms(&err)
        );
    }

    #[test]
    fn damaged_and_foreign_bytes_are_errors_not_panics() {
        let wav = pcm16_wav_bytes(&sine(300.0, 16_000, 800, 0.4), 16_000).expect("writes");
        let mut state = 7u32;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 24) as u8
            })
            .collect();
        for bad in [
            &b""[..],
            b"RIFF",
            &wav[..40],
            &noise,
            b"fLaC\0\0\0\x22garbage",
        ] {
            assert!(
                decode_audio_bytes(bad, None).is_err(),
                "{:?}",
                &bad[..bad.len().min(8)]
            );
            assert!(decode_audio_bytes(bad, Some("flac")).is_err());
        }
        assert!(read_wav_pcm16(&noise).is_err());
        let missing = read_audio(Path::new("/nonexistent/ncodec/x.wav"));
        assert!(matches!(missing, Err(AudioError::Io { .. })));
    }
}
