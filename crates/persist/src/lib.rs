//! Checked model files for classify: any fitted model of [`classify_models`] (and the scaled
//! logistic pipeline of [`classify_preprocessing`]) saved and loaded as bytes or as a file,
//! with no command line involved — what `classify train --save` and `classify predict` use,
//! and what a program or the Python package pickles a fitted model with.
//!
//! A binary file is a 24-byte header — the magic `CLASSIFY`, the format version, the model
//! kind, the payload's length and its CRC-32 — then postcard bytes of what the model was
//! trained on ([`Trained`]) and the fitted model ([`AnyModel`]). [`Encoding::Json`] writes the
//! same content as JSON, to read or edit. Reading checks everything before a model is built:
//! a truncated, edited or foreign file is an [`Error`] naming what is wrong (cut short,
//! trailing bytes, checksum mismatch, another version, a tree whose children point outside
//! it, a k-NN with fewer values than rows × features), never a panic. Files written by
//! earlier releases in format version 2 (trees and forests without their nodes' statistics), and their JSON, still load
//! (`tests/fixtures`, `scripts/model_file_fixtures.sh`).
//!
//! ```
//! use classify_models::{Estimator, SgdClassifier};
//! use classify_persist::{Encoding, ModelFile, Trained};
//!
//! let data = classify_datasets::mnist_sample()?.train.head(300);
//! let y: Vec<usize> = data.labels();
//! let model = SgdClassifier::default().fit((&data.data).into(), &y)?;
//! let file = ModelFile {
//!     trained: Trained { dataset: "mnist-sample".into(), n_train: 300, image_shape: [28, 28] },
//!     model: model.into(),
//! };
//! let path = std::env::temp_dir().join("classify-persist-doc.classify");
//! file.save(&path, Encoding::Binary)?;
//! let back = ModelFile::load(&path)?;
//! assert_eq!(back.model.describe(), "SGD (hinge loss)");
//! let x = (&data.data).into();
//! assert_eq!(back.model.classifier()?.predict(x)?, file.model.classifier()?.predict(x)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod file;
mod header;
mod model;

pub use error::{Error, Result};
pub use file::{Encoding, ModelFile, Trained};
pub use header::{HEADER_LEN, JSON_FORMAT, MAGIC, READ_VERSIONS, VERSION};
pub use model::AnyModel;
