//! `SGDClassifier` against scikit-learn (`scripts/sgd_fixtures.py`): for the same seed the
//! same shuffles, steps and epochs, so the same weights — on raw and standardised pixels,
//! two and ten classes, every loss and penalty.

use classify::datasets::mnist_sample;
use classify::models::{DecisionFunction, Estimator, Loss, Penalty, SgdClassifier};
use classify::preprocessing::Scaled;
use ndarray::Array2;
use serde_json::Value;

fn fixture() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/models/tests/fixtures/sgd.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| match r.as_array() {
            Some(r) => r.iter().map(|x| x.as_f64().unwrap()).collect(),
            None => vec![r.as_f64().unwrap()],
        })
        .collect();
    Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| rows[i][j])
}

/// The estimator the case's scikit-learn parameters describe.
fn estimator(params: &Value) -> SgdClassifier {
    let mut e = SgdClassifier::default();
    for (k, v) in params.as_object().unwrap() {
        match k.as_str() {
            "random_state" => e.random_state = v.as_u64().unwrap(),
            "fit_intercept" => e.fit_intercept = v.as_bool().unwrap(),
            "max_iter" => e.max_iter = v.as_u64().unwrap() as usize,
            "tol" => e.tol = v.as_f64(),
            "shuffle" => e.shuffle = v.as_bool().unwrap(),
            "loss" => {
                e.loss = match v.as_str().unwrap() {
                    "log_loss" => Loss::LogLoss,
                    "modified_huber" => Loss::ModifiedHuber,
                    other => panic!("loss {other}"),
                }
            }
            "penalty" => {
                e.penalty = match v.as_str() {
                    Some("l1") => Penalty::L1,
                    Some("elasticnet") => Penalty::ElasticNet,
                    None => Penalty::None,
                    Some(other) => panic!("penalty {other}"),
                }
            }
            other => panic!("parameter {other}"),
        }
    }
    e
}

/// Largest difference relative to the largest value.
fn relative(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    let big = b.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-300);
    a.iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / big
}

#[test]
fn same_seed_same_weights_as_scikit_learn() {
    let f = fixture();
    let n = f["n"].as_u64().unwrap() as usize;
    let s = mnist_sample().unwrap();
    let x = s.train.data.slice(ndarray::s![..n, ..]).to_owned();
    let digits: Vec<usize> = s.train.head(n).labels();
    let five: Vec<usize> = digits.iter().map(|&d| usize::from(d == 5)).collect();
    for case in f["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let y = if case["target"] == "five" {
            &five
        } else {
            &digits
        };
        let e = estimator(&case["params"]);
        let (model, decision) = if case["scaled"].as_bool().unwrap() {
            let m = Scaled::new(e).fit((&x).into(), y).unwrap();
            // The rows standardised in `f64`, as scikit-learn's scaler gives them (the
            // pipeline's own `transform` narrows to `f32`, a part in 10⁸).
            let st = m.scaler.standardization();
            let scaled = Array2::from_shape_fn((20, x.ncols()), |(i, j)| {
                (f64::from(x[[i, j]]) - st.mean[j]) / st.scale[j]
            });
            let d = m.model.decision_function((&scaled).into()).unwrap();
            (m.model, d)
        } else {
            let m = e.fit((&x).into(), y).unwrap();
            let d = m
                .decision_function((&x.slice(ndarray::s![..20, ..])).into())
                .unwrap();
            (m, d)
        };
        let want_coef = matrix(&case["coef"]);
        let n_iter = case["n_iter"].as_u64().unwrap() as usize;
        // scikit-learn's `n_iter_` is the most any class ran.
        assert_eq!(
            model.n_iter.iter().max(),
            Some(&n_iter),
            "{name}: epochs {:?}",
            model.n_iter
        );
        let err = relative(&model.coef, &want_coef);
        assert!(err <= 1e-9, "{name}: weights differ by {err:e} (relative)");
        let want_b = matrix(&case["intercept"]);
        let got_b =
            Array2::from_shape_vec((model.intercept.len(), 1), model.intercept.clone()).unwrap();
        let err = relative(&got_b, &want_b);
        assert!(err <= 1e-9, "{name}: intercepts differ by {err:e}");
        let want_d = matrix(&case["decision"]);
        let err = relative(&decision, &want_d);
        assert!(err <= 1e-9, "{name}: decision values differ by {err:e}");
    }
}

/// `classify binary` on the embedded sample with its defaults (seed 42, 3 folds) reports
/// scikit-learn's fold accuracies and out-of-fold confusion matrix, number for number.
#[test]
fn the_five_detector_workflow_is_scikit_learns() {
    let f = fixture();
    let w = &f["workflow"];
    let tmp = tempfile::tempdir().unwrap();
    let v = crate::util::classify(tmp.path(), &["binary", "--json"]).json();
    assert_eq!(v["n_train"], w["n"]);
    assert_eq!(v["fold_accuracy"], w["fold_accuracy"]);
    let cm: Vec<Vec<u64>> = v["confusion_matrix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_f64().unwrap() as u64)
                .collect()
        })
        .collect();
    let want: Vec<Vec<u64>> = serde_json::from_value(w["confusion_matrix"].clone()).unwrap();
    assert_eq!(cm, want);
}
