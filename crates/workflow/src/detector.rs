//! The binary detector ("is it a 5?") judged by cross-validation: the chapter's first step,
//! which `classify binary` prints and the report's detector section shows.

use classify_datasets::TrainTest;
use classify_metrics::{
    confusion_matrix, precision_recall_curve, precision_recall_fscore_support, roc_auc_score,
    ConfusionMatrix, CurveOptions, PrCurve, PrfOptions, ThresholdPoint,
};
use classify_models::{Classifier, DummyClassifier, Estimator, Features};
use classify_selection::{
    cross_val_predict_proba, cross_val_response, scores_per_fold, CalibratedClassifierCV, Cv,
    Method, Objective, Proba, Response, Scoring, Split, StratifiedKFold,
    TunedThresholdClassifierCV,
};
use serde::Serialize;

use crate::model::{Model, ModelKind, ModelTask};
use crate::{thousands, Error, Images, Progress, Result};

/// What the detector step is asked for.
#[derive(Debug, Clone, Copy)]
pub struct DetectorOptions {
    /// The model.
    pub model: Model,
    /// The class to detect (`None`: [`default_digit`]).
    pub digit: Option<u8>,
    /// Stratified folds.
    pub folds: usize,
    /// The training image to score.
    pub index: usize,
    /// The precision the threshold search aims for.
    pub target_precision: f64,
    /// Also tune the threshold by cross-validation for the best recall at the target
    /// precision, and measure it on the test images.
    pub tune: bool,
    /// Also calibrate the out-of-fold probabilities on inner folds.
    pub calibrate: Option<Method>,
}

impl DetectorOptions {
    /// The book's detector: `model` on 3 folds, the default digit, image 0, 90 % precision.
    pub fn new(model: Model) -> DetectorOptions {
        DetectorOptions {
            model,
            digit: None,
            folds: 3,
            index: 0,
            target_precision: 0.9,
            tune: false,
            calibrate: None,
        }
    }
}

/// The detector's numbers (what `classify binary --json` prints), and the out-of-fold
/// scores its figures are drawn from.
#[derive(Debug, Serialize)]
pub struct Detector {
    /// The dataset's name.
    pub dataset: String,
    /// The detected class.
    pub digit: u8,
    /// Training images.
    pub n_train: usize,
    /// Those of the detected class.
    pub n_positive: usize,
    /// The model, in words.
    pub model: String,
    /// Folds.
    pub folds: usize,
    /// Mean of the fold accuracies.
    pub mean_accuracy: f64,
    /// The out-of-fold numbers.
    #[serde(flatten)]
    pub summary: DetectorMetrics,
    /// The precision the threshold search aimed for.
    pub target_precision: f64,
    /// The lowest threshold reaching it.
    pub threshold: Option<ThresholdPoint>,
    /// The threshold tuned by cross-validation, and what it gives on the test images.
    pub tuned: Option<ThresholdTuning>,
    /// The out-of-fold probabilities' losses before and after calibration.
    pub calibration: Option<CalibrationReport>,
    /// The score of training image `index`.
    pub image: ImagePrediction,
    /// SGD on the same folds, when another model was asked for.
    pub comparison: Option<Comparison>,
    /// The out-of-fold scores behind these numbers.
    #[serde(skip)]
    pub out_of_fold: OutOfFold,
}

/// The detector's out-of-fold numbers, as `classify binary --json` and the report's
/// `results.json` both give them.
#[derive(Debug, Clone, Serialize)]
pub struct DetectorMetrics {
    /// Accuracy on each fold's held-out images.
    pub fold_accuracy: Vec<f64>,
    /// The most-frequent-class baseline's accuracy on each fold.
    pub dummy_fold_accuracy: Vec<f64>,
    /// Out-of-fold confusion matrix (rows: true class 0, 1).
    pub confusion_matrix: Vec<Vec<f64>>,
    /// Precision of the positive class.
    pub precision: f64,
    /// Recall of the positive class.
    pub recall: f64,
    /// F1 of the positive class.
    pub f1: f64,
    /// Area under the ROC curve of the out-of-fold scores.
    pub roc_auc: f64,
}

/// The out-of-fold scores and what is drawn from them.
#[derive(Debug, Clone)]
pub struct OutOfFold {
    /// 1 where the training image is of the detected class.
    pub y: Vec<usize>,
    /// The folds.
    pub splits: Vec<Split>,
    /// Out-of-fold score of the positive class of every training image.
    pub scores: Vec<f64>,
    /// Whether `scores` are probabilities.
    pub is_proba: bool,
    /// The precision-recall curve of `scores`.
    pub pr: PrCurve,
    /// The out-of-fold confusion matrix.
    pub confusion: ConfusionMatrix<usize>,
    /// With calibration: the calibrated out-of-fold probabilities.
    pub calibrated: Option<Vec<f64>>,
}

/// A threshold tuned by cross-validation (`TunedThresholdClassifierCV`).
#[derive(Debug, Clone, Serialize)]
pub struct ThresholdTuning {
    /// The threshold.
    pub threshold: f64,
    /// The best mean recall over the folds at the target precision.
    pub cv_recall: f64,
    /// Test images it was measured on.
    pub test_images: usize,
    /// Precision on them.
    pub test_precision: f64,
    /// Recall on them.
    pub test_recall: f64,
}

/// Losses of the out-of-fold probabilities before and after calibration.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationReport {
    /// How they were calibrated.
    pub method: Method,
    /// Brier score of the model's own out-of-fold probabilities (none for decision values).
    pub brier_before: Option<f64>,
    /// Log loss of the same.
    pub log_loss_before: Option<f64>,
    /// Brier score after calibration.
    pub brier_after: f64,
    /// Log loss after calibration.
    pub log_loss_after: f64,
}

/// SGD's numbers on the same folds.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The model, in words.
    pub model: String,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// ROC AUC.
    pub roc_auc: f64,
}

/// One training image, scored.
#[derive(Debug, Clone, Serialize)]
pub struct ImagePrediction {
    /// Its row.
    pub index: usize,
    /// Its label.
    pub label: u8,
    /// Whether the model calls it positive.
    pub predicted_positive: bool,
    /// Its score.
    pub score: f64,
    /// Which model gave the score.
    pub score_from: &'static str,
}

/// The book's detected digit: 5, or the last class of a dataset with fewer than six.
pub fn default_digit(n_classes: usize) -> u8 {
    n_classes.saturating_sub(1).min(5) as u8
}

/// 1 where the label is `digit`, 0 elsewhere.
pub fn detector_target<'l>(labels: impl IntoIterator<Item = &'l u8>, digit: u8) -> Vec<usize> {
    labels
        .into_iter()
        .map(|&l| usize::from(l == digit))
        .collect()
}

/// Runs the detector: out-of-fold scores of `opts.model` on stratified folds of the
/// training images (and, beside them, a fit on every image to score image `index`; a
/// forest's would cost as much as another fold, so its image keeps its out-of-fold score),
/// the dummy's fold accuracies, the confusion matrix, precision / recall / F1, ROC AUC, the
/// precision-recall curve and the threshold for the target precision; then, as asked, SGD on
/// the same folds, a threshold tuned by cross-validation and calibrated probabilities.
///
/// ```
/// use classify_workflow::{detector, DetectorOptions, Model, ModelKind};
///
/// let mut data = classify_datasets::mnist_sample()?;
/// data.train = data.train.head(1000);
/// let result = detector(&data, &DetectorOptions::new(Model::new(ModelKind::Sgd)), &())?;
/// assert_eq!(result.digit, 5);
/// assert!(result.summary.roc_auc > 0.9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn detector(
    data: &TrainTest,
    opts: &DetectorOptions,
    progress: &dyn Progress,
) -> Result<Detector> {
    let model = &opts.model;
    let train = &data.train;
    let digit = check_options(data, opts)?;
    let y = detector_target(&train.target, digit);
    let splits = StratifiedKFold::new(opts.folds).split(&y)?;
    check_counts(&y, digit, opts.folds)?;
    let job = Job {
        model,
        x: (&train.data).into(),
        y: &y,
        splits: &splits,
    };
    progress.step(&format!(
        "cross-validating {} folds on {} images",
        opts.folds,
        thousands(y.len())
    ));
    let ((scores, is_proba), refitted) = job.scores_and_refit(opts.index)?;
    let detected = Detected::new(&job, scores, opts.target_precision)?;
    let index = opts.index;
    let (score, score_from) = refitted.map_or((detected.scores[index], "out-of-fold"), |s| {
        (s, "fitted on every training image")
    });
    let comparison = job.comparison(progress)?;
    let test_y = detector_target(&data.test.target, digit);
    let test = ((&data.test.data).into(), test_y.as_slice());
    let tuned = (opts.tune && model.kind != ModelKind::Dummy)
        .then(|| job.tune(progress, opts.target_precision, test))
        .transpose()?;
    let calibrated = opts
        .calibrate
        .map(|method| job.calibrate(progress, method))
        .transpose()?;
    let calibration = calibrated
        .as_ref()
        .zip(opts.calibrate)
        .map(|(after, method)| {
            calibration_report(method, &y, is_proba.then_some(&detected.scores), after)
        })
        .transpose()?;
    let d = detected;
    Ok(Detector {
        dataset: data.name.clone(),
        digit,
        n_train: y.len(),
        n_positive: y.iter().sum(),
        model: model.name(),
        folds: opts.folds,
        mean_accuracy: mean(&d.summary.fold_accuracy),
        summary: d.summary,
        target_precision: opts.target_precision,
        threshold: d.chosen,
        tuned,
        calibration,
        image: ImagePrediction {
            index,
            label: train.target[index],
            predicted_positive: score > model.decision_threshold(),
            score,
            score_from,
        },
        comparison,
        out_of_fold: OutOfFold {
            y,
            splits,
            scores: d.scores,
            is_proba,
            pr: d.pr,
            confusion: d.cm,
            calibrated,
        },
    })
}

/// The mean of `v` (0 when empty).
pub fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// The Brier score and log loss of out-of-fold probabilities before (`None` where the model
/// gives decision values) and after calibration.
fn calibration_report(
    method: Method,
    y: &[usize],
    before: Option<&Vec<f64>>,
    after: &[f64],
) -> Result<CalibrationReport> {
    let brier = |p: &[f64]| classify_metrics::brier_score_loss(y, p, None, None);
    let log_loss = |p: &[f64]| classify_metrics::log_loss(y, p, None, None);
    Ok(CalibrationReport {
        method,
        brier_before: before.map(|p| brier(p)).transpose()?,
        log_loss_before: before.map(|p| log_loss(p)).transpose()?,
        brier_after: brier(after)?,
        log_loss_after: log_loss(after)?,
    })
}

/// What out-of-fold scores of the detector give.
struct Detected {
    scores: Vec<f64>,
    summary: DetectorMetrics,
    cm: ConfusionMatrix<usize>,
    pr: PrCurve,
    /// The lowest threshold reaching the target precision.
    chosen: Option<ThresholdPoint>,
}

impl Detected {
    /// From the out-of-fold `scores` of `job`'s model on its folds (positive above the
    /// model's threshold), with the dummy's fold accuracies beside them.
    fn new(job: &Job<'_>, scores: Vec<f64>, target_precision: f64) -> Result<Detected> {
        let (y, splits) = (job.y, job.splits);
        let threshold = job.model.decision_threshold();
        let pred: Vec<usize> = scores.iter().map(|&s| usize::from(s > threshold)).collect();
        let prf = precision_recall_fscore_support(y, &pred, &PrfOptions::default())?;
        let pr = precision_recall_curve(y, &scores, &CurveOptions::pr())?;
        let cm = confusion_matrix(y, &pred)?;
        Ok(Detected {
            summary: DetectorMetrics {
                fold_accuracy: scores_per_fold(splits, y, &pred, Scoring::Accuracy)?,
                dummy_fold_accuracy: dummy_fold_accuracy(job.x, y, splits)?,
                confusion_matrix: cm.to_rows(),
                precision: prf.precision.values()[0],
                recall: prf.recall.values()[0],
                f1: prf.fbeta.values()[0],
                roc_auc: roc_auc_score(y, &scores, None)?,
            },
            cm,
            chosen: pr.threshold_for_precision(target_precision),
            pr,
            scores,
        })
    }
}

/// Out-of-fold scores of the positive class, and whether they are probabilities.
type Scored = (Vec<f64>, bool);

/// The detector's training images, target and folds, and the model: what every part of the
/// step runs on.
struct Job<'a> {
    model: &'a Model,
    x: Features<'a>,
    y: &'a [usize],
    splits: &'a [Split],
}

impl<'a> Job<'a> {
    /// One fit per fold gives everything: the scores, the predictions (score > 0, or
    /// p > 0.5), and per-fold accuracy on each test part.
    fn oof(&self) -> OutOfFoldTask<'a> {
        OutOfFoldTask {
            x: self.x,
            y: self.y,
            splits: self.splits,
        }
    }

    /// The out-of-fold scores (and whether they are probabilities), and the score of image
    /// `index` by the model refitted on every image — which runs beside the folds (one core would
    /// otherwise idle while the last of three folds runs on two): `classify binary` on
    /// Fashion-MNIST 5.6 → 4.0 s. A forest refit on every image costs as much as another
    /// fold: none is made (the image's score is then its out-of-fold one).
    fn scores_and_refit(&self, index: usize) -> Result<(Scored, Option<f64>)> {
        let row = self.x.select(&[index]);
        let row = row.view();
        let refit = || {
            (self.model.kind != ModelKind::Forest)
                .then(|| {
                    self.model.run(ScoreOne {
                        x: self.x.reborrow(),
                        y: self.y,
                        row,
                    })
                })
                .transpose()
        };
        let (out_of_fold, refitted) = rayon::join(|| self.model.run(self.oof()), refit);
        Ok((out_of_fold?, refitted?))
    }

    /// SGD on the same folds, when the model is another one.
    fn comparison(&self, progress: &dyn Progress) -> Result<Option<Comparison>> {
        if self.model.kind == ModelKind::Sgd {
            return Ok(None);
        }
        progress.step("SGD on the same folds, for comparison");
        let sgd = Model {
            kind: ModelKind::Sgd,
            strategy: None,
            ..*self.model
        };
        let (s, _) = sgd.run(self.oof())?;
        let p: Vec<usize> = s.iter().map(|&v| usize::from(v > 0.0)).collect();
        let prf = precision_recall_fscore_support(self.y, &p, &PrfOptions::default())?;
        Ok(Some(Comparison {
            model: sgd.name(),
            precision: prf.precision.values()[0],
            recall: prf.recall.values()[0],
            f1: prf.fbeta.values()[0],
            roc_auc: roc_auc_score(self.y, &s, None)?,
        }))
    }

    /// The threshold tuned by cross-validation, measured on the test images.
    fn tune(
        &self,
        progress: &dyn Progress,
        target: f64,
        test: (Features<'a>, &'a [usize]),
    ) -> Result<ThresholdTuning> {
        progress.step("tuning the threshold by cross-validation");
        self.model.run(Tune {
            target,
            folds: self.splits.len(),
            train: (self.x, self.y),
            test,
        })
    }

    /// Out-of-fold probabilities calibrated on inner folds.
    fn calibrate(&self, progress: &dyn Progress, method: Method) -> Result<Vec<f64>> {
        progress.step("calibrating the probabilities on inner folds");
        self.model.run(Calibrate {
            method,
            oof: self.oof(),
        })
    }
}

/// Out-of-fold scores of the positive class, and whether they are probabilities.
struct OutOfFoldTask<'a> {
    x: Features<'a>,
    y: &'a [usize],
    splits: &'a [Split],
}

impl ModelTask for OutOfFoldTask<'_> {
    type Output = Scored;

    fn run<E, R>(self, estimator: E, response: R) -> Result<Scored>
    where
        E: Estimator,
        R: Response<E::Model>,
    {
        let cvs = Cv::Splits(self.splits.to_vec());
        let scores = cross_val_response(&estimator, response, self.x, self.y, &cvs)?;
        Ok((scores.column(0).to_vec(), response.is_proba()))
    }
}

/// Fits on every training image and scores one image.
struct ScoreOne<'a> {
    x: Features<'a>,
    y: &'a [usize],
    row: Features<'a>,
}

impl ModelTask for ScoreOne<'_> {
    type Output = f64;

    fn run<E, R>(self, estimator: E, response: R) -> Result<f64>
    where
        E: Estimator,
        R: Response<E::Model>,
    {
        let model = estimator.fit(self.x, self.y)?;
        Ok(response.scores(&model, self.row)?[0])
    }
}

/// Tunes the threshold for the best cross-validated recall at precision `target`, refits on
/// the training images and measures the result on the test images.
struct Tune<'a> {
    target: f64,
    folds: usize,
    train: (Features<'a>, &'a [usize]),
    test: (Features<'a>, &'a [usize]),
}

impl ModelTask for Tune<'_> {
    type Output = ThresholdTuning;

    fn run<E, R>(self, estimator: E, response: R) -> Result<ThresholdTuning>
    where
        E: Estimator,
        R: Response<E::Model>,
    {
        let ((x, y), (xt, yt)) = (self.train, self.test);
        let tuned = TunedThresholdClassifierCV {
            cv: self.folds,
            ..TunedThresholdClassifierCV::new(estimator, response)
        }
        .objective(Objective::RecallAtPrecision(self.target))
        .fit(x, y)?;
        let pred = tuned.predict(xt)?;
        let prf = precision_recall_fscore_support(yt, &pred, &PrfOptions::default())?;
        Ok(ThresholdTuning {
            threshold: tuned.thresholded.threshold,
            cv_recall: tuned.best_score,
            test_images: yt.len(),
            test_precision: prf.precision.values()[0],
            test_recall: prf.recall.values()[0],
        })
    }
}

/// Out-of-fold probabilities of the positive class from the model calibrated by `method` on
/// as many inner folds of each training part (`CalibratedClassifierCV`).
struct Calibrate<'a> {
    method: Method,
    oof: OutOfFoldTask<'a>,
}

impl ModelTask for Calibrate<'_> {
    type Output = Vec<f64>;

    fn run<E, R>(self, estimator: E, response: R) -> Result<Vec<f64>>
    where
        E: Estimator,
        R: Response<E::Model>,
    {
        let calibrated = CalibratedClassifierCV {
            cv: self.oof.splits.len(),
            ..CalibratedClassifierCV::new(estimator, response)
        }
        .method(self.method);
        Ok(self.oof.run(calibrated, Proba)?.0)
    }
}

/// Checks the target precision, and the digit and the image index against the data; returns
/// the digit.
fn check_options(data: &TrainTest, opts: &DetectorOptions) -> Result<u8> {
    if !(0.0..=1.0).contains(&opts.target_precision) {
        return Err(Error::option(
            "target_precision",
            opts.target_precision,
            "a precision is between 0 and 1",
        ));
    }
    let train = &data.train;
    let digit = opts
        .digit
        .unwrap_or_else(|| default_digit(train.n_classes()));
    if usize::from(digit) >= train.n_classes() {
        return Err(Error::option(
            "digit",
            digit,
            format!("{} has classes 0 to {}", data.name, train.n_classes() - 1),
        ));
    }
    check_index(opts.index, train.n_samples(), Images::Training)?;
    Ok(digit)
}

/// Checks that image `index` is one of the `n` images `of`.
pub(crate) fn check_index(index: usize, n: usize, of: Images) -> Result<()> {
    if index >= n {
        return Err(Error::Index { index, n, of });
    }
    Ok(())
}

/// Every fold's training part must hold both classes, or a model fitted on one class would
/// score the other with nothing to go on.
fn check_counts(y: &[usize], digit: u8, folds: usize) -> Result<()> {
    let n_positive: usize = y.iter().sum();
    let n_negative = y.len() - n_positive;
    if n_positive < folds || n_negative < folds {
        return Err(Error::TooFewPerClass {
            digit,
            n_train: y.len(),
            n_positive,
            n_negative,
            n_folds: folds,
        });
    }
    Ok(())
}

/// The most-frequent-class baseline's accuracy on each fold.
fn dummy_fold_accuracy(x: Features<'_>, y: &[usize], splits: &[Split]) -> Result<Vec<f64>> {
    let dummy = cross_val_predict_proba(
        &DummyClassifier::most_frequent(),
        x,
        y,
        &Cv::Splits(splits.to_vec()),
    )?;
    let pred: Vec<usize> = dummy
        .column(1)
        .iter()
        .map(|&p| usize::from(p > 0.5))
        .collect();
    Ok(scores_per_fold(splits, y, &pred, Scoring::Accuracy)?)
}

/// The random forest on the detector's folds (the report's comparison with SGD): its
/// out-of-fold probabilities' precision, recall, F1 and ROC AUC, and their losses before and
/// after calibration.
#[derive(Debug, Serialize)]
pub struct ForestComparison {
    /// Precision of the positive class (probability above 0.5).
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// ROC AUC of the probabilities.
    pub roc_auc: f64,
    /// The probabilities' Brier score and log loss, uncalibrated ("none") then per method.
    #[serde(skip)]
    pub calibration: Vec<CalibrationLoss>,
    /// The out-of-fold probabilities, uncalibrated.
    #[serde(skip)]
    pub proba: Vec<f64>,
    /// The calibrated ones, per method asked.
    #[serde(skip)]
    pub calibrated: Vec<(Method, Vec<f64>)>,
}

/// The losses of out-of-fold probabilities, uncalibrated (`method` "none") or calibrated.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationLoss {
    /// "none", "sigmoid", "isotonic" or "temperature".
    pub method: &'static str,
    /// Brier score.
    pub brier_score: f64,
    /// Log loss.
    pub log_loss: f64,
}

/// Calibration method's name.
pub fn method_name(m: Method) -> &'static str {
    match m {
        Method::Sigmoid => "sigmoid",
        Method::Isotonic => "isotonic",
        Method::Temperature => "temperature",
    }
}

/// The random forest (`random_state` = `seed`) on the folds of `detector` (a result of
/// [`detector`] on the same `data`), its probabilities calibrated by each of `methods` on as
/// many inner folds of each training part (`CalibratedClassifierCV`).
pub fn forest_comparison(
    data: &TrainTest,
    detector: &Detector,
    seed: u64,
    methods: &[Method],
    progress: &dyn Progress,
) -> Result<ForestComparison> {
    let oof = &detector.out_of_fold;
    if oof.y.len() != data.train.n_samples() {
        return Err(classify_core::Error::LengthMismatch {
            rows: data.train.n_samples(),
            targets: oof.y.len(),
        }
        .into());
    }
    let forest = Model {
        seed,
        ..Model::new(ModelKind::Forest)
    };
    let job = Job {
        model: &forest,
        x: (&data.train.data).into(),
        y: &oof.y,
        splits: &oof.splits,
    };
    progress.step(&format!(
        "the {}-detector: random forest, {}-fold cross-validation",
        detector.digit, detector.folds
    ));
    let (proba, _) = forest.run(job.oof())?;
    let pred: Vec<usize> = proba.iter().map(|&p| usize::from(p > 0.5)).collect();
    let prf = precision_recall_fscore_support(&oof.y, &pred, &PrfOptions::default())?;
    let loss = |method: &'static str, p: &[f64]| -> Result<CalibrationLoss> {
        Ok(CalibrationLoss {
            method,
            brier_score: classify_metrics::brier_score_loss(&oof.y, p, None, None)?,
            log_loss: classify_metrics::log_loss(&oof.y, p, None, None)?,
        })
    };
    let mut calibration = vec![loss("none", &proba)?];
    let mut calibrated = Vec::new();
    for &method in methods {
        let p = job.calibrate(progress, method)?;
        calibration.push(loss(method_name(method), &p)?);
        calibrated.push((method, p));
    }
    Ok(ForestComparison {
        precision: prf.precision.values()[0],
        recall: prf.recall.values()[0],
        f1: prf.fbeta.values()[0],
        roc_auc: roc_auc_score(&oof.y, &proba, None)?,
        calibration,
        proba,
        calibrated,
    })
}
