//! Datasets made by deforming another's training images ([`Cache::deform`], `classify data
//! deform`): infiMNIST's idea, millions of digits written straight to the cache a block at a
//! time, in bounded memory.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::cache::{Cache, FileProgress, FileRecord, Verification, REGISTRATION};
use crate::dataset::{Dataset, TrainTest};
use crate::deform::{Deformation, Deformer, Scratch};
use crate::error::{Error, Result};
use crate::formats::idx_stream::IdxWriter;
use crate::info::{DatasetInfo, FileInfo, Made, Role};
use crate::sources::registry::check_new_name;

/// Images made and written per block: 16,384 of MNIST's size are 12.8 MB.
const BLOCK: usize = 16_384;
/// The prefix of the hidden folder a dataset is made in before it is renamed into place.
const STAGING: &str = ".classify-deform-";

/// What [`Cache::deform`] makes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeformOptions {
    /// Training images to make (1 to `u32::MAX`, the IDX format's limit).
    pub count: usize,
    /// The seed: image `i` is the same for a seed whatever else changes.
    pub seed: u64,
    /// How strongly.
    pub deformation: Deformation,
    /// Replace a dataset of the same name.
    pub force: bool,
}

/// The uncompressed file names a made dataset is stored under (its training images are read
/// a block at a time, which gzip would slow down five-fold).
fn plain_name(role: Role) -> String {
    role.file_name().trim_end_matches(".gz").to_string()
}

impl Cache {
    /// Makes `options.count` training images by deforming `from`'s training images — image
    /// `i` from image `i mod n` with its label — and registers them under `name` with
    /// `from`'s test set unchanged. The images are made in parallel a block at a time and
    /// written as they are made (memory: a few blocks, whatever the count), into a hidden
    /// folder of the cache that is renamed into place only when every file is written and
    /// hashed; an error (a full disk) removes it, and a process killed midway leaves the
    /// cache as it was (the next `deform` removes what it left). `progress` counts images.
    pub fn deform(
        &self,
        name: &str,
        from: &TrainTest,
        options: &DeformOptions,
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<DatasetInfo> {
        check_new_name(name)?;
        if options.count == 0 || options.count > u32::MAX as usize {
            return Err(Error::InvalidArgument(format!(
                "a count of {}: between 1 and {} images (the IDX format counts in 32 bits)",
                options.count,
                u32::MAX
            )));
        }
        let shape = from.train.image_shape.ok_or_else(|| {
            Error::InvalidArgument(format!("{} holds no images to deform", from.name))
        })?;
        let deformer = Deformer::new(options.deformation, shape)?;
        let target = self.dataset_dir(name);
        if target.exists() && !options.force {
            return Err(Error::Exists {
                name: name.to_string(),
                dir: target,
            });
        }
        std::fs::create_dir_all(self.root()).map_err(|e| Error::io(self.root(), e))?;
        remove_abandoned(self.root());
        let staging = tempfile::Builder::new()
            .prefix(&format!("{STAGING}{}-", std::process::id()))
            .tempdir_in(self.root())
            .map_err(|e| Error::io(self.root(), e))?;
        let not_made = |e: Error| Error::NotMade {
            name: name.to_string(),
            source: Box::new(e),
        };
        let info = write_dataset(name, from, &deformer, options, staging.path(), progress)
            .map_err(not_made)?;
        replace_dir(staging.keep(), &target).map_err(not_made)?;
        Ok(info)
    }
}

/// Writes the four files, the manifest and the registration of `name` into `dir`.
fn write_dataset(
    name: &str,
    from: &TrainTest,
    deformer: &Deformer,
    options: &DeformOptions,
    dir: &Path,
    progress: &mut dyn FnMut(FileProgress),
) -> Result<DatasetInfo> {
    let mut files = write_train(&from.train, deformer, options, dir, progress)?.to_vec();
    files.push(write_whole(dir, Role::TestImages, &from.test, true)?);
    files.push(write_whole(dir, Role::TestLabels, &from.test, false)?);
    register(name, from, deformer.params(), options, dir, files)
}

/// The deformed training images and their labels, a block at a time.
fn write_train(
    source: &Dataset,
    deformer: &Deformer,
    options: &DeformOptions,
    dir: &Path,
    progress: &mut dyn FnMut(FileProgress),
) -> Result<[FileInfo; 2]> {
    let n = options.count;
    let [h, w] = deformer_shape(source);
    progress(FileProgress::Start {
        name: plain_name(Role::TrainImages),
        total: Some(n as u64),
    });
    let mut images = IdxWriter::create(dir.join(plain_name(Role::TrainImages)), &[n, h, w])?;
    let mut labels = IdxWriter::create(dir.join(plain_name(Role::TrainLabels)), &[n])?;
    let d = h * w;
    let mut block = vec![0u8; BLOCK.min(n) * d];
    for first in (0..n).step_by(BLOCK) {
        let rows = BLOCK.min(n - first);
        let pixels = &mut block[..rows * d];
        pixels.par_chunks_mut(d).enumerate().try_for_each_init(
            Scratch::default,
            |scratch, (k, out)| {
                let i = first + k;
                let row = source.data.row(i % source.n_samples());
                let src = row.as_slice().expect("rows of a standard array");
                deformer.deform_with(src, options.seed, i as u64, out, scratch)
            },
        )?;
        images.write(pixels)?;
        let targets: Vec<u8> = (first..first + rows)
            .map(|i| source.target[i % source.n_samples()])
            .collect();
        labels.write(&targets)?;
        progress(FileProgress::Advance(rows as u64));
    }
    let shas = [images.finish()?, labels.finish()?];
    progress(FileProgress::Finish);
    let [images, labels] = shas;
    Ok([
        file_info(Role::TrainImages, n, images),
        file_info(Role::TrainLabels, n, labels),
    ])
}

/// The manifest and registration that make `dir` a cached dataset.
fn register(
    name: &str,
    from: &TrainTest,
    p: &Deformation,
    options: &DeformOptions,
    dir: &Path,
    files: Vec<FileInfo>,
) -> Result<DatasetInfo> {
    let n = options.count;
    let source = &from.train;
    let [h, w] = deformer_shape(source);
    let info = DatasetInfo {
        name: name.to_string(),
        description: format!(
            "{n} images deformed from {}'s training images (seed {}; elastic field σ {} α {}, \
             rotation ±{}°, scale ±{}, shear ±{}, shift ±{} px); {}'s test set",
            from.name,
            options.seed,
            p.sigma,
            p.alpha,
            p.max_rotation,
            p.max_scale,
            p.max_shear,
            p.max_shift,
            from.name
        ),
        home: from.source.clone(),
        licence: format!("as {}'s", from.name),
        image_shape: [h, w],
        target_names: source.target_names.clone(),
        files,
        made: Some(Made::Deformed {
            from: from.name.clone(),
            count: n,
            seed: options.seed,
            deformation: *p,
        }),
    };
    let made_from = format!("deformed from {} (seed {})", from.name, options.seed);
    let records = info
        .files
        .iter()
        .map(|f| {
            let record = FileRecord {
                role: f.role,
                items: f.items,
                payload_sha256: f.payload_sha256.clone().unwrap_or_default(),
                verification: Verification::Sha256,
                source: made_from.clone(),
            };
            (f.name.clone(), record)
        })
        .collect();
    Cache::write_manifest(dir, records)?;
    let json = serde_json::to_vec_pretty(&info)
        .map_err(|e| Error::InvalidArgument(format!("registration of {name}: {e}")))?;
    let path = dir.join(REGISTRATION);
    std::fs::write(&path, json).map_err(|e| Error::io(&path, e))?;
    Ok(info)
}

fn deformer_shape(source: &Dataset) -> [usize; 2] {
    source.image_shape.expect("checked before")
}

fn file_info(role: Role, items: usize, sha: String) -> FileInfo {
    FileInfo {
        role,
        name: plain_name(role),
        mirrors: Vec::new(),
        items,
        payload_sha256: Some(sha),
        gz_md5: None,
        gz_size: None,
    }
}

/// The test images (or labels) of `test` written whole into `dir`.
fn write_whole(dir: &Path, role: Role, test: &Dataset, images: bool) -> Result<FileInfo> {
    let n = test.n_samples();
    let (dims, bytes): (Vec<usize>, Vec<u8>) = if images {
        let [h, w] = deformer_shape(test);
        (vec![n, h, w], test.data.iter().copied().collect())
    } else {
        (vec![n], test.target.to_vec())
    };
    let mut writer = IdxWriter::create(dir.join(plain_name(role)), &dims)?;
    writer.write(&bytes)?;
    Ok(file_info(role, n, writer.finish()?))
}

/// Puts the finished folder `made` at `target`: straight there, or, replacing a dataset, the
/// old one first renamed aside (hidden), then removed.
fn replace_dir(made: PathBuf, target: &Path) -> Result<()> {
    let undo = |e: std::io::Error, at: &Path| {
        let _ = std::fs::remove_dir_all(&made);
        Error::io(at, e)
    };
    if target.exists() {
        let parent = target.parent().unwrap_or(Path::new("."));
        let aside = parent.join(format!(
            "{STAGING}{}-replaced-{}",
            std::process::id(),
            target.file_name().and_then(|n| n.to_str()).unwrap_or("old")
        ));
        std::fs::rename(target, &aside).map_err(|e| undo(e, target))?;
        std::fs::rename(&made, target).map_err(|e| undo(e, target))?;
        let _ = std::fs::remove_dir_all(&aside);
    } else {
        std::fs::rename(&made, target).map_err(|e| undo(e, target))?;
    }
    Ok(())
}

/// Removes the hidden folders that `deform` runs killed midway left in `root` (those whose
/// process is gone; where that cannot be told, as off Linux, none).
fn remove_abandoned(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(STAGING)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let proc = Path::new("/proc");
        if proc.is_dir() && !proc.join(pid.to_string()).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(count: usize) -> DeformOptions {
        DeformOptions {
            count,
            seed: 7,
            deformation: Deformation::default(),
            force: false,
        }
    }

    #[test]
    fn a_deformed_dataset_loads_streams_and_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let mut from = crate::mnist_sample().unwrap();
        from.limit_train(100).unwrap();
        let mut events = 0;
        let info = cache
            .deform("wavy", &from, &options(250), &mut |_| events += 1)
            .unwrap();
        assert!(events >= 3);
        assert_eq!(cache.find("wavy").unwrap(), info);
        let data = cache.load(&info).unwrap();
        assert!(data.notes.is_empty(), "{:?}", data.notes);
        assert_eq!(data.train.n_samples(), 250);
        assert_eq!(
            (&data.test.data, &data.test.target),
            (&from.test.data, &from.test.target)
        );
        // Image i is a deformation of source image i mod 100, with its label.
        assert_eq!(data.train.target[137], from.train.target[37]);
        assert_ne!(data.train.data.row(137), from.train.data.row(37));
        assert_ne!(data.train.data.row(137), data.train.data.row(37));
        // Verified a block at a time: the records are those written, and one changed pixel
        // is found.
        let records = cache.verify(&info).unwrap();
        assert_eq!(
            records[0].payload_sha256,
            info.files[0].payload_sha256.clone().unwrap()
        );
        let images = cache.dataset_dir("wavy").join(&info.files[0].name);
        let mut bytes = std::fs::read(&images).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&images, &bytes).unwrap();
        assert!(matches!(cache.verify(&info), Err(Error::Corrupt { .. })));
        bytes[last] ^= 1;
        std::fs::write(&images, &bytes).unwrap();
        // The same images streamed in blocks.
        let streamed = cache.stream(&info).unwrap();
        let mut rows = Vec::new();
        for block in streamed.train.blocks(64).unwrap() {
            rows.extend(block.unwrap().data.iter().copied());
        }
        assert_eq!(rows, data.train.data.iter().copied().collect::<Vec<_>>());
        // Deterministic: made again, the same bytes.
        let again = cache
            .deform(
                "wavy",
                &from,
                &DeformOptions {
                    force: true,
                    ..options(250)
                },
                &mut |_| {},
            )
            .unwrap();
        assert_eq!(again, info);
        // Hidden folders (being made, or replaced) are not datasets.
        assert_eq!(cache.registered().len(), 1);
    }

    #[test]
    fn bad_requests_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let from = crate::mnist_sample().unwrap();
        for count in [0, u32::MAX as usize + 1] {
            assert!(matches!(
                cache.deform("w", &from, &options(count), &mut |_| {}),
                Err(Error::InvalidArgument(_))
            ));
        }
        // A table, not images: nothing to deform.
        let mut table = from.clone();
        table.train.image_shape = None;
        let e = cache.deform("w", &table, &options(5), &mut |_| {});
        assert!(
            matches!(&e, Err(Error::InvalidArgument(m)) if m.contains("no images")),
            "{e:?}"
        );
        assert!(cache
            .deform("mnist", &from, &options(5), &mut |_| {})
            .is_err());
        assert!(cache
            .deform("../w", &from, &options(5), &mut |_| {})
            .is_err());
        cache.deform("w", &from, &options(5), &mut |_| {}).unwrap();
        assert!(matches!(
            cache.deform("w", &from, &options(6), &mut |_| {}),
            Err(Error::Exists { .. })
        ));
        assert_eq!(
            cache
                .load(&cache.find("w").unwrap())
                .unwrap()
                .train
                .n_samples(),
            5
        );
        // A folder a killed run left behind goes; the datasets stay.
        let left = dir.path().join(format!("{STAGING}{}-abc", u32::MAX));
        std::fs::create_dir_all(&left).unwrap();
        cache.deform("w2", &from, &options(5), &mut |_| {}).unwrap();
        assert!(!left.exists() || !Path::new("/proc").is_dir());
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.starts_with(STAGING)), "{names:?}");
    }
}
