//! Typed errors of the datasets crate.

use std::path::PathBuf;

/// Everything that can go wrong while reading, verifying, fetching or loading data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An I/O error on a named file (the cause is the error's `source`).
    #[error("{}", path.display())]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file that could not be read as what it should be (the cause is the `source`).
    #[error("{}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: Box<Error>,
    },
    /// An I/O error on a stream without a name (including corrupt gzip data).
    #[error("{0}")]
    Stream(#[from] std::io::Error),
    /// The first four bytes are not an IDX magic number.
    #[error("not an IDX file: magic bytes {0:02x?} (expected 00 00 <type> <rank>)")]
    BadMagic([u8; 4]),
    /// The IDX element type is not unsigned bytes.
    #[error("IDX element type 0x{0:02x} is not supported (only unsigned bytes, 0x08)")]
    UnsupportedType(u8),
    /// The IDX rank is outside 1..=4.
    #[error("IDX rank {0} is not supported (1 to 4 dimensions)")]
    BadRank(u8),
    /// The product of the header's dimensions does not fit in memory addresses.
    #[error("IDX header dimensions {0:?} describe more data than can exist")]
    DimensionOverflow(Vec<u64>),
    /// The header promises more data than the file holds.
    #[error("IDX data is truncated: the header promises {expected} bytes of data, the file holds {found}")]
    Truncated {
        /// Bytes the header promises.
        expected: u64,
        /// Bytes actually present.
        found: u64,
    },
    /// The file holds more bytes than its header describes.
    #[error("IDX data has trailing bytes: the header describes {expected} bytes of data, the file holds more")]
    TrailingData {
        /// Bytes the header describes.
        expected: u64,
    },
    /// Data has the wrong shape for how it is used.
    #[error("wrong shape: {0}")]
    Shape(String),
    /// A file's content does not match the catalogue's checks.
    #[error("{file}: checksum mismatch: expected {expected}, got {actual}; nothing was replaced")]
    Checksum {
        /// The file that failed.
        file: String,
        /// What the catalogue expects (algorithm and hex digest).
        expected: String,
        /// What the file has.
        actual: String,
    },
    /// The dataset name is not in the catalogue.
    #[error("unknown dataset {name:?}; known datasets: {known}")]
    UnknownDataset {
        /// The name asked for.
        name: String,
        /// The names that exist.
        known: String,
    },
    /// A dataset is known but not in the cache (fetch or import it).
    #[error("dataset {name} is not in the cache ({}): missing {missing}", dir.display())]
    NotCached {
        /// Dataset name.
        name: String,
        /// Its cache folder.
        dir: PathBuf,
        /// The files that are missing.
        missing: String,
    },
    /// An import folder lacks a file the dataset needs.
    #[error("{}: no file for {role} (looked for {looked_for})", dir.display())]
    MissingFile {
        /// The folder searched.
        dir: PathBuf,
        /// What the file is (e.g. "training images").
        role: String,
        /// The names tried.
        looked_for: String,
    },
    /// A cached file is damaged (fetching or importing the dataset again repairs it).
    #[error("{}: cached file is damaged ({reason})", path.display())]
    Corrupt {
        /// The damaged file.
        path: PathBuf,
        /// The dataset it belongs to.
        dataset: String,
        /// What is wrong.
        reason: String,
    },
    /// Every mirror of a file failed.
    #[error("could not download {file}: {reasons}")]
    Download {
        /// The file.
        file: String,
        /// One reason per mirror tried.
        reasons: String,
    },
    /// Images and labels disagree in count.
    #[error("{images} images but {labels} labels")]
    LengthMismatch {
        /// Number of images.
        images: usize,
        /// Number of labels.
        labels: usize,
    },
    /// A label is outside the dataset's classes.
    #[error("label {label} at row {row} is outside the {n_classes} classes")]
    BadLabel {
        /// The label value.
        label: u8,
        /// Its row.
        row: usize,
        /// Number of classes.
        n_classes: usize,
    },
    /// A picture is not a PNG that can be read (the decoder's reason).
    #[error("{reason}")]
    Png {
        /// What the decoder said.
        reason: String,
    },
    /// A picture with no pixels, or more than [`MAX_PIXELS`](crate::formats::picture::MAX_PIXELS).
    #[error("a {width}×{height} picture (at most 16 million pixels are read)")]
    PictureTooLarge {
        /// Its width.
        width: usize,
        /// Its height.
        height: usize,
    },
    /// A picture smaller than the images a model reads.
    #[error("the image is {width}×{height}; it must be at least {}×{}", min[1], min[0])]
    PictureTooSmall {
        /// Its width.
        width: usize,
        /// Its height.
        height: usize,
        /// The least height and width.
        min: [usize; 2],
    },
    /// A picture with no ink.
    #[error("the image is blank")]
    BlankPicture,
    /// An argument is out of range (an index past the end, a zero count, ...).
    #[error("{0}")]
    InvalidArgument(String),
    /// The platform has no data directory and `CLASSIFY_DATA` is not set.
    #[error("no data directory: set CLASSIFY_DATA")]
    NoDataDir,
    /// A dataset registered from a folder whose stored files are gone (import it again).
    #[error("dataset {name} is registered in the cache ({}) but {missing} is gone", dir.display())]
    RegisteredFilesGone {
        /// Dataset name.
        name: String,
        /// Its cache folder.
        dir: PathBuf,
        /// The files that are gone.
        missing: String,
    },
    /// A dataset being made (`data deform`) could not be finished: nothing was registered
    /// and the cache holds what it held before (the cause is the `source`).
    #[error("{name}: not made, the cache is as it was")]
    NotMade {
        /// The name the dataset was to have.
        name: String,
        /// What stopped it.
        source: Box<Error>,
    },
    /// A dataset of that name is already in the cache.
    #[error("a dataset named {name} is already in the cache ({}); choose another name or replace it", dir.display())]
    Exists {
        /// The name.
        name: String,
        /// Its folder.
        dir: PathBuf,
    },
    /// An OpenML dataset asked for by name that has not been fetched.
    #[error("openml:{name} is not in the cache")]
    OpenMlNotCached {
        /// The OpenML name or id.
        name: String,
    },
    /// A CSV of pixels given where a dataset folder is read: it is imported into the cache
    /// once, then loaded by the name it was given.
    #[error("{}: a CSV of pixels is imported once, then used by name", path.display())]
    CsvNeedsImport {
        /// The CSV file or its folder.
        path: PathBuf,
    },
    /// More training samples asked for than there are, or none.
    #[error("{}", if *.asked == 0 {
        "at least 1 training sample must be kept".to_string()
    } else {
        format!("{asked} training samples asked for: the training set has only {available}")
    })]
    TrainCount {
        /// How many were asked for.
        asked: usize,
        /// How many there are.
        available: usize,
    },
    /// An image size (height, width) out of range.
    #[error("image size {}x{}: each side must be between 1 and 4096", size[0], size[1])]
    ImageSize {
        /// Height and width.
        size: [usize; 2],
    },
    /// A CSV's pixel columns that do not make the stated image size, or, with none stated,
    /// a square image.
    #[error("{}: {n_pixels} pixel columns{}", path.display(), match size {
        Some([h, w]) => format!(", but a {h}x{w} image holds {}", h * w),
        None => " is not a square image; state the image size".to_string(),
    })]
    PixelColumns {
        /// The CSV file.
        path: PathBuf,
        /// Its pixel columns.
        n_pixels: usize,
        /// The image size stated, if one was.
        size: Option<[usize; 2]>,
    },
    /// Images of different sizes in one folder, with no size to resize them to.
    #[error("{}: {}x{} where the first image was {}x{}; state one size to resize them all", path.display(), size[0], size[1], first[0], first[1])]
    MixedImageSizes {
        /// The image that differs.
        path: PathBuf,
        /// Its height and width.
        size: [usize; 2],
        /// The first image's.
        first: [usize; 2],
    },
}

impl Error {
    /// What went wrong, without the file name: the innermost causes, joined by ": ".
    pub fn cause_text(&self) -> String {
        let mut parts = Vec::new();
        let mut cur: Option<&(dyn std::error::Error + 'static)> = match self {
            Error::Io { source, .. } => Some(source),
            Error::File { source, .. } => Some(source.as_ref()),
            other => return other.to_string(),
        };
        while let Some(e) = cur {
            match e.downcast_ref::<Error>() {
                Some(Error::File { source, .. }) => cur = Some(source.as_ref()),
                Some(Error::Io { source, .. }) => cur = Some(source),
                _ => {
                    parts.push(e.to_string());
                    cur = e.source();
                }
            }
        }
        parts.join(": ")
    }

    /// Wraps an I/O error with the path it happened on.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
