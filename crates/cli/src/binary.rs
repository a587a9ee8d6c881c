//! `classify binary`: a cross-validated binary detector.

use anyhow::Context;
use classify_metrics::{
    confusion_matrix, precision_recall_curve, precision_recall_fscore_support, roc_auc_score,
    ConfusionMatrix, CurveOptions, PrfOptions, ThresholdPoint,
};
use classify_models::{
    Classifier, DecisionFunction, DummyClassifier, Estimator, Features, PredictProba,
    RandomForestClassifier, SgdClassifier, SgdSolver, Svc,
};
use classify_preprocessing::Scaled;
use classify_selection::{
    cross_val_decision_function, cross_val_predict_proba, Cv, Decision, Objective, Proba, Response,
    Split, StratifiedKFold, TunedThresholdClassifierCV,
};
use ndarray::Array2;
use serde::Serialize;

use crate::args::{BinaryFigure, Common, CvArgs, ModelName};
use crate::data::load;
use crate::figures::{self, per_fold_accuracy};
use crate::output::{self, spinner, thousands};

#[derive(Serialize)]
struct BinaryReport {
    dataset: String,
    digit: u8,
    n_train: usize,
    n_positive: usize,
    model: String,
    folds: usize,
    fold_accuracy: Vec<f64>,
    mean_accuracy: f64,
    dummy_fold_accuracy: Vec<f64>,
    confusion_matrix: Vec<Vec<f64>>,
    precision: f64,
    recall: f64,
    f1: f64,
    roc_auc: f64,
    target_precision: f64,
    threshold: Option<ThresholdPoint>,
    /// With `--target-precision`: the threshold tuned by cross-validation, and what it gives
    /// on the test images.
    tuned: Option<TunedThreshold>,
    image: ImagePrediction,
    /// SGD on the same folds, when another model was asked for.
    comparison: Option<Comparison>,
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

/// Out-of-fold scores of the positive class (decision function, or probability for the dummy
/// and the forest).
fn oof_scores(
    common: &Common,
    cv: &CvArgs,
    x: Features<'_>,
    y: &[usize],
    splits: &[Split],
) -> anyhow::Result<Vec<f64>> {
    let cvs = Cv::Splits(splits.to_vec());
    let scores: Array2<f64> = match (cv.model, cv.scale) {
        (ModelName::Sgd, false) => cross_val_decision_function(&sgd(common, cv), x, y, &cvs)?,
        (ModelName::Sgd, true) => {
            cross_val_decision_function(&Scaled::new(sgd(common, cv)), x, y, &cvs)?
        }
        (ModelName::Dummy, _) => {
            cross_val_predict_proba(&DummyClassifier::most_frequent(), x, y, &cvs)?
        }
        (ModelName::Forest, false) => cross_val_predict_proba(&forest(common), x, y, &cvs)?,
        (ModelName::Forest, true) => {
            cross_val_predict_proba(&Scaled::new(forest(common)), x, y, &cvs)?
        }
        (ModelName::Svc, false) => cross_val_decision_function(&Svc::default(), x, y, &cvs)?,
        (ModelName::Svc, true) => {
            cross_val_decision_function(&Scaled::new(Svc::default()), x, y, &cvs)?
        }
    };
    Ok(scores.column(scores.ncols() - 1).to_vec())
}

/// Fits on every training image and scores one image.
fn score_one(
    common: &Common,
    cv: &CvArgs,
    x: Features<'_>,
    y: &[usize],
    row: Features<'_>,
) -> anyhow::Result<f64> {
    Ok(match (cv.model, cv.scale) {
        (ModelName::Sgd, false) => sgd(common, cv).fit(x, y)?.decision_function(row)?[[0, 0]],
        (ModelName::Sgd, true) => Scaled::new(sgd(common, cv))
            .fit(x, y)?
            .decision_function(row)?[[0, 0]],
        (ModelName::Dummy, _) => DummyClassifier::most_frequent()
            .fit(x, y)?
            .predict_proba(row)?[[0, 1]],
        (ModelName::Forest, false) => forest(common).fit(x, y)?.predict_proba(row)?[[0, 1]],
        (ModelName::Forest, true) => {
            Scaled::new(forest(common)).fit(x, y)?.predict_proba(row)?[[0, 1]]
        }
        (ModelName::Svc, false) => Svc::default().fit(x, y)?.decision_function(row)?[[0, 0]],
        (ModelName::Svc, true) => Scaled::new(Svc::default())
            .fit(x, y)?
            .decision_function(row)?[[0, 0]],
    })
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// Tunes the threshold of `estimator` for the best cross-validated recall at precision
/// `target`, refits it on the training images and measures it on the test images.
fn tune<E, R>(
    estimator: E,
    response: R,
    target: f64,
    folds: usize,
    (x, y): (Features<'_>, &[usize]),
    (xt, yt): (Features<'_>, &[usize]),
) -> anyhow::Result<TunedThreshold>
where
    E: Estimator,
    R: Response<E::Model>,
{
    let tuned = TunedThresholdClassifierCV {
        cv: folds,
        ..TunedThresholdClassifierCV::new(estimator, response)
    }
    .objective(Objective::RecallAtPrecision(target))
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

/// [`tune`] for the model `--model` names (the dummy has no threshold to tune).
fn tuned_threshold(
    common: &Common,
    cv: &CvArgs,
    target: f64,
    folds: usize,
    train: (Features<'_>, &[usize]),
    test: (Features<'_>, &[usize]),
) -> anyhow::Result<Option<TunedThreshold>> {
    Ok(Some(match (cv.model, cv.scale) {
        (ModelName::Dummy, _) => return Ok(None),
        (ModelName::Sgd, false) => tune(sgd(common, cv), Decision, target, folds, train, test)?,
        (ModelName::Sgd, true) => {
            let model = Scaled::new(sgd(common, cv));
            tune(model, Decision, target, folds, train, test)?
        }
        (ModelName::Forest, false) => tune(forest(common), Proba, target, folds, train, test)?,
        (ModelName::Forest, true) => tune(
            Scaled::new(forest(common)),
            Proba,
            target,
            folds,
            train,
            test,
        )?,
        (ModelName::Svc, false) => tune(Svc::default(), Decision, target, folds, train, test)?,
        (ModelName::Svc, true) => tune(
            Scaled::new(Svc::default()),
            Decision,
            target,
            folds,
            train,
            test,
        )?,
    }))
}

pub fn binary(
    common: &Common,
    cv: &CvArgs,
    digit: u8,
    target: Option<f64>,
    figure: BinaryFigure,
) -> anyhow::Result<()> {
    figures::check_out(common)?;
    let target_precision = target.unwrap_or(0.9);
    if !(0.0..=1.0).contains(&target_precision) {
        anyhow::bail!("--target-precision {target_precision}: a precision is between 0 and 1");
    }
    let folds = common.folds(3)?;
    let data = load(common)?;
    let train = &data.train;
    if usize::from(digit) >= train.n_classes() {
        anyhow::bail!(
            "--digit {digit}: {} has classes 0 to {}",
            data.name,
            train.n_classes() - 1
        );
    }
    let y: Vec<usize> = train
        .target
        .iter()
        .map(|&l| usize::from(l == digit))
        .collect();
    let n_positive: usize = y.iter().sum();
    let n_negative = y.len() - n_positive;
    let x: Features<'_> = (&train.data).into();
    let splits = StratifiedKFold::new(folds).split(&y)?;
    // Every fold's training part must hold both classes, or a model fitted on one class
    // would score the other with nothing to go on.
    if n_positive < folds || n_negative < folds {
        anyhow::bail!(
            "--digit {digit}: the {} training images hold {n_positive} of digit {digit} and \
             {n_negative} others; {}-fold cross-validation needs at least {} of each \
             (use more images with --train, or fewer folds with --cv)",
            y.len(),
            folds,
            folds
        );
    }
    let bar = spinner(
        common,
        &format!(
            "cross-validating {} folds on {} images",
            folds,
            thousands(y.len())
        ),
    );
    // One fit per fold gives everything: the scores, the predictions (score > 0, or p > 0.5),
    // and per-fold accuracy on each test part.
    let scores = oof_scores(common, cv, x, &y, &splits)?;
    let threshold = decision_threshold(cv.model);
    let pred: Vec<usize> = scores.iter().map(|&s| usize::from(s > threshold)).collect();
    let fold_accuracy = per_fold_accuracy(&splits, &y, &pred)?;
    bar.set_message("dummy baseline");
    let dummy = cross_val_predict_proba(
        &DummyClassifier::most_frequent(),
        x,
        &y,
        &Cv::Splits(splits.clone()),
    )?;
    let dummy_pred: Vec<usize> = dummy
        .column(1)
        .iter()
        .map(|&p| usize::from(p > 0.5))
        .collect();
    let dummy_fold_accuracy = per_fold_accuracy(&splits, &y, &dummy_pred)?;
    bar.set_message("fitting on the whole training set");
    let index = common.index;
    if index >= train.n_samples() {
        anyhow::bail!(
            "--index {index} is out of range: {} training images",
            train.n_samples()
        );
    }
    let one = train.data.slice(ndarray::s![index..index + 1, ..]);
    // A forest refit on every image costs as much as another fold: its score for the image
    // is the out-of-fold one (from the fold that held the image out).
    let (score, score_from) = if cv.model == ModelName::Forest {
        (scores[index], "out-of-fold")
    } else {
        (
            score_one(common, cv, x, &y, one.into())?,
            "fitted on every training image",
        )
    };
    let comparison = if cv.model == ModelName::Sgd {
        None
    } else {
        bar.set_message("SGD on the same folds, for comparison");
        let sgd_cv = CvArgs {
            model: ModelName::Sgd,
            ..cv.clone()
        };
        let s = oof_scores(common, &sgd_cv, x, &y, &splits)?;
        let p: Vec<usize> = s.iter().map(|&v| usize::from(v > 0.0)).collect();
        let prf = precision_recall_fscore_support(&y, &p, &PrfOptions::default())?;
        Some(Comparison {
            model: model_name(&sgd_cv),
            precision: prf.precision.values()[0],
            recall: prf.recall.values()[0],
            f1: prf.fbeta.values()[0],
            roc_auc: roc_auc_score(&y, &s, None).context("ROC AUC")?,
        })
    };
    let tuned = match target {
        Some(p) => {
            bar.set_message("tuning the threshold by cross-validation");
            let yt: Vec<usize> = data
                .test
                .target
                .iter()
                .map(|&l| usize::from(l == digit))
                .collect();
            let test = ((&data.test.data).into(), yt.as_slice());
            tuned_threshold(common, cv, p, folds, (x, &y), test)?
        }
        None => None,
    };
    bar.finish_and_clear();

    let cm: ConfusionMatrix<usize> = confusion_matrix(&y, &pred)?;
    let prf = precision_recall_fscore_support(&y, &pred, &PrfOptions::default())?;
    let roc_auc = roc_auc_score(&y, &scores, None).context("ROC AUC")?;
    let pr = precision_recall_curve(&y, &scores, &CurveOptions::pr())?;
    let chosen = pr.threshold_for_precision(target_precision);
    if let Some(out) = &common.out {
        draw(
            figure,
            out,
            (&y, &splits),
            &scores,
            &pr,
            chosen.as_ref(),
            target_precision,
            &model_name(cv),
        )?;
        if !common.json {
            eprintln!("wrote {}", out.display());
        }
    }
    let report = BinaryReport {
        dataset: data.name.clone(),
        digit,
        n_train: y.len(),
        n_positive,
        model: model_name(cv),
        folds,
        mean_accuracy: mean(&fold_accuracy),
        fold_accuracy,
        dummy_fold_accuracy,
        confusion_matrix: cm.to_rows(),
        precision: prf.precision.values()[0],
        recall: prf.recall.values()[0],
        f1: prf.fbeta.values()[0],
        roc_auc,
        target_precision,
        threshold: chosen,
        tuned,
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
    print_text(&report, &cm, target.is_some());
    Ok(())
}

/// The report as text on stdout.
fn print_text(r: &BinaryReport, cm: &ConfusionMatrix<usize>, tuning_asked: bool) {
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
        fmt(&r.fold_accuracy),
        r.mean_accuracy
    );
    println!(
        "dummy (most frequent)  {}   (mean {:.4})\n",
        fmt(&r.dummy_fold_accuracy),
        mean(&r.dummy_fold_accuracy)
    );
    println!("out-of-fold confusion matrix (0 = not {digit}, 1 = {digit}):");
    print!("{cm}");
    println!(
        "\nprecision {:.4}   recall {:.4}   F1 {:.4}   ROC AUC {:.4}",
        r.precision, r.recall, r.f1, r.roc_auc
    );
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

/// Draws the figure `--out` asks for from the out-of-fold scores.
#[allow(clippy::too_many_arguments)]
fn draw(
    figure: BinaryFigure,
    out: &std::path::Path,
    (y, splits): (&[usize], &[Split]),
    scores: &[f64],
    pr: &classify_metrics::PrCurve,
    chosen: Option<&ThresholdPoint>,
    target: f64,
    model: &str,
) -> anyhow::Result<()> {
    let chart = match figure {
        BinaryFigure::Threshold => figures::threshold_chart(pr, chosen, target, model),
        BinaryFigure::Pr => figures::pr_chart(&[(model, pr)], chosen, target),
        BinaryFigure::Roc => {
            let roc = classify_metrics::roc_curve(y, scores, &CurveOptions::roc())?;
            let point = chosen.map(|t| (figures::fpr_at(y, scores, t.threshold), t.recall));
            figures::roc_chart(&[(model, &roc)], point, target)
        }
        BinaryFigure::RocCv => figures::roc_cv_chart(y, scores, splits, model)?,
    };
    chart.write(out)?;
    Ok(())
}
