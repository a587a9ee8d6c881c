//! k-NN against scikit-learn (fixture from `scripts/knn_fixtures.py`).
//!
//! On real digits: the same neighbours, distances, predictions and probabilities. On a
//! tie-heavy set (many rows at exactly equal distance): the same distances; which of the tied
//! rows fill the last places differs, because scikit-learn's bounded heap keeps an arbitrary
//! one among ties while we keep the lowest training index.

use classify_models::{
    Classifier, Estimator, KNeighborsClassifier, KNeighborsMultiOutput, PredictProba, Weights,
};
use ndarray::{s, Array2};
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/knn.json");

fn matrix_u8(v: &Value) -> Array2<u8> {
    let rows = v.as_array().unwrap();
    let cols = rows[0].as_array().unwrap().len();
    let data: Vec<u8> = rows
        .iter()
        .flat_map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap() as u8)
        })
        .collect();
    Array2::from_shape_vec((rows.len(), cols), data).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()))
        .collect()
}

fn data(case: &Value) -> (Array2<u8>, Vec<usize>, Array2<u8>) {
    if case["name"] == "mnist-sample" {
        return sample_rows(case);
    }
    let y = case["y"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    (matrix_u8(&case["x"]), y, matrix_u8(&case["q"]))
}

/// The k-NN parameters of a fixture run.
fn params(run: &Value) -> KNeighborsClassifier {
    let weights = if run["weights"] == "distance" {
        Weights::Distance
    } else {
        Weights::Uniform
    };
    KNeighborsClassifier {
        n_neighbors: run["k"].as_u64().unwrap() as usize,
        weights,
        ..Default::default()
    }
}

/// The first `train_rows` training and `test_rows` test digits of the embedded sample.
fn sample_rows(case: &Value) -> (Array2<u8>, Vec<usize>, Array2<u8>) {
    let sample = classify_datasets::mnist_sample().unwrap();
    let (n, m) = (
        case["train_rows"].as_u64().unwrap() as usize,
        case["test_rows"].as_u64().unwrap() as usize,
    );
    let y = sample.train.head(n).labels();
    (
        sample.train.data.slice(s![..n, ..]).to_owned(),
        y,
        sample.test.data.slice(s![..m, ..]).to_owned(),
    )
}

#[test]
fn neighbours_and_predictions_match_scikit_learn() {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    for case in doc["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        if name == "multioutput" {
            continue;
        }
        let exact = name == "mnist-sample";
        let (x, y, q) = data(case);
        for run in case["runs"].as_array().unwrap() {
            let p = params(run);
            let (k, weights) = (p.n_neighbors, p.weights);
            let what = format!("{name} k={k} {weights:?}");
            let m = p.fit((&x).into(), &y).unwrap();
            let nb = m.kneighbors((&q).into(), k).unwrap();
            let want_dist = floats(&run["distances"]);
            for (g, w) in nb.distances.iter().zip(&want_dist) {
                assert!(
                    (g - w).abs() <= 1e-12 * w.max(1.0),
                    "{what}: distance {g} vs {w}"
                );
            }
            if exact {
                let want_idx: Vec<usize> = floats(&run["indices"])
                    .iter()
                    .map(|&v| v as usize)
                    .collect();
                assert_eq!(
                    nb.indices.iter().copied().collect::<Vec<_>>(),
                    want_idx,
                    "{what}: indices"
                );
                let want: Vec<usize> = run["predict"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_u64().unwrap() as usize)
                    .collect();
                assert_eq!(m.predict((&q).into()).unwrap(), want, "{what}: predictions");
                let p = m.predict_proba((&q).into()).unwrap();
                for (g, w) in p.iter().zip(floats(&run["proba"])) {
                    assert!((g - w).abs() <= 1e-12, "{what}: probability {g} vs {w}");
                }
            } else {
                // Ours: among equal distances, the lowest indices, in increasing order.
                for (qi, row) in nb.indices.rows().into_iter().enumerate() {
                    let d = nb.distances.row(qi);
                    for j in 1..k {
                        assert!((d[j - 1], row[j - 1]) < (d[j], row[j]), "{what}: order");
                    }
                    let worst = d[k - 1];
                    let qv = q.row(qi);
                    let dist = |t: usize| {
                        x.row(t)
                            .iter()
                            .zip(qv)
                            .map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2))
                            .sum::<f64>()
                            .sqrt()
                    };
                    let last = row[k - 1];
                    for t in (0..x.nrows()).filter(|t| !row.iter().any(|r| r == t)) {
                        let dt = dist(t);
                        // Every row left out is farther, or as far with a higher index.
                        assert!(
                            dt > worst || (dt == worst && t > last),
                            "{what}: row {t} ({dt}) skipped"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn multilabel_and_multioutput_predictions_are_scikit_learns() {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    let case = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "multioutput")
        .unwrap();
    let (x, _, q) = sample_rows(case);
    let n = x.nrows();
    for run in case["runs"].as_array().unwrap() {
        let p = params(run);
        let (k, weights) = (p.n_neighbors, p.weights);
        let what = format!("{} k={k} {weights:?}", run["target"]);
        let target = &case["targets"][run["target"].as_str().unwrap()];
        let y = floats(target)
            .into_iter()
            .map(|v| v as usize)
            .collect::<Vec<_>>();
        let cols = target[0].as_array().unwrap().len();
        let y = Array2::from_shape_vec((n, cols), y).unwrap();
        let model = p.fit_multioutput((&x).into(), y.view()).unwrap();
        assert_eq!(model.n_outputs(), cols);
        let got = model.predict((&q).into()).unwrap();
        let want: Vec<usize> = floats(&run["predict"])
            .into_iter()
            .map(|v| v as usize)
            .collect();
        assert_eq!(got.iter().copied().collect::<Vec<_>>(), want, "{what}");
        // Saved and loaded, the same targets and predictions; a file whose targets do not
        // match its training rows is an error.
        let json = serde_json::to_value(&model).unwrap();
        let stored: Array2<usize> = serde_json::from_value(json["targets"].clone()).unwrap();
        assert_eq!(stored, y, "{what}");
        let back: KNeighborsMultiOutput = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back.predict((&q).into()).unwrap(), got, "{what}");
        let mut edited = json;
        edited["targets"]["dim"] = serde_json::json!([n - 1, cols]);
        edited["targets"]["data"] = serde_json::json!(vec![0; (n - 1) * cols]);
        assert!(serde_json::from_value::<KNeighborsMultiOutput>(edited).is_err());
    }
}
