//! `LogisticRegression` against scikit-learn (`scripts/logistic_fixtures.py`): the penalised
//! optimum is unique, so coefficients and probabilities must agree; dense and sparse input
//! must give the same model.

use classify_models::{Classifier, Csr, Error, Estimator, LogisticRegression, PredictProba};
use ndarray::Array2;
use serde_json::Value;

fn fixture() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/logistic.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        })
        .collect();
    Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| rows[i][j])
}

fn labels(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect()
}

#[test]
fn matches_scikit_learn_dense_and_sparse() {
    let f = fixture();
    let x = matrix(&f["x"]).mapv(|v| v as u8);
    let sparse = Csr::from_rows(
        64,
        x.rows().into_iter().map(|r| {
            r.iter()
                .enumerate()
                .filter(|(_, &v)| v != 0)
                .map(|(c, &v)| (c, f64::from(v)))
                .collect::<Vec<_>>()
        }),
    )
    .unwrap();
    for case in f["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let y = labels(&case["target"]);
        let params = LogisticRegression {
            c: case["c"].as_f64().unwrap(),
            tol: 1e-8,
            max_iter: 10_000,
            ..Default::default()
        };
        let m = params.fit((&x).into(), &y).unwrap();
        assert!(m.converged, "{name}: {} iterations", m.n_iter);
        let want = matrix(&case["coef"]);
        let scale = want.iter().fold(0.0f64, |a, &b| a.max(b.abs()));
        // Both solvers stop on SciPy's relative-decrease test; on these unscaled pixels
        // (0–16) with weak regularisation the optimum is flat, so coefficients agree to
        // 1e-3 of the largest and probabilities to 1e-4.
        for (a, b) in m.coef.iter().zip(want.iter()) {
            assert!((a - b).abs() <= 1e-3 * scale, "{name}: coef {a} vs {b}");
        }
        let proba = m
            .predict_proba(x.slice(ndarray::s![..50, ..]).into())
            .unwrap();
        for (a, b) in proba.iter().zip(matrix(&case["proba"]).iter()) {
            assert!((a - b).abs() < 1e-4, "{name}: probability {a} vs {b}");
        }
        let predicted = labels(&case["predict"]);
        assert_eq!(m.predict((&x).into()).unwrap(), predicted, "{name}");
        let s = params.fit_sparse(&sparse, &y).unwrap();
        for (a, b) in s.coef.iter().zip(m.coef.iter()) {
            assert!(
                (a - b).abs() <= 1e-3 * scale,
                "{name}: sparse {a} vs dense {b}"
            );
        }
        assert_eq!(s.predict_sparse(&sparse).unwrap(), predicted);
    }
}

#[test]
fn positive_class_is_the_larger_label_whatever_the_frequencies() {
    // linfa-logistic 0.8.1 makes the more frequent class the positive one; here class 7 is
    // rare and must still be column 1.
    let x = ndarray::arr2(&[[0u8], [1], [2], [3], [4], [10], [11]]);
    let y = [2, 2, 2, 2, 2, 7, 7];
    let m = LogisticRegression::default().fit((&x).into(), &y).unwrap();
    assert_eq!(m.classes(), &[2, 7]);
    let p = m
        .predict_proba((&ndarray::arr2(&[[12u8], [0]])).into())
        .unwrap();
    assert!(p[[0, 1]] > 0.5 && p[[1, 1]] < 0.5, "{p}");
    assert_eq!(
        m.predict((&ndarray::arr2(&[[12u8]])).into()).unwrap(),
        vec![7]
    );
}

#[test]
fn bad_input_is_a_typed_error() {
    let x = ndarray::arr2(&[[0u8, 1], [1, 0]]);
    let lr = LogisticRegression::default();
    assert!(matches!(
        lr.fit((&x).into(), &[1, 1]),
        Err(Error::SingleClass(c)) if c == "1"
    ));
    assert!(matches!(
        lr.fit((&x).into(), &[1]),
        Err(Error::LengthMismatch { .. })
    ));
    let bad = LogisticRegression { c: 0.0, ..lr };
    assert!(matches!(
        bad.fit((&x).into(), &[0, 1]),
        Err(Error::InvalidParameter(_))
    ));
    let m = lr.fit((&x).into(), &[0, 1]).unwrap();
    let wide = Csr::from_rows(3, [vec![(2, 1.0)]]).unwrap();
    assert!(matches!(
        m.predict_sparse(&wide),
        Err(Error::FeatureMismatch { .. })
    ));
    assert!(Csr::from_rows(2, [vec![(5, 1.0)]]).is_err());
    assert!(Csr::from_rows(2, [vec![(0, f64::NAN)]]).is_err());
    let json = serde_json::to_string(&m).unwrap();
    let back: classify_models::Logistic = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
}

/// Bytes standardised on the fly (what the scaler pipeline asks for) fit the model a fit on
/// the standardised copy gives, on every row or on a subset in any order; other types are
/// left to the pipeline's copy.
#[test]
fn standardized_bytes_fit_the_scaled_copy_model() {
    use classify_core::Standardization;
    let f = fixture();
    let x = matrix(&f["x"]).mapv(|v| v as u8);
    let xf = x.mapv(f64::from);
    let mean: Vec<f64> = xf.mean_axis(ndarray::Axis(0)).unwrap().to_vec();
    let scale: Vec<f64> = xf
        .std_axis(ndarray::Axis(0), 0.0)
        .iter()
        .map(|&s| if s == 0.0 { 1.0 } else { s })
        .collect();
    let standard = Standardization {
        mean: &mean,
        scale: &scale,
    };
    let params = LogisticRegression {
        tol: 1e-10,
        max_iter: 10_000,
        ..Default::default()
    };
    for case in f["cases"].as_array().unwrap() {
        let y = labels(&case["target"]);
        let rows: Vec<usize> = (0..x.nrows()).rev().filter(|r| r % 3 != 0).collect();
        for rows in [(0..x.nrows()).collect::<Vec<_>>(), rows] {
            let scaled = Array2::from_shape_fn((rows.len(), x.ncols()), |(i, c)| {
                (xf[[rows[i], c]] - mean[c]) / scale[c]
            });
            let y_rows: Vec<usize> = rows.iter().map(|&r| y[r]).collect();
            let want = params.fit((&scaled).into(), &y_rows).unwrap();
            let got = params
                .fit_rows_standardized((&x).into(), &y, &rows, standard)
                .expect("bytes are standardised on the fly")
                .unwrap();
            let top = want.coef.iter().fold(0.0f64, |a, &b| a.max(b.abs()));
            for (a, b) in got.coef.iter().zip(want.coef.iter()) {
                assert!((a - b).abs() <= 1e-6 * top, "coef {a} vs {b}");
            }
            for (a, b) in got.intercept.iter().zip(&want.intercept) {
                assert!(
                    (a - b).abs() <= 1e-6 * top.max(b.abs()),
                    "intercept {a} vs {b}"
                );
            }
        }
    }
    assert!(params
        .fit_rows_standardized((&xf).into(), &[0; 500], &[0, 1], standard)
        .is_none());
    assert!(matches!(
        params.fit_rows_standardized((&x).into(), &[0; 500], &[600], standard),
        Some(Err(Error::InvalidParameter(_)))
    ));
}
