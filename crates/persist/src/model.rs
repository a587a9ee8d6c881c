//! [`AnyModel`]: one fitted model of any kind a file holds.

use classify_models::tree_v2;
use classify_models::{
    Classifier, DecisionTree, Dummy, DummyStrategy, Features, KNeighbors, KNeighborsMultiOutput,
    Logistic, Loss, MultiOutputClassifier, PredictProba, RandomForest, Sgd, SvcKernel, SvcModel,
    Weights,
};
use classify_preprocessing::{ScaledModel, StandardScalerModel};

use crate::error::Error;
use ndarray::Array2;
use serde::{Deserialize, Serialize};

/// A fitted model of any kind a model file holds, with its kind's byte in the file's header.
///
/// Logistic regression is kept behind its standard scaler: L-BFGS on raw pixels stops far
/// from the optimum, so a logistic model worth saving is the scaled pipeline.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", content = "fitted", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AnyModel {
    /// k-nearest neighbours (kind 1).
    Knn(KNeighbors),
    /// Random forest (kind 2).
    Forest(RandomForest),
    /// SGD linear classifier (kind 3).
    Sgd(Sgd),
    /// Standard scaling + logistic regression (kind 4).
    Logistic(ScaledModel<Logistic>),
    /// SVC (kind 5).
    Svc(SvcModel),
    /// A dummy classifier, the baseline (kind 6).
    Dummy(Dummy),
    /// A decision tree (kind 7).
    Tree(DecisionTree),
    /// Logistic regression on the features as they are, no scaler in front (kind 8; what
    /// scikit-learn's `LogisticRegression` is on its own).
    LogisticRegression(Logistic),
    /// k-nearest neighbours over several target columns: multilabel or multi-output
    /// (kind 9). It predicts a row of targets per sample, so it is no [`Classifier`].
    KnnMultiOutput(KNeighborsMultiOutput),
    /// A fitted standard scaler (kind 10): a transformer, no [`Classifier`].
    Scaler(StandardScalerModel),
}

impl AnyModel {
    /// What the model is, in words, from the fitted model itself: "k-NN (k = 5)", "random
    /// forest (100 trees)", "SGD (hinge loss)", "SVC (RBF kernel, one-vs-one)".
    pub fn describe(&self) -> String {
        match self {
            AnyModel::Knn(m) => {
                let p = m.params();
                match p.weights {
                    Weights::Uniform => format!("k-NN (k = {})", p.n_neighbors),
                    Weights::Distance => format!("k-NN (k = {}, distance-weighted)", p.n_neighbors),
                }
            }
            AnyModel::Forest(m) => format!("random forest ({} trees)", m.n_trees()),
            AnyModel::Sgd(m) => {
                let loss = match m.params().loss {
                    Loss::Hinge => "hinge",
                    Loss::LogLoss => "log",
                    Loss::ModifiedHuber => "modified Huber",
                };
                format!("SGD ({loss} loss)")
            }
            AnyModel::Logistic(_) => "standard scaling + logistic regression".to_string(),
            AnyModel::Dummy(m) => {
                let strategy = match m.params().strategy {
                    DummyStrategy::MostFrequent => "most frequent".to_string(),
                    DummyStrategy::Prior => "prior".to_string(),
                    DummyStrategy::Stratified => "stratified".to_string(),
                    DummyStrategy::Uniform => "uniform".to_string(),
                    DummyStrategy::Constant(c) => format!("constant {c}"),
                };
                format!("dummy ({strategy})")
            }
            AnyModel::Tree(m) => format!("decision tree (depth {})", m.depth()),
            AnyModel::LogisticRegression(_) => "logistic regression".to_string(),
            AnyModel::KnnMultiOutput(m) => {
                let p = m.search().params();
                format!("k-NN (k = {}, {} outputs)", p.n_neighbors, m.n_outputs())
            }
            AnyModel::Scaler(m) => format!("standard scaler ({} features)", m.mean.len()),
            AnyModel::Svc(m) => {
                let kernel = match m.params().kernel {
                    SvcKernel::Rbf { .. } => "RBF",
                    SvcKernel::Linear => "linear",
                    SvcKernel::Poly { .. } => "polynomial",
                };
                format!("SVC ({kernel} kernel, one-vs-one)")
            }
        }
    }

    /// The model as a classifier: its sorted classes, feature count and predictions;
    /// [`Error::NotAClassifier`] for a scaler or a multi-output k-NN.
    pub fn classifier(&self) -> Result<&dyn Classifier, Error> {
        Ok(match self {
            AnyModel::Knn(m) => m,
            AnyModel::Forest(m) => m,
            AnyModel::Sgd(m) => m,
            AnyModel::Logistic(m) => m,
            AnyModel::Svc(m) => m,
            AnyModel::Dummy(m) => m,
            AnyModel::Tree(m) => m,
            AnyModel::LogisticRegression(m) => m,
            AnyModel::KnnMultiOutput(_) | AnyModel::Scaler(_) => {
                return Err(Error::NotAClassifier(self.describe()))
            }
        })
    }

    /// Number of features the model reads.
    pub fn n_features(&self) -> usize {
        match self {
            AnyModel::KnnMultiOutput(m) => m.n_features(),
            AnyModel::Scaler(m) => m.mean.len(),
            _ => self.classifier().map_or(0, |c| c.n_features()),
        }
    }

    /// Class probabilities (columns in [`Classifier::classes`] order) for the models that
    /// give them: k-NN, the forest, logistic regression, SGD with the log or modified Huber
    /// loss, SVC fitted with `probability`; `None` for the others.
    pub fn predict_proba(&self, x: Features<'_>) -> classify_models::Result<Option<Array2<f64>>> {
        Ok(match self {
            AnyModel::Knn(m) => Some(m.predict_proba(x)?),
            AnyModel::Forest(m) => Some(m.predict_proba(x)?),
            AnyModel::Logistic(m) => Some(m.predict_proba(x)?),
            AnyModel::Sgd(m) if m.params().loss != Loss::Hinge => Some(m.predict_proba(x)?),
            AnyModel::Svc(m) if m.params().probability => Some(m.predict_proba(x)?),
            AnyModel::Dummy(m) => Some(m.predict_proba(x)?),
            AnyModel::Tree(m) => Some(m.predict_proba(x)?),
            AnyModel::LogisticRegression(m) => Some(m.predict_proba(x)?),
            AnyModel::Sgd(_) | AnyModel::Svc(_) => None,
            AnyModel::KnnMultiOutput(_) | AnyModel::Scaler(_) => None,
        })
    }

    /// The k-NN search, when the model is a k-NN (one target or several): it finds a query's
    /// nearest training rows.
    pub fn as_knn(&self) -> Option<&KNeighbors> {
        match self {
            AnyModel::Knn(m) => Some(m),
            AnyModel::KnnMultiOutput(m) => Some(m.search()),
            _ => None,
        }
    }

    /// The kind's byte in a binary file's header.
    pub(crate) fn code(&self) -> u8 {
        match self {
            AnyModel::Knn(_) => 1,
            AnyModel::Forest(_) => 2,
            AnyModel::Sgd(_) => 3,
            AnyModel::Logistic(_) => 4,
            AnyModel::Svc(_) => 5,
            AnyModel::Dummy(_) => 6,
            AnyModel::Tree(_) => 7,
            AnyModel::LogisticRegression(_) => 8,
            AnyModel::KnnMultiOutput(_) => 9,
            AnyModel::Scaler(_) => 10,
        }
    }

    /// The model's postcard bytes (what follows what it was trained on in a binary file).
    pub(crate) fn postcard_with<T: Serialize>(&self, head: &T) -> postcard::Result<Vec<u8>> {
        match self {
            AnyModel::Knn(m) => postcard::to_allocvec(&(head, m)),
            AnyModel::Forest(m) => postcard::to_allocvec(&(head, m)),
            AnyModel::Sgd(m) => postcard::to_allocvec(&(head, m)),
            AnyModel::Logistic(m) => postcard::to_allocvec(&(head, m)),
            AnyModel::Svc(m) => postcard::to_allocvec(&(head, m)),
            AnyModel::Dummy(m) => postcard::to_allocvec(&(head, m)),
            AnyModel::Tree(m) => postcard::to_allocvec(&(head, m)),
            AnyModel::LogisticRegression(m) => postcard::to_allocvec(&(head, m)),
            AnyModel::KnnMultiOutput(m) => postcard::to_allocvec(&(head, m)),
            AnyModel::Scaler(m) => postcard::to_allocvec(&(head, m)),
        }
    }

    /// Reads postcard bytes of `(head, model)` for the kind's byte `code` (1 to 10).
    pub(crate) fn from_postcard<'a, T: Deserialize<'a>>(
        version: u16,
        code: u8,
        payload: &'a [u8],
    ) -> Option<postcard::Result<(T, AnyModel)>> {
        fn read<'a, T: Deserialize<'a>, M: Deserialize<'a>>(
            payload: &'a [u8],
            wrap: impl FnOnce(M) -> AnyModel,
        ) -> postcard::Result<(T, AnyModel)> {
            let (head, model): (T, M) = postcard::from_bytes(payload)?;
            Ok((head, wrap(model)))
        }
        /// A format-2 layout, converted (and checked) into today's model.
        fn read_v2<'a, T: Deserialize<'a>, Old: Deserialize<'a>, M: TryFrom<Old>>(
            payload: &'a [u8],
            wrap: impl FnOnce(M) -> AnyModel,
        ) -> postcard::Result<(T, AnyModel)> {
            let (head, old): (T, Old) = postcard::from_bytes(payload)?;
            let model = M::try_from(old).map_err(|_| postcard::Error::SerdeDeCustom)?;
            Ok((head, wrap(model)))
        }
        if version == 2 {
            // Trees and forests gained their nodes' statistics in format 3.
            match code {
                2 => {
                    return Some(read_v2::<T, tree_v2::RandomForest, _>(
                        payload,
                        AnyModel::Forest,
                    ))
                }
                7 => {
                    return Some(read_v2::<T, tree_v2::DecisionTree, _>(
                        payload,
                        AnyModel::Tree,
                    ))
                }
                _ => {}
            }
        }
        Some(match code {
            1 => read(payload, AnyModel::Knn),
            2 => read(payload, AnyModel::Forest),
            3 => read(payload, AnyModel::Sgd),
            4 => read(payload, AnyModel::Logistic),
            5 => read(payload, AnyModel::Svc),
            6 => read(payload, AnyModel::Dummy),
            7 => read(payload, AnyModel::Tree),
            8 => read(payload, AnyModel::LogisticRegression),
            9 => read(payload, AnyModel::KnnMultiOutput),
            10 => read(payload, AnyModel::Scaler),
            _ => return None,
        })
    }
}

/// The highest kind byte a file can hold (kinds run from 1).
pub(crate) const LAST_KIND: u8 = 10;

macro_rules! from_fitted {
    ($($variant:ident($model:ty)),*) => {$(
        impl From<$model> for AnyModel {
            fn from(model: $model) -> AnyModel {
                AnyModel::$variant(model)
            }
        }
    )*};
}

from_fitted!(
    Knn(KNeighbors),
    Forest(RandomForest),
    Sgd(Sgd),
    Logistic(ScaledModel<Logistic>),
    Svc(SvcModel),
    Dummy(Dummy),
    Tree(DecisionTree),
    LogisticRegression(Logistic),
    KnnMultiOutput(KNeighborsMultiOutput),
    Scaler(StandardScalerModel)
);
