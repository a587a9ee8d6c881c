//! All classes at once: a model (natively multiclass, or behind one-vs-rest / one-vs-one)
//! judged by stratified cross-validation, then fitted on every training image and measured on
//! the test images — `classify multiclass`.

use classify_datasets::TrainTest;
use classify_metrics::{accuracy_score, auc, roc_curve_macro, roc_curve_micro};
use classify_models::{Estimator, Features};
use classify_selection::{
    cross_val_predict, scores_per_fold, Cv, Response, Scoring, StratifiedKFold,
};
use ndarray::Array2;
use serde::Serialize;

use crate::detector::{check_index, mean};
use crate::model::{Model, ModelTask};
use crate::{thousands, Images, Progress, Result};

/// What the multiclass step is asked for.
#[derive(Debug, Clone, Copy)]
pub struct MulticlassOptions {
    /// The model.
    pub model: Model,
    /// Stratified folds (`None`: no cross-validation).
    pub folds: Option<usize>,
    /// Fit on every training image, measure on the test images and score image `index`.
    pub refit: bool,
    /// The training image whose scores are shown.
    pub index: usize,
    /// Also score every test image (for ROC curves) and give the one-vs-rest ROC AUCs.
    pub test_scores: bool,
}

/// The multiclass numbers (`classify multiclass --json`), and what figures are drawn from.
#[derive(Debug, Serialize)]
pub struct Multiclass {
    /// The dataset's name.
    pub dataset: String,
    /// Training images.
    pub n_train: usize,
    /// Test images.
    pub n_test: usize,
    /// The model, in words.
    pub model: String,
    /// How it handles many classes.
    pub strategy: &'static str,
    /// The classes it learned.
    pub classes: Vec<usize>,
    /// Estimators a fit makes.
    pub n_estimators: usize,
    /// Folds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folds: Option<usize>,
    /// Accuracy on each fold's held-out images.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fold_accuracy: Vec<f64>,
    /// Their mean.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_accuracy: Option<f64>,
    /// Accuracy on the test images of the model fitted on every training image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_accuracy: Option<f64>,
    /// With `test_scores`: the one-vs-rest ROC AUCs on the test images (micro, macro).
    pub test_roc_auc: Option<[f64; 2]>,
    /// The scores of one training image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Explained>,
    /// The predictions behind these numbers.
    #[serde(skip)]
    pub predictions: Predictions,
}

/// The out-of-fold and test predictions.
#[derive(Debug, Clone)]
pub struct Predictions {
    /// The training images' classes.
    pub y: Vec<usize>,
    /// Their out-of-fold predictions (empty without cross-validation).
    pub out_of_fold: Vec<usize>,
    /// The test images' classes.
    pub test_y: Vec<usize>,
    /// With `test_scores`: every test image's score of each class (one column per class).
    pub test_scores: Option<Array2<f64>>,
}

/// One training image, scored.
#[derive(Debug, Clone, Serialize)]
pub struct Explained {
    /// Its row.
    pub index: usize,
    /// Its label.
    pub label: u8,
    /// The predicted class.
    pub predicted: usize,
    /// Decision scores (or probabilities, for models without scores), one per class.
    pub scores: Vec<f64>,
    /// Which of the two.
    pub score_kind: &'static str,
}

/// Runs the multiclass step: `opts.model` cross-validated on stratified folds, fitted on
/// every training image, measured on the test images, and its scores of training image
/// `index` (either part may be left out).
///
/// ```
/// use classify_workflow::{multiclass, Model, ModelKind, MulticlassOptions};
///
/// let mut data = classify_datasets::mnist_sample()?;
/// data.train = data.train.head(1000);
/// let opts = MulticlassOptions {
///     model: Model::new(ModelKind::Sgd),
///     folds: Some(3),
///     refit: true,
///     index: 0,
///     test_scores: false,
/// };
/// let result = multiclass(&data, &opts, &())?;
/// assert_eq!(result.classes.len(), 10);
/// assert!(result.test_accuracy.unwrap() > 0.7);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn multiclass(
    data: &TrainTest,
    opts: &MulticlassOptions,
    progress: &dyn Progress,
) -> Result<Multiclass> {
    let (train, test) = (&data.train, &data.test);
    let index = opts.index;
    check_index(index, train.n_samples(), Images::Training)?;
    opts.model.check()?;
    let y: Vec<usize> = train.labels();
    let splits = match opts.folds {
        Some(folds) => StratifiedKFold::new(folds).split(&y)?,
        None => Vec::new(),
    };
    let one = train.data.slice(ndarray::s![index..index + 1, ..]);
    let n = thousands(y.len());
    progress.step(&match (opts.folds, opts.refit) {
        (Some(folds), true) => format!("{folds}-fold cross-validation, then a fit on {n} images"),
        (Some(folds), false) => format!("{folds}-fold cross-validation on {n} images"),
        (None, _) => format!("a fit on {n} images"),
    });
    let outcome = opts.model.run(Evaluate {
        x: (&train.data).into(),
        y: &y,
        test: (&test.data).into(),
        row: one.into(),
        cv: opts.folds.map(|_| Cv::Splits(splits.clone())),
        refit: opts.refit,
        test_scores: opts.test_scores,
    })?;
    let fold_accuracy = match opts.folds {
        Some(_) => scores_per_fold(&splits, &y, &outcome.fold_pred, Scoring::Accuracy)?,
        None => Vec::new(),
    };
    let test_y: Vec<usize> = test.labels();
    let test_roc_auc = outcome
        .test_scores
        .as_ref()
        .map(|s| one_vs_rest_auc(&test_y, s, &outcome.classes))
        .transpose()?;
    Ok(Multiclass {
        dataset: data.name.clone(),
        n_train: y.len(),
        n_test: test_y.len(),
        model: opts.model.name(),
        strategy: opts.model.strategy_name(),
        n_estimators: opts.model.n_estimators(outcome.classes.len()),
        classes: outcome.classes,
        folds: opts.folds,
        mean_accuracy: opts.folds.map(|_| mean(&fold_accuracy)),
        fold_accuracy,
        test_accuracy: outcome
            .test_pred
            .as_ref()
            .map(|pred| accuracy_score(&test_y, pred, None))
            .transpose()?,
        test_roc_auc,
        image: outcome.image.map(|(predicted, scores)| Explained {
            index,
            label: train.target[index],
            predicted,
            scores,
            score_kind: outcome.score_kind,
        }),
        predictions: Predictions {
            y,
            out_of_fold: outcome.fold_pred,
            test_y,
            test_scores: outcome.test_scores,
        },
    })
}

/// The micro- and macro-averaged one-vs-rest ROC AUCs of `scores` (one column per class of
/// `classes`) against `truth` (scikit-learn's ROC example).
pub fn one_vs_rest_auc(
    truth: &[usize],
    scores: &Array2<f64>,
    classes: &[usize],
) -> Result<[f64; 2]> {
    let flat: Vec<f64> = scores.iter().copied().collect();
    let micro = roc_curve_micro(truth, &flat, Some(classes), true)?;
    let macro_ = roc_curve_macro(truth, &flat, Some(classes))?;
    Ok([auc(&micro.fpr, &micro.tpr)?, auc(&macro_.fpr, &macro_.tpr)?])
}

/// What one model gives the step.
struct Outcome {
    fold_pred: Vec<usize>,
    test_pred: Option<Vec<usize>>,
    classes: Vec<usize>,
    /// The chosen image's predicted class and scores.
    image: Option<(usize, Vec<f64>)>,
    score_kind: &'static str,
    test_scores: Option<Array2<f64>>,
}

/// Cross-validates the estimator, fits it on every training image, predicts the test set
/// and scores the chosen image.
struct Evaluate<'a> {
    x: Features<'a>,
    y: &'a [usize],
    test: Features<'a>,
    row: Features<'a>,
    cv: Option<Cv>,
    refit: bool,
    /// Whether to score every test image.
    test_scores: bool,
}

impl ModelTask for Evaluate<'_> {
    type Output = Outcome;

    fn run<E, R>(self, estimator: E, response: R) -> Result<Outcome>
    where
        E: Estimator,
        R: Response<E::Model>,
    {
        use classify_models::Classifier;
        let fold_pred = match &self.cv {
            Some(cv) => cross_val_predict(&estimator, self.x, self.y, cv)?,
            None => Vec::new(),
        };
        let score_kind = match response.is_proba() {
            true => "probability",
            false => "decision function",
        };
        if !self.refit {
            let mut classes = self.y.to_vec();
            classes.sort_unstable();
            classes.dedup();
            return Ok(Outcome {
                fold_pred,
                test_pred: None,
                classes,
                image: None,
                score_kind,
                test_scores: None,
            });
        }
        let model = estimator.fit(self.x, self.y)?;
        let n_classes = model.classes().len();
        let scores = |x| -> Result<Array2<f64>> {
            Ok(per_class(
                response.responses(&model, x)?,
                n_classes,
                response.is_proba(),
            ))
        };
        Ok(Outcome {
            fold_pred,
            test_pred: Some(model.predict(self.test)?),
            classes: model.classes().to_vec(),
            image: Some((
                model.predict(self.row)?[0],
                scores(self.row)?.row(0).to_vec(),
            )),
            score_kind,
            test_scores: self.test_scores.then(|| scores(self.test)).transpose()?,
        })
    }
}

/// One column per class: a binary model's single column (the positive class's score)
/// becomes two, the negative class's being `1 - p` for probabilities and `-d` for decision
/// values.
fn per_class(scores: Array2<f64>, n_classes: usize, is_proba: bool) -> Array2<f64> {
    if n_classes != 2 || scores.ncols() != 1 {
        return scores;
    }
    Array2::from_shape_fn((scores.nrows(), 2), |(i, j)| {
        let s = scores[[i, 0]];
        match (j, is_proba) {
            (1, _) => s,
            (_, true) => 1.0 - s,
            (_, false) => -s,
        }
    })
}
