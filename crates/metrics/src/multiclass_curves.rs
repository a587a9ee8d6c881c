//! Curves and average precision of multiclass scores, one class against the rest and then
//! averaged: micro (every sample–class pair one binary decision) or macro (the classes'
//! curves averaged), as scikit-learn's ROC and precision–recall examples and
//! `average_precision_score` compute them; and multiclass ROC AUC, one-vs-rest or
//! one-vs-one (`roc_auc_score(multi_class=...)`).

use crate::curves::{average_precision_of, binary_auc, pr_from, roc_from, score_columns};
use crate::error::{check_weights, Error, Result};
use crate::label::Label;
use crate::prf::Average;
use crate::{PrCurve, RocCurve};

/// The one-vs-rest decisions of a row-major `n × k` score matrix, flattened as the matrix is:
/// entry `i·k + c` says whether sample `i` is of class `c` (scikit-learn's
/// `label_binarize(y_true, classes=classes).ravel()`).
fn binarized<L: Label>(
    y_true: &[L],
    scores: &[f64],
    labels: Option<&[L]>,
) -> Result<(usize, Vec<bool>)> {
    let (k, encoded) = score_columns(y_true, scores, labels, "scores")?;
    let positive = (0..y_true.len() * k)
        .map(|i| encoded[i / k] == i % k)
        .collect();
    Ok((k, positive))
}

/// Class `c`'s column of the binarised decisions and of the `k`-column scores.
fn one_vs_rest(positive: &[bool], scores: &[f64], k: usize, c: usize) -> (Vec<bool>, Vec<f64>) {
    let rows = positive.len() / k;
    (
        (0..rows).map(|i| positive[i * k + c]).collect(),
        (0..rows).map(|i| scores[i * k + c]).collect(),
    )
}

/// The micro-averaged ROC curve of multiclass scores (`n × k`, row-major, columns in the
/// order of `labels`, or of the sorted labels of `y_true`): every sample–class pair is one
/// binary decision, as scikit-learn's `roc_curve(label_binarize(y_true).ravel(),
/// y_score.ravel())`. `drop_intermediate` as in [`roc_curve`](crate::roc_curve) (scikit-learn's
/// default is `true`).
///
/// ```
/// use classify_metrics::roc_curve_micro;
///
/// let y = ["cat", "dog", "eel"];
/// let scores = [0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.3, 0.3, 0.4];
/// let roc = roc_curve_micro(&y, &scores, None, true)?;
/// assert_eq!((roc.fpr[0], roc.tpr[0]), (0.0, 0.0));
/// assert_eq!(roc.tpr.last(), Some(&1.0));
/// # Ok::<(), classify_metrics::Error>(())
/// ```
pub fn roc_curve_micro<L: Label>(
    y_true: &[L],
    scores: &[f64],
    labels: Option<&[L]>,
    drop_intermediate: bool,
) -> Result<RocCurve> {
    let (_, positive) = binarized(y_true, scores, labels)?;
    Ok(roc_from(&positive, scores, None, drop_intermediate))
}

/// A curve averaged over the classes on a fixed grid.
#[derive(Debug, Clone, PartialEq)]
pub struct MeanRocCurve {
    /// False-positive rates: 1,000 evenly spaced from 0 to 1.
    pub fpr: Vec<f64>,
    /// The mean over the classes of each class's true-positive rate at those rates.
    pub tpr: Vec<f64>,
}

/// The macro-averaged ROC curve of multiclass scores (shaped as for [`roc_curve_micro`]):
/// each class's one-vs-rest ROC curve (intermediate points dropped), its true-positive rate
/// interpolated linearly at 1,000 evenly spaced false-positive rates (`np.interp` on
/// `np.linspace(0, 1, 1000)`), and the mean over the classes — scikit-learn's ROC example's
/// macro average, whose area [`auc`](crate::auc) then gives.
pub fn roc_curve_macro<L: Label>(
    y_true: &[L],
    scores: &[f64],
    labels: Option<&[L]>,
) -> Result<MeanRocCurve> {
    let (k, positive) = binarized(y_true, scores, labels)?;
    const GRID: usize = 1000;
    let step = 1.0 / (GRID - 1) as f64;
    let mut fpr: Vec<f64> = (0..GRID).map(|i| i as f64 * step + 0.0).collect();
    fpr[GRID - 1] = 1.0;
    let mut tpr = vec![0.0; GRID];
    for c in 0..k {
        let (class, column) = one_vs_rest(&positive, scores, k, c);
        if !class.contains(&true) || !class.contains(&false) {
            return Err(Error::InvalidArgument(format!(
                "class column {c} has {} samples: a ROC curve needs both positives and negatives",
                if class.contains(&true) {
                    "only positive"
                } else {
                    "no positive"
                }
            )));
        }
        let roc = roc_from(&class, &column, None, true);
        for (t, &x) in tpr.iter_mut().zip(&fpr) {
            *t += interp(x, &roc.fpr, &roc.tpr);
        }
    }
    tpr.iter_mut().for_each(|t| *t /= k as f64);
    Ok(MeanRocCurve { fpr, tpr })
}

/// NumPy's `np.interp(x, xp, fp)` for one `x` and increasing `xp` (repeats allowed: the last
/// of equal `xp` values is taken, as NumPy's binary search does): linear between the points,
/// `fp`'s first or last value beyond the ends — what averaging curves on a common grid
/// needs (macro ROC, threshold tuning, cross-validated ROC).
///
/// ```
/// use classify_metrics::interp;
///
/// let (xp, fp) = ([0.0, 0.5, 0.5, 1.0], [0.0, 0.2, 0.6, 1.0]);
/// assert_eq!(interp(0.25, &xp, &fp), 0.1);
/// assert_eq!(interp(0.5, &xp, &fp), 0.6); // the last of the repeated 0.5
/// assert_eq!(interp(2.0, &xp, &fp), 1.0);
/// ```
///
/// # Panics
/// If `xp` is empty or shorter than `fp`.
pub fn interp(x: f64, xp: &[f64], fp: &[f64]) -> f64 {
    let last = xp.len() - 1;
    if x < xp[0] {
        return fp[0];
    }
    if x >= xp[last] {
        return fp[last];
    }
    // The last `j` with `xp[j] <= x` (then `xp[j + 1] > x`).
    let j = xp.partition_point(|&v| v <= x) - 1;
    let slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    let y = slope * (x - xp[j]) + fp[j];
    if y.is_nan() {
        let y = slope * (x - xp[j + 1]) + fp[j + 1];
        if y.is_nan() && fp[j] == fp[j + 1] {
            return fp[j];
        }
        return y;
    }
    y
}

/// The micro-averaged precision–recall curve of multiclass scores (shaped as for
/// [`roc_curve_micro`]), as scikit-learn's `precision_recall_curve(Y.ravel(),
/// y_score.ravel())`.
pub fn precision_recall_curve_micro<L: Label>(
    y_true: &[L],
    scores: &[f64],
    labels: Option<&[L]>,
) -> Result<PrCurve> {
    let (_, positive) = binarized(y_true, scores, labels)?;
    Ok(pr_from(&positive, scores, None, false))
}

/// Average precision of multiclass scores (shaped as for [`roc_curve_micro`]), one class
/// against the rest, as scikit-learn's `average_precision_score(y_true, y_score,
/// average=...)`: `Micro` pools every sample–class pair, `Macro` is the mean of the classes'
/// scores, `Weighted` their mean weighted by each class's number of samples.
pub fn average_precision_score_multiclass<L: Label>(
    y_true: &[L],
    scores: &[f64],
    labels: Option<&[L]>,
    average: Average,
) -> Result<f64> {
    let (k, positive) = binarized(y_true, scores, labels)?;
    let per_class = || {
        (0..k).map(|c| {
            let (class, column) = one_vs_rest(&positive, scores, k, c);
            let support = class.iter().filter(|&&p| p).count() as f64;
            (average_precision_of(&class, &column, None), support)
        })
    };
    match average {
        Average::Micro => Ok(average_precision_of(&positive, scores, None)),
        Average::Macro => Ok(per_class().map(|(ap, _)| ap).sum::<f64>() / k as f64),
        Average::Weighted => {
            let (sum, total) = per_class().fold((0.0, 0.0), |(s, t), (ap, w)| (s + ap * w, t + w));
            Ok(sum / total)
        }
        other => Err(Error::InvalidArgument(format!(
            "average {other:?} is not available for multiclass average precision"
        ))),
    }
}

/// How multiclass ROC AUC splits the problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MultiClass {
    /// Each class against the rest.
    Ovr,
    /// Each pair of classes (Hand & Till); `sample_weight` is not supported.
    Ovo,
}

/// Multiclass ROC AUC from probabilities (`n_samples × n_classes`, row-major, rows summing
/// to 1), as scikit-learn's `roc_auc_score(multi_class=...)`. Columns follow `labels` (sorted),
/// or the sorted labels of `y_true`. `average`: Macro or Weighted (and Micro for OvR).
pub fn roc_auc_score_multiclass<L: Label>(
    y_true: &[L],
    probabilities: &[f64],
    labels: Option<&[L]>,
    multi_class: MultiClass,
    average: Average,
    sample_weight: Option<&[f64]>,
) -> Result<f64> {
    let (k, encoded) = score_columns(y_true, probabilities, labels, "probabilities")?;
    let n = y_true.len();
    check_weights(sample_weight, n)?;
    if probabilities.chunks_exact(k.max(1)).any(|row| {
        let s: f64 = row.iter().sum();
        (1.0 - s).abs() > 1e-8 + 1e-5 * s.abs()
    }) {
        return Err(Error::InvalidScores(
            "target scores need to be probabilities for multiclass ROC AUC: each row must sum to 1"
                .into(),
        ));
    }
    let ok_average = match multi_class {
        MultiClass::Ovr => matches!(average, Average::Macro | Average::Weighted | Average::Micro),
        MultiClass::Ovo => matches!(average, Average::Macro | Average::Weighted),
    };
    if !ok_average {
        return Err(Error::InvalidArgument(format!(
            "average {average:?} is not available for multiclass ROC AUC with {multi_class:?}"
        )));
    }
    match multi_class {
        MultiClass::Ovo => {
            if sample_weight.is_some() {
                return Err(Error::InvalidArgument(
                    "sample_weight is not supported for one-vs-one multiclass ROC AUC".into(),
                ));
            }
            Ok(auc_one_vs_one(&encoded, probabilities, k, average))
        }
        MultiClass::Ovr => Ok(auc_one_vs_rest(
            &encoded,
            probabilities,
            k,
            average,
            sample_weight,
        )),
    }
}

/// The probabilities' column `c` at `rows` (`k` columns a row).
fn column(probabilities: &[f64], k: usize, c: usize, rows: &[usize]) -> Vec<f64> {
    rows.iter().map(|&r| probabilities[r * k + c]).collect()
}

/// Hand & Till's one-vs-one AUC: each pair of present classes scored both ways on their rows,
/// averaged (Macro) or weighted by the pair's prevalence (Weighted).
fn auc_one_vs_one(encoded: &[usize], probabilities: &[f64], k: usize, average: Average) -> f64 {
    let n = encoded.len();
    let column = |c: usize, rows: &[usize]| column(probabilities, k, c, rows);
    let mut present: Vec<usize> = encoded.to_vec();
    present.sort_unstable();
    present.dedup();
    let (mut scores, mut prevalence) = (Vec::new(), Vec::new());
    for (ia, &a) in present.iter().enumerate() {
        for &b in &present[ia + 1..] {
            let rows: Vec<usize> = (0..n)
                .filter(|&r| encoded[r] == a || encoded[r] == b)
                .collect();
            let a_true: Vec<bool> = rows.iter().map(|&r| encoded[r] == a).collect();
            let b_true: Vec<bool> = a_true.iter().map(|&t| !t).collect();
            let sa = binary_auc(&a_true, &column(a, &rows), None);
            let sb = binary_auc(&b_true, &column(b, &rows), None);
            scores.push((sa + sb) / 2.0);
            prevalence.push(rows.len() as f64 / n as f64);
        }
    }
    match average {
        Average::Weighted => {
            let total: f64 = prevalence.iter().sum();
            scores
                .iter()
                .zip(&prevalence)
                .map(|(s, p)| s * p)
                .sum::<f64>()
                / total
        }
        _ => scores.iter().sum::<f64>() / scores.len() as f64,
    }
}

/// One-vs-rest AUC: each class against the others, averaged (Macro), weighted by the
/// classes' (sample-weighted) counts (Weighted), or over every (row, class) cell (Micro).
fn auc_one_vs_rest(
    encoded: &[usize],
    probabilities: &[f64],
    k: usize,
    average: Average,
    sample_weight: Option<&[f64]>,
) -> f64 {
    let n = encoded.len();
    let column = |c: usize, rows: &[usize]| column(probabilities, k, c, rows);
    let all: Vec<usize> = (0..n).collect();
    if average == Average::Micro {
        let positive: Vec<bool> = (0..n * k).map(|i| encoded[i / k] == i % k).collect();
        let weights: Option<Vec<f64>> =
            sample_weight.map(|w| (0..n * k).map(|i| w[i / k]).collect());
        return binary_auc(&positive, probabilities, weights.as_deref());
    }
    let mut scores = Vec::with_capacity(k);
    let mut class_weight = Vec::with_capacity(k);
    for c in 0..k {
        let positive: Vec<bool> = encoded.iter().map(|&e| e == c).collect();
        scores.push(binary_auc(&positive, &column(c, &all), sample_weight));
        class_weight.push(
            (0..n)
                .filter(|&r| positive[r])
                .map(|r| sample_weight.map_or(1.0, |w| w[r]))
                .sum::<f64>(),
        );
    }
    match average {
        Average::Weighted => {
            let total: f64 = class_weight.iter().sum();
            if total.abs() <= 1e-8 {
                return 0.0;
            }
            scores
                .iter()
                .zip(&class_weight)
                .map(|(&s, &w)| if w == 0.0 { 0.0 } else { s * w })
                .sum::<f64>()
                / total
        }
        _ => scores.iter().sum::<f64>() / k as f64,
    }
}
