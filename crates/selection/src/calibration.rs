//! Calibrated probabilities (scikit-learn's `CalibratedClassifierCV`): a classifier's scores
//! mapped to probabilities by a calibrator fitted on data the classifier did not see —
//! Platt's sigmoid, isotonic regression, or temperature scaling.
//!
//! The calibrators are scikit-learn 1.9's: the same targets, starting points and objectives,
//! solved to the optimum (Newton's method where scikit-learn runs L-BFGS-B or Brent's method,
//! so the fitted numbers agree to about 1e-8; `scripts/calibration_fixtures.py`).

use classify_core::{encode, Classifier, Error, Estimator, Features, PredictProba, Result};
use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::split::{Split, StratifiedKFold};
use crate::threshold::Response;

/// How scores become probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Platt's logistic sigmoid on each class's score (`method="sigmoid"`, the default).
    #[default]
    Sigmoid,
    /// A non-decreasing step-wise linear map of each class's score (`"isotonic"`).
    Isotonic,
    /// One inverse temperature scaling every class's logit before a softmax
    /// (`"temperature"`, scikit-learn 1.8).
    Temperature,
}

/// Platt's sigmoid `p = 1 / (1 + exp(a·s + b))` (scikit-learn's `_SigmoidCalibration`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SigmoidCalibration {
    /// The slope (`a_`; negative where higher scores mean the positive class).
    pub a: f64,
    /// The intercept (`b_`).
    pub b: f64,
}

impl SigmoidCalibration {
    /// Fits `a` and `b` to scores `s` of samples whose truth is `positive`: the binomial log
    /// loss against Platt's smoothed targets (`(n₊ + 1) / (n₊ + 2)` and `1 / (n₋ + 2)`),
    /// from scikit-learn's starting point, with scores scaled into ±1 when any reaches 30.
    pub fn fit(s: &[f64], positive: &[bool]) -> Result<Self> {
        check_scores(s, positive.len())?;
        let max = s.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let scale = if max >= 30.0 { max } else { 1.0 };
        let f: Vec<f64> = s.iter().map(|v| v / scale).collect();
        let n_pos = positive.iter().filter(|&&p| p).count() as f64;
        let n_neg = positive.len() as f64 - n_pos;
        let hi = (n_pos + 1.0) / (n_pos + 2.0);
        let lo = 1.0 / (n_neg + 2.0);
        let t: Vec<f64> = positive.iter().map(|&p| if p { hi } else { lo }).collect();
        // raw = −(A·f + B); loss = Σ log(1 + e^raw) − t·raw, convex in (A, B).
        let loss = |a: f64, b: f64| -> f64 {
            f.iter()
                .zip(&t)
                .map(|(&fi, &ti)| {
                    let r = -(a * fi + b);
                    log1p_exp(r) - ti * r
                })
                .sum()
        };
        let (mut a, mut b) = (0.0, ((n_neg + 1.0) / (n_pos + 1.0)).ln());
        let mut current = loss(a, b);
        for _ in 0..100 {
            let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for (&fi, &ti) in f.iter().zip(&t) {
                let p = expit(-(a * fi + b));
                let g = p - ti;
                let h = p * (1.0 - p);
                ga -= g * fi;
                gb -= g;
                haa += h * fi * fi;
                hab += h * fi;
                hbb += h;
            }
            if ga.abs().max(gb.abs()) <= 1e-11 * f.len() as f64 {
                break;
            }
            // Newton's direction, with Platt's tiny ridge so that the system stays solvable.
            let (haa, hbb) = (haa + 1e-12, hbb + 1e-12);
            let det = haa * hbb - hab * hab;
            let da = -(hbb * ga - hab * gb) / det;
            let db = -(haa * gb - hab * ga) / det;
            let slope = ga * da + gb * db;
            let mut step = 1.0;
            let accepted = loop {
                let next = loss(a + step * da, b + step * db);
                if next <= current + 1e-4 * step * slope {
                    break Some(next);
                }
                step /= 2.0;
                if step < 1e-12 {
                    break None;
                }
            };
            let Some(next) = accepted else { break };
            a += step * da;
            b += step * db;
            current = next;
        }
        Ok(SigmoidCalibration { a: a / scale, b })
    }

    /// The probability of the positive class at score `s`.
    pub fn predict(&self, s: f64) -> f64 {
        expit(-(self.a * s + self.b))
    }
}

/// Isotonic regression of the truth on the score, clipped to the range it was fitted on
/// (scikit-learn's `IsotonicRegression(out_of_bounds="clip")`): a non-decreasing function,
/// linear between its knots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IsotonicCalibration {
    /// The knots' scores, ascending (`X_thresholds_`).
    pub x: Vec<f64>,
    /// The fitted values at the knots (`y_thresholds_`).
    pub y: Vec<f64>,
}

impl IsotonicCalibration {
    /// Fits the non-decreasing function closest to `target` in squared error at scores `s`
    /// (pool adjacent violators on the means of equal scores).
    pub fn fit(s: &[f64], target: &[f64]) -> Result<Self> {
        check_scores(s, target.len())?;
        // np.lexsort((y, X)): by score, then by target.
        let mut order: Vec<usize> = (0..s.len()).collect();
        order.sort_by(|&i, &j| s[i].total_cmp(&s[j]).then(target[i].total_cmp(&target[j])));
        // scikit-learn's `_make_unique`: scores within float64's resolution (1e-15) of a
        // group's first are one knot, with the mean target and their count as weight.
        let (mut xs, mut sums, mut weights) = (Vec::new(), Vec::new(), Vec::<f64>::new());
        for &i in &order {
            match xs.last() {
                Some(&first) if s[i] - first < 1e-15 => {
                    *sums.last_mut().expect("a group is open") += target[i];
                    *weights.last_mut().expect("a group is open") += 1.0;
                }
                _ => {
                    xs.push(s[i]);
                    sums.push(target[i]);
                    weights.push(1.0);
                }
            }
        }
        let mut ys: Vec<f64> = sums.iter().zip(&weights).map(|(s, w)| s / w).collect();
        pool_adjacent_violators(&mut ys, &mut weights);
        // Keep the ends and every knot whose value differs from a neighbour's.
        let keep: Vec<usize> = (0..ys.len())
            .filter(|&i| i == 0 || i + 1 == ys.len() || ys[i] != ys[i - 1] || ys[i] != ys[i + 1])
            .collect();
        Ok(IsotonicCalibration {
            x: keep.iter().map(|&i| xs[i]).collect(),
            y: keep.iter().map(|&i| ys[i]).collect(),
        })
    }

    /// The fitted value at score `s` (the ends' values outside the fitted range).
    pub fn predict(&self, s: f64) -> f64 {
        let (x, y) = (&self.x, &self.y);
        if x.len() == 1 {
            return y[0];
        }
        let s = s.clamp(x[0], x[x.len() - 1]);
        // scipy's interp1d(kind="linear"): the segment ending at the first knot >= s.
        let hi = x.partition_point(|&k| k < s).clamp(1, x.len() - 1);
        let lo = hi - 1;
        let slope = (y[hi] - y[lo]) / (x[hi] - x[lo]);
        slope * (s - x[lo]) + y[lo]
    }
}

/// Pool adjacent violators in place: `y` becomes the weighted least-squares non-decreasing
/// fit (scikit-learn's `_inplace_contiguous_isotonic_regression`, one pass with backtracking).
fn pool_adjacent_violators(y: &mut [f64], w: &mut [f64]) {
    let n = y.len();
    // target[i] = j and target[j] = i for an active block [i..=j].
    let mut target: Vec<usize> = (0..n).collect();
    let mut i = 0;
    while i < n {
        let mut k = target[i] + 1;
        if k == n {
            break;
        }
        if y[i] < y[k] {
            i = k;
            continue;
        }
        let mut sum_wy = w[i] * y[i];
        let mut sum_w = w[i];
        loop {
            let prev = y[k];
            sum_wy += w[k] * y[k];
            sum_w += w[k];
            k = target[k] + 1;
            if k == n || prev < y[k] {
                y[i] = sum_wy / sum_w;
                w[i] = sum_w;
                target[i] = k - 1;
                target[k - 1] = i;
                if i > 0 {
                    i = target[i - 1];
                }
                break;
            }
        }
    }
    let mut i = 0;
    while i < n {
        let k = target[i] + 1;
        let v = y[i];
        y[i + 1..k].fill(v);
        i = k;
    }
}

/// Temperature scaling (scikit-learn's `_TemperatureScaling`): `softmax(β·logits)` with the
/// inverse temperature β that minimises the mean multinomial log loss, β in
/// `[e^-10, e^10]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TemperatureScaling {
    /// The inverse temperature (`beta_`).
    pub beta: f64,
}

impl TemperatureScaling {
    /// Fits β to `logits` (one row per sample, one column per class; see [`to_logits`])
    /// whose true class indices are `truth`.
    pub fn fit(logits: ArrayView2<'_, f64>, truth: &[usize]) -> Result<Self> {
        let (n, k) = logits.dim();
        if n != truth.len() {
            return Err(Error::LengthMismatch {
                rows: n,
                targets: truth.len(),
            });
        }
        if n == 0 {
            return Err(Error::Empty("scores to calibrate"));
        }
        if let Some(&t) = truth.iter().find(|&&t| t >= k) {
            return Err(Error::UnknownLabel(format!("class index {t} of {k}")));
        }
        check_finite(logits.iter())?;
        // The loss is convex in β: its derivative is the mean over samples of the softmax's
        // expected logit minus the true class's logit, its second derivative their variance.
        let derivatives = |beta: f64| -> (f64, f64) {
            let (mut d1, mut d2) = (0.0, 0.0);
            for (row, &t) in logits.outer_iter().zip(truth) {
                let max = row.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(beta * v));
                let (mut z, mut m1, mut m2) = (0.0, 0.0, 0.0);
                for &v in row {
                    let e = (beta * v - max).exp();
                    z += e;
                    m1 += e * v;
                    m2 += e * v * v;
                }
                let (m1, m2) = (m1 / z, m2 / z);
                d1 += m1 - row[t];
                d2 += (m2 - m1 * m1).max(0.0);
            }
            (d1 / n as f64, d2 / n as f64)
        };
        let (mut lo, mut hi) = ((-10.0f64).exp(), 10.0f64.exp());
        if derivatives(lo).0 >= 0.0 {
            return Ok(TemperatureScaling { beta: lo });
        }
        if derivatives(hi).0 <= 0.0 {
            return Ok(TemperatureScaling { beta: hi });
        }
        // Newton's method kept inside a shrinking bracket of the derivative's root; a step
        // that leaves it bisects in log space instead.
        let mut beta = 1.0;
        for _ in 0..200 {
            let (d1, d2) = derivatives(beta);
            if d1 < 0.0 {
                lo = beta;
            } else {
                hi = beta;
            }
            let newton = beta - d1 / d2;
            let next = if d2 > 0.0 && newton > lo && newton < hi {
                newton
            } else {
                (lo * hi).sqrt()
            };
            if (next - beta).abs() <= 1e-15 * beta || d1 == 0.0 {
                beta = next;
                break;
            }
            beta = next;
        }
        Ok(TemperatureScaling { beta })
    }

    /// Probabilities of each class: `softmax(β·logits)` row by row.
    pub fn predict(&self, logits: ArrayView2<'_, f64>) -> Array2<f64> {
        let mut out = logits.mapv(|v| self.beta * v);
        for mut row in out.outer_iter_mut() {
            let max = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            row.mapv_inplace(|v| (v - max).exp());
            let sum = row.sum();
            row.mapv_inplace(|v| v / sum);
        }
        out
    }
}

/// A model's responses as logits (scikit-learn's `_convert_to_logits`): one column `s`
/// becomes `(−s, s)`; several columns that look like probabilities (all in [0, 1], each row
/// summing to 1 within `np.isclose`) become `ln(p + 1e-12)`; other columns are kept.
pub fn to_logits(responses: ArrayView2<'_, f64>) -> Array2<f64> {
    if responses.ncols() == 1 {
        let s = responses.column(0);
        let mut out = Array2::zeros((s.len(), 2));
        for (mut row, &v) in out.outer_iter_mut().zip(s) {
            row[0] = -v;
            row[1] = v;
        }
        return out;
    }
    let in_unit = responses.iter().all(|&p| (0.0..=1.0).contains(&p));
    let sums_to_one = responses
        .sum_axis(Axis(1))
        .iter()
        .all(|&s| (s - 1.0).abs() <= 1e-8 + 1e-5);
    if in_unit && sums_to_one {
        responses.mapv(|p| (p + 1e-12).ln())
    } else {
        responses.to_owned()
    }
}

/// The fitted calibrators of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Calibrators {
    /// Sigmoids, one per class (one, for the positive class, when there are two classes).
    Sigmoid(Vec<SigmoidCalibration>),
    /// Isotonic maps, one per class (one when there are two).
    Isotonic(Vec<IsotonicCalibration>),
    /// One temperature for all classes.
    Temperature(TemperatureScaling),
}

impl Calibrators {
    /// Fits `method` to a model's `responses` (sklearn's shape: one column, the positive
    /// class's, for two classes; one per class otherwise; `proba` when they are
    /// probabilities) on samples whose class indices are `truth`, out of `n_classes`.
    pub fn fit(
        method: Method,
        responses: ArrayView2<'_, f64>,
        proba: bool,
        truth: &[usize],
        n_classes: usize,
    ) -> Result<Self> {
        check_finite(responses.iter())?;
        let column = |c: usize| responses.column(c).to_vec();
        // Column c of the responses is class c's, or class 1's when there is one column.
        let class_of = |c: usize| if n_classes == 2 { 1 } else { c };
        Ok(match method {
            Method::Sigmoid => Calibrators::Sigmoid(
                (0..responses.ncols())
                    .map(|c| {
                        let positive: Vec<bool> = truth.iter().map(|&t| t == class_of(c)).collect();
                        SigmoidCalibration::fit(&column(c), &positive)
                    })
                    .collect::<Result<_>>()?,
            ),
            Method::Isotonic => Calibrators::Isotonic(
                (0..responses.ncols())
                    .map(|c| {
                        let target: Vec<f64> = truth
                            .iter()
                            .map(|&t| f64::from(u8::from(t == class_of(c))))
                            .collect();
                        IsotonicCalibration::fit(&column(c), &target)
                    })
                    .collect::<Result<_>>()?,
            ),
            Method::Temperature => Calibrators::Temperature(TemperatureScaling::fit(
                to_logits(binary_probabilities(responses, proba, n_classes).view()).view(),
                truth,
            )?),
        })
    }

    /// Calibrated probabilities of each of `n_classes` classes from a model's `responses`.
    pub fn predict(
        &self,
        responses: ArrayView2<'_, f64>,
        proba: bool,
        n_classes: usize,
    ) -> Array2<f64> {
        let n = responses.nrows();
        let per_class = |f: &dyn Fn(usize, f64) -> f64| -> Array2<f64> {
            let mut out = Array2::zeros((n, n_classes));
            if n_classes == 2 {
                for (i, &s) in responses.column(0).iter().enumerate() {
                    let p = f(0, s);
                    out[[i, 1]] = p;
                    out[[i, 0]] = 1.0 - p;
                }
                return out;
            }
            for c in 0..responses.ncols() {
                for (i, &s) in responses.column(c).iter().enumerate() {
                    out[[i, c]] = f(c, s);
                }
            }
            // Normalised rows; the uniform distribution where every class got 0.
            for mut row in out.outer_iter_mut() {
                let sum = row.sum();
                if sum == 0.0 {
                    row.fill(1.0 / n_classes as f64);
                } else {
                    row.mapv_inplace(|p| p / sum);
                }
            }
            out
        };
        let mut out = match self {
            Calibrators::Sigmoid(c) => per_class(&|k, s| c[k].predict(s)),
            Calibrators::Isotonic(c) => per_class(&|k, s| c[k].predict(s)),
            Calibrators::Temperature(t) => t.predict(
                to_logits(binary_probabilities(responses, proba, n_classes).view()).view(),
            ),
        };
        // scikit-learn's clean-up of probabilities a rounding above 1.
        out.mapv_inplace(|p| if p > 1.0 && p <= 1.0 + 1e-5 { 1.0 } else { p });
        out
    }
}

/// The positive class's probabilities of a binary model as both classes' (`[1 − p, p]`), as
/// temperature scaling takes them; other responses unchanged.
fn binary_probabilities(
    responses: ArrayView2<'_, f64>,
    proba: bool,
    n_classes: usize,
) -> Array2<f64> {
    if proba && n_classes == 2 && responses.ncols() == 1 {
        let p = responses.column(0);
        let mut out = Array2::zeros((p.len(), 2));
        for (mut row, &v) in out.outer_iter_mut().zip(p) {
            row[0] = 1.0 - v;
            row[1] = v;
        }
        out
    } else {
        responses.to_owned()
    }
}

/// A fitted model with the calibrators fitted on scores it did not train on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibratedPair<M> {
    /// The fitted model.
    pub model: M,
    /// Its calibrators.
    pub calibrators: Calibrators,
}

/// A fitted [`CalibratedClassifierCV`]: probabilities are the mean of each pair's calibrated
/// probabilities; the prediction is the class of the highest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibrated<M, R> {
    /// One pair per fold (`ensemble`), or the model fitted on all the data with calibrators
    /// fitted on its out-of-fold (or, prefit, its given) scores.
    pub pairs: Vec<CalibratedPair<M>>,
    /// Which scores of the model are calibrated.
    pub response: R,
    /// The classes, ascending.
    pub classes: Vec<usize>,
}

impl<M: Classifier, R: Response<M>> Calibrated<M, R> {
    /// Calibrates an already fitted `model` on `x`, `y` (data it should not have seen):
    /// scikit-learn's `CalibratedClassifierCV(FrozenEstimator(model))`.
    ///
    /// ```
    /// use classify_core::{Estimator, PredictProba};
    /// use classify_models::SgdClassifier;
    /// use classify_selection::{Calibrated, Decision, Method};
    ///
    /// let data = classify_datasets::mnist_sample().unwrap().train.head(1000);
    /// let y: Vec<usize> = data.target.iter().map(|&d| usize::from(d == 5)).collect();
    /// let x = (&data.data).into();
    /// let rows: Vec<usize> = (0..600).collect();
    /// let held_out: Vec<usize> = (600..1000).collect();
    /// let model = SgdClassifier::default().fit_rows(x, &y, &rows)?;
    /// let rest = data.data.select(ndarray::Axis(0), &held_out);
    /// let truth: Vec<usize> = held_out.iter().map(|&i| y[i]).collect();
    /// let calibrated = Calibrated::prefit(model, Decision, Method::Sigmoid, (&rest).into(), &truth)?;
    /// let p = calibrated.predict_proba((&rest).into())?;
    /// assert!(p.iter().all(|&v| (0.0..=1.0).contains(&v)));
    /// # Ok::<(), classify_core::Error>(())
    /// ```
    pub fn prefit(
        model: M,
        response: R,
        method: Method,
        x: Features<'_>,
        y: &[usize],
    ) -> Result<Self> {
        let classes = model.classes().to_vec();
        let truth = class_indices(&classes, y)?;
        let responses = response.responses(&model, x)?;
        let calibrators = Calibrators::fit(
            method,
            responses.view(),
            response.is_proba(),
            &truth,
            classes.len(),
        )?;
        Ok(Calibrated {
            pairs: vec![CalibratedPair { model, calibrators }],
            response,
            classes,
        })
    }
}

impl<M: Classifier, R: Response<M>> Classifier for Calibrated<M, R> {
    fn classes(&self) -> &[usize] {
        &self.classes
    }

    fn n_features(&self) -> usize {
        self.pairs[0].model.n_features()
    }

    fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
        let p = self.predict_proba(x)?;
        Ok(classify_core::top_classes(&self.classes, &p))
    }
}

impl<M: Classifier, R: Response<M>> PredictProba for Calibrated<M, R> {
    fn predict_proba(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let k = self.classes.len();
        let mut sum = Array2::<f64>::zeros((x.n_samples(), k));
        for pair in &self.pairs {
            let responses = self.response.responses(&pair.model, x)?;
            check_finite(responses.iter())?;
            sum += &pair
                .calibrators
                .predict(responses.view(), self.response.is_proba(), k);
        }
        Ok(sum / self.pairs.len() as f64)
    }
}

/// Probabilities calibrated by cross-validation (scikit-learn's `CalibratedClassifierCV` with
/// `cv` stratified folds): on each fold a clone of the estimator is fitted on the training
/// part and a calibrator on its scores of the held-out part; with `ensemble` the fitted
/// pairs are kept and their probabilities averaged, without it the estimator is refitted on
/// all the data and calibrated on its out-of-fold scores. The calibrators of more than two
/// classes are one per class, normalised (sigmoid, isotonic), or one temperature.
///
/// ```
/// use classify_core::{Estimator, PredictProba};
/// use classify_models::RandomForestClassifier;
/// use classify_selection::{CalibratedClassifierCV, Method, Proba};
///
/// let data = classify_datasets::mnist_sample().unwrap().train.head(600);
/// let y: Vec<usize> = data.target.iter().map(|&d| usize::from(d == 5)).collect();
/// let forest = RandomForestClassifier { n_estimators: 20, ..Default::default() };
/// let calibrated = CalibratedClassifierCV::new(forest, Proba).method(Method::Isotonic);
/// let model = calibrated.fit((&data.data).into(), &y)?;
/// let p = model.predict_proba((&data.data).into())?;
/// assert_eq!(p.dim(), (600, 2));
/// # Ok::<(), classify_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibratedClassifierCV<E, R> {
    /// The classifier.
    pub estimator: E,
    /// Which of its scores are calibrated ([`Decision`](crate::Decision) where scikit-learn
    /// finds `decision_function`, else [`Proba`](crate::Proba)).
    pub response: R,
    /// The calibration method (default sigmoid).
    pub method: Method,
    /// Stratified folds (default 5).
    pub cv: usize,
    /// Keep one calibrated model per fold (default) rather than one refitted model.
    pub ensemble: bool,
}

impl<E, R> CalibratedClassifierCV<E, R> {
    /// scikit-learn's defaults: sigmoid, 5 folds, an ensemble.
    pub fn new(estimator: E, response: R) -> Self {
        CalibratedClassifierCV {
            estimator,
            response,
            method: Method::Sigmoid,
            cv: 5,
            ensemble: true,
        }
    }

    /// The same with another method.
    pub fn method(self, method: Method) -> Self {
        CalibratedClassifierCV { method, ..self }
    }
}

impl<E, R> Estimator for CalibratedClassifierCV<E, R>
where
    E: Estimator,
    R: Response<E::Model>,
{
    type Model = Calibrated<E::Model, R>;

    fn validate(&self) -> Result<()> {
        classify_core::param::at_least("cv", self.cv, 2)?;
        self.estimator.validate()
    }

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<Self::Model> {
        self.validate()?;
        let (classes, truth) = self.checked_classes(x, y)?;
        let splits = StratifiedKFold::new(self.cv)
            .split(y)
            .map_err(|e| Error::InvalidParameter(e.to_string()))?;
        let proba = self.response.is_proba();
        // Each fold: its model and its responses on the held-out rows.
        let folds: Vec<(E::Model, Array2<f64>)> = splits
            .par_iter()
            .enumerate()
            .map(|(f, split)| {
                let model = self.estimator.fit_rows(x, y, &split.train)?;
                if model.classes() != classes.as_slice() {
                    return Err(Error::InvalidParameter(format!(
                        "fold {f}: the model learned classes {:?}, not all of {classes:?}",
                        model.classes()
                    )));
                }
                let responses = self
                    .response
                    .responses(&model, x.select(&split.test).view())?;
                Ok((model, responses))
            })
            .collect::<Result<_>>()?;
        let pairs = if self.ensemble {
            folds
                .into_iter()
                .zip(&splits)
                .map(|((model, responses), split)| {
                    let fold_truth: Vec<usize> = split.test.iter().map(|&r| truth[r]).collect();
                    let calibrators = Calibrators::fit(
                        self.method,
                        responses.view(),
                        proba,
                        &fold_truth,
                        classes.len(),
                    )?;
                    Ok(CalibratedPair { model, calibrators })
                })
                .collect::<Result<_>>()?
        } else {
            let model = self.estimator.fit(x, y)?;
            let out_of_fold = out_of_fold(&folds, &splits, y.len());
            let calibrators = Calibrators::fit(
                self.method,
                out_of_fold.view(),
                proba,
                &truth,
                classes.len(),
            )?;
            vec![CalibratedPair { model, calibrators }]
        };
        Ok(Calibrated {
            pairs,
            response: self.response,
            classes,
        })
    }
}

impl<E, R> CalibratedClassifierCV<E, R> {
    /// The sorted classes of `y` with each label's index, once every class has a sample in
    /// each of the `cv` folds.
    fn checked_classes(&self, x: Features<'_>, y: &[usize]) -> Result<(Vec<usize>, Vec<usize>)> {
        if x.n_samples() != y.len() {
            return Err(Error::LengthMismatch {
                rows: x.n_samples(),
                targets: y.len(),
            });
        }
        let (classes, truth) = encode(y);
        if classes.len() < 2 {
            return Err(Error::SingleClass(format!("{classes:?}")));
        }
        let mut counts = vec![0usize; classes.len()];
        truth.iter().for_each(|&t| counts[t] += 1);
        if counts.iter().any(|&c| c < self.cv) {
            return Err(Error::InvalidParameter(format!(
                "{}-fold calibration needs at least {} samples of each class; the classes \
                 {classes:?} have {counts:?}",
                self.cv, self.cv
            )));
        }
        Ok((classes, truth))
    }
}

/// The folds' held-out responses put back in row order (`n` rows).
fn out_of_fold<M>(folds: &[(M, Array2<f64>)], splits: &[Split], n: usize) -> Array2<f64> {
    let width = folds[0].1.ncols();
    let mut out = Array2::zeros((n, width));
    for ((_, responses), split) in folds.iter().zip(splits) {
        for (row, &r) in responses.outer_iter().zip(&split.test) {
            out.row_mut(r).assign(&row);
        }
    }
    out
}

/// Each label's index among `classes`, or the error naming one the model does not know.
fn class_indices(classes: &[usize], y: &[usize]) -> Result<Vec<usize>> {
    y.iter()
        .map(|l| {
            classes
                .binary_search(l)
                .map_err(|_| Error::UnknownLabel(l.to_string()))
        })
        .collect()
}

fn check_scores(s: &[f64], targets: usize) -> Result<()> {
    if s.len() != targets {
        return Err(Error::LengthMismatch {
            rows: s.len(),
            targets,
        });
    }
    if s.is_empty() {
        return Err(Error::Empty("scores to calibrate"));
    }
    check_finite(s.iter())
}

fn check_finite<'a>(mut values: impl Iterator<Item = &'a f64>) -> Result<()> {
    match values.find(|v| !v.is_finite()) {
        Some(v) => Err(Error::InvalidParameter(format!(
            "the model's scores to calibrate contain {v}"
        ))),
        None => Ok(()),
    }
}

/// `ln(1 + e^r)` without overflow.
fn log1p_exp(r: f64) -> f64 {
    if r > 0.0 {
        r + (-r).exp().ln_1p()
    } else {
        r.exp().ln_1p()
    }
}

/// The logistic function, as scipy's `expit`.
fn expit(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}
