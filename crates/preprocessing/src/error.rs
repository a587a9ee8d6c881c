//! Typed errors of the preprocessing crate.

/// Why a table cannot be read or transformed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The CSV text is malformed.
    #[error("CSV: {0}")]
    Csv(String),
    /// The table does not fit the request (missing column, wrong lengths, text where numbers
    /// are needed, missing values without an imputer).
    #[error("table: {0}")]
    Table(String),
    /// A category unseen at fit time, with `HandleUnknown::Error`.
    #[error("column {column:?}: category {value:?} was not seen at fit time")]
    UnknownCategory {
        /// The column.
        column: String,
        /// The value.
        value: String,
    },
    /// A model error.
    #[error(transparent)]
    Model(#[from] classify_core::Error),
    /// A cross-validation error.
    #[error(transparent)]
    Selection(#[from] classify_selection::Error),
    /// A metric error.
    #[error(transparent)]
    Metric(#[from] classify_metrics::Error),
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
