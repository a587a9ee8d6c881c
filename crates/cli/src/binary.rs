//! `classify binary`: a cross-validated binary detector, printed from
//! [`classify_workflow::detector`].

use classify_metrics::{false_positive_rate_at, CurveOptions};
use classify_selection::Method;
use classify_workflow::{method_name, Detector, DetectorOptions, OutOfFold};

use crate::args::{BinaryFigure, Common, CvArgs};
use crate::data::load;
use crate::figures;
use crate::output::{self, thousands};

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
    figures::check_out(common)?;
    let model = cv.model(common, None);
    if opts.figure == BinaryFigure::Calibration
        && !model.scores_by_probability()
        && opts.calibrate.is_none()
    {
        anyhow::bail!(
            "--figure calibration: the {} gives decision values, not probabilities; add \
             --calibrate sigmoid (or isotonic, temperature)",
            model.name()
        );
    }
    let asked = DetectorOptions {
        model,
        digit: opts.digit,
        folds: common.folds(3)?,
        index: common.index,
        target_precision: opts.target.unwrap_or(0.9),
        tune: opts.target.is_some(),
        calibrate: opts.calibrate,
    };
    let data = load(common)?;
    let report = output::with_progress(common, |p| classify_workflow::detector(&data, &asked, p))?;
    if let Some(out) = &common.out {
        draw(opts.figure, out, &report, opts.calibrate)?;
        if !common.json {
            eprintln!("wrote {}", out.display());
        }
    }
    if common.json {
        return output::json(&report);
    }
    print_text(&report, opts.target.is_some());
    Ok(())
}

/// The report as text on stdout.
fn print_text(report: &Detector, tuning_asked: bool) {
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
        classify_workflow::mean(&q.dummy_fold_accuracy)
    );
    println!("out-of-fold confusion matrix (0 = not {digit}, 1 = {digit}):");
    print!("{}", r.out_of_fold.confusion);
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
fn print_thresholds(r: &Detector, tuning_asked: bool) {
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

/// Draws the figure `--out` asks for from the out-of-fold scores.
fn draw(
    figure: BinaryFigure,
    out: &std::path::Path,
    report: &Detector,
    calibrate: Option<Method>,
) -> anyhow::Result<()> {
    let OutOfFold {
        y, splits, scores, ..
    } = &report.out_of_fold;
    let c = &report.out_of_fold;
    let (chosen, target, model) = (
        report.threshold.as_ref(),
        report.target_precision,
        report.model.as_str(),
    );
    let chart = match figure {
        BinaryFigure::Threshold => figures::threshold_chart(&c.pr, chosen, target, model),
        BinaryFigure::Pr => figures::pr_chart(&[(model, &c.pr)], chosen, target),
        BinaryFigure::Roc => {
            let roc = classify_metrics::roc_curve(y, scores, &CurveOptions::roc())?;
            let point = chosen
                .map(|t| -> anyhow::Result<_> {
                    let fpr = false_positive_rate_at(y, scores, t.threshold, &CurveOptions::roc())?;
                    Ok((fpr, t.recall))
                })
                .transpose()?;
            figures::roc_chart(&[(model, &roc)], point, target)
        }
        BinaryFigure::RocCv => figures::roc_cv_chart(y, scores, splits, model)?,
        BinaryFigure::Det => figures::det_chart(y, &[(model, scores)])?,
        BinaryFigure::Calibration => {
            let mut curves: Vec<(String, &[f64])> = Vec::new();
            if c.is_proba {
                curves.push((model.to_string(), scores));
            }
            if let Some((p, method)) = c.calibrated.as_deref().zip(calibrate) {
                curves.push((format!("{model}, {} calibration", method_name(method)), p));
            }
            figures::calibration_chart(y, &curves)?
        }
    };
    chart.write(out)?;
    Ok(())
}
