//! Arrays in, threads, and errors out: what every call of the module shares.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use classify_core::Features;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::{PyFileNotFoundError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;

/// A 2-D array of one of the types the engines read, borrowed from NumPy (no copy).
pub(crate) enum Input<'py> {
    U8(PyReadonlyArray2<'py, u8>),
    F32(PyReadonlyArray2<'py, f32>),
    F64(PyReadonlyArray2<'py, f64>),
}

impl<'py> Input<'py> {
    /// The array, or a `TypeError` naming the types taken (the Python half converts others).
    pub(crate) fn extract(x: &Bound<'py, PyAny>) -> PyResult<Input<'py>> {
        if let Ok(a) = x.extract::<PyReadonlyArray2<'py, u8>>() {
            return Ok(Input::U8(a));
        }
        if let Ok(a) = x.extract::<PyReadonlyArray2<'py, f32>>() {
            return Ok(Input::F32(a));
        }
        if let Ok(a) = x.extract::<PyReadonlyArray2<'py, f64>>() {
            return Ok(Input::F64(a));
        }
        Err(PyTypeError::new_err(
            "the engines read 2-D numpy arrays of uint8, float32 or float64",
        ))
    }

    /// The engines' view of the array.
    pub(crate) fn features(&self) -> Features<'_> {
        match self {
            Input::U8(a) => Features::U8(a.as_array()),
            Input::F32(a) => Features::F32(a.as_array()),
            Input::F64(a) => Features::F64(a.as_array()),
        }
    }
}

/// Labels as positions `0..k` (the Python half encodes them), copied into `usize`.
pub(crate) fn positions(y: &PyReadonlyArray1<'_, i64>) -> PyResult<Vec<usize>> {
    y.as_array()
        .iter()
        .map(|&v| {
            usize::try_from(v).map_err(|_| PyValueError::new_err(format!("label position {v}")))
        })
        .collect()
}

/// Runs `f` without the GIL on `n_jobs` threads: `None` or `-1` every core, `-2` all but one
/// (joblib's convention), a positive number that many.
pub(crate) fn run<T: Send>(
    py: Python<'_>,
    n_jobs: Option<i64>,
    f: impl FnOnce() -> T + Send,
) -> PyResult<T> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as i64;
    let threads = match n_jobs {
        None => return Ok(py.detach(f)),
        Some(0) => return Err(PyValueError::new_err("n_jobs == 0 has no meaning")),
        Some(n) if n > 0 => n,
        Some(n) => (cores + 1 + n).max(1),
    } as usize;
    let pool = pool(threads)?;
    Ok(py.detach(|| pool.install(f)))
}

/// One thread pool per size, built once.
fn pool(threads: usize) -> PyResult<Arc<rayon::ThreadPool>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let mut pools = POOLS
        .get_or_init(Default::default)
        .lock()
        .map_err(|_| PyRuntimeError::new_err("thread pools poisoned"))?;
    if let Some(p) = pools.get(&threads) {
        return Ok(p.clone());
    }
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?,
    );
    pools.insert(threads, p.clone());
    Ok(p)
}

/// An engine's typed error as Python's: a `ValueError` with its message (what scikit-learn
/// raises for bad data and parameters).
pub(crate) fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// Four arrays of a dataset: training images and labels, test images and labels.
type TrainTestArrays<'py> = (
    Bound<'py, PyArray2<u8>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray2<u8>>,
    Bound<'py, PyArray1<i64>>,
);

fn arrays(py: Python<'_>, s: classify_datasets::TrainTest) -> TrainTestArrays<'_> {
    let (train, test) = (s.train, s.test);
    let labels = |t: ndarray::Array1<u8>| t.mapv(i64::from).into_pyarray(py);
    (
        train.data.into_pyarray(py),
        labels(train.target),
        test.data.into_pyarray(py),
        labels(test.target),
    )
}

/// The MNIST sample embedded in classify (1,000 training and 1,000 test images of the real
/// MNIST, `uint8`): `(X_train, y_train, X_test, y_test)`, so that examples and tests run
/// offline on real digits.
#[pyfunction]
pub(crate) fn mnist_sample(py: Python<'_>) -> PyResult<TrainTestArrays<'_>> {
    let s = classify_datasets::mnist_sample().map_err(value_error)?;
    Ok(arrays(py, s))
}

/// A dataset of classify's cache (`"mnist"`, `"fashion-mnist"`, one registered there, or
/// `"mnist-sample"`), as `(X_train, y_train, X_test, y_test)` of `uint8` images and labels.
/// `data_dir` is the cache's folder (default: `CLASSIFY_DATA`, else the user's data folder);
/// a dataset not cached there is a `FileNotFoundError` saying so.
#[pyfunction]
#[pyo3(signature = (name, data_dir=None))]
pub(crate) fn load_dataset<'py>(
    py: Python<'py>,
    name: &str,
    data_dir: Option<std::path::PathBuf>,
) -> PyResult<TrainTestArrays<'py>> {
    let cache = match data_dir {
        Some(dir) => classify_datasets::Cache::new(dir),
        None => classify_datasets::Cache::from_env().map_err(value_error)?,
    };
    let source = classify_datasets::Source::Cached(name.to_string());
    let s = py
        .detach(|| classify_datasets::load(&source, &cache))
        .map_err(|e| {
            PyFileNotFoundError::new_err(format!(
                "{e} (import it once with `classify data fetch {name} --from FOLDER`, or \
                 download it with `classify data fetch {name}`)"
            ))
        })?;
    Ok(arrays(py, s))
}
