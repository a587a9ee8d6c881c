//! `classify data ...` on the embedded sample and on an imported dataset.

use std::io::Write;

use classify::datasets::{idx, mnist_sample};

use crate::util::classify;

#[test]
fn info_on_the_embedded_sample() {
    let tmp = tempfile::tempdir().unwrap();
    let text = classify(tmp.path(), &["data", "info"]).ok().to_string();
    assert!(
        text.contains("mnist-sample") && text.contains("8,000 samples"),
        "{text}"
    );
    let v = classify(tmp.path(), &["data", "info", "--json", "--train", "1000"]).json();
    assert_eq!(v["train"]["n_samples"], 1000);
    assert_eq!(v["test"]["n_samples"], 2000);
    let counts: Vec<u64> = v["train"]["class_counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .collect();
    assert_eq!(counts.len(), 10);
    assert_eq!(counts.iter().sum::<u64>(), 1000);
    assert_eq!(v["image_shape"], serde_json::json!([28, 28]));
}

#[test]
fn show_draws_in_the_terminal_and_to_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let sample = mnist_sample().unwrap();
    let text = classify(tmp.path(), &["data", "show", "--index", "3"])
        .ok()
        .to_string();
    let label = sample.train.target[3];
    assert!(text.contains(&format!("label {label}")), "{text}");
    assert!(text.contains("██"), "{text}");
    let out = tmp.path().join("digit.svg");
    let v = classify(
        tmp.path(),
        &[
            "data",
            "show",
            "--test",
            "--index",
            "5",
            "--out",
            out.to_str().unwrap(),
            "--json",
        ],
    )
    .json();
    assert_eq!(v["label"], u64::from(sample.test.target[5]));
    assert_eq!(v["split"], "test");
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("<svg"));
}

#[test]
fn grid_writes_a_png() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("digits.png");
    let v = classify(
        tmp.path(),
        &[
            "data",
            "grid",
            "--count",
            "25",
            "--index",
            "10",
            "--out",
            out.to_str().unwrap(),
            "--json",
        ],
    )
    .json();
    assert_eq!(v["count"], 25);
    assert_eq!(v["labels"].as_array().unwrap().len(), 25);
    let sample = mnist_sample().unwrap();
    assert_eq!(v["labels"][0], u64::from(sample.train.target[10]));
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
}

#[test]
fn bad_requests_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let e = classify(tmp.path(), &["data", "show", "--index", "8000"])
        .err()
        .to_string();
    assert!(e.contains("out of range") && e.contains("8000"), "{e}");
    let e = classify(tmp.path(), &["data", "info", "--dataset", "cifar"])
        .err()
        .to_string();
    assert!(
        e.contains("unknown dataset") && e.contains("fashion-mnist"),
        "{e}"
    );
    let e = classify(tmp.path(), &["data", "info", "--dataset", "mnist"])
        .err()
        .to_string();
    assert!(e.contains("cargo xtask fetch mnist"), "{e}");
    let e = classify(tmp.path(), &["data", "info", "--train", "9000"])
        .err()
        .to_string();
    assert!(e.contains("only 8000"), "{e}");
    let out = tmp.path().join("x.jpg");
    let e = classify(
        tmp.path(),
        &["data", "grid", "--out", out.to_str().unwrap()],
    )
    .err()
    .to_string();
    assert!(e.contains("unsupported figure format"), "{e}");
    // A figure goes into a folder that is created if needed.
    let nested = tmp.path().join("figures/digits/one.png");
    classify(
        tmp.path(),
        &["data", "show", "--out", nested.to_str().unwrap()],
    )
    .ok();
    assert!(nested.is_file());
    // A file that is not IDX is named, with what is wrong, once.
    let bad = tmp.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("train-images-idx3-ubyte.gz"), "garbage").unwrap();
    let e = classify(
        tmp.path(),
        &["data", "fetch", "mnist", "--from", bad.to_str().unwrap()],
    )
    .err()
    .to_string();
    assert!(
        e.contains("train-images-idx3-ubyte.gz: not an IDX file"),
        "{e}"
    );
    let e = classify(
        tmp.path(),
        &["data", "fetch", "mnist", "--from", "/nonexistent/dir"],
    )
    .err()
    .to_string();
    assert_eq!(e.matches("No such file").count(), 1, "{e}");
    // Usage errors exit with 2.
    assert_eq!(
        classify(tmp.path(), &["data", "info", "--train", "x"]).code,
        2
    );
}

/// A folder laid out like a dataset download, made from the embedded sample.
fn write_mnist_like(dir: &std::path::Path, n_train: usize) {
    let s = mnist_sample().unwrap();
    std::fs::create_dir_all(dir).unwrap();
    let gz = |name: &str, dims: &[usize], data: &[u8]| {
        let mut raw = Vec::new();
        idx::write_idx(&mut raw, dims, data).unwrap();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&raw).unwrap();
        std::fs::write(dir.join(name), enc.finish().unwrap()).unwrap();
    };
    gz(
        "train-images-idx3-ubyte.gz",
        &[n_train, 28, 28],
        &s.train.data.as_slice().unwrap()[..n_train * 784],
    );
    gz(
        "train-labels-idx1-ubyte.gz",
        &[n_train],
        &s.train.target.as_slice().unwrap()[..n_train],
    );
    gz(
        "t10k-images-idx3-ubyte.gz",
        &[2000, 28, 28],
        s.test.data.as_slice().unwrap(),
    );
    gz(
        "t10k-labels-idx1-ubyte.gz",
        &[2000],
        s.test.target.as_slice().unwrap(),
    );
}

#[test]
fn fetch_from_a_folder_rejects_files_that_fail_the_checks() {
    // The sample's files are not MNIST's: same shapes, other content. A full-size claim would be
    // checked against the official checksums; these hold fewer items, so only the training
    // images may come in as partial, and the test files (2,000 of 10,000) are partial too.
    // Nothing here can pass as the official MNIST, and the message says which file failed.
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    write_mnist_like(&src, 500);
    let cache = tmp.path().join("cache");
    let run = classify(
        &cache,
        &[
            "data",
            "fetch",
            "mnist",
            "--from",
            src.to_str().unwrap(),
            "--json",
        ],
    );
    let v = run.json();
    let actions: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["record"]["verification"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["partial"; 4]);
    assert_eq!(v["summary"]["train"]["n_samples"], 500);
    assert!(!v["summary"]["notes"].as_array().unwrap().is_empty());
    let info = classify(&cache, &["data", "info", "--dataset", "mnist", "--json"]).json();
    assert_eq!(info["test"]["n_samples"], 2000);
    // A folder whose labels claim the full 10,000 test items but hold other values fails the
    // checksum and leaves the cache as it was.
    let bad = tmp.path().join("bad");
    write_mnist_like(&bad, 500);
    let mut raw = Vec::new();
    idx::write_idx(&mut raw, &[10_000], &[1u8; 10_000]).unwrap();
    std::fs::remove_file(bad.join("t10k-labels-idx1-ubyte.gz")).unwrap();
    std::fs::write(bad.join("t10k-labels-idx1-ubyte"), raw).unwrap();
    let e = classify(
        &cache,
        &["data", "fetch", "mnist", "--from", bad.to_str().unwrap()],
    )
    .err()
    .to_string();
    assert!(
        e.contains("t10k-labels") && e.contains("checksum mismatch") && e.contains("ff7bcfd4"),
        "{e}"
    );
    let again = classify(&cache, &["data", "info", "--dataset", "mnist", "--json"]).json();
    assert_eq!(again["test"]["n_samples"], 2000);
}

#[test]
fn titanic_needs_its_verified_files() {
    let tmp = tempfile::tempdir().unwrap();
    // Not fetched: the error says how to fetch it.
    let e = classify(tmp.path(), &["titanic"]);
    assert!(e.err().contains("fetch titanic"), "{}", e.stderr);
    // A folder with a train.csv that is not Titanic's: refused, nothing stored.
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("train.csv"), "PassengerId,Survived\n1,0\n").unwrap();
    std::fs::write(src.join("test.csv"), "PassengerId\n2\n").unwrap();
    let e = classify(
        tmp.path(),
        &["data", "fetch", "titanic", "--from", src.to_str().unwrap()],
    );
    assert!(e.err().contains("checksum mismatch"), "{}", e.stderr);
    assert!(!tmp.path().join("titanic/train.csv").exists());
}

/// `classify data info | head -1`: the reader leaves before the output is written; the
/// command exits 0 without a panic message.
#[test]
fn a_reader_that_leaves_early_is_no_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_classify"))
        .args(["data", "info"])
        .env("CLASSIFY_DATA", tmp.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
