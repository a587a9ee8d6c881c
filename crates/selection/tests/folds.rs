//! Folds against scikit-learn (fixture from `scripts/selection_fixtures.py`), and
//! cross-validation behaviour.

use classify_models::{Classifier, DecisionFunction, Estimator, Features, SgdClassifier};
use classify_selection::*;
use ndarray::Array2;
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/folds.json");
const SHUFFLED: &str = include_str!("fixtures/shuffled.json");

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

/// Fold of each sample, from splits.
fn assignment(splits: &[Split], n: usize) -> Vec<usize> {
    let mut folds = vec![usize::MAX; n];
    for (f, s) in splits.iter().enumerate() {
        for &i in &s.test {
            folds[i] = f;
        }
        let mut all: Vec<usize> = s.train.iter().chain(&s.test).copied().collect();
        all.sort_unstable();
        assert_eq!(
            all,
            (0..n).collect::<Vec<_>>(),
            "train and test must partition the rows"
        );
    }
    folds
}

/// Shuffled KFold and StratifiedKFold, train_test_split with and without stratification,
/// ShuffleSplit and StratifiedShuffleSplit:
/// the same indices as scikit-learn for the same integer seed (NumPy's RandomState draws).
#[test]
fn shuffled_folds_and_splits_are_exactly_scikit_learns() {
    let doc: Value = serde_json::from_str(SHUFFLED).unwrap();
    for case in doc["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let seed = case["seed"].as_u64().unwrap();
        let k = case["k"].as_u64().map(|k| k as usize);
        match case["kind"].as_str().unwrap() {
            "kfold" => {
                let n = case["n"].as_u64().unwrap() as usize;
                let splitter = KFold {
                    n_splits: k.unwrap(),
                    shuffle: true,
                    seed,
                };
                let got = assignment(&splitter.split(n).unwrap(), n);
                assert_eq!(got, usizes(&case["folds"]), "{name}");
            }
            "stratified" => {
                let y = usizes(&case["y"]);
                let splitter = StratifiedKFold {
                    n_splits: k.unwrap(),
                    shuffle: true,
                    seed,
                };
                let got = splitter.split(&y);
                match case.get("folds") {
                    Some(want) => {
                        assert_eq!(assignment(&got.unwrap(), y.len()), usizes(want), "{name}")
                    }
                    None => assert!(got.is_err(), "{name}: scikit-learn raised"),
                }
            }
            "split" => {
                let n = case["n"].as_u64().unwrap() as usize;
                let size = match case["test_size"].as_u64() {
                    Some(c) => TestSize::Count(c as usize),
                    None => TestSize::Fraction(case["test_size"].as_f64().unwrap()),
                };
                let y = case["y"].as_array().map(|_| usizes(&case["y"]));
                let got = train_test_split(n, size, seed, y.as_deref());
                match case.get("train") {
                    Some(train) => {
                        let got = got.unwrap();
                        assert_eq!(got.train, usizes(train), "{name}: train");
                        assert_eq!(got.test, usizes(&case["test"]), "{name}: test");
                    }
                    None => assert!(got.is_err(), "{name}: scikit-learn raised"),
                }
            }
            kind @ ("shuffle_split" | "stratified_shuffle_split") => {
                let n = case["n"].as_u64().unwrap() as usize;
                let size = |v: &Value| match (v.as_u64(), v.as_f64()) {
                    (Some(c), _) => Some(TestSize::Count(c as usize)),
                    (None, Some(f)) => Some(TestSize::Fraction(f)),
                    _ => None,
                };
                let (n_splits, test_size, train_size) = (
                    case["n_splits"].as_u64().unwrap() as usize,
                    size(&case["test_size"]),
                    size(&case["train_size"]),
                );
                let got = if kind == "shuffle_split" {
                    ShuffleSplit {
                        n_splits,
                        test_size,
                        train_size,
                        seed,
                    }
                    .split(n)
                } else {
                    StratifiedShuffleSplit {
                        n_splits,
                        test_size,
                        train_size,
                        seed,
                    }
                    .split(&usizes(&case["y"]))
                };
                match case.get("splits") {
                    Some(want) => {
                        let got = got.unwrap();
                        let want = want.as_array().unwrap();
                        assert_eq!(got.len(), want.len(), "{name}");
                        for (g, w) in got.iter().zip(want) {
                            assert_eq!(g.train, usizes(&w[0]), "{name}: train");
                            assert_eq!(g.test, usizes(&w[1]), "{name}: test");
                        }
                    }
                    None => assert!(got.is_err(), "{name}: scikit-learn raised"),
                }
            }
            other => panic!("unknown kind {other}"),
        }
    }
    // Seeds beyond scikit-learn's range are an error.
    let big = KFold {
        n_splits: 2,
        shuffle: true,
        seed: 1 << 32,
    };
    assert!(big.split(10).is_err());
}

#[test]
fn folds_are_exactly_scikit_learns() {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let k = case["k"].as_u64().unwrap() as usize;
        let got = match case["kind"].as_str().unwrap() {
            "stratified" => {
                let y = usizes(&case["y"]);
                StratifiedKFold::new(k)
                    .split(&y)
                    .map(|s| assignment(&s, y.len()))
            }
            _ => {
                let n = case["n"].as_u64().unwrap() as usize;
                KFold::new(k).split(n).map(|s| assignment(&s, n))
            }
        };
        match case.get("error") {
            Some(msg) => assert!(got.is_err(), "{name}: scikit-learn raised {msg}"),
            None => assert_eq!(got.unwrap(), usizes(&case["folds"]), "{name}"),
        }
    }
    assert!(cases.len() >= 80);
}

/// A model that remembers its training rows: it scores 1 on a row it saw, 0 otherwise.
#[derive(Clone)]
struct Memorizer;

struct Memory {
    rows: Vec<Vec<u8>>,
    classes: Vec<usize>,
}

impl Estimator for Memorizer {
    type Model = Memory;
    fn fit(&self, x: Features<'_>, y: &[usize]) -> classify_models::Result<Memory> {
        let Features::U8(a) = x else { unreachable!() };
        let mut classes = y.to_vec();
        classes.sort_unstable();
        classes.dedup();
        Ok(Memory {
            rows: a.rows().into_iter().map(|r| r.to_vec()).collect(),
            classes,
        })
    }
}

impl Classifier for Memory {
    fn classes(&self) -> &[usize] {
        &self.classes
    }
    fn n_features(&self) -> usize {
        self.rows[0].len()
    }
    fn predict(&self, x: Features<'_>) -> classify_models::Result<Vec<usize>> {
        let s = self.decision_function(x)?;
        Ok(s.column(0)
            .iter()
            .map(|&v| self.classes[usize::from(v > 0.5)])
            .collect())
    }
}

impl DecisionFunction for Memory {
    fn decision_function(&self, x: Features<'_>) -> classify_models::Result<Array2<f64>> {
        let Features::U8(a) = x else { unreachable!() };
        Ok(Array2::from_shape_fn((a.nrows(), 1), |(i, _)| {
            f64::from(u8::from(
                self.rows
                    .iter()
                    .any(|r| r.as_slice() == a.row(i).to_slice().unwrap()),
            ))
        }))
    }
}

#[test]
fn out_of_fold_outputs_come_from_models_that_did_not_see_the_row() {
    // Distinct rows, two classes.
    let x = Array2::from_shape_fn((30, 2), |(i, j)| (i * 2 + j) as u8);
    let y: Vec<usize> = (0..30).map(|i| i % 2).collect();
    let scores =
        cross_val_decision_function(&Memorizer, (&x).into(), &y, &Cv::Stratified(3)).unwrap();
    assert!(
        scores.iter().all(|&s| s == 0.0),
        "an out-of-fold score saw its row: {scores}"
    );
    // In-sample, the same model scores every row 1: the test above can fail.
    let m = Memorizer.fit((&x).into(), &y).unwrap();
    assert!(m
        .decision_function((&x).into())
        .unwrap()
        .iter()
        .all(|&s| s == 1.0));
}

#[test]
fn cross_validation_is_deterministic_and_parallel_safe() {
    let data = classify_datasets::mnist_sample().unwrap().train.head(1200);
    let y: Vec<usize> = data.target.iter().map(|&d| usize::from(d == 5)).collect();
    let model = SgdClassifier {
        max_iter: 10,
        ..Default::default()
    };
    let x: Features<'_> = (&data.data).into();
    let a = cross_val_score(&model, x, &y, &Cv::from(3), Scoring::Accuracy).unwrap();
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let b = one_thread
        .install(|| cross_val_score(&model, x, &y, &Cv::Stratified(3), Scoring::Accuracy).unwrap());
    assert_eq!(a, b);
    assert!(a.iter().all(|&s| s > 0.9), "{a:?}");
    let pred = cross_val_predict(&model, x, &y, &Cv::Stratified(3)).unwrap();
    let scores = cross_val_decision_function(&model, x, &y, &Cv::Stratified(3)).unwrap();
    assert_eq!(scores.dim(), (1200, 1));
    // Predictions and scores come from the same fold models.
    for (p, s) in pred.iter().zip(scores.column(0)) {
        assert_eq!(*p, usize::from(*s > 0.0));
    }
}

#[test]
fn single_class_folds_and_bad_splits_are_errors() {
    let x = Array2::<u8>::zeros((6, 2));
    let y = [0, 0, 0, 0, 0, 1];
    // KFold puts the only positive in one test fold: the other folds train on one class.
    let err = cross_val_score(
        &SgdClassifier::default(),
        (&x).into(),
        &y,
        &Cv::KFold(3),
        Scoring::Accuracy,
    )
    .unwrap_err();
    assert!(err.to_string().contains("single class"), "{err}");
    // Printed with its sources (as `anyhow`'s `{:#}` does), the reason appears once.
    let mut chain = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(e) = source {
        chain = format!("{chain}: {e}");
        source = e.source();
    }
    assert_eq!(chain.matches("single class").count(), 1, "{chain}");
    assert!(cross_val_score(
        &SgdClassifier::default(),
        (&x).into(),
        &y,
        &Cv::Stratified(7),
        Scoring::Accuracy
    )
    .is_err());
    assert!(cross_val_score(
        &SgdClassifier::default(),
        (&x).into(),
        &y[..5],
        &Cv::Stratified(2),
        Scoring::Accuracy
    )
    .is_err());
}
