//! A dataset whose training images are read a block of rows at a time from their file, so
//! that a training set larger than memory can be learned from: [`open_stream`] gives the
//! labels (one byte per image), the test set (loaded whole) and a [`TrainStream`] that reads
//! the images in blocks, as often as asked.

use std::path::PathBuf;
use std::sync::Arc;

use ndarray::{Array1, Array2};

use super::{read_cached, trim_labels, Cache};
use crate::dataset::{Dataset, PartSummary, Summary};
use crate::error::{Error, Result};
use crate::folder::{class_names, find_in_dir};
use crate::formats::idx::{self, IdxArray};
use crate::formats::idx_stream::IdxRows;
use crate::info::{DatasetInfo, Role};

/// A dataset opened for streaming: the training set on disk, the test set in memory.
#[derive(Debug, Clone)]
pub struct Streamed {
    /// The dataset's name.
    pub name: String,
    /// The training set, read in blocks.
    pub train: TrainStream,
    /// The test set.
    pub test: Dataset,
    /// Where the files are.
    pub source: String,
    /// Anything the user should know (partial or unverified files).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
enum Images {
    File(PathBuf),
    Memory(Arc<Array2<u8>>),
}

/// A training set read a block of rows at a time. Only the labels (a byte per image) are
/// held; each [`blocks`](Self::blocks) reads the images anew from the start.
#[derive(Debug, Clone)]
pub struct TrainStream {
    images: Images,
    labels: Arc<[u8]>,
    image_shape: [usize; 2],
    target_names: Vec<String>,
    description: String,
}

/// Consecutive training rows: rows `start..start + data.nrows()`.
#[derive(Debug, Clone)]
pub struct Block {
    /// The first row's number in the training set.
    pub start: usize,
    /// The rows' pixels.
    pub data: Array2<u8>,
    /// Their labels.
    pub target: Array1<u8>,
}

impl TrainStream {
    /// Training images.
    pub fn n_samples(&self) -> usize {
        self.labels.len()
    }

    /// Pixels per image.
    pub fn n_features(&self) -> usize {
        self.image_shape[0] * self.image_shape[1]
    }

    /// `[height, width]`.
    pub fn image_shape(&self) -> [usize; 2] {
        self.image_shape
    }

    /// Class names, indexed by label.
    pub fn target_names(&self) -> &[String] {
        &self.target_names
    }

    /// Every training label, in order.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// Whether the images are read from a file (else they were in memory already).
    pub fn on_disk(&self) -> bool {
        matches!(self.images, Images::File(_))
    }

    /// The training set in blocks of at most `rows` rows (at least 1), from the first.
    pub fn blocks(&self, rows: usize) -> Result<Blocks> {
        if rows == 0 {
            return Err(Error::InvalidArgument("blocks of 0 rows".into()));
        }
        let reader = match &self.images {
            Images::File(path) => Some(IdxRows::open(path)?),
            Images::Memory(_) => None,
        };
        Ok(Blocks {
            stream: self.clone(),
            reader,
            next: 0,
            rows,
            buf: Vec::new(),
        })
    }

    /// Rows `start..start + count` (fewer at the end) as a dataset: what `data show` and
    /// `data grid` read of a large training set.
    pub fn read(&self, start: usize, count: usize) -> Result<Dataset> {
        if start >= self.n_samples() {
            return Err(Error::InvalidArgument(format!(
                "index {start} is out of range: the set has {} samples",
                self.n_samples()
            )));
        }
        let mut blocks = self.blocks(count.max(1))?;
        blocks.skip_to(start)?;
        let block = blocks.next().transpose()?.expect("start is before the end");
        Ok(self.dataset(block.data, block.target))
    }

    /// A block as a [`Dataset`] with this set's names.
    pub fn dataset(&self, data: Array2<u8>, target: Array1<u8>) -> Dataset {
        let [h, w] = self.image_shape;
        let images = IdxArray {
            dims: vec![data.nrows(), h, w],
            data: data.into_raw_vec_and_offset().0,
        };
        let labels = IdxArray {
            dims: vec![target.len()],
            data: target.to_vec(),
        };
        Dataset::from_idx(
            images,
            labels,
            self.target_names.clone(),
            self.description.clone(),
        )
        .expect("a block of a checked training set")
    }
}

/// The blocks of a [`TrainStream`], in order.
#[derive(Debug)]
pub struct Blocks {
    stream: TrainStream,
    reader: Option<IdxRows>,
    next: usize,
    rows: usize,
    buf: Vec<u8>,
}

impl Blocks {
    /// Gives back a block's pixels (`Block::data.into_raw_vec_and_offset().0`) for the next
    /// block to be read into: reading then allocates and zeroes nothing (measured: a third of
    /// a streamed SGD pass went to page faults and zeroing fresh 78 MB blocks).
    pub fn recycle(&mut self, pixels: Vec<u8>) {
        if self.buf.capacity() < pixels.capacity() {
            self.buf = pixels;
        }
    }

    /// Moves to row `row`.
    pub fn skip_to(&mut self, row: usize) -> Result<()> {
        if let Some(r) = &mut self.reader {
            r.skip_to(row)?;
        }
        self.next = row.min(self.stream.n_samples());
        Ok(())
    }
}

impl Iterator for Blocks {
    type Item = Result<Block>;

    fn next(&mut self) -> Option<Result<Block>> {
        let n = self.stream.n_samples();
        if self.next >= n {
            return None;
        }
        let start = self.next;
        let count = self.rows.min(n - start);
        let d = self.stream.n_features();
        let data = match (&mut self.reader, &self.stream.images) {
            (Some(reader), _) => {
                if let Err(e) = reader.read_rows(count, &mut self.buf) {
                    self.next = n;
                    return Some(Err(e));
                }
                Array2::from_shape_vec((count, d), std::mem::take(&mut self.buf))
                    .expect("whole rows")
            }
            (None, Images::Memory(all)) => {
                all.slice(ndarray::s![start..start + count, ..]).to_owned()
            }
            (None, Images::File(_)) => unreachable!("a file is read through its reader"),
        };
        self.next += count;
        let target = Array1::from(self.stream.labels[start..start + count].to_vec());
        Some(Ok(Block {
            start,
            data,
            target,
        }))
    }
}

impl Streamed {
    /// What `classify data info` reports, counted from the labels (the images are not read).
    pub fn summary(&self) -> Summary {
        let names = self.train.target_names();
        let mut counts = vec![0usize; names.len()];
        for &l in self.train.labels() {
            counts[usize::from(l)] += 1;
        }
        Summary {
            name: self.name.clone(),
            source: self.source.clone(),
            description: self.train.description.clone(),
            image_shape: Some(self.train.image_shape),
            n_features: self.train.n_features(),
            target_names: names.to_vec(),
            train: PartSummary {
                n_samples: self.train.n_samples(),
                class_counts: counts,
            },
            test: PartSummary::of(&self.test),
            notes: self.notes.clone(),
        }
    }

    /// A dataset already in memory, served as a stream (its blocks are copies of its rows).
    pub fn in_memory(data: crate::TrainTest) -> Result<Streamed> {
        let train = data.train;
        Ok(Streamed {
            train: TrainStream {
                image_shape: train
                    .image_shape
                    .ok_or_else(|| Error::Shape("streaming needs images".into()))?,
                labels: train.target.to_vec().into(),
                images: Images::Memory(Arc::new(train.data)),
                target_names: train.target_names,
                description: train.description,
            },
            name: data.name,
            test: data.test,
            source: data.source,
            notes: data.notes,
        })
    }
}

/// The training images' file opened once to check it and read its shape.
fn image_file(path: PathBuf) -> Result<(Images, usize, [usize; 2])> {
    let rows = IdxRows::open(&path)?;
    match *rows.dims() {
        [n, h, w] => Ok((Images::File(path), n, [h, w])),
        ref dims => Err(Error::File {
            path,
            source: Box::new(Error::Shape(format!(
                "images must have 3 dimensions (count, height, width), found {dims:?}"
            ))),
        }),
    }
}

/// Labels that match the images: as many (fewer images: trimmed, with a note).
fn matched_labels(mut labels: IdxArray, n: usize, notes: &mut Vec<String>) -> Result<Arc<[u8]>> {
    trim_labels(&[n], &mut labels, notes);
    if labels.dims.len() != 1 || labels.dims[0] != n {
        return Err(Error::LengthMismatch {
            images: n,
            labels: labels.dims[0],
        });
    }
    Ok(labels.data.into())
}

impl Cache {
    /// A cached dataset opened for streaming (as [`load`](Self::load) checks it, but the
    /// training images are only opened, and checked for their length).
    pub fn stream(&self, info: &DatasetInfo) -> Result<Streamed> {
        stream_cached(self, info)
    }
}

fn stream_cached(cache: &Cache, info: &DatasetInfo) -> Result<Streamed> {
    let dir = cache.present(info)?;
    let manifest = cache.manifest(&info.name);
    let file = info
        .file(Role::TrainImages)
        .ok_or_else(|| Error::InvalidArgument(format!("{} has no training images", info.name)))?;
    let path = dir.join(&file.name);
    let corrupt = |e: Error| Error::Corrupt {
        path: path.clone(),
        dataset: info.name.clone(),
        reason: e.cause_text(),
    };
    let (images, n, shape) = image_file(path.clone()).map_err(corrupt)?;
    let mut notes = Vec::new();
    if let Some(rec) = manifest.files.get(&file.name) {
        if rec.items != n {
            return Err(corrupt(Error::Shape(format!(
                "holds {n} items, the manifest says {}",
                rec.items
            ))));
        }
    }
    let mut read = |role| -> Result<IdxArray> {
        let (array, note) = read_cached(info, &dir, &manifest, role)?;
        notes.extend(note);
        Ok(array)
    };
    let labels = read(Role::TrainLabels)?;
    let test = Dataset::from_idx(
        read(Role::TestImages)?,
        read(Role::TestLabels)?,
        info.target_names.clone(),
        info.description.clone(),
    )?;
    let labels = matched_labels(labels, n, &mut notes)?;
    check_labels(&labels, &info.target_names)?;
    Ok(Streamed {
        name: info.name.clone(),
        train: TrainStream {
            images,
            labels,
            image_shape: shape,
            target_names: info.target_names.clone(),
            description: info.description.clone(),
        },
        test,
        source: dir.display().to_string(),
        notes,
    })
}

/// An IDX folder read in place ([`load_idx_folder`](crate::load_idx_folder)'s layout), its
/// training images streamed.
pub fn stream_idx_folder(dir: &std::path::Path) -> Result<Streamed> {
    let find = |role: Role| find_in_dir(dir, role, role.file_name());
    let (images, n, shape) = image_file(find(Role::TrainImages)?)?;
    let labels = idx::read_idx_file(find(Role::TrainLabels)?)?;
    let test_labels = idx::read_idx_file(find(Role::TestLabels)?)?;
    let target_names = class_names(dir, [&labels, &test_labels])?;
    let description = format!("IDX files in {}", dir.display());
    let test = Dataset::from_idx(
        idx::read_idx_file(find(Role::TestImages)?)?,
        test_labels,
        target_names.clone(),
        description.clone(),
    )?;
    let mut notes = Vec::new();
    let labels = matched_labels(labels, n, &mut notes)?;
    check_labels(&labels, &target_names)?;
    Ok(Streamed {
        name: dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("idx-folder")
            .to_string(),
        train: TrainStream {
            images,
            labels,
            image_shape: shape,
            target_names,
            description,
        },
        test,
        source: dir.display().to_string(),
        notes,
    })
}

fn check_labels(labels: &[u8], names: &[String]) -> Result<()> {
    match labels.iter().position(|&l| usize::from(l) >= names.len()) {
        Some(row) => Err(Error::InvalidArgument(format!(
            "training label {} of image {row} is not one of the {} classes",
            labels[row],
            names.len()
        ))),
        None => Ok(()),
    }
}
