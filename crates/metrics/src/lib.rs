//! Classification metrics that give scikit-learn's numbers, for any program.
//!
//! `classify-metrics` has no required dependency: plain slices in, plain numbers out. The
//! `ndarray` feature adds array conversions, `serde` adds `Serialize` on results.
//!
//! | what | function | scikit-learn |
//! | --- | --- | --- |
//! | confusion matrix | [`confusion_matrix`], [`confusion_matrix_with`] | `confusion_matrix` |
//! | accuracy | [`accuracy_score`], [`multilabel_accuracy_score`], [`balanced_accuracy_score`], [`top_k_accuracy_score`] | `accuracy_score`, `balanced_accuracy_score`, `top_k_accuracy_score` |
//! | correlation | [`matthews_corrcoef`] | `matthews_corrcoef` |
//! | likelihood ratios | [`class_likelihood_ratios`] | `class_likelihood_ratios` |
//! | precision, recall, F | [`precision_recall_fscore_support`], [`precision_score`], [`recall_score`], [`f1_score`], [`fbeta_score`], [`multilabel_precision_recall_fscore_support`] | the same names |
//! | curves | [`roc_curve`], [`precision_recall_curve`], [`det_curve`], [`confusion_matrix_at_thresholds`], [`PrCurve::threshold_for_precision`], [`false_positive_rate_at`] | `roc_curve`, `precision_recall_curve`, `det_curve` |
//! | multiclass curves | [`roc_curve_micro`], [`roc_curve_macro`], [`precision_recall_curve_micro`] | the ROC and PR examples' micro and macro averages |
//! | areas | [`roc_auc_score`], [`roc_auc_score_multiclass`], [`average_precision_score`], [`average_precision_score_multiclass`], [`auc`] | the same names |
//! | regression errors | [`mean_squared_error`], [`root_mean_squared_error`] | the same names (one output) |
//! | calibration | [`calibration_curve`], [`fraction_positive_in`], [`brier_score_loss`], [`log_loss`] | `calibration_curve`, `brier_score_loss`, `log_loss` |
//! | report | [`classification_report`] (`Display` prints scikit-learn's text) | `classification_report` |
//!
//! # Conventions (all as scikit-learn 1.9)
//!
//! - **Labels** are any [`Label`]: integers, `bool`, `char`, `String`, `&str`. Unless given,
//!   the label set is the sorted union of `y_true` and `y_pred`.
//! - **Confusion matrices** have actual labels as rows and predicted labels as columns;
//!   normalising divides rows (`True`), columns (`Pred`) or everything (`All`), and 0/0 is 0.
//! - **Positive label**: `pos_label: None` means `1`. Curves infer it only from labels that
//!   are a subset of {0, 1} or {-1, 1}; any other labels need it explicitly.
//!   [`roc_auc_score`] takes the larger of the two labels as positive.
//! - **Averaging** ([`Average`]): `Binary` reports the positive label only (an error with
//!   more than two labels); `Micro` pools counts; `Macro` is the plain mean over labels;
//!   `Weighted` weights by support; `Samples` (multilabel only) scores each sample's label set.
//!   `average: None` returns one value per label plus supports.
//! - **Zero division** ([`ZeroDivision`]): a ratio with a zero denominator becomes 0
//!   (default, scikit-learn's `"warn"` without the warning), 1, or NaN (left out of averages).
//! - **Curves**: scores are sorted decreasing with a stable sort; a threshold is each distinct
//!   score. ROC thresholds start at +∞ and drop collinear points by default; PR thresholds
//!   ascend and precision/recall end with the point (1, 0). Samples with zero weight are
//!   dropped first. With no positive (negative) samples the ROC rates are NaN, and PR recall
//!   is 1 throughout — scikit-learn's outcomes, which it accompanies with a warning.
//! - **Errors** ([`Error`]) wherever scikit-learn raises: empty input, unequal lengths, NaN or
//!   infinite scores, a `pos_label` that is not present, more than two labels for a binary
//!   metric. Two places are stricter: ROC AUC with a single class is
//!   [`Error::SingleClass`] (scikit-learn warns and returns NaN), and weights must be finite.
//!
//! # Example
//!
//! ```
//! use classify_metrics::*;
//!
//! let y_true = [0, 1, 1, 0, 1, 1];
//! let y_pred = [0, 1, 0, 0, 1, 1];
//! let scores = [0.1, 0.9, 0.4, 0.35, 0.8, 0.7];
//!
//! let cm = confusion_matrix(&y_true, &y_pred)?;
//! assert_eq!(cm.to_rows(), vec![vec![2.0, 0.0], vec![1.0, 3.0]]);
//!
//! let f1 = f1_score(&y_true, &y_pred, &PrfOptions::default())?;
//! assert_eq!(f1.value(), Some(6.0 / 7.0));
//!
//! assert_eq!(roc_auc_score(&y_true, &scores, None)?, 1.0);
//! let pr = precision_recall_curve(&y_true, &scores, &CurveOptions::pr())?;
//! let at = pr.threshold_for_precision(0.9).unwrap();
//! assert_eq!((at.threshold, at.recall), (0.4, 1.0));
//!
//! print!("{}", classification_report(&y_true, &y_pred, &ReportOptions::default())?);
//! # Ok::<(), classify_metrics::Error>(())
//! ```

mod calibration;
mod confusion;
mod curves;
mod error;
mod label;
mod multiclass_curves;
mod numeric;
mod prf;
mod regression;
mod report;

pub use calibration::{
    brier_score_loss, calibration_curve, fraction_positive_in, log_loss, BinStrategy, Calibration,
};
pub use confusion::{
    accuracy_score, balanced_accuracy_score, class_likelihood_ratios, confusion_matrix,
    confusion_matrix_with, matthews_corrcoef, ConfusionMatrix, ConfusionOptions, Normalize,
};
pub use curves::{
    auc, average_precision_score, confusion_matrix_at_thresholds, det_curve,
    false_positive_rate_at, precision_recall_curve, roc_auc_score, roc_curve, top_k_accuracy_score,
    CurveOptions, DetCurve, PrCurve, RocCurve, ThresholdCounts, ThresholdPoint,
};
pub use error::{Error, Result};
pub use label::{unique_labels, Label};
pub use multiclass_curves::{
    average_precision_score_multiclass, interp, precision_recall_curve_micro,
    roc_auc_score_multiclass, roc_curve_macro, roc_curve_micro, MeanRocCurve, MultiClass,
};
pub use prf::{
    f1_score, fbeta_score, multilabel_accuracy_score, multilabel_precision_recall_fscore_support,
    precision_recall_fscore_support, precision_score, recall_score, Average, Indicator, Prf,
    PrfOptions, Score, ZeroDivision,
};
pub use regression::{mean_squared_error, root_mean_squared_error};
pub use report::{classification_report, Report, ReportOptions, ReportRow};
