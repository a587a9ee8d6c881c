//! Folders of images laid out as torchvision's `ImageFolder`: `train/<class>/*.png|jpg` and
//! `test/<class>/…`, read into IDX arrays (grey bytes, one size) for the cache to register
//! ([`Cache::register_image_folder`](crate::Cache::register_image_folder)).
//!
//! The rule: each image is converted to 8-bit grey (the `image` crate's luma, Rec. 709
//! weights), and with `size` resized to exactly `height × width` by a triangle (bilinear)
//! filter, the aspect ratio not kept; without `size` every image must already have the size
//! of the first. Classes are the subfolders of `train`, sorted by name (as `ImageFolder`
//! numbers them); `test` may not hold a class `train` lacks. Within a class, files are taken
//! in name order; names starting with `.` are skipped. [`ImageSet::shuffle`](crate::formats::idx::ImageSet::shuffle) then puts each
//! part in a seeded random order (registration always does, as MNIST's files are not sorted
//! by class: unshuffled folds and `--train N` would otherwise see one class).
//!
//! ```no_run
//! let folder = classify_datasets::image_folder::read(
//!     std::path::Path::new("photos"),
//!     Some([28, 28]),
//! )?;
//! assert_eq!(folder.train_images.dims[1..], [28, 28]);
//! # Ok::<(), classify_datasets::Error>(())
//! ```

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::formats::idx::{IdxArray, ImageSet};

/// Whether `dir` looks like an image folder (it has a `train` subfolder whose entries are
/// folders).
pub fn is_image_folder(dir: &Path) -> bool {
    let train = dir.join("train");
    std::fs::read_dir(&train).is_ok_and(|entries| {
        let mut any = false;
        for e in entries.filter_map(|e| e.ok()) {
            if !e.path().is_dir() {
                return false;
            }
            any = true;
        }
        any
    })
}

/// Reads `dir/train` and `dir/test` by the module's rule, resized to `size` (`[height,
/// width]`) when given.
pub fn read(dir: &Path, size: Option<[usize; 2]>) -> Result<ImageSet> {
    if let Some(size @ [h, w]) = size {
        if h == 0 || w == 0 || h > 4096 || w > 4096 {
            return Err(Error::ImageSize { size });
        }
    }
    let classes = sorted_entries(&dir.join("train"))?
        .into_iter()
        .filter(|p| p.is_dir())
        .filter_map(|p| p.file_name()?.to_str().map(String::from))
        .collect::<Vec<String>>();
    if classes.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "{}: no class folders",
            dir.join("train").display()
        )));
    }
    if classes.len() > 256 {
        return Err(Error::InvalidArgument(format!(
            "{}: {} classes; IDX labels hold at most 256",
            dir.join("train").display(),
            classes.len()
        )));
    }
    let mut shape = size;
    let (train_images, train_labels) = read_part(&dir.join("train"), &classes, size, &mut shape)?;
    let (test_images, test_labels) = read_part(&dir.join("test"), &classes, size, &mut shape)?;
    Ok(ImageSet {
        classes,
        train_images,
        train_labels,
        test_images,
        test_labels,
    })
}

/// The entries of `dir` not starting with `.`, sorted by name.
fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !n.starts_with('.'))
        })
        .collect();
    out.sort();
    Ok(out)
}

/// One part (`train` or `test`): images and labels; `shape` is the size every image must
/// have (set by the first image when no `--size` was given).
fn read_part(
    part: &Path,
    classes: &[String],
    resize: Option<[usize; 2]>,
    shape: &mut Option<[usize; 2]>,
) -> Result<(IdxArray, IdxArray)> {
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    for folder in sorted_entries(part)? {
        let Some(name) = folder.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !folder.is_dir() {
            return Err(Error::InvalidArgument(format!(
                "{}: a file where class folders are expected",
                folder.display()
            )));
        }
        let label = classes.iter().position(|c| c == name).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "{}: class {name:?} is not among the training classes",
                folder.display()
            ))
        })?;
        let files = sorted_entries(&folder)?;
        if files.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "{}: a class folder with no images",
                folder.display()
            )));
        }
        for file in files {
            pixels.extend(grey(&file, resize, shape)?);
            labels.push(label as u8);
        }
    }
    let [h, w] = shape.unwrap_or([0, 0]);
    let n = labels.len();
    Ok((
        IdxArray {
            dims: vec![n, h, w],
            data: pixels,
        },
        IdxArray {
            dims: vec![n],
            data: labels,
        },
    ))
}

/// The grey bytes of the image `file`, resized to `resize` (`--size`) when given, then
/// checked against `shape` (which the first image sets when there is no `--size`).
fn grey(
    file: &Path,
    resize: Option<[usize; 2]>,
    shape: &mut Option<[usize; 2]>,
) -> Result<Vec<u8>> {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !matches!(ext.as_deref(), Some("png" | "jpg" | "jpeg")) {
        return Err(Error::InvalidArgument(format!(
            "{}: not a PNG or JPEG image (by its name)",
            file.display()
        )));
    }
    let img = image::open(file)
        .map_err(|e| Error::InvalidArgument(format!("{}: {e}", file.display())))?
        .to_luma8();
    let img = match resize {
        Some([h, w]) if (img.height() as usize, img.width() as usize) != (h, w) => {
            image::imageops::resize(
                &img,
                w as u32,
                h as u32,
                image::imageops::FilterType::Triangle,
            )
        }
        _ => img,
    };
    let (w, h) = (img.width() as usize, img.height() as usize);
    match *shape {
        Some([th, tw]) if (th, tw) == (h, w) => Ok(img.into_raw()),
        Some(first) => Err(Error::MixedImageSizes {
            path: file.to_path_buf(),
            size: [h, w],
            first,
        }),
        None => {
            *shape = Some([h, w]);
            Ok(img.into_raw())
        }
    }
}
