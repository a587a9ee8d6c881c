//! A baseline that ignores the features (scikit-learn's `DummyClassifier`).

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use classify_core::{check_features, Features};
use classify_core::{check_targets, encode, Classifier, Estimator, PredictProba};
use classify_core::{Error, Result};

/// How the dummy predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DummyStrategy {
    /// Always the most frequent class (the smallest on ties); probabilities one-hot on it.
    MostFrequent,
    /// Always the most frequent class; probabilities are the class frequencies.
    Prior,
    /// Random classes drawn with the class frequencies (scikit-learn's draws:
    /// `RandomState(random_state).multinomial(1, class_prior, size=n)`).
    Stratified,
    /// Random classes, uniformly (scikit-learn's draws:
    /// `RandomState(random_state).randint(n_classes, size=n)`).
    Uniform,
    /// Always the given label.
    Constant(usize),
}

/// Parameters of the dummy classifier; `Default`: `Prior`, as scikit-learn.
///
/// ```
/// use classify_models::{Classifier, DummyClassifier, Estimator, PredictProba};
/// use linfa::prelude::{Dataset, Fit, Predict};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [5.0, 5.2], [5.3, 4.9], [4.8, 5.1]];
/// // Native: `Features` in, `usize` labels out.
/// let model = Estimator::fit(&DummyClassifier::default(), (&x).into(), &[0, 1, 1, 1, 1, 0])?;
/// assert_eq!(model.predict((&x).into())?, vec![1; 6]);
/// assert_eq!(model.predict_proba((&x).into())?.row(0).to_vec(), vec![1.0 / 3.0, 2.0 / 3.0]);
/// // linfa: a `Dataset` with labels of any type.
/// let data = Dataset::new(x.clone(), array!["cat", "dog", "dog", "dog", "dog", "cat"]);
/// let model = Fit::fit(&DummyClassifier::default(), &data)?;
/// assert_eq!(model.predict(&x).to_vec(), vec!["dog"; 6]);
/// # Ok::<(), classify_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DummyClassifier {
    /// The strategy.
    pub strategy: DummyStrategy,
    /// Seed for `Stratified` and `Uniform`: each call to `predict` draws the same values.
    pub random_state: u64,
}

impl Default for DummyClassifier {
    fn default() -> Self {
        DummyClassifier {
            strategy: DummyStrategy::Prior,
            random_state: 42,
        }
    }
}

impl DummyClassifier {
    /// The baseline of the book: always the most frequent class.
    pub fn most_frequent() -> Self {
        DummyClassifier {
            strategy: DummyStrategy::MostFrequent,
            ..Default::default()
        }
    }
}

/// A fitted dummy classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dummy {
    params: DummyClassifier,
    classes: Vec<usize>,
    /// Frequency of each class in the training targets.
    pub class_prior: Vec<f64>,
    n_features: usize,
}

impl Estimator for DummyClassifier {
    type Model = Dummy;

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<Dummy> {
        check_targets(x.n_samples(), y.len())?;
        if y.is_empty() {
            return Err(Error::Empty("no samples"));
        }
        if matches!(
            self.strategy,
            DummyStrategy::Uniform | DummyStrategy::Stratified
        ) {
            crate::rand_r::numpy(self.random_state)?;
        }
        let (classes, index) = encode(y);
        let mut counts = vec![0usize; classes.len()];
        index.iter().for_each(|&i| counts[i] += 1);
        if let DummyStrategy::Constant(c) = self.strategy {
            if classes.binary_search(&c).is_err() {
                return Err(Error::InvalidParameter(format!(
                    "the constant {c} is not one of the training classes {classes:?}"
                )));
            }
        }
        Ok(Dummy {
            params: *self,
            class_prior: counts.iter().map(|&c| c as f64 / y.len() as f64).collect(),
            classes,
            n_features: x.n_features(),
        })
    }
}

impl Dummy {
    fn most_frequent(&self) -> usize {
        let mut best = 0;
        for (i, &p) in self.class_prior.iter().enumerate() {
            if p > self.class_prior[best] {
                best = i;
            }
        }
        best
    }

    /// The class index predicted for each of `n` rows. The random strategies draw as
    /// scikit-learn does, from a fresh `RandomState(random_state)` at every call (the seed
    /// was checked at fit time, and the class prior sums to one).
    fn draw(&self, n: usize) -> Vec<usize> {
        let k = self.classes.len();
        let rs = crate::rand_r::numpy(self.params.random_state);
        match (self.params.strategy, rs) {
            (DummyStrategy::MostFrequent | DummyStrategy::Prior, _) => {
                vec![self.most_frequent(); n]
            }
            (DummyStrategy::Constant(c), _) => {
                vec![self.classes.binary_search(&c).unwrap_or(0); n]
            }
            (DummyStrategy::Uniform, Ok(mut rs)) => {
                let mut draws = vec![0i64; n];
                if let Ok(mut stream) = rs.randints(0, k as i64) {
                    stream.fill(&mut draws);
                }
                draws.into_iter().map(|d| d as usize).collect()
            }
            (DummyStrategy::Stratified, Ok(mut rs)) => (0..n)
                .map(|_| rs.multinomial_one(&self.class_prior).unwrap_or(k - 1))
                .collect(),
            (_, Err(_)) => vec![0; n],
        }
    }
}

impl Dummy {
    /// The parameters it was fitted with.
    pub fn params(&self) -> &DummyClassifier {
        &self.params
    }
}

impl Classifier for Dummy {
    fn classes(&self) -> &[usize] {
        &self.classes
    }

    fn n_features(&self) -> usize {
        self.n_features
    }

    fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
        check_features(&x, self.n_features)?;
        Ok(self
            .draw(x.n_samples())
            .into_iter()
            .map(|i| self.classes[i])
            .collect())
    }
}

impl PredictProba for Dummy {
    fn predict_proba(&self, x: Features<'_>) -> Result<Array2<f64>> {
        check_features(&x, self.n_features)?;
        let n = x.n_samples();
        let k = self.classes.len();
        let mut out = Array2::zeros((n, k));
        match self.params.strategy {
            DummyStrategy::Prior => {
                for mut r in out.rows_mut() {
                    r.iter_mut()
                        .zip(&self.class_prior)
                        .for_each(|(o, &p)| *o = p);
                }
            }
            DummyStrategy::Uniform => out.fill(1.0 / k as f64),
            _ => {
                for (mut r, i) in out.rows_mut().into_iter().zip(self.draw(n)) {
                    r[i] = 1.0;
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn strategies() {
        let x = Array2::<u8>::zeros((6, 2));
        let y = [3, 1, 3, 3, 1, 7];
        let m = DummyClassifier::most_frequent()
            .fit((&x).into(), &y)
            .unwrap();
        assert_eq!(m.classes(), &[1, 3, 7]);
        assert_eq!(m.predict((&x).into()).unwrap(), vec![3; 6]);
        assert_eq!(
            m.predict_proba((&x).into()).unwrap().row(0).to_vec(),
            vec![0.0, 1.0, 0.0]
        );
        let prior = DummyClassifier::default().fit((&x).into(), &y).unwrap();
        assert_eq!(
            prior.predict_proba((&x).into()).unwrap().row(2).to_vec(),
            vec![2.0 / 6.0, 0.5, 1.0 / 6.0]
        );
        let strat = DummyClassifier {
            strategy: DummyStrategy::Stratified,
            random_state: 1,
        }
        .fit((&x).into(), &y)
        .unwrap();
        // scikit-learn 1.9.1: DummyClassifier(strategy="stratified", random_state=1)
        // predicts [3] * 6 here, and with random_state=42 [7, 1, 3, 3, 1, 3] (its one-hot
        // probabilities on the same draws).
        assert_eq!(strat.predict((&x).into()).unwrap(), vec![3; 6]);
        let strat42 = DummyClassifier {
            strategy: DummyStrategy::Stratified,
            random_state: 42,
        }
        .fit((&x).into(), &y)
        .unwrap();
        assert_eq!(
            strat42.predict((&x).into()).unwrap(),
            vec![7, 1, 3, 3, 1, 3]
        );
        let p = strat42.predict_proba((&x).into()).unwrap();
        assert_eq!(p.row(0).to_vec(), vec![0.0, 0.0, 1.0]);
        assert_eq!(p.row(1).to_vec(), vec![1.0, 0.0, 0.0]);
        let c = DummyClassifier {
            strategy: DummyStrategy::Constant(7),
            random_state: 0,
        }
        .fit((&x).into(), &y)
        .unwrap();
        assert_eq!(c.predict((&x).into()).unwrap(), vec![7; 6]);
        assert!(DummyClassifier {
            strategy: DummyStrategy::Constant(9),
            random_state: 0
        }
        .fit((&x).into(), &y)
        .is_err());
        let u = DummyClassifier {
            strategy: DummyStrategy::Uniform,
            random_state: 0,
        }
        .fit((&x).into(), &y)
        .unwrap();
        assert_eq!(u.predict_proba((&x).into()).unwrap()[[0, 0]], 1.0 / 3.0);
        // scikit-learn 1.9.1: DummyClassifier(strategy="uniform", random_state=0) predicts
        // [1, 3, 1, 3, 3, 7] here.
        assert_eq!(u.predict((&x).into()).unwrap(), vec![1, 3, 1, 3, 3, 7]);
        assert!(DummyClassifier {
            strategy: DummyStrategy::Uniform,
            random_state: 1 << 32,
        }
        .fit((&x).into(), &y)
        .is_err());
    }
}
