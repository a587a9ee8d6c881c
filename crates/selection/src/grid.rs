//! Exhaustive search over a parameter grid with cross-validation (scikit-learn's
//! `GridSearchCV`).

use std::collections::BTreeMap;
use std::fmt;

use classify_core::{Classifier, Estimator, Features};
use rayon::prelude::*;
use serde::Serialize;

use crate::cv::{score, Cv, Scoring};
use crate::error::{Error, Result};
use crate::split::Split;

/// One parameter value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// A whole number (`n_neighbors`).
    Int(i64),
    /// A real number (`C`, `gamma`).
    Float(f64),
    /// A name (`weights = "distance"`).
    Text(String),
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Int(v) => write!(f, "{v}"),
            ParamValue::Float(v) => write!(f, "{v}"),
            ParamValue::Text(v) => write!(f, "{v}"),
        }
    }
}

impl From<i64> for ParamValue {
    fn from(v: i64) -> Self {
        ParamValue::Int(v)
    }
}

impl From<usize> for ParamValue {
    fn from(v: usize) -> Self {
        ParamValue::Int(v as i64)
    }
}

impl From<f64> for ParamValue {
    fn from(v: f64) -> Self {
        ParamValue::Float(v)
    }
}

impl From<&str> for ParamValue {
    fn from(v: &str) -> Self {
        ParamValue::Text(v.to_string())
    }
}

/// One point of the grid: parameter name → value.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(transparent)]
pub struct Params(pub BTreeMap<String, ParamValue>);

impl Params {
    /// The value of `name`, if the grid has it.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.0.get(name)
    }

    /// An integer parameter (a typed error if missing or of another kind).
    pub fn int(&self, name: &str) -> Result<i64> {
        match self.get(name) {
            Some(ParamValue::Int(v)) => Ok(*v),
            other => Err(Error::InvalidGrid(format!(
                "parameter {name}: expected an integer, found {other:?}"
            ))),
        }
    }

    /// A real parameter (integers are accepted).
    pub fn float(&self, name: &str) -> Result<f64> {
        match self.get(name) {
            Some(ParamValue::Float(v)) => Ok(*v),
            Some(ParamValue::Int(v)) => Ok(*v as f64),
            other => Err(Error::InvalidGrid(format!(
                "parameter {name}: expected a number, found {other:?}"
            ))),
        }
    }

    /// A text parameter.
    pub fn text(&self, name: &str) -> Result<&str> {
        match self.get(name) {
            Some(ParamValue::Text(v)) => Ok(v),
            other => Err(Error::InvalidGrid(format!(
                "parameter {name}: expected text, found {other:?}"
            ))),
        }
    }
}

impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        write!(f, "{}", parts.join(", "))
    }
}

/// A parameter grid: every combination of the listed values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParamGrid {
    axes: BTreeMap<String, Vec<ParamValue>>,
}

impl ParamGrid {
    /// An empty grid (one candidate with no parameters).
    pub fn new() -> Self {
        ParamGrid::default()
    }

    /// Adds a parameter and its values.
    pub fn add<V: Into<ParamValue>>(
        mut self,
        name: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.axes.insert(
            name.to_string(),
            values.into_iter().map(Into::into).collect(),
        );
        self
    }

    /// The candidates in scikit-learn's `ParameterGrid` order: names sorted, the last name
    /// varying fastest.
    pub fn candidates(&self) -> Result<Vec<Params>> {
        if let Some((name, _)) = self.axes.iter().find(|(_, v)| v.is_empty()) {
            return Err(Error::InvalidGrid(format!(
                "parameter {name} has no values"
            )));
        }
        let mut out = vec![Params::default()];
        for (name, values) in &self.axes {
            out = out
                .into_iter()
                .flat_map(|p| {
                    values.iter().map(move |v| {
                        let mut q = p.clone();
                        q.0.insert(name.clone(), v.clone());
                        q
                    })
                })
                .collect();
        }
        Ok(out)
    }
}

/// The outcome of a grid search.
#[derive(Debug, Clone)]
pub struct GridSearch<M> {
    /// Every candidate, in grid order.
    pub candidates: Vec<Candidate>,
    /// Index of the best candidate (highest mean score; the first on ties, as scikit-learn).
    pub best_index: usize,
    /// The best candidate refitted on all the data (`refit = true`).
    pub best_model: Option<M>,
}

/// One candidate's cross-validation results (scikit-learn's `cv_results_` row).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// Its parameters.
    pub params: Params,
    /// Score on each test fold.
    pub fold_scores: Vec<f64>,
    /// Mean of the fold scores.
    pub mean_score: f64,
    /// Their standard deviation (population, as NumPy's `std`).
    pub std_score: f64,
    /// Rank (1 = best; equal means share the best rank of their group).
    pub rank: usize,
}

impl<M> GridSearch<M> {
    /// The best parameters.
    pub fn best_params(&self) -> &Params {
        &self.candidates[self.best_index].params
    }

    /// The best mean score.
    pub fn best_score(&self) -> f64 {
        self.candidates[self.best_index].mean_score
    }
}

/// Fits `build(params)` on every training part of `cv` for every point of `grid` — all
/// (candidate, fold) pairs in parallel — scores each on its test part, ranks the candidates
/// by mean score, and (with `refit`) fits the best on all of `x`. Deterministic: the same
/// result at any thread count.
pub fn grid_search<E, B>(
    build: B,
    grid: &ParamGrid,
    x: Features<'_>,
    y: &[usize],
    cv: &Cv,
    scoring: Scoring,
    refit: bool,
) -> Result<GridSearch<E::Model>>
where
    E: Estimator,
    B: Fn(&Params) -> Result<E> + Sync,
{
    let points = grid.candidates()?;
    let estimators: Vec<E> = points.iter().map(&build).collect::<Result<_>>()?;
    // Every candidate's parameters before any fit: a bad point fails at once.
    for e in &estimators {
        e.validate()?;
    }
    if x.n_samples() != y.len() {
        return Err(Error::Model(classify_core::Error::LengthMismatch {
            rows: x.n_samples(),
            targets: y.len(),
        }));
    }
    let splits = cv.splits(y)?;
    let per_fold = fold_scores(&estimators, x, y, &splits, scoring)?;
    let candidates = ranked(points, &per_fold);
    let best_index = candidates
        .iter()
        .position(|c| c.rank == 1)
        .expect("a grid has a best candidate");
    let best_model = if refit {
        Some(estimators[best_index].fit(x, y)?)
    } else {
        None
    };
    Ok(GridSearch {
        candidates,
        best_index,
        best_model,
    })
}

/// Per fold, every candidate's score on the fold's test rows: the candidates fitted at once
/// and predicting at once (what they share is prepared and computed once), folds in parallel.
fn fold_scores<E: Estimator>(
    estimators: &[E],
    x: Features<'_>,
    y: &[usize],
    splits: &[Split],
    scoring: Scoring,
) -> Result<Vec<Vec<f64>>> {
    splits
        .par_iter()
        .enumerate()
        .map(|(f, split)| {
            let in_fold = |source| Error::Fold {
                fold: f,
                error: source,
            };
            let models = E::fit_rows_many(estimators, x, y, &split.train).map_err(in_fold)?;
            let test = x.select(&split.test);
            let truth: Vec<usize> = split.test.iter().map(|&i| y[i]).collect();
            E::predict_many(&models, test.view())
                .map_err(in_fold)?
                .iter()
                .map(|pred| score(scoring, &truth, pred))
                .collect::<Result<Vec<f64>>>()
        })
        .collect()
}

/// The candidates at `points` with their fold scores (`per_fold[fold][candidate]`), mean,
/// standard deviation and rank: scipy's `rankdata(-means, method="min")`.
fn ranked(points: Vec<Params>, per_fold: &[Vec<f64>]) -> Vec<Candidate> {
    let k = per_fold.len();
    let mut candidates: Vec<Candidate> = points
        .into_iter()
        .enumerate()
        .map(|(c, params)| {
            let fold_scores: Vec<f64> = per_fold.iter().map(|fold| fold[c]).collect();
            let mean_score = fold_scores.iter().sum::<f64>() / k as f64;
            let var = fold_scores
                .iter()
                .map(|s| (s - mean_score).powi(2))
                .sum::<f64>()
                / k as f64;
            Candidate {
                params,
                fold_scores,
                mean_score,
                std_score: var.sqrt(),
                rank: 0,
            }
        })
        .collect();
    let means: Vec<f64> = candidates.iter().map(|c| c.mean_score).collect();
    for c in candidates.iter_mut() {
        c.rank = 1 + means.iter().filter(|&&m| m > c.mean_score).count();
    }
    candidates
}

impl<M: Classifier> GridSearch<M> {
    /// Predictions of the refitted best model.
    pub fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
        match &self.best_model {
            Some(m) => Ok(m.predict(x)?),
            None => Err(Error::InvalidGrid(
                "the search ran without refit: no best model to predict with".into(),
            )),
        }
    }
}
