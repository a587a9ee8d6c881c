//! Typed errors of the workflow steps.

/// Why a workflow step failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An option does not fit the data or the other options (`option` is the name of its
    /// field in the step's options, or of the [`Model`](crate::Model)'s: `digit`,
    /// `target_precision`, `test_images`, `strategy`).
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
        /// Which images.
        of: Images,
    },
    /// Too few images of the detected class, or of the others, for every fold's training
    /// part to hold both.
    #[error("the {n_train} training images hold {n_positive} of digit {digit} and {n_negative} others; {n_folds}-fold cross-validation needs at least {n_folds} of each")]
    TooFewPerClass {
        /// The class detected.
        digit: u8,
        /// Training images.
        n_train: usize,
        /// Of the class.
        n_positive: usize,
        /// Of the others.
        n_negative: usize,
        /// Folds.
        n_folds: usize,
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

/// Which images an [`Error::Index`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Images {
    /// The training images.
    Training,
    /// The test images.
    Test,
    /// The test images a denoising step cleans (its `test_images` option).
    Cleaned,
}

impl std::fmt::Display for Images {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Images::Training => "training images",
            Images::Test => "test images",
            Images::Cleaned => "test images are cleaned",
        })
    }
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
