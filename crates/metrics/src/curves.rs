//! Threshold curves (ROC, precision–recall), the areas under them, and the threshold for a
//! target precision.

use crate::error::{check_finite, check_weights, same_len, Error, Result};
use crate::label::{classes_of, infer_pos_label, list, unique_labels, Label};
use crate::numeric::np_sum;

/// Options of [`roc_curve`] and [`precision_recall_curve`].
#[derive(Debug, Clone, PartialEq)]
pub struct CurveOptions<'a, L> {
    /// The positive label; `None` infers 1 from labels {0, 1} or {-1, 1} (else an error).
    pub pos_label: Option<L>,
    /// One weight per sample; samples of weight 0 are dropped first, as in scikit-learn.
    pub sample_weight: Option<&'a [f64]>,
    /// Drop points that do not change the curve's shape. `roc_curve` defaults to `true`
    /// there, `precision_recall_curve` to `false`: use [`CurveOptions::roc`] and
    /// [`CurveOptions::pr`] for those defaults.
    pub drop_intermediate: bool,
}

impl<L> CurveOptions<'_, L> {
    /// scikit-learn's `roc_curve` defaults.
    pub fn roc() -> Self {
        CurveOptions {
            pos_label: None,
            sample_weight: None,
            drop_intermediate: true,
        }
    }

    /// scikit-learn's `precision_recall_curve` defaults.
    pub fn pr() -> Self {
        CurveOptions {
            pos_label: None,
            sample_weight: None,
            drop_intermediate: false,
        }
    }
}

/// A ROC curve: false and true positive rates at decreasing thresholds.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RocCurve {
    /// False positive rate at each threshold (NaN everywhere if there are no negatives).
    pub fpr: Vec<f64>,
    /// True positive rate at each threshold (NaN everywhere if there are no positives).
    pub tpr: Vec<f64>,
    /// Decreasing thresholds; the first is +∞ (no sample predicted positive).
    pub thresholds: Vec<f64>,
}

/// Confusion-matrix counts at every distinct score taken as the threshold (a sample is
/// predicted positive when its score is at least the threshold), thresholds decreasing.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ThresholdCounts {
    /// True negatives at each threshold.
    pub tns: Vec<f64>,
    /// False positives.
    pub fps: Vec<f64>,
    /// False negatives.
    pub fns: Vec<f64>,
    /// True positives.
    pub tps: Vec<f64>,
    /// The distinct scores, decreasing.
    pub thresholds: Vec<f64>,
}

/// A detection error tradeoff (DET) curve: false positive and false negative rates at
/// increasing thresholds.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DetCurve {
    /// False positive rate at each threshold (decreasing).
    pub fpr: Vec<f64>,
    /// False negative rate at each threshold (increasing).
    pub fnr: Vec<f64>,
    /// Increasing thresholds, from where no false positive is left to where no false negative
    /// is left.
    pub thresholds: Vec<f64>,
}

/// A precision–recall curve.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PrCurve {
    /// Precision at each threshold, then a final 1.
    pub precision: Vec<f64>,
    /// Recall at each threshold (decreasing), then a final 0.
    pub recall: Vec<f64>,
    /// Increasing thresholds: the distinct scores (one fewer than precision and recall).
    pub thresholds: Vec<f64>,
}

/// A point on a precision–recall curve.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ThresholdPoint {
    /// Predict positive when the score is at least this.
    pub threshold: f64,
    /// Precision there.
    pub precision: f64,
    /// Recall there.
    pub recall: f64,
}

impl PrCurve {
    /// The lowest threshold whose precision is at least `min_precision`, with the recall
    /// there (the book's `thresholds[(precisions >= 0.90).argmax()]`). `None` if only the
    /// final point (no prediction at all) reaches it.
    pub fn threshold_for_precision(&self, min_precision: f64) -> Option<ThresholdPoint> {
        let i = self.precision.iter().position(|&p| p >= min_precision)?;
        Some(ThresholdPoint {
            threshold: *self.thresholds.get(i)?,
            precision: self.precision[i],
            recall: self.recall[i],
        })
    }
}

/// Counts of false and true positives at each distinct score, highest score first.
struct Counts {
    fps: Vec<f64>,
    tps: Vec<f64>,
    thresholds: Vec<f64>,
}

impl Counts {
    /// With more than two points, keeps the first, the last, and the interior points `i`
    /// for which `keep(self, i)` holds (scikit-learn's `drop_intermediate`).
    fn keep_interior(&mut self, keep: impl Fn(&Counts, usize) -> bool) {
        let n = self.fps.len();
        if n <= 2 {
            return;
        }
        let kept: Vec<usize> = (0..n)
            .filter(|&i| i == 0 || i == n - 1 || keep(self, i))
            .collect();
        let pick = |v: &[f64]| kept.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        *self = Counts {
            fps: pick(&self.fps),
            tps: pick(&self.tps),
            thresholds: pick(&self.thresholds),
        };
    }
}

/// Order-preserving `u64` key of a finite `f64`, inverted so ascending keys are descending
/// scores. `-0.0` and `0.0` get the same key (they are equal scores).
#[inline]
fn descending_key(score: f64) -> u64 {
    let bits = (score + 0.0).to_bits(); // -0.0 + 0.0 = 0.0
    let ordered = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    !ordered
}

/// Stable LSD radix sort of `(key, index)` pairs by key, 11 bits a pass; passes where every
/// key has the same digit are skipped. Stable, so equal keys keep index order.
fn radix_sort(keys: &mut Vec<u64>, idx: &mut Vec<u32>) {
    const BITS: u32 = 11;
    const BUCKETS: usize = 1 << BITS;
    let n = keys.len();
    if n < 256 {
        let mut pairs: Vec<(u64, u32)> = keys.iter().copied().zip(idx.iter().copied()).collect();
        pairs.sort_unstable();
        for (i, (k, j)) in pairs.into_iter().enumerate() {
            keys[i] = k;
            idx[i] = j;
        }
        return;
    }
    let passes = 64u32.div_ceil(BITS);
    let mut hist = vec![[0usize; BUCKETS]; passes as usize];
    for &k in keys.iter() {
        for (p, h) in hist.iter_mut().enumerate() {
            h[((k >> (p as u32 * BITS)) as usize) & (BUCKETS - 1)] += 1;
        }
    }
    let mut keys2 = vec![0u64; n];
    let mut idx2 = vec![0u32; n];
    for (p, h) in hist.iter_mut().enumerate() {
        let shift = p as u32 * BITS;
        if h.contains(&n) {
            continue;
        }
        let mut sum = 0;
        for c in h.iter_mut() {
            let count = *c;
            *c = sum;
            sum += count;
        }
        for i in 0..n {
            let k = keys[i];
            let b = ((k >> shift) as usize) & (BUCKETS - 1);
            let dst = h[b];
            h[b] += 1;
            keys2[dst] = k;
            idx2[dst] = idx[i];
        }
        std::mem::swap(keys, &mut keys2);
        std::mem::swap(idx, &mut idx2);
    }
}

/// scikit-learn's `confusion_matrix_at_thresholds`: scores sorted decreasing (stable), and
/// the cumulative counts at the last index of each distinct score.
fn binary_counts(positive: &[bool], scores: &[f64], weights: Option<&[f64]>) -> Counts {
    let mut keys = Vec::with_capacity(scores.len());
    let mut idx = Vec::with_capacity(scores.len());
    for (i, &s) in scores.iter().enumerate() {
        if weights.is_none_or(|w| w[i] != 0.0) {
            keys.push(descending_key(s));
            idx.push(i as u32);
        }
    }
    radix_sort(&mut keys, &mut idx);
    let m = idx.len();
    let mut counts = Counts {
        fps: Vec::new(),
        tps: Vec::new(),
        thresholds: Vec::new(),
    };
    let (mut tp, mut fp) = (0.0f64, 0.0f64);
    for j in 0..m {
        let i = idx[j] as usize;
        let pos = positive[i];
        match weights {
            None => tp += if pos { 1.0 } else { 0.0 },
            Some(w) => {
                if pos {
                    tp += w[i];
                } else {
                    fp += w[i];
                }
            }
        }
        let last = j + 1 == m || keys[j + 1] != keys[j];
        if last {
            counts.tps.push(tp);
            counts.fps.push(match weights {
                None => 1.0 + j as f64 - tp,
                Some(_) => fp,
            });
            counts.thresholds.push(scores[i]);
        }
    }
    counts
}

/// [`positives`] with the positive label and weights of `options`.
fn positives_of<L: Label>(
    y_true: &[L],
    scores: &[f64],
    options: &CurveOptions<'_, L>,
) -> Result<Vec<bool>> {
    positives(
        y_true,
        scores,
        options.pos_label.as_ref(),
        options.sample_weight,
    )
}

/// Which samples are positive, checking the inputs on the way.
fn positives<L: Label>(
    y_true: &[L],
    scores: &[f64],
    pos_label: Option<&L>,
    weights: Option<&[f64]>,
) -> Result<Vec<bool>> {
    same_len("y_true and scores", y_true.len(), scores.len())?;
    if y_true.is_empty() {
        return Err(Error::Empty);
    }
    check_finite("scores", scores)?;
    check_weights(weights, y_true.len())?;
    let present = unique_labels(&[y_true]);
    let pos = match pos_label {
        Some(p) => Some(p.clone()),
        None => {
            if present.len() > 2 {
                return Err(Error::NotBinary {
                    present: list(&present),
                });
            }
            infer_pos_label(&present)?
        }
    };
    Ok(y_true.iter().map(|l| Some(l) == pos.as_ref()).collect())
}

/// The ROC curve of binary scores, as scikit-learn's `roc_curve`.
pub fn roc_curve<L: Label>(
    y_true: &[L],
    scores: &[f64],
    options: &CurveOptions<'_, L>,
) -> Result<RocCurve> {
    let positive = positives_of(y_true, scores, options)?;
    Ok(roc_from(
        &positive,
        scores,
        options.sample_weight,
        options.drop_intermediate,
    ))
}

/// The false positive rate of deciding positive at `score >= threshold`: the (weighted)
/// share of the negative samples scored at or above it — the ROC curve's `fpr` at that
/// threshold, for a threshold chosen on another curve (a precision–recall curve's, a tuned
/// one). NaN without negative samples, as the ROC curve's rates.
///
/// ```
/// use classify_metrics::{false_positive_rate_at, CurveOptions};
///
/// let y = [0, 0, 0, 0, 1, 1];
/// let scores = [0.1, 0.4, 0.6, 0.8, 0.7, 0.9];
/// assert_eq!(false_positive_rate_at(&y, &scores, 0.6, &CurveOptions::roc())?, 0.5);
/// # Ok::<(), classify_metrics::Error>(())
/// ```
pub fn false_positive_rate_at<L: Label>(
    y_true: &[L],
    scores: &[f64],
    threshold: f64,
    options: &CurveOptions<'_, L>,
) -> Result<f64> {
    let positive = positives_of(y_true, scores, options)?;
    let weight = |i: usize| options.sample_weight.map_or(1.0, |w| w[i]);
    let (mut negatives, mut above) = (0.0, 0.0);
    for (i, (&p, &s)) in positive.iter().zip(scores).enumerate() {
        if !p {
            negatives += weight(i);
            if s >= threshold {
                above += weight(i);
            }
        }
    }
    Ok(if negatives > 0.0 {
        above / negatives
    } else {
        f64::NAN
    })
}

pub(crate) fn roc_from(
    positive: &[bool],
    scores: &[f64],
    weights: Option<&[f64]>,
    drop: bool,
) -> RocCurve {
    let mut counts = binary_counts(positive, scores, weights);
    if drop {
        // Keep the ends and every point where the curve bends (a non-zero second difference).
        let second_diff = |v: &[f64], i: usize| (v[i + 1] - v[i]) - (v[i] - v[i - 1]);
        counts.keep_interior(|c, i| second_diff(&c.fps, i) != 0.0 || second_diff(&c.tps, i) != 0.0);
    }
    let Counts {
        fps,
        tps,
        thresholds,
    } = counts;
    let rate = |v: &[f64]| -> Vec<f64> {
        let last = *v.last().unwrap_or(&0.0);
        std::iter::once(0.0)
            .chain(v.iter().copied())
            .map(|x| if last <= 0.0 { f64::NAN } else { x / last })
            .collect()
    };
    RocCurve {
        fpr: rate(&fps),
        tpr: rate(&tps),
        thresholds: std::iter::once(f64::INFINITY).chain(thresholds).collect(),
    }
}

/// The (weighted) confusion-matrix counts at every distinct score, as scikit-learn's
/// `confusion_matrix_at_thresholds` (1.8): the counts the ROC, precision–recall and DET
/// curves are made from. `options.drop_intermediate` is not used.
pub fn confusion_matrix_at_thresholds<L: Label>(
    y_true: &[L],
    scores: &[f64],
    options: &CurveOptions<'_, L>,
) -> Result<ThresholdCounts> {
    let positive = positives_of(y_true, scores, options)?;
    let Counts {
        fps,
        tps,
        thresholds,
    } = binary_counts(&positive, scores, options.sample_weight);
    let (last_fp, last_tp) = (
        fps.last().copied().unwrap_or(0.0),
        tps.last().copied().unwrap_or(0.0),
    );
    Ok(ThresholdCounts {
        tns: fps.iter().map(|f| last_fp - f).collect(),
        fns: tps.iter().map(|t| last_tp - t).collect(),
        fps,
        tps,
        thresholds,
    })
}

/// The fraction (or, with `normalize: false`, the weighted count) of samples whose true
/// class is among the `k` best-scored classes (scikit-learn's `top_k_accuracy_score`).
/// `scores` holds one row per sample, row after row: one column per class of `labels`
/// (default: the sorted labels of `y_true`), or, for two classes, a single column for the
/// larger one. At equal scores the class listed later ranks higher, as scikit-learn's
/// reversed stable argsort; binary scores with `k = 1` predict the larger class above 0.5
/// (probabilities) or above 0 (decision values).
pub fn top_k_accuracy_score<L: Label>(
    y_true: &[L],
    scores: &[f64],
    k: usize,
    labels: Option<&[L]>,
    normalize: bool,
    sample_weight: Option<&[f64]>,
) -> Result<f64> {
    let n = y_true.len();
    if n == 0 {
        return Err(Error::Empty);
    }
    if k == 0 {
        return Err(Error::InvalidArgument("k must be at least 1".into()));
    }
    check_finite("scores", scores)?;
    check_weights(sample_weight, n)?;
    if !scores.len().is_multiple_of(n) {
        return Err(Error::LengthMismatch {
            what: "scores (rows) and y_true",
            left: scores.len(),
            right: n,
        });
    }
    let columns = scores.len() / n;
    let present = unique_labels(&[y_true]);
    let binary = present.len() <= 2 && labels.is_none_or(|l| l.len() <= 2);
    if binary && columns != 1 {
        return Err(Error::InvalidScores(format!(
            "y_true is binary but the scores have {columns} columns; pass every label in `labels`"
        )));
    }
    if !binary && columns == 1 {
        return Err(Error::InvalidScores(
            "y_true has more than two classes: scores need one column per class".into(),
        ));
    }
    let score_classes = if binary { 2 } else { columns };
    if labels.is_some_and(|given| unique_labels(&[given]).as_slice() != given) {
        return Err(Error::InvalidArgument(
            "labels must be distinct and sorted".into(),
        ));
    }
    let classes = classes_of(y_true, labels)?;
    if classes.len() != score_classes {
        return Err(Error::InvalidArgument(format!(
            "{} classes but scores for {score_classes}; pass every label in `labels`",
            classes.len()
        )));
    }
    let truth: Vec<usize> = y_true
        .iter()
        .map(|l| classes.binary_search(l).expect("checked by classes_of"))
        .collect();
    let hits = if binary {
        binary_top_k_hits(scores, &truth, k)
    } else {
        truth
            .iter()
            .enumerate()
            .map(|(i, &t)| {
                // Ranked by score, ties to the later class: the true class is in the top k
                // when fewer than k classes rank above it.
                let row = &scores[i * columns..(i + 1) * columns];
                let above = (0..columns)
                    .filter(|&j| row[j] > row[t] || (row[j] == row[t] && j > t))
                    .count();
                above < k
            })
            .collect()
    };
    Ok(hit_rate(&hits, normalize, sample_weight))
}

/// Binary top-k hits: with `k = 1` the larger class is predicted above 0.5 (probabilities)
/// or 0 (decision values); with `k ≥ 2` every sample is a hit.
fn binary_top_k_hits(scores: &[f64], truth: &[usize], k: usize) -> Vec<bool> {
    if k >= 2 {
        return vec![true; truth.len()];
    }
    let probabilities = scores.iter().all(|&s| (0.0..=1.0).contains(&s));
    let threshold = if probabilities { 0.5 } else { 0.0 };
    scores
        .iter()
        .zip(truth)
        .map(|(&s, &t)| usize::from(s > threshold) == t)
        .collect()
}

/// NumPy's (weighted) mean of hits, or their (weighted) count.
fn hit_rate(hits: &[bool], normalize: bool, sample_weight: Option<&[f64]>) -> f64 {
    let values: Vec<f64> = hits
        .iter()
        .enumerate()
        .map(|(i, &h)| {
            if h {
                sample_weight.map_or(1.0, |w| w[i])
            } else {
                0.0
            }
        })
        .collect();
    match (normalize, sample_weight) {
        (true, None) => np_sum(&values) / hits.len() as f64,
        (true, Some(w)) => np_sum(&values) / np_sum(w),
        (false, _) => values.iter().sum(),
    }
}

/// The detection error tradeoff curve of binary scores, as scikit-learn's `det_curve`
/// (whose `drop_intermediate` defaults to `false`: [`CurveOptions::pr`]'s defaults). Both
/// classes must be present ([`Error::SingleClass`] otherwise, as scikit-learn raises).
pub fn det_curve<L: Label>(
    y_true: &[L],
    scores: &[f64],
    options: &CurveOptions<'_, L>,
) -> Result<DetCurve> {
    let positive = positives_of(y_true, scores, options)?;
    let counts = binary_counts(&positive, scores, options.sample_weight);
    // A first point at +∞, where nothing is predicted positive.
    let mut fps: Vec<f64> = std::iter::once(0.0).chain(counts.fps).collect();
    let mut tps: Vec<f64> = std::iter::once(0.0).chain(counts.tps).collect();
    let mut thresholds: Vec<f64> = std::iter::once(f64::INFINITY)
        .chain(counts.thresholds)
        .collect();
    let n = fps.len();
    if options.drop_intermediate && n > 2 {
        // Keep the ends and every point next to a change of the true positives.
        let kept: Vec<usize> = (0..n)
            .filter(|&i| i == 0 || i == n - 1 || tps[i] != tps[i - 1] || tps[i + 1] != tps[i])
            .collect();
        let pick = |v: &[f64]| kept.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        (fps, tps, thresholds) = (pick(&fps), pick(&tps), pick(&thresholds));
    }
    if unique_labels(&[y_true]).len() != 2 {
        return Err(Error::SingleClass);
    }
    let (p_count, n_count) = (tps[tps.len() - 1], fps[fps.len() - 1]);
    // From the last point with no false positive to the first with no false negative.
    let first = fps.partition_point(|&v| v <= fps[0]) - 1;
    let last = tps.partition_point(|&v| v < p_count) + 1;
    let range = first..last.min(tps.len());
    Ok(DetCurve {
        fpr: fps[range.clone()]
            .iter()
            .rev()
            .map(|v| v / n_count)
            .collect(),
        fnr: tps[range.clone()]
            .iter()
            .rev()
            .map(|v| (p_count - v) / p_count)
            .collect(),
        thresholds: thresholds[range].iter().rev().copied().collect(),
    })
}

/// The precision–recall curve of binary scores, as scikit-learn's `precision_recall_curve`.
/// With no positive sample, recall is 1 at every threshold (as scikit-learn, which warns).
pub fn precision_recall_curve<L: Label>(
    y_true: &[L],
    scores: &[f64],
    options: &CurveOptions<'_, L>,
) -> Result<PrCurve> {
    let positive = positives_of(y_true, scores, options)?;
    Ok(pr_from(
        &positive,
        scores,
        options.sample_weight,
        options.drop_intermediate,
    ))
}

pub(crate) fn pr_from(
    positive: &[bool],
    scores: &[f64],
    weights: Option<&[f64]>,
    drop: bool,
) -> PrCurve {
    let mut counts = binary_counts(positive, scores, weights);
    if drop {
        // Keep the ends and every point where the true positives change on either side.
        counts
            .keep_interior(|c, i| c.tps[i] - c.tps[i - 1] != 0.0 || c.tps[i + 1] - c.tps[i] != 0.0);
    }
    let Counts {
        fps,
        tps,
        mut thresholds,
    } = counts;
    let last_tp = *tps.last().unwrap_or(&0.0);
    let mut precision: Vec<f64> = tps
        .iter()
        .zip(&fps)
        .rev()
        .map(|(&tp, &fp)| {
            let ps = tp + fp;
            if ps != 0.0 {
                tp / ps
            } else {
                0.0
            }
        })
        .collect();
    let mut recall: Vec<f64> = tps
        .iter()
        .rev()
        .map(|&tp| if last_tp == 0.0 { 1.0 } else { tp / last_tp })
        .collect();
    precision.push(1.0);
    recall.push(0.0);
    thresholds.reverse();
    PrCurve {
        precision,
        recall,
        thresholds,
    }
}

/// Area under a curve by the trapezoidal rule; `x` must be monotonic (either direction).
pub fn auc(x: &[f64], y: &[f64]) -> Result<f64> {
    same_len("x and y", x.len(), y.len())?;
    if x.len() < 2 {
        return Err(Error::InvalidArgument(format!(
            "at least 2 points are needed to compute the area under a curve, got {}",
            x.len()
        )));
    }
    let dx: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
    let direction = if dx.iter().any(|&d| d < 0.0) {
        if dx.iter().all(|&d| d <= 0.0) {
            -1.0
        } else {
            return Err(Error::InvalidArgument(
                "x is neither increasing nor decreasing".into(),
            ));
        }
    } else {
        1.0
    };
    let terms: Vec<f64> = dx
        .iter()
        .zip(y.windows(2))
        .map(|(&d, w)| d * (w[1] + w[0]) / 2.0)
        .collect();
    Ok(direction * np_sum(&terms))
}

/// ROC AUC of binary scores: the larger of the two labels is positive. With one class
/// present this is an error (scikit-learn warns and returns NaN).
pub fn roc_auc_score<L: Label>(
    y_true: &[L],
    scores: &[f64],
    sample_weight: Option<&[f64]>,
) -> Result<f64> {
    same_len("y_true and scores", y_true.len(), scores.len())?;
    if y_true.is_empty() {
        return Err(Error::Empty);
    }
    check_finite("scores", scores)?;
    check_weights(sample_weight, y_true.len())?;
    let present = unique_labels(&[y_true]);
    match present.len() {
        1 => return Err(Error::SingleClass),
        2 => {}
        _ => {
            return Err(Error::NotBinary {
                present: list(&present),
            })
        }
    }
    let positive: Vec<bool> = y_true.iter().map(|l| *l == present[1]).collect();
    let v = binary_auc(&positive, scores, sample_weight);
    if v.is_nan() {
        // Every sample with non-zero weight is of one class.
        return Err(Error::SingleClass);
    }
    Ok(v)
}

/// ROC AUC from booleans; NaN when one class is absent (scikit-learn's
/// `_binary_roc_auc_score`).
pub(crate) fn binary_auc(positive: &[bool], scores: &[f64], weights: Option<&[f64]>) -> f64 {
    let has_pos = positive.iter().any(|&p| p);
    let has_neg = positive.iter().any(|&p| !p);
    if !(has_pos && has_neg) {
        return f64::NAN;
    }
    let roc = roc_from(positive, scores, weights, true);
    auc(&roc.fpr, &roc.tpr).unwrap_or(f64::NAN)
}

/// Average precision of binary scores: Σ (Rₙ − Rₙ₋₁) Pₙ over the PR curve, without
/// interpolation (scikit-learn's `average_precision_score`). `pos_label: None` means 1.
pub fn average_precision_score<L: Label>(
    y_true: &[L],
    scores: &[f64],
    pos_label: Option<&L>,
    sample_weight: Option<&[f64]>,
) -> Result<f64> {
    same_len("y_true and scores", y_true.len(), scores.len())?;
    if y_true.is_empty() {
        return Err(Error::Empty);
    }
    let present = unique_labels(&[y_true]);
    if present.len() > 2 {
        return Err(Error::NotBinary {
            present: list(&present),
        });
    }
    let pos = match pos_label {
        Some(p) => Some(p.clone()),
        None => present.iter().find(|l| l.as_int() == Some(1)).cloned(),
    };
    if present.len() == 2 && pos.as_ref().is_none_or(|p| !present.contains(p)) {
        return Err(Error::InvalidPosLabel {
            pos_label: pos.map_or("1".into(), |p| p.to_string()),
            present: list(&present),
        });
    }
    check_finite("scores", scores)?;
    check_weights(sample_weight, y_true.len())?;
    let positive: Vec<bool> = y_true.iter().map(|l| Some(l) == pos.as_ref()).collect();
    Ok(average_precision_of(&positive, scores, sample_weight))
}

/// Average precision of binary decisions: `Σ (R_n − R_{n−1}) P_n` over the
/// precision–recall curve.
pub(crate) fn average_precision_of(
    positive: &[bool],
    scores: &[f64],
    sample_weight: Option<&[f64]>,
) -> f64 {
    let pr = pr_from(positive, scores, sample_weight, false);
    let terms: Vec<f64> = pr
        .recall
        .windows(2)
        .zip(&pr.precision)
        .map(|(r, &p)| (r[1] - r[0]) * p)
        .collect();
    f64::max(0.0, -np_sum(&terms))
}

/// The columns of a row-major `n × k` multiclass score matrix: `k`, and each sample's column
/// (its label's place in `labels`, given sorted and unique, or in the sorted labels of
/// `y_true`). Checks the shape, finiteness and labels.
pub(crate) fn score_columns<L: Label>(
    y_true: &[L],
    scores: &[f64],
    labels: Option<&[L]>,
    what: &'static str,
) -> Result<(usize, Vec<usize>)> {
    let n = y_true.len();
    if n == 0 {
        return Err(Error::Empty);
    }
    if !scores.len().is_multiple_of(n) {
        return Err(Error::InvalidScores(format!(
            "{} {what} do not form {n} rows",
            scores.len()
        )));
    }
    let k = scores.len() / n;
    check_finite(what, scores)?;
    let classes: Vec<L> = match labels {
        Some(given) => {
            if !given.windows(2).all(|w| w[0] < w[1]) {
                return Err(Error::InvalidArgument(
                    "`labels` must be unique and sorted".into(),
                ));
            }
            if given.len() != k {
                return Err(Error::InvalidScores(format!(
                    "{} labels given but the scores have {k} columns",
                    given.len()
                )));
            }
            if y_true.iter().any(|l| given.binary_search(l).is_err()) {
                return Err(Error::InvalidArgument(
                    "y_true contains labels not in `labels`".into(),
                ));
            }
            given.to_vec()
        }
        None => {
            let classes = unique_labels(&[y_true]);
            if classes.len() != k {
                return Err(Error::InvalidScores(format!(
                    "y_true has {} classes but the scores have {k} columns",
                    classes.len()
                )));
            }
            classes
        }
    };
    let encoded: Vec<usize> = y_true
        .iter()
        .map(|l| classes.binary_search(l).unwrap_or(usize::MAX))
        .collect();
    Ok((k, encoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_sort_is_a_stable_descending_sort() {
        let mut state = 12345u64;
        let scores: Vec<f64> = (0..5000)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((state >> 33) % 97) as f64 / 7.0 - 5.0
            })
            .chain([0.0, -0.0, f64::MAX, f64::MIN, 1e-300, -1e-300])
            .collect();
        let mut keys: Vec<u64> = scores.iter().map(|&s| descending_key(s)).collect();
        let mut idx: Vec<u32> = (0..scores.len() as u32).collect();
        radix_sort(&mut keys, &mut idx);
        let mut expected: Vec<u32> = (0..scores.len() as u32).collect();
        expected.sort_by(|&a, &b| {
            scores[b as usize]
                .partial_cmp(&scores[a as usize])
                .unwrap()
                .then(a.cmp(&b))
        });
        assert_eq!(idx, expected);
    }

    #[test]
    fn threshold_for_precision_picks_the_lowest_threshold() {
        let y = [0, 0, 1, 0, 1, 1];
        let s = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
        let pr = precision_recall_curve(&y, &s, &CurveOptions::pr()).unwrap();
        let p = pr.threshold_for_precision(0.75).unwrap();
        assert_eq!((p.threshold, p.precision, p.recall), (0.3, 0.75, 1.0));
        let p = pr.threshold_for_precision(0.9).unwrap();
        assert_eq!((p.threshold, p.recall), (0.5, 2.0 / 3.0));
    }
}
