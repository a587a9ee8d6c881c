//! One-vs-rest: one binary model per class.

use classify_core::{
    Classifier, DecisionFunction, Error, Estimator, Features, PredictProba, Result,
};
use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// One binary model per class ("this class" against the rest), as scikit-learn's
/// `OneVsRestClassifier`. Two classes need one model only.
///
/// ```
/// use classify_multiclass::{OneVsRest};
/// use linfa::prelude::{Dataset, Fit, Predict};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [5.0, 5.2], [5.3, 4.9], [4.8, 5.1]];
/// // Native: `Features` in, `usize` labels out.
/// use classify_core::{Classifier, Estimator};
/// use classify_models::SgdClassifier;
/// let y = [0, 0, 0, 1, 1, 1];
/// let ovr = OneVsRest::new(SgdClassifier::default());
/// let model = Estimator::fit(&ovr, (&x).into(), &y)?;
/// assert_eq!(model.predict((&x).into())?, y.to_vec());
/// // linfa: a `Dataset` with labels of any type.
/// let data = Dataset::new(x.clone(), array!["cat", "cat", "cat", "dog", "dog", "dog"]);
/// let model = Fit::fit(&ovr, &data)?;
/// assert_eq!(model.predict(&x).to_vec(), vec!["cat", "cat", "cat", "dog", "dog", "dog"]);
/// # Ok::<(), classify_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneVsRest<E> {
    /// The binary model.
    pub estimator: E,
}

impl<E> OneVsRest<E> {
    /// Wraps `estimator`.
    pub fn new(estimator: E) -> Self {
        OneVsRest { estimator }
    }
}

/// A fitted one-vs-rest model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneVsRestModel<M> {
    classes: Vec<usize>,
    estimators: Vec<M>,
    n_features: usize,
}

impl<E> Estimator for OneVsRest<E>
where
    E: Estimator,
    E::Model: DecisionFunction,
{
    type Model = OneVsRestModel<E::Model>;

    fn validate(&self) -> Result<()> {
        self.estimator.validate()
    }

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<Self::Model> {
        let (classes, index) = classes_of(x, y)?;
        // Two classes: one model of classes[1] against classes[0].
        let targets: Vec<usize> = if classes.len() == 2 {
            vec![1]
        } else {
            (0..classes.len()).collect()
        };
        let estimators = targets
            .par_iter()
            .map(|&c| {
                let binary: Vec<usize> = index.iter().map(|&i| usize::from(i == c)).collect();
                self.estimator.fit(x, &binary)
            })
            .collect::<Result<_>>()?;
        Ok(OneVsRestModel {
            classes,
            estimators,
            n_features: x.n_features(),
        })
    }
}

/// Sorted classes and each sample's class index; at least two classes.
pub(crate) fn classes_of(x: Features<'_>, y: &[usize]) -> Result<(Vec<usize>, Vec<usize>)> {
    if x.n_samples() != y.len() {
        return Err(Error::LengthMismatch {
            rows: x.n_samples(),
            targets: y.len(),
        });
    }
    let mut classes = y.to_vec();
    classes.sort_unstable();
    classes.dedup();
    match classes.len() {
        0 => return Err(Error::Empty("no samples")),
        1 => return Err(Error::SingleClass(classes[0].to_string())),
        _ => {}
    }
    let index = y
        .iter()
        .map(|c| classes.binary_search(c).expect("a class of y"))
        .collect();
    Ok((classes, index))
}

impl<M> OneVsRestModel<M> {
    /// The fitted binary models (one per class; one for two classes).
    pub fn estimators(&self) -> &[M] {
        &self.estimators
    }
}

impl<M: DecisionFunction> Classifier for OneVsRestModel<M> {
    fn classes(&self) -> &[usize] {
        &self.classes
    }

    fn n_features(&self) -> usize {
        self.n_features
    }

    /// The class with the highest score; on equal scores the later class, as scikit-learn's
    /// running maximum does.
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
                    if v >= r[best] {
                        best = c;
                    }
                }
                self.classes[best]
            })
            .collect())
    }
}

impl<M: DecisionFunction> DecisionFunction for OneVsRestModel<M> {
    /// One column per class (each model's score); one column for two classes.
    fn decision_function(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let columns = self
            .estimators
            .par_iter()
            .map(|e| Ok(e.decision_function(x)?.column(0).to_owned()))
            .collect::<Result<Vec<_>>>()?;
        let mut out = Array2::zeros((x.n_samples(), columns.len()));
        for (j, c) in columns.into_iter().enumerate() {
            out.column_mut(j).assign(&c);
        }
        Ok(out)
    }
}

impl<M: DecisionFunction + PredictProba> PredictProba for OneVsRestModel<M> {
    /// Each model's probability of its class, normalised to sum 1 per row (uniform where
    /// every model says 0).
    fn predict_proba(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let columns = self
            .estimators
            .par_iter()
            .map(|e| Ok(e.predict_proba(x)?.column(1).to_owned()))
            .collect::<Result<Vec<_>>>()?;
        if self.classes.len() == 2 {
            let p = &columns[0];
            return Ok(Array2::from_shape_fn((p.len(), 2), |(i, j)| {
                if j == 1 {
                    p[i]
                } else {
                    1.0 - p[i]
                }
            }));
        }
        let mut out = Array2::zeros((x.n_samples(), columns.len()));
        for (j, c) in columns.into_iter().enumerate() {
            out.column_mut(j).assign(&c);
        }
        for mut r in out.rows_mut() {
            let s = r.sum();
            if s > 0.0 {
                r /= s;
            } else {
                // Every model says 0 (saturated scores): scikit-learn divides by zero and
                // returns NaN; no class is preferred, so each gets 1/k.
                r.fill(1.0 / r.len() as f64);
            }
        }
        Ok(out)
    }
}
