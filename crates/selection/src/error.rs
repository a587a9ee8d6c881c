//! Typed errors of the selection crate.

/// Why folds, splits or cross-validation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The split cannot be made (too many folds, sizes out of range, ...).
    #[error("invalid split: {0}")]
    InvalidSplit(String),
    /// Fitting or predicting on one fold failed. The model's error is part of this one's
    /// message and not its [`source`](std::error::Error::source), so that a chain printed
    /// whole (`anyhow`'s `{:#}`) says it once.
    #[error("fold {fold}: {error}")]
    Fold {
        /// The fold (0-based).
        fold: usize,
        /// What the model said.
        error: classify_core::Error,
    },
    /// A fold's model does not know every class (its training part missed one).
    #[error("fold {fold}: the training part holds classes {fold_classes:?}, not all of {classes:?}; use fewer folds or stratified folds")]
    MissingClasses {
        /// The fold.
        fold: usize,
        /// Classes its model learned.
        fold_classes: Vec<usize>,
        /// Classes of the whole target.
        classes: Vec<usize>,
    },
    /// A parameter grid or its use is wrong (no values, a missing or mistyped parameter).
    #[error("grid search: {0}")]
    InvalidGrid(String),
    /// Scoring failed.
    #[error(transparent)]
    Metric(#[from] classify_metrics::Error),
    /// A model error outside any fold.
    #[error(transparent)]
    Model(#[from] classify_core::Error),
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
