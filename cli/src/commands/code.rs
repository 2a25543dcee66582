//! `ncodec compress` and `ncodec decompress` (also plain `ncodec [-d]`).

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::args::CodingArgs;
use crate::output::{copy_permissions, is_stdin, open_input, Sink};
use crate::progress::{bar, spinner, ProgressReader};

/// Which way to code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// FILE → FILE.ncz
    Compress,
    /// FILE.ncz → FILE
    Decompress,
}

const SUFFIX: &str = ".ncz";

/// The lossy image codec's name.
const IMAGE_CODEC: &str = "image";
/// The lossless image codec (`--lossless` on a photo).
const LOSSLESS_IMAGE_CODEC: &str = "limg";
const SPEECH_CODEC: &str = "speech";
const TENSOR_CODEC: &str = "tensor";

/// Runs compress or decompress over every input; reports each failure and goes on.
pub fn run(args: &CodingArgs, direction: Direction) -> Result<ExitCode> {
    let files: Vec<PathBuf> = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    if args.output.is_some() && files.len() > 1 {
        bail!(
            "-o names one output file, but {} inputs were given",
            files.len()
        );
    }
    if args.output.is_some() && args.stdout {
        bail!("-o and -c both name the output; use one");
    }
    if direction == Direction::Compress && args.stdout && files.len() > 1 {
        bail!("-c with several inputs would concatenate .ncz frames, which ncodec cannot decode; compress them one by one, or tar them first");
    }
    if files.iter().filter(|f| is_stdin(f)).count() > 1 {
        bail!("standard input (-) can only be read once");
    }
    let options = compress_options(args, direction)?;
    let mut failed = false;
    for file in &files {
        let options = match direction {
            Direction::Compress => {
                let options = super::tensor_file::options_for(file, args, &options)?;
                super::wav_file::options_for(file, args, &options)
            }
            Direction::Decompress => options.clone(),
        };
        if let Err(err) = code_one(file, args, direction, &options) {
            eprintln!("ncodec: {}: {err:#}", display_name(file));
            failed = true;
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn compress_options(args: &CodingArgs, direction: Direction) -> Result<ncodec::CompressOptions> {
    let codec = args.codec_name();
    let mut options = ncodec::CompressOptions::default()
        .codec(codec)
        .threads(args.threads);
    if ncodec::registry::default_registry()
        .by_name(codec)
        .is_none()
    {
        let names: Vec<&str> = ncodec::registry::default_registry()
            .codecs()
            .map(|c| c.name())
            .collect();
        bail!("unknown codec {:?}; available: {}", codec, names.join(", "));
    }
    if let Some(size) = args.chunk_size {
        if direction == Direction::Decompress {
            bail!("--chunk-size only applies when compressing");
        }
        options = options.chunk_size(size)?;
    }
    if codec == SPEECH_CODEC && (args.wants_lossy_image() || args.kbps.is_some()) {
        if direction == Direction::Decompress {
            bail!("--kbps and --quality only apply when compressing");
        }
        if args.bpp.is_some() || args.effort.is_some() {
            bail!("--bpp and --effort are options of the lossy image codec; the speech codec takes --kbps or --quality");
        }
        let levels = ncodec::codecs::speech::level_count();
        let level = match (args.quality, args.kbps) {
            (Some(level), _) if !(1..=levels).contains(&level) => {
                bail!("--quality {level} is out of range: the speech codec has levels 1 (about 1.5 kbps) to {levels} (about 3 kbps)")
            }
            (Some(level), _) => level,
            (None, Some(kbps)) if kbps.is_finite() && kbps > 0.0 => {
                match ncodec::codecs::speech::level_for_kbps(kbps) {
                    Some(level) => level,
                    None => bail!(
                        "--kbps {kbps} is below the speech codec's lowest rate ({} kbps)",
                        ncodec::codecs::speech::LEVEL_KBPS[0]
                    ),
                }
            }
            (None, Some(_)) => {
                bail!("--kbps takes a positive number of kilobits per second, like 1.5")
            }
            (None, None) => 1,
        };
        return Ok(options.params(ncodec::EncodeParams::default().quality(level)));
    }
    if let Some(dtype) = args.dtype {
        if direction == Direction::Decompress {
            bail!("--dtype only applies when compressing (the .ncz file records the type)");
        }
        if codec != TENSOR_CODEC {
            bail!("--dtype is an option of the tensor codec; drop --codec {codec} or use --codec {TENSOR_CODEC}");
        }
        options = options.params(ncodec::EncodeParams::default().dtype(dtype));
    }
    if args.kbps.is_some() {
        bail!("--kbps is an option of the speech codec; drop --codec {codec} or use --codec {SPEECH_CODEC}");
    }
    if args.wants_lossy_image() {
        if direction == Direction::Decompress {
            bail!("--quality, --bpp and --effort only apply when compressing");
        }
        if codec != IMAGE_CODEC {
            bail!("--quality, --bpp and --effort are options of the lossy image codec; drop --codec {codec} or use --codec {IMAGE_CODEC}");
        }
        let levels = ncodec::codecs::image::level_count();
        let mut params = ncodec::EncodeParams::default();
        if let Some(level) = args.quality {
            if !(1..=levels).contains(&level) {
                bail!("--quality {level} is out of range: the image codec has levels 1 (smallest) to {levels} (best)");
            }
            params = params.quality(level);
        }
        if let Some(bpp) = args.bpp {
            if bpp.is_nan() || bpp <= 0.0 || bpp.is_infinite() {
                bail!("--bpp takes a positive number of bits per pixel, like 0.5");
            }
            params = params.max_bpp(bpp);
        }
        if let Some(effort) = args.effort {
            params = params.effort(effort);
        }
        options = options.params(params);
    }
    Ok(options)
}

fn display_name(path: &Path) -> String {
    if is_stdin(path) {
        "(stdin)".to_string()
    } else {
        path.display().to_string()
    }
}

/// Where the output of `input` goes: `None` for standard output.
fn output_path(input: &Path, args: &CodingArgs, direction: Direction) -> Result<Option<PathBuf>> {
    if let Some(out) = &args.output {
        return Ok((!is_stdin(out)).then(|| out.clone()));
    }
    if args.stdout || is_stdin(input) {
        return Ok(None);
    }
    let name = input.as_os_str().to_string_lossy();
    match direction {
        Direction::Compress => {
            if name.ends_with(SUFFIX) {
                bail!("already has the {SUFFIX} suffix; use -o to compress it again");
            }
            // Speech decodes to WAV: `talk.flac` becomes `talk.wav.ncz`, which decompresses
            // to `talk.wav` rather than to a WAV named `talk.flac`.
            let lossless_audio =
                args.lossless && !ncodec_datasets::images::has_image_extension(input);
            let base = if args.codec_name() == SPEECH_CODEC || lossless_audio {
                input.with_extension("wav")
            } else {
                input.to_path_buf()
            };
            let mut out = base.into_os_string();
            out.push(SUFFIX);
            Ok(Some(PathBuf::from(out)))
        }
        Direction::Decompress => match name.strip_suffix(SUFFIX) {
            Some(stem) if !stem.is_empty() && !stem.ends_with('/') => Ok(Some(PathBuf::from(stem))),
            _ => bail!("does not end in {SUFFIX}; name the output with -o FILE or use -c"),
        },
    }
}

fn code_one(
    input: &Path,
    args: &CodingArgs,
    direction: Direction,
    options: &ncodec::CompressOptions,
) -> Result<()> {
    let output = output_path(input, args, direction)?;
    if let Some(out) = &output {
        if !is_stdin(input) && same_file(input, out) {
            bail!("input and output are the same file");
        }
    }
    if output.is_none()
        && direction == Direction::Compress
        && io::stdout().is_terminal()
        && !args.force
    {
        bail!("refusing to write compressed data to a terminal; redirect the output, or use -o FILE (or -f to force)");
    }
    if is_stdin(input) && io::stdin().is_terminal() {
        bail!("standard input is a terminal; name a FILE, or pipe data in (see ncodec --help)");
    }
    let (reader, size) = open_input(input)?;
    let progress = bar(size, &display_name(input), args.quiet);
    let mut reader = CountingReader::new(ProgressReader::new(reader, progress.clone()));
    let read = reader.counter();
    let mut sink = match &output {
        Some(path) => Sink::file(path, args.force)?,
        None => Sink::stdout(),
    };
    // `--lossless` on a photo means the lossless image codec.
    let lossless_photo = direction == Direction::Compress
        && args.lossless
        && ncodec_datasets::images::has_image_extension(input);
    let photo_options;
    let options = if lossless_photo {
        photo_options = options.clone().codec(LOSSLESS_IMAGE_CODEC);
        &photo_options
    } else {
        options
    };
    let started = Instant::now();
    let mut pixels = None;
    let mut seconds = None;
    let written = match direction {
        Direction::Compress if options.codec_name() == IMAGE_CODEC || lossless_photo => {
            let mut bytes = Vec::new();
            reader
                .read_to_end(&mut bytes)
                .context("cannot read the image")?;
            let raw = super::image_file::load(&bytes)?;
            pixels = Some(u64::from(raw.width) * u64::from(raw.height));
            let ppm = raw.to_ppm();
            let size = ppm.len() as u64;
            let refining = match args.effort {
                Some(effort) if effort >= 2 => spinner(
                    &format!(
                        "{}: refining the latents at effort {effort} ({})",
                        display_name(input),
                        if effort >= 3 {
                            "minutes for a large photo"
                        } else {
                            "seconds for a large photo"
                        }
                    ),
                    args.quiet,
                ),
                _ => indicatif::ProgressBar::hidden(),
            };
            let written = compress_stream(&mut ppm.as_slice(), sink.writer(), options, Some(size));
            refining.finish_and_clear();
            written?
        }
        Direction::Compress if options.codec_name() == SPEECH_CODEC => {
            let name = input.file_name().and_then(|n| n.to_str());
            let stream = if is_stdin(input) {
                super::audio_file::open_pipe(reader, name)?
            } else {
                // Opened again to seek: Ogg files learn their exact length at their end.
                let file = std::fs::File::open(input)
                    .with_context(|| format!("cannot open {}", input.display()))?;
                let file = io::BufReader::with_capacity(1 << 16, file);
                let tracked = CountingReader::with_counter(
                    ProgressReader::new(file, progress.clone()),
                    Arc::clone(&read),
                );
                super::audio_file::open_file(tracked, name)?
            };
            let (written, duration) = super::audio_file::compress(stream, sink.writer(), options)?;
            seconds = Some(duration);
            written
        }
        Direction::Compress if args.lossless => {
            let mut bytes = Vec::new();
            reader
                .read_to_end(&mut bytes)
                .context("cannot read the audio")?;
            let name = input.file_name().and_then(|n| n.to_str());
            let (wav, duration) = super::wav_file::load_lossless(bytes, name)?;
            seconds = Some(duration);
            let size = wav.len() as u64;
            compress_stream(&mut wav.as_slice(), sink.writer(), options, Some(size))?
        }
        Direction::Compress => compress_stream(&mut reader, sink.writer(), options, size)?,
        Direction::Decompress => {
            let decoded = decompress_stream(
                &mut reader,
                sink.writer(),
                args.threads,
                Some(output.as_deref()),
            )?;
            pixels = decoded.pixels;
            seconds = decoded.seconds;
            decoded.written
        }
    };
    let elapsed = started.elapsed();
    progress.finish_and_clear();
    let committed = sink.commit()?;
    if let Some(out) = &committed {
        if !is_stdin(input) {
            copy_permissions(input, out);
        }
        if args.rm && !is_stdin(input) {
            if direction == Direction::Compress {
                verify_file(out, args.threads)
                    .with_context(|| format!("verifying {} failed; input kept", out.display()))?;
            }
            std::fs::remove_file(input)
                .with_context(|| format!("cannot remove {}", input.display()))?;
        }
    }
    if !args.quiet && (committed.is_some() || args.verbose) {
        let outcome = Outcome {
            read: read.load(Ordering::Relaxed),
            written,
            pixels,
            seconds,
            elapsed,
        };
        report(
            input,
            committed.as_deref(),
            direction,
            &outcome,
            args.verbose,
        );
    }
    Ok(())
}

fn compress_stream(
    reader: &mut dyn Read,
    writer: &mut dyn Write,
    options: &ncodec::CompressOptions,
    size: Option<u64>,
) -> Result<u64> {
    let writer = CountingWriter::new(writer);
    let mut encoder = match size {
        Some(size) => ncodec::Encoder::with_content_size(writer, options, size)?,
        None => ncodec::Encoder::new(writer, options)?,
    };
    io::copy(reader, &mut encoder).map_err(|e| match e.kind() {
        io::ErrorKind::InvalidData => anyhow::Error::new(ncodec::Error::from_io(e)),
        _ => anyhow::Error::new(e).context("read or write failed"),
    })?;
    let writer = encoder
        .finish()
        .context("the input changed size while it was read")?;
    Ok(writer.count)
}

/// What a decompression wrote.
struct Decompressed {
    /// Bytes written.
    written: u64,
    /// Pixels, for images.
    pixels: Option<u64>,
    /// Duration, for speech.
    seconds: Option<f64>,
}

/// Decodes a frame from `reader` to `writer`. With `image_output`, frames of the lossy
/// image codec are written as an image file in the format of that name's extension
/// (PNG for standard output or no extension); without it, as the codec's raw PPM.
fn decompress_stream(
    reader: &mut dyn Read,
    writer: &mut dyn Write,
    threads: usize,
    image_output: Option<Option<&Path>>,
) -> Result<Decompressed> {
    let options = ncodec::DecompressOptions::default().threads(threads);
    let mut decoder = ncodec::Decoder::with_options(reader, &options)?;
    let read_error = |e: io::Error| match e.kind() {
        io::ErrorKind::InvalidData => anyhow::Error::new(ncodec::Error::from_io(e)),
        _ => anyhow::Error::new(e).context("read or write failed"),
    };
    let codec = decoder.header().codec;
    if codec == ncodec::codecs::Image::ID || codec == ncodec::codecs::Limg::ID {
        let mut ppm = Vec::new();
        decoder.read_to_end(&mut ppm).map_err(read_error)?;
        let raw = match ncodec::codecs::image::RawImage::from_ppm(&ppm) {
            Ok(raw) => raw,
            // `limg` also codes PNM files spelled otherwise (comments, other
            // whitespace): those come back as they were.
            Err(_) if codec == ncodec::codecs::Limg::ID => {
                writer.write_all(&ppm).context("write failed")?;
                return Ok(Decompressed {
                    written: ppm.len() as u64,
                    pixels: None,
                    seconds: None,
                });
            }
            Err(e) => return Err(e.into()),
        };
        let pixels = Some(u64::from(raw.width) * u64::from(raw.height));
        let file = match image_output {
            Some(name) => super::image_file::encode_for(&raw, name)?,
            None => ppm,
        };
        writer.write_all(&file).context("write failed")?;
        return Ok(Decompressed {
            written: file.len() as u64,
            pixels,
            seconds: None,
        });
    }
    let speech = decoder.header().codec == ncodec::codecs::Speech::ID;
    let n = io::copy(&mut decoder, writer).map_err(read_error)?;
    // A speech frame is a 16 kHz 16-bit WAV, decoded chunk by chunk as it is written.
    let seconds = speech.then(|| {
        let samples = n.saturating_sub(ncodec::codecs::speech::wav::HEADER_LEN as u64) / 2;
        samples as f64 / 16_000.0
    });
    Ok(Decompressed {
        written: n,
        pixels: None,
        seconds,
    })
}

/// Decodes `path` fully (checksums included), writing nothing.
pub fn verify_file(path: &Path, threads: usize) -> Result<u64> {
    let (reader, _) = open_input(path)?;
    let mut sink = io::sink();
    decompress_stream(&mut { reader }, &mut sink, threads, None).map(|d| d.written)
}

/// What coding one input did.
struct Outcome {
    /// Bytes read.
    read: u64,
    /// Bytes written.
    written: u64,
    /// Pixels, for images.
    pixels: Option<u64>,
    /// Duration, for speech.
    seconds: Option<f64>,
    /// Time spent.
    elapsed: std::time::Duration,
}

/// One summary line: `IN: a -> b bytes (…) -> OUT`.
fn report(
    input: &Path,
    output: Option<&Path>,
    direction: Direction,
    outcome: &Outcome,
    verbose: bool,
) {
    let Outcome {
        read,
        written,
        pixels,
        seconds,
        elapsed,
    } = *outcome;
    let (raw, packed) = match direction {
        Direction::Compress => (read, written),
        Direction::Decompress => (written, read),
    };
    let percent = if raw == 0 {
        0.0
    } else {
        100.0 * packed as f64 / raw as f64
    };
    let bpb = if raw == 0 {
        0.0
    } else {
        8.0 * packed as f64 / raw as f64
    };
    let target = output.map_or("(stdout)".to_string(), |p| p.display().to_string());
    let rate = match (pixels, seconds) {
        (Some(pixels), _) => format!(
            "{:.3} bits/pixel",
            8.0 * packed as f64 / pixels.max(1) as f64
        ),
        (None, Some(seconds)) => format!(
            "{:.2} kbps over {seconds:.2} s",
            8.0 * packed as f64 / seconds.max(1e-9) / 1000.0
        ),
        (None, None) => format!("{percent:.2}%, {bpb:.3} bits/byte"),
    };
    let mut line = format!(
        "{}: {read} -> {written} bytes ({rate}) -> {target}",
        display_name(input)
    );
    if verbose {
        let secs = elapsed.as_secs_f64().max(1e-9);
        line.push_str(&format!(
            " in {:.3} s, {:.2} MB/s",
            secs,
            raw as f64 / secs / 1e6
        ));
    }
    eprintln!("{line}");
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Counts bytes read, in a counter that outlives the reader (which the speech codec's
/// streaming decoder takes).
struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R> CountingReader<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            count: Arc::default(),
        }
    }

    /// Wraps `inner`, counting into `count`.
    fn with_counter(inner: R, count: Arc<AtomicU64>) -> Self {
        Self { inner, count }
    }

    /// The counter.
    fn counter(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.count)
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: io::Seek> io::Seek for CountingReader<R> {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(to)
    }
}

/// Counts bytes written.
pub(super) struct CountingWriter<W> {
    inner: W,
    /// Bytes written so far.
    pub(super) count: u64,
}

impl<W> CountingWriter<W> {
    pub(super) fn new(inner: W) -> Self {
        Self { inner, count: 0 }
    }
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
