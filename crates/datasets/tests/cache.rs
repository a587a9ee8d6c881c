//! The cache end to end: import, partial import, checksum mismatches, damaged files, and
//! downloads from a local HTTP server serving good, corrupt and truncated files.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

mod server;

use classify_datasets::cache::payload_sha256;
use classify_datasets::idx::{write_idx, IdxArray};
use server::{serve, Serve};

use classify_datasets::{mnist_sample, Cache, DatasetInfo, Error, FileInfo, Role, Verification};

const N_TRAIN: usize = 60;
const N_TEST: usize = 20;

/// A tiny MNIST-like dataset made from the embedded sample, with its catalogue entry.
struct Fixture {
    info: DatasetInfo,
    /// Canonical name → gzip bytes.
    files: HashMap<String, Vec<u8>>,
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn idx_bytes(dims: &[usize], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write_idx(&mut out, dims, data).unwrap();
    out
}

fn fixture(mirrors: Vec<String>) -> Fixture {
    let s = mnist_sample().unwrap();
    let parts = [
        (
            Role::TrainImages,
            vec![N_TRAIN, 28, 28],
            s.train.data.as_slice().unwrap()[..N_TRAIN * 784].to_vec(),
        ),
        (
            Role::TrainLabels,
            vec![N_TRAIN],
            s.train.target.as_slice().unwrap()[..N_TRAIN].to_vec(),
        ),
        (
            Role::TestImages,
            vec![N_TEST, 28, 28],
            s.test.data.as_slice().unwrap()[..N_TEST * 784].to_vec(),
        ),
        (
            Role::TestLabels,
            vec![N_TEST],
            s.test.target.as_slice().unwrap()[..N_TEST].to_vec(),
        ),
    ];
    let mut files = HashMap::new();
    let mut infos = Vec::new();
    for (role, dims, data) in parts {
        let name = format!(
            "{}-idx{}-ubyte.gz",
            role.prefix(),
            if dims.len() == 3 { 3 } else { 1 }
        );
        let sha = payload_sha256(&IdxArray {
            dims: dims.clone(),
            data: data.clone(),
        });
        files.insert(name.clone(), gzip(&idx_bytes(&dims, &data)));
        infos.push(FileInfo {
            role,
            name,
            mirrors: mirrors.clone(),
            items: dims[0],
            payload_sha256: Some(sha),
            gz_md5: None,
            gz_size: None,
        });
    }
    Fixture {
        info: DatasetInfo {
            name: "tiny".into(),
            description: "tiny test set".into(),
            home: String::new(),
            licence: String::new(),
            image_shape: [28, 28],
            target_names: (0..10).map(|d| d.to_string()).collect(),
            files: infos,
            made: None,
        },
        files,
    }
}

fn write_dir(dir: &Path, files: &HashMap<String, Vec<u8>>) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

fn no_progress(_: classify_datasets::FileProgress) {}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".part"))
                .collect()
        })
        .unwrap_or_default()
}

/// The fixture imported into a cache under `root`.
fn imported(root: &Path) -> (Fixture, Cache) {
    let fx = fixture(vec![]);
    write_dir(&root.join("src"), &fx.files);
    let cache = Cache::new(root.join("cache"));
    cache
        .import(&fx.info, &root.join("src"), &mut no_progress)
        .unwrap();
    (fx, cache)
}

#[test]
fn import_then_load() {
    let tmp = tempfile::tempdir().unwrap();
    let fx = fixture(vec![]);
    write_dir(&tmp.path().join("src"), &fx.files);
    let cache = Cache::new(tmp.path().join("cache"));
    let out = cache
        .import(&fx.info, &tmp.path().join("src"), &mut no_progress)
        .unwrap();
    assert!(out
        .iter()
        .all(|o| o.action == "stored" && o.record.verification == Verification::Sha256));
    let data = cache.load(&fx.info).unwrap();
    assert_eq!(data.train.data.dim(), (N_TRAIN, 784));
    assert_eq!(data.test.target.len(), N_TEST);
    assert!(data.notes.is_empty(), "{:?}", data.notes);
    assert_eq!(cache.verify(&fx.info).unwrap().len(), 4);
    // Importing again changes nothing.
    let again = cache
        .import(&fx.info, &tmp.path().join("src"), &mut no_progress)
        .unwrap();
    assert!(again.iter().all(|o| o.action == "already present"));
}

/// Loading keeps a decompressed copy of each file (`.plain/`) and reads it the next time;
/// a copy that was edited, or that is older than its `.gz` file, is not used.
#[test]
fn decompressed_copies_are_used_only_while_they_match() {
    let tmp = tempfile::tempdir().unwrap();
    let (fx, cache) = imported(tmp.path());
    let first = cache.load(&fx.info).unwrap();
    let dir = cache.dataset_dir(&fx.info.name);
    let copy = dir.join(".plain/train-images-idx3-ubyte");
    assert!(copy.is_file());
    assert_eq!(cache.load(&fx.info).unwrap().train.data, first.train.data);
    // An edited copy fails its CRC-32: the `.gz` file is read and the copy written again.
    let mut bytes = std::fs::read(&copy).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&copy, &bytes).unwrap();
    assert_eq!(cache.load(&fx.info).unwrap().train.data, first.train.data);
    assert_ne!(std::fs::read(&copy).unwrap(), bytes);
    // A `.gz` file replaced by other images: its new length or time outdates the copy.
    let gz = dir.join("train-images-idx3-ubyte.gz");
    let inverted: Vec<u8> = first.train.data.iter().map(|&v| 255 - v).collect();
    std::fs::write(&gz, gzip(&idx_bytes(&[N_TRAIN, 28, 28], &inverted))).unwrap();
    let reloaded = cache.load(&fx.info).unwrap();
    assert_eq!(reloaded.train.data.as_slice().unwrap(), &inverted[..]);
    // A cache that cannot hold the copies still loads.
    std::fs::remove_dir_all(dir.join(".plain")).unwrap();
    std::fs::write(dir.join(".plain"), b"a file in the way").unwrap();
    assert_eq!(cache.load(&fx.info).unwrap().train.n_samples(), N_TRAIN);
}

#[test]
fn plain_files_and_other_spellings_import() {
    let tmp = tempfile::tempdir().unwrap();
    let fx = fixture(vec![]);
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    for (name, bytes) in &fx.files {
        // `train-images.idx3-ubyte`, uncompressed, as some distributions ship them.
        let plain = name.trim_end_matches(".gz").replacen("-idx", ".idx", 1);
        let mut raw = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut raw)
            .unwrap();
        std::fs::write(src.join(plain), raw).unwrap();
    }
    let cache = Cache::new(tmp.path().join("cache"));
    cache.import(&fx.info, &src, &mut no_progress).unwrap();
    assert_eq!(cache.load(&fx.info).unwrap().train.n_samples(), N_TRAIN);
}

#[test]
fn partial_training_images_load_and_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    let fx = fixture(vec![]);
    let src = tmp.path().join("src");
    let mut files = fx.files.clone();
    // Only the first 10 training images, under another name (like train-images-first10k).
    let full = files.remove("train-images-idx3-ubyte.gz").unwrap();
    let mut raw = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&full[..]), &mut raw).unwrap();
    let first10 = idx_bytes(&[10, 28, 28], &raw[16..16 + 10 * 784]);
    files.insert("train-images-first10-idx3-ubyte.gz".into(), gzip(&first10));
    write_dir(&src, &files);
    let cache = Cache::new(tmp.path().join("cache"));
    let out = cache.import(&fx.info, &src, &mut no_progress).unwrap();
    assert_eq!(out[0].record.verification, Verification::Partial);
    let data = cache.load(&fx.info).unwrap();
    assert_eq!(data.train.n_samples(), 10);
    assert_eq!(data.train.target.len(), 10);
    assert!(
        data.notes.iter().any(|n| n.contains("10 of 60")),
        "{:?}",
        data.notes
    );
    // A full verified copy replaces the partial one; a partial one never replaces a full one.
    write_dir(&src, &fx.files);
    std::fs::remove_file(src.join("train-images-first10-idx3-ubyte.gz")).unwrap();
    cache.import(&fx.info, &src, &mut no_progress).unwrap();
    assert_eq!(cache.load(&fx.info).unwrap().train.n_samples(), N_TRAIN);
}

#[test]
fn mismatch_keeps_the_good_file_and_names_the_hash() {
    let tmp = tempfile::tempdir().unwrap();
    let fx = fixture(vec![]);
    let src = tmp.path().join("src");
    write_dir(&src, &fx.files);
    let cache = Cache::new(tmp.path().join("cache"));
    cache.import(&fx.info, &src, &mut no_progress).unwrap();
    let cached = cache.dataset_dir("tiny").join("t10k-labels-idx1-ubyte.gz");
    let good = std::fs::read(&cached).unwrap();
    // Same shape, different labels: only the checksum can tell.
    let bad = gzip(&idx_bytes(&[N_TEST], &[3u8; N_TEST]));
    std::fs::write(src.join("t10k-labels-idx1-ubyte.gz"), bad).unwrap();
    let err = cache.import(&fx.info, &src, &mut no_progress).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::Checksum { .. }), "{msg}");
    assert!(
        msg.contains("t10k-labels") && msg.contains("sha256"),
        "{msg}"
    );
    assert_eq!(std::fs::read(&cached).unwrap(), good);
    assert!(leftovers(&cache.dataset_dir("tiny")).is_empty());
}

#[test]
fn damaged_cache_is_reported_with_the_dataset_to_fetch_again() {
    let tmp = tempfile::tempdir().unwrap();
    let (fx, cache) = imported(tmp.path());
    let path = cache.dataset_dir("tiny").join("train-images-idx3-ubyte.gz");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let e = cache.load(&fx.info).unwrap_err();
    assert!(
        matches!(&e, Error::Corrupt { dataset, path: p, .. } if dataset == "tiny" && *p == path),
        "{e}"
    );
    assert!(e.to_string().contains("damaged"), "{e}");
    std::fs::remove_file(&path).unwrap();
    let msg = cache.load(&fx.info).unwrap_err().to_string();
    assert!(
        msg.contains("not in the cache") && msg.contains("train-images"),
        "{msg}"
    );
}

#[test]
fn missing_file_in_import_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let fx = fixture(vec![]);
    let mut files = fx.files.clone();
    files.remove("t10k-images-idx3-ubyte.gz");
    write_dir(&tmp.path().join("src"), &files);
    let err = Cache::new(tmp.path().join("cache"))
        .import(&fx.info, &tmp.path().join("src"), &mut no_progress)
        .unwrap_err();
    assert!(matches!(err, Error::MissingFile { .. }), "{err}");
}

#[test]
fn download_tries_mirrors_until_one_passes() {
    let fx = fixture(vec![]);
    let mut routes = HashMap::new();
    for (name, bytes) in &fx.files {
        let mut corrupt = bytes.clone();
        let mid = corrupt.len() / 2;
        corrupt[mid] ^= 0xff;
        routes.insert(format!("/corrupt/{name}"), Serve::Good(corrupt));
        routes.insert(
            format!("/truncated/{name}"),
            Serve::Truncated(bytes.clone()),
        );
        routes.insert(format!("/good/{name}"), Serve::Good(bytes.clone()));
    }
    let base = serve(routes);
    let mirrors = ["missing", "corrupt", "truncated", "good"]
        .iter()
        .map(|m| format!("{base}/{m}/"))
        .collect();
    let fx = fixture(mirrors);
    let tmp = tempfile::tempdir().unwrap();
    let cache = Cache::new(tmp.path());
    let mut events = 0;
    let out = cache.download(&fx.info, &mut |_| events += 1).unwrap();
    assert!(events > 8);
    assert!(
        out.iter().all(|o| o.record.source.contains("/good/")),
        "{out:?}"
    );
    assert_eq!(cache.load(&fx.info).unwrap().train.n_samples(), N_TRAIN);
    assert!(leftovers(&cache.dataset_dir("tiny")).is_empty());
    // A second fetch downloads nothing.
    let again = cache.download(&fx.info, &mut no_progress).unwrap();
    assert!(again.iter().all(|o| o.action == "already present"));
}

#[test]
fn download_with_only_bad_mirrors_fails_cleanly() {
    let fx = fixture(vec![]);
    let mut routes = HashMap::new();
    for (name, bytes) in &fx.files {
        routes.insert(
            format!("/truncated/{name}"),
            Serve::Truncated(bytes.clone()),
        );
    }
    let base = serve(routes);
    let fx = fixture(vec![
        format!("{base}/truncated/"),
        format!("{base}/missing/"),
    ]);
    let tmp = tempfile::tempdir().unwrap();
    let cache = Cache::new(tmp.path());
    let err = cache.download(&fx.info, &mut no_progress).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::Download { .. }), "{msg}");
    assert!(
        msg.contains("/truncated/") && msg.contains("/missing/") && msg.contains("404"),
        "{msg}"
    );
    let dir = cache.dataset_dir("tiny");
    assert!(!dir.join("train-images-idx3-ubyte.gz").exists());
    assert!(leftovers(&dir).is_empty());
    assert!(cache.load(&fx.info).is_err());
}
