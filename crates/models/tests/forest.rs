//! Trees and forests with a seed against scikit-learn (`scripts/forest_fixtures.py`): the
//! same trees — node for node, feature and threshold — and the same probabilities to the last
//! bit, Gini and entropy, on pixels and on float columns with ties. (The forest 5-detector's
//! out-of-fold probabilities are checked in the workspace's `tests/forest.rs`.)

use classify_core::{Estimator, PredictProba};
use classify_models::{Criterion, DecisionTreeClassifier, MaxFeatures, RandomForestClassifier};
use ndarray::Array2;
use serde_json::Value;

/// One tree's splits, node by node.
type Splits = Vec<Option<(usize, f64)>>;

const FIXTURE: &str = include_str!("fixtures/forest.json");

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// The fixture's float columns: NumPy's `round(randn(400, 6) * 2, 1)` as written there.
fn data(case: &Value) -> (classify_core::OwnedFeatures, Vec<usize>) {
    let s = classify_datasets::mnist_sample().unwrap();
    if case["data"] == "digits" {
        let y = s
            .train
            .target
            .iter()
            .map(|&d| {
                if case["target"] == "five" {
                    usize::from(d == 5)
                } else {
                    usize::from(d)
                }
            })
            .collect();
        return (classify_core::OwnedFeatures::U8(s.train.data.clone()), y);
    }
    let x: Vec<Vec<f64>> = case["x"].as_array().unwrap().iter().map(floats).collect();
    let y = case["y"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let a = Array2::from_shape_vec((x.len(), x[0].len()), x.concat()).unwrap();
    (classify_core::OwnedFeatures::F64(a), y)
}

fn max_features(v: &Value) -> MaxFeatures {
    match v {
        Value::Null => MaxFeatures::All,
        Value::String(s) if s == "sqrt" => MaxFeatures::Sqrt,
        Value::Number(n) if n.is_u64() => MaxFeatures::Count(n.as_u64().unwrap() as usize),
        Value::Number(n) => MaxFeatures::Fraction(n.as_f64().unwrap()),
        other => panic!("max_features {other}"),
    }
}

/// scikit-learn's `tree_.feature` / `tree_.threshold` (leaves: -2) as our splits.
fn expected_splits(tree: &Value) -> Splits {
    let features = tree["feature"].as_array().unwrap();
    let thresholds = floats(&tree["threshold"]);
    features
        .iter()
        .zip(thresholds)
        .map(|(f, t)| {
            let f = f.as_i64().unwrap();
            (f >= 0).then_some((f as usize, t))
        })
        .collect()
}

#[test]
fn trees_and_forests_are_scikit_learns() {
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
    for case in fixture["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let p = &case["params"];
        let (x, y) = data(case);
        let n = case["n_fit"].as_u64().unwrap() as usize;
        let fit: Vec<usize> = (0..n).collect();
        let held: Vec<usize> = (n..(n + 200).min(y.len())).collect();
        let xh = x.view().select(&held);
        let criterion = match p["criterion"].as_str().unwrap() {
            "gini" => Criterion::Gini,
            "entropy" => Criterion::Entropy,
            other => panic!("criterion {other}"),
        };
        let tree = DecisionTreeClassifier {
            criterion,
            max_depth: p["max_depth"].as_u64().map(|d| d as usize),
            min_samples_split: p["min_samples_split"].as_u64().unwrap() as usize,
            min_samples_leaf: p["min_samples_leaf"].as_u64().unwrap() as usize,
            max_features: max_features(&p["max_features"]),
            random_state: p["random_state"].as_u64().unwrap(),
            ..Default::default()
        };
        let (splits, proba): (Vec<Splits>, Array2<f64>) = if case["kind"] == "tree" {
            let m = tree.fit_rows(x.view(), &y, &fit).unwrap();
            (vec![m.splits()], m.predict_proba(xh.view()).unwrap())
        } else {
            let forest = RandomForestClassifier {
                n_estimators: p["n_estimators"].as_u64().unwrap() as usize,
                bootstrap: p["bootstrap"].as_bool().unwrap(),
                criterion,
                max_depth: tree.max_depth,
                min_samples_split: tree.min_samples_split,
                min_samples_leaf: tree.min_samples_leaf,
                max_features: tree.max_features,
                random_state: tree.random_state,
                ..Default::default()
            };
            let m = forest.fit_rows(x.view(), &y, &fit).unwrap();
            let splits = (0..m.n_trees())
                .map(|t| m.tree_splits(t).unwrap())
                .collect();
            (splits, m.predict_proba(xh.view()).unwrap())
        };
        let trees = case["trees"].as_array().unwrap();
        assert_eq!(splits.len(), trees.len(), "{name}: trees");
        for (t, (ours, theirs)) in splits.iter().zip(trees).enumerate() {
            assert_eq!(*ours, expected_splits(theirs), "{name}: tree {t}");
        }
        let expected: Vec<f64> = case["proba"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(floats)
            .collect();
        assert_eq!(
            proba.as_slice().unwrap(),
            expected.as_slice(),
            "{name}: probabilities"
        );
    }
}
