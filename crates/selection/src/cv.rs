//! Cross-validation: scores per fold and clean out-of-fold predictions, folds in parallel.

use classify_core::{
    Classifier, DecisionFunction, Estimator, Features, MultiOutputClassifier, MultiOutputEstimator,
    PredictProba,
};
use classify_metrics::{accuracy_score, precision_recall_fscore_support, Average, PrfOptions};
use ndarray::Array2;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::split::{KFold, Split, StratifiedKFold};
use crate::threshold::Response;

/// How to cut the folds.
#[derive(Debug, Clone, PartialEq)]
pub enum Cv {
    /// `k` stratified folds, unshuffled: what scikit-learn uses for a classifier and `cv=k`.
    Stratified(usize),
    /// `k` consecutive folds, unshuffled.
    KFold(usize),
    /// Given splits.
    Splits(Vec<Split>),
}

/// `cv = k`, as scikit-learn reads it for a classifier: `k` stratified folds.
impl From<usize> for Cv {
    fn from(k: usize) -> Self {
        Cv::Stratified(k)
    }
}

impl Cv {
    /// The splits for targets `y`.
    pub fn splits(&self, y: &[usize]) -> Result<Vec<Split>> {
        match self {
            Cv::Stratified(k) => StratifiedKFold::new(*k).split(y),
            Cv::KFold(k) => KFold::new(*k).split(y.len()),
            Cv::Splits(s) => Ok(s.clone()),
        }
    }
}

/// What `cross_val_score` measures on each test fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scoring {
    /// Fraction of right predictions.
    Accuracy,
    /// Precision of the positive class (label 1), binary targets.
    Precision,
    /// Recall of the positive class (label 1), binary targets.
    Recall,
    /// F1 of the positive class (label 1), binary targets.
    F1,
    /// Macro-averaged F1, any number of classes.
    F1Macro,
}

/// Fits a clone of `estimator` per fold on the training rows and scores it on the test rows
/// (scikit-learn's `cross_val_score`). Folds run in parallel; the result does not depend on
/// the number of threads.
pub fn cross_val_score<E: Estimator>(
    estimator: &E,
    x: Features<'_>,
    y: &[usize],
    cv: &Cv,
    scoring: Scoring,
) -> Result<Vec<f64>> {
    let splits = checked_splits(x, y, cv)?;
    splits
        .par_iter()
        .enumerate()
        .map(|(fold, split)| score_fold(estimator, x, y, split, fold, scoring))
        .collect()
}

/// The score of out-of-fold predictions on each split's test rows: what
/// [`cross_val_score`] reports, from the predictions [`cross_val_predict`] (or any other
/// out-of-fold response turned into labels) already made, without fitting again.
///
/// ```
/// use classify_selection::{scores_per_fold, Scoring, Split};
///
/// let y = [0, 0, 1, 1];
/// let pred = [0, 1, 1, 1];
/// let splits = [
///     Split { train: vec![2, 3], test: vec![0, 1] },
///     Split { train: vec![0, 1], test: vec![2, 3] },
/// ];
/// assert_eq!(scores_per_fold(&splits, &y, &pred, Scoring::Accuracy)?, vec![0.5, 1.0]);
/// # Ok::<(), classify_selection::Error>(())
/// ```
pub fn scores_per_fold(
    splits: &[Split],
    y_true: &[usize],
    y_pred: &[usize],
    scoring: Scoring,
) -> Result<Vec<f64>> {
    let n = y_true.len();
    if y_pred.len() != n {
        return Err(classify_metrics::Error::LengthMismatch {
            what: "y_true and y_pred",
            left: n,
            right: y_pred.len(),
        }
        .into());
    }
    splits
        .iter()
        .map(|s| {
            if let Some(&i) = s.test.iter().find(|&&i| i >= n) {
                return Err(Error::InvalidSplit(format!(
                    "test row {i} is outside the {n} samples"
                )));
            }
            let truth: Vec<usize> = s.test.iter().map(|&i| y_true[i]).collect();
            let pred: Vec<usize> = s.test.iter().map(|&i| y_pred[i]).collect();
            score(scoring, &truth, &pred)
        })
        .collect()
}

/// Fits on a split's training rows and scores on its test rows.
pub(crate) fn score_fold<E: Estimator>(
    estimator: &E,
    x: Features<'_>,
    y: &[usize],
    split: &Split,
    fold: usize,
    scoring: Scoring,
) -> Result<f64> {
    let model = fit_fold(estimator, x, y, split, fold)?;
    let test = x.select(&split.test);
    let pred = model.predict(test.view()).map_err(|source| Error::Fold {
        fold,
        error: source,
    })?;
    let truth: Vec<usize> = split.test.iter().map(|&i| y[i]).collect();
    score(scoring, &truth, &pred)
}

pub(crate) fn score(scoring: Scoring, truth: &[usize], pred: &[usize]) -> Result<f64> {
    let average = match scoring {
        Scoring::Accuracy => return Ok(accuracy_score(truth, pred, None)?),
        Scoring::F1Macro => Average::Macro,
        _ => Average::Binary,
    };
    let prf = precision_recall_fscore_support(
        truth,
        pred,
        &PrfOptions {
            average: Some(average),
            ..PrfOptions::default()
        },
    )?;
    let value = match scoring {
        Scoring::Precision => &prf.precision,
        Scoring::Recall => &prf.recall,
        _ => &prf.fbeta,
    };
    Ok(value.values()[0])
}

/// Out-of-fold predicted labels: each sample predicted by the model that did not see it
/// (scikit-learn's `cross_val_predict(method="predict")`).
pub fn cross_val_predict<E: Estimator>(
    estimator: &E,
    x: Features<'_>,
    y: &[usize],
    cv: &Cv,
) -> Result<Vec<usize>> {
    let out = out_of_fold(estimator, x, y, cv, 1, |m, t| {
        let p = m.predict(t)?;
        Ok(Array2::from_shape_fn((p.len(), 1), |(i, _)| p[i] as f64))
    })?;
    Ok(out.column(0).iter().map(|&v| v as usize).collect())
}

/// Out-of-fold decision scores (`method="decision_function"`): one column for two classes,
/// one per class otherwise.
pub fn cross_val_decision_function<E>(
    estimator: &E,
    x: Features<'_>,
    y: &[usize],
    cv: &Cv,
) -> Result<Array2<f64>>
where
    E: Estimator,
    E::Model: DecisionFunction,
{
    cross_val_response(estimator, crate::threshold::Decision, x, y, cv)
}

/// Out-of-fold class probabilities (`method="predict_proba"`), one column per class.
pub fn cross_val_predict_proba<E>(
    estimator: &E,
    x: Features<'_>,
    y: &[usize],
    cv: &Cv,
) -> Result<Array2<f64>>
where
    E: Estimator,
    E::Model: PredictProba,
{
    let k = n_classes(y);
    out_of_fold(estimator, x, y, cv, k, |m, t| m.predict_proba(t))
}

/// Out-of-fold scores of the kind `response` names (scikit-learn's `cross_val_predict` with
/// `method` set to the response): one column, the positive class's, for two classes; one per
/// class otherwise.
///
/// ```
/// use classify_models::RandomForestClassifier;
/// use classify_selection::{cross_val_response, Cv, Proba};
///
/// let data = classify_datasets::mnist_sample().unwrap().train.head(300);
/// let y: Vec<usize> = data.target.iter().map(|&d| usize::from(d == 5)).collect();
/// let forest = RandomForestClassifier { n_estimators: 10, ..Default::default() };
/// let p = cross_val_response(&forest, Proba, (&data.data).into(), &y, &Cv::Stratified(3))?;
/// assert_eq!(p.dim(), (300, 1));
/// # Ok::<(), classify_selection::Error>(())
/// ```
pub fn cross_val_response<E, R>(
    estimator: &E,
    response: R,
    x: Features<'_>,
    y: &[usize],
    cv: &Cv,
) -> Result<Array2<f64>>
where
    E: Estimator,
    R: Response<E::Model>,
{
    let k = n_classes(y);
    let cols = if k == 2 { 1 } else { k };
    out_of_fold(estimator, x, y, cv, cols, |m, t| response.responses(m, t))
}

fn n_classes(y: &[usize]) -> usize {
    let mut c = y.to_vec();
    c.sort_unstable();
    c.dedup();
    c.len()
}

fn checked_splits(x: Features<'_>, y: &[usize], cv: &Cv) -> Result<Vec<Split>> {
    if x.n_samples() != y.len() {
        return Err(Error::Model(classify_core::Error::LengthMismatch {
            rows: x.n_samples(),
            targets: y.len(),
        }));
    }
    let splits = cv.splits(y)?;
    if let Some(bad) = splits
        .iter()
        .flat_map(|s| s.train.iter().chain(&s.test))
        .find(|&&i| i >= y.len())
    {
        return Err(Error::InvalidSplit(format!("row {bad} is out of range")));
    }
    Ok(splits)
}

fn fit_fold<E: Estimator>(
    estimator: &E,
    x: Features<'_>,
    y: &[usize],
    split: &Split,
    fold: usize,
) -> Result<E::Model> {
    estimator
        .fit_rows(x, y, &split.train)
        .map_err(|source| Error::Fold {
            fold,
            error: source,
        })
}

/// Fits each fold in parallel and writes `output(model, test rows)` into the test rows.
fn out_of_fold<E: Estimator>(
    estimator: &E,
    x: Features<'_>,
    y: &[usize],
    cv: &Cv,
    cols: usize,
    output: impl Fn(&E::Model, Features<'_>) -> classify_core::Result<Array2<f64>> + Sync,
) -> Result<Array2<f64>> {
    let splits = checked_splits(x, y, cv)?;
    let mut classes = y.to_vec();
    classes.sort_unstable();
    classes.dedup();
    let parts: Vec<(Vec<usize>, Array2<f64>)> = splits
        .par_iter()
        .enumerate()
        .map(|(fold, split)| {
            let model = fit_fold(estimator, x, y, split, fold)?;
            if model.classes() != classes.as_slice() {
                return Err(Error::MissingClasses {
                    fold,
                    fold_classes: model.classes().to_vec(),
                    classes: classes.clone(),
                });
            }
            let test = x.select(&split.test);
            let out = output(&model, test.view()).map_err(|source| Error::Fold {
                fold,
                error: source,
            })?;
            Ok((split.test.clone(), out))
        })
        .collect::<Result<_>>()?;
    let mut result = Array2::<f64>::from_elem((y.len(), cols), f64::NAN);
    for (rows, out) in parts {
        for (r, o) in rows.iter().zip(out.rows()) {
            result.row_mut(*r).assign(&o);
        }
    }
    Ok(result)
}

/// Out-of-fold predictions of a multi-output model (multilabel or multi-output targets, one
/// row per sample): each row predicted by the model fitted without it. scikit-learn's
/// `cross_val_predict` with an integer `cv` uses unshuffled [`KFold`](crate::KFold) for
/// such targets (stratification needs one label per sample): pass `Cv::KFold(k)`.
pub fn cross_val_predict_multi<E: MultiOutputEstimator>(
    estimator: &E,
    x: Features<'_>,
    y: ndarray::ArrayView2<'_, usize>,
    cv: &Cv,
) -> Result<Array2<usize>> {
    if x.n_samples() != y.nrows() {
        return Err(Error::Model(classify_core::Error::LengthMismatch {
            rows: x.n_samples(),
            targets: y.nrows(),
        }));
    }
    let splits = match cv {
        Cv::Stratified(_) => return Err(Error::InvalidSplit(
            "stratified folds need one label per sample; use Cv::KFold for multi-output targets"
                .into(),
        )),
        other => other.splits(&vec![0; y.nrows()])?,
    };
    let parts = splits
        .par_iter()
        .enumerate()
        .map(|(fold, split)| {
            let train = x.select(&split.train);
            let ty = y.select(ndarray::Axis(0), &split.train);
            let model = estimator
                .fit_multi(train.view(), ty.view())
                .map_err(|source| Error::Fold {
                    fold,
                    error: source,
                })?;
            let test = x.select(&split.test);
            let pred = model
                .predict_multi(test.view())
                .map_err(|source| Error::Fold {
                    fold,
                    error: source,
                })?;
            Ok((split.test.clone(), pred))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut out = Array2::zeros(y.dim());
    for (rows, pred) in parts {
        for (r, p) in rows.iter().zip(pred.rows()) {
            out.row_mut(*r).assign(&p);
        }
    }
    Ok(out)
}
