//! Standard scaling: zero mean, unit variance per feature.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use classify_core::{with_valid, Features, Result, Row, Standardization};

/// Parameters of standard scaling (scikit-learn's `StandardScaler`).
///
/// ```
/// use classify_preprocessing::StandardScaler;
/// use ndarray::array;
///
/// let x = array![[1.0, 10.0], [3.0, 10.0]];
/// let scaler = StandardScaler::default().fit((&x).into())?;
/// assert_eq!((scaler.mean.clone(), scaler.scale.clone()), (vec![2.0, 10.0], vec![1.0, 1.0]));
/// assert_eq!(scaler.transform((&x).into())?, array![[-1.0f32, 0.0], [1.0, 0.0]]);
/// # Ok::<(), classify_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardScaler {
    /// Subtract each feature's mean.
    pub with_mean: bool,
    /// Divide by each feature's standard deviation (population, `ddof = 0`).
    pub with_std: bool,
}

impl Default for StandardScaler {
    fn default() -> Self {
        StandardScaler {
            with_mean: true,
            with_std: true,
        }
    }
}

/// A fitted scaler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardScalerModel {
    /// Mean of each feature (zeros without `with_mean`).
    pub mean: Vec<f64>,
    /// Variance of each feature.
    pub var: Vec<f64>,
    /// What each feature is divided by: the standard deviation, or 1 where it is (nearly) 0
    /// or `with_std` is off.
    pub scale: Vec<f64>,
}

impl StandardScaler {
    /// Learns each feature's mean and variance (in `f64`, two passes).
    pub fn fit(&self, x: Features<'_>) -> Result<StandardScalerModel> {
        with_valid(x, |x| {
            let (n, d) = (x.n_samples(), x.n_features());
            let mut mean = vec![0.0f64; d];
            for i in 0..n {
                add_row(&mut mean, x.row(i), |v, _| v);
            }
            mean.iter_mut().for_each(|m| *m /= n as f64);
            let mut var = vec![0.0f64; d];
            for i in 0..n {
                add_row(&mut var, x.row(i), |v, j| (v - mean[j]) * (v - mean[j]));
            }
            var.iter_mut().for_each(|v| *v /= n as f64);
            let scale = var
                .iter()
                .map(|&v| {
                    let s = v.sqrt();
                    // scikit-learn's _handle_zeros_in_scale: constant features keep scale 1.
                    if !self.with_std || s < 10.0 * f64::EPSILON {
                        1.0
                    } else {
                        s
                    }
                })
                .collect();
            if !self.with_mean {
                mean.iter_mut().for_each(|m| *m = 0.0);
            }
            Ok(StandardScalerModel { mean, var, scale })
        })
    }
}

/// What [`StandardScaler::partial_fit`] carries from one batch to the next (scikit-learn's
/// `mean_`, `var_` and `n_samples_seen_`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalerStats {
    /// Each feature's mean over the rows seen.
    pub mean: Vec<f64>,
    /// Each feature's (population) variance over the rows seen.
    pub var: Vec<f64>,
    /// Rows seen.
    pub n_samples_seen: u64,
}

impl StandardScaler {
    /// Updates `stats` (`None`: nothing seen yet) with the rows of `x`, as scikit-learn's
    /// `partial_fit` does: its `_incremental_mean_and_var` (Chan, Golub and LeVeque's
    /// update with the corrected two-pass variance of the batch), operation for operation,
    /// so a sequence of batches gives its statistics to the last bit.
    ///
    /// ```
    /// use classify_preprocessing::StandardScaler;
    /// use ndarray::array;
    ///
    /// let scaler = StandardScaler::default();
    /// let stats = scaler.partial_fit(None, array![[1.0, 10.0]].view().into())?;
    /// let stats = scaler.partial_fit(Some(&stats), array![[3.0, 10.0]].view().into())?;
    /// assert_eq!((stats.mean.clone(), stats.var.clone(), stats.n_samples_seen), (vec![2.0, 10.0], vec![1.0, 0.0], 2));
    /// assert_eq!(scaler.model(&stats).scale, vec![1.0, 1.0]);
    /// # Ok::<(), classify_core::Error>(())
    /// ```
    pub fn partial_fit(&self, stats: Option<&ScalerStats>, x: Features<'_>) -> Result<ScalerStats> {
        if let Some(s) = stats {
            classify_core::check_features(&x, s.mean.len())?;
        }
        with_valid(x, |x| {
            let (n, d) = (x.n_samples(), x.n_features());
            let count = n as f64;
            let mut new_sum = vec![0.0f64; d];
            for i in 0..n {
                add_row(&mut new_sum, x.row(i), |v, _| v);
            }
            // The batch's corrected two-pass variance about its own mean.
            let t: Vec<f64> = new_sum.iter().map(|s| s / count).collect();
            let (mut correction, mut squares) = (vec![0.0f64; d], vec![0.0f64; d]);
            for i in 0..n {
                add_row(&mut correction, x.row(i), |v, j| v - t[j]);
                add_row(&mut squares, x.row(i), |v, j| (v - t[j]) * (v - t[j]));
            }
            let new_unnormalized: Vec<f64> = squares
                .iter()
                .zip(&correction)
                .map(|(s, c)| s - c * c / count)
                .collect();
            let (last_mean, last_var, last_n) = match stats {
                Some(s) => (s.mean.as_slice(), s.var.as_slice(), s.n_samples_seen as f64),
                None => (&[][..], &[][..], 0.0),
            };
            let updated_n = last_n + count;
            let mut mean = vec![0.0; d];
            let mut var = vec![0.0; d];
            for j in 0..d {
                let last_sum = last_mean.get(j).map_or(0.0, |m| m * last_n);
                mean[j] = (last_sum + new_sum[j]) / updated_n;
                let unnormalized = if last_n == 0.0 {
                    new_unnormalized[j]
                } else {
                    let last_over_new = last_n / count;
                    last_var[j] * last_n
                        + new_unnormalized[j]
                        + last_over_new / updated_n
                            * (last_sum / last_over_new - new_sum[j]).powi(2)
                };
                var[j] = unnormalized / updated_n;
            }
            Ok(ScalerStats {
                mean,
                var,
                n_samples_seen: stats.map_or(0, |s| s.n_samples_seen) + n as u64,
            })
        })
    }

    /// The scaler these statistics give: scikit-learn's `scale_` (the standard deviation,
    /// 1 for a feature it finds constant, `_is_constant_feature`), the mean applied only
    /// `with_mean`.
    pub fn model(&self, stats: &ScalerStats) -> StandardScalerModel {
        let n = stats.n_samples_seen as f64;
        let scale = stats
            .var
            .iter()
            .zip(&stats.mean)
            .map(|(&var, &mean)| {
                let eps = f64::EPSILON;
                let constant = var <= n * eps * var + (n * mean * eps).powi(2);
                if !self.with_std || constant {
                    1.0
                } else {
                    var.sqrt()
                }
            })
            .collect();
        let mean = if self.with_mean {
            stats.mean.clone()
        } else {
            vec![0.0; stats.mean.len()]
        };
        StandardScalerModel {
            mean,
            var: stats.var.clone(),
            scale,
        }
    }
}

fn add_row(acc: &mut [f64], row: Row<'_>, f: impl Fn(f64, usize) -> f64) {
    row.for_each_f64(|j, v| acc[j] += f(v, j));
}

impl StandardScalerModel {
    /// The standardisation `(x − mean) / scale` this scaler applies.
    pub fn standardization(&self) -> Standardization<'_> {
        Standardization {
            mean: &self.mean,
            scale: &self.scale,
        }
    }

    /// `(x - mean) / scale`, as `f32`.
    pub fn transform(&self, x: Features<'_>) -> Result<Array2<f32>> {
        classify_core::check_features(&x, self.mean.len())?;
        with_valid(x, |x| {
            let (n, d) = (x.n_samples(), x.n_features());
            let inv: Vec<f64> = self.scale.iter().map(|s| 1.0 / s).collect();
            let mut out = Array2::<f32>::zeros((n, d));
            for (i, mut row) in out.rows_mut().into_iter().enumerate() {
                let dst = row.as_slice_mut().expect("fresh array is contiguous");
                x.row(i)
                    .for_each_f64(|j, v| dst[j] = ((v - self.mean[j]) * inv[j]) as f32);
            }
            Ok(out)
        })
    }

    /// `(x − mean) / scale` in `f64`, as scikit-learn's `StandardScaler.transform` computes it
    /// (a subtraction, then a division: the same values, bit for bit, for the same statistics).
    pub fn transform_f64(&self, x: Features<'_>) -> Result<Array2<f64>> {
        classify_core::check_features(&x, self.mean.len())?;
        with_valid(x, |x| {
            let mut out = Array2::<f64>::zeros((x.n_samples(), x.n_features()));
            for (i, mut row) in out.rows_mut().into_iter().enumerate() {
                let dst = row.as_slice_mut().expect("fresh array is contiguous");
                x.row(i)
                    .for_each_f64(|j, v| dst[j] = (v - self.mean[j]) / self.scale[j]);
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::arr2;

    #[test]
    fn zero_mean_unit_variance_and_constant_columns() {
        let x = arr2(&[[1u8, 5, 7], [3, 5, 9], [5, 5, 2]]);
        let s = StandardScaler::default().fit((&x).into()).unwrap();
        assert_eq!(s.mean, vec![3.0, 5.0, 6.0]);
        assert_eq!(s.scale[1], 1.0); // constant column
        let t = s.transform((&x).into()).unwrap();
        let col0: Vec<f32> = t.column(0).to_vec();
        let sd = (8.0f64 / 3.0).sqrt();
        assert_eq!(col0, vec![(-2.0 / sd) as f32, 0.0, (2.0 / sd) as f32]);
        assert!(t.column(1).iter().all(|&v| v == 0.0));
        let no_mean = StandardScaler {
            with_mean: false,
            with_std: true,
        }
        .fit((&x).into())
        .unwrap();
        assert_eq!(no_mean.mean, vec![0.0; 3]);
        assert!(s.transform(arr2(&[[1u8, 2]]).view().into()).is_err());
    }
}

/// Standard scaling followed by a model, fitted together: the scaler learns from the training
/// rows only, so cross-validation does not leak test statistics into training.
///
/// ```
/// use classify_preprocessing::{Scaled};
/// use linfa::prelude::{Dataset, Fit, Predict};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [5.0, 5.2], [5.3, 4.9], [4.8, 5.1]];
/// // Native: `Features` in, `usize` labels out.
/// use classify_core::{Classifier, Estimator};
/// use classify_models::SgdClassifier;
/// let y = [0, 0, 0, 1, 1, 1];
/// let scaled = Scaled::new(SgdClassifier::default());
/// let model = Estimator::fit(&scaled, (&x).into(), &y)?;
/// assert_eq!(model.predict((&x).into())?, y.to_vec());
/// assert!(model.scaler.mean[0] > 2.0);
/// // linfa: a `Dataset` with labels of any type.
/// let data = Dataset::new(x.clone(), array!["cat", "cat", "cat", "dog", "dog", "dog"]);
/// let model = Fit::fit(&scaled, &data)?;
/// assert_eq!(model.predict(&x).to_vec(), vec!["cat", "cat", "cat", "dog", "dog", "dog"]);
/// # Ok::<(), classify_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaled<E> {
    /// The scaling.
    pub scaler: StandardScaler,
    /// The model trained on scaled features.
    pub estimator: E,
}

impl<E> Scaled<E> {
    /// Default scaling before `estimator`.
    pub fn new(estimator: E) -> Self {
        Scaled {
            scaler: StandardScaler::default(),
            estimator,
        }
    }
}

/// A fitted [`Scaled`] model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaledModel<M> {
    /// The fitted scaler.
    pub scaler: StandardScalerModel,
    /// The fitted model.
    pub model: M,
}

impl<E: classify_core::Estimator> classify_core::Estimator for Scaled<E> {
    type Model = ScaledModel<E::Model>;

    fn validate(&self) -> Result<()> {
        self.estimator.validate()
    }

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<Self::Model> {
        classify_core::check_targets(x.n_samples(), y.len())?;
        let scaler = self.scaler.fit(x)?;
        let all: Vec<usize> = (0..x.n_samples()).collect();
        if let Some(model) =
            self.estimator
                .fit_rows_standardized(x, y, &all, scaler.standardization())
        {
            return Ok(ScaledModel {
                scaler,
                model: model?,
            });
        }
        let scaled = scaler.transform(x)?;
        let model = self.estimator.fit((&scaled).into(), y)?;
        Ok(ScaledModel { scaler, model })
    }
}

impl<M: classify_core::Classifier> classify_core::Classifier for ScaledModel<M> {
    fn classes(&self) -> &[usize] {
        self.model.classes()
    }

    fn n_features(&self) -> usize {
        self.model.n_features()
    }

    fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
        self.model.predict((&self.scaler.transform(x)?).into())
    }
}

impl<M: classify_core::DecisionFunction> classify_core::DecisionFunction for ScaledModel<M> {
    fn decision_function(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.model
            .decision_function((&self.scaler.transform(x)?).into())
    }
}

impl<M: classify_core::PredictProba> classify_core::PredictProba for ScaledModel<M> {
    fn predict_proba(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.model
            .predict_proba((&self.scaler.transform(x)?).into())
    }
}
