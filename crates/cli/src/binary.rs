//! `classify binary`: a cross-validated binary detector.

use anyhow::Context;
use classify_datasets::TrainTest;
use classify_metrics::{
    confusion_matrix, false_positive_rate_at, precision_recall_curve,
    precision_recall_fscore_support, roc_auc_score, ConfusionMatrix, CurveOptions, PrfOptions,
    ThresholdPoint,
};
use classify_models::{
    Classifier, DummyClassifier, Estimator, Features, RandomForestClassifier, SgdClassifier,
    SgdSolver, Svc,
};
use classify_preprocessing::Scaled;
use classify_selection::{
    cross_val_predict_proba, cross_val_response, scores_per_fold, CalibratedClassifierCV, Cv,
    Decision, Method, Objective, Proba, Response, Scoring, Split, StratifiedKFold,
    TunedThresholdClassifierCV,
};
use serde::Serialize;

use crate::args::{BinaryFigure, Common, CvArgs, ModelName};
use crate::data::{default_detector, load};
use crate::figures;
use crate::output::{self, spinner, thousands};
use indicatif::ProgressBar;

#[derive(Serialize)]
struct BinaryReport {
    dataset: String,
    digit: u8,
    n_train: usize,
    n_positive: usize,
    model: String,
    folds: usize,
    mean_accuracy: f64,
    #[serde(flatten)]
    summary: Summary,
    target_precision: f64,
    threshold: Option<ThresholdPoint>,
    /// With `--target-precision`: the threshold tuned by cross-validation, and what it gives
    /// on the test images.
    tuned: Option<TunedThreshold>,
    /// With `--calibrate`: the out-of-fold probabilities' losses before and after.
    calibration: Option<CalibrationReport>,
    image: ImagePrediction,
    /// SGD on the same folds, when another model was asked for.
    comparison: Option<Comparison>,
}

/// The detector's out-of-fold numbers, as `classify binary --json` and the report's
/// `results.json` both give them.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Summary {
    pub(crate) fold_accuracy: Vec<f64>,
    pub(crate) dummy_fold_accuracy: Vec<f64>,
    pub(crate) confusion_matrix: Vec<Vec<f64>>,
    pub(crate) precision: f64,
    pub(crate) recall: f64,
    pub(crate) f1: f64,
    pub(crate) roc_auc: f64,
}

#[derive(Serialize)]
struct TunedThreshold {
    threshold: f64,
    /// The best mean recall over the folds at the target precision.
    cv_recall: f64,
    test_images: usize,
    test_precision: f64,
    test_recall: f64,
}

#[derive(Serialize)]
struct CalibrationReport {
    method: Method,
    /// Brier score of the model's own out-of-fold probabilities (none for decision values).
    brier_before: Option<f64>,
    log_loss_before: Option<f64>,
    brier_after: f64,
    log_loss_after: f64,
}

/// The Brier score and log loss of out-of-fold probabilities before (`None` where the model
/// gives decision values) and after calibration.
fn calibration_report(
    method: Method,
    y: &[usize],
    before: Option<&Vec<f64>>,
    after: &[f64],
) -> anyhow::Result<CalibrationReport> {
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

#[derive(Serialize)]
struct Comparison {
    model: String,
    precision: f64,
    recall: f64,
    f1: f64,
    roc_auc: f64,
}

#[derive(Serialize)]
struct ImagePrediction {
    index: usize,
    label: u8,
    predicted_positive: bool,
    score: f64,
    /// Which model gave the score.
    score_from: &'static str,
}

/// The 5-detector's SGD: scikit-learn's solver unless `--solver` says otherwise, so that
/// the folds' numbers are scikit-learn's for the same seed.
fn sgd(common: &Common, cv: &CvArgs) -> SgdClassifier {
    SgdClassifier {
        random_state: common.seed,
        solver: cv.sgd_solver(SgdSolver::ScikitLearn),
        ..Default::default()
    }
}

fn forest(common: &Common) -> RandomForestClassifier {
    RandomForestClassifier {
        random_state: common.seed,
        ..Default::default()
    }
}

/// The score above which a model calls an image positive: 0 for decision functions, 0.5 for
/// probabilities.
fn decision_threshold(model: ModelName) -> f64 {
    match model {
        ModelName::Sgd | ModelName::Svc => 0.0,
        ModelName::Dummy | ModelName::Forest => 0.5,
    }
}

pub(crate) fn model_name(cv: &CvArgs) -> String {
    let base = match cv.model {
        ModelName::Sgd => "SGD (hinge loss, alpha 1e-4)",
        ModelName::Dummy => "dummy (most frequent class)",
        ModelName::Forest => "random forest (100 trees)",
        ModelName::Svc => "SVC (RBF kernel, C = 1, gamma = scale)",
    };
    if cv.scale {
        format!("standard scaling + {base}")
    } else {
        base.to_string()
    }
}

/// Something to do with the estimator that `--model` and `--scale` name, whatever its type:
/// [`with_model`] builds the estimator once and hands it over with the scores it is judged by.
trait ModelTask {
    type Output;
    fn run<E, R>(self, estimator: E, response: R) -> anyhow::Result<Self::Output>
    where
        E: Estimator,
        R: Response<E::Model>;
}

/// Runs `task` with the estimator `--model` and `--scale` name: decision values for SGD and
/// SVC, probabilities for the dummy and the forest.
fn with_model<T: ModelTask>(common: &Common, cv: &CvArgs, task: T) -> anyhow::Result<T::Output> {
    match (cv.model, cv.scale) {
        (ModelName::Sgd, false) => task.run(sgd(common, cv), Decision),
        (ModelName::Sgd, true) => task.run(Scaled::new(sgd(common, cv)), Decision),
        (ModelName::Dummy, _) => task.run(DummyClassifier::most_frequent(), Proba),
        (ModelName::Forest, false) => task.run(forest(common), Proba),
        (ModelName::Forest, true) => task.run(Scaled::new(forest(common)), Proba),
        (ModelName::Svc, false) => task.run(Svc::default(), Decision),
        (ModelName::Svc, true) => task.run(Scaled::new(Svc::default()), Decision),
    }
}

/// Out-of-fold scores of the positive class, and whether they are probabilities.
struct OutOfFold<'a> {
    x: Features<'a>,
    y: &'a [usize],
    splits: &'a [Split],
}

impl ModelTask for OutOfFold<'_> {
    type Output = Scored;

    fn run<E, R>(self, estimator: E, response: R) -> anyhow::Result<Self::Output>
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

    fn run<E, R>(self, estimator: E, response: R) -> anyhow::Result<f64>
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
    type Output = TunedThreshold;

    fn run<E, R>(self, estimator: E, response: R) -> anyhow::Result<TunedThreshold>
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
        Ok(TunedThreshold {
            threshold: tuned.thresholded.threshold,
            cv_recall: tuned.best_score,
            test_images: yt.len(),
            test_precision: prf.precision.values()[0],
            test_recall: prf.recall.values()[0],
        })
    }
}

/// Out-of-fold probabilities of the positive class from the model calibrated by `method` on
/// `folds` inner folds of each training part (`CalibratedClassifierCV`).
struct Calibrate<'a> {
    method: Method,
    oof: OutOfFold<'a>,
}

impl ModelTask for Calibrate<'_> {
    type Output = Vec<f64>;

    fn run<E, R>(self, estimator: E, response: R) -> anyhow::Result<Vec<f64>>
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

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// What `classify binary` is asked for besides the model and folds.
pub struct Options {
    /// The class to detect (`None`: the dataset's default detector).
    pub digit: Option<u8>,
    /// `--target-precision`.
    pub target: Option<f64>,
    /// `--calibrate`.
    pub calibrate: Option<Method>,
    /// Which figure `--out` writes.
    pub figure: BinaryFigure,
}

pub fn binary(common: &Common, cv: &CvArgs, opts: Options) -> anyhow::Result<()> {
    let target_precision = check_options(common, cv, &opts)?;
    let (data, digit, y, splits) = prepare(common, opts.digit)?;
    let (train, index, folds) = (&data.train, common.index, splits.len());
    let job = Job {
        common,
        cv,
        x: (&train.data).into(),
        y: &y,
        splits: &splits,
        folds,
    };
    let bar = job.spinner();
    let ((scores, is_proba), refitted) = job.scores_and_refit(index)?;
    let threshold = decision_threshold(cv.model);
    let detected = Detected::new(&job, scores, target_precision)?;
    let (score, score_from) = refitted.map_or((detected.scores[index], "out-of-fold"), |s| {
        (s, "fitted on every training image")
    });
    let comparison = job.comparison(&bar)?;
    let test_y = detector_target(&data.test.target, digit);
    let tuned = job.tune(&bar, opts.target, ((&data.test.data).into(), &test_y))?;
    let calibrated = job.calibrate(&bar, opts.calibrate)?;
    let calibration = calibrated
        .as_ref()
        .zip(opts.calibrate)
        .map(|(after, method)| {
            calibration_report(method, &y, is_proba.then_some(&detected.scores), after)
        })
        .transpose()?;
    bar.finish_and_clear();
    let d = &detected;
    let curves = Curves {
        scores: &d.scores,
        is_proba,
        calibrated: calibrated.as_deref().zip(opts.calibrate),
        pr: &d.pr,
        chosen: d.chosen.as_ref(),
        target: target_precision,
    };
    write_figure(common, opts.figure, (&y, &splits), &curves, &model_name(cv))?;
    let report = BinaryReport {
        dataset: data.name.clone(),
        digit,
        n_train: y.len(),
        n_positive: y.iter().sum(),
        model: model_name(cv),
        folds,
        mean_accuracy: mean(&d.summary.fold_accuracy),
        summary: d.summary.clone(),
        target_precision,
        threshold: d.chosen,
        tuned,
        calibration,
        image: ImagePrediction {
            index,
            label: train.target[index],
            predicted_positive: score > threshold,
            score,
            score_from,
        },
        comparison,
    };
    if common.json {
        return output::json(&report);
    }
    print_text(&report, &detected.cm, opts.target.is_some());
    Ok(())
}

/// What out-of-fold scores of the detector give: the numbers `classify binary` prints and
/// the report's detector section shows (computed in one place for both).
pub(crate) struct Detected {
    pub(crate) scores: Vec<f64>,
    pub(crate) summary: Summary,
    pub(crate) cm: ConfusionMatrix<usize>,
    pub(crate) pr: classify_metrics::PrCurve,
    /// The lowest threshold reaching the target precision.
    pub(crate) chosen: Option<ThresholdPoint>,
}

impl Detected {
    /// From the out-of-fold `scores` of `job`'s model on its folds (positive above the
    /// model's threshold), with the dummy's fold accuracies beside them.
    fn new(job: &Job<'_>, scores: Vec<f64>, target_precision: f64) -> anyhow::Result<Detected> {
        let (y, splits) = (job.y, job.splits);
        let threshold = decision_threshold(job.cv.model);
        let pred: Vec<usize> = scores.iter().map(|&s| usize::from(s > threshold)).collect();
        let prf = precision_recall_fscore_support(y, &pred, &PrfOptions::default())?;
        let pr = precision_recall_curve(y, &scores, &CurveOptions::pr())?;
        let cm = confusion_matrix(y, &pred)?;
        Ok(Detected {
            summary: Summary {
                fold_accuracy: scores_per_fold(splits, y, &pred, Scoring::Accuracy)?,
                dummy_fold_accuracy: dummy_fold_accuracy(job.x, y, splits)?,
                confusion_matrix: cm.to_rows(),
                precision: prf.precision.values()[0],
                recall: prf.recall.values()[0],
                f1: prf.fbeta.values()[0],
                roc_auc: roc_auc_score(y, &scores, None).context("ROC AUC")?,
            },
            cm,
            chosen: pr.threshold_for_precision(target_precision),
            pr,
            scores,
        })
    }

    /// The book's SGD detector on `splits` of `x`, `y` (no refit): the report's section.
    pub(crate) fn sgd(
        common: &Common,
        x: Features<'_>,
        y: &[usize],
        splits: &[Split],
        target_precision: f64,
    ) -> anyhow::Result<Detected> {
        let cv = CvArgs {
            model: ModelName::Sgd,
            scale: false,
            solver: None,
        };
        let job = Job {
            common,
            cv: &cv,
            x: x.reborrow(),
            y,
            splits,
            folds: splits.len(),
        };
        let (scores, _) = with_model(common, &cv, job.oof())?;
        Detected::new(&job, scores, target_precision)
    }
}

/// Out-of-fold scores of the positive class, and whether they are probabilities.
type Scored = (Vec<f64>, bool);

/// What [`prepare`] gives: the data, the digit, its target and the folds.
type Prepared = (TrainTest, u8, Vec<usize>, Vec<Split>);

/// The data, the detected digit (`--digit`, else the default detector), its 0/1 target and
/// the stratified folds, each checked.
fn prepare(common: &Common, digit: Option<u8>) -> anyhow::Result<Prepared> {
    let folds = common.folds(3)?;
    let data = load(common)?;
    let digit = digit.unwrap_or_else(|| default_detector(data.train.n_classes()));
    let y = detector_target(&data.train.target, digit);
    check_data(&data, digit, common.index)?;
    let splits = StratifiedKFold::new(folds).split(&y)?;
    check_counts(&y, digit, folds)?;
    Ok((data, digit, y, splits))
}

/// 1 where the label is `digit`, 0 elsewhere.
fn detector_target<'l>(labels: impl IntoIterator<Item = &'l u8>, digit: u8) -> Vec<usize> {
    labels
        .into_iter()
        .map(|&l| usize::from(l == digit))
        .collect()
}

/// The detector's training images, target and folds, and the model flags: what every
/// step of `classify binary` runs on.
struct Job<'a> {
    common: &'a Common,
    cv: &'a CvArgs,
    x: Features<'a>,
    y: &'a [usize],
    splits: &'a [Split],
    folds: usize,
}

impl<'a> Job<'a> {
    fn spinner(&self) -> ProgressBar {
        let n = thousands(self.y.len());
        let message = format!("cross-validating {} folds on {n} images", self.folds);
        spinner(self.common, &message)
    }

    /// One fit per fold gives everything: the scores, the predictions (score > 0, or
    /// p > 0.5), and per-fold accuracy on each test part.
    fn oof(&self) -> OutOfFold<'a> {
        OutOfFold {
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
    fn scores_and_refit(&self, index: usize) -> anyhow::Result<(Scored, Option<f64>)> {
        let row = self.x.select(&[index]);
        let row = row.view();
        let refit = || {
            (self.cv.model != ModelName::Forest)
                .then(|| {
                    let task = ScoreOne {
                        x: self.x.reborrow(),
                        y: self.y,
                        row,
                    };
                    with_model(self.common, self.cv, task)
                })
                .transpose()
        };
        let (out_of_fold, refitted) =
            rayon::join(|| with_model(self.common, self.cv, self.oof()), refit);
        Ok((out_of_fold?, refitted?))
    }

    /// SGD on the same folds, when the model is another one.
    fn comparison(&self, bar: &ProgressBar) -> anyhow::Result<Option<Comparison>> {
        if self.cv.model == ModelName::Sgd {
            return Ok(None);
        }
        bar.set_message("SGD on the same folds, for comparison");
        Ok(Some(sgd_comparison(self.common, self.cv, self.oof())?))
    }

    /// With `--target-precision`: the threshold tuned by cross-validation, measured on the
    /// test images (the dummy's constant score has no threshold to tune).
    fn tune(
        &self,
        bar: &ProgressBar,
        target: Option<f64>,
        test: (Features<'a>, &'a [usize]),
    ) -> anyhow::Result<Option<TunedThreshold>> {
        let Some(target) = target.filter(|_| self.cv.model != ModelName::Dummy) else {
            return Ok(None);
        };
        bar.set_message("tuning the threshold by cross-validation");
        let tune = Tune {
            target,
            folds: self.folds,
            train: (self.x, self.y),
            test,
        };
        Ok(Some(with_model(self.common, self.cv, tune)?))
    }

    /// With `--calibrate`: out-of-fold probabilities calibrated on inner folds.
    fn calibrate(
        &self,
        bar: &ProgressBar,
        method: Option<Method>,
    ) -> anyhow::Result<Option<Vec<f64>>> {
        let Some(method) = method else {
            return Ok(None);
        };
        bar.set_message("calibrating the probabilities on inner folds");
        let task = Calibrate {
            method,
            oof: self.oof(),
        };
        Ok(Some(with_model(self.common, self.cv, task)?))
    }
}

/// The figure `--out` asks for.
fn write_figure(
    common: &Common,
    figure: BinaryFigure,
    folds: (&[usize], &[Split]),
    curves: &Curves<'_>,
    model: &str,
) -> anyhow::Result<()> {
    let Some(out) = &common.out else {
        return Ok(());
    };
    draw(figure, out, folds, curves, model)?;
    if !common.json {
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}

/// Checks the options that need no data (figure format, target precision, a calibration
/// figure of a model without probabilities); returns the target precision.
fn check_options(common: &Common, cv: &CvArgs, opts: &Options) -> anyhow::Result<f64> {
    figures::check_out(common)?;
    let target_precision = opts.target.unwrap_or(0.9);
    if !(0.0..=1.0).contains(&target_precision) {
        anyhow::bail!("--target-precision {target_precision}: a precision is between 0 and 1");
    }
    let probabilities = decision_threshold(cv.model) == 0.5;
    if opts.figure == BinaryFigure::Calibration && !probabilities && opts.calibrate.is_none() {
        anyhow::bail!(
            "--figure calibration: the {} gives decision values, not probabilities; add \
             --calibrate sigmoid (or isotonic, temperature)",
            model_name(cv)
        );
    }
    Ok(target_precision)
}

/// Checks the digit and the image index against the loaded data.
fn check_data(data: &TrainTest, digit: u8, index: usize) -> anyhow::Result<()> {
    let train = &data.train;
    if usize::from(digit) >= train.n_classes() {
        anyhow::bail!(
            "--digit {digit}: {} has classes 0 to {}",
            data.name,
            train.n_classes() - 1
        );
    }
    if index >= train.n_samples() {
        anyhow::bail!(
            "--index {index} is out of range: {} training images",
            train.n_samples()
        );
    }
    Ok(())
}

/// Every fold's training part must hold both classes, or a model fitted on one class would
/// score the other with nothing to go on.
fn check_counts(y: &[usize], digit: u8, folds: usize) -> anyhow::Result<()> {
    let n_positive: usize = y.iter().sum();
    let n_negative = y.len() - n_positive;
    if n_positive < folds || n_negative < folds {
        anyhow::bail!(
            "--digit {digit}: the {} training images hold {n_positive} of digit {digit} and \
             {n_negative} others; {folds}-fold cross-validation needs at least {folds} of each \
             (use more images with --train, or fewer folds with --cv)",
            y.len(),
        );
    }
    Ok(())
}

/// The most-frequent-class baseline's accuracy on each fold.
fn dummy_fold_accuracy(x: Features<'_>, y: &[usize], splits: &[Split]) -> anyhow::Result<Vec<f64>> {
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

/// SGD's out-of-fold scores on the same folds, summarised beside another model's.
fn sgd_comparison(common: &Common, cv: &CvArgs, oof: OutOfFold<'_>) -> anyhow::Result<Comparison> {
    let sgd_cv = CvArgs {
        model: ModelName::Sgd,
        ..cv.clone()
    };
    let y = oof.y;
    let (s, _) = with_model(common, &sgd_cv, oof)?;
    let p: Vec<usize> = s.iter().map(|&v| usize::from(v > 0.0)).collect();
    let prf = precision_recall_fscore_support(y, &p, &PrfOptions::default())?;
    Ok(Comparison {
        model: model_name(&sgd_cv),
        precision: prf.precision.values()[0],
        recall: prf.recall.values()[0],
        f1: prf.fbeta.values()[0],
        roc_auc: roc_auc_score(y, &s, None).context("ROC AUC")?,
    })
}

/// The report as text on stdout.
fn print_text(report: &BinaryReport, cm: &ConfusionMatrix<usize>, tuning_asked: bool) {
    let (r, q) = (report, &report.summary);
    let (digit, folds, index) = (r.digit, r.folds, r.image.index);
    let fmt = |v: &[f64]| {
        v.iter()
            .map(|a| format!("{a:.4}"))
            .collect::<Vec<_>>()
            .join("  ")
    };
    println!(
        "{}-detector on {}: {} training images, {} positives ({:.1} %)",
        digit,
        r.dataset,
        thousands(r.n_train),
        thousands(r.n_positive),
        100.0 * r.n_positive as f64 / r.n_train as f64
    );
    println!(
        "model: {}, {}-fold stratified cross-validation\n",
        r.model, folds
    );
    println!(
        "accuracy per fold      {}   (mean {:.4})",
        fmt(&q.fold_accuracy),
        r.mean_accuracy
    );
    println!(
        "dummy (most frequent)  {}   (mean {:.4})\n",
        fmt(&q.dummy_fold_accuracy),
        mean(&q.dummy_fold_accuracy)
    );
    println!("out-of-fold confusion matrix (0 = not {digit}, 1 = {digit}):");
    print!("{cm}");
    println!(
        "\nprecision {:.4}   recall {:.4}   F1 {:.4}   ROC AUC {:.4}",
        q.precision, q.recall, q.f1, q.roc_auc
    );
    print_thresholds(r, tuning_asked);
    println!(
        "image {index} (label {}): {} (score {:.4}, {})",
        r.image.label,
        if r.image.predicted_positive {
            format!("a {digit}")
        } else {
            format!("not a {digit}")
        },
        r.image.score,
        r.image.score_from
    );
    if let Some(c) = &r.comparison {
        println!(
            "\ncompare {} on the same folds:\nprecision {:.4}   recall {:.4}   F1 {:.4}   ROC AUC {:.4}",
            c.model, c.precision, c.recall, c.f1, c.roc_auc
        );
    }
}

/// The threshold for the target precision, the tuned one and the calibration, as text.
fn print_thresholds(r: &BinaryReport, tuning_asked: bool) {
    let folds = r.folds;
    match &r.threshold {
        Some(t) => println!(
            "lowest threshold with precision >= {:.0} %: {:.4} (precision {:.4}, recall {:.4})",
            r.target_precision * 100.0,
            t.threshold,
            t.precision,
            t.recall
        ),
        None => println!(
            "no threshold reaches {:.0} % precision",
            r.target_precision * 100.0
        ),
    }
    if r.tuned.is_none() && tuning_asked {
        println!("the {} has no decision threshold to tune", r.model);
    }
    if let Some(t) = &r.tuned {
        println!(
            "threshold tuned by {folds}-fold cross-validation for precision >= {:.0} %: {:.4} \
             (cross-validated recall {:.4}); on the {} test images: precision {:.4}, recall {:.4}",
            r.target_precision * 100.0,
            t.threshold,
            t.cv_recall,
            thousands(t.test_images),
            t.test_precision,
            t.test_recall
        );
    }
    if let Some(c) = &r.calibration {
        let before = match (c.brier_before, c.log_loss_before) {
            (Some(b), Some(l)) => format!("Brier score {b:.4}, log loss {l:.4}"),
            _ => "decision values, no probabilities".to_string(),
        };
        println!(
            "out-of-fold probabilities: before calibration {before}; after {} calibration \
             Brier score {:.4}, log loss {:.4}",
            method_name(c.method),
            c.brier_after,
            c.log_loss_after
        );
    }
}

/// The out-of-fold results the figures are drawn from.
struct Curves<'a> {
    scores: &'a [f64],
    /// Whether `scores` are probabilities.
    is_proba: bool,
    /// With `--calibrate`: the calibrated out-of-fold probabilities, and how.
    calibrated: Option<(&'a [f64], Method)>,
    pr: &'a classify_metrics::PrCurve,
    chosen: Option<&'a ThresholdPoint>,
    target: f64,
}

/// Draws the figure `--out` asks for from the out-of-fold scores.
fn draw(
    figure: BinaryFigure,
    out: &std::path::Path,
    (y, splits): (&[usize], &[Split]),
    c: &Curves<'_>,
    model: &str,
) -> anyhow::Result<()> {
    let chart = match figure {
        BinaryFigure::Threshold => figures::threshold_chart(c.pr, c.chosen, c.target, model),
        BinaryFigure::Pr => figures::pr_chart(&[(model, c.pr)], c.chosen, c.target),
        BinaryFigure::Roc => {
            let roc = classify_metrics::roc_curve(y, c.scores, &CurveOptions::roc())?;
            let point = c
                .chosen
                .map(|t| -> anyhow::Result<_> {
                    let fpr =
                        false_positive_rate_at(y, c.scores, t.threshold, &CurveOptions::roc())?;
                    Ok((fpr, t.recall))
                })
                .transpose()?;
            figures::roc_chart(&[(model, &roc)], point, c.target)
        }
        BinaryFigure::RocCv => figures::roc_cv_chart(y, c.scores, splits, model)?,
        BinaryFigure::Det => figures::det_chart(y, &[(model, c.scores)])?,
        BinaryFigure::Calibration => {
            let mut curves: Vec<(String, &[f64])> = Vec::new();
            if c.is_proba {
                curves.push((model.to_string(), c.scores));
            }
            if let Some((p, method)) = c.calibrated {
                curves.push((format!("{model}, {} calibration", method_name(method)), p));
            }
            figures::calibration_chart(y, &curves)?
        }
    };
    chart.write(out)?;
    Ok(())
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Sigmoid => "sigmoid",
        Method::Isotonic => "isotonic",
        Method::Temperature => "temperature",
    }
}
