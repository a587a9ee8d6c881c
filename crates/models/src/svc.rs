//! Support-vector classification (scikit-learn's `SVC`): kernels RBF, linear and polynomial,
//! one-vs-one for more than two classes, Platt-scaled probabilities from internal
//! cross-validation.
//!
//! Each binary problem is solved by linfa-svm's SMO solver (tolerance 1e-3, as libsvm);
//! predictions are ours: the kernel between the queries and every support vector (shared by
//! all pairs, as libsvm) as one blocked matrix product, in parallel.

use linfa::traits::Fit;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::features::{check_features, with_valid, Features};
use crate::traits::{check_targets, encode, Classifier, DecisionFunction, Estimator, PredictProba};

/// The kernel coefficient γ.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gamma {
    /// `1 / (n_features · var(X))` over every training value (scikit-learn's default).
    Scale,
    /// `1 / n_features`.
    Auto,
    /// This value.
    Value(f64),
}

/// The kernel.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SvcKernel {
    /// `exp(−γ‖x − x′‖²)`.
    Rbf {
        /// γ.
        gamma: Gamma,
    },
    /// `x · x′`.
    Linear,
    /// `(γ x · x′ + coef0)^degree`.
    Poly {
        /// The degree.
        degree: u32,
        /// γ.
        gamma: Gamma,
        /// The constant term.
        coef0: f64,
    },
}

/// Parameters of the support-vector classifier; `Default` is scikit-learn's `SVC()`: RBF
/// kernel with `gamma = "scale"`, `C = 1`, tolerance 1e-3, no probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Svc {
    /// Penalty of margin violations.
    pub c: f64,
    /// The kernel.
    pub kernel: SvcKernel,
    /// Stopping tolerance of the solver.
    pub tol: f64,
    /// Fit Platt sigmoids on 5-fold internal cross-validation so that `predict_proba` works
    /// (five more fits per pair of classes, as scikit-learn's `probability=True`).
    pub probability: bool,
    /// Seed of the internal cross-validation folds.
    pub random_state: u64,
}

impl Default for Svc {
    fn default() -> Self {
        Svc {
            c: 1.0,
            kernel: SvcKernel::Rbf {
                gamma: Gamma::Scale,
            },
            tol: 1e-3,
            probability: false,
            random_state: 42,
        }
    }
}

/// A kernel with its γ resolved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
enum Resolved {
    Rbf { gamma: f64 },
    Linear,
    Poly { degree: u32, gamma: f64, coef0: f64 },
}

/// One fitted pair of classes `(i, j)`: positive decisions vote for `i`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Pair {
    i: usize,
    j: usize,
    /// Rows of [`SvcModel::support`] and their signed dual coefficients.
    support: Vec<usize>,
    coef: Vec<f64>,
    rho: f64,
    /// Platt sigmoid `(A, B)`: P(class i) = 1 / (1 + exp(A·f + B)).
    platt: Option<(f64, f64)>,
}

/// A fitted support-vector classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SvcModel {
    params: Svc,
    classes: Vec<usize>,
    kernel: Resolved,
    /// Every support vector (of any pair), one row each.
    support: Array2<f64>,
    /// Training row of each support vector.
    support_rows: Vec<usize>,
    pairs: Vec<Pair>,
}

impl Svc {
    fn resolve(&self, x: &Array2<f64>) -> Result<Resolved> {
        if !(self.c > 0.0 && self.c.is_finite()) {
            return Err(Error::InvalidParameter(format!(
                "C must be positive, got {}",
                self.c
            )));
        }
        if self.tol.is_nan() || self.tol <= 0.0 {
            return Err(Error::InvalidParameter("tol must be positive".into()));
        }
        let d = x.ncols() as f64;
        let gamma = |g: Gamma| -> Result<f64> {
            let v = match g {
                Gamma::Scale => {
                    let var = x.var(0.0);
                    if var > 0.0 {
                        1.0 / (d * var)
                    } else {
                        1.0
                    }
                }
                Gamma::Auto => 1.0 / d,
                Gamma::Value(v) => v,
            };
            if v > 0.0 && v.is_finite() {
                Ok(v)
            } else {
                Err(Error::InvalidParameter(format!(
                    "gamma must be positive, got {v}"
                )))
            }
        };
        Ok(match self.kernel {
            SvcKernel::Rbf { gamma: g } => Resolved::Rbf { gamma: gamma(g)? },
            SvcKernel::Linear => Resolved::Linear,
            SvcKernel::Poly {
                degree,
                gamma: g,
                coef0,
            } => Resolved::Poly {
                degree,
                gamma: gamma(g)?,
                coef0,
            },
        })
    }

    /// Solves one binary problem with linfa-svm: `rows` of `x`, `positive[r]` for each.
    /// Returns the signed coefficients (one per row) and ρ.
    fn solve(
        &self,
        kernel: Resolved,
        x: ArrayView2<'_, f64>,
        positive: &[bool],
    ) -> Result<(Vec<f64>, f64)> {
        let has = |v: bool| positive.contains(&v);
        if !has(true) || !has(false) {
            // One class only: a constant decision (libsvm's convention in its internal CV).
            return Ok((
                vec![0.0; positive.len()],
                if has(true) { -1.0 } else { 1.0 },
            ));
        }
        let (records, params) = match kernel {
            Resolved::Rbf { gamma } => (
                x.to_owned(),
                linfa_svm::Svm::<f64, bool>::params().gaussian_kernel(1.0 / gamma),
            ),
            Resolved::Linear => (
                x.to_owned(),
                linfa_svm::Svm::<f64, bool>::params().linear_kernel(),
            ),
            // (γ x·x′ + c)^d = (√γx · √γx′ + c)^d
            Resolved::Poly {
                degree,
                gamma,
                coef0,
            } => (
                x.mapv(|v| v * gamma.sqrt()),
                linfa_svm::Svm::<f64, bool>::params().polynomial_kernel(coef0, f64::from(degree)),
            ),
        };
        let params = params.pos_neg_weights(self.c, self.c).eps(self.tol);
        let data = linfa::DatasetBase::new(records, Array1::from(positive.to_vec()));
        let svm = params
            .fit(&data)
            .map_err(|e| Error::NotSupported(format!("linfa-svm: {e}")))?;
        Ok((svm.alpha.clone(), svm.rho))
    }
}

/// A solved pair: training rows of its support vectors, their coefficients, ρ, sigmoid.
type FittedPair = (Vec<usize>, Vec<f64>, f64, Option<(f64, f64)>);

impl Estimator for Svc {
    type Model = SvcModel;

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<SvcModel> {
        check_targets(x.n_samples(), y.len())?;
        with_valid(x, |x| {
            let xf = x.to_f64();
            let kernel = self.resolve(&xf)?;
            let (classes, yi) = encode(y);
            if classes.len() < 2 {
                return Err(Error::SingleClass(classes[0]));
            }
            let k = classes.len();
            let pairs: Vec<(usize, usize)> = (0..k)
                .flat_map(|i| (i + 1..k).map(move |j| (i, j)))
                .collect();
            // Pairs in parallel; each is deterministic, so the model is too.
            let fitted: Vec<FittedPair> = pairs
                .par_iter()
                .map(|&(i, j)| {
                    let rows: Vec<usize> = (0..yi.len())
                        .filter(|&r| yi[r] == i || yi[r] == j)
                        .collect();
                    let sub = xf.select(Axis(0), &rows);
                    let positive: Vec<bool> = rows.iter().map(|&r| yi[r] == i).collect();
                    let (alpha, rho) = self.solve(kernel, sub.view(), &positive)?;
                    let platt = if self.probability {
                        Some(self.platt(kernel, sub.view(), &positive, (i * k + j) as u64)?)
                    } else {
                        None
                    };
                    let keep: Vec<usize> = (0..rows.len())
                        .filter(|&r| alpha[r].abs() > 100.0 * f64::EPSILON)
                        .collect();
                    Ok((
                        keep.iter().map(|&r| rows[r]).collect(),
                        keep.iter().map(|&r| alpha[r]).collect(),
                        rho,
                        platt,
                    ))
                })
                .collect::<Result<_>>()?;
            // The union of support vectors, in training order.
            let mut support_rows: Vec<usize> =
                fitted.iter().flat_map(|f| f.0.iter().copied()).collect();
            support_rows.sort_unstable();
            support_rows.dedup();
            let support = xf.select(Axis(0), &support_rows);
            let pairs = pairs
                .into_iter()
                .zip(fitted)
                .map(|((i, j), (rows, coef, rho, platt))| Pair {
                    i,
                    j,
                    support: rows
                        .iter()
                        .map(|r| support_rows.binary_search(r).expect("a support row"))
                        .collect(),
                    coef,
                    rho,
                    platt,
                })
                .collect();
            Ok(SvcModel {
                params: *self,
                classes,
                kernel,
                support,
                support_rows,
                pairs,
            })
        })
    }
}

impl Svc {
    /// libsvm's `svm_binary_svc_probability`: decision values from 5-fold cross-validation
    /// (folds from a seeded shuffle), then Platt's sigmoid fitted to them.
    fn platt(
        &self,
        kernel: Resolved,
        x: ArrayView2<'_, f64>,
        positive: &[bool],
        salt: u64,
    ) -> Result<(f64, f64)> {
        const FOLDS: usize = 5;
        let n = positive.len();
        let mut perm: Vec<usize> = (0..n).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(self.random_state ^ salt.wrapping_mul(0x9E37_79B9));
        perm.shuffle(&mut rng);
        let mut dec = vec![0.0; n];
        for f in 0..FOLDS {
            let (start, end) = (f * n / FOLDS, (f + 1) * n / FOLDS);
            let train: Vec<usize> = perm[..start].iter().chain(&perm[end..]).copied().collect();
            let test = &perm[start..end];
            let sub = x.select(Axis(0), &train);
            let labels: Vec<bool> = train.iter().map(|&r| positive[r]).collect();
            let (alpha, rho) = self.solve(kernel, sub.view(), &labels)?;
            let sv: Vec<usize> = (0..train.len()).filter(|&r| alpha[r] != 0.0).collect();
            let svx = sub.select(Axis(0), &sv);
            let coef: Vec<f64> = sv.iter().map(|&r| alpha[r]).collect();
            let q = x.select(Axis(0), test);
            let kq = kernel_matrix(kernel, q.view(), svx.view());
            for (t, row) in test.iter().zip(kq.rows()) {
                dec[*t] = row.iter().zip(&coef).map(|(k, c)| k * c).sum::<f64>() - rho;
            }
        }
        let params = linfa::composing::platt_scaling::PlattParams::<f64, ()>::default();
        let valid = linfa::ParamGuard::check(params)
            .map_err(|e| Error::InvalidParameter(format!("platt: {e}")))?;
        linfa::composing::platt_scaling::platt_newton_method(
            Array1::from(dec).view(),
            Array1::from(positive.to_vec()).view(),
            &valid,
        )
        .map_err(|e| Error::NotSupported(format!("Platt scaling: {e}")))
    }
}

/// `K(a_r, b_s)` for every row pair, by matrix products.
fn kernel_matrix(kernel: Resolved, a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>) -> Array2<f64> {
    let mut g = a.dot(&b.t());
    match kernel {
        Resolved::Linear => {}
        Resolved::Poly {
            degree,
            gamma,
            coef0,
        } => g.mapv_inplace(|v| (gamma * v + coef0).powi(degree as i32)),
        Resolved::Rbf { gamma } => {
            let na: Vec<f64> = a.rows().into_iter().map(|r| r.dot(&r)).collect();
            let nb: Vec<f64> = b.rows().into_iter().map(|r| r.dot(&r)).collect();
            for ((r, s), v) in g.indexed_iter_mut() {
                *v = (-gamma * (na[r] + nb[s] - 2.0 * *v).max(0.0)).exp();
            }
        }
    }
    g
}

impl SvcModel {
    /// Number of support vectors (each counted once, as scikit-learn's `support_`).
    pub fn n_support(&self) -> usize {
        self.support_rows.len()
    }

    /// Training rows that are support vectors, sorted.
    pub fn support_indices(&self) -> &[usize] {
        &self.support_rows
    }

    /// Number of binary problems (`k(k − 1)/2` for `k` classes).
    pub fn n_pairs(&self) -> usize {
        self.pairs.len()
    }

    /// The resolved γ (RBF and polynomial kernels).
    pub fn gamma(&self) -> Option<f64> {
        match self.kernel {
            Resolved::Rbf { gamma } | Resolved::Poly { gamma, .. } => Some(gamma),
            Resolved::Linear => None,
        }
    }

    /// One-vs-one decision values, one column per pair `(i, j)` in order (0,1), (0,2), …;
    /// positive means class `i` (scikit-learn's `decision_function_shape="ovo"`).
    pub fn decision_function_ovo(&self, x: Features<'_>) -> Result<Array2<f64>> {
        check_features(&x, self.support.ncols())?;
        with_valid(x, |x| {
            let n = x.n_samples();
            const CHUNK: usize = 256;
            let parts: Vec<Array2<f64>> = (0..n.div_ceil(CHUNK))
                .into_par_iter()
                .map(|c| {
                    let rows: Vec<usize> = (c * CHUNK..((c + 1) * CHUNK).min(n)).collect();
                    let q = x.select(&rows).view().to_f64();
                    let k = kernel_matrix(self.kernel, q.view(), self.support.view());
                    let mut out = Array2::zeros((rows.len(), self.pairs.len()));
                    for (p, pair) in self.pairs.iter().enumerate() {
                        for (r, kr) in k.rows().into_iter().enumerate() {
                            out[[r, p]] = pair
                                .support
                                .iter()
                                .zip(&pair.coef)
                                .map(|(&s, &c)| c * kr[s])
                                .sum::<f64>()
                                - pair.rho;
                        }
                    }
                    out
                })
                .collect();
            let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
            Ok(ndarray::concatenate(Axis(0), &views).expect("same widths"))
        })
    }
}

/// scikit-learn's `_ovr_decision_function`: from one-vs-one results (per pair `(i, j)` in
/// the order (0, 1), (0, 2), …: whether `j` won, and the confidence that it did), one score
/// per class: its votes plus the summed confidences squashed into (−1/3, 1/3), so that the
/// highest score is the class with the most votes, ties broken by confidence.
pub fn ovr_decision_function(
    j_wins: &Array2<bool>,
    confidences: &Array2<f64>,
    n_classes: usize,
) -> Array2<f64> {
    let n = j_wins.nrows();
    let mut votes = Array2::<f64>::zeros((n, n_classes));
    let mut sum = Array2::<f64>::zeros((n, n_classes));
    let mut k = 0;
    for i in 0..n_classes {
        for j in i + 1..n_classes {
            for r in 0..n {
                sum[[r, i]] -= confidences[[r, k]];
                sum[[r, j]] += confidences[[r, k]];
                if j_wins[[r, k]] {
                    votes[[r, j]] += 1.0;
                } else {
                    votes[[r, i]] += 1.0;
                }
            }
            k += 1;
        }
    }
    votes + sum.mapv(|c| c / (3.0 * (c.abs() + 1.0)))
}

impl Classifier for SvcModel {
    fn classes(&self) -> &[usize] {
        &self.classes
    }

    fn n_features(&self) -> usize {
        self.support.ncols()
    }

    /// libsvm's vote: each pair votes for `i` when its decision is positive, else `j`; the
    /// most votes win, the smaller class on a tie.
    fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
        let dec = self.decision_function_ovo(x)?;
        let k = self.classes.len();
        Ok(dec
            .rows()
            .into_iter()
            .map(|row| {
                let mut votes = vec![0usize; k];
                for (p, pair) in self.pairs.iter().enumerate() {
                    votes[if row[p] > 0.0 { pair.i } else { pair.j }] += 1;
                }
                let mut best = 0;
                for c in 1..k {
                    if votes[c] > votes[best] {
                        best = c;
                    }
                }
                self.classes[best]
            })
            .collect())
    }
}

impl DecisionFunction for SvcModel {
    /// Two classes: one column, positive for `classes()[1]`. More: scikit-learn's default
    /// `decision_function_shape="ovr"` scores from the one-vs-one votes
    /// ([`ovr_decision_function`]).
    fn decision_function(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let dec = self.decision_function_ovo(x)?;
        if self.classes.len() == 2 {
            return Ok(dec.mapv(|v| -v));
        }
        // libsvm's decisions are positive for `i`: `j` wins below zero, with confidence −dec.
        Ok(ovr_decision_function(
            &dec.mapv(|v| v < 0.0),
            &dec.mapv(|v| -v),
            self.classes.len(),
        ))
    }
}

impl PredictProba for SvcModel {
    /// libsvm's probabilities: each pair's Platt sigmoid, coupled across pairs (Wu, Lin and
    /// Weng's second method). Needs `probability: true` at fit time.
    fn predict_proba(&self, x: Features<'_>) -> Result<Array2<f64>> {
        if !self.params.probability {
            return Err(Error::NotSupported(
                "predict_proba needs Svc { probability: true, .. }".into(),
            ));
        }
        let dec = self.decision_function_ovo(x)?;
        let k = self.classes.len();
        let mut out = Array2::zeros((dec.nrows(), k));
        for (row, mut o) in dec.rows().into_iter().zip(out.rows_mut()) {
            let mut r = vec![vec![0.0; k]; k];
            for (p, pair) in self.pairs.iter().enumerate() {
                let (a, b) = pair.platt.expect("fitted with probability");
                let f = a * row[p] + b;
                let v = if f >= 0.0 {
                    (-f).exp() / (1.0 + (-f).exp())
                } else {
                    1.0 / (1.0 + f.exp())
                };
                let v = v.clamp(1e-7, 1.0 - 1e-7);
                r[pair.i][pair.j] = v;
                r[pair.j][pair.i] = 1.0 - v;
            }
            for (o, p) in o.iter_mut().zip(couple(&r)) {
                *o = p;
            }
        }
        Ok(out)
    }
}

/// libsvm's `multiclass_probability`: class probabilities from pairwise ones `r[i][j]`.
fn couple(r: &[Vec<f64>]) -> Vec<f64> {
    let k = r.len();
    let mut q = vec![vec![0.0; k]; k];
    for t in 0..k {
        for j in 0..k {
            if j != t {
                q[t][t] += r[j][t] * r[j][t];
                q[t][j] = -r[j][t] * r[t][j];
            }
        }
    }
    let mut p = vec![1.0 / k as f64; k];
    let mut qp = vec![0.0; k];
    let eps = 0.005 / k as f64;
    for _ in 0..100.max(k) {
        let mut pqp = 0.0;
        for t in 0..k {
            qp[t] = (0..k).map(|j| q[t][j] * p[j]).sum();
            pqp += p[t] * qp[t];
        }
        let max_error = qp.iter().map(|v| (v - pqp).abs()).fold(0.0, f64::max);
        if max_error < eps {
            break;
        }
        for t in 0..k {
            let diff = (-qp[t] + pqp) / q[t][t];
            p[t] += diff;
            pqp = (pqp + diff * (diff * q[t][t] + 2.0 * qp[t])) / (1.0 + diff) / (1.0 + diff);
            for j in 0..k {
                qp[j] = (qp[j] + diff * q[t][j]) / (1.0 + diff);
                p[j] /= 1.0 + diff;
            }
        }
    }
    p
}
