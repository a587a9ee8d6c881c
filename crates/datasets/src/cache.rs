//! The on-disk dataset cache: import from a folder, download from mirrors, verify, load.
//!
//! Layout: `<root>/<dataset>/<canonical file name>` plus `<root>/<dataset>/manifest.json`,
//! which records how each file was verified. The root is `$CLASSIFY_DATA` if set, else the
//! platform data directory (`~/.local/share/classify` on Linux).
//!
//! Every write goes to a temporary file in the same folder and is renamed into place only
//! after it passed its checks, so an interrupted download or import never leaves a file that
//! later passes as valid, and a failed check never removes a good file.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use md5::Md5;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::catalogue::{self, DatasetInfo, FileInfo, Role};
use crate::dataset::{Dataset, TrainTest};
use crate::error::{Error, Result};
use crate::idx::{self, IdxArray, ImageSet};

/// Environment variable that overrides the cache location.
pub const ENV_VAR: &str = "CLASSIFY_DATA";
const MANIFEST: &str = "manifest.json";

/// Writes `path` through a temporary file in the same folder, renamed into place on success.
pub(crate) fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut File) -> Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".classify-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    write(tmp.as_file_mut()).map_err(|e| match e {
        Error::Stream(source) => Error::io(path, source),
        other => other,
    })?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// How a cached file was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verification {
    /// The decompressed content matches the catalogue's SHA-256.
    Sha256,
    /// The compressed file matches the official MD5.
    GzMd5,
    /// The file holds fewer items than the complete one; its content could not be checked
    /// against the catalogue (its own hash is recorded so later damage is detected).
    Partial,
}

/// What the manifest records of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// What the file holds.
    pub role: Role,
    /// Items (images or labels) in the file.
    pub items: usize,
    /// SHA-256 of the decompressed content.
    pub payload_sha256: String,
    /// How it was verified.
    pub verification: Verification,
    /// Where it came from (a URL or a local path).
    pub source: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    files: BTreeMap<String, FileRecord>,
}

/// A file checked against the catalogue.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The decoded content.
    pub array: IdxArray,
    /// The record to keep in the manifest.
    pub record: FileRecord,
}

/// Decodes `bytes` and checks them against `file`: structure, shape, then hashes.
///
/// With `allow_partial`, a file with fewer items than the catalogue's is accepted as
/// [`Verification::Partial`] (its content cannot be checked).
pub fn check_file(
    info: &DatasetInfo,
    file: &FileInfo,
    bytes: &[u8],
    source: &str,
    allow_partial: bool,
) -> Result<Checked> {
    let array = idx::read_idx_bytes(bytes)?;
    let expected_dims: &[usize] = match file.role {
        Role::TrainImages | Role::TestImages => &info.image_shape,
        Role::TrainLabels | Role::TestLabels => &[],
    };
    if array.dims[1..] != *expected_dims {
        let want: Vec<String> = std::iter::once("n".to_string())
            .chain(expected_dims.iter().map(|d| d.to_string()))
            .collect();
        return Err(Error::Shape(format!(
            "{source}: {} should have dimensions [{}], found {:?}",
            file.role.describe(),
            want.join(", "),
            array.dims
        )));
    }
    let items = array.dims[0];
    if items > file.items {
        return Err(Error::Shape(format!(
            "{source}: {} holds {items} items, more than the {} of {}",
            file.role.describe(),
            file.items,
            info.name
        )));
    }
    let payload_sha256 = payload_sha256(&array);
    let verification = if file.payload_sha256.as_deref() == Some(payload_sha256.as_str()) {
        Verification::Sha256
    } else if file.gz_md5.is_some() && file.gz_md5 == Some(md5_hex(bytes)) {
        Verification::GzMd5
    } else if items < file.items && allow_partial {
        Verification::Partial
    } else {
        let (expected, actual) = match (&file.payload_sha256, &file.gz_md5) {
            (Some(sha), _) => (
                format!("sha256 {sha} (decompressed)"),
                format!("sha256 {payload_sha256}"),
            ),
            (None, Some(md5)) => (
                format!("md5 {md5} (official .gz)"),
                format!("md5 {}", md5_hex(bytes)),
            ),
            (None, None) => ("a checksum".into(), "none known".into()),
        };
        let expected = if items < file.items {
            format!(
                "{expected} (and the file holds only {items} of {} items)",
                file.items
            )
        } else {
            expected
        };
        return Err(Error::Checksum {
            file: source.to_string(),
            expected,
            actual,
        });
    };
    Ok(Checked {
        array,
        record: FileRecord {
            role: file.role,
            items,
            payload_sha256,
            verification,
            source: source.to_string(),
        },
    })
}

/// SHA-256 of an IDX array's decompressed file content (header and data).
pub fn payload_sha256(array: &IdxArray) -> String {
    let mut h = Sha256::new();
    h.update([0, 0, idx::TYPE_U8, array.dims.len() as u8]);
    for &d in &array.dims {
        h.update((d as u32).to_be_bytes());
    }
    h.update(&array.data);
    hex(&h.finalize())
}

fn md5_hex(bytes: &[u8]) -> String {
    hex(&Md5::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
pub enum Progress {
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
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Vec<FileOutcome>> {
        let mut outcomes = Vec::new();
        for file in &info.files {
            let path = find_in_dir(from, file)?;
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            progress(Progress::Start {
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
            progress(Progress::Advance(bytes.len() as u64));
            progress(Progress::Finish);
        }
        Ok(outcomes)
    }

    /// Downloads a dataset's missing files, trying each mirror in turn.
    ///
    /// Each file streams into a temporary file, is checked, and only then renamed into place;
    /// a file that fails on every mirror leaves the cache as it was.
    #[cfg(feature = "download")]
    pub fn download(
        &self,
        info: &DatasetInfo,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Vec<FileOutcome>> {
        let mut outcomes = Vec::new();
        for file in &info.files {
            if let Some(record) = self.cached_record(info, file) {
                if record.verification != Verification::Partial {
                    outcomes.push(FileOutcome {
                        name: file.name.clone(),
                        action: "already present".into(),
                        record,
                    });
                    continue;
                }
            }
            outcomes.push(crate::download::fetch_file(self, info, file, progress)?);
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
        let manifest = self.manifest(&info.name);
        // Each file with the note it adds, if any.
        let read = |role: Role| -> Result<(IdxArray, Option<String>)> {
            let file = info.file(role).ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "catalogue entry {} has no {}",
                    info.name,
                    role.describe()
                ))
            })?;
            let path = dir.join(&file.name);
            let array = crate::plain::read(&path).map_err(|e| Error::Corrupt {
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
        };
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
        let n_images = train_images.dims[0];
        if train_labels.dims.len() == 1 && n_images < train_labels.dims[0] {
            notes.push(format!(
                "training set: the first {n_images} of {} labelled images (labels trimmed to the images present)",
                train_labels.dims[0]
            ));
            train_labels.dims[0] = n_images;
            train_labels.data.truncate(n_images);
        }
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

    /// Re-hashes every cached file of a dataset against the catalogue and the manifest.
    pub fn verify(&self, info: &DatasetInfo) -> Result<Vec<FileRecord>> {
        let manifest = self.manifest(&info.name);
        let mut out = Vec::new();
        for file in &info.files {
            let path = self.dataset_dir(&info.name).join(&file.name);
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            let corrupt = |reason: String| Error::Corrupt {
                path: path.clone(),
                dataset: info.name.clone(),
                reason,
            };
            let checked = check_file(info, file, &bytes, &path.display().to_string(), true)
                .map_err(|e| corrupt(e.cause_text()))?;
            if let Some(rec) = manifest.files.get(&file.name) {
                if rec.payload_sha256 != checked.record.payload_sha256 {
                    return Err(corrupt(format!(
                        "sha256 {} differs from the {} recorded when it was stored",
                        checked.record.payload_sha256, rec.payload_sha256
                    )));
                }
            }
            out.push(checked.record);
        }
        Ok(out)
    }
}

/// What `dataset.json` holds for a dataset registered with [`Cache::register_idx_folder`].
const REGISTRATION: &str = "dataset.json";

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
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return Vec::new();
        };
        let mut out: Vec<DatasetInfo> = entries
            .filter_map(|e| e.ok())
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
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(DatasetInfo, Vec<FileOutcome>)> {
        let description = format!("IDX files imported from {}", dir.display());
        self.register(name, dir, (description, dir), progress)
    }

    /// Registers a folder of images laid out as torchvision's `ImageFolder` under `name`,
    /// converted by [`image_folder`](crate::image_folder)'s rule (grey; `size` resizes, else
    /// every image must have one size), shuffled by `seed` ([`ImageSet::shuffle`](crate::idx::ImageSet::shuffle)) and
    /// stored as IDX, as
    /// [`register_idx_folder`](Self::register_idx_folder) stores an IDX folder.
    pub fn register_image_folder(
        &self,
        name: &str,
        dir: &Path,
        size: Option<[usize; 2]>,
        seed: u32,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(DatasetInfo, Vec<FileOutcome>)> {
        let mut folder = crate::image_folder::read(dir, size)?;
        folder.shuffle(seed);
        let description = format!("images imported from {}", dir.display());
        self.register_images(name, &folder, (description, dir), progress)
    }

    /// Registers a CSV of pixels (Kaggle's digit-recognizer layout) under `name`, read by
    /// [`pixel_csv`](crate::pixel_csv)'s rule (`size` states the image shape; `seed` draws
    /// the test rows when there is no labelled test file) and stored as IDX, as
    /// [`register_idx_folder`](Self::register_idx_folder) stores an IDX folder.
    pub fn register_pixel_csv(
        &self,
        name: &str,
        path: &Path,
        size: Option<[usize; 2]>,
        seed: u32,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(DatasetInfo, Vec<FileOutcome>)> {
        let set = crate::pixel_csv::read(path, size, seed)?;
        let description = format!("pixels imported from {}", path.display());
        self.register_images(name, &set, (description, path), progress)
    }

    /// Fetches `openml:<name or id>` (`spec` without the prefix) from OpenML's API (or
    /// `CLASSIFY_OPENML_URL`), checks the data file's MD5 against the description, converts it
    /// by [`openml`](crate::openml)'s rule (`seed` draws the test rows of datasets that are not
    /// 70,000 rows) and registers it as `openml-<name>`.
    #[cfg(feature = "download")]
    pub fn fetch_openml(
        &self,
        spec: &str,
        seed: u32,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(DatasetInfo, Vec<FileOutcome>)> {
        let base = std::env::var("CLASSIFY_OPENML_URL")
            .unwrap_or_else(|_| crate::openml::OPENML.to_string());
        self.fetch_openml_from(&base, spec, seed, progress)
    }

    /// [`fetch_openml`](Self::fetch_openml) from the API at `base` (a mirror, a test server).
    #[cfg(feature = "download")]
    pub fn fetch_openml_from(
        &self,
        base: &str,
        spec: &str,
        seed: u32,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(DatasetInfo, Vec<FileOutcome>)> {
        crate::openml::fetch(self, base, spec, seed, progress)
    }

    /// Writes `set` as an IDX folder (and `classes.txt`) in a staging folder and registers it.
    pub(crate) fn register_images(
        &self,
        name: &str,
        set: &ImageSet,
        home: (String, &Path),
        progress: &mut dyn FnMut(Progress),
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
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(DatasetInfo, Vec<FileOutcome>)> {
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
        let data = load_idx_folder(dir)?;
        let layout = catalogue::find("mnist")?;
        let mut files = Vec::new();
        for file in &layout.files {
            let path = find_in_dir(dir, file)?;
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
        };
        let outcomes = self.import(&info, dir, progress)?;
        let path = self.dataset_dir(name).join(REGISTRATION);
        let json = serde_json::to_vec_pretty(&info)
            .map_err(|e| Error::InvalidArgument(format!("registration of {name}: {e}")))?;
        write_atomically(&path, |f| Ok(f.write_all(&json)?))?;
        Ok((info, outcomes))
    }
}

/// Class names of an IDX folder: the lines of its `classes.txt`, else the labels `0`…`max`
/// of `labels`.
fn class_names(dir: &Path, labels: [&IdxArray; 2]) -> Result<Vec<String>> {
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
fn read_roles<T: Send>(read: impl Fn(Role) -> T + Sync) -> [T; 4] {
    let (train_images, [train_labels, test_images, test_labels]) = std::thread::scope(|s| {
        let images = s.spawn(|| read(Role::TrainImages));
        let rest = [Role::TrainLabels, Role::TestImages, Role::TestLabels].map(&read);
        (images.join().expect("reading a file does not panic"), rest)
    });
    [train_images, train_labels, test_images, test_labels]
}

/// Lowercase letters, digits, `-`, `_` and `.`, not first: a name that is no path.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

/// Finds the file for `file.role` in an import folder.
fn find_in_dir(dir: &Path, file: &FileInfo) -> Result<PathBuf> {
    let plain = file.name.trim_end_matches(".gz").to_string();
    let dotted = plain.replacen("-idx", ".idx", 1);
    let exact = [
        file.name.clone(),
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
                    n.starts_with(file.role.prefix()) && n.contains("idx") && !n.ends_with(".part")
                })
        })
        .collect();
    candidates.sort();
    candidates
        .into_iter()
        .next()
        .ok_or_else(|| Error::MissingFile {
            dir: dir.to_path_buf(),
            role: file.role.describe().to_string(),
            looked_for: format!("{} or {}*idx*", exact.join(", "), file.role.prefix()),
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
    let layout = catalogue::find("mnist")?;
    let read = |role: Role| -> Result<IdxArray> {
        let file = layout.file(role).ok_or_else(|| {
            Error::InvalidArgument(format!("no {} in the MNIST layout", role.describe()))
        })?;
        idx::read_idx_file(find_in_dir(dir, file)?)
    };
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
