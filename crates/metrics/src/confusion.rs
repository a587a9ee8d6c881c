//! Confusion matrices and accuracy.

use std::fmt;

use crate::error::{check_weights, same_len, Error, Result};
use crate::label::{list, unique_labels, Label};
use crate::numeric::np_sum;

/// How to normalise a confusion matrix (scikit-learn's `normalize`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalize {
    /// Each row (actual class) sums to 1: per-class recall on the diagonal.
    True,
    /// Each column (predicted class) sums to 1: per-class precision on the diagonal.
    Pred,
    /// The whole matrix sums to 1.
    All,
}

/// Options of [`confusion_matrix`]; `Default` gives scikit-learn's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfusionOptions<'a, L> {
    /// The labels to index the matrix with, in this order. Samples whose actual or predicted
    /// label is not listed are left out. Default: the sorted labels of both inputs.
    pub labels: Option<&'a [L]>,
    /// One weight per sample.
    pub sample_weight: Option<&'a [f64]>,
    /// Normalisation; rows or columns summing to 0 stay 0.
    pub normalize: Option<Normalize>,
}

impl<L> Default for ConfusionOptions<'_, L> {
    fn default() -> Self {
        ConfusionOptions {
            labels: None,
            sample_weight: None,
            normalize: None,
        }
    }
}

/// A confusion matrix: rows are actual labels, columns predicted labels.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ConfusionMatrix<L> {
    labels: Vec<L>,
    values: Vec<f64>,
}

impl<L: Label> ConfusionMatrix<L> {
    /// The labels of the rows and columns.
    pub fn labels(&self) -> &[L] {
        &self.labels
    }

    /// Number of labels (rows = columns).
    pub fn n_labels(&self) -> usize {
        self.labels.len()
    }

    /// The entry for actual label index `actual` and predicted label index `predicted`.
    pub fn get(&self, actual: usize, predicted: usize) -> f64 {
        self.values[actual * self.labels.len() + predicted]
    }

    /// All entries, row-major.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// One row (an actual label).
    pub fn row(&self, actual: usize) -> &[f64] {
        let n = self.labels.len();
        &self.values[actual * n..(actual + 1) * n]
    }

    /// The rows as vectors.
    pub fn to_rows(&self) -> Vec<Vec<f64>> {
        (0..self.n_labels()).map(|r| self.row(r).to_vec()).collect()
    }

    /// The matrix as an `ndarray` array.
    #[cfg(feature = "ndarray")]
    pub fn to_array(&self) -> ndarray::Array2<f64> {
        let n = self.n_labels();
        ndarray::Array2::from_shape_vec((n, n), self.values.clone())
            .expect("n × n values by construction")
    }
}

/// Counts (or weighted counts) of actual label vs predicted label, as scikit-learn's
/// `confusion_matrix(y_true, y_pred)`.
pub fn confusion_matrix<L: Label>(y_true: &[L], y_pred: &[L]) -> Result<ConfusionMatrix<L>> {
    confusion_matrix_with(y_true, y_pred, &ConfusionOptions::default())
}

/// [`confusion_matrix`] with labels, weights or normalisation.
pub fn confusion_matrix_with<L: Label>(
    y_true: &[L],
    y_pred: &[L],
    options: &ConfusionOptions<'_, L>,
) -> Result<ConfusionMatrix<L>> {
    same_len("y_true and y_pred", y_true.len(), y_pred.len())?;
    if y_true.is_empty() {
        return Err(Error::Empty);
    }
    check_weights(options.sample_weight, y_true.len())?;
    let labels = match options.labels {
        None => unique_labels(&[y_true, y_pred]),
        Some([]) => return Err(Error::EmptyLabels),
        Some(given) => {
            if !given.iter().any(|l| y_true.contains(l)) {
                return Err(Error::NoLabelInTrue);
            }
            given.to_vec()
        }
    };
    let n = labels.len();
    let index = LabelIndex::new(&labels);
    let mut values = vec![0.0; n * n];
    for (i, (t, p)) in y_true.iter().zip(y_pred).enumerate() {
        if let (Some(r), Some(c)) = (index.get(t), index.get(p)) {
            values[r * n + c] += options.sample_weight.map_or(1.0, |w| w[i]);
        }
    }
    match options.normalize {
        None => {}
        Some(Normalize::True) => {
            for r in 0..n {
                let sum = np_sum(&values[r * n..(r + 1) * n]);
                for v in &mut values[r * n..(r + 1) * n] {
                    *v = nan_to_zero(*v / sum);
                }
            }
        }
        Some(Normalize::Pred) => {
            for c in 0..n {
                let sum: f64 = (0..n).map(|r| values[r * n + c]).sum();
                for r in 0..n {
                    values[r * n + c] = nan_to_zero(values[r * n + c] / sum);
                }
            }
        }
        Some(Normalize::All) => {
            let sum = np_sum(&values);
            for v in &mut values {
                *v = nan_to_zero(*v / sum);
            }
        }
    }
    Ok(ConfusionMatrix { labels, values })
}

fn nan_to_zero(v: f64) -> f64 {
    if v.is_nan() {
        0.0
    } else {
        v
    }
}

/// Label → position, by binary search over sorted labels or a scan of a given order.
pub(crate) struct LabelIndex<'a, L> {
    labels: &'a [L],
    sorted: Option<Vec<(L, usize)>>,
}

impl<'a, L: Label> LabelIndex<'a, L> {
    pub(crate) fn new(labels: &'a [L]) -> Self {
        let is_sorted = labels.windows(2).all(|w| w[0] < w[1]);
        let sorted = (!is_sorted).then(|| {
            let mut v: Vec<(L, usize)> = labels.iter().cloned().zip(0..).collect();
            v.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
            v.dedup_by(|b, a| a.0 == b.0);
            v
        });
        LabelIndex { labels, sorted }
    }

    pub(crate) fn get(&self, label: &L) -> Option<usize> {
        match &self.sorted {
            None => self.labels.binary_search(label).ok(),
            Some(v) => v
                .binary_search_by(|(l, _)| l.cmp(label))
                .ok()
                .map(|i| v[i].1),
        }
    }
}

/// Fraction of samples whose prediction is right (weighted by `sample_weight`).
pub fn accuracy_score<L: PartialEq>(
    y_true: &[L],
    y_pred: &[L],
    sample_weight: Option<&[f64]>,
) -> Result<f64> {
    same_len("y_true and y_pred", y_true.len(), y_pred.len())?;
    if y_true.is_empty() {
        return Err(Error::Empty);
    }
    check_weights(sample_weight, y_true.len())?;
    let (mut hit, mut total) = (0.0, 0.0);
    for (i, (t, p)) in y_true.iter().zip(y_pred).enumerate() {
        let w = sample_weight.map_or(1.0, |w| w[i]);
        if t == p {
            hit += w;
        }
        total += w;
    }
    Ok(hit / total)
}

/// The unnormalised confusion matrix the summary scores below are computed from.
fn weighted_confusion<L: Label>(
    y_true: &[L],
    y_pred: &[L],
    labels: Option<&[L]>,
    sample_weight: Option<&[f64]>,
) -> Result<ConfusionMatrix<L>> {
    confusion_matrix_with(
        y_true,
        y_pred,
        &ConfusionOptions {
            labels,
            sample_weight,
            normalize: None,
        },
    )
}

/// The mean recall over the classes present in `y_true` (scikit-learn's
/// `balanced_accuracy_score`); `adjusted` rescales it so that chance is 0 and perfect is 1.
/// Classes predicted but absent from `y_true` are left out, as scikit-learn does (it warns).
pub fn balanced_accuracy_score<L: Label>(
    y_true: &[L],
    y_pred: &[L],
    sample_weight: Option<&[f64]>,
    adjusted: bool,
) -> Result<f64> {
    let cm = weighted_confusion(y_true, y_pred, None, sample_weight)?;
    let n = cm.n_labels();
    let per_class: Vec<f64> = (0..n)
        .map(|r| cm.get(r, r) / np_sum(cm.row(r)))
        .filter(|v| !v.is_nan())
        .collect();
    let mut score = np_sum(&per_class) / per_class.len() as f64;
    if adjusted {
        let chance = 1.0 / per_class.len() as f64;
        score -= chance;
        score /= 1.0 - chance;
    }
    Ok(score)
}

/// The Matthews correlation coefficient of the confusion matrix, binary or multiclass
/// (scikit-learn's `matthews_corrcoef`: Gorodkin's R_K); 0 when either marginal is constant.
pub fn matthews_corrcoef<L: Label>(
    y_true: &[L],
    y_pred: &[L],
    sample_weight: Option<&[f64]>,
) -> Result<f64> {
    let cm = weighted_confusion(y_true, y_pred, None, sample_weight)?;
    let n = cm.n_labels();
    let t_sum: Vec<f64> = (0..n).map(|r| np_sum(cm.row(r))).collect();
    // NumPy sums rows (`axis=1`) pairwise, columns (`axis=0`) row after row.
    let mut p_sum = vec![0.0; n];
    for r in 0..n {
        for (p, v) in p_sum.iter_mut().zip(cm.row(r)) {
            *p += v;
        }
    }
    let n_correct: f64 = (0..n).map(|i| cm.get(i, i)).sum();
    let n_samples = np_sum(&p_sum);
    let dot = |a: &[f64], b: &[f64]| -> f64 { a.iter().zip(b).map(|(x, y)| x * y).sum() };
    let cov_ytyp = n_correct * n_samples - dot(&t_sum, &p_sum);
    let cov_ypyp = n_samples * n_samples - dot(&p_sum, &p_sum);
    let cov_ytyt = n_samples * n_samples - dot(&t_sum, &t_sum);
    if cov_ypyp * cov_ytyt == 0.0 {
        return Ok(0.0);
    }
    Ok(cov_ytyp / (cov_ytyt * cov_ypyp).sqrt())
}

/// The positive and negative likelihood ratios of binary predictions (scikit-learn's
/// `class_likelihood_ratios`): `LR+ = (tp / (tp + fn)) / (fp / (fp + tn))` and
/// `LR− = (fn / (tp + fn)) / (tn / (fp + tn))`, the positive class being the larger of the
/// two labels (or `labels[1]`). Where a ratio is undefined (no false positive, no true
/// negative) it is `replace_undefined_by`'s value: `None` means NaN for both, as
/// scikit-learn's default; `Some((lr_pos, lr_neg))` needs `lr_pos ≥ 1` and `lr_neg` in
/// `[0, 1]` (or NaN).
pub fn class_likelihood_ratios<L: Label>(
    y_true: &[L],
    y_pred: &[L],
    labels: Option<&[L]>,
    sample_weight: Option<&[f64]>,
    replace_undefined_by: Option<(f64, f64)>,
) -> Result<(f64, f64)> {
    let (undefined_pos, undefined_neg) = replace_undefined_by.unwrap_or((f64::NAN, f64::NAN));
    let pos_ok = undefined_pos.is_nan() || undefined_pos >= 1.0;
    let neg_ok = undefined_neg.is_nan() || (0.0..=1.0).contains(&undefined_neg);
    if !(pos_ok && neg_ok) {
        return Err(Error::InvalidArgument(format!(
            "replace_undefined_by needs LR+ in [1, inf] and LR- in [0, 1] (or NaN), got \
             ({undefined_pos}, {undefined_neg})"
        )));
    }
    let present = unique_labels(&[y_true, y_pred]);
    if present.len() > 2 {
        return Err(Error::NotBinary {
            present: list(&present),
        });
    }
    let cm = weighted_confusion(y_true, y_pred, labels, sample_weight)?;
    if cm.n_labels() != 2 {
        return Err(Error::InvalidArgument(format!(
            "likelihood ratios need a 2 x 2 confusion matrix, got {} labels",
            cm.n_labels()
        )));
    }
    let (tn, fp, fn_, tp) = (cm.get(0, 0), cm.get(0, 1), cm.get(1, 0), cm.get(1, 1));
    let (support_pos, support_neg) = (tp + fn_, tn + fp);
    let positive = if fp == 0.0 {
        undefined_pos
    } else {
        (tp * support_neg) / (fp * support_pos)
    };
    let negative = if tn == 0.0 {
        undefined_neg
    } else {
        (fn_ * support_neg) / (tn * support_pos)
    };
    // No positive sample: 0 / 0, NaN, unless replaced above (as scikit-learn computes it).
    Ok((positive, negative))
}

impl<L: Label> fmt::Display for ConfusionMatrix<L> {
    /// A table with actual labels down the side and predicted labels across, counts as
    /// integers when they all are, otherwise with `{:.3}` (or the formatter's precision).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let integral = self
            .values
            .iter()
            .all(|v| v.fract() == 0.0 && v.abs() < 1e15);
        let cell = |v: f64| match (integral, f.precision()) {
            (_, Some(p)) => format!("{v:.p$}"),
            (true, None) => format!("{v:.0}"),
            (false, None) => format!("{v:.3}"),
        };
        let names: Vec<String> = self.labels.iter().map(|l| l.to_string()).collect();
        let cells: Vec<String> = self.values.iter().map(|&v| cell(v)).collect();
        let width = names
            .iter()
            .chain(&cells)
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(1);
        let side = names
            .iter()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(1)
            .max("actual".len());
        writeln!(f, "{:>side$}  predicted →", "")?;
        write!(f, "{:>side$}", "actual ↓")?;
        for n in &names {
            write!(f, "  {n:>width$}")?;
        }
        writeln!(f)?;
        let k = names.len();
        for (r, name) in names.iter().enumerate() {
            write!(f, "{name:>side$}")?;
            for c in &cells[r * k..(r + 1) * k] {
                write!(f, "  {c:>width$}")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_labels_and_display() {
        let t = ["cat", "ant", "cat", "cat", "ant", "bird"];
        let p = ["ant", "ant", "cat", "cat", "ant", "cat"];
        let cm = confusion_matrix(&t, &p).unwrap();
        assert_eq!(cm.labels(), &["ant", "bird", "cat"]);
        assert_eq!(
            cm.to_rows(),
            vec![
                vec![2.0, 0.0, 0.0],
                vec![0.0, 0.0, 1.0],
                vec![1.0, 0.0, 2.0]
            ]
        );
        let text = cm.to_string();
        assert!(text.contains("ant") && text.lines().count() == 5, "{text}");
    }

    #[test]
    fn given_labels_filter_and_order() {
        let cm = confusion_matrix_with(
            &[2, 0, 2, 2, 0, 1],
            &[0, 0, 2, 2, 0, 2],
            &ConfusionOptions {
                labels: Some(&[2, 0]),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(cm.to_rows(), vec![vec![2.0, 1.0], vec![0.0, 2.0]]);
        let err = confusion_matrix_with(
            &[1, 1],
            &[1, 1],
            &ConfusionOptions {
                labels: Some(&[5]),
                ..Default::default()
            },
        );
        assert_eq!(err, Err(Error::NoLabelInTrue));
    }
}
