//! The library's error type.

use crate::entropy::EntropyError;

/// Everything that can go wrong while compressing or decompressing.
///
/// Every way a `.ncz` file can be damaged maps to its own variant with a message that says
/// what is wrong; decoding never panics on bad input.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input does not start with the `.ncz` magic bytes.
    #[error("not an ncz file (the magic bytes are missing)")]
    NotNcz,
    /// The file was written by a newer (or unknown) version of the format.
    #[error("unsupported ncz format version {0} (this build reads version {supported}); upgrade ncodec", supported = crate::format::VERSION)]
    UnsupportedVersion(u8),
    /// The header names a codec this build does not have.
    #[error("unknown codec id {0}: the file needs a codec this build of ncodec does not have")]
    UnknownCodec(u8),
    /// No codec of that name is registered.
    #[error("unknown codec name {0:?} (see `ncodec compress --help` for the list)")]
    UnknownCodecName(String),
    /// The file was made with different model weights than this build ships.
    #[error("model mismatch: the file needs model {expected_id} with hash {expected:016x}, this build has model {found_id} with hash {found:016x}")]
    ModelMismatch {
        /// Model id recorded in the file.
        expected_id: u16,
        /// Model hash recorded in the file.
        expected: u64,
        /// Model id of this build's codec.
        found_id: u16,
        /// Model hash of this build's codec.
        found: u64,
    },
    /// The frame header is damaged.
    #[error("corrupt header: {0}")]
    CorruptHeader(&'static str),
    /// A chunk is damaged (checksum mismatch or impossible field).
    #[error("corrupt chunk {index}: {reason}")]
    CorruptChunk {
        /// Zero-based chunk index.
        index: u64,
        /// What is wrong.
        reason: String,
    },
    /// The decoded content does not match the checksum recorded at the end of the frame.
    #[error("content checksum mismatch: the decoded data is not what was compressed")]
    ContentChecksum,
    /// The file ends before the frame does.
    #[error("truncated file: it ends inside the {0}")]
    Truncated(&'static str),
    /// The frame trailer is damaged.
    #[error("corrupt trailer: {0}")]
    CorruptTrailer(&'static str),
    /// Bytes follow the end of the frame.
    #[error("unexpected data after the end of the ncz frame")]
    TrailingData,
    /// An option is out of range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// The entropy coder rejected its input.
    #[error(transparent)]
    Entropy(#[from] EntropyError),
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Error {
    /// Converts into an `io::Error` (for `Read`/`Write` adapters), keeping the message.
    pub fn into_io(self) -> std::io::Error {
        match self {
            Error::Io(e) => e,
            other => std::io::Error::new(std::io::ErrorKind::InvalidData, other),
        }
    }

    /// Recovers an [`Error`] from an `io::Error` produced by [`Error::into_io`].
    pub fn from_io(err: std::io::Error) -> Self {
        if err.get_ref().is_some_and(|inner| inner.is::<Error>()) {
            match err.into_inner().map(|inner| inner.downcast::<Error>()) {
                Some(Ok(boxed)) => *boxed,
                Some(Err(other)) => {
                    Error::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, other))
                }
                None => Error::Io(std::io::Error::other("unknown error")),
            }
        } else {
            Error::Io(err)
        }
    }
}
