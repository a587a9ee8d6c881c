//! Small tabular datasets (Titanic): CSV files checked by SHA-256, imported from a folder
//! (the files themselves, or the archive that holds them) or downloaded as the book's
//! archive, stored in the cache through temporary files, and checked again at every load.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::cache::Cache;
use crate::error::{Error, Result};
use crate::files::write_atomically;

/// One file of a tabular dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabularFile {
    /// Its name (`train.csv`).
    pub name: &'static str,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: &'static str,
}

/// A tabular dataset the cache can fetch, import and load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabularInfo {
    /// Name on the command line.
    pub name: &'static str,
    /// One line about it.
    pub description: &'static str,
    /// Where the archive is downloaded from.
    pub archive_url: &'static str,
    /// The folder the files sit in inside the archive.
    pub archive_folder: &'static str,
    /// The files.
    pub files: &'static [TabularFile],
}

/// The Kaggle Titanic data as the book distributes it.
pub const TITANIC: TabularInfo = TabularInfo {
    name: "titanic",
    description: "Titanic passengers (Kaggle): 891 training rows with Survived, 418 test rows",
    archive_url: "https://github.com/ageron/data/raw/main/titanic.tgz",
    archive_folder: "titanic",
    files: &[
        TabularFile {
            name: "train.csv",
            sha256: "14769fb1850e2d26d8e6db0ee49c213878040432827e39b13caaa15603c6598f",
        },
        TabularFile {
            name: "test.csv",
            sha256: "d88facfbcf53fe855b1c15290521aee9c61b3a6283631fa953983a95bacf1399",
        },
    ],
};

/// The tabular datasets.
pub const TABULAR: [&TabularInfo; 1] = [&TITANIC];

/// The tabular dataset called `name`.
pub fn tabular(name: &str) -> Option<&'static TabularInfo> {
    TABULAR.iter().copied().find(|t| t.name == name)
}

/// Files larger than this are not CSV files of ours.
const MAX_FILE: u64 = 16 << 20;

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn check(file: &TabularFile, bytes: &[u8]) -> Result<()> {
    let actual = sha256_hex(bytes);
    if actual != file.sha256 {
        return Err(Error::Checksum {
            file: file.name.to_string(),
            expected: file.sha256.to_string(),
            actual,
        });
    }
    Ok(())
}

/// The archive's members that are `info`'s files: (name, bytes).
fn from_archive(info: &TabularInfo, archive: impl Read) -> Result<Vec<(String, Vec<u8>)>> {
    let gz = flate2::read::GzDecoder::new(archive);
    let mut tar = tar::Archive::new(gz);
    let mut found = Vec::new();
    for entry in tar.entries().map_err(Error::Stream)? {
        let entry = entry.map_err(Error::Stream)?;
        let path = entry.path().map_err(Error::Stream)?.into_owned();
        let Some(file) = info.files.iter().find(|f| {
            path == Path::new(info.archive_folder).join(f.name) || path == Path::new(f.name)
        }) else {
            continue;
        };
        if entry.size() > MAX_FILE {
            return Err(Error::InvalidArgument(format!(
                "{}: {} bytes is too large for {}",
                path.display(),
                entry.size(),
                file.name
            )));
        }
        let mut bytes = Vec::new();
        entry
            .take(MAX_FILE)
            .read_to_end(&mut bytes)
            .map_err(Error::Stream)?;
        found.push((file.name.to_string(), bytes));
    }
    Ok(found)
}

impl Cache {
    fn tabular_path(&self, info: &TabularInfo, file: &TabularFile) -> PathBuf {
        self.dataset_dir(info.name).join(file.name)
    }

    /// `NotCached` naming the files of `info` that are not in the cache.
    fn check_tabular_present(&self, info: &TabularInfo) -> Result<()> {
        let missing: Vec<&str> = info
            .files
            .iter()
            .filter(|f| !self.tabular_path(info, f).exists())
            .map(|f| f.name)
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(Error::NotCached {
            name: info.name.to_string(),
            dir: self.dataset_dir(info.name),
            missing: missing.join(", "),
        })
    }

    /// Checks each file's content and writes it into the cache (temporary file, then
    /// rename): nothing that fails its checksum is stored.
    fn store_tabular(
        &self,
        info: &TabularInfo,
        found: Vec<(String, Vec<u8>)>,
    ) -> Result<Vec<String>> {
        let mut stored = Vec::new();
        for file in info.files {
            let Some((_, bytes)) = found.iter().find(|(n, _)| n == file.name) else {
                continue;
            };
            check(file, bytes)?;
            write_atomically(&self.tabular_path(info, file), |f| {
                std::io::Write::write_all(f, bytes).map_err(Error::Stream)
            })?;
            stored.push(file.name.to_string());
        }
        self.check_tabular_present(info)?;
        Ok(stored)
    }

    /// Imports from `dir`: the CSV files themselves, or a `.tgz` archive holding them.
    pub fn import_tabular(&self, info: &TabularInfo, dir: &Path) -> Result<Vec<String>> {
        let mut found = Vec::new();
        for file in info.files {
            let path = dir.join(file.name);
            if path.is_file() {
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
                found.push((file.name.to_string(), bytes));
            }
        }
        if found.len() < info.files.len() {
            let archive = dir.join(format!("{}.tgz", info.name));
            if archive.is_file() {
                let f = std::fs::File::open(&archive).map_err(|e| Error::io(&archive, e))?;
                found = from_archive(info, f).map_err(|e| Error::File {
                    path: archive.clone(),
                    source: Box::new(e),
                })?;
            }
        }
        if found.is_empty() {
            return Err(Error::MissingFile {
                dir: dir.to_path_buf(),
                role: format!("{} files", info.name),
                looked_for: format!(
                    "{} or {}.tgz",
                    info.files
                        .iter()
                        .map(|f| f.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                    info.name
                ),
            });
        }
        self.store_tabular(info, found)
    }

    /// Downloads the archive and stores its checked files.
    #[cfg(feature = "download")]
    pub fn download_tabular(&self, info: &TabularInfo) -> Result<Vec<String>> {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(std::time::Duration::from_secs(20))
            .timeout_read(std::time::Duration::from_secs(60))
            .build();
        let response = agent
            .get(info.archive_url)
            .call()
            .map_err(|e| Error::Download {
                file: info.archive_url.to_string(),
                reasons: e.to_string(),
            })?;
        let mut bytes = Vec::new();
        response
            .into_reader()
            .take(4 * MAX_FILE)
            .read_to_end(&mut bytes)
            .map_err(Error::Stream)?;
        let found = from_archive(info, bytes.as_slice())?;
        self.store_tabular(info, found)
    }

    /// The dataset's files, each checked against its SHA-256: (name, bytes) in catalogue
    /// order.
    pub fn load_tabular(&self, info: &TabularInfo) -> Result<Vec<(String, Vec<u8>)>> {
        self.check_tabular_present(info)?;
        info.files
            .iter()
            .map(|file| {
                let path = self.tabular_path(info, file);
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
                check(file, &bytes).map_err(|e| Error::Corrupt {
                    path: path.clone(),
                    dataset: info.name.to_string(),
                    reason: e.to_string(),
                })?;
                Ok((file.name.to_string(), bytes))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST: TabularInfo = TabularInfo {
        name: "toy",
        description: "a toy table",
        archive_url: "http://127.0.0.1:9/toy.tgz",
        archive_folder: "toy",
        files: &[],
    };

    #[test]
    fn import_checks_stores_atomically_and_detects_damage() {
        let bytes = b"x,y\n1,2\n";
        let info = TabularInfo {
            files: Box::leak(Box::new([TabularFile {
                name: "a.csv",
                sha256: Box::leak(sha256_hex(bytes).into_boxed_str()),
            }])),
            ..TEST
        };
        let src = tempfile::tempdir().unwrap();
        let cache_dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(cache_dir.path());
        // Nothing there yet.
        assert!(matches!(
            cache.load_tabular(&info),
            Err(Error::NotCached { .. })
        ));
        assert!(matches!(
            cache.import_tabular(&info, src.path()),
            Err(Error::MissingFile { .. })
        ));
        // A lying file is refused and nothing is stored.
        std::fs::write(src.path().join("a.csv"), b"x,y\n1,3\n").unwrap();
        assert!(matches!(
            cache.import_tabular(&info, src.path()),
            Err(Error::Checksum { .. })
        ));
        assert!(!cache.dataset_dir("toy").join("a.csv").exists());
        // The right file is stored and loads.
        std::fs::write(src.path().join("a.csv"), bytes).unwrap();
        assert_eq!(
            cache.import_tabular(&info, src.path()).unwrap(),
            vec!["a.csv"]
        );
        assert_eq!(cache.load_tabular(&info).unwrap()[0].1, bytes);
        // Damage in the cache is caught at load, the dataset named (to fetch it again).
        std::fs::write(cache.dataset_dir("toy").join("a.csv"), b"x,y\n").unwrap();
        let e = cache.load_tabular(&info).unwrap_err();
        assert!(
            matches!(&e, Error::Corrupt { dataset, .. } if dataset == "toy"),
            "{e}"
        );
        // From the archive instead of loose files.
        let arch = tempfile::tempdir().unwrap();
        let tgz = std::fs::File::create(arch.path().join("toy.tgz")).unwrap();
        let gz = flate2::write::GzEncoder::new(tgz, flate2::Compression::default());
        let mut tar = tar::Builder::new(gz);
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, "toy/a.csv", &bytes[..])
            .unwrap();
        tar.into_inner().unwrap().finish().unwrap();
        assert_eq!(
            cache.import_tabular(&info, arch.path()).unwrap(),
            vec!["a.csv"]
        );
        assert_eq!(cache.load_tabular(&info).unwrap()[0].1, bytes);
    }
}
