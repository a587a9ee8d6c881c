//! One-vs-one: one binary model per pair of classes.

use classify_core::{
    ovr_decision_function, Classifier, DecisionFunction, Estimator, Features, Result,
};
use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::ovr::classes_of;

/// One binary model per pair of classes `(i, j)`, `i < j`, trained on the samples of those two
/// classes only (`j` is the positive class), as scikit-learn's `OneVsOneClassifier`:
/// `k(k − 1)/2` models for `k` classes.
///
/// ```
/// use classify_multiclass::{OneVsOne};
/// use linfa::prelude::{Dataset, Fit, Predict};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [5.0, 5.2], [5.3, 4.9], [4.8, 5.1]];
/// // Native: `Features` in, `usize` labels out.
/// use classify_core::{Classifier, Estimator};
/// use classify_models::SgdClassifier;
/// let y = [0, 0, 0, 1, 1, 1];
/// let ovo = OneVsOne::new(SgdClassifier::default());
/// let model = Estimator::fit(&ovo, (&x).into(), &y)?;
/// assert_eq!(model.predict((&x).into())?, y.to_vec());
/// // linfa: a `Dataset` with labels of any type.
/// let data = Dataset::new(x.clone(), array!["cat", "cat", "cat", "dog", "dog", "dog"]);
/// let model = Fit::fit(&ovo, &data)?;
/// assert_eq!(model.predict(&x).to_vec(), vec!["cat", "cat", "cat", "dog", "dog", "dog"]);
/// # Ok::<(), classify_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneVsOne<E> {
    /// The binary model.
    pub estimator: E,
}

impl<E> OneVsOne<E> {
    /// Wraps `estimator`.
    pub fn new(estimator: E) -> Self {
        OneVsOne { estimator }
    }
}

/// A fitted one-vs-one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneVsOneModel<M> {
    classes: Vec<usize>,
    /// Pairs (0, 1), (0, 2), …, (1, 2), …
    estimators: Vec<M>,
    n_features: usize,
}

impl<E> Estimator for OneVsOne<E>
where
    E: Estimator,
    E::Model: DecisionFunction,
{
    type Model = OneVsOneModel<E::Model>;

    fn validate(&self) -> Result<()> {
        self.estimator.validate()
    }

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<Self::Model> {
        let (classes, index) = classes_of(x, y)?;
        let k = classes.len();
        let pairs: Vec<(usize, usize)> = (0..k)
            .flat_map(|i| (i + 1..k).map(move |j| (i, j)))
            .collect();
        let estimators = pairs
            .par_iter()
            .map(|&(i, j)| {
                let rows: Vec<usize> = (0..index.len())
                    .filter(|&r| index[r] == i || index[r] == j)
                    .collect();
                let binary: Vec<usize> = index.iter().map(|&c| usize::from(c == j)).collect();
                self.estimator.fit_rows(x, &binary, &rows)
            })
            .collect::<Result<_>>()?;
        Ok(OneVsOneModel {
            classes,
            estimators,
            n_features: x.n_features(),
        })
    }
}

impl<M> OneVsOneModel<M> {
    /// The fitted models, pairs in the order (0, 1), (0, 2), …, (1, 2), …
    pub fn estimators(&self) -> &[M] {
        &self.estimators
    }
}

impl<M: DecisionFunction> OneVsOneModel<M> {
    /// Every pair's prediction (`true` when `j` wins) and confidence (its decision score).
    fn pairwise(&self, x: Features<'_>) -> Result<(Array2<bool>, Array2<f64>)> {
        let per_pair = self
            .estimators
            .par_iter()
            .map(|e| {
                let s = e.decision_function(x)?.column(0).to_owned();
                let p = e.predict(x)?;
                Ok((p, s))
            })
            .collect::<Result<Vec<_>>>()?;
        let n = x.n_samples();
        let mut wins = Array2::from_elem((n, per_pair.len()), false);
        let mut conf = Array2::zeros((n, per_pair.len()));
        for (k, (p, s)) in per_pair.into_iter().enumerate() {
            for r in 0..n {
                wins[[r, k]] = p[r] == 1;
            }
            conf.column_mut(k).assign(&s);
        }
        Ok((wins, conf))
    }
}

impl<M: DecisionFunction> Classifier for OneVsOneModel<M> {
    fn classes(&self) -> &[usize] {
        &self.classes
    }

    fn n_features(&self) -> usize {
        self.n_features
    }

    /// The highest vote-plus-confidence score (the first on ties); for two classes, the
    /// second class when its score is positive.
    fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
        let scores = self.decision_function(x)?;
        if self.classes.len() == 2 {
            return Ok(scores
                .column(0)
                .iter()
                .map(|&s| self.classes[usize::from(s > 0.0)])
                .collect());
        }
        Ok(scores
            .rows()
            .into_iter()
            .map(|r| {
                let mut best = 0;
                for (c, &v) in r.iter().enumerate() {
                    if v > r[best] {
                        best = c;
                    }
                }
                self.classes[best]
            })
            .collect())
    }
}

impl<M: DecisionFunction> DecisionFunction for OneVsOneModel<M> {
    /// Votes plus confidences squashed into (−1/3, 1/3) ([`ovr_decision_function`]); one
    /// column (the second class's score) for two classes.
    fn decision_function(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let (wins, conf) = self.pairwise(x)?;
        let scores = ovr_decision_function(&wins, &conf, self.classes.len());
        if self.classes.len() == 2 {
            return Ok(scores.column(1).to_owned().insert_axis(ndarray::Axis(1)));
        }
        Ok(scores)
    }
}
