//! The on-disk dataset cache: import from a folder, download from mirrors, verify, load.
//!
//! Layout: `<root>/<dataset>/<canonical file name>` plus `<root>/<dataset>/manifest.json`,
//! which records how each file was verified. The root is `$CLASSIFY_DATA` if set, else the
//! platform data directory (`~/.local/share/classify` on Linux).
//!
//! Every write goes to a temporary file in the same folder and is renamed into place only
//! after it passed its checks, so an interrupted download or import never leaves a file that
//! later passes as valid, and a failed check never removes a good file.

mod check;
mod stream;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dataset::{Dataset, TrainTest};
use crate::error::{Error, Result};
use crate::files::write_atomically;
use crate::folder::{find_in_dir, read_roles};
pub use crate::formats::idx::payload_sha256;
use crate::formats::idx::IdxArray;
use crate::info::{DatasetInfo, FileInfo, Role};
pub use check::{check_file, check_plain_file, Checked, FileRecord, Verification};
pub use stream::{stream_idx_folder, Block, Blocks, Streamed, TrainStream};

/// Environment variable that overrides the cache location.
pub const ENV_VAR: &str = "CLASSIFY_DATA";
const MANIFEST: &str = "manifest.json";
/// What `dataset.json` holds for a dataset registered with [`Cache::register_idx_folder`].
pub(crate) const REGISTRATION: &str = "dataset.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    files: BTreeMap<String, FileRecord>,
}

/// The outcome for one file of an import or download.
#[derive(Debug, Clone, Serialize)]
pub struct FileOutcome {
    /// Canonical file name.
    pub name: String,
    /// What happened: `stored`, `already present`, `kept (better copy cached)`.
    pub action: String,
    /// The manifest record of the cached file.
    pub record: FileRecord,
}

/// Events reported while files are read or downloaded, for progress bars.
#[derive(Debug, Clone)]
pub enum FileProgress {
    /// A file starts; `total` bytes if known.
    Start {
        /// File name.
        name: String,
        /// Size in bytes, if known.
        total: Option<u64>,
    },
    /// `n` more bytes arrived.
    Advance(u64),
    /// The file is done.
    Finish,
}

/// The dataset cache.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

impl Cache {
    /// A cache rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Cache { root: root.into() }
    }

    /// The cache at `$CLASSIFY_DATA`, else in the platform data directory.
    pub fn from_env() -> Result<Self> {
        match std::env::var_os(ENV_VAR) {
            Some(dir) if !dir.is_empty() => Ok(Cache::new(dir)),
            _ => dirs::data_dir()
                .map(|d| Cache::new(d.join("classify")))
                .ok_or(Error::NoDataDir),
        }
    }

    /// The cache's root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder of one dataset.
    pub fn dataset_dir(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    fn manifest(&self, name: &str) -> Manifest {
        let path = self.dataset_dir(name).join(MANIFEST);
        std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Writes a manifest of `records` into `dir` (a dataset's folder being made).
    pub(crate) fn write_manifest(dir: &Path, records: Vec<(String, FileRecord)>) -> Result<()> {
        let manifest = Manifest {
            files: records.into_iter().collect(),
        };
        let path = dir.join(MANIFEST);
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::io(&path, e.into()))?;
        write_atomically(&path, |f| Ok(f.write_all(&json)?))
    }

    fn record(&self, name: &str, file: &str, record: FileRecord) -> Result<()> {
        let mut manifest = self.manifest(name);
        manifest.files.insert(file.to_string(), record);
        let path = self.dataset_dir(name).join(MANIFEST);
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::io(&path, e.into()))?;
        write_atomically(&path, |f| Ok(f.write_all(&json)?))
    }

    /// The manifest record of a cached file, if the file is there.
    pub fn cached_record(&self, info: &DatasetInfo, file: &FileInfo) -> Option<FileRecord> {
        let path = self.dataset_dir(&info.name).join(&file.name);
        if !path.is_file() {
            return None;
        }
        self.manifest(&info.name).files.remove(&file.name)
    }

    /// Stores checked bytes under the file's canonical name unless a better copy is cached.
    fn store(
        &self,
        info: &DatasetInfo,
        file: &FileInfo,
        bytes: &[u8],
        checked: Checked,
    ) -> Result<FileOutcome> {
        if let Some(existing) = self.cached_record(info, file) {
            let better = existing.verification != Verification::Partial
                && checked.record.verification == Verification::Partial;
            if better || existing.payload_sha256 == checked.record.payload_sha256 {
                let action = if better {
                    "kept (a verified copy is cached)"
                } else {
                    "already present"
                };
                return Ok(FileOutcome {
                    name: file.name.clone(),
                    action: action.into(),
                    record: existing,
                });
            }
        }
        let path = self.dataset_dir(&info.name).join(&file.name);
        if bytes.starts_with(&[0x1f, 0x8b]) {
            write_atomically(&path, |f| Ok(f.write_all(bytes)?))?;
        } else {
            write_atomically(&path, |f| {
                let mut enc = flate2::GzBuilder::new()
                    .mtime(0)
                    .write(f, flate2::Compression::default());
                enc.write_all(bytes)?;
                enc.finish()?;
                Ok(())
            })?;
        }
        self.record(&info.name, &file.name, checked.record.clone())?;
        Ok(FileOutcome {
            name: file.name.clone(),
            action: "stored".into(),
            record: checked.record,
        })
    }

    /// Imports a dataset's files from a local folder, with the same checks as a download.
    ///
    /// For each file the folder may hold the canonical name (`train-images-idx3-ubyte.gz`),
    /// the uncompressed name, the `train-images.idx3-ubyte` spelling, or any file starting
    /// with the role's prefix and containing `idx` (such as `train-images-first10k-idx3-ubyte.gz`).
    /// A file with fewer items than the complete one is imported as partial.
    pub fn import(
        &self,
        info: &DatasetInfo,
        from: &Path,
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<Vec<FileOutcome>> {
        let mut outcomes = Vec::new();
        for file in &info.files {
            let path = find_in_dir(from, file.role, &file.name)?;
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            progress(FileProgress::Start {
                name: file.name.clone(),
                total: Some(bytes.len() as u64),
            });
            let source = path.display().to_string();
            let checked = check_file(info, file, &bytes, &source, true).map_err(|e| match e {
                Error::Stream(s) => Error::io(&path, s),
                // Checksum and shape errors already name the file.
                e @ (Error::Checksum { .. } | Error::Shape(_)) => e,
                other => Error::File {
                    path: path.clone(),
                    source: Box::new(other),
                },
            })?;
            outcomes.push(self.store(info, file, &bytes, checked)?);
            progress(FileProgress::Advance(bytes.len() as u64));
            progress(FileProgress::Finish);
        }
        Ok(outcomes)
    }

    #[cfg(feature = "download")]
    pub(crate) fn store_downloaded(
        &self,
        info: &DatasetInfo,
        file: &FileInfo,
        bytes: &[u8],
        url: &str,
    ) -> Result<FileOutcome> {
        let checked = check_file(info, file, bytes, url, false)?;
        self.store(info, file, bytes, checked)
    }

    /// Which of a dataset's files are cached, with their records.
    pub fn status(&self, info: &DatasetInfo) -> Vec<(FileInfo, Option<FileRecord>)> {
        info.files
            .iter()
            .map(|f| (f.clone(), self.cached_record(info, f)))
            .collect()
    }

    /// Loads a cached dataset: its training and test sets.
    ///
    /// Files are checked for structure (and gzip files for their CRC); a damaged file is
    /// [`Error::Corrupt`] naming it. A partial training-image file (fewer images
    /// than labels) loads with the labels trimmed to match, and says so in `notes`.
    pub fn load(&self, info: &DatasetInfo) -> Result<TrainTest> {
        let dir = self.present(info)?;
        let manifest = self.manifest(&info.name);
        let read = |role: Role| read_cached(info, &dir, &manifest, role);
        let [train_images, train_labels, test_images, test_labels] = read_roles(read);
        let mut notes = Vec::new();
        let mut take = |r: Result<(IdxArray, Option<String>)>| -> Result<IdxArray> {
            let (array, note) = r?;
            notes.extend(note);
            Ok(array)
        };
        let train_images = take(train_images)?;
        let mut train_labels = take(train_labels)?;
        let test_images = take(test_images)?;
        let test_labels = take(test_labels)?;
        trim_labels(&train_images.dims, &mut train_labels, &mut notes);
        let description = info.description.clone();
        let train = Dataset::from_idx(
            train_images,
            train_labels,
            info.target_names.clone(),
            description.clone(),
        )?;
        let test = Dataset::from_idx(
            test_images,
            test_labels,
            info.target_names.clone(),
            description,
        )?;
        Ok(TrainTest {
            name: info.name.clone(),
            train,
            test,
            source: dir.display().to_string(),
            notes,
        })
    }

    /// The dataset's folder when all its files are there, else what is missing.
    fn present(&self, info: &DatasetInfo) -> Result<PathBuf> {
        let dir = self.dataset_dir(&info.name);
        let missing: Vec<&str> = info
            .files
            .iter()
            .filter(|f| !dir.join(&f.name).is_file())
            .map(|f| f.name.as_str())
            .collect();
        if !missing.is_empty() && dir.join(REGISTRATION).is_file() {
            // Registered from a folder: there is nothing to download it from.
            return Err(Error::RegisteredFilesGone {
                name: info.name.clone(),
                dir,
                missing: missing.join(", "),
            });
        }
        if !missing.is_empty() {
            return Err(Error::NotCached {
                name: info.name.clone(),
                dir,
                missing: missing.join(", "),
            });
        }
        Ok(dir)
    }

    /// Re-hashes every cached file of a dataset against the catalogue and the manifest.
    pub fn verify(&self, info: &DatasetInfo) -> Result<Vec<FileRecord>> {
        let manifest = self.manifest(&info.name);
        let mut out = Vec::new();
        for file in &info.files {
            let path = self.dataset_dir(&info.name).join(&file.name);
            let corrupt = |reason: String| Error::Corrupt {
                path: path.clone(),
                dataset: info.name.clone(),
                reason,
            };
            let checked = if file.name.ends_with(".gz") {
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
                check_file(info, file, &bytes, &path.display().to_string(), true).map(|c| c.record)
            } else {
                // Uncompressed files (a deformed dataset's 6 GB among them) are hashed a
                // block at a time, never held whole.
                check_plain_file(info, file, &path, true)
            }
            .map_err(|e| corrupt(e.cause_text()))?;
            if let Some(rec) = manifest.files.get(&file.name) {
                if rec.payload_sha256 != checked.payload_sha256 {
                    return Err(corrupt(format!(
                        "sha256 {} differs from the {} recorded when it was stored",
                        checked.payload_sha256, rec.payload_sha256
                    )));
                }
            }
            out.push(checked);
        }
        Ok(out)
    }
}

/// A cached file of `info` (in `dir`) as an IDX array, checked against the `manifest`, with
/// the note it adds, if any: a partial file, or one the manifest does not know.
fn read_cached(
    info: &DatasetInfo,
    dir: &Path,
    manifest: &Manifest,
    role: Role,
) -> Result<(IdxArray, Option<String>)> {
    let file = info.file(role).ok_or_else(|| {
        Error::InvalidArgument(format!(
            "catalogue entry {} has no {}",
            info.name,
            role.describe()
        ))
    })?;
    let path = dir.join(&file.name);
    let array = crate::formats::plain::read(&path).map_err(|e| Error::Corrupt {
        path: path.clone(),
        dataset: info.name.clone(),
        reason: e.cause_text(),
    })?;
    let items = array.dims.first().copied().unwrap_or(0);
    match manifest.files.get(&file.name) {
            Some(rec) if rec.items != items => {
                return Err(Error::Corrupt {
                    path,
                    dataset: info.name.clone(),
                    reason: format!("holds {items} items, the manifest says {}", rec.items),
                })
            }
            Some(rec) if rec.verification == Verification::Partial => {
                return Ok((array, Some(format!(
                "{}: {items} of {} (partial file from {}, not verifiable against the official checksum)",
                role.describe(),
                file.items,
                rec.source
            ))))
            }
            None => {
                return Ok((
                    array,
                    Some(format!("{}: not in the manifest (unverified)", file.name)),
                ))
            }
            Some(_) => {}
        }
    Ok((array, None))
}

/// A partial training-image file (fewer images than labels): the labels trimmed to the
/// images present, and a note saying so.
fn trim_labels(images: &[usize], labels: &mut IdxArray, notes: &mut Vec<String>) {
    let n_images = images[0];
    if labels.dims.len() == 1 && n_images < labels.dims[0] {
        notes.push(format!(
            "training set: the first {n_images} of {} labelled images (labels trimmed to the images present)",
            labels.dims[0]
        ));
        labels.dims[0] = n_images;
        labels.data.truncate(n_images);
    }
}
