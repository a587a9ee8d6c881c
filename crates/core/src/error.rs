//! The typed error every model, strategy and adapter returns.

/// Why a model cannot be fitted or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No samples (or no features).
    #[error("empty input: {0}")]
    Empty(&'static str),
    /// Features and targets disagree in length.
    #[error("{rows} rows of features but {targets} targets")]
    LengthMismatch {
        /// Feature rows.
        rows: usize,
        /// Targets.
        targets: usize,
    },
    /// A model fitted on one number of features is given another.
    #[error("the model was fitted on {expected} features, the input has {found}")]
    FeatureMismatch {
        /// Features at fit time.
        expected: usize,
        /// Features now.
        found: usize,
    },
    /// A feature value is NaN or infinite.
    #[error("features contain NaN or infinity (row {row}, column {col})")]
    NonFinite {
        /// Row of the first such value.
        row: usize,
        /// Its column.
        col: usize,
    },
    /// The targets hold one class only (the class, written out).
    #[error("the targets hold a single class ({0}); a classifier needs at least two")]
    SingleClass(String),
    /// A label the model (or its label encoder) has never seen.
    #[error("unknown label {0}")]
    UnknownLabel(String),
    /// A parameter is out of its domain.
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),
    /// The model cannot do this (probabilities from a hinge loss, ...).
    #[error("not supported: {0}")]
    NotSupported(String),
    /// Training diverged (weights overflowed).
    #[error("floating-point overflow at epoch {0}; scale the input (e.g. with StandardScaler)")]
    Diverged(usize),
    /// An error from linfa.
    #[error(transparent)]
    Linfa(#[from] linfa::Error),
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
