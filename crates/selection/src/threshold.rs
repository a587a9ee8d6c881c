//! Decision thresholds as part of the model (scikit-learn 1.5's
//! `FixedThresholdClassifier` and `TunedThresholdClassifierCV`): a binary classifier whose
//! positive-class scores are compared with a threshold, given or chosen by cross-validation
//! for a goal.

use classify_core::{
    Classifier, DecisionFunction, Error, Estimator, Features, PredictProba, Result,
};
use classify_metrics::{
    balanced_accuracy_score, interp, precision_recall_fscore_support, Average, PrfOptions,
    ZeroDivision,
};
use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::split::StratifiedKFold;

/// Which scores of a fitted binary model the threshold applies to (scikit-learn's
/// `response_method`, chosen by type so that a model without it does not compile).
pub trait Response<M>: Copy + Send + Sync {
    /// The positive class's (`classes()[1]`) score of each row.
    fn scores(&self, model: &M, x: Features<'_>) -> Result<Vec<f64>>;
    /// The threshold scikit-learn's `threshold="auto"` takes: 0.5 for probabilities, 0 for
    /// decision values.
    fn default_threshold(&self) -> f64;
    /// The scores as scikit-learn's `_get_response_values` gives them: one column (the
    /// positive class's) for a binary model, one per class otherwise.
    fn responses(&self, model: &M, x: Features<'_>) -> Result<Array2<f64>>;
    /// Whether the scores are probabilities.
    fn is_proba(&self) -> bool;
}

/// Probabilities of the positive class (`response_method="predict_proba"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Proba;

/// Decision values (`response_method="decision_function"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Decision;

impl<M: PredictProba> Response<M> for Proba {
    fn scores(&self, model: &M, x: Features<'_>) -> Result<Vec<f64>> {
        Ok(model.predict_proba(x)?.column(1).to_vec())
    }

    fn default_threshold(&self) -> f64 {
        0.5
    }

    fn responses(&self, model: &M, x: Features<'_>) -> Result<Array2<f64>> {
        let p = model.predict_proba(x)?;
        Ok(if p.ncols() == 2 {
            p.slice(ndarray::s![.., 1..]).to_owned()
        } else {
            p
        })
    }

    fn is_proba(&self) -> bool {
        true
    }
}

impl<M: DecisionFunction> Response<M> for Decision {
    fn scores(&self, model: &M, x: Features<'_>) -> Result<Vec<f64>> {
        Ok(model.decision_function(x)?.column(0).to_vec())
    }

    fn default_threshold(&self) -> f64 {
        0.0
    }

    fn responses(&self, model: &M, x: Features<'_>) -> Result<Array2<f64>> {
        model.decision_function(x)
    }

    fn is_proba(&self) -> bool {
        false
    }
}

/// A fitted binary model that predicts the positive class where its score reaches
/// `threshold` (`score >= threshold`, as scikit-learn).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixedThreshold<M, R> {
    /// The fitted model.
    pub model: M,
    /// Which of its scores the threshold applies to.
    pub response: R,
    /// The decision threshold.
    pub threshold: f64,
}

impl<M: Classifier, R: Response<M>> FixedThreshold<M, R> {
    /// The positive class's score of each row.
    pub fn scores(&self, x: Features<'_>) -> Result<Vec<f64>> {
        self.response.scores(&self.model, x)
    }
}

impl<M: Classifier, R: Response<M>> Classifier for FixedThreshold<M, R> {
    fn classes(&self) -> &[usize] {
        self.model.classes()
    }

    fn n_features(&self) -> usize {
        self.model.n_features()
    }

    fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
        let classes = self.model.classes();
        Ok(self
            .scores(x)?
            .into_iter()
            .map(|s| classes[usize::from(s >= self.threshold)])
            .collect())
    }
}

/// The two classes of a binary fit, or the error a threshold classifier gives otherwise.
fn binary_classes(classes: &[usize]) -> Result<[usize; 2]> {
    match classes {
        [neg, pos] => Ok([*neg, *pos]),
        _ => Err(Error::InvalidParameter(format!(
            "a decision threshold needs two classes, got {}",
            classes.len()
        ))),
    }
}

/// A binary classifier with a fixed decision threshold on its positive-class scores
/// (scikit-learn's `FixedThresholdClassifier`; the positive class is the second of the
/// sorted classes).
///
/// ```
/// use classify_core::{Classifier, Estimator};
/// use classify_models::LogisticRegression;
/// use classify_selection::{FixedThresholdClassifier, Proba};
/// use ndarray::array;
///
/// let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
/// let y = [0, 0, 0, 1, 1, 1];
/// let auto = FixedThresholdClassifier { estimator: LogisticRegression::default(), response: Proba, threshold: None };
/// assert_eq!(auto.fit((&x).into(), &y)?.predict((&x).into())?, [0, 0, 0, 1, 1, 1]);
/// // Only the surest positive passes a threshold of 0.9.
/// let strict = FixedThresholdClassifier { threshold: Some(0.9), ..auto };
/// assert_eq!(strict.fit((&x).into(), &y)?.predict((&x).into())?, [0, 0, 0, 0, 0, 1]);
/// # Ok::<(), classify_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FixedThresholdClassifier<E, R> {
    /// The classifier.
    pub estimator: E,
    /// Which scores the threshold applies to: [`Proba`] or [`Decision`].
    pub response: R,
    /// The threshold; `None` is scikit-learn's `"auto"` (0.5 for probabilities, 0 for
    /// decision values).
    pub threshold: Option<f64>,
}

impl<E, R> Estimator for FixedThresholdClassifier<E, R>
where
    E: Estimator,
    R: Response<E::Model>,
{
    type Model = FixedThreshold<E::Model, R>;

    fn validate(&self) -> Result<()> {
        if let Some(t) = self.threshold.filter(|t| t.is_nan()) {
            return Err(Error::InvalidParameter(format!(
                "threshold {t} is not a number"
            )));
        }
        self.estimator.validate()
    }

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<Self::Model> {
        self.validate()?;
        let model = self.estimator.fit(x, y)?;
        binary_classes(model.classes())?;
        Ok(FixedThreshold {
            model,
            response: self.response,
            threshold: self
                .threshold
                .unwrap_or_else(|| self.response.default_threshold()),
        })
    }
}

/// What [`TunedThresholdClassifierCV`] maximises, measured on each validation fold at each
/// candidate threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Objective {
    /// The mean of the two classes' recalls (scikit-learn's default `"balanced_accuracy"`).
    BalancedAccuracy,
    /// The F-beta score of the positive class (`"f1"` for beta 1).
    FBeta(f64),
    /// Recall, where precision is at least the given value (0 where it is not).
    RecallAtPrecision(f64),
    /// Precision, where recall is at least the given value (0 where it is not).
    PrecisionAtRecall(f64),
}

impl Objective {
    /// The objective of predictions `pred` against `truth` (labels `classes`, the second
    /// positive).
    fn score(&self, truth: &[usize], pred: &[usize], pos: usize) -> Result<f64> {
        let prf = |beta: f64| -> Result<(f64, f64, f64)> {
            let p = precision_recall_fscore_support(
                truth,
                pred,
                &PrfOptions {
                    beta,
                    pos_label: Some(pos),
                    average: Some(Average::Binary),
                    zero_division: ZeroDivision::Zero,
                    ..PrfOptions::default()
                },
            )
            .map_err(metric_error)?;
            let one = |s: &classify_metrics::Score| s.value().unwrap_or(0.0);
            Ok((one(&p.precision), one(&p.recall), one(&p.fbeta)))
        };
        Ok(match *self {
            Objective::BalancedAccuracy => {
                balanced_accuracy_score(truth, pred, None, false).map_err(metric_error)?
            }
            Objective::FBeta(beta) => prf(beta)?.2,
            Objective::RecallAtPrecision(min) => {
                let (p, r, _) = prf(1.0)?;
                if p >= min {
                    r
                } else {
                    0.0
                }
            }
            Objective::PrecisionAtRecall(min) => {
                let (p, r, _) = prf(1.0)?;
                if r >= min {
                    p
                } else {
                    0.0
                }
            }
        })
    }

    fn validate(&self) -> Result<()> {
        match *self {
            Objective::FBeta(b) if b.is_nan() || b < 0.0 => Err(Error::InvalidParameter(format!(
                "F-beta needs beta >= 0, got {b}"
            ))),
            Objective::RecallAtPrecision(m) | Objective::PrecisionAtRecall(m)
                if !(0.0..=1.0).contains(&m) =>
            {
                Err(Error::InvalidParameter(format!(
                    "a minimum precision or recall must be in [0, 1], got {m}"
                )))
            }
            _ => Ok(()),
        }
    }

    /// Whether a score of 0 means that no threshold met the constraint.
    fn constrained(&self) -> bool {
        matches!(
            self,
            Objective::RecallAtPrecision(_) | Objective::PrecisionAtRecall(_)
        )
    }
}

fn metric_error(e: classify_metrics::Error) -> Error {
    Error::InvalidParameter(e.to_string())
}

/// A binary classifier whose decision threshold is chosen by cross-validation (scikit-learn's
/// `TunedThresholdClassifierCV`, `refit=True`): on each of `cv` stratified folds a clone is
/// fitted on the training part and its validation scores are thresholded at `thresholds`
/// evenly spaced values between their minimum and maximum; each fold's objective curve is
/// interpolated (`np.interp`) at `thresholds` values evenly spaced over all folds' range and
/// averaged, and the threshold of the best mean (the first, on a tie) is kept, with the
/// estimator refitted on all the data.
///
/// ```
/// use classify_core::Estimator;
/// use classify_models::LogisticRegression;
/// use classify_selection::{Objective, Proba, TunedThresholdClassifierCV};
///
/// let data = classify_datasets::mnist_sample().unwrap().train.head(600);
/// let y: Vec<usize> = data.target.iter().map(|&d| usize::from(d == 5)).collect();
/// let tuned = TunedThresholdClassifierCV::new(LogisticRegression::default(), Proba)
///     .objective(Objective::RecallAtPrecision(0.9));
/// let model = tuned.fit((&data.data).into(), &y)?;
/// assert!(model.best_score > 0.0 && model.best_score <= 1.0);
/// # Ok::<(), classify_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TunedThresholdClassifierCV<E, R> {
    /// The classifier.
    pub estimator: E,
    /// Which scores the threshold applies to.
    pub response: R,
    /// What the threshold maximises (default: balanced accuracy).
    pub objective: Objective,
    /// Stratified folds (default 5).
    pub cv: usize,
    /// Candidate thresholds per fold and in the mean (default 100).
    pub thresholds: usize,
}

impl<E, R> TunedThresholdClassifierCV<E, R> {
    /// scikit-learn's defaults: balanced accuracy, 5 folds, 100 thresholds.
    pub fn new(estimator: E, response: R) -> Self {
        TunedThresholdClassifierCV {
            estimator,
            response,
            objective: Objective::BalancedAccuracy,
            cv: 5,
            thresholds: 100,
        }
    }

    /// The same with another objective.
    pub fn objective(self, objective: Objective) -> Self {
        TunedThresholdClassifierCV { objective, ..self }
    }
}

/// A fitted [`TunedThresholdClassifierCV`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TunedThreshold<M, R> {
    /// The estimator refitted on all the data, with the chosen threshold.
    pub thresholded: FixedThreshold<M, R>,
    /// The best mean objective over the folds.
    pub best_score: f64,
    /// The thresholds of the mean curve (scikit-learn's `cv_results_["thresholds"]`).
    pub cv_thresholds: Vec<f64>,
    /// The mean objective at each (`cv_results_["scores"]`).
    pub cv_scores: Vec<f64>,
}

impl<M: Classifier, R: Response<M>> Classifier for TunedThreshold<M, R> {
    fn classes(&self) -> &[usize] {
        self.thresholded.classes()
    }

    fn n_features(&self) -> usize {
        self.thresholded.n_features()
    }

    fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
        self.thresholded.predict(x)
    }
}

impl<E, R> Estimator for TunedThresholdClassifierCV<E, R>
where
    E: Estimator,
    R: Response<E::Model>,
{
    type Model = TunedThreshold<E::Model, R>;

    fn validate(&self) -> Result<()> {
        classify_core::param::at_least("cv", self.cv, 2)?;
        classify_core::param::at_least("thresholds", self.thresholds, 2)?;
        self.objective.validate()?;
        self.estimator.validate()
    }

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<Self::Model> {
        self.validate()?;
        let model = self.estimator.fit(x, y)?;
        let [_, pos] = binary_classes(model.classes())?;
        let splits = StratifiedKFold::new(self.cv)
            .split(y)
            .map_err(|e| Error::InvalidParameter(e.to_string()))?;
        // Each fold: its candidate thresholds (ascending) and the objective at each.
        let curves: Vec<(Vec<f64>, Vec<f64>)> = splits
            .par_iter()
            .enumerate()
            .map(|(f, split)| {
                let fold = self.estimator.fit_rows(x, y, &split.train)?;
                let [neg, fold_pos] = binary_classes(fold.classes())
                    .map_err(|_| Error::SingleClass(format!("the training part of fold {f}")))?;
                let rows = x.select(&split.test);
                let scores = self.response.scores(&fold, rows.view())?;
                if let Some(bad) = scores.iter().find(|s| !s.is_finite()) {
                    return Err(Error::InvalidParameter(format!(
                        "fold {f}: the model scored {bad}"
                    )));
                }
                let truth: Vec<usize> = split.test.iter().map(|&r| y[r]).collect();
                let (lo, hi) = min_max(&scores);
                let candidates = linspace(lo, hi, self.thresholds);
                let objective = candidates
                    .iter()
                    .map(|&t| {
                        let pred: Vec<usize> = scores
                            .iter()
                            .map(|&s| if s >= t { fold_pos } else { neg })
                            .collect();
                        self.objective.score(&truth, &pred, pos)
                    })
                    .collect::<Result<Vec<f64>>>()?;
                Ok((candidates, objective))
            })
            .collect::<Result<_>>()?;
        if curves.iter().any(|(t, _)| is_close(t[0], t[t.len() - 1])) {
            return Err(Error::InvalidParameter(
                "the estimator makes constant predictions on a fold: no threshold to tune".into(),
            ));
        }
        let lo = curves
            .iter()
            .map(|(t, _)| t[0])
            .fold(f64::INFINITY, f64::min);
        let hi = curves
            .iter()
            .map(|(t, _)| t[t.len() - 1])
            .fold(f64::NEG_INFINITY, f64::max);
        let cv_thresholds = linspace(lo, hi, self.thresholds);
        // `np.mean` over the folds of each fold's curve interpolated at the common
        // thresholds (summed in fold order, then divided).
        let cv_scores: Vec<f64> = cv_thresholds
            .iter()
            .map(|&t| {
                curves.iter().map(|(th, sc)| interp(t, th, sc)).sum::<f64>() / curves.len() as f64
            })
            .collect();
        let best =
            (0..cv_scores.len()).fold(0, |b, i| if cv_scores[i] > cv_scores[b] { i } else { b });
        if self.objective.constrained() && cv_scores[best] <= 0.0 {
            return Err(Error::InvalidParameter(format!(
                "no threshold reaches the objective's minimum ({:?}) on the validation folds",
                self.objective
            )));
        }
        Ok(TunedThreshold {
            thresholded: FixedThreshold {
                model,
                response: self.response,
                threshold: cv_thresholds[best],
            },
            best_score: cv_scores[best],
            cv_thresholds,
            cv_scores,
        })
    }
}

fn min_max(v: &[f64]) -> (f64, f64) {
    v.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &s| {
            (lo.min(s), hi.max(s))
        })
}

/// `np.isclose(a, b)`: `|a − b| <= 1e-8 + 1e-5·|b|`.
fn is_close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-8 + 1e-5 * b.abs()
}

/// `np.linspace(start, stop, num)`: `start + i·step`, the last value `stop` itself.
fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    let step = (stop - start) / (num - 1) as f64;
    let mut v: Vec<f64> = (0..num).map(|i| i as f64 * step + start).collect();
    v[num - 1] = stop;
    v
}
