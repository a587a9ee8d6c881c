//! `classification_report`: per-label precision, recall, F1 and support, with averages.

use std::fmt;

use crate::error::Result;
use crate::label::{unique_labels, Label};
use crate::numeric::np_sum;
use crate::prf::{precision_recall_fscore_support, Average, PrfOptions, Score, ZeroDivision};

/// Options of [`classification_report`].
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions<'a, L> {
    /// Labels to report, in this order (default: all, sorted).
    pub labels: Option<&'a [L]>,
    /// Names to print for the labels (default: the labels themselves).
    pub target_names: Option<&'a [&'a str]>,
    /// One weight per sample.
    pub sample_weight: Option<&'a [f64]>,
    /// Decimal places in the text (scikit-learn's `digits`, default 2).
    pub digits: usize,
    /// What 0/0 becomes.
    pub zero_division: ZeroDivision,
}

impl<L> Default for ReportOptions<'_, L> {
    fn default() -> Self {
        ReportOptions {
            labels: None,
            target_names: None,
            sample_weight: None,
            digits: 2,
            zero_division: ZeroDivision::Zero,
        }
    }
}

/// One line of a report.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ReportRow {
    /// Label name, or `macro avg` / `weighted avg` / `micro avg`.
    pub name: String,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1 score.
    pub f1: f64,
    /// Actual (weighted) count.
    pub support: f64,
}

/// A classification report: what scikit-learn's `classification_report` prints (`Display`)
/// and returns with `output_dict=True` (the fields).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Report {
    /// One row per label.
    pub labels: Vec<ReportRow>,
    /// Accuracy, when the labels cover every label present (then micro average = accuracy).
    pub accuracy: Option<f64>,
    /// The averages: `micro avg` (only when `accuracy` is `None`), `macro avg`, `weighted avg`.
    pub averages: Vec<ReportRow>,
    digits: usize,
    /// Supports print as floats (`3.0`): with weights, or (a scikit-learn quirk) when no
    /// prediction is right, since its counts then start from a float array.
    float_support: bool,
}

/// Builds the report of label predictions.
pub fn classification_report<L: Label>(
    y_true: &[L],
    y_pred: &[L],
    options: &ReportOptions<'_, L>,
) -> Result<Report> {
    let present = unique_labels(&[y_true, y_pred]);
    let labels: Vec<L> = options
        .labels
        .map_or_else(|| present.clone(), <[L]>::to_vec);
    let micro_is_accuracy = options.labels.is_none() || present.iter().all(|p| labels.contains(p));
    let names: Vec<String> = match options.target_names {
        Some(names) if names.len() == labels.len() => names.iter().map(|s| s.to_string()).collect(),
        Some(names) if options.labels.is_none() => {
            return Err(crate::Error::InvalidArgument(format!(
                "number of classes, {}, does not match size of target_names, {}; try specifying the labels parameter",
                labels.len(),
                names.len()
            )))
        }
        _ => labels.iter().map(|l| l.to_string()).collect(),
    };
    let base = PrfOptions {
        labels: Some(&labels),
        sample_weight: options.sample_weight,
        zero_division: options.zero_division,
        average: None,
        ..PrfOptions::default()
    };
    let per_label = precision_recall_fscore_support(y_true, y_pred, &base)?;
    let support = per_label.support.clone().unwrap_or_default();
    let total = np_sum(&support);
    let rows = names
        .into_iter()
        .enumerate()
        .map(|(i, name)| ReportRow {
            name,
            precision: per_label.precision.values()[i],
            recall: per_label.recall.values()[i],
            f1: per_label.fbeta.values()[i],
            support: support[i],
        })
        .collect();
    let mut accuracy = None;
    let mut averages = Vec::new();
    for (average, heading) in [
        (Average::Micro, "micro avg"),
        (Average::Macro, "macro avg"),
        (Average::Weighted, "weighted avg"),
    ] {
        let r = precision_recall_fscore_support(
            y_true,
            y_pred,
            &PrfOptions {
                average: Some(average),
                ..base.clone()
            },
        )?;
        let v = |s: &Score| s.values()[0];
        if average == Average::Micro && micro_is_accuracy {
            accuracy = Some(v(&r.fbeta));
            continue;
        }
        averages.push(ReportRow {
            name: heading.to_string(),
            precision: v(&r.precision),
            recall: v(&r.recall),
            f1: v(&r.fbeta),
            support: total,
        });
    }
    Ok(Report {
        labels: rows,
        accuracy,
        averages,
        digits: options.digits,
        float_support: options.sample_weight.is_some()
            || !y_true.iter().zip(y_pred).any(|(t, p)| t == p),
    })
}

impl Report {
    fn support(&self, s: f64) -> String {
        if self.float_support {
            // Python prints a float support with repr: 3.0, 12.5.
            format!("{s:?}")
        } else {
            format!("{s:.0}")
        }
    }
}

/// Formats `v` with `digits` decimals, rounding ties to even on the exact binary value, as
/// Python's `format(v, ".2f")` does.
pub(crate) fn fixed(v: f64, digits: usize) -> String {
    format!("{v:.digits$}")
}

impl fmt::Display for Report {
    /// The text scikit-learn's `classification_report` prints, character for character.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits;
        let width = self
            .labels
            .iter()
            .map(|r| r.name.chars().count())
            .max()
            .unwrap_or(0)
            .max("weighted avg".len())
            .max(d);
        writeln!(
            f,
            "{:>width$}  {:>9} {:>9} {:>9} {:>9}",
            "", "precision", "recall", "f1-score", "support"
        )?;
        writeln!(f)?;
        let row = |f: &mut fmt::Formatter<'_>, r: &ReportRow| {
            writeln!(
                f,
                "{:>width$}  {:>9} {:>9} {:>9} {:>9}",
                r.name,
                fixed(r.precision, d),
                fixed(r.recall, d),
                fixed(r.f1, d),
                self.support(r.support)
            )
        };
        for r in &self.labels {
            row(f, r)?;
        }
        writeln!(f)?;
        if let Some(acc) = self.accuracy {
            let supports: Vec<f64> = self.labels.iter().map(|r| r.support).collect();
            let total = np_sum(&supports);
            writeln!(
                f,
                "{:>width$}  {:>9} {:>9} {:>9} {:>9}",
                "accuracy",
                "",
                "",
                fixed(acc, d),
                self.support(total)
            )?;
        }
        for r in &self.averages {
            row(f, r)?;
        }
        Ok(())
    }
}
