//! Every estimator and wrapper through linfa's traits: `f64` records, labels of any type,
//! linfa's own k-fold iteration; the same predictions as the native API, typed errors.

use classify::core::{Estimator, Fitted};
use classify::core::{FittedMulti, MultiOutputClassifier, MultiOutputEstimator};
use classify::models::{
    Classifier, DecisionTreeClassifier, DummyClassifier, KNeighborsClassifier, LogisticRegression,
    PredictProba, RandomForestClassifier, SgdClassifier, Svc,
};
use classify::multiclass::{ClassifierChain, MultiOutput, OneVsOne, OneVsRest};
use classify::preprocessing::Scaled;
use linfa::prelude::{Fit, Predict};
use linfa::Dataset;
use ndarray::{s, Array1, Array2};

const NAMES: [&str; 3] = ["two", "five", "nine"];

/// 240 training digits of 3 classes as `f64`, their labels as names, 30 queries.
fn data() -> (Array2<f64>, Array1<&'static str>, Vec<usize>, Array2<f64>) {
    let d = classify::datasets::mnist_sample().unwrap();
    let keep: Vec<usize> = (0..d.train.n_samples())
        .filter(|&i| d.train.target[i] < 3)
        .take(240)
        .collect();
    let x = d.train.data.select(ndarray::Axis(0), &keep).mapv(f64::from);
    let idx: Vec<usize> = keep
        .iter()
        .map(|&i| usize::from(d.train.target[i]))
        .collect();
    // Sorted, "five" < "nine" < "two": the class indices are not the digits' order.
    let labels = idx.iter().map(|&i| NAMES[i]).collect();
    let sorted = |i: usize| match NAMES[i] {
        "five" => 0,
        "nine" => 1,
        _ => 2,
    };
    let y = idx.into_iter().map(sorted).collect();
    (
        x,
        labels,
        y,
        d.test.data.slice(s![..30, ..]).mapv(f64::from),
    )
}

/// Fits `est` through linfa and natively; the labels linfa predicts are the native ones
/// named; and fold by fold of linfa's own `fold` (its labels must be `Copy`), too.
fn same_as_native<E>(name: &str, est: &E) -> Fitted<E::Model, &'static str>
where
    E: Estimator
        + Fit<
            Array2<f64>,
            Array1<&'static str>,
            classify::core::Error,
            Object = Fitted<E::Model, &'static str>,
        >,
{
    let (x, labels, y, q) = data();
    let dataset = Dataset::new(x.clone(), labels);
    let fitted = Fit::fit(est, &dataset).unwrap();
    assert_eq!(
        fitted.classes(),
        ["five", "nine", "two"],
        "{name}: classes sorted"
    );
    let native = Estimator::fit(est, (&x).into(), &y).unwrap();
    let want: Vec<&str> = native
        .predict((&q).into())
        .unwrap()
        .into_iter()
        .map(|c| fitted.classes()[c])
        .collect();
    let got: Array1<&str> = fitted.predict(&q);
    assert_eq!(got.to_vec(), want, "{name}: linfa's predict");
    assert_eq!(fitted.try_predict(&q).unwrap().to_vec(), want, "{name}");
    // linfa's k-fold iteration: each fold's model is the native model of those rows.
    for (k, (train, valid)) in dataset.fold(3).into_iter().enumerate() {
        let m = Fit::fit(est, &train).unwrap();
        let ytr: Vec<usize> = m.labels().transform(train.targets().iter()).unwrap();
        let native = Estimator::fit(est, train.records().into(), &ytr).unwrap();
        let want: Vec<&str> = native
            .predict(valid.records().into())
            .unwrap()
            .into_iter()
            .map(|c| m.classes()[c])
            .collect();
        let got: Array1<&str> = m.predict(valid.records());
        assert_eq!(got.to_vec(), want, "{name}: fold {k}");
    }
    fitted
}

#[test]
fn every_estimator_fits_a_linfa_dataset() {
    let sgd = SgdClassifier {
        max_iter: 20,
        ..Default::default()
    };
    same_as_native("sgd", &sgd);
    same_as_native("dummy", &DummyClassifier::default());
    same_as_native("knn", &KNeighborsClassifier::default());
    same_as_native("tree", &DecisionTreeClassifier::default());
    let forest = RandomForestClassifier {
        n_estimators: 10,
        ..Default::default()
    };
    same_as_native("forest", &forest);
    same_as_native("logistic", &LogisticRegression::default());
    same_as_native("svc", &Svc::default());
    same_as_native("ovr", &OneVsRest::new(sgd));
    same_as_native("ovo", &OneVsOne::new(sgd));
    same_as_native("scaled", &Scaled::new(sgd));
}

#[test]
fn probabilities_and_scores_follow_the_sorted_labels() {
    let forest = RandomForestClassifier {
        n_estimators: 10,
        ..Default::default()
    };
    let fitted = same_as_native("forest", &forest);
    let (_, _, _, q) = data();
    let p = fitted.predict_proba(&q).unwrap();
    assert_eq!(p.ncols(), 3);
    let labels = fitted.try_predict(&q).unwrap();
    for (row, label) in p.rows().into_iter().zip(&labels) {
        let best = (0..3).fold(0, |b, j| if row[j] > row[b] { j } else { b });
        assert_eq!(&fitted.classes()[best], label);
    }
    let svc = same_as_native("svc", &Svc::default());
    assert_eq!(svc.decision_function(&q).unwrap().dim(), (30, 3));
    assert_eq!(
        fitted.model().predict_proba((&q).into()).unwrap(),
        p,
        "the native model's columns are the labels' order"
    );
}

#[test]
fn labels_of_any_type() {
    let (x, _, y, q) = data();
    let knn = KNeighborsClassifier::default();
    let native = Estimator::fit(&knn, (&x).into(), &y)
        .unwrap()
        .predict((&q).into())
        .unwrap();
    // bool: "is it a five".
    let five: Array1<bool> = y.iter().map(|&c| c == 0).collect();
    let m = Fit::fit(&knn, &Dataset::new(x.clone(), five)).unwrap();
    assert_eq!(m.classes(), [false, true]);
    let got: Array1<bool> = m.predict(&q);
    let near_five: Vec<bool> = Estimator::fit(
        &knn,
        (&x).into(),
        &y.iter().map(|&c| usize::from(c == 0)).collect::<Vec<_>>(),
    )
    .unwrap()
    .predict((&q).into())
    .unwrap()
    .into_iter()
    .map(|c| c == 1)
    .collect();
    assert_eq!(got.to_vec(), near_five);
    // String, &str and usize (not 0..k: 10, 20, 30).
    let strings: Array1<String> = y
        .iter()
        .map(|&c| ["five", "nine", "two"][c].to_string())
        .collect();
    let m = Fit::fit(&knn, &Dataset::new(x.clone(), strings)).unwrap();
    let got: Array1<String> = m.predict(&q);
    assert_eq!(
        got.to_vec(),
        native
            .iter()
            .map(|&c| ["five", "nine", "two"][c].to_string())
            .collect::<Vec<_>>()
    );
    let strs: Array1<&str> = y.iter().map(|&c| ["five", "nine", "two"][c]).collect();
    let m = Fit::fit(&knn, &Dataset::new(x.clone(), strs)).unwrap();
    let got: Array1<&str> = m.predict(&q);
    assert_eq!(
        got.to_vec(),
        native
            .iter()
            .map(|&c| ["five", "nine", "two"][c])
            .collect::<Vec<_>>()
    );
    let tens: Array1<usize> = y.iter().map(|&c| 10 * (c + 1)).collect();
    let m = Fit::fit(&knn, &Dataset::new(x.clone(), tens)).unwrap();
    let got: Array1<usize> = m.predict(&q);
    assert_eq!(
        got.to_vec(),
        native.iter().map(|&c| 10 * (c + 1)).collect::<Vec<_>>()
    );
    // u8 and f32 records too.
    let x8 = x.mapv(|v| v as u8);
    let m = Fit::fit(&knn, &Dataset::new(x8, Array1::from(y.clone()))).unwrap();
    let got: Array1<usize> = m.predict(&q.mapv(|v| v as f32));
    assert_eq!(got.to_vec(), native);
}

#[test]
fn bad_datasets_are_typed_errors_through_linfa() {
    use classify::core::Error;
    let (x, labels, _, q) = data();
    let knn = KNeighborsClassifier::default();
    let mut nan = x.clone();
    nan[[4, 9]] = f64::NAN;
    assert!(matches!(
        Fit::fit(&knn, &Dataset::new(nan, labels.clone())),
        Err(Error::NonFinite { row: 4, col: 9 })
    ));
    let short = labels.slice(s![..100]).to_owned();
    assert!(matches!(
        Fit::fit(&knn, &Dataset::new(x.clone(), short)),
        Err(Error::LengthMismatch {
            rows: 240,
            targets: 100
        })
    ));
    let empty = Dataset::new(Array2::<f64>::zeros((0, 784)), Array1::<&str>::from(vec![]));
    assert!(matches!(Fit::fit(&knn, &empty), Err(Error::Empty(_))));
    let one = Array1::from_elem(240, "spam".to_string());
    match Fit::fit(&SgdClassifier::default(), &Dataset::new(x.clone(), one)) {
        Err(Error::SingleClass(c)) => assert_eq!(c, "\"spam\""),
        other => panic!("single class: {other:?}"),
    }
    let model = Fit::fit(&knn, &Dataset::new(x, labels)).unwrap();
    let narrow = Array2::<f64>::zeros((2, 783));
    assert!(matches!(
        model.try_predict(&narrow),
        Err(Error::FeatureMismatch {
            expected: 784,
            found: 783
        })
    ));
    // linfa's `predict` cannot return the error: it panics with its message.
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _: Array1<&str> = model.predict(&narrow);
    }))
    .unwrap_err();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("783"), "{message}");
    // A model file whose labels do not cover the model's classes is refused.
    let json = serde_json::to_value(&model).unwrap();
    let mut edited = json.clone();
    edited["labels"]["classes"] = serde_json::json!(["five", "nine"]);
    let back: Result<Fitted<classify::models::KNeighbors, String>, _> =
        serde_json::from_value(edited);
    assert!(back.is_err());
    // Labels of another type than the file holds: a typed (serde) error, not a panic.
    let as_numbers: Result<Fitted<classify::models::KNeighbors, usize>, _> =
        serde_json::from_value(json.clone());
    assert!(as_numbers.is_err());
    // Read back with owned labels.
    let back: Fitted<classify::models::KNeighbors, String> = serde_json::from_value(json).unwrap();
    assert_eq!(
        back.try_predict(&q).unwrap().to_vec(),
        model
            .try_predict(&q)
            .unwrap()
            .map(|l| l.to_string())
            .to_vec()
    );
}

/// Multi-output wrappers on 2-D targets of strings: each column's labels sorted on their own,
/// the native model's predictions named, and the error types.
#[test]
fn multi_output_wrappers_fit_2d_targets() {
    fn same<E>(name: &str, est: &E)
    where
        E: MultiOutputEstimator
            + Fit<
                Array2<f64>,
                Array2<&'static str>,
                classify::core::Error,
                Object = FittedMulti<E::Model, &'static str>,
            >,
    {
        let (x, _, y, q) = data();
        // Columns: "big" for nine, "small" otherwise; "odd" for five and nine, "even" for two.
        let names = |c: usize| [["small", "odd"], ["big", "odd"], ["small", "even"]][c];
        let targets = Array2::from_shape_fn((y.len(), 2), |(i, j)| names(y[i])[j]);
        let fitted = Fit::fit(est, &Dataset::new(x.clone(), targets)).unwrap();
        assert_eq!(fitted.classes(0), ["big", "small"], "{name}");
        assert_eq!(fitted.classes(1), ["even", "odd"], "{name}");
        let idx = Array2::from_shape_fn((y.len(), 2), |(i, j)| match (names(y[i])[j], j) {
            ("big", 0) | ("even", 1) => 0,
            _ => 1,
        });
        let native = est.fit_multi((&x).into(), idx.view()).unwrap();
        let want = native
            .predict_multi((&q).into())
            .unwrap()
            .indexed_iter()
            .map(|((_, j), &c)| fitted.classes(j)[c])
            .collect::<Vec<_>>();
        let got: Array2<&str> = fitted.predict(&q);
        assert_eq!(got.iter().copied().collect::<Vec<_>>(), want, "{name}");
        let narrow = Array2::<f64>::zeros((1, 5));
        assert!(fitted.try_predict(&narrow).is_err(), "{name}");
    }
    same(
        "chain",
        &ClassifierChain::new(LogisticRegression::default()),
    );
    same(
        "multi-output",
        &MultiOutput::new(KNeighborsClassifier::default()),
    );
}

/// The line a linfa user writes, with nothing of ours in scope but the estimator.
mod linfa_only {
    use classify::models::RandomForestClassifier;
    use linfa::prelude::*;
    use ndarray::{Array1, Array2};

    #[test]
    fn a_forest_on_f64_records_and_string_labels() -> Result<(), classify::core::Error> {
        let x_f64: Array2<f64> = ndarray::array![[0.0, 0.1], [0.2, 0.0], [5.0, 5.1], [5.2, 4.9]];
        let labels_as_strings: Array1<String> = ["ham", "ham", "spam", "spam"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let model = RandomForestClassifier::default()
            .fit(&Dataset::new(x_f64.clone(), labels_as_strings))?;
        let labels = model.predict(&x_f64);
        assert_eq!(labels.to_vec(), ["ham", "ham", "spam", "spam"]);
        Ok(())
    }
}
