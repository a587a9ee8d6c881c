//! `classify tune knn` and `classify augment`.

use crate::util::classify;

#[test]
fn tune_knn_ranks_the_grid_and_refits_the_best() {
    let tmp = tempfile::tempdir().unwrap();
    let v = classify(
        tmp.path(),
        &[
            "tune", "knn", "--train", "2000", "--search", "1200", "--cv", "3", "--json",
        ],
    )
    .json();
    let c = v["candidates"].as_array().unwrap();
    assert_eq!(c.len(), 8);
    // scikit-learn's order: n_neighbors outer, weights inner.
    assert_eq!(
        c[0]["params"],
        serde_json::json!({"n_neighbors": 3, "weights": "uniform"})
    );
    assert_eq!(
        c[1]["params"],
        serde_json::json!({"n_neighbors": 3, "weights": "distance"})
    );
    let best = c.iter().find(|x| x["rank"] == 1).unwrap();
    assert_eq!(best["params"], v["best_params"]);
    assert_eq!(v["search_images"], 1200);
    assert_eq!(v["n_train"], 2000);
    assert!(v["test_accuracy"].as_f64().unwrap() > 0.88, "{v}");
}

#[test]
fn augmentation_grows_the_training_set_fivefold() {
    let tmp = tempfile::tempdir().unwrap();
    let v = classify(tmp.path(), &["augment", "--train", "1500", "--json"]).json();
    assert_eq!(v["n_augmented"], 7500);
    let (a, b) = (
        v["error_rate"].as_f64().unwrap(),
        v["error_rate_augmented"].as_f64().unwrap(),
    );
    // Shifted copies teach small translations: fewer errors.
    assert!(b < a, "{v}");
}

/// One flag grammar: `--cv N` sets the folds of every cross-validating command; the removed
/// `--folds` names its replacement; fewer than 2 folds is a clear error.
#[test]
fn cv_is_the_folds_flag_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["tune", "knn", "--folds", "3"][..],
        &["titanic", "--folds=10"][..],
    ] {
        let run = classify(tmp.path(), args);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("--cv"), "{}", run.stderr);
    }
    let v = classify(
        tmp.path(),
        &["multilabel", "--train", "600", "--cv", "4", "--json"],
    )
    .json();
    assert_eq!(v["folds"], 4);
    let v = classify(
        tmp.path(),
        &["binary", "--train", "600", "--cv", "2", "--json"],
    )
    .json();
    assert_eq!(v["fold_accuracy"].as_array().unwrap().len(), 2);
    let e = classify(tmp.path(), &["multiclass", "--cv", "1"])
        .err()
        .to_string();
    assert!(e.contains("at least 2 folds"), "{e}");
    // `--seed` is scikit-learn's `random_state`: NumPy's range, refused at parse time beyond.
    let run = classify(tmp.path(), &["binary", "--seed", "4294967296"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("4294967295"), "{}", run.stderr);
}
