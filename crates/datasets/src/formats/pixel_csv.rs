//! CSV files of pixels, as Kaggle's digit-recognizer: a `label` column and one column per
//! pixel, one image per row, read into IDX arrays for the cache to register
//! ([`Cache::register_pixel_csv`](crate::Cache::register_pixel_csv)).
//!
//! The rule:
//! - The source is one CSV file, or a folder holding `train.csv` and optionally `test.csv`
//!   (Kaggle's). The header names the columns; the column named `label` (any case) holds the
//!   class, every other column is a pixel, in row-major order (Kaggle's `pixel0`, `pixel1`, …).
//! - Pixels and labels are integers 0–255. The classes are `0`…the largest label.
//! - The image shape is `size` (`--size HxW`, which must multiply to the pixel count), else
//!   the square whose area is the pixel count (784 → 28 × 28); other counts are refused.
//! - A `test.csv` with a `label` column is the test set, rows in file order (the training rows
//!   too). Otherwise (one file, or Kaggle's unlabelled `test.csv`, which cannot be scored) the
//!   test set is drawn from the labelled rows as scikit-learn's
//!   `train_test_split(X, y, test_size=0.25, random_state=seed)` draws it: NumPy's
//!   `RandomState(seed).permutation(n)`, the first `ceil(n / 4)` rows test, the rest train, in
//!   that order.
//!
//! Every error names the file and the line (1 = the header).
//!
//! ```no_run
//! let set = classify_datasets::pixel_csv::read(std::path::Path::new("digit-recognizer"), None, 42)?;
//! assert_eq!(set.train_images.dims[1..], [28, 28]);
//! # Ok::<(), classify_datasets::Error>(())
//! ```

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::formats::idx::ImageSet;

/// Whether `path` is a CSV of pixels this module reads: a `.csv` file, or a folder with a
/// `train.csv`.
pub fn is_pixel_csv(path: &Path) -> bool {
    if path.is_dir() {
        path.join("train.csv").is_file()
    } else {
        path.is_file() && is_csv_name(path)
    }
}

fn is_csv_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// Reads `path` (a CSV file, or a folder with `train.csv` and optionally `test.csv`) by the
/// module's rule.
pub fn read(path: &Path, size: Option<[usize; 2]>, seed: u32) -> Result<ImageSet> {
    let (train_path, test_path) = if path.is_dir() {
        let test = path.join("test.csv");
        (path.join("train.csv"), test.is_file().then_some(test))
    } else {
        (path.to_path_buf(), None)
    };
    let train = read_file(&train_path)?;
    let Some(train_labels) = train.labels else {
        return Err(Error::InvalidArgument(format!(
            "{}: no `label` column (the class of each row)",
            train_path.display()
        )));
    };
    let width = train.width;
    let shape = image_shape(&train_path, width, size)?;
    let test = match &test_path {
        Some(p) => Some(read_file(p)?).filter(|t| t.labels.is_some()),
        None => None,
    };
    let n_classes = |labels: &[&[u8]]| {
        let max = labels
            .iter()
            .flat_map(|l| l.iter())
            .max()
            .copied()
            .unwrap_or(0);
        (0..=max).map(|c| c.to_string()).collect::<Vec<String>>()
    };
    let set = match test {
        Some(test) => {
            if test.width != width {
                return Err(Error::InvalidArgument(format!(
                    "{}: {} pixel columns, {} has {width}",
                    test.path.display(),
                    test.width,
                    train_path.display()
                )));
            }
            let test_labels = test.labels.unwrap_or_default();
            let classes = n_classes(&[&train_labels, &test_labels]);
            let train = (train.pixels, train_labels);
            ImageSet::new(classes, shape, train, (test.pixels, test_labels))
        }
        None => {
            let classes = n_classes(&[&train_labels]);
            ImageSet::split(classes, shape, (&train.pixels, &train_labels), seed)
        }
    };
    let (n_train, n_test) = (set.train_labels.data.len(), set.test_labels.data.len());
    if n_train == 0 || n_test == 0 {
        return Err(Error::InvalidArgument(format!(
            "{}: {n_train} training and {n_test} test rows; each part needs at least one",
            path.display(),
        )));
    }
    Ok(set)
}

/// The `[height, width]` of images of `n_pixels` pixels: `size`, or the square.
fn image_shape(path: &Path, n_pixels: usize, size: Option<[usize; 2]>) -> Result<[usize; 2]> {
    if let Some([h, w]) = size {
        if h * w != n_pixels {
            return Err(Error::PixelColumns {
                path: path.to_path_buf(),
                n_pixels,
                size,
            });
        }
        return Ok([h, w]);
    }
    let side = (n_pixels as f64).sqrt().round() as usize;
    if side == 0 || side * side != n_pixels {
        return Err(Error::PixelColumns {
            path: path.to_path_buf(),
            n_pixels,
            size: None,
        });
    }
    Ok([side, side])
}

/// One CSV file: pixels row after row, and the labels when it has a `label` column.
struct PixelFile {
    path: PathBuf,
    width: usize,
    pixels: Vec<u8>,
    labels: Option<Vec<u8>>,
}

fn read_file(path: &Path) -> Result<PixelFile> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(std::io::BufReader::new(file));
    let bad = |line: u64, what: String| {
        Error::InvalidArgument(format!("{} line {line}: {what}", path.display()))
    };
    let header = csv
        .byte_headers()
        .map_err(|e| bad(1, e.to_string()))?
        .clone();
    let label_at = header
        .iter()
        .position(|h| h.trim_ascii().eq_ignore_ascii_case(b"label"));
    let width = header.len() - usize::from(label_at.is_some());
    if width == 0 {
        return Err(bad(1, "no pixel columns".into()));
    }
    let (mut pixels, mut labels) = (Vec::new(), Vec::new());
    let mut record = csv::ByteRecord::new();
    let mut line = 1;
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map_or(line + 1, |p| p.line());
                return Err(bad(at, e.to_string()));
            }
        }
        line = record.position().map_or(line + 1, |p| p.line());
        for (i, field) in record.iter().enumerate() {
            let value = byte(field).ok_or_else(|| {
                let column = String::from_utf8_lossy(&header[i]);
                let text = String::from_utf8_lossy(field);
                bad(line, format!("{column} is {text:?}, not an integer 0-255"))
            })?;
            if Some(i) == label_at {
                labels.push(value);
            } else {
                pixels.push(value);
            }
        }
    }
    if labels.is_empty() && pixels.is_empty() {
        return Err(bad(1, "a header and no rows".into()));
    }
    Ok(PixelFile {
        path: path.to_path_buf(),
        width,
        pixels,
        labels: label_at.map(|_| labels),
    })
}

/// An integer 0–255 (spaces around it allowed), as written by pandas or a spreadsheet.
fn byte(field: &[u8]) -> Option<u8> {
    let digits = field.trim_ascii();
    if digits.is_empty() || digits.len() > 3 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    digits
        .iter()
        .try_fold(0u16, |v, d| Some(v * 10 + u16::from(d - b'0')))
        .and_then(|v| u8::try_from(v).ok())
}
