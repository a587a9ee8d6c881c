//! `--dataset PATH`: the workflow on a folder of IDX files of another shape and class count
//! (8 × 8 images, 3 classes), generated here.

use std::path::Path;

use classify::datasets::idx::write_idx_file;

use crate::util::classify;

/// Writes `n` 8 × 8 images of three shapes (a square, a vertical bar, a horizontal bar) with
/// deterministic noise, labels 0, 1, 2 in turn.
fn shapes(dir: &Path, prefix: &str, n: usize) {
    let mut images = vec![0u8; n * 64];
    for (i, img) in images.chunks_exact_mut(64).enumerate() {
        for (p, v) in img.iter_mut().enumerate() {
            let (r, c) = (p / 8, p % 8);
            let on = match i % 3 {
                0 => (2..6).contains(&r) && (2..6).contains(&c),
                1 => (3..5).contains(&c),
                _ => (3..5).contains(&r),
            };
            *v = u8::from(on) * 190 + ((i * 131 + p * 71) % 60) as u8;
        }
    }
    let labels: Vec<u8> = (0..n).map(|i| (i % 3) as u8).collect();
    write_idx_file(
        dir.join(format!("{prefix}-images-idx3-ubyte")),
        &[n, 8, 8],
        &images,
    )
    .unwrap();
    write_idx_file(
        dir.join(format!("{prefix}-labels-idx1-ubyte")),
        &[n],
        &labels,
    )
    .unwrap();
}

#[test]
fn the_workflow_runs_on_an_idx_folder_of_8x8_images_and_3_classes() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("shapes");
    std::fs::create_dir(&data).unwrap();
    shapes(&data, "train", 300);
    shapes(&data, "t10k", 60);
    std::fs::write(data.join("classes.txt"), "square\nvertical\nhorizontal\n").unwrap();
    let dataset = data.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--dataset", dataset, "--json", "--quiet"]);
        classify(tmp.path(), &all).json()
    };
    let info = run(&["data", "info"]);
    assert_eq!(info["image_shape"], serde_json::json!([8, 8]));
    assert_eq!(info["n_features"], 64);
    assert_eq!(
        info["target_names"],
        serde_json::json!(["square", "vertical", "horizontal"])
    );
    let out = |name: &str| tmp.path().join(name).to_str().unwrap().to_string();
    let knn = run(&["knn", "--out", &out("knn.png")]);
    assert_eq!(
        (knn["n_train"].as_u64(), knn["n_test"].as_u64()),
        (Some(300), Some(60))
    );
    assert_eq!(knn["test_accuracy"], 1.0);
    let binary = run(&["binary", "--digit", "2", "--out", &out("b.png")]);
    assert_eq!(binary["n_positive"], 100);
    assert_eq!(binary["roc_auc"], 1.0);
    let multi = run(&["multiclass", "--out", &out("m.png")]);
    assert_eq!(multi["test_accuracy"], 1.0);
    let tune = run(&["tune", "knn", "--cv", "3", "--out", &out("t.png")]);
    assert!(tune.is_object(), "{tune}");
    // The report picks a detector of the last class and the most confused pair.
    let report = run(&["report", "--out", &out("rep")]);
    assert_eq!(report["detector"]["digit"], 2);
    assert_eq!(report["figures"].as_array().unwrap().len(), 14);
    // Registered in the cache under a name, then used by it.
    let fetched = classify(
        tmp.path(),
        &[
            "data", "fetch", "shapes", "--from", dataset, "--json", "--quiet",
        ],
    )
    .json();
    assert_eq!(fetched["files"].as_array().unwrap().len(), 4);
    let by_name = classify(
        tmp.path(),
        &[
            "knn",
            "--dataset",
            "shapes",
            "--json",
            "--quiet",
            "--out",
            &out("k2.png"),
        ],
    )
    .json();
    assert_eq!(by_name["test_accuracy"], 1.0);
    let listed = classify(tmp.path(), &["data", "list", "--json"]).json();
    assert!(listed["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["name"] == "shapes" && d["cached"] == true));
    // A path that is not a folder of IDX files.
    let missing = tmp.path().join("nowhere");
    let err = classify(tmp.path(), &["knn", "--dataset", missing.to_str().unwrap()]);
    assert!(
        err.err().contains("not a folder of IDX files"),
        "{}",
        err.stderr
    );
}
