//! One harness of estimator checks (after scikit-learn's `check_estimator`), applied to every
//! model and strategy wrapper: determinism, thread-count independence, typed errors for bad
//! input, sorted classes, output shapes, probabilities summing to 1, serde round trips.

use classify::models::{
    Classifier, DecisionFunction, DecisionTreeClassifier, DummyClassifier, Estimator, Features,
    KNeighborsClassifier, LogisticRegression, PredictProba, RandomForestClassifier, SgdClassifier,
    Svc,
};
use classify::multiclass::{OneVsOne, OneVsRest};
use classify::preprocessing::Scaled;
use ndarray::{s, Array2};
use serde::{de::DeserializeOwned, Serialize};

/// A small real problem: 300 training digits of 3 classes, 60 queries.
fn data() -> (Array2<u8>, Vec<usize>, Array2<u8>) {
    let d = classify::datasets::mnist_sample().unwrap();
    let keep: Vec<usize> = (0..d.train.n_samples())
        .filter(|&i| d.train.target[i] < 3)
        .take(300)
        .collect();
    let x = d.train.data.select(ndarray::Axis(0), &keep);
    // Labels 2, 5, 9: not 0..k, to catch models that assume it.
    let y = keep
        .iter()
        .map(|&i| [2, 5, 9][usize::from(d.train.target[i])])
        .collect();
    (x, y, d.test.data.slice(s![..60, ..]).to_owned())
}

fn one_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(f)
}

/// The checks every classifier passes. The dummy ignores the feature values (as
/// scikit-learn's, it accepts NaN), so `reads_values` is false for it.
fn check<E>(name: &str, est: &E)
where
    E: Estimator,
    E::Model: Serialize + DeserializeOwned,
{
    check_with(name, est, true)
}

fn check_with<E>(name: &str, est: &E, reads_values: bool)
where
    E: Estimator,
    E::Model: Serialize + DeserializeOwned,
{
    let (x, y, q) = data();
    let before = x.clone();
    let model = est.fit((&x).into(), &y).unwrap();
    assert_eq!(x, before, "{name}: fit changed its input");
    assert_eq!(model.classes(), &[2, 5, 9], "{name}: classes sorted");
    assert_eq!(model.n_features(), 784, "{name}");
    let pred = model.predict((&q).into()).unwrap();
    assert_eq!(pred.len(), 60, "{name}");
    assert!(pred.iter().all(|p| [2, 5, 9].contains(p)), "{name}");
    // Same parameters, same model: same predictions; and at one thread.
    let again = est.fit((&x).into(), &y).unwrap();
    assert_eq!(
        again.predict((&q).into()).unwrap(),
        pred,
        "{name}: not deterministic"
    );
    let single = one_thread(|| {
        est.fit((&x).into(), &y)
            .unwrap()
            .predict((&q).into())
            .unwrap()
    });
    assert_eq!(single, pred, "{name}: differs at one thread");
    // Saved and loaded: the same predictions.
    let json = serde_json::to_string(&model).unwrap();
    let back: E::Model = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back.predict((&q).into()).unwrap(),
        pred,
        "{name}: serde round trip"
    );
    // Bad input: typed errors, no panics.
    let narrow = Array2::<u8>::zeros((3, 783));
    assert!(
        matches!(
            model.predict((&narrow).into()),
            Err(classify::models::Error::FeatureMismatch { .. })
        ),
        "{name}: feature count"
    );
    let mut nan = x.mapv(f32::from);
    nan[[7, 300]] = f32::NAN;
    let mut inf = q.mapv(f32::from);
    inf[[0, 0]] = f32::INFINITY;
    if reads_values {
        assert!(
            matches!(
                est.fit(Features::F32(nan.view()), &y),
                Err(classify::models::Error::NonFinite { .. })
            ),
            "{name}: NaN at fit"
        );
        assert!(
            model.predict(Features::F32(inf.view())).is_err(),
            "{name}: infinity at predict"
        );
    } else {
        assert!(est.fit(Features::F32(nan.view()), &y).is_ok(), "{name}");
    }
    // `f64` records holding the same numbers: the same predictions, and typed errors.
    let (x64, q64) = (x.mapv(f64::from), q.mapv(f64::from));
    let from_f64 = est.fit((&x64).into(), &y).unwrap();
    assert_eq!(
        from_f64.predict((&q64).into()).unwrap(),
        pred,
        "{name}: f64 records"
    );
    assert_eq!(
        model.predict((&q64).into()).unwrap(),
        pred,
        "{name}: f64 queries of a u8 model"
    );
    // Through a non-contiguous view (every column reversed twice is the same matrix).
    let flipped = x64.slice(s![.., ..;-1]).to_owned();
    assert_eq!(
        est.fit(Features::from(flipped.slice(s![.., ..;-1])), &y)
            .unwrap()
            .predict((&q64).into())
            .unwrap(),
        pred,
        "{name}: non-contiguous f64 view"
    );
    if reads_values {
        let mut nan64 = x64.clone();
        nan64[[3, 5]] = f64::NAN;
        assert!(
            matches!(
                est.fit((&nan64).into(), &y),
                Err(classify::models::Error::NonFinite { row: 3, col: 5 })
            ),
            "{name}: f64 NaN at fit"
        );
    }
    let empty = Array2::<u8>::zeros((0, 784));
    assert!(
        matches!(
            est.fit((&empty).into(), &[]),
            Err(classify::models::Error::Empty(_))
        ),
        "{name}: empty input"
    );
    assert!(
        est.fit((&x).into(), &y[1..]).is_err(),
        "{name}: wrong number of labels"
    );
}

fn check_scores<E>(name: &str, est: &E)
where
    E: Estimator,
    E::Model: DecisionFunction,
{
    let (x, y, q) = data();
    let m = est.fit((&x).into(), &y).unwrap();
    let s = m.decision_function((&q).into()).unwrap();
    assert_eq!(s.dim(), (60, 3), "{name}: one score per class");
    assert!(s.iter().all(|v| v.is_finite()), "{name}");
}

fn check_proba<E>(name: &str, est: &E)
where
    E: Estimator,
    E::Model: PredictProba,
{
    let (x, y, q) = data();
    let m = est.fit((&x).into(), &y).unwrap();
    let p = m.predict_proba((&q).into()).unwrap();
    assert_eq!(p.dim(), (60, 3), "{name}");
    for r in p.rows() {
        assert!((r.sum() - 1.0).abs() < 1e-9, "{name}: {r}");
        assert!(r.iter().all(|&v| (0.0..=1.0).contains(&v)), "{name}");
    }
}

/// One class only: an error, or (trees, forests, dummy, as scikit-learn) a model that always
/// predicts it.
fn check_single_class<E: Estimator>(name: &str, est: &E, allowed: bool) {
    let (x, _, q) = data();
    let y = vec![4; x.nrows()];
    match est.fit((&x).into(), &y) {
        Ok(m) => {
            assert!(allowed, "{name}: fitted on a single class");
            assert!(m.predict((&q).into()).unwrap().iter().all(|&p| p == 4));
        }
        Err(e) => assert!(!allowed, "{name}: {e}"),
    }
}

#[test]
fn sgd() {
    let e = SgdClassifier::default();
    check("SGD", &e);
    check_scores("SGD", &e);
    check_single_class("SGD", &e, false);
    let log = SgdClassifier {
        loss: classify::models::Loss::LogLoss,
        ..Default::default()
    };
    check_proba("SGD log loss", &log);
}

#[test]
fn dummy() {
    let e = DummyClassifier::default();
    check_with("dummy", &e, false);
    check_proba("dummy", &e);
    check_single_class("dummy", &e, true);
}

#[test]
fn knn() {
    for k in [1, 5] {
        let e = KNeighborsClassifier {
            n_neighbors: k,
            ..Default::default()
        };
        check("k-NN", &e);
        check_proba("k-NN", &e);
    }
    let tree = KNeighborsClassifier {
        algorithm: classify::models::Algorithm::BallTree,
        ..Default::default()
    };
    check("k-NN ball tree", &tree);
}

#[test]
fn knn_ignores_training_order() {
    // Without equal distances, neighbours do not depend on the order of the training rows.
    let (x, y, q) = data();
    let perm: Vec<usize> = (0..x.nrows()).rev().collect();
    let xp = x.select(ndarray::Axis(0), &perm);
    let yp: Vec<usize> = perm.iter().map(|&i| y[i]).collect();
    let e = KNeighborsClassifier::default();
    assert_eq!(
        e.fit((&x).into(), &y)
            .unwrap()
            .predict((&q).into())
            .unwrap(),
        e.fit((&xp).into(), &yp)
            .unwrap()
            .predict((&q).into())
            .unwrap()
    );
}

#[test]
fn trees_and_forests() {
    let t = DecisionTreeClassifier::default();
    check("tree", &t);
    check_proba("tree", &t);
    check_single_class("tree", &t, true);
    let f = RandomForestClassifier {
        n_estimators: 20,
        ..Default::default()
    };
    check("forest", &f);
    check_proba("forest", &f);
    check_single_class("forest", &f, true);
}

#[test]
fn logistic_regression() {
    let e = Scaled::new(LogisticRegression::default());
    check("logistic", &e);
    check_scores("logistic", &e);
    check_proba("logistic", &e);
    check_single_class("logistic", &LogisticRegression::default(), false);
}

#[test]
fn svc() {
    let e = Svc::default();
    check("SVC", &e);
    check_scores("SVC", &e);
    check_single_class("SVC", &e, false);
    let p = Svc {
        probability: true,
        ..Default::default()
    };
    check_proba("SVC probability", &p);
}

#[test]
fn strategy_wrappers() {
    let sgd = SgdClassifier {
        max_iter: 20,
        ..Default::default()
    };
    check("one-vs-rest", &OneVsRest::new(sgd));
    check_scores("one-vs-rest", &OneVsRest::new(sgd));
    check_single_class("one-vs-rest", &OneVsRest::new(sgd), false);
    check("one-vs-one", &OneVsOne::new(sgd));
    check_scores("one-vs-one", &OneVsOne::new(sgd));
    check_single_class("one-vs-one", &OneVsOne::new(sgd), false);
    check("scaled SGD", &Scaled::new(sgd));
}

/// A parameter out of its domain: `validate` says so before any data, and `fit` returns the
/// same error.
fn check_invalid<E: Estimator>(name: &str, est: &E) {
    use classify::models::Error;
    let (x, y, _) = data();
    let before = est.validate();
    assert!(
        matches!(before, Err(Error::InvalidParameter(_))),
        "{name}: validate gave {before:?}"
    );
    let fitted = est.fit((&x).into(), &y).err().map(|e| e.to_string());
    assert_eq!(
        fitted,
        before.err().map(|e| e.to_string()),
        "{name}: fit and validate disagree"
    );
}

#[test]
fn parameters_validate_themselves() {
    let sgd = SgdClassifier {
        alpha: 0.0,
        ..Default::default()
    };
    check_invalid("sgd", &sgd);
    check_invalid(
        "logistic",
        &LogisticRegression {
            c: -1.0,
            ..Default::default()
        },
    );
    check_invalid(
        "svc",
        &Svc {
            cache_size: 0.0,
            ..Default::default()
        },
    );
    check_invalid(
        "k-NN",
        &KNeighborsClassifier {
            n_neighbors: 0,
            ..Default::default()
        },
    );
    check_invalid(
        "tree",
        &DecisionTreeClassifier {
            min_samples_split: 1,
            ..Default::default()
        },
    );
    check_invalid(
        "forest",
        &RandomForestClassifier {
            n_estimators: 0,
            ..Default::default()
        },
    );
    check_invalid("ovr", &OneVsRest::new(sgd));
    check_invalid("ovo", &OneVsOne::new(sgd));
    check_invalid("scaled", &Scaled::new(sgd));
    assert!(SgdClassifier::default().validate().is_ok());
    assert!(RandomForestClassifier::default().validate().is_ok());
    assert!(Svc::default().validate().is_ok());
}
