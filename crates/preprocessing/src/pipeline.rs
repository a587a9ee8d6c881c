//! A column transformer followed by a model, fitted together (scikit-learn's
//! `make_pipeline(preprocessing, model)`), and its cross-validation.

use classify_core::{Classifier, Estimator, Features};
use classify_selection::Cv;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::table::Table;
use crate::transform::{ColumnTransformer, ColumnTransformerModel};

/// Preparation then a model: the transformer learns from the training rows only, so
/// cross-validation does not leak test statistics (medians, categories, means) into training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pipeline<E> {
    /// The preparation.
    pub prepare: ColumnTransformer,
    /// The model.
    pub model: E,
}

/// A fitted [`Pipeline`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineModel<M> {
    /// The fitted preparation.
    pub prepare: ColumnTransformerModel,
    /// The fitted model.
    pub model: M,
}

impl<E: Estimator> Pipeline<E> {
    /// Fits the preparation on `table`, then the model on the prepared features.
    pub fn fit(&self, table: &Table, y: &[usize]) -> Result<PipelineModel<E::Model>> {
        let prepare = self.prepare.fit(table)?;
        let x = prepare.transform(table)?;
        let model = self.model.fit(Features::F32(x.view()), y)?;
        Ok(PipelineModel { prepare, model })
    }
}

impl<M: Classifier> PipelineModel<M> {
    /// Predicted classes of `table`'s rows.
    pub fn predict(&self, table: &Table) -> Result<Vec<usize>> {
        let x = self.prepare.transform(table)?;
        Ok(self.model.predict(Features::F32(x.view()))?)
    }
}

/// Accuracy of `pipeline` on each fold of `cv` (scikit-learn's `cross_val_score` of a
/// pipeline): each fold fits preparation and model on its training rows only. Folds run in
/// parallel; the result does not depend on the thread count.
pub fn cross_val_accuracy<E: Estimator>(
    pipeline: &Pipeline<E>,
    table: &Table,
    y: &[usize],
    cv: &Cv,
) -> Result<Vec<f64>> {
    let splits = cv.splits(y)?;
    splits
        .par_iter()
        .map(|s| {
            let train = table.select(&s.train)?;
            let test = table.select(&s.test)?;
            let y_train: Vec<usize> = s.train.iter().map(|&i| y[i]).collect();
            let truth: Vec<usize> = s.test.iter().map(|&i| y[i]).collect();
            let pred = pipeline.fit(&train, &y_train)?.predict(&test)?;
            Ok(classify_metrics::accuracy_score(&truth, &pred, None)?)
        })
        .collect()
}
