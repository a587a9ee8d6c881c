//! Tabular data preparation for classify, after scikit-learn's `SimpleImputer`,
//! `OrdinalEncoder`, `OneHotEncoder`, `StandardScaler`, `ColumnTransformer` and `Pipeline`:
//! what the Titanic exercise needs.
//!
//! - [`Table`]: named columns of numbers (NaN = missing) or texts (`None` = missing), read
//!   from CSV with types inferred.
//! - [`ColumnTransformer`]: groups of columns, each with steps applied in the order
//!   impute → encode → scale; fitted on training rows, it transforms any table with what it
//!   learned (unknown categories: an error, or zeros with `HandleUnknown::Ignore`).
//! - [`Pipeline`]: a transformer and a model fitted together; [`cross_val_accuracy`] refits
//!   both inside every fold, so nothing leaks from test rows.
//! - E-mails: [`email_to_words`] (MIME parsing, HTML to text, URL and number normalisation,
//!   stemming), a [`Vocabulary`] of the most frequent words, sparse (CSR) count vectors.
//!
//! ```
//! use classify_preprocessing::{ColumnTransformer, Group, HandleUnknown, Impute, Step, Table};
//!
//! let csv = "age,port\n22,S\n,C\n38,\n";
//! let table = Table::from_csv(csv.as_bytes())?;
//! let prep = ColumnTransformer {
//!     groups: vec![
//!         Group { name: "num".into(), columns: vec!["age".into()], steps: vec![Step::Impute(Impute::Median)] },
//!         Group {
//!             name: "cat".into(),
//!             columns: vec!["port".into()],
//!             steps: vec![Step::Impute(Impute::MostFrequent), Step::OneHot(HandleUnknown::Ignore)],
//!         },
//!     ],
//! };
//! let fitted = prep.fit(&table)?;
//! assert_eq!(fitted.feature_names(), ["age", "port_C", "port_S"]);
//! let x = fitted.transform(&table)?;
//! assert_eq!(x.row(1).to_vec(), vec![30.0, 1.0, 0.0]); // the median age; port C
//! # Ok::<(), classify_preprocessing::Error>(())
//! ```

mod error;
mod pipeline;
mod scaler;
mod table;
mod text;
mod transform;

pub use error::{Error, Result};
pub use pipeline::{cross_val_accuracy, Pipeline, PipelineModel};
pub use scaler::{Scaled, ScaledModel, ScalerStats, StandardScaler, StandardScalerModel};

// linfa's `Fit` for a scaled estimator.
classify_core::impl_linfa_fit!(<E: classify_core::Estimator> Scaled<E>);
pub use table::{Column, Table};
pub use text::{email_text, email_to_words, EmailOptions, Vocabulary};
pub use transform::{
    ColumnTransformer, ColumnTransformerModel, Group, HandleUnknown, Impute, Step, Value,
};
