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
            *v = pixel(i, p);
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

/// The shape of image `i`'s class (`i % 3`) at pixel (`r`, `c`) of an 8 × 8 grid.
fn on(i: usize, r: usize, c: usize) -> bool {
    match i % 3 {
        0 => (2..6).contains(&r) && (2..6).contains(&c),
        1 => (3..5).contains(&c),
        _ => (3..5).contains(&r),
    }
}

/// Pixel `p` (row-major) of image `i`: its shape, bright, over deterministic noise.
fn pixel(i: usize, p: usize) -> u8 {
    u8::from(on(i, p / 8, p % 8)) * 190 + ((i * 131 + p * 71) % 60) as u8
}

/// `train/<class>/*.png` and `test/<class>/*.png`: the three shapes drawn 16 × 16 in colour
/// (dark ink on a light page would be the usual photo; these are light on dark, as the
/// datasets), with deterministic noise; read back with `--size 8x8`.
fn shape_pictures(dir: &Path, part: &str, n: usize) {
    for i in 0..n {
        let img = image::RgbImage::from_fn(16, 16, |x, y| {
            let v = pixel(i, (y as usize / 2) * 8 + x as usize / 2);
            image::Rgb([v, v / 2 + 60, v])
        });
        let class = ["0-square", "1-vertical", "2-horizontal"][i % 3];
        let path = dir.join(part).join(class).join(format!("{i:03}.png"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        img.save(path).unwrap();
    }
}

/// Every workflow command of the README on `dataset` (300 training and `n_test` test images
/// of three shapes), checked for what each must find on such easy data.
fn workflow(tmp: &Path, dataset: &str, names: [&str; 3], n_test: u64) {
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--dataset", dataset, "--json", "--quiet"]);
        classify(tmp, &all).json()
    };
    let out = |name: &str| tmp.join(name).to_str().unwrap().to_string();
    let info = run(&["data", "info"]);
    assert_eq!(info["image_shape"], serde_json::json!([8, 8]));
    assert_eq!(info["n_features"], 64);
    assert_eq!(info["target_names"], serde_json::json!(names));
    run(&["data", "grid", "--count", "9", "--out", &out("grid.png")]);
    let knn = run(&["knn", "--out", &out("knn.png")]);
    assert_eq!(
        (knn["n_train"].as_u64(), knn["n_test"].as_u64()),
        (Some(300), Some(n_test))
    );
    assert_eq!(knn["test_accuracy"], 1.0);
    // Without --digit, a dataset of fewer than six classes detects its last class.
    let binary = run(&["binary", "--out", &out("b.png")]);
    assert_eq!(binary["digit"], 2);
    assert_eq!(binary["n_positive"], info["train"]["class_counts"][2]);
    assert_eq!(binary["roc_auc"], 1.0);
    let forest = run(&["binary", "--digit", "1", "--model", "forest"]);
    assert_eq!(forest["roc_auc"], 1.0);
    let multi = run(&["multiclass", "--out", &out("m.png")]);
    assert_eq!(multi["test_accuracy"], 1.0);
    let svc = run(&["multiclass", "--model", "svc", "--strategy", "ovr"]);
    assert_eq!(svc["test_accuracy"], 1.0);
    // "large" is the top 30 % of the classes: the last of three.
    let multilabel = run(&["multilabel", "--chain", "svc"]);
    assert_eq!(
        multilabel["labels"],
        serde_json::json!(["large (2)", "odd"])
    );
    assert_eq!(multilabel["f1_macro"], 1.0);
    let denoise = run(&["denoise", "--test-images", "20", "--out", &out("d.png")]);
    assert!(denoise["rmse_denoised"].as_f64() < denoise["rmse_noisy"].as_f64());
    let augment = run(&["augment"]);
    assert_eq!(augment["n_augmented"], 1500);
    let tune = run(&["tune", "knn", "--cv", "3", "--out", &out("t.png")]);
    assert_eq!(tune["best_score"], 1.0);
    // A test image written as a picture and predicted by a saved model: taken as it is.
    let shown = run(&[
        "data",
        "show",
        "--test",
        "--index",
        "4",
        "--out",
        &out("four.png"),
    ]);
    run(&["train", "--model", "knn", "--save", &out("knn.classify")]);
    let predicted = run(&["predict", "--model", &out("knn.classify"), &out("four.png")]);
    assert_eq!(
        (
            predicted["predicted"].as_u64(),
            predicted["preparation"].as_str()
        ),
        (shown["label"].as_u64(), Some("as-is"))
    );
    // The report picks a detector of the last class and the most confused pair.
    let report = run(&["report", "--out", &out("rep")]);
    assert_eq!(report["detector"]["digit"], 2);
    assert_eq!(report["figures"].as_array().unwrap().len(), 14);
    assert!(tmp.join("rep/index.html").is_file());
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
    workflow(
        tmp.path(),
        dataset,
        ["square", "vertical", "horizontal"],
        60,
    );
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
        &["knn", "--dataset", "shapes", "--json", "--quiet"],
    )
    .json();
    assert_eq!(by_name["test_accuracy"], 1.0);
    let listed = classify(tmp.path(), &["data", "list", "--json"]).json();
    assert!(listed["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["name"] == "shapes" && d["cached"] == true));
    // A registered dataset whose file went missing: imported again, not downloaded.
    std::fs::remove_file(tmp.path().join("shapes/t10k-labels-idx1-ubyte.gz")).unwrap();
    let gone = classify(tmp.path(), &["knn", "--dataset", "shapes"]);
    assert!(
        gone.err().contains("classify data fetch shapes --from DIR"),
        "{}",
        gone.stderr
    );
    let openml = classify(tmp.path(), &["knn", "--dataset", "openml:mnist_784"]);
    assert!(
        openml
            .err()
            .contains("fetch it with `classify data fetch openml:mnist_784`"),
        "{}",
        openml.stderr
    );
    // A path that is not a folder of IDX files.
    let missing = tmp.path().join("nowhere");
    let err = classify(tmp.path(), &["knn", "--dataset", missing.to_str().unwrap()]);
    assert!(
        err.err().contains("not a folder of IDX files"),
        "{}",
        err.stderr
    );
}

#[test]
fn the_workflow_runs_on_a_folder_of_images_imported_at_8x8() {
    let tmp = tempfile::tempdir().unwrap();
    let pictures = tmp.path().join("pictures");
    shape_pictures(&pictures, "train", 300);
    shape_pictures(&pictures, "test", 60);
    let fetched = classify(
        tmp.path(),
        &[
            "data",
            "fetch",
            "pics",
            "--from",
            pictures.to_str().unwrap(),
            "--size",
            "8x8",
            "--json",
            "--quiet",
        ],
    )
    .json();
    assert_eq!(fetched["files"].as_array().unwrap().len(), 4, "{fetched}");
    // Class folders are numbered in sorted order of their names.
    workflow(
        tmp.path(),
        "pics",
        ["0-square", "1-vertical", "2-horizontal"],
        60,
    );
}

#[test]
fn the_workflow_runs_on_a_csv_of_pixels() {
    let tmp = tempfile::tempdir().unwrap();
    // Kaggle's digit-recognizer layout: a label column, then the pixels of each image.
    let mut text = String::from("label");
    for p in 0..64 {
        text.push_str(&format!(",pixel{p}"));
    }
    text.push('\n');
    for i in 0..400 {
        text.push_str(&(i % 3).to_string());
        for p in 0..64 {
            text.push_str(&format!(",{}", pixel(i, p)));
        }
        text.push('\n');
    }
    let file = tmp.path().join("shapes.csv");
    std::fs::write(&file, text).unwrap();
    let fetched = classify(
        tmp.path(),
        &[
            "data",
            "fetch",
            "csv-shapes",
            "--from",
            file.to_str().unwrap(),
            "--json",
            "--quiet",
        ],
    )
    .json();
    assert_eq!(fetched["files"].as_array().unwrap().len(), 4, "{fetched}");
    // One labelled file: a quarter of the rows drawn for the test set (train_test_split).
    workflow(tmp.path(), "csv-shapes", ["0", "1", "2"], 100);
}

/// Writes `n` 32 × 32 images of 26 classes (class `c`: a bright bar at row `c`, column
/// `31 - c`, over deterministic noise), labels `i % 26`.
fn letters(dir: &Path, prefix: &str, n: usize) {
    let mut images = vec![0u8; n * 1024];
    for (i, img) in images.chunks_exact_mut(1024).enumerate() {
        let c = i % 26;
        for (p, v) in img.iter_mut().enumerate() {
            let (r, col) = (p / 32, p % 32);
            let on = (r == c + 3 && (4..28).contains(&col)) || (col == 28 - c && r > 2);
            *v = u8::from(on) * 200 + ((i * 131 + p * 71) % 40) as u8;
        }
    }
    let labels: Vec<u8> = (0..n).map(|i| (i % 26) as u8).collect();
    let name = |kind: &str, idx: &str| dir.join(format!("{prefix}-{kind}-{idx}-ubyte"));
    write_idx_file(name("images", "idx3"), &[n, 32, 32], &images).unwrap();
    write_idx_file(name("labels", "idx1"), &[n], &labels).unwrap();
}

#[test]
fn the_workflow_runs_on_32x32_images_of_26_classes() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("letters");
    std::fs::create_dir(&data).unwrap();
    letters(&data, "train", 520);
    letters(&data, "t10k", 104);
    let names: String = ('a'..='z').map(|c| format!("{c}\n")).collect();
    std::fs::write(data.join("classes.txt"), names).unwrap();
    let dataset = data.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--dataset", dataset, "--json", "--quiet"]);
        classify(tmp.path(), &all).json()
    };
    let out = |name: &str| tmp.path().join(name).to_str().unwrap().to_string();
    let info = run(&["data", "info"]);
    assert_eq!(info["image_shape"], serde_json::json!([32, 32]));
    assert_eq!(info["target_names"][25], "z");
    assert_eq!(run(&["knn"])["test_accuracy"], 1.0);
    // Six classes or more: the book's 5-detector.
    let binary = run(&["binary"]);
    assert_eq!(
        (binary["digit"].as_u64(), binary["n_positive"].as_u64()),
        (Some(5), Some(20))
    );
    // "large" is the top 30 %: classes 18 to 25 of 26.
    let multilabel = run(&["multilabel"]);
    assert_eq!(
        multilabel["labels"][0],
        "large (18, 19, 20, 21, 22, 23, 24, 25)"
    );
    let augment = run(&["augment"]);
    assert_eq!(augment["n_augmented"], 2600);
    let report = run(&["report", "--out", &out("rep")]);
    assert_eq!(report["figures"].as_array().unwrap().len(), 14);
    assert!(tmp.path().join("rep/index.html").is_file());
}
