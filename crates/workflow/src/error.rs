//! Typed errors of the workflow steps.

/// Why a workflow step failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An option does not fit the data or the other options (`option` is its name as the
    /// command line spells it without the dashes: `digit`, `index`, `target-precision`).
    #[error("{option} {value}: {reason}")]
    Option {
        /// The option.
        option: &'static str,
        /// The value given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An image index beyond the images there are.
    #[error("index {index} is out of range: {n} {of}")]
    Index {
        /// The index asked for.
        index: usize,
        /// How many images there are.
        n: usize,
        /// Which images ("training images").
        of: &'static str,
    },
    /// A model failed to fit or predict.
    #[error(transparent)]
    Model(#[from] classify_core::Error),
    /// Folds, cross-validation or grid search failed.
    #[error(transparent)]
    Selection(#[from] classify_selection::Error),
    /// A metric could not be computed.
    #[error(transparent)]
    Metric(#[from] classify_metrics::Error),
    /// Scaling, encoding or a pipeline failed.
    #[error(transparent)]
    Preprocessing(#[from] classify_preprocessing::Error),
    /// A seed NumPy's generator refuses.
    #[error(transparent)]
    Random(#[from] classify_random::Error),
    /// Arrays of shapes that do not fit together.
    #[error(transparent)]
    Shape(#[from] ndarray::ShapeError),
    /// The data could not be read or transformed.
    #[error(transparent)]
    Data(#[from] classify_datasets::Error),
}

impl Error {
    /// An [`Error::Option`].
    pub(crate) fn option(
        option: &'static str,
        value: impl ToString,
        reason: impl Into<String>,
    ) -> Error {
        Error::Option {
            option,
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

/// The workflow's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
