//! `--dataset PATH`: an IDX folder laid out as MNIST's loads straight from its path, with any
//! image shape and class count, and bad folders get errors that name the file.

use std::path::Path;

use classify_datasets::idx::write_idx_file;
use classify_datasets::{load, load_idx_folder, Cache, Error, Source};

/// Writes an `h × w`, `classes`-class IDX folder: `n_train` + `n_test` images whose pixels
/// encode their index, labels cycling through the classes; `.gz` for the training images.
fn folder(dir: &Path, [h, w]: [usize; 2], classes: usize, n_train: usize, n_test: usize) {
    let images = |n: usize| -> Vec<u8> { (0..n * h * w).map(|i| (i * 7 % 256) as u8).collect() };
    let labels = |n: usize| -> Vec<u8> { (0..n).map(|i| (i % classes) as u8).collect() };
    let gz = |name: &str, dims: &[usize], data: &[u8]| {
        let raw = dir.join("tmp.idx");
        write_idx_file(&raw, dims, data).unwrap();
        let bytes = std::fs::read(&raw).unwrap();
        std::fs::remove_file(&raw).unwrap();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, &bytes).unwrap();
        std::fs::write(dir.join(name), enc.finish().unwrap()).unwrap();
    };
    gz(
        "train-images-idx3-ubyte.gz",
        &[n_train, h, w],
        &images(n_train),
    );
    write_idx_file(
        dir.join("train-labels-idx1-ubyte"),
        &[n_train],
        &labels(n_train),
    )
    .unwrap();
    write_idx_file(
        dir.join("t10k-images.idx3-ubyte"),
        &[n_test, h, w],
        &images(n_test),
    )
    .unwrap();
    write_idx_file(
        dir.join("t10k-labels-idx1-ubyte"),
        &[n_test],
        &labels(n_test),
    )
    .unwrap();
}

#[test]
fn any_shape_and_class_count_loads_from_its_path() {
    let tmp = tempfile::tempdir().unwrap();
    for ([h, w], classes) in [([8, 8], 3), ([32, 32], 26)] {
        let dir = tmp.path().join(format!("d{h}x{w}"));
        std::fs::create_dir(&dir).unwrap();
        folder(&dir, [h, w], classes, 60, 30);
        let data = load_idx_folder(&dir).unwrap();
        assert_eq!(data.name, format!("d{h}x{w}"));
        assert_eq!(data.train.data.dim(), (60, h * w));
        assert_eq!(data.test.data.dim(), (30, h * w));
        assert_eq!(data.train.image_shape, Some([h, w]));
        assert_eq!(data.train.target_names.len(), classes);
        assert_eq!(data.train.target[4], (4 % classes) as u8);
        assert_eq!(data.test.data[[1, 0]], (h * w * 7 % 256) as u8);
        // Through `load`, as `--dataset ./DIR` reaches it (the cache is not read).
        let by_path = load(
            &Source::Folder(dir.clone()),
            &Cache::new(tmp.path().join("cache")),
        )
        .unwrap();
        assert_eq!(by_path.train.data, data.train.data);
    }
}

#[test]
fn class_names_come_from_classes_txt() {
    let tmp = tempfile::tempdir().unwrap();
    folder(tmp.path(), [8, 8], 3, 12, 6);
    std::fs::write(
        tmp.path().join("classes.txt"),
        "circle\nsquare\n\ntriangle\n",
    )
    .unwrap();
    let data = load_idx_folder(tmp.path()).unwrap();
    assert_eq!(data.train.target_names, ["circle", "square", "triangle"]);
    // Fewer names than classes: the label past them is named in the error.
    std::fs::write(tmp.path().join("classes.txt"), "circle\nsquare\n").unwrap();
    let err = load_idx_folder(tmp.path()).unwrap_err().to_string();
    assert!(err.contains("training set") && err.contains('2'), "{err}");
}

#[test]
fn bad_folders_name_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    // Not a folder.
    let err = load_idx_folder(&tmp.path().join("nowhere")).unwrap_err();
    assert!(err.to_string().contains("not a folder"), "{err}");
    // A missing file: the role and the names looked for.
    folder(tmp.path(), [8, 8], 3, 12, 6);
    std::fs::remove_file(tmp.path().join("t10k-labels-idx1-ubyte")).unwrap();
    let err = load_idx_folder(tmp.path()).unwrap_err();
    assert!(matches!(err, Error::MissingFile { .. }), "{err}");
    assert!(err.to_string().contains("test labels"), "{err}");
    // Images and labels that disagree in count.
    write_idx_file(tmp.path().join("t10k-labels-idx1-ubyte"), &[5], &[0; 5]).unwrap();
    let err = load_idx_folder(tmp.path()).unwrap_err().to_string();
    assert!(
        err.contains("test set") && err.contains("6 images but 5 labels"),
        "{err}"
    );
    // A truncated file: its path in the error.
    write_idx_file(tmp.path().join("t10k-labels-idx1-ubyte"), &[6], &[0; 6]).unwrap();
    let path = tmp.path().join("t10k-images.idx3-ubyte");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 10]).unwrap();
    let err = load_idx_folder(tmp.path()).unwrap_err();
    assert!(err.to_string().contains("t10k-images.idx3-ubyte"), "{err}");
}

/// `classify data fetch NAME --from DIR`: the folder registered in the cache under a new
/// name loads by that name, is listed, and `verify` re-hashes it against the SHA-256 pinned
/// at registration (a file changed since is reported).
#[test]
fn a_registered_folder_loads_by_name_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir(&src).unwrap();
    folder(&src, [8, 8], 3, 30, 9);
    let cache = Cache::new(tmp.path().join("cache"));
    let (info, outcomes) = cache
        .register_idx_folder("shapes", &src, &mut |_| {})
        .unwrap();
    assert_eq!(outcomes.len(), 4);
    assert_eq!(info.image_shape, [8, 8]);
    assert_eq!(cache.find("shapes").unwrap(), info);
    assert_eq!(
        cache
            .registered()
            .iter()
            .map(|d| &d.name)
            .collect::<Vec<_>>(),
        ["shapes"]
    );
    let by_name = load(&Source::Cached("shapes".into()), &cache).unwrap();
    assert_eq!(
        by_name.train.data,
        load_idx_folder(&src).unwrap().train.data
    );
    assert_eq!(cache.verify(&info).unwrap().len(), 4);
    // Unknown names list the registered ones.
    let err = cache.find("shapez").unwrap_err().to_string();
    assert!(err.contains("shapes"), "{err}");
    // Names that are paths, capitals or a catalogue dataset's are refused.
    for bad in ["mnist", "Shapes", "../x", ".hidden", ""] {
        assert!(
            cache.register_idx_folder(bad, &src, &mut |_| {}).is_err(),
            "{bad}"
        );
    }
    // A stored file changed behind the cache's back.
    let stored = cache
        .dataset_dir("shapes")
        .join("t10k-labels-idx1-ubyte.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut other = Vec::new();
    classify_datasets::idx::write_idx(&mut other, &[9], &[1; 9]).unwrap();
    std::io::Write::write_all(&mut enc, &other).unwrap();
    std::fs::write(&stored, enc.finish().unwrap()).unwrap();
    let err = cache.verify(&info).unwrap_err().to_string();
    assert!(err.contains("t10k-labels"), "{err}");
}
