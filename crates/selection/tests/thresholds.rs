//! Decision thresholds as models against scikit-learn (`scripts/threshold_fixtures.py`):
//! `TunedThresholdClassifierCV` picks scikit-learn's threshold with its mean objective curve,
//! `FixedThresholdClassifier` predicts as scikit-learn's, on decision values and
//! probabilities of the SGD 5-detector (whose steps are scikit-learn's).

use classify_core::{Classifier, Error, Estimator};
use classify_models::{Loss, Sgd, SgdClassifier};
use classify_selection::{
    Decision, FixedThresholdClassifier, Objective, Proba, Response, TunedThresholdClassifierCV,
};
use ndarray::Array2;
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/thresholds.json");

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn labels(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-7 * b.abs().max(1.0)
}

fn data(n: usize) -> (Array2<u8>, Vec<usize>) {
    let s = classify_datasets::mnist_sample().unwrap();
    let x = s.train.data.slice(ndarray::s![..n, ..]).to_owned();
    let y = s
        .train
        .target
        .iter()
        .take(n)
        .map(|&d| usize::from(d == 5))
        .collect();
    (x, y)
}

fn objective(name: &str) -> Objective {
    match name {
        "balanced_accuracy" => Objective::BalancedAccuracy,
        "f1" => Objective::FBeta(1.0),
        "f2" => Objective::FBeta(2.0),
        "recall_at_precision_0.9" => Objective::RecallAtPrecision(0.9),
        "precision_at_recall_0.8" => Objective::PrecisionAtRecall(0.8),
        other => panic!("objective {other}"),
    }
}

/// Checks one fitted tuned model against its case.
fn check_tuned<M: Classifier>(
    case: &Value,
    best_threshold: f64,
    best_score: f64,
    thresholds: &[f64],
    scores: &[f64],
    model: &M,
    x: &Array2<u8>,
) {
    let name = format!("{} {} cv={}", case["loss"], case["objective"], case["cv"]);
    assert!(
        close(best_threshold, case["best_threshold"].as_f64().unwrap()),
        "{name}: threshold {best_threshold} vs {}",
        case["best_threshold"]
    );
    assert!(
        close(best_score, case["best_score"].as_f64().unwrap()),
        "{name}: score {best_score} vs {}",
        case["best_score"]
    );
    for (a, b) in thresholds.iter().zip(floats(&case["thresholds"])) {
        assert!(close(*a, b), "{name}: curve thresholds {a} vs {b}");
    }
    for (a, b) in scores.iter().zip(floats(&case["scores"])) {
        assert!(close(*a, b), "{name}: curve scores {a} vs {b}");
    }
    let head = x.slice(ndarray::s![..300, ..]);
    assert_eq!(
        model.predict((&head).into()).unwrap(),
        labels(&case["predict"]),
        "{name}: predictions"
    );
}

/// One fixture case with the response it names (`Proba` or `Decision`).
fn check_case<R: Response<Sgd> + std::fmt::Debug>(
    case: &Value,
    sgd: SgdClassifier,
    response: R,
    (x, y): (&Array2<u8>, &[usize]),
) {
    if case["kind"] != "tuned" {
        let threshold = case["threshold"].as_f64();
        let pred = FixedThresholdClassifier {
            estimator: sgd,
            response,
            threshold,
        }
        .fit(x.into(), y)
        .unwrap()
        .predict(x.into())
        .unwrap();
        assert_eq!(
            pred,
            labels(&case["predict"]),
            "fixed {threshold:?} {}",
            case["loss"]
        );
        return;
    }
    let cv = case["cv"].as_u64().unwrap() as usize;
    let goal = objective(case["objective"].as_str().unwrap());
    // Where scikit-learn's best is 0 under a minimum precision or recall, no threshold met
    // the minimum (it returns a threshold anyway): an error here.
    let unreachable = matches!(
        goal,
        Objective::RecallAtPrecision(_) | Objective::PrecisionAtRecall(_)
    ) && case["best_score"].as_f64() == Some(0.0);
    let fitted = TunedThresholdClassifierCV {
        cv,
        ..TunedThresholdClassifierCV::new(sgd, response)
    }
    .objective(goal)
    .fit(x.into(), y);
    if unreachable {
        assert!(
            matches!(&fitted, Err(Error::InvalidParameter(m)) if m.contains("minimum")),
            "{fitted:?}"
        );
        return;
    }
    let t = fitted.unwrap();
    check_tuned(
        case,
        t.thresholded.threshold,
        t.best_score,
        &t.cv_thresholds,
        &t.cv_scores,
        &t,
        x,
    );
}

#[test]
fn thresholds_are_scikit_learns() {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    let (x, y) = data(doc["n"].as_u64().unwrap() as usize);
    for case in doc["cases"].as_array().unwrap() {
        let sgd = SgdClassifier {
            loss: if case["loss"] == "hinge" {
                Loss::Hinge
            } else {
                Loss::LogLoss
            },
            ..Default::default()
        };
        if case["response"] == "predict_proba" {
            check_case(case, sgd, Proba, (&x, &y));
        } else {
            check_case(case, sgd, Decision, (&x, &y));
        }
    }
}

/// A single class, three classes, NaN thresholds and bad objectives: typed errors (a
/// minimum precision no threshold reaches is among the fixture cases above).
#[test]
fn bad_threshold_requests_are_typed_errors() {
    let (x, y) = data(600);
    let sgd = SgdClassifier {
        max_iter: 5,
        tol: None,
        ..Default::default()
    };
    let tuned = TunedThresholdClassifierCV::new(sgd, Decision);
    assert!(tuned
        .objective(Objective::RecallAtPrecision(1.5))
        .validate()
        .is_err());
    assert!(tuned
        .objective(Objective::FBeta(f64::NAN))
        .validate()
        .is_err());
    assert!(TunedThresholdClassifierCV { cv: 1, ..tuned }
        .validate()
        .is_err());
    let digits: Vec<usize> = (0..600).map(|i| i % 3).collect();
    assert!(
        matches!(tuned.fit((&x).into(), &digits), Err(Error::InvalidParameter(m)) if m.contains("two classes"))
    );
    let one = vec![1usize; 600];
    assert!(tuned.fit((&x).into(), &one).is_err());
    let nan = FixedThresholdClassifier {
        estimator: sgd,
        response: Decision,
        threshold: Some(f64::NAN),
    };
    assert!(nan.fit((&x).into(), &y).is_err());
}
