//! Calibration (reliability) curves.

use crate::error::{check_finite, check_weights, same_len, Error, Result};
use crate::label::{classes_of, infer_pos_label, list, unique_labels, Label};
use crate::numeric::np_sum;

/// How [`calibration_curve`] places its bins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BinStrategy {
    /// Equal-width bins over [0, 1].
    #[default]
    Uniform,
    /// Bins with (about) the same number of predictions, from the probabilities' quantiles.
    Quantile,
}

/// A calibration curve: per non-empty bin, the fraction of positives and the mean predicted
/// probability.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Calibration {
    /// Fraction of positive samples in each non-empty bin.
    pub prob_true: Vec<f64>,
    /// Mean predicted probability in each non-empty bin.
    pub prob_pred: Vec<f64>,
}

/// scikit-learn's `calibration_curve(y_true, y_prob, pos_label, n_bins, strategy)`.
pub fn calibration_curve<L: Label>(
    y_true: &[L],
    y_prob: &[f64],
    pos_label: Option<&L>,
    n_bins: usize,
    strategy: BinStrategy,
) -> Result<Calibration> {
    let positive = binary_truth(y_true, y_prob, pos_label)?;
    if n_bins == 0 {
        return Err(Error::InvalidArgument("n_bins must be at least 1".into()));
    }
    let edges = match strategy {
        BinStrategy::Uniform => linspace(n_bins),
        BinStrategy::Quantile => {
            let mut sorted = y_prob.to_vec();
            sorted.sort_by(f64::total_cmp);
            linspace(n_bins)
                .into_iter()
                .map(|q| percentile(&sorted, q * 100.0))
                .collect()
        }
    };
    let inner = &edges[1..edges.len() - 1];
    let mut sums = vec![0.0; n_bins];
    let mut trues = vec![0.0; n_bins];
    let mut totals = vec![0usize; n_bins];
    for (&p, &t) in y_prob.iter().zip(&positive) {
        // numpy's searchsorted(side="left"): the number of edges strictly below p.
        let bin = inner.partition_point(|&e| e < p);
        sums[bin] += p;
        trues[bin] += if t { 1.0 } else { 0.0 };
        totals[bin] += 1;
    }
    let mut out = Calibration {
        prob_true: Vec::new(),
        prob_pred: Vec::new(),
    };
    for b in 0..n_bins {
        if totals[b] > 0 {
            out.prob_true.push(trues[b] / totals[b] as f64);
            out.prob_pred.push(sums[b] / totals[b] as f64);
        }
    }
    Ok(out)
}

/// The fraction of positives among predictions with probability in `[low, high)`, and how
/// many predictions fall there; `None` when none do.
pub fn fraction_positive_in<L: Label>(
    y_true: &[L],
    y_prob: &[f64],
    pos_label: Option<&L>,
    low: f64,
    high: f64,
) -> Result<Option<(f64, usize)>> {
    let positive = binary_truth(y_true, y_prob, pos_label)?;
    let (mut hits, mut count) = (0usize, 0usize);
    for (&p, &t) in y_prob.iter().zip(&positive) {
        if low <= p && p < high {
            count += 1;
            hits += usize::from(t);
        }
    }
    Ok((count > 0).then(|| (hits as f64 / count as f64, count)))
}

/// The cross-entropy of predicted probabilities (scikit-learn's `log_loss`). `probabilities`
/// holds one row per sample, row after row: either one value per sample (the probability of
/// the larger of two classes) or one per class of `labels` (default: the sorted labels of
/// `y_true`). Probabilities are clipped to `[ε, 1 − ε]`; rows need not sum to one
/// (scikit-learn only warns). Values outside `[0, 1]`, NaN, a single class, or a column count
/// that does not match the classes are errors, as scikit-learn raises.
pub fn log_loss<L: Label>(
    y_true: &[L],
    probabilities: &[f64],
    labels: Option<&[L]>,
    sample_weight: Option<&[f64]>,
) -> Result<f64> {
    let n = y_true.len();
    if n == 0 {
        return Err(Error::Empty);
    }
    check_finite("probabilities", probabilities)?;
    if probabilities.iter().any(|&p| !(0.0..=1.0).contains(&p)) {
        return Err(Error::InvalidScores(
            "probabilities have values outside [0, 1]".into(),
        ));
    }
    if !probabilities.len().is_multiple_of(n) {
        return Err(Error::LengthMismatch {
            what: "probabilities (rows) and y_true",
            left: probabilities.len(),
            right: n,
        });
    }
    check_weights(sample_weight, n)?;
    let classes = classes_of(y_true, labels)?;
    if classes.len() < 2 {
        return Err(Error::InvalidArgument(format!(
            "log loss needs two classes or more (pass `labels`), got {}",
            list(&classes)
        )));
    }
    let k = probabilities.len() / n;
    let columns = if k == 1 { 2 } else { k };
    if columns != classes.len() {
        return Err(Error::InvalidArgument(format!(
            "{columns} columns of probabilities for {} classes",
            classes.len()
        )));
    }
    let loss: Vec<f64> = y_true
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let truth = classes.binary_search(label).expect("checked by classes_of");
            let row = if k == 1 {
                let p = probabilities[i];
                vec![1.0 - p, p]
            } else {
                probabilities[i * k..(i + 1) * k].to_vec()
            };
            cross_entropy(&row, truth)
        })
        .collect();
    Ok(match sample_weight {
        None => np_sum(&loss) / n as f64,
        Some(w) => {
            let weighted: Vec<f64> = loss.iter().zip(w).map(|(v, w)| v * w).collect();
            np_sum(&weighted) / np_sum(w)
        }
    })
}

/// `−Σ xlogy(one_hot(truth), clip(row))` with scikit-learn's clipping at machine epsilon and
/// NumPy's summation order over the row.
fn cross_entropy(row: &[f64], truth: usize) -> f64 {
    let eps = f64::EPSILON;
    let terms: Vec<f64> = row
        .iter()
        .enumerate()
        .map(|(j, &p)| {
            if j == truth {
                p.clamp(eps, 1.0 - eps).ln()
            } else {
                0.0
            }
        })
        .collect();
    -np_sum(&terms)
}

/// The Brier score of binary probabilities (scikit-learn's `brier_score_loss`): the
/// (weighted) mean squared difference between `y_prob`, the probability of `pos_label`, and
/// the truth, with scikit-learn 1.9's arithmetic (both classes' squared errors, halved).
/// `pos_label: None` is inferred as for the curves.
pub fn brier_score_loss<L: Label>(
    y_true: &[L],
    y_prob: &[f64],
    sample_weight: Option<&[f64]>,
    pos_label: Option<&L>,
) -> Result<f64> {
    let positive = binary_truth(y_true, y_prob, pos_label)?;
    check_weights(sample_weight, y_true.len())?;
    // Two columns, (1 − y, y) against (1 − p, p), summed per row.
    let per_row: Vec<f64> = positive
        .iter()
        .zip(y_prob)
        .map(|(&t, &p)| {
            let y = if t { 1.0 } else { 0.0 };
            let (a, b) = ((1.0 - y) - (1.0 - p), y - p);
            a * a + b * b
        })
        .collect();
    let mean = match sample_weight {
        None => np_sum(&per_row) / per_row.len() as f64,
        Some(w) => {
            let weighted: Vec<f64> = per_row.iter().zip(w).map(|(v, w)| v * w).collect();
            np_sum(&weighted) / np_sum(w)
        }
    };
    Ok(mean * 0.5)
}

fn binary_truth<L: Label>(
    y_true: &[L],
    y_prob: &[f64],
    pos_label: Option<&L>,
) -> Result<Vec<bool>> {
    same_len("y_true and y_prob", y_true.len(), y_prob.len())?;
    if y_true.is_empty() {
        return Err(Error::Empty);
    }
    check_finite("y_prob", y_prob)?;
    let present = unique_labels(&[y_true]);
    let pos = match pos_label {
        Some(p) => Some(p.clone()),
        None => infer_pos_label(&present)?,
    };
    if y_prob.iter().any(|&p| !(0.0..=1.0).contains(&p)) {
        return Err(Error::InvalidScores(
            "y_prob has values outside [0, 1]".into(),
        ));
    }
    if present.len() > 2 {
        return Err(Error::NotBinary {
            present: list(&present),
        });
    }
    Ok(y_true.iter().map(|l| Some(l) == pos.as_ref()).collect())
}

/// `np.linspace(0, 1, n + 1)`, with NumPy's arithmetic.
fn linspace(n: usize) -> Vec<f64> {
    let step = 1.0 / n as f64;
    let mut v: Vec<f64> = (0..=n).map(|i| i as f64 * step + 0.0).collect();
    v[n] = 1.0;
    v
}

/// `np.percentile(sorted, q)` with the default linear method, with NumPy's arithmetic.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let virtual_index = (n - 1) as f64 * (q / 100.0);
    if virtual_index >= (n - 1) as f64 {
        return sorted[n - 1];
    }
    let previous = virtual_index.floor();
    let gamma = virtual_index - previous;
    let (a, b) = (sorted[previous as usize], sorted[previous as usize + 1]);
    let diff = b - a;
    if gamma >= 0.5 {
        b - diff * (1.0 - gamma)
    } else {
        a + diff * gamma
    }
}
