//! The scaler pipeline with an estimator that standardises on the fly (SGD on byte rows)
//! against fitting on the scaled copy.

use classify_core::{Classifier, Estimator};
use classify_datasets::mnist_sample;
use classify_models::SgdClassifier;
use classify_preprocessing::{Scaled, StandardScaler};
use ndarray::Array2;

fn sample() -> (Array2<u8>, Vec<usize>, Array2<u8>) {
    let s = mnist_sample().unwrap();
    let y = s.train.target.iter().map(|&v| usize::from(v)).collect();
    (s.train.data, y, s.test.data)
}

/// Standardising on the fly trains the model that training on the scaled copy trains:
/// the same weights up to rounding, and, with more epochs, the same predictions on
/// nearly every test image.
#[test]
fn standardised_on_the_fly_matches_the_scaled_copy() {
    let (x, y, xt) = sample();
    let (x, y) = (x.slice(ndarray::s![..2000, ..]).to_owned(), &y[..2000]);
    let short = SgdClassifier {
        max_iter: 3,
        tol: None,
        ..Default::default()
    };
    let scaler = StandardScaler::default().fit((&x).into()).unwrap();
    let copy = scaler.transform((&x).into()).unwrap();
    let by_copy = short.fit((&copy).into(), y).unwrap();
    let on_the_fly = Scaled::new(short).fit((&x).into(), y).unwrap();
    let big = by_copy.coef.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let worst = by_copy
        .coef
        .iter()
        .zip(on_the_fly.model.coef.iter())
        .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    assert!(
        worst <= 1e-4 * big,
        "weights differ by {worst} (largest {big})"
    );
    for (a, b) in by_copy.intercept.iter().zip(&on_the_fly.model.intercept) {
        assert!((a - b).abs() <= 1e-4 * a.abs().max(1.0), "{a} vs {b}");
    }
    let full = SgdClassifier::default();
    let p_copy = full
        .fit((&copy).into(), y)
        .unwrap()
        .predict((&scaler.transform((&xt).into()).unwrap()).into())
        .unwrap();
    let p_fly = Scaled::new(full)
        .fit((&x).into(), y)
        .unwrap()
        .predict((&xt).into())
        .unwrap();
    let same = p_copy.iter().zip(&p_fly).filter(|(a, b)| a == b).count();
    assert!(
        same as f64 >= 0.97 * p_copy.len() as f64,
        "{same} of {}",
        p_copy.len()
    );
}
