//! `classify multiclass`: all ten classes, natively or through one-vs-rest / one-vs-one,
//! printed from [`classify_workflow::multiclass`].

use classify_workflow::{Multiclass, MulticlassOptions};
use ndarray::Array2;

use crate::args::{Common, CvArgs, MulticlassFigure, NormalizeArg, StrategyArg};
use crate::data::load;
use crate::output::{self, thousands};

/// What `--out` draws.
pub struct Figure {
    /// Which figure.
    pub kind: MulticlassFigure,
    /// Normalisation of the confusion matrix.
    pub normalize: Option<NormalizeArg>,
    /// Only the confusion matrix's errors.
    pub errors_only: bool,
}

pub fn multiclass(
    common: &Common,
    cv: &CvArgs,
    strategy: Option<StrategyArg>,
    figure: Figure,
) -> anyhow::Result<()> {
    crate::figures::check_out(common)?;
    let model = cv.model(common, strategy);
    model.check()?;
    let opts = MulticlassOptions {
        model,
        folds: Some(common.folds(3)?),
        refit: true,
        index: common.index,
        test_scores: figure.kind == MulticlassFigure::Roc && common.out.is_some(),
    };
    let data = load(common)?;
    let report = output::with_progress(common, |p| classify_workflow::multiclass(&data, &opts, p))?;
    if let Some(out) = &common.out {
        draw(out, &figure, &data.train.target_names, &report)?;
        if !common.json {
            eprintln!("wrote {}", out.display());
        }
    }
    output::emit(common, &report, print_text)
}

/// The figure `--out` asks for: the test images' one-vs-rest ROC curves or the out-of-fold
/// confusion matrix.
fn draw(
    out: &std::path::Path,
    figure: &Figure,
    names: &[String],
    report: &Multiclass,
) -> anyhow::Result<()> {
    let p = &report.predictions;
    match &p.test_scores {
        Some(scores) => {
            roc_figure(
                out,
                &p.test_y,
                scores,
                &report.classes,
                names,
                &report.model,
            )?;
        }
        None => confusion_figure(
            out,
            &p.y,
            &p.out_of_fold,
            names,
            figure.normalize,
            figure.errors_only,
        )?,
    }
    Ok(())
}

fn print_text(report: &Multiclass) {
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
    if let (Some(folds), Some(mean)) = (report.folds, report.mean_accuracy) {
        println!(
            "{folds}-fold accuracy  {}   (mean {mean:.4})",
            accuracies.join("  ")
        );
    }
    if let Some(accuracy) = report.test_accuracy {
        println!(
            "test accuracy {accuracy:.4} on {} test images (model fitted on every training image)",
            thousands(report.n_test)
        );
    }
    if let Some(e) = &report.image {
        println!(
            "training image {} (label {}): predicted {}; {} per class:",
            e.index, e.label, e.predicted, e.score_kind
        );
        for (c, s) in report.classes.iter().zip(&e.scores) {
            println!("  {c}: {s:>8.4}");
        }
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
