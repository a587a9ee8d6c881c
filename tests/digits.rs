//! scikit-learn's 8 × 8 digits as an IDX folder (`tests/fixtures/digits8x8`, written with
//! scikit-learn's numbers by `scripts/digits_fixtures.py`): `--dataset PATH` on them gives
//! scikit-learn's k-NN accuracy, folds and grid search, to the last digit.

use std::path::{Path, PathBuf};

use classify::selection::StratifiedKFold;

use crate::util::classify;

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/digits8x8")
}

fn expected() -> serde_json::Value {
    let text = std::fs::read_to_string(folder().join("sklearn.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn stratified_folds_of_the_digits_are_scikit_learns() {
    let want = expected();
    let data = classify::datasets::load_idx_folder(&folder()).unwrap();
    assert_eq!(data.train.image_shape, Some([8, 8]));
    let y: Vec<usize> = data.train.labels();
    for (name, splitter) in [
        ("stratified_5", StratifiedKFold::new(5)),
        (
            "stratified_3_shuffled_42",
            StratifiedKFold {
                n_splits: 3,
                shuffle: true,
                seed: 42,
            },
        ),
    ] {
        let tests: Vec<Vec<usize>> = splitter
            .split(&y)
            .unwrap()
            .into_iter()
            .map(|s| s.test)
            .collect();
        let want: Vec<Vec<usize>> = serde_json::from_value(want["folds"][name].clone()).unwrap();
        assert_eq!(tests, want, "{name}");
    }
}

#[test]
fn knn_and_its_grid_search_on_the_digits_are_scikit_learns() {
    let want = expected();
    let tmp = tempfile::tempdir().unwrap();
    let dataset = folder();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--dataset", dataset.to_str().unwrap(), "--json", "--quiet"]);
        classify(tmp.path(), &all).json()
    };
    let knn = run(&["knn"]);
    assert_eq!(knn["n_train"], want["n_train"]);
    assert_eq!(knn["test_accuracy"], want["knn_test_accuracy"]);
    // `classify tune knn` on every training image, 5 folds: GridSearchCV's cv_results_.
    let tune = run(&["tune", "knn", "--search", "1437"]);
    let grid = &want["grid"];
    let candidates = tune["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), grid["params"].as_array().unwrap().len());
    for (i, c) in candidates.iter().enumerate() {
        assert_eq!(c["params"], grid["params"][i], "candidate {i}");
        assert_eq!(c["fold_scores"], grid["fold_scores"][i], "candidate {i}");
        assert_eq!(c["mean_score"], grid["mean"][i], "candidate {i}");
        assert_eq!(c["rank"], grid["rank"][i], "candidate {i}");
    }
    assert_eq!(tune["best_params"], grid["best_params"]);
    assert_eq!(tune["best_score"], grid["best_score"]);
    assert_eq!(tune["test_accuracy"], grid["test_accuracy"]);
}
