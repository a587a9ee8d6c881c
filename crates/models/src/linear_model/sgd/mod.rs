//! Linear classifiers trained by stochastic gradient descent (scikit-learn's `SGDClassifier`):
//! the parameters and the fitted model here, the two solvers in [`exact`] and [`fast`].

mod exact;
mod fast;

use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use classify_core::param;

use super::check_rows;
use crate::huge::{HugeBytes, HUGE_PAGE_MIN_BYTES};
use classify_core::{
    argmax, check_targets, encode, Classifier, DecisionFunction, Estimator, PredictProba,
};
use classify_core::{check_features, with_valid, Features, Row, Standardization};
use classify_core::{Error, Result};

/// The loss SGD minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// max(0, 1 − y·p): a linear SVM. No probabilities.
    Hinge,
    /// Logistic regression; probabilities by the logistic function.
    LogLoss,
    /// Quadratically smoothed hinge; probabilities by (clip(p, −1, 1) + 1) / 2.
    ModifiedHuber,
}

impl Loss {
    fn loss(self, y: f64, p: f64) -> f64 {
        let z = p * y;
        match self {
            Loss::Hinge => {
                if z <= 1.0 {
                    1.0 - z
                } else {
                    0.0
                }
            }
            // scikit-learn's `CyHalfBinomialLoss` on labels 0 / 1, its branches and
            // roundings: log(1 + exp(p)) − y·p.
            Loss::LogLoss => log1pexp(p) - binary(y) * p,
            Loss::ModifiedHuber => {
                if z >= 1.0 {
                    0.0
                } else if z >= -1.0 {
                    (1.0 - z) * (1.0 - z)
                } else {
                    -4.0 * z
                }
            }
        }
    }

    fn gradient(self, y: f64, p: f64) -> f64 {
        let z = p * y;
        match self {
            Loss::Hinge => {
                if z <= 1.0 {
                    -y
                } else {
                    0.0
                }
            }
            // `CyHalfBinomialLoss`'s gradient, expit(p) − y, as it rounds it.
            Loss::LogLoss => {
                let y = binary(y);
                if p > -37.0 {
                    let e = (-p).exp();
                    ((1.0 - y) - y * e) / (1.0 + e)
                } else {
                    p.exp() - y
                }
            }
            Loss::ModifiedHuber => {
                if z >= 1.0 {
                    0.0
                } else if z >= -1.0 {
                    2.0 * (1.0 - z) * -y
                } else {
                    -4.0 * y
                }
            }
        }
    }

    /// The margin `m` beyond which the loss and its gradient are both zero (every
    /// `z = y·p > m`), where the loss has one: a row scored beyond it changes nothing.
    fn vanishes_above(self) -> Option<f64> {
        match self {
            Loss::Hinge | Loss::ModifiedHuber => Some(1.0),
            Loss::LogLoss => None,
        }
    }
}

/// A ±1 label as 1 or 0 (scikit-learn encodes the labels so for its log loss).
fn binary(y: f64) -> f64 {
    if y > 0.0 {
        1.0
    } else {
        0.0
    }
}

/// scikit-learn's `log1pexp`: log(1 + exp(x)), branch by branch as it computes it.
fn log1pexp(x: f64) -> f64 {
    if x <= -37.0 {
        x.exp()
    } else if x <= -2.0 {
        x.exp().ln_1p()
    } else if x <= 18.0 {
        (1.0 + x.exp()).ln()
    } else if x <= 33.3 {
        x + (-x).exp()
    } else {
        x
    }
}

/// The penalty on the weights (scikit-learn's `penalty`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Penalty {
    /// `α/2 · ‖w‖²`, as a shrinking of the weights at every step (the default).
    #[default]
    L2,
    /// `α · ‖w‖₁`, by scikit-learn's truncated gradient (weights can become exactly zero).
    L1,
    /// `α · ((1 − l1_ratio)/2 · ‖w‖² + l1_ratio · ‖w‖₁)`.
    ElasticNet,
    /// No penalty (`penalty=None`).
    None,
}

/// How [`SgdClassifier`] trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SgdSolver {
    /// scikit-learn's `_plain_sgd` step for step, in `f64`, with its draws: the same
    /// weights as scikit-learn for the same `random_state` (the default).
    #[default]
    ScikitLearn,
    /// `f32` weights, and the one-vs-rest problems sharing each epoch's shuffle (drawn from
    /// ChaCha8): the same kind of model, other numbers. On Fashion-MNIST's ten classes
    /// (3-fold CV + fit + test on 60,000) 7.6 s against 10.0 s on raw pixels and 29.2 s
    /// against 34.6 s standardised. Penalty L2 or none.
    Fast,
}

/// Parameters of SGD training; `Default` is scikit-learn's `SGDClassifier()`: hinge loss,
/// L2 penalty `alpha = 1e-4`, an intercept, the "optimal" learning rate, at most 1,000
/// epochs, stopping when the mean objective has not improved by `tol = 1e-3` for 5 epochs,
/// rows reshuffled every epoch, `random_state = 42`.
///
/// Training is scikit-learn's `_plain_sgd` in `f64`, with its draws: the same seed gives the
/// same shuffles (`our_rand_r` from the seeds NumPy's `RandomState` gives it), the same
/// steps and the same number of epochs, so the weights are scikit-learn's to rounding in the
/// order of a dot product's terms (checked against scikit-learn 1.9 on fixtures:
/// `scripts/sgd_fixtures.py`).
///
/// Multiclass targets are learned one-vs-rest, one problem per class with its own seed (as
/// scikit-learn draws them), in parallel: the result does not depend on the number of
/// threads. [`SgdSolver::Fast`] trades scikit-learn's numbers for speed.
///
/// ```
/// use classify_models::{Classifier, DecisionFunction, Estimator, SgdClassifier};
/// use linfa::prelude::{Dataset, Fit, Predict};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [5.0, 5.2], [5.3, 4.9], [4.8, 5.1]];
/// // Native: `Features` in, `usize` labels out.
/// let y = [0, 0, 0, 1, 1, 1];
/// let model = Estimator::fit(&SgdClassifier::default(), (&x).into(), &y)?;
/// assert_eq!(model.predict((&x).into())?, y.to_vec());
/// assert_eq!(model.decision_function((&x).into())?.ncols(), 1);
/// // linfa: a `Dataset` with labels of any type.
/// let data = Dataset::new(x.clone(), array!["cat", "cat", "cat", "dog", "dog", "dog"]);
/// let model = Fit::fit(&SgdClassifier::default(), &data)?;
/// assert_eq!(model.predict(&x).to_vec(), vec!["cat", "cat", "cat", "dog", "dog", "dog"]);
/// # Ok::<(), classify_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SgdClassifier {
    /// The loss.
    pub loss: Loss,
    /// The penalty.
    #[serde(default)]
    pub penalty: Penalty,
    /// Regularisation strength (also sets the learning rate).
    pub alpha: f64,
    /// The L1 share of the elastic-net penalty (scikit-learn's default 0.15; the other
    /// penalties ignore it, as `_plain_sgd` does).
    pub l1_ratio: f64,
    /// Learn an intercept.
    pub fit_intercept: bool,
    /// Most epochs.
    pub max_iter: usize,
    /// Stop when the epoch's mean objective is not below the best minus `tol`, for
    /// `n_iter_no_change` epochs in a row; `None` always runs `max_iter` epochs.
    pub tol: Option<f64>,
    /// Epochs without improvement before stopping.
    pub n_iter_no_change: usize,
    /// Reshuffle the rows every epoch.
    pub shuffle: bool,
    /// scikit-learn's `random_state` (`0..2^32`): the seed of the shuffles.
    pub random_state: u64,
    /// How training runs: scikit-learn's steps (the default) or the fast `f32` solver.
    #[serde(default)]
    pub solver: SgdSolver,
}

impl Default for SgdClassifier {
    fn default() -> Self {
        SgdClassifier {
            loss: Loss::Hinge,
            penalty: Penalty::L2,
            alpha: 1e-4,
            l1_ratio: 0.15,
            fit_intercept: true,
            max_iter: 1000,
            tol: Some(1e-3),
            n_iter_no_change: 5,
            shuffle: true,
            random_state: 42,
            solver: SgdSolver::ScikitLearn,
        }
    }
}

/// A fitted SGD linear classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sgd {
    params: SgdClassifier,
    classes: Vec<usize>,
    /// One row of weights per binary problem (one for two classes, one per class otherwise).
    pub coef: Array2<f64>,
    /// One intercept per binary problem.
    pub intercept: Vec<f64>,
    /// Epochs run, per binary problem.
    pub n_iter: Vec<usize>,
}

/// How far [`SgdClassifier::partial_fit`] has got: the model so far and scikit-learn's `t_`
/// (one plus the rows seen, epoch by epoch), where the learning-rate schedule goes on from.
#[derive(Debug, Clone, PartialEq)]
pub struct SgdProgress {
    /// The model after the chunks so far.
    pub model: Sgd,
    /// scikit-learn's `t_`.
    pub t: f64,
}

impl SgdClassifier {
    fn fit_impl(
        &self,
        x: Features<'_>,
        y: &[usize],
        rows: &[usize],
        standard: Option<Standardization<'_>>,
        class_weight: Option<&[f64]>,
    ) -> Result<Sgd> {
        self.validate()?;
        // Epochs visit rows in random order, so each row costs cache and TLB misses. Large
        // `u8` training sets are first gathered into memory backed by huge pages, where the
        // same walk costs fewer misses (measured: 7.6 → 6.9 ms per epoch on 60,000 × 784).
        if let Features::U8(a) = x {
            let d = a.ncols();
            if rows.len() * d >= HUGE_PAGE_MIN_BYTES {
                let mut buf = HugeBytes::zeroed(rows.len() * d);
                for (dst, &r) in buf.chunks_exact_mut(d).zip(rows) {
                    if let Row::U8(src) = x.row(r) {
                        dst.copy_from_slice(src);
                    }
                }
                let gathered = ndarray::ArrayView2::from_shape((rows.len(), d), &buf[..])
                    .map_err(|e| Error::InvalidParameter(e.to_string()))?;
                let y_sub: Vec<usize> = rows.iter().map(|&r| y[r]).collect();
                let all: Vec<usize> = (0..rows.len()).collect();
                return self.fit_in_place(
                    Features::U8(gathered),
                    &y_sub,
                    &all,
                    standard,
                    class_weight,
                );
            }
        }
        self.fit_in_place(x, y, rows, standard, class_weight)
    }

    fn fit_in_place(
        &self,
        x: Features<'_>,
        y: &[usize],
        rows: &[usize],
        standard: Option<Standardization<'_>>,
        class_weight: Option<&[f64]>,
    ) -> Result<Sgd> {
        let sub: Vec<usize> = rows.iter().map(|&r| y[r]).collect();
        let (classes, index) = encode(&sub);
        if let Some(w) = class_weight {
            param::class_weights(w, classes.len())?;
        }
        if classes.len() < 2 {
            return Err(Error::SingleClass(
                classes.first().copied().unwrap_or(0).to_string(),
            ));
        }
        let fitted = match self.solver {
            SgdSolver::ScikitLearn => {
                let options = exact::Options {
                    start: None,
                    class_weight,
                };
                exact::train(self, x, rows, &index, classes.len(), standard, options)?
            }
            SgdSolver::Fast if class_weight.is_some() => {
                return Err(Error::NotSupported(
                    "class weights need scikit-learn's solver".into(),
                ))
            }
            SgdSolver::Fast => fast::train(self, x, rows, &index, classes.len(), standard)?,
        };
        Ok(self.model(classes, x.n_features(), fitted))
    }

    /// scikit-learn's `partial_fit`: one epoch over the rows of `x` (labels `y`, each one of
    /// `classes`), continuing from `progress` (`None` on the first call: zero weights, `t_`
    /// of 1). `classes` is every class the model will ever see, sorted, as scikit-learn asks
    /// for on the first call; a chunk may hold only some of them. The rows are shuffled
    /// inside the call with the same seeds at every call (scikit-learn re-seeds from
    /// `random_state`), and the schedule goes on from `t_`: calling this over a sequence of
    /// chunks gives scikit-learn's weights for the same chunks. The scikit-learn solver only.
    ///
    /// ```
    /// use classify_models::{Classifier, Estimator, SgdClassifier};
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.1], [5.0, 5.2], [0.2, 0.0], [5.3, 4.9]];
    /// let sgd = SgdClassifier::default();
    /// let mut progress = None;
    /// for (chunk, y) in [(x.slice(ndarray::s![..2, ..]), [0, 1]), (x.slice(ndarray::s![2.., ..]), [0, 1])] {
    ///     progress = Some(sgd.partial_fit(progress.as_ref(), chunk.into(), &y, &[0, 1])?);
    /// }
    /// let progress = progress.unwrap();
    /// assert_eq!(progress.t, 5.0);
    /// assert_eq!(progress.model.predict((&x).into())?, vec![0, 1, 0, 1]);
    /// # Ok::<(), classify_models::Error>(())
    /// ```
    pub fn partial_fit(
        &self,
        progress: Option<&SgdProgress>,
        x: Features<'_>,
        y: &[usize],
        classes: &[usize],
    ) -> Result<SgdProgress> {
        self.partial_fit_weighted(progress, x, y, classes, None)
    }

    /// [`partial_fit`](Self::partial_fit) with scikit-learn's class weights (one per class of
    /// `classes`, in its order; `None`: all 1).
    pub fn partial_fit_weighted(
        &self,
        progress: Option<&SgdProgress>,
        x: Features<'_>,
        y: &[usize],
        classes: &[usize],
        class_weight: Option<&[f64]>,
    ) -> Result<SgdProgress> {
        self.validate()?;
        let index = self.partial_fit_targets(progress, x, y, classes)?;
        let problems = if classes.len() == 2 { 1 } else { classes.len() };
        let zeros = Array2::<f64>::zeros((problems, x.n_features()));
        let no_intercept = vec![0.0; problems];
        let start = match progress {
            Some(p) => exact::Start {
                coef: &p.model.coef,
                intercept: &p.model.intercept,
                t: p.t,
            },
            None => exact::Start {
                coef: &zeros,
                intercept: &no_intercept,
                t: 1.0,
            },
        };
        let one_epoch = SgdClassifier {
            max_iter: 1,
            ..*self
        };
        let rows: Vec<usize> = (0..x.n_samples()).collect();
        if class_weight.is_some_and(|w| w.len() != classes.len()) {
            return Err(Error::InvalidParameter(
                "class_weight needs one weight per class".into(),
            ));
        }
        let options = exact::Options {
            start: Some(start),
            class_weight,
        };
        let fitted = with_valid(x, |x| {
            exact::train(&one_epoch, x, &rows, &index, classes.len(), None, options)
        })?;
        let model = self.model(classes.to_vec(), x.n_features(), fitted);
        // scikit-learn adds the most epochs of any problem (one) times the rows.
        let epochs = model.n_iter.iter().copied().max().unwrap_or(1);
        Ok(SgdProgress {
            model,
            t: start.t + (x.n_samples() * epochs) as f64,
        })
    }

    /// The checks of a `partial_fit` call; each row's position in `classes`.
    fn partial_fit_targets(
        &self,
        progress: Option<&SgdProgress>,
        x: Features<'_>,
        y: &[usize],
        classes: &[usize],
    ) -> Result<Vec<usize>> {
        if self.solver != SgdSolver::ScikitLearn {
            return Err(Error::NotSupported(
                "partial_fit runs scikit-learn's solver only".into(),
            ));
        }
        if classes.len() < 2 || classes.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Error::InvalidParameter(format!(
                "classes must be at least two distinct labels, sorted; got {classes:?}"
            )));
        }
        check_targets(x.n_samples(), y.len())?;
        if x.n_samples() == 0 {
            return Err(Error::Empty("no rows to learn from"));
        }
        if let Some(p) = progress {
            if p.model.classes != classes {
                return Err(Error::InvalidParameter(format!(
                    "classes {classes:?} differ from the first call's {:?}",
                    p.model.classes
                )));
            }
            check_features(&x, p.model.n_features())?;
        }
        y.iter()
            .map(|label| {
                classes
                    .binary_search(label)
                    .map_err(|_| Error::UnknownLabel(label.to_string()))
            })
            .collect()
    }

    /// The fitted model of the problems' weights, intercepts and epochs.
    fn model(&self, classes: Vec<usize>, d: usize, fitted: Vec<(Vec<f64>, f64, usize)>) -> Sgd {
        let mut coef = Array2::<f64>::zeros((fitted.len(), d));
        let mut intercept = Vec::with_capacity(fitted.len());
        let mut n_iter = Vec::with_capacity(fitted.len());
        for (k, (w, b, it)) in fitted.into_iter().enumerate() {
            coef.row_mut(k).assign(&ndarray::ArrayView1::from(&w[..]));
            intercept.push(b);
            n_iter.push(it);
        }
        Sgd {
            params: *self,
            classes,
            coef,
            intercept,
            n_iter,
        }
    }

    /// Fits as [`Estimator::fit`] with scikit-learn's `class_weight`: one weight per class
    /// (in the sorted classes' order) multiplying the step of each row of that class — for
    /// two classes the second class's weight on its rows and the first's on the others,
    /// one-vs-rest a class's weight on its rows and 1 on the rest. The scikit-learn solver only.
    pub fn fit_weighted(&self, x: Features<'_>, y: &[usize], class_weight: &[f64]) -> Result<Sgd> {
        self.validate()?;
        let rows: Vec<usize> = (0..x.n_samples()).collect();
        check_rows(x, y, &rows)?;
        with_valid(x, |x| self.fit_impl(x, y, &rows, None, Some(class_weight)))
    }

    /// `random_state` as NumPy takes it.
    fn seed(&self) -> Result<u32> {
        u32::try_from(self.random_state).map_err(|_| {
            Error::InvalidParameter(format!(
                "random_state must be in 0..2^32 (NumPy's range), got {}",
                self.random_state
            ))
        })
    }
}

/// How many rows ahead (in shuffled order) to prefetch.
const PREFETCH_AHEAD: usize = 6;

impl Estimator for SgdClassifier {
    type Model = Sgd;

    /// The parameters' domains, checked before any data is read.
    fn validate(&self) -> Result<()> {
        param::positive("alpha", self.alpha)?;
        if !(0.0..=1.0).contains(&self.l1_ratio) {
            return Err(Error::InvalidParameter(format!(
                "l1_ratio must be in [0, 1], got {}",
                self.l1_ratio
            )));
        }
        param::at_least("max_iter", self.max_iter, 1)?;
        param::at_least("n_iter_no_change", self.n_iter_no_change, 1)?;
        self.seed().map(|_| ())
    }

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<Sgd> {
        let rows: Vec<usize> = (0..x.n_samples()).collect();
        self.fit_rows(x, y, &rows)
    }

    /// Reads the rows in place: no copy of the training set.
    fn fit_rows(&self, x: Features<'_>, y: &[usize], rows: &[usize]) -> Result<Sgd> {
        check_rows(x, y, rows)?;
        with_valid(x, |x| self.fit_impl(x, y, rows, None, None))
    }

    /// Features are standardised as each row is read (no scaled copy): scikit-learn's solver
    /// computes `(x − mean) / scale` in `f64` as its scaler does, so the numbers are those of
    /// training on scikit-learn's scaled copy.
    fn fit_rows_standardized(
        &self,
        x: Features<'_>,
        y: &[usize],
        rows: &[usize],
        standard: Standardization<'_>,
    ) -> Option<Result<Sgd>> {
        if standard.mean.len() != x.n_features() || standard.scale.len() != x.n_features() {
            return None;
        }
        // The fast solver standardises byte rows only; others take the scaled copy.
        if self.solver == SgdSolver::Fast && !matches!(x, Features::U8(_)) {
            return None;
        }
        Some(
            check_rows(x, y, rows)
                .and_then(|()| with_valid(x, |x| self.fit_impl(x, y, rows, Some(standard), None))),
        )
    }
}

impl Classifier for Sgd {
    fn classes(&self) -> &[usize] {
        &self.classes
    }

    fn n_features(&self) -> usize {
        self.coef.ncols()
    }

    fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
        let scores = self.decision_function(x)?;
        Ok(scores
            .rows()
            .into_iter()
            .map(|r| {
                if r.len() == 1 {
                    self.classes[usize::from(r[0] > 0.0)]
                } else {
                    self.classes[argmax(r)]
                }
            })
            .collect())
    }
}

impl DecisionFunction for Sgd {
    fn decision_function(&self, x: Features<'_>) -> Result<Array2<f64>> {
        check_features(&x, self.n_features())?;
        with_valid(x, |x| {
            let k = self.coef.nrows();
            let mut out = Array2::<f64>::zeros((x.n_samples(), k));
            out.axis_iter_mut(ndarray::Axis(0))
                .into_par_iter()
                .enumerate()
                .for_each(|(i, mut o)| {
                    let row = exact::Row64::from(x.row(i));
                    for c in 0..k {
                        let w = self.coef.row(c);
                        let w = w.as_slice().expect("contiguous coefficients");
                        o[c] = exact::dot64(w, row) + self.intercept[c];
                    }
                });
            Ok(out)
        })
    }
}

impl PredictProba for Sgd {
    /// Log loss: the logistic function of the scores (one-vs-rest scores normalised to sum
    /// to 1). Modified Huber: (clip(score, −1, 1) + 1) / 2, normalised likewise, uniform
    /// where every class gets 0. Hinge loss has no probabilities.
    fn predict_proba(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let link: fn(f64) -> f64 = match self.params.loss {
            Loss::Hinge => {
                return Err(Error::NotSupported(
                    "probabilities need loss log_loss or modified_huber, not hinge".into(),
                ))
            }
            Loss::LogLoss => |s| 1.0 / (1.0 + (-s).exp()),
            Loss::ModifiedHuber => |s| (s.clamp(-1.0, 1.0) + 1.0) / 2.0,
        };
        let scores = self.decision_function(x)?;
        let k = self.classes.len();
        let mut out = Array2::<f64>::zeros((scores.nrows(), k));
        for (s, mut o) in scores.rows().into_iter().zip(out.rows_mut()) {
            if k == 2 {
                let p = link(s[0]);
                o[0] = 1.0 - p;
                o[1] = p;
            } else {
                let p: Vec<f64> = s.iter().map(|&v| link(v)).collect();
                let sum: f64 = p.iter().sum();
                for c in 0..k {
                    o[c] = if sum == 0.0 {
                        1.0 / k as f64
                    } else {
                        p[c] / sum
                    };
                }
            }
        }
        Ok(out)
    }
}

impl Sgd {
    /// The parameters it was fitted with.
    pub fn params(&self) -> &SgdClassifier {
        &self.params
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use classify_datasets::mnist_sample;

    fn sample() -> (Array2<u8>, Vec<usize>, Array2<u8>, Vec<usize>) {
        let s = mnist_sample().unwrap();
        let y = s.train.target.iter().map(|&v| usize::from(v)).collect();
        let yt = s.test.target.iter().map(|&v| usize::from(v)).collect();
        (s.train.data, y, s.test.data, yt)
    }

    fn accuracy(p: &[usize], y: &[usize]) -> f64 {
        p.iter().zip(y).filter(|(a, b)| a == b).count() as f64 / y.len() as f64
    }

    #[test]
    fn five_detector_and_multiclass_learn() {
        let (x, y, xt, yt) = sample();
        let y5: Vec<usize> = y.iter().map(|&l| usize::from(l == 5)).collect();
        let yt5: Vec<usize> = yt.iter().map(|&l| usize::from(l == 5)).collect();
        let m = SgdClassifier::default().fit((&x).into(), &y5).unwrap();
        assert_eq!(m.classes(), &[0, 1]);
        assert_eq!(m.coef.nrows(), 1);
        // scikit-learn 1.9.1's `SGDClassifier(random_state=42)` on these 8,000 images: 88
        // epochs, 0.929 on the 2,000 test images.
        assert_eq!(m.n_iter, [88]);
        let acc = accuracy(&m.predict((&xt).into()).unwrap(), &yt5);
        assert_eq!(acc, 0.929, "5-detector accuracy");
        for solver in [SgdSolver::ScikitLearn, SgdSolver::Fast] {
            let fast = SgdClassifier {
                solver,
                ..Default::default()
            }
            .fit((&x).into(), &y5)
            .unwrap();
            let acc = accuracy(&fast.predict((&xt).into()).unwrap(), &yt5);
            assert!(acc > 0.9, "{solver:?}: 5-detector accuracy {acc}");
            let multi = SgdClassifier {
                max_iter: 30,
                solver,
                ..Default::default()
            }
            .fit((&x).into(), &y)
            .unwrap();
            assert_eq!(multi.coef.nrows(), 10);
            let acc = accuracy(&multi.predict((&xt).into()).unwrap(), &yt);
            assert!(acc > 0.8, "{solver:?}: 10-class accuracy {acc}");
            let scores = multi.decision_function((&xt).into()).unwrap();
            assert_eq!(scores.dim(), (2000, 10));
        }
    }

    #[test]
    fn same_seed_same_model_and_u8_equals_f32() {
        let (x, y, _, _) = sample();
        let x = x.slice(ndarray::s![..1500, ..]).to_owned();
        let y = &y[..1500];
        for solver in [SgdSolver::ScikitLearn, SgdSolver::Fast] {
            let p = SgdClassifier {
                max_iter: 5,
                solver,
                ..Default::default()
            };
            let a = p.fit((&x).into(), y).unwrap();
            let b = p.fit((&x).into(), y).unwrap();
            assert_eq!(a, b);
            let xf = x.mapv(f32::from);
            let c = p.fit((&xf).into(), y).unwrap();
            assert_eq!(a.coef, c.coef);
            let other = SgdClassifier {
                random_state: 7,
                ..p
            }
            .fit((&x).into(), y)
            .unwrap();
            assert_ne!(a.coef, other.coef);
        }
    }

    #[test]
    fn multiclass_is_the_same_at_any_thread_count() {
        let (x, y, _, _) = sample();
        let x = x.slice(ndarray::s![..2000, ..]).to_owned();
        for solver in [SgdSolver::ScikitLearn, SgdSolver::Fast] {
            let p = SgdClassifier {
                max_iter: 8,
                solver,
                ..Default::default()
            };
            let many = p.fit((&x).into(), &y[..2000]).unwrap();
            for threads in [1, 3] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let other = pool.install(|| p.fit((&x).into(), &y[..2000]).unwrap());
                assert_eq!(many, other, "{solver:?}, {threads} threads");
            }
        }
    }

    #[test]
    fn probabilities_for_log_and_modified_huber() {
        let (x, y, xt, _) = sample();
        for loss in [Loss::LogLoss, Loss::ModifiedHuber] {
            let m = SgdClassifier {
                loss,
                max_iter: 10,
                ..Default::default()
            }
            .fit((&x).into(), &y)
            .unwrap();
            let p = m.predict_proba((&xt).into()).unwrap();
            assert_eq!(p.dim(), (2000, 10));
            for r in p.rows() {
                assert!((r.sum() - 1.0).abs() < 1e-9);
            }
        }
        let hinge = SgdClassifier {
            max_iter: 2,
            ..Default::default()
        }
        .fit((&x).into(), &y)
        .unwrap();
        assert!(matches!(
            hinge.predict_proba((&xt).into()),
            Err(Error::NotSupported(_))
        ));
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let x = ndarray::arr2(&[[1.0f32, 2.0], [3.0, f32::NAN]]);
        assert!(matches!(
            SgdClassifier::default().fit((&x).into(), &[0, 1]),
            Err(Error::NonFinite { row: 1, col: 1 })
        ));
        let x = ndarray::arr2(&[[1u8, 2], [3, 4]]);
        assert!(matches!(
            SgdClassifier::default().fit((&x).into(), &[0, 0]),
            Err(Error::SingleClass(c)) if c == "0"
        ));
        assert!(matches!(
            SgdClassifier::default().fit((&x).into(), &[0]),
            Err(Error::LengthMismatch { .. })
        ));
        let m = SgdClassifier::default().fit((&x).into(), &[0, 1]).unwrap();
        let wide = ndarray::arr2(&[[1u8, 2, 3]]);
        assert!(matches!(
            m.predict((&wide).into()),
            Err(Error::FeatureMismatch {
                expected: 2,
                found: 3
            })
        ));
        assert!(SgdClassifier {
            alpha: 0.0,
            ..Default::default()
        }
        .fit((&x).into(), &[0, 1])
        .is_err());
        // NumPy's seed range, and what the fast solver cannot do.
        let big_seed = SgdClassifier {
            random_state: 1 << 32,
            ..Default::default()
        };
        assert!(
            matches!(big_seed.validate(), Err(Error::InvalidParameter(m)) if m.contains("0..2^32"))
        );
        assert!(matches!(
            SgdClassifier {
                solver: SgdSolver::Fast,
                penalty: Penalty::L1,
                ..Default::default()
            }
            .fit((&x).into(), &[0, 1]),
            Err(Error::NotSupported(_))
        ));
    }
}
