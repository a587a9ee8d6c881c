//! The forest 5-detector with a seed against scikit-learn (`scripts/forest_fixtures.py`):
//! `cross_val_predict(RandomForestClassifier(random_state=42), X[:3000], y == 5, cv=3,
//! method="predict_proba")` on the embedded sample, every probability equal.

use classify::datasets::mnist_sample;
use classify::models::RandomForestClassifier;
use classify::selection::{cross_val_predict_proba, Cv};
use serde_json::Value;

#[test]
fn forest_out_of_fold_probabilities_are_scikit_learns() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/models/tests/fixtures/forest.json"
    ))
    .unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    let oof = &fixture["oof"];
    let n = oof["n"].as_u64().unwrap() as usize;
    let s = mnist_sample().unwrap().train.head(n);
    let y: Vec<usize> = s.target.iter().map(|&d| usize::from(d == 5)).collect();
    let p = cross_val_predict_proba(
        &RandomForestClassifier::default(),
        (&s.data).into(),
        &y,
        &Cv::Stratified(3),
    )
    .unwrap();
    let theirs: Vec<f64> = oof["proba"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let differ = p
        .column(1)
        .iter()
        .zip(&theirs)
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(theirs.len(), n);
    assert_eq!(differ, 0, "{differ} of {n} probabilities differ");
}
