//! `classify knn` on the embedded sample.

use crate::util::classify;

#[test]
fn knn_scores_the_test_set_and_explains_an_image() {
    let tmp = tempfile::tempdir().unwrap();
    let v = classify(
        tmp.path(),
        &["knn", "--train", "3000", "--index", "7", "--json"],
    )
    .json();
    assert_eq!(
        (v["n_train"].as_u64(), v["n_test"].as_u64()),
        (Some(3000), Some(2000))
    );
    assert!(v["test_accuracy"].as_f64().unwrap() > 0.9, "{v}");
    let d: Vec<f64> = v["image"]["distances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(d.len(), 5);
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    let text = classify(
        tmp.path(),
        &[
            "knn",
            "--k",
            "3",
            "--weights",
            "distance",
            "--train",
            "1000",
            "-q",
        ],
    )
    .ok()
    .to_string();
    assert!(
        text.contains("k = 3, distance weights") && text.contains("neighbour:"),
        "{text}"
    );
    let e = classify(tmp.path(), &["knn", "--k", "0"]).err().to_string();
    assert!(e.contains("n_neighbors"), "{e}");
}
