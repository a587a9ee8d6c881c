//! Curves and average precision of multiclass scores, one class against the rest and then
//! averaged: micro (every sample–class pair one binary decision) or macro (the classes'
//! curves averaged), as scikit-learn's ROC and precision–recall examples and
//! `average_precision_score` compute them.

use crate::curves::{average_precision_of, pr_from, roc_from, score_columns};
use crate::error::{Error, Result};
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
