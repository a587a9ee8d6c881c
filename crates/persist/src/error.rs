//! Why a model file cannot be written or read.

use std::path::PathBuf;

use crate::header::{HEADER_LEN, JSON_FORMAT, VERSION};

/// Why a model file cannot be written or read: each case names what is wrong, so that a
/// truncated, edited or foreign file is an answer, never a panic.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file cannot be read or written.
    #[error("{} the model {}", if *.writing { "writing" } else { "reading" }, path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Whether it was being written (else read).
        writing: bool,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// Shorter than a header.
    #[error("{found} bytes is too short for a model file (the header alone is {HEADER_LEN})")]
    TooShort {
        /// The file's length.
        found: usize,
    },
    /// Neither the magic nor JSON.
    #[error("not a classify model file (it starts with {0:?})")]
    BadMagic(String),
    /// Another format version.
    #[error("model file format version {found}; this classify reads versions 2 and {VERSION} (and JSON {JSON_FORMAT:?})")]
    Version {
        /// The version in the header.
        found: u16,
    },
    /// A kind byte no model has.
    #[error("unknown model kind {0} in the header")]
    UnknownKind(u8),
    /// Fewer payload bytes than the header announces.
    #[error("truncated: the header announces {expected} bytes of model, the file holds {found}")]
    Truncated {
        /// Announced.
        expected: u64,
        /// Present.
        found: u64,
    },
    /// More bytes than the header announces.
    #[error("{extra} unexpected bytes after the model")]
    TrailingData {
        /// How many.
        extra: u64,
    },
    /// The payload is not what was written.
    #[error("checksum mismatch: the header says CRC-32 {expected:08x}, the model bytes give {found:08x} (the file was altered or damaged)")]
    Checksum {
        /// From the header.
        expected: u32,
        /// Of the payload.
        found: u32,
    },
    /// The model does not classify (a scaler, a multi-output k-NN), where a classifier is
    /// needed; the model, in words.
    #[error("the model is a {0}, which does not classify one label per sample")]
    NotAClassifier(String),
    /// The payload does not decode, or decodes into an inconsistent model.
    #[error("the model inside is unreadable or inconsistent: {0}")]
    Payload(String),
}

/// A result whose error is a model file's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
