//! Datasets registered in the cache from a folder — of IDX files, of images, a CSV of pixels,
//! an OpenML download — and finding any dataset by name: the catalogue's first, then the
//! registered ones.

use std::io::Write;
use std::path::Path;

use crate::cache::{Cache, FileOutcome, FileProgress, REGISTRATION};
use crate::error::{Error, Result};
use crate::files::write_atomically;
use crate::folder::{find_in_dir, load_idx_folder};
use crate::formats::idx::{self, payload_sha256, ImageSet};
use crate::info::{DatasetInfo, FileInfo, Role};
use crate::sources::catalogue;

impl Cache {
    /// A dataset by name: the catalogue's, else one registered in this cache.
    pub fn find(&self, name: &str) -> Result<DatasetInfo> {
        let unknown = catalogue::find(name);
        if unknown.is_ok() || !is_plain_name(name) {
            return unknown;
        }
        let path = self.dataset_dir(name).join(REGISTRATION);
        if !path.is_file() {
            let mut known = catalogue::known_names();
            known.extend(self.registered().into_iter().map(|d| d.name));
            return Err(Error::UnknownDataset {
                name: name.to_string(),
                known: known.join(", "),
            });
        }
        let text = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_slice(&text).map_err(|e| Error::Corrupt {
            path: path.clone(),
            dataset: name.to_string(),
            reason: format!("not a dataset registration: {e}"),
        })
    }

    /// The datasets registered in this cache (readable registrations only), by name.
    pub fn registered(&self) -> Vec<DatasetInfo> {
        let Ok(entries) = std::fs::read_dir(self.root()) else {
            return Vec::new();
        };
        let mut out: Vec<DatasetInfo> = entries
            .filter_map(|e| e.ok())
            // Hidden folders are datasets being made or replaced, not registered yet.
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .filter_map(|e| {
                let text = std::fs::read(e.path().join(REGISTRATION)).ok()?;
                serde_json::from_slice(&text).ok()
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// Registers the IDX folder `dir` under `name` (`classify data fetch NAME --from DIR`):
    /// the folder is checked as [`load_idx_folder`] checks it, its four files are stored
    /// (gzipped) with the SHA-256 of their content pinned in the registration, so that
    /// [`load`](Self::load) and [`verify`](Self::verify) re-check them as they do a catalogue
    /// dataset's. `name` must be new (or registered before: its files are then replaced)
    /// and plain: lowercase letters, digits, `-`, `_` or `.`, not starting with `.`.
    pub fn register_idx_folder(
        &self,
        name: &str,
        dir: &Path,
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<(DatasetInfo, Vec<FileOutcome>)> {
        let description = format!("IDX files imported from {}", dir.display());
        self.register(name, dir, (description, dir), progress)
    }

    /// Registers a folder of images laid out as torchvision's `ImageFolder` under `name`,
    /// converted by [`image_folder`](crate::formats::image_folder)'s rule (grey; `size` resizes, else
    /// every image must have one size), shuffled by `seed` ([`ImageSet::shuffle`](crate::formats::idx::ImageSet::shuffle)) and
    /// stored as IDX, as
    /// [`register_idx_folder`](Self::register_idx_folder) stores an IDX folder.
    pub fn register_image_folder(
        &self,
        name: &str,
        dir: &Path,
        size: Option<[usize; 2]>,
        seed: u32,
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<(DatasetInfo, Vec<FileOutcome>)> {
        let mut folder = crate::formats::image_folder::read(dir, size)?;
        folder.shuffle(seed);
        let description = format!("images imported from {}", dir.display());
        self.register_images(name, &folder, (description, dir), progress)
    }

    /// Registers a CSV of pixels (Kaggle's digit-recognizer layout) under `name`, read by
    /// [`pixel_csv`](crate::formats::pixel_csv)'s rule (`size` states the image shape; `seed` draws
    /// the test rows when there is no labelled test file) and stored as IDX, as
    /// [`register_idx_folder`](Self::register_idx_folder) stores an IDX folder.
    pub fn register_pixel_csv(
        &self,
        name: &str,
        path: &Path,
        size: Option<[usize; 2]>,
        seed: u32,
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<(DatasetInfo, Vec<FileOutcome>)> {
        let set = crate::formats::pixel_csv::read(path, size, seed)?;
        let description = format!("pixels imported from {}", path.display());
        self.register_images(name, &set, (description, path), progress)
    }

    /// Writes `set` as an IDX folder (and `classes.txt`) in a staging folder and registers it.
    pub(crate) fn register_images(
        &self,
        name: &str,
        set: &ImageSet,
        home: (String, &Path),
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<(DatasetInfo, Vec<FileOutcome>)> {
        let staging =
            tempfile::tempdir().map_err(|e| Error::io(Path::new("a temporary folder"), e))?;
        let layout = catalogue::find("mnist")?;
        for (role, array) in [
            (Role::TrainImages, &set.train_images),
            (Role::TrainLabels, &set.train_labels),
            (Role::TestImages, &set.test_images),
            (Role::TestLabels, &set.test_labels),
        ] {
            if let Some(file) = layout.file(role) {
                let path = staging.path().join(file.name.trim_end_matches(".gz"));
                idx::write_idx_file(&path, &array.dims, &array.data)?;
            }
        }
        let classes = staging.path().join("classes.txt");
        let names: String = set.classes.iter().map(|c| format!("{c}\n")).collect();
        std::fs::write(&classes, names).map_err(|e| Error::io(&classes, e))?;
        self.register(name, staging.path(), home, progress)
    }

    /// Registers the IDX folder `dir` (checked, stored, hashed) as `name`, described as
    /// coming from `home`.
    fn register(
        &self,
        name: &str,
        dir: &Path,
        (description, home): (String, &Path),
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<(DatasetInfo, Vec<FileOutcome>)> {
        check_new_name(name)?;
        let data = load_idx_folder(dir)?;
        let layout = catalogue::find("mnist")?;
        let mut files = Vec::new();
        for file in &layout.files {
            let path = find_in_dir(dir, file.role, &file.name)?;
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            let array = idx::read_idx_bytes(&bytes).map_err(|e| Error::File {
                path: path.clone(),
                source: Box::new(e),
            })?;
            files.push(FileInfo {
                role: file.role,
                name: file.name.clone(),
                mirrors: Vec::new(),
                items: array.dims[0],
                payload_sha256: Some(payload_sha256(&array)),
                gz_md5: None,
                gz_size: None,
            });
        }
        let info = DatasetInfo {
            name: name.to_string(),
            description,
            home: home.display().to_string(),
            licence: "as its source's".to_string(),
            image_shape: data.train.image_shape.unwrap_or([0, 0]),
            target_names: data.train.target_names,
            files,
            made: None,
        };
        let outcomes = self.import(&info, dir, progress)?;
        let path = self.dataset_dir(name).join(REGISTRATION);
        let json = serde_json::to_vec_pretty(&info)
            .map_err(|e| Error::InvalidArgument(format!("registration of {name}: {e}")))?;
        write_atomically(&path, |f| Ok(f.write_all(&json)?))?;
        Ok((info, outcomes))
    }
}

/// Lowercase letters, digits, `-`, `_` and `.`, not first: a name that is no path.
pub(crate) fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

/// A name a dataset can be registered under: plain ([`is_plain_name`]) and not the name of a
/// catalogue dataset or the sample.
pub(crate) fn check_new_name(name: &str) -> Result<()> {
    if !is_plain_name(name)
        || catalogue::find(name).is_ok()
        || name == catalogue::SAMPLE
        || name == "sample"
    {
        return Err(Error::InvalidArgument(format!(
            "{name:?} cannot name a registered dataset: use lowercase letters, digits, \
             '-', '_' or '.', and not a known dataset's name ({})",
            catalogue::known_names().join(", ")
        )));
    }
    Ok(())
}
