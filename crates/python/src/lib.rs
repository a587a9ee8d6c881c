//! The native half of classify's Python package (`classify._engine`): classify's engines
//! behind a small, typed surface that the Python half (`classify.sklearn`) turns into
//! scikit-learn estimators.
//!
//! This module holds no scikit-learn conventions and the Python half no numerics:
//! - [`fit`] fits one of the engines (`"sgd"`, `"dummy"`, `"knn"`, `"tree"`, `"forest"`,
//!   `"svc"`, `"logistic"`) on a 2-D `uint8`, `float32` or `float64` array and labels already
//!   encoded as positions `0..k`; [`fit_multi`] fits k-NN on several target columns,
//!   [`partial_fit_scaler`] a standard scaler's statistics and [`partial_fit_sgd`] one epoch of SGD.
//! - [`Model`] is the fitted engine: predictions (positions), scores, probabilities,
//!   neighbours, its fitted values as a dict, and its checked bytes (`classify-persist`'s
//!   model file), which is also how it pickles.
//!
//! Arrays reach the engines as views of NumPy's memory: a C-ordered `uint8`, `float32` or
//! `float64` array is never copied (other layouts are copied once by the engine). Every call
//! that computes releases the GIL and runs on a thread pool of `n_jobs` threads (`None`: all
//! cores).
//!
//! ```python
//! from classify import _engine
//! model = _engine.fit("knn", {"n_neighbors": 3, "weights": "uniform", "algorithm": "auto"},
//!                     X, y_positions, None)
//! model.predict(X_test, None)
//! ```

mod fitting;
mod input;
mod model;

use pyo3::prelude::*;

pub use fitting::{fit, fit_multi, partial_fit_scaler, partial_fit_sgd};
pub use model::Model;

/// The `classify._engine` module.
#[pymodule]
fn _engine(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Model>()?;
    m.add_function(wrap_pyfunction!(fit, m)?)?;
    m.add_function(wrap_pyfunction!(fit_multi, m)?)?;
    m.add_function(wrap_pyfunction!(partial_fit_scaler, m)?)?;
    m.add_function(wrap_pyfunction!(partial_fit_sgd, m)?)?;
    m.add_function(wrap_pyfunction!(input::mnist_sample, m)?)?;
    m.add_function(wrap_pyfunction!(input::load_dataset, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
