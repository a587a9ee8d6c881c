//! Fitting: parameters from a dict (checked and named by the Python half) into the engines'
//! parameter structs, then the fit, without the GIL.

use classify_core::{Estimator, MultiOutputEstimator};
use classify_models::DecisionTreeClassifier;
use classify_models::{
    Algorithm, Criterion, DummyClassifier, DummyStrategy, ForestClassWeight, Gamma,
    KNeighborsClassifier, LogisticRegression, Loss, MaxFeatures, Penalty, RandomForestClassifier,
    SgdClassifier, SgdProgress, Svc, SvcFitOptions, SvcKernel, Weights,
};
use classify_persist::AnyModel;
use classify_preprocessing::{ScalerStats, StandardScaler};
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::input::{positions, run, value_error, Input};
use crate::model::Model;

/// The value of `key` in `params`, or a `KeyError` naming it.
fn get<'py, T>(params: &Bound<'py, PyDict>, key: &str) -> PyResult<T>
where
    T: for<'a> FromPyObject<'a, 'py>,
    for<'a> <T as FromPyObject<'a, 'py>>::Error: Into<PyErr>,
{
    match params.get_item(key)? {
        Some(v) => v.extract::<T>().map_err(|e| {
            let e: PyErr = e.into();
            PyValueError::new_err(format!("parameter {key}: {e}"))
        }),
        None => Err(PyKeyError::new_err(format!("missing parameter {key}"))),
    }
}

/// One of the words `allowed` (with its engine value), or a `ValueError` listing them.
fn choice<T: Copy>(key: &str, word: &str, allowed: &[(&str, T)]) -> PyResult<T> {
    allowed
        .iter()
        .find(|(w, _)| *w == word)
        .map(|&(_, v)| v)
        .ok_or_else(|| {
            let words: Vec<&str> = allowed.iter().map(|(w, _)| *w).collect();
            PyValueError::new_err(format!("{key} must be one of {words:?}, got {word:?}"))
        })
}

fn sgd_params(p: &Bound<'_, PyDict>) -> PyResult<SgdClassifier> {
    let loss: String = get(p, "loss")?;
    let penalty: String = get(p, "penalty")?;
    Ok(SgdClassifier {
        loss: choice(
            "loss",
            &loss,
            &[
                ("hinge", Loss::Hinge),
                ("log_loss", Loss::LogLoss),
                ("modified_huber", Loss::ModifiedHuber),
            ],
        )?,
        penalty: choice(
            "penalty",
            &penalty,
            &[
                ("l2", Penalty::L2),
                ("l1", Penalty::L1),
                ("elasticnet", Penalty::ElasticNet),
                ("none", Penalty::None),
            ],
        )?,
        alpha: get(p, "alpha")?,
        l1_ratio: get(p, "l1_ratio")?,
        fit_intercept: get(p, "fit_intercept")?,
        max_iter: get(p, "max_iter")?,
        tol: get(p, "tol")?,
        n_iter_no_change: get(p, "n_iter_no_change")?,
        shuffle: get(p, "shuffle")?,
        random_state: get(p, "random_state")?,
        ..SgdClassifier::default()
    })
}

fn criterion(p: &Bound<'_, PyDict>) -> PyResult<Criterion> {
    let word: String = get(p, "criterion")?;
    choice(
        "criterion",
        &word,
        &[
            ("gini", Criterion::Gini),
            ("entropy", Criterion::Entropy),
            ("log_loss", Criterion::Entropy),
        ],
    )
}

/// `max_features`: `None` (all), `"sqrt"`, `"log2"`, an int or a float fraction.
fn max_features(p: &Bound<'_, PyDict>) -> PyResult<MaxFeatures> {
    let v = p
        .get_item("max_features")?
        .ok_or_else(|| PyKeyError::new_err("missing parameter max_features"))?;
    if v.is_none() {
        return Ok(MaxFeatures::All);
    }
    if let Ok(word) = v.extract::<String>() {
        return choice(
            "max_features",
            &word,
            &[("sqrt", MaxFeatures::Sqrt), ("log2", MaxFeatures::Log2)],
        );
    }
    if let Ok(n) = v.extract::<usize>() {
        return Ok(MaxFeatures::Count(n));
    }
    Ok(MaxFeatures::Fraction(v.extract()?))
}

fn tree_params(p: &Bound<'_, PyDict>) -> PyResult<DecisionTreeClassifier> {
    Ok(DecisionTreeClassifier {
        criterion: criterion(p)?,
        max_depth: get(p, "max_depth")?,
        min_samples_split: get(p, "min_samples_split")?,
        min_samples_leaf: get(p, "min_samples_leaf")?,
        min_weight_fraction_leaf: get(p, "min_weight_fraction_leaf")?,
        max_features: max_features(p)?,
        random_state: get(p, "random_state")?,
    })
}

fn forest_params(p: &Bound<'_, PyDict>) -> PyResult<RandomForestClassifier> {
    Ok(RandomForestClassifier {
        n_estimators: get(p, "n_estimators")?,
        criterion: criterion(p)?,
        max_depth: get(p, "max_depth")?,
        min_samples_split: get(p, "min_samples_split")?,
        min_samples_leaf: get(p, "min_samples_leaf")?,
        min_weight_fraction_leaf: get(p, "min_weight_fraction_leaf")?,
        max_features: max_features(p)?,
        bootstrap: get(p, "bootstrap")?,
        random_state: get(p, "random_state")?,
    })
}

fn knn_params(p: &Bound<'_, PyDict>) -> PyResult<KNeighborsClassifier> {
    let weights: String = get(p, "weights")?;
    let algorithm: String = get(p, "algorithm")?;
    Ok(KNeighborsClassifier {
        n_neighbors: get(p, "n_neighbors")?,
        weights: choice(
            "weights",
            &weights,
            &[
                ("uniform", Weights::Uniform),
                ("distance", Weights::Distance),
            ],
        )?,
        algorithm: choice(
            "algorithm",
            &algorithm,
            &[
                ("auto", Algorithm::Auto),
                ("brute", Algorithm::Brute),
                ("kd_tree", Algorithm::KdTree),
                ("ball_tree", Algorithm::BallTree),
            ],
        )?,
    })
}

fn svc_params(p: &Bound<'_, PyDict>) -> PyResult<Svc> {
    let gamma = p
        .get_item("gamma")?
        .ok_or_else(|| PyKeyError::new_err("missing parameter gamma"))?;
    let gamma = match gamma.extract::<String>() {
        Ok(word) => choice(
            "gamma",
            &word,
            &[("scale", Gamma::Scale), ("auto", Gamma::Auto)],
        )?,
        Err(_) => Gamma::Value(gamma.extract()?),
    };
    let kernel: String = get(p, "kernel")?;
    let kernel = match kernel.as_str() {
        "rbf" => SvcKernel::Rbf { gamma },
        "linear" => SvcKernel::Linear,
        "poly" => SvcKernel::Poly {
            degree: get(p, "degree")?,
            gamma,
            coef0: get(p, "coef0")?,
        },
        other => choice(
            "kernel",
            other,
            &[("rbf", ()), ("linear", ()), ("poly", ())],
        )
        .map(|()| SvcKernel::Linear)?,
    };
    Ok(Svc {
        c: get(p, "C")?,
        kernel,
        tol: get(p, "tol")?,
        probability: get(p, "probability")?,
        random_state: get(p, "random_state")?,
        cache_size: get(p, "cache_size")?,
    })
}

fn dummy_params(p: &Bound<'_, PyDict>) -> PyResult<DummyClassifier> {
    let strategy: String = get(p, "strategy")?;
    let strategy = match strategy.as_str() {
        "constant" => DummyStrategy::Constant(get(p, "constant")?),
        other => choice(
            "strategy",
            other,
            &[
                ("most_frequent", DummyStrategy::MostFrequent),
                ("prior", DummyStrategy::Prior),
                ("stratified", DummyStrategy::Stratified),
                ("uniform", DummyStrategy::Uniform),
            ],
        )?,
    };
    Ok(DummyClassifier {
        strategy,
        random_state: get(p, "random_state")?,
    })
}

fn logistic_params(p: &Bound<'_, PyDict>) -> PyResult<LogisticRegression> {
    Ok(LogisticRegression {
        c: get(p, "C")?,
        max_iter: get(p, "max_iter")?,
        tol: get(p, "tol")?,
        fit_intercept: get(p, "fit_intercept")?,
    })
}

/// Fits the engine `kind` with `params` on `x` (rows) and `y` (class positions `0..k`, every
/// one present), on `n_jobs` threads without the GIL.
#[pyfunction]
#[pyo3(signature = (kind, params, x, y, n_jobs=None))]
pub fn fit(
    py: Python<'_>,
    kind: &str,
    params: &Bound<'_, PyDict>,
    x: &Bound<'_, PyAny>,
    y: PyReadonlyArray1<'_, i64>,
    n_jobs: Option<i64>,
) -> PyResult<Model> {
    let input = Input::extract(x)?;
    let y = positions(&y)?;
    let x = input.features();
    macro_rules! fitted {
        ($estimator:expr) => {{
            let estimator = $estimator;
            run(py, n_jobs, || estimator.fit(x, &y).map(AnyModel::from))?
        }};
    }
    // An estimator whose `fit_weighted` takes one weight per class, when `class_weight` is set.
    macro_rules! fitted_weighted {
        ($estimator:expr) => {{
            let estimator = $estimator;
            match get::<Option<Vec<f64>>>(params, "class_weight")? {
                Some(w) => run(py, n_jobs, || {
                    estimator.fit_weighted(x, &y, &w).map(AnyModel::from)
                })?,
                None => fitted!(estimator),
            }
        }};
    }
    let model = match kind {
        "sgd" => fitted_weighted!(sgd_params(params)?),
        "dummy" => fitted!(dummy_params(params)?),
        "knn" => fitted!(knn_params(params)?),
        "tree" => fitted_weighted!(tree_params(params)?),
        "forest" => {
            let estimator = forest_params(params)?;
            let given: Option<Vec<f64>> = get(params, "class_weight")?;
            let class_weight = match (&given, get::<bool>(params, "balanced_subsample")?) {
                (_, true) => ForestClassWeight::BalancedSubsample,
                (Some(w), false) => ForestClassWeight::Given(w),
                (None, false) => ForestClassWeight::Uniform,
            };
            run(py, n_jobs, || {
                estimator
                    .fit_weighted(x, &y, class_weight)
                    .map(AnyModel::from)
            })?
        }
        "svc" => {
            let estimator = svc_params(params)?;
            let class_weight: Option<Vec<f64>> = get(params, "class_weight")?;
            let options = SvcFitOptions {
                class_weight: class_weight.as_deref(),
                max_iter: get(params, "max_iter")?,
            };
            run(py, n_jobs, || {
                estimator.fit_with(x, &y, options).map(AnyModel::from)
            })?
        }
        "logistic" => {
            let estimator = logistic_params(params)?;
            let class_weight: Option<Vec<f64>> = get(params, "class_weight")?;
            run(py, n_jobs, || {
                match &class_weight {
                    Some(w) => estimator.fit_weighted(x, &y, w),
                    None => estimator.fit(x, &y),
                }
                .map(AnyModel::LogisticRegression)
            })?
        }
        other => return Err(PyValueError::new_err(format!("no engine {other:?}"))),
    };
    Ok(Model::new(model.map_err(value_error)?, x.n_samples()))
}

/// Fits k-NN on several target columns (`y`: one row of class positions per sample, each
/// column encoded on its own).
#[pyfunction]
#[pyo3(signature = (params, x, y, n_jobs=None))]
pub fn fit_multi(
    py: Python<'_>,
    params: &Bound<'_, PyDict>,
    x: &Bound<'_, PyAny>,
    y: PyReadonlyArray2<'_, i64>,
    n_jobs: Option<i64>,
) -> PyResult<Model> {
    let estimator = knn_params(params)?;
    let input = Input::extract(x)?;
    let y = y
        .as_array()
        .mapv(|v| usize::try_from(v).unwrap_or(usize::MAX));
    if y.iter().any(|&v| v == usize::MAX) {
        return Err(PyValueError::new_err("label positions are never negative"));
    }
    let x = input.features();
    let model = run(py, n_jobs, || estimator.fit_multi(x, y.view()))?.map_err(value_error)?;
    Ok(Model::new(AnyModel::KnnMultiOutput(model), x.n_samples()))
}

/// Updates a standard scaler's statistics (`mean`, `var`, `n_seen`: scikit-learn's
/// `mean_`, `var_`, `n_samples_seen_`; `None` before the first batch) with the rows of `x`;
/// returns the scaler they give and the new statistics.
#[pyfunction]
#[pyo3(signature = (with_mean, with_std, x, mean=None, var=None, n_seen=0))]
#[allow(clippy::type_complexity)]
pub fn partial_fit_scaler<'py>(
    py: Python<'py>,
    with_mean: bool,
    with_std: bool,
    x: &Bound<'py, PyAny>,
    mean: Option<Vec<f64>>,
    var: Option<Vec<f64>>,
    n_seen: u64,
) -> PyResult<(
    Model,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    u64,
)> {
    let input = Input::extract(x)?;
    let x = input.features();
    let scaler = StandardScaler {
        with_mean,
        with_std,
    };
    let previous = match (mean, var) {
        (Some(mean), Some(var)) => Some(ScalerStats {
            mean,
            var,
            n_samples_seen: n_seen,
        }),
        _ => None,
    };
    let stats = run(py, None, || scaler.partial_fit(previous.as_ref(), x))?.map_err(value_error)?;
    let model = Model::new(AnyModel::Scaler(scaler.model(&stats)), x.n_samples());
    let n = stats.n_samples_seen;
    Ok((
        model,
        stats.mean.into_pyarray(py),
        stats.var.into_pyarray(py),
        n,
    ))
}

/// One epoch of SGD over `x` and `y` (positions in `classes`, here `0..n_classes`) from
/// `model` and `t` (scikit-learn's `t_`), as `partial_fit`: returns the model and the new `t`.
#[pyfunction]
#[pyo3(signature = (params, model, t, x, y, n_classes, n_jobs=None))]
#[allow(clippy::too_many_arguments)]
pub fn partial_fit_sgd(
    py: Python<'_>,
    params: &Bound<'_, PyDict>,
    model: Option<&Model>,
    t: f64,
    x: &Bound<'_, PyAny>,
    y: PyReadonlyArray1<'_, i64>,
    n_classes: usize,
    n_jobs: Option<i64>,
) -> PyResult<(Model, f64)> {
    let estimator = sgd_params(params)?;
    let class_weight: Option<Vec<f64>> = get(params, "class_weight")?;
    let progress = match model.map(Model::inner) {
        Some(AnyModel::Sgd(m)) => Some(SgdProgress {
            model: m.clone(),
            t,
        }),
        Some(_) => return Err(PyValueError::new_err("not an SGD model")),
        None => None,
    };
    let input = Input::extract(x)?;
    let y = positions(&y)?;
    let x = input.features();
    let classes: Vec<usize> = (0..n_classes).collect();
    let done = run(py, n_jobs, || {
        estimator.partial_fit_weighted(progress.as_ref(), x, &y, &classes, class_weight.as_deref())
    })?
    .map_err(value_error)?;
    let rows = model.map_or(0, Model::n_train) + x.n_samples();
    Ok((Model::new(AnyModel::Sgd(done.model), rows), done.t))
}
