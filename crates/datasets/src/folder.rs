//! A folder of IDX files laid out as MNIST's, read in place into a [`TrainTest`].

use std::path::{Path, PathBuf};

use crate::dataset::{Dataset, TrainTest};
use crate::error::{Error, Result};
use crate::formats::idx::{self, IdxArray};
use crate::info::Role;

/// Class names of an IDX folder: the lines of its `classes.txt`, else the labels `0`…`max`
/// of `labels`.
pub(crate) fn class_names(dir: &Path, labels: [&IdxArray; 2]) -> Result<Vec<String>> {
    let classes_file = dir.join("classes.txt");
    Ok(if classes_file.is_file() {
        let text =
            std::fs::read_to_string(&classes_file).map_err(|e| Error::io(&classes_file, e))?;
        let names: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        if names.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "{}: no class names (one per line)",
                classes_file.display()
            )));
        }
        names
    } else {
        let max = labels
            .iter()
            .flat_map(|l| &l.data)
            .max()
            .copied()
            .unwrap_or(0);
        (0..=max).map(|c| c.to_string()).collect()
    })
}

/// `read` of the four roles, in order: training images, training labels, test images, test
/// labels. The training images (the largest file) decompress on a second thread while this
/// one reads the rest: Fashion-MNIST loads in about half the time on two cores.
pub(crate) fn read_roles<T: Send>(read: impl Fn(Role) -> T + Sync) -> [T; 4] {
    let (train_images, [train_labels, test_images, test_labels]) = std::thread::scope(|s| {
        let images = s.spawn(|| read(Role::TrainImages));
        let rest = [Role::TrainLabels, Role::TestImages, Role::TestLabels].map(&read);
        (images.join().expect("reading a file does not panic"), rest)
    });
    [train_images, train_labels, test_images, test_labels]
}

/// Finds the file of `role` in a folder: its canonical `name` (`train-images-idx3-ubyte.gz`),
/// the uncompressed name, the `train-images.idx3-ubyte` spelling, or the first file (by name)
/// starting with the role's prefix and containing `idx`.
pub(crate) fn find_in_dir(dir: &Path, role: Role, name: &str) -> Result<PathBuf> {
    let plain = name.trim_end_matches(".gz").to_string();
    let dotted = plain.replacen("-idx", ".idx", 1);
    let exact = [
        name.to_string(),
        plain.clone(),
        dotted.clone(),
        format!("{dotted}.gz"),
    ];
    for name in &exact {
        let p = dir.join(name);
        if p.is_file() {
            return Ok(p);
        }
    }
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut candidates: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    n.starts_with(role.prefix()) && n.contains("idx") && !n.ends_with(".part")
                })
        })
        .collect();
    candidates.sort();
    candidates
        .into_iter()
        .next()
        .ok_or_else(|| Error::MissingFile {
            dir: dir.to_path_buf(),
            role: role.describe().to_string(),
            looked_for: format!("{} or {}*idx*", exact.join(", "), role.prefix()),
        })
}

/// Loads an IDX folder given as a path (`--dataset ./digits8x8`): the four files laid out as
/// MNIST's (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
/// `t10k-labels-idx1-ubyte`, gzipped or not, `.idx` spellings too), images of any height and
/// width, any number of classes. Class names come from a `classes.txt` beside the files (one
/// per line), else they are the labels `0`…`max`. Nothing is cached or written.
pub fn load_idx_folder(dir: &Path) -> Result<TrainTest> {
    if !dir.is_dir() {
        return Err(Error::InvalidArgument(format!(
            "{}: not a folder of IDX files",
            dir.display()
        )));
    }
    let read = |role: Role| idx::read_idx_file(find_in_dir(dir, role, role.file_name())?);
    let [train_images, train_labels, test_images, test_labels] = read_roles(read);
    let (train_labels, test_labels) = (train_labels?, test_labels?);
    let target_names = class_names(dir, [&train_labels, &test_labels])?;
    let description = format!("IDX files in {}", dir.display());
    let part = |images: Result<IdxArray>, labels: IdxArray, what: &str| {
        Dataset::from_idx(images?, labels, target_names.clone(), description.clone())
            .map_err(|e| Error::InvalidArgument(format!("{}: {what}: {e}", dir.display())))
    };
    let train = part(train_images, train_labels, "training set")?;
    let test = part(test_images, test_labels, "test set")?;
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("idx-folder")
        .to_string();
    Ok(TrainTest {
        name,
        train,
        test,
        source: dir.display().to_string(),
        notes: Vec::new(),
    })
}
