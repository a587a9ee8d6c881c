//! The error type: one variant per way scikit-learn would raise.

use std::fmt;

/// Why a metric cannot be computed. Each variant corresponds to a `ValueError` scikit-learn
/// raises for the same input, or to input it would reject (NaN scores).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// No samples.
    Empty,
    /// Two inputs that must have one entry per sample differ in length.
    LengthMismatch {
        /// What was compared (e.g. "y_true and y_pred").
        what: &'static str,
        /// First length.
        left: usize,
        /// Second length.
        right: usize,
    },
    /// A score, probability or weight is NaN or infinite.
    NonFinite {
        /// Which input.
        what: &'static str,
        /// Index of the first offending value.
        index: usize,
    },
    /// `average = Binary` on a target with more than two labels (or multilabel).
    BinaryAverageOnMulticlass {
        /// Number of distinct labels.
        n_labels: usize,
    },
    /// `pos_label` is not one of the (two) labels present.
    InvalidPosLabel {
        /// The positive label, formatted.
        pos_label: String,
        /// The labels present, formatted.
        present: String,
    },
    /// No positive label given and the labels are not {0, 1}, {-1, 1} or a single one of them.
    PosLabelRequired {
        /// The labels present, formatted.
        present: String,
    },
    /// A binary-only metric got more than two labels.
    NotBinary {
        /// The labels present, formatted.
        present: String,
    },
    /// `labels` was given but is empty.
    EmptyLabels,
    /// None of the `labels` given occurs in `y_true`.
    NoLabelInTrue,
    /// Only one class is present where two are needed (ROC AUC).
    SingleClass,
    /// `Average::Samples` outside multilabel input.
    SamplesAverageNeedsMultilabel,
    /// A multilabel indicator holds something other than 0 and 1, or labels out of range.
    InvalidIndicator(String),
    /// Multiclass scores do not fit the labels (shape, probabilities that do not sum to 1).
    InvalidScores(String),
    /// An argument is out of its domain (n_bins = 0, beta < 0, an unsupported combination).
    InvalidArgument(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Empty => write!(f, "empty input: at least one sample is required"),
            Error::LengthMismatch { what, left, right } => {
                write!(f, "{what} have different lengths: {left} and {right}")
            }
            Error::NonFinite { what, index } => {
                write!(f, "{what} contains NaN or infinity (first at index {index})")
            }
            Error::BinaryAverageOnMulticlass { n_labels } => write!(
                f,
                "target has {n_labels} labels but average is Binary; choose Micro, Macro, Weighted or None"
            ),
            Error::InvalidPosLabel { pos_label, present } => write!(
                f,
                "pos_label={pos_label} is not a valid label: it should be one of {present}"
            ),
            Error::PosLabelRequired { present } => write!(
                f,
                "y_true takes values in {present} and pos_label is not specified: either make y_true take values in {{0, 1}} or {{-1, 1}} or pass pos_label explicitly"
            ),
            Error::NotBinary { present } => write!(
                f,
                "only binary classification is supported; labels present: {present}"
            ),
            Error::EmptyLabels => write!(f, "`labels` should contain at least one label"),
            Error::NoLabelInTrue => write!(f, "at least one label specified must be in y_true"),
            Error::SingleClass => write!(
                f,
                "only one class is present in y_true: ROC AUC is not defined in that case"
            ),
            Error::SamplesAverageNeedsMultilabel => write!(
                f,
                "samplewise averaging is only available for multilabel input"
            ),
            Error::InvalidIndicator(m) | Error::InvalidScores(m) | Error::InvalidArgument(m) => {
                write!(f, "{m}")
            }
        }
    }
}

impl std::error::Error for Error {}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn same_len(what: &'static str, left: usize, right: usize) -> Result<()> {
    if left != right {
        return Err(Error::LengthMismatch { what, left, right });
    }
    Ok(())
}

pub(crate) fn check_weights(weights: Option<&[f64]>, n: usize) -> Result<()> {
    if let Some(w) = weights {
        same_len("samples and sample_weight", n, w.len())?;
        if let Some(index) = w.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite {
                what: "sample_weight",
                index,
            });
        }
    }
    Ok(())
}

pub(crate) fn check_finite(what: &'static str, values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(Error::NonFinite { what, index }),
        None => Ok(()),
    }
}
