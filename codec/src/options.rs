//! Options for compressing and decompressing.

use crate::codec::EncodeParams;
use crate::format::{MAX_CHUNK_LOG2, MIN_CHUNK_LOG2};
use crate::Error;

/// Default chunk size as log2 bytes: 4 MiB chunks, coded independently and in parallel.
pub const DEFAULT_CHUNK_LOG2: u8 = 22;

/// How to compress: codec, threads and chunk size.
///
/// ```
/// let opts = ncodec::CompressOptions::default().codec("store").threads(2);
/// let packed = ncodec::compress(b"hello", &opts).unwrap();
/// assert_eq!(ncodec::decompress(&packed).unwrap(), b"hello");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CompressOptions {
    pub(crate) codec: String,
    pub(crate) threads: usize,
    pub(crate) chunk_log2: u8,
    pub(crate) params: EncodeParams,
}

impl Default for CompressOptions {
    fn default() -> Self {
        Self {
            codec: "cm".to_string(),
            threads: 0,
            chunk_log2: DEFAULT_CHUNK_LOG2,
            params: EncodeParams::default(),
        }
    }
}

impl CompressOptions {
    /// Uses the codec registered under `name` (default `cm`).
    pub fn codec(mut self, name: &str) -> Self {
        self.codec = name.to_string();
        self
    }

    /// Number of worker threads; 0 (the default) uses every core. The output does not
    /// depend on it.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Chunk size in bytes: a power of two from 4 KiB to 256 MiB (default 4 MiB). Bigger
    /// chunks compress a little better; smaller ones parallelise and stream better.
    pub fn chunk_size(mut self, bytes: usize) -> Result<Self, Error> {
        let log2 = bytes.trailing_zeros() as u8;
        if !bytes.is_power_of_two() || !(MIN_CHUNK_LOG2..=MAX_CHUNK_LOG2).contains(&log2) {
            return Err(Error::InvalidOption(format!(
                "chunk size {bytes} must be a power of two from 4 KiB to 256 MiB"
            )));
        }
        self.chunk_log2 = log2;
        Ok(self)
    }

    /// Settings for lossy codecs (quality level, rate cap, effort); lossless codecs
    /// ignore them.
    ///
    /// ```
    /// let opts = ncodec::CompressOptions::default()
    ///     .codec("image")
    ///     .params(ncodec::EncodeParams::default().quality(2));
    /// assert_eq!(opts.encode_params().quality, Some(2));
    /// ```
    pub fn params(mut self, params: EncodeParams) -> Self {
        self.params = params;
        self
    }

    /// The lossy-codec settings.
    pub fn encode_params(&self) -> &EncodeParams {
        &self.params
    }

    /// The codec name.
    pub fn codec_name(&self) -> &str {
        &self.codec
    }
}

/// How to decompress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecompressOptions {
    pub(crate) threads: usize,
}

impl DecompressOptions {
    /// Number of worker threads; 0 (the default) uses every core. The output does not
    /// depend on it.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }
}

/// Resolves a thread count (0 = all cores) to at least 1.
fn resolve_threads(threads: usize) -> usize {
    if threads > 0 {
        threads
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// A rayon pool of `threads` workers, built the first time a batch has more than one
/// chunk (small inputs never pay for starting threads).
pub(crate) struct LazyPool {
    threads: usize,
    pool: Option<rayon::ThreadPool>,
}

impl LazyPool {
    /// A pool of `threads` workers (0 = every core), not started yet.
    pub(crate) fn new(threads: usize) -> Self {
        Self {
            threads: resolve_threads(threads),
            pool: None,
        }
    }

    /// The number of workers.
    pub(crate) fn threads(&self) -> usize {
        self.threads
    }

    /// The pool for a batch of `jobs` jobs, or `None` to run them on this thread.
    pub(crate) fn for_jobs(&mut self, jobs: usize) -> Result<Option<&rayon::ThreadPool>, Error> {
        if self.threads <= 1 || jobs <= 1 {
            return Ok(None);
        }
        self.started().map(Some)
    }

    /// The pool, started now if it was not: lossy codecs run their one chunk inside it so
    /// their own data parallelism uses exactly the requested number of threads.
    pub(crate) fn started(&mut self) -> Result<&rayon::ThreadPool, Error> {
        if self.pool.is_none() {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(self.threads)
                .build()
                .map_err(|e| Error::Io(std::io::Error::other(e)))?;
            self.pool = Some(pool);
        }
        self.pool
            .as_ref()
            .ok_or_else(|| Error::Io(std::io::Error::other("thread pool missing")))
    }
}
