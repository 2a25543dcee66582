//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const ABOUT: &str = "Compress files with learned and adaptive models into .ncz files.";

const LONG_ABOUT: &str = "\
Compress files with learned and adaptive models into .ncz files.

ncodec works like gzip, xz and zstd: `ncodec FILE` writes FILE.ncz and keeps FILE,
`ncodec -d FILE.ncz` writes FILE back. With no FILE, or FILE `-`, it reads standard
input and writes standard output. Every .ncz file carries checksums: damaged, truncated
or foreign files are reported, never decoded into wrong output.";

const EXAMPLES: &str = "\
Examples:
  ncodec notes.txt                 compress to notes.txt.ncz (keeps notes.txt)
  ncodec -d notes.txt.ncz          decompress to notes.txt
  ncodec -c big.log > big.log.ncz  compress to standard output
  tar c dir | ncodec > dir.tar.ncz stream through pipes
  ncodec test *.ncz                verify files without writing anything
  ncodec info --json notes.txt.ncz show the header, codec and ratio
  ncodec photo.png --quality 3     lossy learned image codec (-d writes photo.png back)
  ncodec talk.flac --kbps 1.5      lossy learned speech codec to talk.wav.ncz (-d: talk.wav)
  ncodec eval bytes corpus/        bits per byte against gzip, bzip2, xz, zstd, brotli
  ncodec eval image photos/        rate-distortion against JPEG, WebP, AVIF (--plot rd.svg)
  ncodec eval audio speech/        rate-quality against Opus, Codec 2, MP3 (--plot rq.svg)
  ncodec demo                      run the evaluation on the built-in sample set
  ncodec serve                     compare codecs on your files in a browser page";

/// The `ncodec` command line.
#[derive(Debug, Parser)]
#[command(name = "ncodec", version, about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// Subcommand; without one, ncodec compresses (or with -d decompresses) FILEs.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Decompress instead of compress (same as `ncodec decompress`).
    #[arg(short = 'd', long = "decompress")]
    pub decompress: bool,

    #[command(flatten)]
    pub coding: CodingArgs,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compress FILEs to FILE.ncz (the default action).
    #[command(visible_alias = "c", after_help = EXAMPLES)]
    Compress(CodingArgs),
    /// Decompress FILE.ncz files to FILE.
    #[command(visible_alias = "d")]
    Decompress(CodingArgs),
    /// Verify .ncz files by decoding them fully, writing nothing.
    #[command(visible_alias = "t")]
    Test(TestArgs),
    /// Show what a .ncz file holds: format, codec, model, chunks, sizes, ratio.
    Info(InfoArgs),
    /// Measure ncodec against classical compressors.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Run the evaluations (bytes, images, speech) on the sample set built into ncodec.
    Demo(DemoArgs),
    /// Train a model (needs a build with `--features train`).
    #[command(subcommand)]
    Train(TrainCommand),
    /// Open a local web page that compares the codecs on files you drop on it.
    #[command(after_help = SERVE_HELP)]
    Serve(ServeArgs),
}

const SERVE_HELP: &str = "\
The page takes a photo, a sound, a .ncz file or any other file, codes it with every
contender `ncodec eval` would run on it, and shows sizes, rates, quality and times as
they come in, with a side-by-side slider for photos, players for sounds and downloads of
every coded and decoded file. It can also plot the JSON of `ncodec eval ... --json`.

The server listens on 127.0.0.1 only; results are kept in a temporary folder that is
removed when it stops (Ctrl-C).

Examples:
  ncodec serve                     http://127.0.0.1:7878/
  ncodec serve --port 0            any free port (printed)
  ncodec serve --max-upload 256M   take larger files";

/// Options of `ncodec serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(short = 'p', long = "port", value_name = "N", default_value_t = ncodec_web::DEFAULT_PORT)]
    pub port: u16,
    /// Largest upload (bytes, or with a K, M or G suffix).
    #[arg(long = "max-upload", value_name = "SIZE", default_value = "64M", value_parser = crate::size::parse_size)]
    pub max_upload: usize,
    /// Files measured at once (queued uploads wait).
    #[arg(long = "workers", value_name = "N", default_value_t = 1)]
    pub workers: usize,
    /// Lossless codecs run on files that are neither photos nor sounds
    /// (comma-separated, as `ncodec eval bytes --only`; default: all).
    #[arg(long = "bytes-only", value_name = "NAMES")]
    pub bytes_only: Option<String>,
}

/// What to train.
#[derive(Debug, Subcommand)]
pub enum TrainCommand {
    /// The byte language model of the lossless `lm` codec, on the text corpus.
    Text(TrainTextArgs),
    /// Export a run's best weights to the integer runtime (`byte-lm.nclw` in the run).
    Export(TrainExportArgs),
    /// Learn a byte-level BPE tokenizer on the text corpus's train split.
    Tokenizer(TrainTokenizerArgs),
    /// The lossy image autoencoder and its entropy model, on the photo corpus.
    Image(TrainImageArgs),
    /// Export an image run's best weights for the codec (`image-ae.nciw` in the run), with
    /// integer prior tables, and measure the codec's transforms against burn's.
    ExportImage(TrainExportImageArgs),
    /// The speech codec's feature autoencoder (FSQ), on the speech corpus.
    Audio(TrainAudioArgs),
    /// Export a speech run's best weights for the codec (`.ncsw`), with entropy tables
    /// counted on the train split.
    ExportAudio(TrainExportAudioArgs),
    /// The prior of the lossless image codec's mixture (which predictor made each
    /// sample), by EM on the photo corpus; measured with real bits-back coding on the
    /// valid split. Works in every build (no burn).
    Limg(TrainLimgArgs),
    /// Where the image codec's residual coder starts: its adaptive probabilities after
    /// coding train photos at each level's step; measured on the valid split. Works in
    /// every build (no burn).
    ImageResidual(TrainImageResidualArgs),
}

/// Options of `ncodec train image-residual`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  bash ../shared/data/image.sh data-cache\n  ncodec train image-residual --data data-cache/image --out runs/image-residual\n  cp runs/image-residual/image-residual.ncrp models/weights/\n\nLearning takes about a minute on 2 cores; there is nothing to resume. A new prior\nchanges the image codec's model hash: files written with the old one are refused."
)]
pub struct TrainImageResidualArgs {
    /// Photo folder with train/ and valid/ (built by ../shared/data/image.sh).
    #[arg(long = "data", value_name = "DIR")]
    pub data: PathBuf,
    /// Output folder for the prior (`image-residual.ncrp`) and its manifest.
    #[arg(long = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Learn from every N-th train photo in name order...
    #[arg(long = "every", value_name = "N", default_value_t = 8)]
    pub every: usize,
    /// ...starting at this index (the default leaves out the photos that the image
    /// benchmarks take: every 16th from 0 and every 48th from 6).
    #[arg(long = "offset", value_name = "I", default_value_t = 5)]
    pub offset: usize,
    /// At most this many train photos.
    #[arg(long = "images", default_value_t = 50)]
    pub images: usize,
    /// Valid photos on which the prior is measured (first in name order).
    #[arg(long = "valid-images", default_value_t = 12)]
    pub valid_images: usize,
    /// Passes over the train photos.
    #[arg(long = "rounds", default_value_t = 1)]
    pub rounds: usize,
}

/// Options of `ncodec train limg`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  bash ../shared/data/image.sh data-cache\n  ncodec train limg --data data-cache/image --out runs/limg-prior\n  cp runs/limg-prior/limg-prior.nclp models/weights/\n\nFitting takes about a minute; there is nothing to resume."
)]
pub struct TrainLimgArgs {
    /// Photo folder with train/ and valid/ (built by ../shared/data/image.sh).
    #[arg(long = "data", value_name = "DIR")]
    pub data: PathBuf,
    /// Output folder for the prior (`limg-prior.nclp`) and its manifest.
    #[arg(long = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Train photos to learn from (first in name order).
    #[arg(long = "images", default_value_t = 400)]
    pub images: usize,
    /// Keep every N-th sample's statistics (memory: 24 bytes per kept sample).
    #[arg(long = "stride", default_value_t = 4)]
    pub stride: usize,
    /// Rounds of expectation–maximisation.
    #[arg(long = "iterations", default_value_t = 16)]
    pub iterations: usize,
    /// Valid photos on which the prior is measured.
    #[arg(long = "valid-images", default_value_t = 30)]
    pub valid_images: usize,
}

/// Options of `ncodec train audio`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  bash ../shared/data/audio.sh data-cache\n  ncodec train audio --data data-cache/audio --out runs/speech-1 --latent 12 --hidden 384 --context 2 --steps 25000\n  ncodec train export-audio --run runs/speech-1 --out models/weights/speech-1.ncsw"
)]
pub struct TrainAudioArgs {
    /// Speech folder with train/ and valid/ (built by ../shared/data/audio.sh).
    #[arg(long = "data", value_name = "DIR")]
    pub data: PathBuf,
    /// Output folder for checkpoints, the best weights, the log and the manifest.
    #[arg(long = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Continue the run in --out from its last checkpoint, with the settings it was
    /// started with (any given here change them).
    #[arg(long = "resume")]
    pub resume: bool,
    /// Stop after this many minutes of training in this call.
    #[arg(long = "minutes", value_name = "M")]
    pub minutes: Option<f64>,
    /// Total steps (the learning-rate schedule spans them) [default: 20000].
    #[arg(long = "steps")]
    pub steps: Option<u64>,
    /// 10 ms frames per coded block [default: 2].
    #[arg(long = "block")]
    pub block: Option<usize>,
    /// Codes per block [default: 10].
    #[arg(long = "latent")]
    pub latent: Option<usize>,
    /// Levels per code (odd) [default: 7].
    #[arg(long = "levels")]
    pub levels: Option<usize>,
    /// Hidden width of the encoder and decoder MLPs [default: 256].
    #[arg(long = "hidden")]
    pub hidden: Option<usize>,
    /// Pitch indices per octave [default: 24].
    #[arg(long = "pitch-steps")]
    pub pitch_steps: Option<usize>,
    /// Blocks on each side whose codes the decoder also sees [default: 1].
    #[arg(long = "context")]
    pub context: Option<usize>,
    /// Blocks per step [default: 256].
    #[arg(long = "batch")]
    pub batch: Option<usize>,
    /// Peak learning rate (Adam, cosine decay) [default: 0.002].
    #[arg(long = "lr")]
    pub lr: Option<f64>,
    /// Random seed [default: 1].
    #[arg(long = "seed")]
    pub seed: Option<u64>,
}

/// Options of `ncodec train export-audio`.
#[derive(Debug, Args)]
pub struct TrainExportAudioArgs {
    /// The run folder (the --out of `ncodec train audio`).
    #[arg(long = "run", value_name = "DIR")]
    pub run: PathBuf,
    /// The weights file to write (e.g. models/weights/speech-1.ncsw).
    #[arg(long = "out", value_name = "FILE")]
    pub out: PathBuf,
}

/// Options of `ncodec train export-image`.
#[derive(Debug, Args)]
pub struct TrainExportImageArgs {
    /// The run folder (the --out of `ncodec train image`).
    #[arg(long = "run", value_name = "DIR")]
    pub run: PathBuf,
    /// Latents are clamped to -RANGE..=RANGE.
    #[arg(long = "range", default_value_t = 63)]
    pub range: usize,
    /// Valid photos (256x256 centre crops) to measure on.
    #[arg(long = "crops", default_value_t = 8)]
    pub crops: usize,
}

/// Options of `ncodec train image`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  bash ../shared/data/image.sh data-cache\n  ncodec train image --data data-cache/image --out runs/image-q3 --lambda 0.0067 --minutes 60\n  ncodec train image --data data-cache/image --out runs/image-q3 --resume --minutes 60"
)]
pub struct TrainImageArgs {
    /// Photo folder with train/ and valid/ (built by ../shared/data/image.sh).
    #[arg(long = "data", value_name = "DIR")]
    pub data: PathBuf,
    /// Output folder for checkpoints, the best weights, the log and the manifest.
    #[arg(long = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Continue the run in --out from its last checkpoint, with the settings it was
    /// started with (any given here change them).
    #[arg(long = "resume")]
    pub resume: bool,
    /// Stop after this many minutes of training in this call.
    #[arg(long = "minutes", value_name = "M")]
    pub minutes: Option<f64>,
    /// Stop at this many steps in total.
    #[arg(long = "steps", value_name = "N")]
    pub steps: Option<u64>,
    /// Rate-distortion trade-off: loss = bpp + lambda * 255^2 * MSE (CompressAI's scale;
    /// 0.0018 gives about 0.1-0.2 bpp, 0.0483 about 1 bpp) [default: 0.0067].
    #[arg(long = "lambda")]
    pub lambda: Option<f64>,
    /// Side of the square training crops (a multiple of 16) [default: 128].
    #[arg(long = "crop")]
    pub crop: Option<u32>,
    /// Crops per step [default: 8].
    #[arg(long = "batch")]
    pub batch: Option<usize>,
    /// Peak learning rate (Adam) [default: 0.0001].
    #[arg(long = "lr")]
    pub lr: Option<f64>,
    /// Hidden channels [default: 64].
    #[arg(long = "channels")]
    pub channels: Option<usize>,
    /// Latent channels [default: 96].
    #[arg(long = "latent")]
    pub latent: Option<usize>,
    /// Random seed [default: 1].
    #[arg(long = "seed")]
    pub seed: Option<u64>,
    /// Start from these weights (another run's best.bpk, same shape) instead of a random
    /// init: fine-tunes a trained model for another --lambda.
    #[arg(long = "init", value_name = "FILE")]
    pub init: Option<PathBuf>,
    /// Clip each step's gradient to this global norm (0 turns clipping off) [default: 1].
    #[arg(long = "grad-clip")]
    pub grad_clip: Option<f32>,
}

/// Options of `ncodec train tokenizer`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  ncodec train tokenizer --data data-cache/text --vocab 4096 --out runs/bbpe-4096.nctk\n  ncodec train text --data data-cache/text --tokenizer runs/bbpe-4096.nctk --out runs/token-lm"
)]
pub struct TrainTokenizerArgs {
    /// Corpus folder with train/ (built by ../shared/data/text.sh).
    #[arg(long = "data", value_name = "DIR")]
    pub data: PathBuf,
    /// Tokenizer file to write (NCTK format).
    #[arg(long = "out", value_name = "FILE")]
    pub out: PathBuf,
    /// Vocabulary size: 256 byte tokens plus merges.
    #[arg(long = "vocab", default_value_t = 4096)]
    pub vocab: usize,
    /// Megabytes of training text to learn from (prose and code in the corpus's
    /// sampling proportions).
    #[arg(long = "sample-mb", default_value_t = 24)]
    pub sample_mb: usize,
}

/// Options of `ncodec train export`.
#[derive(Debug, Args)]
pub struct TrainExportArgs {
    /// The run folder (the --out of `ncodec train text`).
    #[arg(long = "run", value_name = "DIR")]
    pub run: PathBuf,
    /// Bytes of valid prose on which float and integer models are compared.
    #[arg(long = "positions", default_value_t = 32_768)]
    pub positions: usize,
}

/// Options of `ncodec train text`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  bash ../shared/data/text.sh data-cache\n  ncodec train text --data data-cache/text --out runs/byte-lm --minutes 120\n  ncodec train text --data data-cache/text --out runs/byte-lm --resume --minutes 120"
)]
pub struct TrainTextArgs {
    /// Corpus folder with train/ and valid/ (built by ../shared/data/text.sh).
    #[arg(long = "data", value_name = "DIR")]
    pub data: PathBuf,
    /// Output folder: config, checkpoints, best weights, manifest, log.
    #[arg(long = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Continue the run in --out from its last checkpoint, with the settings it was
    /// started with (any given here change them).
    #[arg(long = "resume")]
    pub resume: bool,
    /// Stop after this many minutes of training in this call.
    #[arg(long = "minutes", value_name = "M")]
    pub minutes: Option<f64>,
    /// Stop once this many steps are done in total.
    #[arg(long = "steps", value_name = "N")]
    pub steps: Option<u64>,
    /// Windows per step [default: 256].
    #[arg(long = "batch")]
    pub batch: Option<usize>,
    /// Peak learning rate [default: 0.002].
    #[arg(long = "lr")]
    pub lr: Option<f64>,
    /// Bytes of context the model sees [default: 24].
    #[arg(long = "context")]
    pub context: Option<usize>,
    /// Embedding width per byte [default: 16].
    #[arg(long = "embed")]
    pub embed: Option<usize>,
    /// First hidden layer width [default: 512].
    #[arg(long = "hidden1")]
    pub hidden1: Option<usize>,
    /// Second hidden layer width [default: 256].
    #[arg(long = "hidden2")]
    pub hidden2: Option<usize>,
    /// Random seed [default: 1].
    #[arg(long = "seed")]
    pub seed: Option<u64>,
    /// Train a token LM over this BBPE tokenizer (from `ncodec train tokenizer`)
    /// instead of the byte LM; the vocabulary size follows the tokenizer.
    #[arg(long = "tokenizer", value_name = "FILE")]
    pub tokenizer: Option<PathBuf>,
}

/// The codec of each `-l` level, 1 first.
pub const LEVEL_CODECS: [&str; 2] = ["cm", "lm"];

/// Options shared by compress and decompress.
#[derive(Debug, Args, Clone)]
pub struct CodingArgs {
    /// Files to process; `-` or nothing means standard input.
    pub files: Vec<PathBuf>,

    /// Write to standard output; keep input files.
    #[arg(short = 'c', long = "stdout")]
    pub stdout: bool,

    /// Write to this file (one input only).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Overwrite existing output files (and write compressed data to a terminal).
    #[arg(short = 'f', long = "force")]
    pub force: bool,

    /// Keep input files (the default; accepted for compatibility with gzip and zstd).
    #[arg(short = 'k', long = "keep", conflicts_with = "rm")]
    pub keep: bool,

    /// Remove each input file once its output is written and verified.
    #[arg(long = "rm")]
    pub rm: bool,

    /// Codec for compression (see `ncodec info --codecs`): `cm` (the default), `lm`,
    /// `lm-token` (experimental: smaller than `cm` on prose but not yet than `lm`),
    /// `store`, `tensor` (float weights; the default for .safetensors and .npy), `pcm`
    /// (lossless audio; the default for .wav), or the lossy `image` and `speech` (which
    /// --quality, --bpp and --kbps pick by themselves).
    #[arg(long = "codec", value_name = "NAME", conflicts_with = "level")]
    pub codec: Option<String>,

    /// Speed against ratio, instead of naming a codec: 1 = `cm` (fast, a few MB/s, the
    /// default), 2 = `lm` (the byte language model mixed with `cm`: smallest, tens of
    /// KB/s).
    #[arg(short = 'l', long = "level", value_name = "N", value_parser = clap::value_parser!(u8).range(1..=2))]
    pub level: Option<u8>,

    /// Lossy image compression at quality level N (1 = smallest file; see `ncodec info
    /// --codecs` for the highest): picks the learned `image` codec. Takes PNG, JPEG, PPM,
    /// WebP, BMP, TIFF…; 8-bit RGB or gray. Decompression writes the format of the output
    /// name's extension (PNG when it has none).
    #[arg(long = "quality", value_name = "N", conflicts_with = "level")]
    pub quality: Option<u8>,

    /// Lossy image compression at the best quality level whose file stays under X bits
    /// per pixel (with --quality: at most that level).
    #[arg(long = "bpp", value_name = "X", conflicts_with = "level")]
    pub bpp: Option<f64>,

    /// Encoder effort for lossy images: 1 = one pass of the model (fast, the default),
    /// 2 and 3 refine the latents against the real rate and distortion for smaller files
    /// at the same quality (about 3 s and 20 s for a 768×512 photo on 2 cores);
    /// decoding is equally fast for all.
    #[arg(long = "effort", value_name = "N", value_parser = clap::value_parser!(u8).range(1..=3), conflicts_with = "level")]
    pub effort: Option<u8>,

    /// Lossy speech compression at about X kilobits per second: picks the learned
    /// `speech` codec at its highest level whose nominal rate is at most X (1.5 or 3;
    /// or give --codec speech --quality 1|2). Takes WAV (16/24-bit, float), FLAC, MP3,
    /// OGG/Vorbis at any rate and channel count; codes 16 kHz mono and decompresses to a
    /// 16 kHz mono WAV of the same duration.
    #[arg(long = "kbps", value_name = "X", conflicts_with_all = ["level", "bpp", "effort"])]
    pub kbps: Option<f64>,

    /// Lossless audio with the `pcm` codec (linear prediction and adaptive residual
    /// coding, smaller than FLAC -8): WAV files (8–32-bit integer PCM, any rate and
    /// channel count) are coded as they are, and get `pcm` even without this flag; FLAC,
    /// MP3 and OGG inputs are decoded to WAV first (`song.flac` becomes `song.wav.ncz`).
    /// On photos (.png, .jpg, .ppm, .bmp, .tiff, .webp: 8-bit RGB or gray), the `limg`
    /// codec: the pixels exactly (smaller than WebP lossless); decompression writes the
    /// format of the output name (`photo.png.ncz` gives `photo.png`).
    #[arg(long = "lossless", conflicts_with_all = ["level", "quality", "bpp", "effort", "kbps"])]
    pub lossless: bool,

    /// Element type of a raw buffer of floats (bf16, f16, f32, f64, f8e4m3, f8e5m2):
    /// picks the lossless `tensor` codec, which entropy-codes the exponents and keeps the
    /// mantissas. Safetensors and .npy files need no --dtype: their headers name their
    /// types, and they are coded with `tensor` by default.
    #[arg(long = "dtype", value_name = "TYPE", conflicts_with_all = ["level", "quality", "bpp", "effort", "kbps"])]
    pub dtype: Option<ncodec::codecs::tensor::FloatType>,

    /// Chunk size for compression, a power of two like 64K, 1M or 4M (default 4M).
    /// Chunks are coded independently and in parallel.
    #[arg(long = "chunk-size", value_name = "SIZE", value_parser = crate::size::parse_size)]
    pub chunk_size: Option<usize>,

    /// Worker threads; 0 uses every core. Output does not depend on it.
    #[arg(short = 'T', long = "threads", value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Print nothing but errors.
    #[arg(short = 'q', long = "quiet", conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more detail (timings, speed).
    #[arg(short = 'v', long = "verbose")]
    pub verbose: bool,
}

impl CodingArgs {
    /// Whether a lossy image option (`--quality`, `--bpp`, `--effort`) was given.
    pub fn wants_lossy_image(&self) -> bool {
        self.quality.is_some() || self.bpp.is_some() || self.effort.is_some()
    }

    /// The codec to compress with: `--codec`, else `speech` for `--kbps`, else `image`
    /// for the lossy image options, else the one of `-l`, else `cm`.
    pub fn codec_name(&self) -> &str {
        match (&self.codec, self.level) {
            (Some(name), _) => name,
            (None, _) if self.kbps.is_some() => "speech",
            (None, _) if self.dtype.is_some() => "tensor",
            (None, _) if self.lossless => "pcm",
            (None, _) if self.wants_lossy_image() => "image",
            (None, Some(level)) => LEVEL_CODECS[usize::from(level.clamp(1, 2)) - 1],
            (None, None) => LEVEL_CODECS[0],
        }
    }
}

/// Options of `ncodec test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Files to verify; `-` means standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Worker threads; 0 uses every core.
    #[arg(short = 'T', long = "threads", value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Print nothing but errors.
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,
}

/// Options of `ncodec info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// .ncz files to describe.
    #[arg(required_unless_present = "codecs")]
    pub files: Vec<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long = "json")]
    pub json: bool,
    /// List the codecs this build has.
    #[arg(long = "codecs")]
    pub codecs: bool,
}

/// Evaluations.
#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Bits per byte and speed of every ncodec codec and classical baseline on files.
    Bytes(EvalBytesArgs),
    /// Rate and distortion (PSNR, MS-SSIM) of the learned image codec against JPEG, WebP,
    /// AVIF and PNG on photos, with BD-rates and RD curves.
    #[command(after_help = EVAL_IMAGE_EXAMPLES)]
    Image(EvalImageArgs),
    /// Rate and quality (PESQ, STOI, log-mel distance) of the learned speech codec against
    /// Opus, Codec 2 and MP3 on speech files.
    #[command(after_help = EVAL_AUDIO_EXAMPLES)]
    Audio(EvalAudioArgs),
}

const EVAL_AUDIO_EXAMPLES: &str = "\
Examples:
  ncodec eval audio data-cache/audio/valid --max-files 10 --json rq.json --plot rq.svg
  ncodec eval audio speech/ --only opus,codec2 -T 2

Files are mixed down to mono and resampled to 16 kHz. Every point is a real stream:
kbps counts all of its bytes (the whole .ncz for ncodec; Opus packets with their
lengths; Codec 2 and MP3 frames). PESQ-WB and PESQ-NB are MOS-LQO (P.862.2, P.862.1),
STOI is pystoi's, the mel distance is an L1 of log-mel spectra (lower is better).";

/// Options of `ncodec eval audio`.
#[derive(Debug, Args)]
pub struct EvalAudioArgs {
    /// Audio files, or folders searched recursively for .wav, .flac, .mp3 and .ogg files.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Also write every point (per file, and the means) as JSON to this file.
    #[arg(long = "json", value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also draw the curves (kbps against PESQ-NB and STOI) as SVG to this file.
    #[arg(long = "plot", value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Use only the first N files (in name order).
    #[arg(long = "max-files", value_name = "N")]
    pub max_files: Option<usize>,
    /// Only these contenders (comma-separated: ncodec, opus, codec2, mp3).
    #[arg(long = "only", value_name = "NAMES", conflicts_with_all = ["no_baselines", "no_ncodec"])]
    pub only: Option<String>,
    /// Leave out the classical codecs.
    #[arg(long = "no-baselines")]
    pub no_baselines: bool,
    /// Leave out ncodec's learned codec.
    #[arg(long = "no-ncodec", conflicts_with = "no_baselines")]
    pub no_ncodec: bool,
    /// Codings run at once (0: one per core); each coding uses one thread. With
    /// --lossless: the threads of each `pcm` coding.
    #[arg(short = 'T', long = "threads", value_name = "N", default_value_t = 1)]
    pub threads: usize,
    /// Lossless instead: bits per sample and speed of the `pcm` codec against `flac -8`
    /// (the `flac` program, if installed) on the files as they are (FLAC, MP3 and OGG
    /// decoded to integer WAV first).
    #[arg(long = "lossless")]
    pub lossless: bool,
}

const EVAL_IMAGE_EXAMPLES: &str = "\
Examples:
  ncodec eval image data-cache/image/valid --json rd.json --plot rd.svg
  ncodec eval image photos/ --max-images 4 --no-ncodec
  ncodec eval image photos/ --only ncodec,jpeg --effort 1,2,3 --levels 1,2 -T 2

Every point is a real file: bpp counts all of its bytes (the whole .ncz for ncodec).
Means are over photos at each setting; BD-rates compare ncodec (per effort) with each
lossy baseline, and WebP and AVIF with JPEG (negative = fewer bits at equal quality).";

/// Options of `ncodec eval image`.
#[derive(Debug, Args)]
pub struct EvalImageArgs {
    /// Photos, or folders searched recursively for .png, .jpg and .jpeg files.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Also write every point (per photo, and the means) as JSON to this file.
    #[arg(long = "json", value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also draw the RD curves (bpp against PSNR and MS-SSIM) as SVG to this file.
    #[arg(long = "plot", value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// ncodec encoder efforts, one curve each (1 fastest to 3 best; 2 and 3 refine the
    /// latents and encode about 6 and 40 times slower).
    #[arg(long = "effort", value_name = "LIST", value_delimiter = ',', default_value = "1",
          value_parser = clap::value_parser!(u8).range(1..=3))]
    pub efforts: Vec<u8>,
    /// ncodec quality levels (default: all that the build ships).
    #[arg(long = "levels", value_name = "LIST", value_delimiter = ',',
          value_parser = clap::value_parser!(u8).range(1..))]
    pub levels: Option<Vec<u8>>,
    /// Quality sweep of JPEG, WebP and AVIF instead of their defaults
    /// (JPEG and WebP 5,10,20,...,90,95; AVIF 10,20,...,90).
    #[arg(long = "qualities", value_name = "LIST", value_delimiter = ',',
          value_parser = clap::value_parser!(u8).range(1..=100))]
    pub qualities: Option<Vec<u8>>,
    /// Use only the first N photos (in name order).
    #[arg(long = "max-images", value_name = "N")]
    pub max_images: Option<usize>,
    /// Only these contenders (comma-separated: ncodec, jpeg, webp, avif, png).
    #[arg(long = "only", value_name = "NAMES", conflicts_with_all = ["no_baselines", "no_ncodec"])]
    pub only: Option<String>,
    /// Leave out the classical codecs.
    #[arg(long = "no-baselines")]
    pub no_baselines: bool,
    /// Leave out ncodec's learned codec.
    #[arg(long = "no-ncodec", conflicts_with = "no_baselines")]
    pub no_ncodec: bool,
    /// Codings run at once (0: one per core); each coding uses one thread.
    #[arg(short = 'T', long = "threads", value_name = "N", default_value_t = 1)]
    pub threads: usize,
    /// Lossless instead: bits per subpixel and speed of the `limg` codec against PNG and
    /// WebP lossless (strongest settings), every file decoded and checked; takes --json
    /// and --max-images.
    #[arg(long = "lossless")]
    pub lossless: bool,
}

/// Options of `ncodec eval bytes`.
#[derive(Debug, Args)]
pub struct EvalBytesArgs {
    /// Files or directories (searched recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: EvalCommonArgs,
}

/// Options of `ncodec demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub common: EvalCommonArgs,
}

/// Options shared by the evaluations.
#[derive(Debug, Args)]
pub struct EvalCommonArgs {
    /// Also write the full report as JSON to this file.
    #[arg(long = "json", value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Only these contenders (comma-separated names, e.g. `cm,xz-9e,zstd-19`).
    #[arg(long = "only", value_name = "NAMES")]
    pub only: Option<String>,
    /// Leave out the classical baselines.
    #[arg(long = "no-baselines")]
    pub no_baselines: bool,
    /// Time each compression and decompression this many times and keep the fastest.
    #[arg(long = "repeats", default_value_t = 1, value_name = "N")]
    pub repeats: usize,
    /// Worker threads for ncodec; 0 uses every core.
    #[arg(short = 'T', long = "threads", value_name = "N", default_value_t = 1)]
    pub threads: usize,
}
