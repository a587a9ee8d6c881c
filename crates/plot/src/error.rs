//! Typed errors of the plot crate.

use std::path::PathBuf;

/// What can go wrong while drawing a figure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The output name does not end in `.png` or `.svg`.
    #[error("{}: unsupported figure format (use .png or .svg)", .0.display())]
    UnsupportedFormat(PathBuf),
    /// The input has the wrong shape.
    #[error("wrong shape: {0}")]
    Shape(String),
    /// Drawing or encoding failed.
    #[error("{}: {message}", path.display())]
    Draw {
        /// The figure being written.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
