//! [`Model`]: a fitted engine as Python sees it, kept as a checked model file.

use classify_core::DecisionFunction;
use classify_persist::{AnyModel, Encoding, ModelFile, Trained};
use ndarray::Array1;
use numpy::{IntoPyArray, PyArray1, PyArray2};
use pyo3::exceptions::{PyAttributeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};

use crate::input::{run, value_error, Input};

/// A fitted engine. It pickles as its model file's bytes (`classify-persist`: magic, version,
/// kind, length, CRC-32), so a damaged or edited pickle is a `ValueError`, never a crash.
#[pyclass(module = "classify._engine", frozen)]
pub struct Model {
    file: ModelFile,
}

impl Model {
    pub(crate) fn new(model: AnyModel, n_train: usize) -> Model {
        let d = model.n_features();
        // A square number of features is read as square images (784 → 28 × 28), so that
        // `classify predict --model` can prepare a picture for a model saved from Python.
        let side = (d as f64).sqrt().round() as usize;
        let image_shape = if side * side == d {
            [side, side]
        } else {
            [1, d]
        };
        Model {
            file: ModelFile {
                trained: Trained {
                    dataset: "python".to_string(),
                    n_train,
                    image_shape,
                },
                model,
            },
        }
    }

    pub(crate) fn inner(&self) -> &AnyModel {
        &self.file.model
    }

    pub(crate) fn n_train(&self) -> usize {
        self.file.trained.n_train
    }

    /// The k-NN search of a k-NN model (one target or several).
    fn search(&self) -> PyResult<&classify_models::KNeighbors> {
        self.file
            .model
            .as_knn()
            .ok_or_else(|| not_this("neighbours", &self.file.model))
    }
}

/// Neighbours found: distances and training-row indices.
type Found<'py> = (Bound<'py, PyArray2<f64>>, Bound<'py, PyArray2<i64>>);

fn positions_array(py: Python<'_>, v: Vec<usize>) -> Bound<'_, PyArray1<i64>> {
    v.into_iter()
        .map(|p| p as i64)
        .collect::<Array1<i64>>()
        .into_pyarray(py)
}

/// Neighbours as NumPy arrays: distances and training-row indices.
fn found_arrays(py: Python<'_>, found: classify_models::Neighbors) -> Found<'_> {
    (
        found.distances.into_pyarray(py),
        found.indices.mapv(|v| v as i64).into_pyarray(py),
    )
}

fn not_this(what: &str, model: &AnyModel) -> PyErr {
    PyAttributeError::new_err(format!("a {} has no {what}", model.describe()))
}

#[pymethods]
impl Model {
    /// The model, in words ("k-NN (k = 5)", "SVC (RBF kernel, one-vs-one)", ...).
    #[getter]
    fn description(&self) -> String {
        self.file.model.describe()
    }

    /// Number of features the model reads.
    #[getter]
    fn n_features(&self) -> usize {
        self.file.model.n_features()
    }

    /// The predicted class position of each row.
    #[pyo3(signature = (x, n_jobs=None))]
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        n_jobs: Option<i64>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let input = Input::extract(x)?;
        let x = input.features();
        let c = self.file.model.classifier().map_err(value_error)?;
        let predicted = run(py, n_jobs, || c.predict(x))?.map_err(value_error)?;
        Ok(positions_array(py, predicted))
    }

    /// Decision values: one column for two classes, else one per class; `ovo` gives an SVC's
    /// one-vs-one values (one column per pair of classes).
    #[pyo3(signature = (x, ovo=false, n_jobs=None))]
    fn decision_function<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        ovo: bool,
        n_jobs: Option<i64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let input = Input::extract(x)?;
        let x = input.features();
        let model = &self.file.model;
        let scores = run(py, n_jobs, || match model {
            AnyModel::Svc(m) if ovo => Some(m.decision_function_ovo(x)),
            AnyModel::Svc(m) => Some(m.decision_function(x)),
            AnyModel::Sgd(m) => Some(m.decision_function(x)),
            AnyModel::LogisticRegression(m) => Some(m.decision_function(x)),
            AnyModel::Logistic(m) => Some(m.decision_function(x)),
            _ => None,
        })?
        .ok_or_else(|| not_this("decision function", model))?
        .map_err(value_error)?;
        Ok(scores.into_pyarray(py))
    }

    /// Class probabilities, one column per class position.
    #[pyo3(signature = (x, n_jobs=None))]
    fn predict_proba<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        n_jobs: Option<i64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let input = Input::extract(x)?;
        let x = input.features();
        let model = &self.file.model;
        let p = run(py, n_jobs, || model.predict_proba(x))?
            .map_err(value_error)?
            .ok_or_else(|| not_this("probabilities", model))?;
        Ok(p.into_pyarray(py))
    }

    /// Class probabilities of each target column (multi-output k-NN): one array per column.
    #[pyo3(signature = (x, n_jobs=None))]
    fn predict_proba_multi<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        n_jobs: Option<i64>,
    ) -> PyResult<Vec<Bound<'py, PyArray2<f64>>>> {
        let AnyModel::KnnMultiOutput(m) = &self.file.model else {
            return Err(not_this("target columns", &self.file.model));
        };
        let input = Input::extract(x)?;
        let x = input.features();
        let p = run(py, n_jobs, || m.predict_proba(x))?.map_err(value_error)?;
        Ok(p.into_iter().map(|a| a.into_pyarray(py)).collect())
    }

    /// Predicted class positions, one column per target (multi-output k-NN).
    #[pyo3(signature = (x, n_jobs=None))]
    fn predict_multi<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        n_jobs: Option<i64>,
    ) -> PyResult<Bound<'py, PyArray2<i64>>> {
        let AnyModel::KnnMultiOutput(m) = &self.file.model else {
            return Err(not_this("target columns", &self.file.model));
        };
        let input = Input::extract(x)?;
        let x = input.features();
        let p = run(py, n_jobs, || m.predict(x))?.map_err(value_error)?;
        Ok(p.mapv(|v| v as i64).into_pyarray(py))
    }

    /// The `k` nearest training rows of each row of `x`: `(distances, indices)`.
    #[pyo3(signature = (x, k, n_jobs=None))]
    fn kneighbors<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        k: usize,
        n_jobs: Option<i64>,
    ) -> PyResult<Found<'py>> {
        let search = self.search()?;
        let input = Input::extract(x)?;
        let x = input.features();
        let found = run(py, n_jobs, || search.kneighbors(x, k))?.map_err(value_error)?;
        Ok(found_arrays(py, found))
    }

    /// The `k` nearest other training rows of each training row: `(distances, indices)`.
    #[pyo3(signature = (k, n_jobs=None))]
    fn kneighbors_of_training<'py>(
        &self,
        py: Python<'py>,
        k: usize,
        n_jobs: Option<i64>,
    ) -> PyResult<Found<'py>> {
        let search = self.search()?;
        let found = run(py, n_jobs, || search.kneighbors_of_training(k))?.map_err(value_error)?;
        Ok(found_arrays(py, found))
    }

    /// A standard scaler's `(x − mean) / scale`, in `float64`.
    #[pyo3(signature = (x, n_jobs=None))]
    fn transform<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        n_jobs: Option<i64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let AnyModel::Scaler(m) = &self.file.model else {
            return Err(not_this("transform", &self.file.model));
        };
        let input = Input::extract(x)?;
        let x = input.features();
        let out = run(py, n_jobs, || m.transform_f64(x))?.map_err(value_error)?;
        Ok(out.into_pyarray(py))
    }

    /// A forest's trees, each a decision tree of its own (scikit-learn's `estimators_`).
    fn trees(&self) -> PyResult<Vec<Model>> {
        let AnyModel::Forest(m) = &self.file.model else {
            return Err(not_this("trees", &self.file.model));
        };
        Ok((0..m.n_trees())
            .filter_map(|i| m.tree(i))
            .map(|t| Model::new(AnyModel::Tree(t), self.file.trained.n_train))
            .collect())
    }

    /// What the fit learned, as a dict of arrays and numbers (the Python half lays them out
    /// as scikit-learn's attributes).
    fn fitted<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let vec = |v: Vec<f64>| Array1::from(v).into_pyarray(py);
        match &self.file.model {
            AnyModel::Sgd(m) => {
                d.set_item("coef", m.coef.clone().into_pyarray(py))?;
                d.set_item("intercept", vec(m.intercept.clone()))?;
                d.set_item("n_iter", m.n_iter.clone())?;
            }
            AnyModel::LogisticRegression(m) => {
                d.set_item("coef", m.coef.clone().into_pyarray(py))?;
                d.set_item("intercept", vec(m.intercept.clone()))?;
                d.set_item("n_iter", m.n_iter)?;
                d.set_item("converged", m.converged)?;
            }
            AnyModel::Dummy(m) => d.set_item("class_prior", vec(m.class_prior.clone()))?,
            AnyModel::Tree(m) => {
                d.set_item("feature_importances", vec(m.feature_importances()))?;
                d.set_item("depth", m.depth())?;
                d.set_item("n_leaves", m.n_leaves())?;
                if let Some(t) = m.structure() {
                    let nodes = PyDict::new(py);
                    let ints = |v: Vec<i64>| Array1::from(v).into_pyarray(py);
                    nodes.set_item("children_left", ints(t.children_left))?;
                    nodes.set_item("children_right", ints(t.children_right))?;
                    nodes.set_item("feature", ints(t.feature))?;
                    nodes.set_item("threshold", vec(t.threshold))?;
                    nodes.set_item("n_node_samples", ints(t.n_node_samples))?;
                    nodes.set_item("weighted_n_node_samples", vec(t.weighted_n_node_samples))?;
                    nodes.set_item("impurity", vec(t.impurity))?;
                    nodes.set_item("value", vec(t.value))?;
                    nodes.set_item("max_depth", t.max_depth)?;
                    d.set_item("tree", nodes)?;
                }
            }
            AnyModel::Forest(m) => {
                d.set_item("feature_importances", vec(m.feature_importances()))?;
                d.set_item("n_trees", m.n_trees())?;
            }
            AnyModel::Svc(m) => {
                let support: Vec<i64> = m.support_indices().iter().map(|&r| r as i64).collect();
                d.set_item("support", Array1::from(support).into_pyarray(py))?;
                d.set_item(
                    "support_vectors",
                    m.support_vectors().to_owned().into_pyarray(py),
                )?;
                d.set_item("n_iter", m.n_iter())?;
                d.set_item("gamma", m.gamma())?;
                let pairs = PyList::empty(py);
                for p in m.pairs() {
                    let rows: Vec<i64> = p.support.iter().map(|&r| r as i64).collect();
                    pairs.append(PyTuple::new(
                        py,
                        [
                            p.classes.0.into_pyobject(py)?.into_any(),
                            p.classes.1.into_pyobject(py)?.into_any(),
                            Array1::from(rows).into_pyarray(py).into_any(),
                            vec(p.coef.to_vec()).into_any(),
                            p.rho.into_pyobject(py)?.into_any(),
                            p.platt.into_pyobject(py)?.into_any(),
                        ],
                    )?)?;
                }
                d.set_item("pairs", pairs)?;
            }
            AnyModel::Scaler(m) => {
                d.set_item("mean", vec(m.mean.clone()))?;
                d.set_item("var", vec(m.var.clone()))?;
                d.set_item("scale", vec(m.scale.clone()))?;
            }
            AnyModel::KnnMultiOutput(m) => d.set_item("n_outputs", m.n_outputs())?,
            _ => {}
        }
        d.set_item("n_features", self.file.model.n_features())?;
        d.set_item("n_train", self.file.trained.n_train)?;
        Ok(d)
    }

    /// The model file's bytes (the format `classify predict --model` reads).
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = self.file.to_bytes(Encoding::Binary).map_err(value_error)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Reads a model file's bytes: a `ValueError` saying what is wrong when they are not one.
    #[staticmethod]
    fn from_bytes(bytes: &[u8]) -> PyResult<Model> {
        ModelFile::from_bytes(bytes)
            .map(|file| Model { file })
            .map_err(|e| PyValueError::new_err(format!("not a classify model: {e}")))
    }

    /// Pickles as `Model.from_bytes(model file bytes)`.
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let from_bytes = py.get_type::<Model>().getattr("from_bytes")?;
        Ok((from_bytes, (self.to_bytes(py)?,)))
    }

    fn __repr__(&self) -> String {
        format!("<classify model: {}>", self.file.model.describe())
    }
}
