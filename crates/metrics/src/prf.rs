//! Precision, recall, F-beta and support, with scikit-learn's averaging modes.

use crate::confusion::LabelIndex;
use crate::error::{check_weights, same_len, Error, Result};
use crate::label::{list, unique_labels, Label};
use crate::numeric::np_sum;

/// How per-label scores are combined (scikit-learn's `average`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Average {
    /// Only the positive label's scores (two-label input only).
    Binary,
    /// Pool true positives, predictions and actual positives over labels, then divide.
    Micro,
    /// Unweighted mean of the per-label scores.
    Macro,
    /// Mean of the per-label scores weighted by support (actual count).
    Weighted,
    /// Per sample, then the mean over samples (multilabel only).
    Samples,
}

/// What a ratio with a zero denominator becomes (scikit-learn's `zero_division`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ZeroDivision {
    /// 0 (scikit-learn's default `"warn"` gives 0 too; this crate does not warn).
    #[default]
    Zero,
    /// 1.
    One,
    /// NaN, left out of averages.
    Nan,
}

impl ZeroDivision {
    fn value(self) -> f64 {
        match self {
            ZeroDivision::Zero => 0.0,
            ZeroDivision::One => 1.0,
            ZeroDivision::Nan => f64::NAN,
        }
    }
}

/// Options of the precision / recall / F functions; `Default` gives scikit-learn's defaults
/// (`beta = 1`, `average = Binary`, positive label 1).
#[derive(Debug, Clone, PartialEq)]
pub struct PrfOptions<'a, L> {
    /// Weight of recall relative to precision in the F-score (`f64::INFINITY` is recall,
    /// 0 is precision).
    pub beta: f64,
    /// The labels to report or average over, in this order; labels absent from the data
    /// score according to `zero_division`. Ignored with `Average::Binary`.
    /// For multilabel input these are column indices.
    pub labels: Option<&'a [L]>,
    /// The positive label for `Average::Binary`. `None` means 1 (for numeric labels).
    pub pos_label: Option<L>,
    /// Averaging; `None` returns one score per label.
    pub average: Option<Average>,
    /// One weight per sample.
    pub sample_weight: Option<&'a [f64]>,
    /// What 0/0 becomes.
    pub zero_division: ZeroDivision,
}

impl<L> Default for PrfOptions<'_, L> {
    fn default() -> Self {
        PrfOptions {
            beta: 1.0,
            labels: None,
            pos_label: None,
            average: Some(Average::Binary),
            sample_weight: None,
            zero_division: ZeroDivision::Zero,
        }
    }
}

impl<'a, L> PrfOptions<'a, L> {
    /// Defaults with another averaging mode (`None`: per label).
    pub fn average(average: Option<Average>) -> Self {
        PrfOptions {
            average,
            ..Default::default()
        }
    }
}

/// A score: one number when averaged, one per label otherwise.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Score {
    /// The averaged score.
    Averaged(f64),
    /// One score per label, in the order of [`Prf::labels`].
    PerLabel(Vec<f64>),
}

impl Score {
    /// The averaged value, if this is one.
    pub fn value(&self) -> Option<f64> {
        match self {
            Score::Averaged(v) => Some(*v),
            Score::PerLabel(_) => None,
        }
    }

    /// The values: one if averaged, one per label otherwise.
    pub fn values(&self) -> &[f64] {
        match self {
            Score::Averaged(v) => std::slice::from_ref(v),
            Score::PerLabel(v) => v,
        }
    }
}

/// Precision, recall, F-beta and support.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Prf<L> {
    /// The labels the scores refer to (averaged over, or one per per-label entry).
    pub labels: Vec<L>,
    /// Precision: tp / (tp + fp).
    pub precision: Score,
    /// Recall: tp / (tp + fn).
    pub recall: Score,
    /// F-beta: (1 + β²) tp / ((1 + β²) tp + β² fn + fp).
    pub fbeta: Score,
    /// Actual (weighted) count per label; `None` when averaged, as in scikit-learn.
    pub support: Option<Vec<f64>>,
}

/// Per-label sums: true positives, predicted positives, actual positives.
struct Sums {
    tp: Vec<f64>,
    pred: Vec<f64>,
    actual: Vec<f64>,
}

/// Precision, recall, F-beta and support of label predictions, as scikit-learn's
/// `precision_recall_fscore_support`.
pub fn precision_recall_fscore_support<L: Label>(
    y_true: &[L],
    y_pred: &[L],
    options: &PrfOptions<'_, L>,
) -> Result<Prf<L>> {
    same_len("y_true and y_pred", y_true.len(), y_pred.len())?;
    if y_true.is_empty() {
        return Err(Error::Empty);
    }
    check_beta(options.beta)?;
    check_weights(options.sample_weight, y_true.len())?;
    let present = unique_labels(&[y_true, y_pred]);
    let selected: Vec<L> = match options.average {
        Some(Average::Binary) => {
            if present.len() > 2 {
                return Err(Error::BinaryAverageOnMulticlass {
                    n_labels: present.len(),
                });
            }
            let pos = match &options.pos_label {
                Some(p) => Some(p.clone()),
                None => present.iter().find(|l| l.as_int() == Some(1)).cloned(),
            };
            match pos {
                Some(p) if present.contains(&p) || present.len() < 2 => vec![p],
                None if present.len() < 2 => Vec::new(),
                other => {
                    return Err(Error::InvalidPosLabel {
                        pos_label: other.map_or("1".to_string(), |p| p.to_string()),
                        present: list(&present),
                    })
                }
            }
        }
        Some(Average::Samples) => return Err(Error::SamplesAverageNeedsMultilabel),
        _ => options
            .labels
            .map_or_else(|| present.clone(), <[L]>::to_vec),
    };
    let n = selected.len();
    let mut sums = Sums {
        tp: vec![0.0; n],
        pred: vec![0.0; n],
        actual: vec![0.0; n],
    };
    let index = LabelIndex::new(&selected);
    for (i, (t, p)) in y_true.iter().zip(y_pred).enumerate() {
        let w = options.sample_weight.map_or(1.0, |w| w[i]);
        let it = index.get(t);
        if let Some(it) = it {
            sums.actual[it] += w;
            if t == p {
                sums.tp[it] += w;
            }
        }
        if let Some(ip) = index.get(p) {
            sums.pred[ip] += w;
        }
    }
    if selected.is_empty() {
        // Binary average, pos_label 1 absent from a one-label input: all sums are zero.
        sums = Sums {
            tp: vec![0.0],
            pred: vec![0.0],
            actual: vec![0.0],
        };
    }
    Ok(finish(selected, sums, options, None))
}

/// A multilabel indicator matrix: `n_samples × n_labels` values 0 or 1, row-major.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Indicator<'a> {
    data: &'a [u8],
    n_labels: usize,
}

impl<'a> Indicator<'a> {
    /// Wraps row-major 0/1 values with `n_labels` columns.
    pub fn new(data: &'a [u8], n_labels: usize) -> Result<Self> {
        if n_labels == 0 || !data.len().is_multiple_of(n_labels) {
            return Err(Error::InvalidIndicator(format!(
                "{} values do not form rows of {n_labels} labels",
                data.len()
            )));
        }
        if let Some(i) = data.iter().position(|&v| v > 1) {
            return Err(Error::InvalidIndicator(format!(
                "indicator values must be 0 or 1; found {} at position {i}",
                data[i]
            )));
        }
        Ok(Indicator { data, n_labels })
    }

    /// Number of samples (rows).
    pub fn n_samples(&self) -> usize {
        self.data.len() / self.n_labels
    }

    /// Number of labels (columns).
    pub fn n_labels(&self) -> usize {
        self.n_labels
    }

    fn get(&self, sample: usize, label: usize) -> bool {
        self.data[sample * self.n_labels + label] == 1
    }
}

fn check_indicators(y_true: &Indicator<'_>, y_pred: &Indicator<'_>) -> Result<()> {
    same_len(
        "y_true and y_pred rows",
        y_true.n_samples(),
        y_pred.n_samples(),
    )?;
    same_len(
        "y_true and y_pred columns",
        y_true.n_labels,
        y_pred.n_labels,
    )?;
    if y_true.n_samples() == 0 {
        return Err(Error::Empty);
    }
    Ok(())
}

/// Precision, recall, F-beta and support for multilabel indicator input. `labels` are
/// column indices; `Average::Samples` scores each sample's label set, then averages.
pub fn multilabel_precision_recall_fscore_support(
    y_true: Indicator<'_>,
    y_pred: Indicator<'_>,
    options: &PrfOptions<'_, usize>,
) -> Result<Prf<usize>> {
    check_indicators(&y_true, &y_pred)?;
    check_beta(options.beta)?;
    let n_samples = y_true.n_samples();
    check_weights(options.sample_weight, n_samples)?;
    if options.average == Some(Average::Binary) {
        return Err(Error::InvalidArgument(
            "target is multilabel-indicator but average is Binary; choose Micro, Macro, Weighted, Samples or None".into(),
        ));
    }
    let selected: Vec<usize> = match options.labels {
        None => (0..y_true.n_labels).collect(),
        Some(labels) => {
            if let Some(&bad) = labels.iter().find(|&&l| l >= y_true.n_labels) {
                return Err(Error::InvalidIndicator(format!(
                    "all labels must be in [0, {}) for multilabel targets; got {bad}",
                    y_true.n_labels
                )));
            }
            labels.to_vec()
        }
    };
    let samplewise = options.average == Some(Average::Samples);
    let len = if samplewise {
        n_samples
    } else {
        selected.len()
    };
    let mut sums = Sums {
        tp: vec![0.0; len],
        pred: vec![0.0; len],
        actual: vec![0.0; len],
    };
    for s in 0..n_samples {
        let w = if samplewise {
            1.0
        } else {
            options.sample_weight.map_or(1.0, |w| w[s])
        };
        for (k, &l) in selected.iter().enumerate() {
            let slot = if samplewise { s } else { k };
            let (t, p) = (y_true.get(s, l), y_pred.get(s, l));
            if t {
                sums.actual[slot] += w;
            }
            if p {
                sums.pred[slot] += w;
            }
            if t && p {
                sums.tp[slot] += w;
            }
        }
    }
    let avg_weights = if samplewise {
        options.sample_weight
    } else {
        None
    };
    Ok(finish(selected, sums, options, avg_weights))
}

/// Subset accuracy of multilabel predictions: the (weighted) fraction of samples whose whole
/// label set is right.
pub fn multilabel_accuracy_score(
    y_true: Indicator<'_>,
    y_pred: Indicator<'_>,
    sample_weight: Option<&[f64]>,
) -> Result<f64> {
    check_indicators(&y_true, &y_pred)?;
    check_weights(sample_weight, y_true.n_samples())?;
    let k = y_true.n_labels;
    let (mut hit, mut total) = (0.0, 0.0);
    for s in 0..y_true.n_samples() {
        let w = sample_weight.map_or(1.0, |w| w[s]);
        if y_true.data[s * k..(s + 1) * k] == y_pred.data[s * k..(s + 1) * k] {
            hit += w;
        }
        total += w;
    }
    Ok(hit / total)
}

fn check_beta(beta: f64) -> Result<()> {
    if beta.is_nan() || beta < 0.0 {
        return Err(Error::InvalidArgument(format!(
            "beta must be 0 or more, got {beta}"
        )));
    }
    Ok(())
}

/// Divides, replacing x/0 by the zero-division value (scikit-learn's `_prf_divide`).
fn divide(num: &[f64], den: &[f64], zero: ZeroDivision) -> Vec<f64> {
    num.iter()
        .zip(den)
        .map(|(&n, &d)| if d == 0.0 { zero.value() } else { n / d })
        .collect()
}

fn finish<L: Clone>(
    labels: Vec<L>,
    mut sums: Sums,
    options: &PrfOptions<'_, L>,
    sample_weight: Option<&[f64]>,
) -> Prf<L> {
    // scikit-learn goes through the multilabel confusion matrix: fp = pred - tp and
    // fn = actual - tp, then pred = tp + fp and actual = tp + fn. With weights the round trip
    // changes the last bit, so do the same.
    for i in 0..sums.tp.len() {
        let tp = sums.tp[i];
        sums.pred[i] = tp + (sums.pred[i] - tp);
        sums.actual[i] = tp + (sums.actual[i] - tp);
    }
    if options.average == Some(Average::Micro) {
        let total = |v: &[f64]| vec![np_sum(v)];
        sums = Sums {
            tp: total(&sums.tp),
            pred: total(&sums.pred),
            actual: total(&sums.actual),
        };
    }
    let zero = options.zero_division;
    let precision = divide(&sums.tp, &sums.pred, zero);
    let recall = divide(&sums.tp, &sums.actual, zero);
    let beta = options.beta;
    let fbeta = if beta == f64::INFINITY {
        recall.clone()
    } else if beta == 0.0 {
        precision.clone()
    } else {
        let b2 = beta * beta;
        let num: Vec<f64> = sums.tp.iter().map(|&tp| (1.0 + b2) * tp).collect();
        let den: Vec<f64> = sums
            .actual
            .iter()
            .zip(&sums.pred)
            .map(|(&t, &p)| b2 * t + p)
            .collect();
        divide(&num, &den, zero)
    };
    match options.average {
        None => Prf {
            labels,
            precision: Score::PerLabel(precision),
            recall: Score::PerLabel(recall),
            fbeta: Score::PerLabel(fbeta),
            support: Some(sums.actual),
        },
        Some(average) => {
            let weights = match average {
                Average::Weighted => Some(sums.actual.as_slice()),
                Average::Samples => sample_weight,
                _ => None,
            };
            Prf {
                labels,
                precision: Score::Averaged(nan_average(&precision, weights)),
                recall: Score::Averaged(nan_average(&recall, weights)),
                fbeta: Score::Averaged(nan_average(&fbeta, weights)),
                support: None,
            }
        }
    }
}

/// Weighted mean ignoring NaNs; unweighted when the weights sum to zero
/// (scikit-learn's `_nanaverage`).
pub(crate) fn nan_average(values: &[f64], weights: Option<&[f64]>) -> f64 {
    let keep: Vec<usize> = (0..values.len()).filter(|&i| !values[i].is_nan()).collect();
    if keep.is_empty() {
        return f64::NAN;
    }
    let kept: Vec<f64> = keep.iter().map(|&i| values[i]).collect();
    let mean = || np_sum(&kept) / kept.len() as f64;
    match weights {
        None => mean(),
        Some(w) => {
            let w: Vec<f64> = keep.iter().map(|&i| w[i]).collect();
            let total = np_sum(&w);
            if total == 0.0 {
                mean()
            } else {
                let products: Vec<f64> = kept.iter().zip(&w).map(|(v, w)| v * w).collect();
                np_sum(&products) / total
            }
        }
    }
}

macro_rules! one_score {
    ($(#[$doc:meta])* $name:ident, $field:ident, $beta:expr) => {
        $(#[$doc])*
        pub fn $name<L: Label>(
            y_true: &[L],
            y_pred: &[L],
            options: &PrfOptions<'_, L>,
        ) -> Result<Score> {
            let beta: Option<f64> = $beta;
            let options = PrfOptions {
                beta: beta.unwrap_or(options.beta),
                pos_label: options.pos_label.clone(),
                ..*options
            };
            Ok(precision_recall_fscore_support(y_true, y_pred, &options)?.$field)
        }
    };
}

one_score!(
    /// Precision: of the samples predicted as a label, the fraction that have it.
    precision_score, precision, None
);
one_score!(
    /// Recall: of the samples that have a label, the fraction predicted as it.
    recall_score, recall, None
);
one_score!(
    /// F1: the harmonic mean of precision and recall (`options.beta` is ignored).
    f1_score, fbeta, Some(1.0)
);
one_score!(
    /// F-beta with `options.beta`.
    fbeta_score, fbeta, None
);
