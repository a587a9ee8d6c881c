//! `Svc` against scikit-learn's `SVC` (`scripts/svc_fixtures.py`): our port of libsvm's
//! solver sees libsvm's kernel values bit for bit on pixels, so it takes the same number of
//! iterations, finds the same support vectors and gives decision values within 1e-9; the same
//! predictions; probabilities (libsvm's internal folds drawn from scikit-learn's seed) to 1e-6.

use classify_models::{
    Classifier, DecisionFunction, Error, Estimator, Gamma, PredictProba, Svc, SvcKernel,
};
use ndarray::Array2;
use serde_json::Value;

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

fn ints(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

#[test]
fn matches_scikit_learn() {
    let f: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/svc.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let s = classify_datasets::mnist_sample().unwrap();
    let n = f["train_rows"].as_u64().unwrap() as usize;
    let m = f["test_rows"].as_u64().unwrap() as usize;
    let x = s.train.data.slice(ndarray::s![..n, ..]).to_owned();
    let q = s.test.data.slice(ndarray::s![..m, ..]).to_owned();
    for case in f["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let p = &case["params"];
        let kernel = match p["kernel"].as_str() {
            None => SvcKernel::Rbf {
                gamma: Gamma::Scale,
            },
            Some("linear") => SvcKernel::Linear,
            Some(_) => SvcKernel::Poly {
                degree: p["degree"].as_u64().unwrap() as u32,
                gamma: Gamma::Scale,
                coef0: p["coef0"].as_f64().unwrap(),
            },
        };
        let params = Svc {
            c: p["C"].as_f64().unwrap_or(1.0),
            kernel,
            ..Default::default()
        };
        let y = ints(&case["target"]);
        let model = params.fit((&x).into(), &y).unwrap();
        if let Some(g) = model.gamma() {
            assert!(
                (g - case["gamma"].as_f64().unwrap()).abs() < 1e-12 * g,
                "{name}"
            );
        }
        // scikit-learn lists support vectors grouped by class; the same set.
        let mut support = ints(&case["support"]);
        support.sort_unstable();
        assert_eq!(model.support_indices(), support, "{name}");
        assert_eq!(
            model.n_support(),
            case["n_support"].as_u64().unwrap() as usize
        );
        // The same solver on the same kernel values takes the same steps.
        assert_eq!(model.n_iter(), ints(&case["n_iter"]), "{name}: iterations");
        let ovo = model.decision_function_ovo((&q).into()).unwrap();
        // Pixels as bytes (exact integer products, in tiles with AVX-512 VNNI) and as `f64`
        // (matrix products): the same values, bit for bit.
        let q64 = q.mapv(f64::from);
        let floats = model.decision_function_ovo((&q64).into()).unwrap();
        assert_eq!(ovo, floats, "{name}: bytes and floats");
        let want = matrix(&case["ovo"]);
        // scikit-learn's binary decision is positive for classes[1]; ours per pair for i.
        let sign = if model.classes().len() == 2 {
            -1.0
        } else {
            1.0
        };
        let worst = ovo
            .iter()
            .zip(want.iter())
            .map(|(a, b)| (sign * a - b).abs())
            .fold(0.0, f64::max);
        eprintln!("{name}: worst one-vs-one difference {worst:.2e}");
        assert!(worst < 1e-9, "{name}: decision values differ by {worst}");
        let ovr = model.decision_function((&q).into()).unwrap();
        let want = matrix(&case["ovr"]);
        let worst = ovr
            .iter()
            .zip(want.iter())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-9, "{name}: ovr scores differ by {worst}");
        assert_eq!(
            model.predict((&q).into()).unwrap(),
            ints(&case["predict"]),
            "{name}"
        );
        assert!(matches!(
            model.predict_proba((&q).into()),
            Err(Error::NotSupported(_))
        ));
        if name.starts_with("rbf") {
            // random_state=0: libsvm's internal folds drawn as scikit-learn draws them.
            let pm = Svc {
                probability: true,
                random_state: 0,
                ..params
            }
            .fit((&x).into(), &y)
            .unwrap();
            let proba = pm.predict_proba((&q).into()).unwrap();
            let want = matrix(&case["proba"]);
            let worst = proba
                .iter()
                .zip(want.iter())
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            eprintln!("{name}: worst probability difference {worst:.2e}");
            assert!(worst < 1e-6, "{name}: probabilities differ by {worst}");
        }
    }
}

#[test]
fn bad_input_is_a_typed_error_and_models_serialise() {
    let x = ndarray::arr2(&[[0u8, 1], [1, 0], [5, 5], [6, 5]]);
    let svc = Svc::default();
    assert!(matches!(
        svc.fit((&x).into(), &[1, 1, 1, 1]),
        Err(Error::SingleClass(c)) if c == "1"
    ));
    assert!(matches!(
        svc.fit((&x).into(), &[1]),
        Err(Error::LengthMismatch { .. })
    ));
    for bad in [
        Svc { c: -1.0, ..svc },
        Svc {
            cache_size: 0.0,
            ..svc
        },
        // scikit-learn's seeds are below 2^32.
        Svc {
            probability: true,
            random_state: 1 << 32,
            ..svc
        },
        Svc {
            kernel: SvcKernel::Rbf {
                gamma: Gamma::Value(0.0),
            },
            ..svc
        },
        Svc {
            tol: f64::NAN,
            ..svc
        },
    ] {
        assert!(matches!(
            bad.fit((&x).into(), &[0, 0, 1, 1]),
            Err(Error::InvalidParameter(_))
        ));
    }
    let m = svc.fit((&x).into(), &[0, 0, 1, 1]).unwrap();
    assert_eq!(m.predict((&x).into()).unwrap(), vec![0, 0, 1, 1]);
    assert!(matches!(
        m.predict((&ndarray::arr2(&[[0u8]])).into()),
        Err(Error::FeatureMismatch { .. })
    ));
    let json = serde_json::to_string(&m).unwrap();
    let back: classify_models::SvcModel = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
    // Edited model files: every inconsistency is an error when read, never a panic later.
    let value: Value = serde_json::from_str(&json).unwrap();
    type Edit = (&'static str, fn(&mut Value));
    let edits: [Edit; 6] = [
        ("a coefficient dropped", |v| {
            v["pairs"][0]["coef"].as_array_mut().unwrap().pop();
        }),
        ("a support index out of range", |v| {
            v["pairs"][0]["support"][0] = 99.into();
        }),
        ("classes unsorted", |v| {
            v["classes"] = serde_json::json!([1, 0])
        }),
        ("a pair missing", |v| v["pairs"] = serde_json::json!([])),
        ("gamma zero", |v| v["kernel"]["Rbf"]["gamma"] = 0.0.into()),
        ("probabilities without sigmoids", |v| {
            v["params"]["probability"] = true.into();
        }),
    ];
    for (what, edit) in edits {
        let mut v = value.clone();
        edit(&mut v);
        let read = serde_json::from_value::<classify_models::SvcModel>(v);
        assert!(read.is_err(), "{what}: read as {read:?}");
    }
}

/// linfa-svm as an independent oracle: its SMO (another implementation of the same dual)
/// must find the same support vectors and, within both solvers' tolerance, the same
/// decisions on a 5-detector problem.
#[test]
fn agrees_with_linfa_svm() {
    use linfa::traits::Fit;
    let s = classify_datasets::mnist_sample().unwrap();
    let (n, m) = (400, 50);
    let x = s.train.data.slice(ndarray::s![..n, ..]).to_owned();
    let q = s.test.data.slice(ndarray::s![..m, ..]).to_owned();
    let y: Vec<usize> = s.train.target.as_slice().unwrap()[..n]
        .iter()
        .map(|&l| usize::from(l == 5))
        .collect();
    let ours = Estimator::fit(&Svc::default(), (&x).into(), &y).unwrap();
    let gamma = ours.gamma().unwrap();
    let xf = x.mapv(f64::from);
    let positive: Vec<bool> = y.iter().map(|&v| v == 0).collect();
    let theirs = linfa_svm::Svm::<f64, bool>::params()
        .gaussian_kernel(1.0 / gamma)
        .pos_neg_weights(1.0, 1.0)
        .eps(1e-3)
        .fit(&linfa::DatasetBase::new(
            xf,
            ndarray::Array1::from(positive),
        ))
        .unwrap();
    let support: Vec<usize> = (0..n)
        .filter(|&r| theirs.alpha[r].abs() > 100.0 * f64::EPSILON)
        .collect();
    assert_eq!(ours.support_indices(), support);
    // linfa's decision is positive for class 0 (its `true`); ours (binary) for class 1.
    let qf = q.mapv(f64::from);
    let dec_theirs: Vec<f64> = qf
        .rows()
        .into_iter()
        .map(|r| theirs.weighted_sum(&r) - theirs.rho)
        .collect();
    let dec_ours = ours.decision_function((&q).into()).unwrap();
    let worst = dec_theirs
        .iter()
        .zip(dec_ours.column(0))
        .map(|(a, b)| (a + b).abs())
        .fold(0.0, f64::max);
    assert!(worst < 1e-2, "decisions differ from linfa-svm's by {worst}");
}
