//! `classify multiclass`: all ten classes, natively or through one-vs-rest / one-vs-one.

use classify_metrics::accuracy_score;
use classify_models::{
    Classifier, DecisionFunction, DummyClassifier, Estimator, Features, PredictProba,
    RandomForestClassifier, SgdClassifier, SgdSolver, Svc,
};
use classify_multiclass::{OneVsOne, OneVsRest};
use classify_preprocessing::Scaled;
use classify_selection::{cross_val_predict, scores_per_fold, Cv, Scoring, StratifiedKFold};
use ndarray::Array2;
use serde::Serialize;

use crate::args::{Common, CvArgs, ModelName, MulticlassFigure, NormalizeArg, Strategy};
use crate::data::load;
use crate::output::{self, spinner, thousands};
use classify_datasets::TrainTest;

#[derive(Serialize)]
struct MulticlassReport {
    dataset: String,
    n_train: usize,
    n_test: usize,
    model: String,
    strategy: &'static str,
    classes: Vec<usize>,
    n_estimators: usize,
    folds: usize,
    fold_accuracy: Vec<f64>,
    mean_accuracy: f64,
    test_accuracy: f64,
    /// With `--figure roc`: the one-vs-rest ROC AUCs on the test images (micro, macro).
    test_roc_auc: Option<[f64; 2]>,
    image: Explained,
}

/// What `--out` draws.
pub struct Figure {
    /// Which figure.
    pub kind: MulticlassFigure,
    /// Normalisation of the confusion matrix.
    pub normalize: Option<NormalizeArg>,
    /// Only the confusion matrix's errors.
    pub errors_only: bool,
}

#[derive(Serialize)]
struct Explained {
    index: usize,
    label: u8,
    predicted: usize,
    /// Decision scores (or probabilities, for models without scores), one per class.
    scores: Vec<f64>,
    score_kind: &'static str,
}

/// What one model gives the report.
struct Outcome {
    fold_pred: Vec<usize>,
    test_pred: Vec<usize>,
    classes: Vec<usize>,
    predicted: usize,
    scores: Vec<f64>,
    score_kind: &'static str,
    n_estimators: usize,
    /// Scores of every test image (only when a figure needs them).
    test_scores: Option<Array2<f64>>,
}

/// The inputs every model sees.
struct Inputs<'a> {
    x: Features<'a>,
    y: &'a [usize],
    test: Features<'a>,
    row: Features<'a>,
    cv: Cv,
    /// Whether to score every test image.
    test_scores: bool,
}

/// Cross-validates `est`, fits it on every training image, predicts the test set and scores
/// the chosen image with `scores` (decision function or probabilities).
fn evaluate<E: Estimator>(
    est: &E,
    input: &Inputs<'_>,
    scores: impl Fn(&E::Model, Features<'_>) -> classify_models::Result<Array2<f64>>,
    score_kind: &'static str,
    n_estimators: impl Fn(&E::Model) -> usize,
) -> anyhow::Result<Outcome> {
    let fold_pred = cross_val_predict(est, input.x, input.y, &input.cv)?;
    let model = est.fit(input.x, input.y)?;
    let test_pred = model.predict(input.test)?;
    let predicted = model.predict(input.row)?[0];
    Ok(Outcome {
        fold_pred,
        test_pred,
        classes: model.classes().to_vec(),
        predicted,
        scores: scores(&model, input.row)?.row(0).to_vec(),
        score_kind,
        n_estimators: n_estimators(&model),
        test_scores: match input.test_scores {
            true => Some(scores(&model, input.test)?),
            false => None,
        },
    })
}

fn df<M: DecisionFunction>(m: &M, x: Features<'_>) -> classify_models::Result<Array2<f64>> {
    m.decision_function(x)
}

fn proba<M: PredictProba>(m: &M, x: Features<'_>) -> classify_models::Result<Array2<f64>> {
    m.predict_proba(x)
}

/// Runs `evaluate` on `est`, or on `est` behind a standard scaler.
macro_rules! scaled {
    ($scale:expr, $est:expr, $input:expr, $scores:ident, $kind:expr, |$m:ident| $n:expr) => {
        if $scale {
            evaluate(&Scaled::new($est), $input, $scores, $kind, |s| {
                let $m = &s.model;
                $n
            })
        } else {
            evaluate(&$est, $input, $scores, $kind, |$m| $n)
        }
    };
}

pub fn multiclass(
    common: &Common,
    cv: &CvArgs,
    strategy: Option<Strategy>,
    figure: Figure,
) -> anyhow::Result<()> {
    crate::figures::check_out(common)?;
    let data = load(common)?;
    let y: Vec<usize> = data.train.target.iter().map(|&l| usize::from(l)).collect();
    let index = common.index;
    if index >= data.train.n_samples() {
        anyhow::bail!(
            "--index {index} is out of range: {} training images",
            data.train.n_samples()
        );
    }
    let one = data.train.data.slice(ndarray::s![index..index + 1, ..]);
    let folds = common.folds(3)?;
    let splits = StratifiedKFold::new(folds).split(&y)?;
    let input = Inputs {
        x: (&data.train.data).into(),
        y: &y,
        test: (&data.test.data).into(),
        row: one.into(),
        cv: Cv::Splits(splits.clone()),
        test_scores: figure.kind == MulticlassFigure::Roc && common.out.is_some(),
    };
    let bar = spinner(
        common,
        &format!(
            "{}-fold cross-validation, then a fit on {} images",
            folds,
            thousands(y.len())
        ),
    );
    let outcome = fit_and_score(common, cv, strategy, &input)?;
    bar.finish_and_clear();
    let fold_accuracy = scores_per_fold(&splits, &y, &outcome.fold_pred, Scoring::Accuracy)?;
    let truth: Vec<usize> = data.test.target.iter().map(|&l| usize::from(l)).collect();
    let test_roc_auc = draw(common, cv, &figure, &data, &y, &outcome)?;
    let report = MulticlassReport {
        dataset: data.name.clone(),
        n_train: y.len(),
        n_test: truth.len(),
        model: crate::binary::model_name(cv),
        strategy: strategy_name(strategy, cv.model),
        classes: outcome.classes,
        n_estimators: outcome.n_estimators,
        folds,
        mean_accuracy: fold_accuracy.iter().sum::<f64>() / fold_accuracy.len().max(1) as f64,
        fold_accuracy,
        test_accuracy: accuracy_score(&truth, &outcome.test_pred, None)?,
        test_roc_auc,
        image: Explained {
            index,
            label: data.train.target[index],
            predicted: outcome.predicted,
            scores: outcome.scores,
            score_kind: outcome.score_kind,
        },
    };
    if common.json {
        return output::json(&report);
    }
    print_text(&report);
    Ok(())
}

/// Cross-validates, fits and scores the model `--model`, `--scale` and `--strategy` name.
fn fit_and_score(
    common: &Common,
    cv: &CvArgs,
    strategy: Option<Strategy>,
    input: &Inputs<'_>,
) -> anyhow::Result<Outcome> {
    // The fast solver unless `--solver scikit-learn`: ten one-vs-rest problems share each
    // pass over the rows (measured on 20,000 Fashion-MNIST images, 3-fold CV + fit: 3.3 s
    // against 6.5 s with scikit-learn's steps; standardised, 10,000: 3.2 s against 7.4 s).
    let sgd = SgdClassifier {
        random_state: common.seed,
        solver: cv.sgd_solver(SgdSolver::Fast),
        ..Default::default()
    };
    let svc = Svc::default();
    let forest = RandomForestClassifier {
        random_state: common.seed,
        ..Default::default()
    };
    let (scale, d) = (cv.scale, "decision function");
    match (cv.model, strategy) {
        (ModelName::Sgd, None) => scaled!(scale, sgd, input, df, d, |m| m.coef.nrows()),
        (ModelName::Svc, None) => scaled!(scale, svc, input, df, d, |m| m.n_pairs()),
        (ModelName::Sgd, Some(Strategy::Ovr)) => {
            scaled!(scale, OneVsRest::new(sgd), input, df, d, |m| m
                .estimators()
                .len())
        }
        (ModelName::Sgd, Some(Strategy::Ovo)) => {
            scaled!(scale, OneVsOne::new(sgd), input, df, d, |m| m
                .estimators()
                .len())
        }
        (ModelName::Svc, Some(Strategy::Ovr)) => {
            scaled!(scale, OneVsRest::new(svc), input, df, d, |m| m
                .estimators()
                .len())
        }
        (ModelName::Svc, Some(Strategy::Ovo)) => {
            scaled!(scale, OneVsOne::new(svc), input, df, d, |m| m
                .estimators()
                .len())
        }
        (ModelName::Forest, None) => {
            scaled!(scale, forest, input, proba, "probability", |m| m.n_trees())
        }
        (ModelName::Dummy, None) => {
            let dummy = DummyClassifier::most_frequent();
            scaled!(scale, dummy, input, proba, "probability", |_m| 1)
        }
        (ModelName::Forest | ModelName::Dummy, Some(_)) => anyhow::bail!(
            "--strategy needs a model with decision scores (sgd, svc); the {} is multiclass as it is",
            if cv.model == ModelName::Forest {
                "forest"
            } else {
                "dummy"
            }
        ),
    }
}

/// The figure `--out` asks for: the test images' one-vs-rest ROC curves (returning their
/// micro and macro areas) or the out-of-fold confusion matrix.
fn draw(
    common: &Common,
    cv: &CvArgs,
    figure: &Figure,
    data: &TrainTest,
    y: &[usize],
    outcome: &Outcome,
) -> anyhow::Result<Option<[f64; 2]>> {
    let Some(out) = &common.out else {
        return Ok(None);
    };
    let mut test_roc_auc = None;
    match &outcome.test_scores {
        Some(scores) => {
            let truth: Vec<usize> = data.test.target.iter().map(|&l| usize::from(l)).collect();
            test_roc_auc = Some(roc_figure(
                out,
                &truth,
                scores,
                &outcome.classes,
                &data.train.target_names,
                &crate::binary::model_name(cv),
            )?)
        }
        None => confusion_figure(
            out,
            y,
            &outcome.fold_pred,
            &data.train.target_names,
            figure.normalize,
            figure.errors_only,
        )?,
    }
    if !common.json {
        eprintln!("wrote {}", out.display());
    }
    Ok(test_roc_auc)
}

/// How the model handles ten classes, in words.
fn strategy_name(strategy: Option<Strategy>, model: ModelName) -> &'static str {
    match (strategy, model) {
        (Some(Strategy::Ovr), _) => "one-vs-rest",
        (Some(Strategy::Ovo), _) => "one-vs-one",
        (None, ModelName::Svc) => "native (one-vs-one)",
        (None, ModelName::Sgd) => "native (one-vs-rest)",
        (None, _) => "native",
    }
}

fn print_text(report: &MulticlassReport) {
    println!(
        "{} classes of {}: {} training images; model: {}, strategy: {} ({} fitted estimators)",
        report.classes.len(),
        report.dataset,
        thousands(report.n_train),
        report.model,
        report.strategy,
        report.n_estimators
    );
    let accuracies: Vec<String> = report
        .fold_accuracy
        .iter()
        .map(|a| format!("{a:.4}"))
        .collect();
    println!(
        "{}-fold accuracy  {}   (mean {:.4})",
        report.folds,
        accuracies.join("  "),
        report.mean_accuracy
    );
    println!(
        "test accuracy {:.4} on {} test images (model fitted on every training image)",
        report.test_accuracy,
        thousands(report.n_test)
    );
    let e = &report.image;
    println!(
        "training image {} (label {}): predicted {}; {} per class:",
        e.index, e.label, e.predicted, e.score_kind
    );
    for (c, s) in report.classes.iter().zip(&e.scores) {
        println!("  {c}: {s:>8.4}");
    }
}

/// One-vs-rest ROC curves of every class on the test images (`scores`, one column per
/// class of `classes`), with the micro and macro averages (scikit-learn's ROC example);
/// returns their areas.
pub(crate) fn roc_figure(
    out: &std::path::Path,
    truth: &[usize],
    scores: &Array2<f64>,
    classes: &[usize],
    names: &[String],
    model: &str,
) -> anyhow::Result<[f64; 2]> {
    use classify_metrics::{auc, roc_curve, roc_curve_macro, roc_curve_micro, CurveOptions};
    use classify_plot::{LegendPosition, LineChart, Series};
    let flat: Vec<f64> = scores.iter().copied().collect();
    let micro = roc_curve_micro(truth, &flat, Some(classes), true)?;
    let macro_ = roc_curve_macro(truth, &flat, Some(classes))?;
    let areas = [auc(&micro.fpr, &micro.tpr)?, auc(&macro_.fpr, &macro_.tpr)?];
    let mut chart = LineChart::new(
        &format!("One-vs-rest ROC curves on the test images: {model}"),
        "False positive rate",
        "True positive rate (recall)",
    );
    for (c, &class) in classes.iter().enumerate() {
        let positive: Vec<bool> = truth.iter().map(|&t| t == class).collect();
        let roc = roc_curve(&positive, &scores.column(c).to_vec(), &CurveOptions::roc())?;
        let name = names
            .get(class)
            .cloned()
            .unwrap_or_else(|| class.to_string());
        let area = auc(&roc.fpr, &roc.tpr)?;
        chart.series.push(Series::new(
            format!("{name} (AUC {area:.3})"),
            roc.fpr,
            roc.tpr,
        ));
    }
    // The averages dashed, in black and dark grey: the ten classes take the ten colours.
    for (label, x, y, color) in [
        ("micro", micro.fpr, micro.tpr, [0, 0, 0]),
        ("macro", macro_.fpr, macro_.tpr, [90, 90, 90]),
    ] {
        let area = if label == "micro" { areas[0] } else { areas[1] };
        chart.series.push(Series {
            dashed: true,
            color: Some(color),
            ..Series::new(format!("{label}-average (AUC {area:.3})"), x, y)
        });
    }
    chart.diagonal = Some("Random classifier".into());
    chart.legend = LegendPosition::LowerRight;
    chart.x_range = Some((0.0, 1.0));
    chart.y_range = Some((0.0, 1.0));
    chart.write(out)?;
    Ok(areas)
}

/// scikit-learn's `ConfusionMatrixDisplay.from_predictions` of the out-of-fold predictions:
/// counts, or percentages when normalised; with `errors_only`, correct predictions weigh
/// nothing (the book's `sample_weight = (y_pred != y)`).
fn confusion_figure(
    out: &std::path::Path,
    y: &[usize],
    pred: &[usize],
    names: &[String],
    normalize: Option<NormalizeArg>,
    errors_only: bool,
) -> anyhow::Result<()> {
    use classify_metrics::{confusion_matrix_with, ConfusionOptions, Normalize};
    let weights: Vec<f64> = y
        .iter()
        .zip(pred)
        .map(|(a, b)| if errors_only && a == b { 0.0 } else { 1.0 })
        .collect();
    let cm = confusion_matrix_with(
        y,
        pred,
        &ConfusionOptions {
            normalize: normalize.map(|n| match n {
                NormalizeArg::True => Normalize::True,
                NormalizeArg::Pred => Normalize::Pred,
                NormalizeArg::All => Normalize::All,
            }),
            sample_weight: Some(&weights),
            ..Default::default()
        },
    )?;
    let labels: Vec<String> = cm
        .labels()
        .iter()
        .map(|&l| names.get(l).cloned().unwrap_or_else(|| l.to_string()))
        .collect();
    let title = match (normalize, errors_only) {
        (None, false) => "Confusion matrix (out of fold)".to_string(),
        (None, true) => "Errors (out of fold)".to_string(),
        (Some(n), e) => format!(
            "{}normalised by {}",
            if e { "Errors only, " } else { "" },
            match n {
                NormalizeArg::True => "row (true label)",
                NormalizeArg::Pred => "column (predicted label)",
                NormalizeArg::All => "the total",
            }
        ),
    };
    classify_plot::ConfusionMatrixPlot {
        title,
        matrix: cm.to_rows(),
        labels,
        format: if normalize.is_some() {
            classify_plot::CellFormat::Percent
        } else {
            classify_plot::CellFormat::Counts
        },
    }
    .write(out)?;
    Ok(())
}
