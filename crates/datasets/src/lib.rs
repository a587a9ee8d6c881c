//! Datasets for classify: MNIST-style image sets, read, verified, cached and augmented.
//!
//! - [`idx`]: the IDX file format (plain or gzip), validated before it allocates; the other
//!   formats: [`pixel_csv`], [`image_folder`], [`picture`] (a user's PNG as a model's input),
//!   [`npy`] (NumPy arrays out).
//! - [`Dataset`] / [`TrainTest`]: `u8` pixel rows with `u8` labels, viewable as `f32`/`f64`;
//!   the canonical split (MNIST: first 60,000 training, last 10,000 test).
//! - [`mnist_sample`]: 10,000 real MNIST digits embedded in the crate (8,000 / 2,000),
//!   so everything runs offline.
//! - [`Cache`] and [`catalogue`]: known datasets (`mnist`, `fashion-mnist`) with mirrors and
//!   checksums; [`Cache::import`] from a local folder and [`Cache::download`] (feature
//!   `download`, on by default) verify every file and write through a temporary file and a
//!   rename, so nothing half-written or unverified ever sits under a final name.
//! - [`augment`]: one-pixel shifts with zero fill, and additive integer noise, seeded.
//! - [`deform`] and [`Cache::deform`]: infiMNIST's kind of deformation (a smoothed random
//!   displacement field with a small rotation, scaling, shear and shift), millions of images
//!   written to the cache a block at a time, deterministic for a seed whatever the threads.
//! - [`open_stream`] / [`Streamed`]: a cached training set read a block at a time
//!   ([`TrainStream::blocks`]), so a dataset larger than memory can be learned from; the test
//!   set is loaded whole.
//!
//! Decisions a user should know:
//! - The checksum that decides is the SHA-256 of the *decompressed* file, so re-compressed
//!   copies (Debian's) verify; MNIST's training images only have the official `.gz` MD5.
//! - A folder that holds fewer training images than labels (a partial copy) still loads: the
//!   labels are trimmed to the images present and [`TrainTest::notes`] says so.
//! - Loading checks structure and the gzip CRC, not the SHA-256 (that is [`Cache::verify`]).
//!
//! ```
//! use classify_datasets::{load, Cache, Source};
//!
//! let cache = Cache::new(std::env::temp_dir().join("classify-doc-cache"));
//! let mut data = load(&Source::Sample, &cache)?;
//! data.limit_train(1000)?;
//! assert_eq!(data.train.data.dim(), (1000, 784));
//! let five = data.train.image(0)?; // a 28x28 view
//! assert_eq!(five.dim(), (28, 28));
//! # Ok::<(), classify_datasets::Error>(())
//! ```

// The modules form layers, each using only the layers before it (the tidy test
// `datasets_keep_their_layers` keeps the direction): `error` and `files` (atomic writes,
// digests); `formats` (how files are read and written); datasets in memory (`info`,
// `dataset`, `folder`, `sample`, `augment`, `deform`); the `cache`; the `sources` that fill it (the
// catalogue, downloads, OpenML, registered folders, e-mails, tables).
pub mod augment;
pub mod cache;
mod dataset;
pub mod deform;
mod error;
mod files;
mod folder;
mod formats;
mod info;
mod sample;
mod sources;

pub use formats::{idx, idx_stream, image_folder, npy, picture, pixel_csv};
pub use sources::{catalogue, openml, spam, tabular, DeformOptions};

pub use cache::{
    stream_idx_folder, Block, Blocks, Cache, FileOutcome, FileProgress, FileRecord, Streamed,
    TrainStream, Verification,
};
pub use dataset::{Dataset, PartSummary, Summary, TrainTest};
pub use error::{Error, Result};
pub use folder::load_idx_folder;
pub use info::{DatasetInfo, FileInfo, Made, Role};
pub use sample::{mnist_sample, SAMPLE};

/// Where a dataset comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The embedded sample ([`mnist_sample`]).
    Sample,
    /// A dataset of the cache by its name: a catalogue dataset (`mnist`, `fashion-mnist`)
    /// or one registered in it ([`Cache::register_idx_folder`] and the other `register_*`).
    Cached(String),
    /// A dataset fetched from OpenML ([`Cache::fetch_openml`]), by its OpenML name or id.
    OpenMl(String),
    /// A folder of IDX files read in place ([`load_idx_folder`]); nothing is cached.
    Folder(std::path::PathBuf),
}

/// Loads the dataset `source` names, from `cache` where it is cached.
pub fn load(source: &Source, cache: &Cache) -> Result<TrainTest> {
    match source {
        Source::Sample => mnist_sample(),
        Source::Cached(name) if name == SAMPLE => mnist_sample(),
        Source::Cached(name) => cache.load(&cache.find(name)?),
        Source::OpenMl(name) => {
            let info = cache
                .find(&openml::cache_name(name))
                .map_err(|_| Error::OpenMlNotCached { name: name.clone() })?;
            cache.load(&info)
        }
        // A CSV of pixels is not parsed on every run: the cache stores it as IDX once.
        Source::Folder(path) => {
            load_idx_folder(path).map_err(|e| match pixel_csv::is_pixel_csv(path) {
                true => Error::CsvNeedsImport { path: path.clone() },
                false => e,
            })
        }
    }
}

/// Opens the dataset `source` names for streaming ([`Streamed`]): its training images are
/// read a block at a time from their file, never whole; the embedded sample, in memory
/// already, is served from memory.
///
/// ```
/// use classify_datasets::{open_stream, Cache, Source};
///
/// let cache = Cache::new(std::env::temp_dir().join("classify-doc-cache"));
/// let data = open_stream(&Source::Sample, &cache)?;
/// let mut seen = 0;
/// for block in data.train.blocks(3000)? {
///     let block = block?;
///     assert_eq!(block.start, seen);
///     seen += block.data.nrows();
/// }
/// assert_eq!(seen, data.train.n_samples());
/// # Ok::<(), classify_datasets::Error>(())
/// ```
pub fn open_stream(source: &Source, cache: &Cache) -> Result<Streamed> {
    match source {
        Source::Sample => Streamed::in_memory(mnist_sample()?),
        Source::Cached(name) if name == SAMPLE => Streamed::in_memory(mnist_sample()?),
        Source::Cached(name) => cache.stream(&cache.find(name)?),
        Source::OpenMl(name) => {
            let info = cache
                .find(&openml::cache_name(name))
                .map_err(|_| Error::OpenMlNotCached { name: name.clone() })?;
            cache.stream(&info)
        }
        Source::Folder(path) => stream_idx_folder(path),
    }
}
