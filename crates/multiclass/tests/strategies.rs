//! The strategies against scikit-learn (`scripts/multiclass_fixtures.py`) and on real digits.

use classify_models::{
    Classifier, DecisionFunction, Estimator, Features, KNeighborsClassifier, MultiOutputClassifier,
    MultiOutputEstimator, PredictProba, Result, SgdClassifier,
};
use classify_multiclass::{
    ovr_decision_function, ChainOrder, ClassifierChain, MultiOutput, OneVsOne, OneVsRest,
};
use classify_selection::{cross_val_predict, Cv};
use ndarray::Array2;
use serde_json::Value;

fn matrix<T>(v: &Value, f: impl Fn(&Value) -> T) -> Array2<T> {
    let rows: Vec<Vec<T>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(&f).collect())
        .collect();
    let (n, m) = (rows.len(), rows[0].len());
    Array2::from_shape_vec((n, m), rows.into_iter().flatten().collect()).unwrap()
}

#[test]
fn vote_and_confidence_arithmetic_is_scikit_learns() {
    let f: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ovo.json"
        ))
        .unwrap(),
    )
    .unwrap();
    for case in f["cases"].as_array().unwrap() {
        let k = case["n_classes"].as_u64().unwrap() as usize;
        let wins = matrix(&case["predictions"], |v| v.as_u64().unwrap() == 1);
        let conf = matrix(&case["confidences"], |v| v.as_f64().unwrap());
        let want = matrix(&case["scores"], |v| v.as_f64().unwrap());
        let got = ovr_decision_function(&wins, &conf, k);
        for (a, b) in got.iter().zip(want.iter()) {
            assert!((a - b).abs() < 1e-12, "{k} classes: {a} vs {b}");
        }
        let argmax: Vec<usize> = got
            .rows()
            .into_iter()
            .map(|r| (0..k).fold(0, |best, j| if r[j] > r[best] { j } else { best }))
            .collect();
        let want: Vec<usize> = case["argmax"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(argmax, want, "{k} classes");
    }
}

fn digits(n: usize) -> (Array2<u8>, Vec<usize>, Array2<u8>, Vec<usize>) {
    let s = classify_datasets::mnist_sample().unwrap();
    let y = |d: &classify_datasets::Dataset| d.target.iter().map(|&v| usize::from(v)).collect();
    let (tr, te) = (s.train.head(n), s.test.head(500));
    (tr.data.clone(), y(&tr), te.data.clone(), y(&te))
}

fn accuracy(p: &[usize], y: &[usize]) -> f64 {
    p.iter().zip(y).filter(|(a, b)| a == b).count() as f64 / y.len() as f64
}

#[test]
fn one_vs_rest_and_one_vs_one_on_digits() {
    let (x, y, xt, yt) = digits(1500);
    let sgd = SgdClassifier {
        max_iter: 20,
        ..Default::default()
    };
    let ovr = OneVsRest::new(sgd).fit((&x).into(), &y).unwrap();
    assert_eq!(ovr.estimators().len(), 10);
    let ovo = OneVsOne::new(sgd).fit((&x).into(), &y).unwrap();
    assert_eq!(ovo.estimators().len(), 45);
    for (name, pred, scores) in [
        (
            "ovr",
            ovr.predict((&xt).into()).unwrap(),
            ovr.decision_function((&xt).into()).unwrap(),
        ),
        (
            "ovo",
            ovo.predict((&xt).into()).unwrap(),
            ovo.decision_function((&xt).into()).unwrap(),
        ),
    ] {
        assert_eq!(scores.dim(), (500, 10));
        // The top score is the prediction.
        for (r, &p) in scores.rows().into_iter().zip(&pred) {
            let top = (0..10).fold(0, |b, j| if r[j] >= r[b] { j } else { b });
            assert_eq!(r[top], r[p], "{name}");
        }
        let acc = accuracy(&pred, &yt);
        assert!(acc > 0.8, "{name}: accuracy {acc}");
    }
    // OvO scores are votes (0–9) plus less than 1/3.
    let s = ovo.decision_function((&xt).into()).unwrap();
    for r in s.rows() {
        let votes: f64 = r.iter().map(|v| v.round()).sum();
        assert_eq!(votes, 45.0);
    }
    // Two classes: one estimator, one score column, for both strategies.
    let y2: Vec<usize> = y.iter().map(|&c| usize::from(c == 3) * 7 + 2).collect();
    let m = OneVsRest::new(sgd).fit((&x).into(), &y2).unwrap();
    assert_eq!((m.estimators().len(), m.classes()), (1, &[2, 9][..]));
    assert_eq!(m.decision_function((&xt).into()).unwrap().ncols(), 1);
    let m = OneVsOne::new(sgd).fit((&x).into(), &y2).unwrap();
    assert_eq!(m.estimators().len(), 1);
    // Probabilities (log loss) are normalised over the classes.
    let log = SgdClassifier {
        loss: classify_models::Loss::LogLoss,
        max_iter: 20,
        ..Default::default()
    };
    let p = OneVsRest::new(log)
        .fit((&x).into(), &y)
        .unwrap()
        .predict_proba((&xt).into())
        .unwrap();
    for r in p.rows() {
        assert!((r.sum() - 1.0).abs() < 1e-9);
    }
    // Same input, same model: serde round trip keeps predictions.
    let json = serde_json::to_string(&ovo).unwrap();
    let back: classify_multiclass::OneVsOneModel<classify_models::Sgd> =
        serde_json::from_str(&json).unwrap();
    assert_eq!(
        back.predict((&xt).into()).unwrap(),
        ovo.predict((&xt).into()).unwrap()
    );
}

/// 1-nearest neighbour that remembers the last feature column it was trained on: in-sample it
/// predicts every training label exactly, out of sample it does not.
#[derive(Clone)]
struct Remembering;

struct Remembered {
    last_column: Vec<f64>,
    inner: classify_models::KNeighbors,
}

impl Estimator for Remembering {
    type Model = Remembered;

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<Remembered> {
        let last = x
            .to_f32()
            .column(x.n_features() - 1)
            .mapv(f64::from)
            .to_vec();
        Ok(Remembered {
            last_column: last,
            inner: KNeighborsClassifier {
                n_neighbors: 1,
                ..Default::default()
            }
            .fit(x, y)?,
        })
    }
}

impl Classifier for Remembered {
    fn classes(&self) -> &[usize] {
        self.inner.classes()
    }
    fn n_features(&self) -> usize {
        self.inner.n_features()
    }
    fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
        self.inner.predict(x)
    }
}

#[test]
fn chain_with_cv_trains_on_out_of_fold_labels() {
    let (x, y, xt, yt) = digits(900);
    let labels = Array2::from_shape_fn((y.len(), 2), |(i, j)| {
        usize::from(if j == 0 { y[i] >= 7 } else { y[i] % 2 == 1 })
    });
    let first: Vec<usize> = labels.column(0).to_vec();
    let oof = cross_val_predict(&Remembering, (&x).into(), &first, &Cv::Stratified(3)).unwrap();
    assert_ne!(
        oof, first,
        "the test needs out-of-fold predictions that differ"
    );
    let with_cv = ClassifierChain {
        estimator: Remembering,
        order: ChainOrder::Natural,
        cv: Some(3),
    }
    .fit_multi((&x).into(), labels.view())
    .unwrap();
    let seen: Vec<usize> = with_cv.estimators()[1]
        .last_column
        .iter()
        .map(|&v| v as usize)
        .collect();
    assert_eq!(seen, oof);
    let without = ClassifierChain::new(Remembering)
        .fit_multi((&x).into(), labels.view())
        .unwrap();
    let seen: Vec<usize> = without.estimators()[1]
        .last_column
        .iter()
        .map(|&v| v as usize)
        .collect();
    assert_eq!(seen, first);
    // Order: reversed chains predict the columns back in their original places.
    let reversed = ClassifierChain {
        estimator: KNeighborsClassifier::default(),
        order: ChainOrder::Fixed(vec![1, 0]),
        cv: None,
    }
    .fit_multi((&x).into(), labels.view())
    .unwrap();
    assert_eq!(reversed.order(), &[1, 0]);
    let p = reversed.predict_multi((&xt).into()).unwrap();
    let right = (0..yt.len())
        .filter(|&i| p[[i, 0]] == usize::from(yt[i] >= 7) && p[[i, 1]] == yt[i] % 2)
        .count();
    assert!(right as f64 / yt.len() as f64 > 0.85, "{right}");
    let bad = ClassifierChain {
        estimator: KNeighborsClassifier::default(),
        order: ChainOrder::Fixed(vec![0, 0]),
        cv: None,
    };
    assert!(bad.fit_multi((&x).into(), labels.view()).is_err());
    // order="random", random_state=42: NumPy's RandomState(42).permutation(4) = [1, 3, 0, 2].
    let four = Array2::from_shape_fn((y.len(), 4), |(i, j)| usize::from((y[i] >> j) & 1 == 1));
    let random = ClassifierChain {
        estimator: KNeighborsClassifier::default(),
        order: ChainOrder::Random(42),
        cv: None,
    }
    .fit_multi((&x).into(), four.view())
    .unwrap();
    assert_eq!(random.order(), &[1, 3, 0, 2]);
    let too_big = ClassifierChain {
        order: ChainOrder::Random(1 << 32),
        ..ClassifierChain::new(KNeighborsClassifier::default())
    };
    assert!(too_big.fit_multi((&x).into(), four.view()).is_err());
}

#[test]
fn multi_output_fits_one_model_per_column() {
    let (x, y, xt, yt) = digits(900);
    let labels = Array2::from_shape_fn((y.len(), 2), |(i, j)| {
        if j == 0 {
            usize::from(y[i] >= 7)
        } else {
            y[i] % 2
        }
    });
    let m = MultiOutput::new(KNeighborsClassifier::default())
        .fit_multi((&x).into(), labels.view())
        .unwrap();
    assert_eq!(m.estimators().len(), 2);
    let native = KNeighborsClassifier::default()
        .fit_multi((&x).into(), labels.view())
        .unwrap();
    // Per-column k-NN and native multi-output k-NN vote among the same neighbours.
    assert_eq!(
        m.predict_multi((&xt).into()).unwrap(),
        native.predict_multi((&xt).into()).unwrap()
    );
    let _ = yt;
}
