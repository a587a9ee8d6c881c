//! The charts several commands draw (`binary --out`, `report`).

use classify_metrics::{
    calibration_curve, det_curve, BinStrategy, CurveOptions, PrCurve, RocCurve, ThresholdPoint,
};
use classify_plot::{LegendPosition, LineChart, Marker, Series};
use classify_selection::Split;

/// Fails early when `--out` names a format figures cannot be written in, before any work.
pub(crate) fn check_out(common: &crate::args::Common) -> anyhow::Result<()> {
    if let Some(out) = &common.out {
        classify_plot::Format::of(out)?;
    }
    Ok(())
}

/// Precision and recall against the threshold, the chosen threshold marked.
pub(crate) fn threshold_chart(
    pr: &PrCurve,
    chosen: Option<&ThresholdPoint>,
    target: f64,
    model: &str,
) -> LineChart {
    let n = pr.thresholds.len();
    let mut c = LineChart::new(
        &format!("Precision and recall versus the threshold ({model})"),
        "Threshold",
        "Value",
    );
    c.series.push(Series::new(
        "Precision",
        pr.thresholds.clone(),
        pr.precision[..n].to_vec(),
    ));
    c.series.push(Series {
        dashed: true,
        ..Series::new("Recall", pr.thresholds.clone(), pr.recall[..n].to_vec())
    });
    if let Some(t) = chosen {
        c.vlines
            .push((t.threshold, format!("threshold {:.4}", t.threshold)));
        c.markers.push(Marker {
            x: t.threshold,
            y: t.precision,
            label: target_label(target),
        });
    }
    c.y_range = Some((0.0, 1.0));
    c.legend = LegendPosition::MiddleLeft;
    c
}

fn target_label(target: f64) -> String {
    format!("{:.0} % precision", target * 100.0)
}

/// Precision against recall for each `(model, curve)`, the first model's chosen point marked.
pub(crate) fn pr_chart(
    curves: &[(&str, &PrCurve)],
    chosen: Option<&ThresholdPoint>,
    target: f64,
) -> LineChart {
    let mut c = LineChart::new("Precision versus recall", "Recall", "Precision");
    for (model, pr) in curves {
        c.series
            .push(Series::new(*model, pr.recall.clone(), pr.precision.clone()));
    }
    if let Some(t) = chosen {
        c.markers.push(Marker {
            x: t.recall,
            y: t.precision,
            label: target_label(target),
        });
    }
    c.x_range = Some((0.0, 1.0));
    c.y_range = Some((0.0, 1.0));
    c
}

/// ROC curves of each `(model, curve)` with the random classifier's diagonal; the chosen
/// point (false positive rate, recall) marked.
pub(crate) fn roc_chart(
    curves: &[(&str, &RocCurve)],
    point: Option<(f64, f64)>,
    target: f64,
) -> LineChart {
    let mut c = LineChart::new(
        "ROC curve",
        "False positive rate",
        "True positive rate (recall)",
    );
    for (model, roc) in curves {
        c.series
            .push(Series::new(*model, roc.fpr.clone(), roc.tpr.clone()));
    }
    c.diagonal = Some("Random classifier".into());
    if let Some((x, y)) = point {
        c.markers.push(Marker {
            x,
            y,
            label: target_label(target),
        });
    }
    c.legend = LegendPosition::LowerRight;
    c.x_range = Some((0.0, 1.0));
    c.y_range = Some((0.0, 1.0));
    c
}

/// Reliability diagrams (10 equal-width bins) of each `(name, probabilities)` of the positive
/// class, against the diagonal of perfect calibration.
pub(crate) fn calibration_chart(
    y: &[usize],
    curves: &[(String, &[f64])],
) -> anyhow::Result<LineChart> {
    let mut c = LineChart::new(
        "Calibration of the probabilities",
        "Mean predicted probability",
        "Fraction of positives",
    );
    for (name, p) in curves {
        let cal = calibration_curve(y, p, None, 10, BinStrategy::Uniform)?;
        c.series
            .push(Series::new(name.as_str(), cal.prob_pred, cal.prob_true));
    }
    c.diagonal = Some("Perfectly calibrated".into());
    c.legend = LegendPosition::UpperLeft;
    c.x_range = Some((0.0, 1.0));
    c.y_range = Some((0.0, 1.0));
    Ok(c)
}

/// Detection error tradeoff curves of each `(name, scores)` (scikit-learn's
/// `DetCurveDisplay`: false negative against false positive rate, both on the normal deviate
/// scale).
pub(crate) fn det_chart(y: &[usize], curves: &[(&str, &[f64])]) -> anyhow::Result<LineChart> {
    let mut c = LineChart::det("DET curve");
    for (name, scores) in curves {
        let det = det_curve(y, scores, &CurveOptions::pr())?;
        c.push_det(name, &det.fpr, &det.fnr);
    }
    Ok(c)
}

/// The ROC curve of each fold's held-out part (from the out-of-fold `scores`), and their
/// mean true-positive rate at 100 evenly spaced false-positive rates (each fold's curve
/// interpolated, starting from 0 and ending at 1) with ±1 standard deviation dashed — the
/// picture of scikit-learn's cross-validated ROC example.
pub(crate) fn roc_cv_chart(
    y: &[usize],
    scores: &[f64],
    splits: &[Split],
    model: &str,
) -> anyhow::Result<LineChart> {
    let mut c = LineChart::new(
        &format!("ROC curve of each fold: {model}"),
        "False positive rate",
        "True positive rate (recall)",
    );
    let grid: Vec<f64> = (0..100).map(|i| i as f64 / 99.0).collect();
    let mut tprs: Vec<Vec<f64>> = Vec::with_capacity(splits.len());
    let mut areas = Vec::with_capacity(splits.len());
    for (f, split) in splits.iter().enumerate() {
        let yf: Vec<usize> = split.test.iter().map(|&i| y[i]).collect();
        let sf: Vec<f64> = split.test.iter().map(|&i| scores[i]).collect();
        let roc = classify_metrics::roc_curve(&yf, &sf, &CurveOptions::roc())?;
        let area = classify_metrics::auc(&roc.fpr, &roc.tpr)?;
        let mut tpr: Vec<f64> = grid
            .iter()
            .map(|&x| classify_metrics::interp(x, &roc.fpr, &roc.tpr))
            .collect();
        tpr[0] = 0.0;
        tprs.push(tpr);
        areas.push(area);
        c.series.push(Series::new(
            format!("fold {} (AUC {area:.3})", f + 1),
            roc.fpr,
            roc.tpr,
        ));
    }
    let k = tprs.len() as f64;
    let mut mean: Vec<f64> = (0..grid.len())
        .map(|j| tprs.iter().map(|t| t[j]).sum::<f64>() / k)
        .collect();
    if let Some(last) = mean.last_mut() {
        *last = 1.0;
    }
    let std: Vec<f64> = (0..grid.len())
        .map(|j| (tprs.iter().map(|t| (t[j] - mean[j]).powi(2)).sum::<f64>() / k).sqrt())
        .collect();
    let mean_area = areas.iter().sum::<f64>() / k;
    let sd_area = (areas.iter().map(|a| (a - mean_area).powi(2)).sum::<f64>() / k).sqrt();
    c.series.push(Series {
        color: Some([0, 0, 0]),
        ..Series::new(
            format!("mean (AUC {mean_area:.3} ± {sd_area:.3})"),
            grid.clone(),
            mean.clone(),
        )
    });
    for (sign, label) in [(1.0, "± 1 std. dev."), (-1.0, "")] {
        let band: Vec<f64> = mean
            .iter()
            .zip(&std)
            .map(|(m, s)| (m + sign * s).clamp(0.0, 1.0))
            .collect();
        c.series.push(Series {
            dashed: true,
            color: Some([120, 120, 120]),
            ..Series::new(label, grid.clone(), band)
        });
    }
    c.diagonal = Some("Random classifier".into());
    c.legend = LegendPosition::LowerRight;
    c.x_range = Some((0.0, 1.0));
    c.y_range = Some((0.0, 1.0));
    Ok(c)
}
