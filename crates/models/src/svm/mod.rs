//! Support-vector classification (scikit-learn's `SVC`): kernels RBF, linear and polynomial,
//! one-vs-one for more than two classes, Platt-scaled probabilities from internal
//! cross-validation.
//!
//! Each binary problem is solved by our port of libsvm's SMO solver (its `smo` module): the same
//! working-set selection, shrinking and stopping rule as scikit-learn's, with kernel rows
//! computed on demand (integer dot products for `u8` pixels) into a cache bounded by
//! `cache_size` megabytes, so memory never grows with n². Problems are laid out as libsvm
//! lays them out (classes sorted, each pair's rows class by class), so on `u8` pixels the
//! solver sees bit for bit libsvm's kernel values and takes its steps. Predictions are ours:
//! the kernel between the queries and every support vector (shared by all pairs, as libsvm)
//! as one blocked matrix product, in parallel.
//!
//! linfa-svm was used here before; its fit built the whole n × n kernel with a scalar loop
//! (2.6 s of 2.9 s for 2,000 images) and its solver entry point with a precomputed kernel is
//! private. It remains a test oracle and a column of `cargo xtask bench`.

mod kernel;
mod smo;

use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use classify_core::param;

use classify_core::{check_features, with_valid, Features};
use classify_core::{
    check_targets, encode, ovr_decision_function, Classifier, DecisionFunction, Estimator,
    PredictProba,
};
use classify_core::{Error, Result};
use kernel::{kernel_matrix, Kernel, Resolved, Rows, SupportBytes};

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
/// kernel with `gamma = "scale"`, `C = 1`, tolerance 1e-3, a 200 MB kernel cache, no
/// probabilities.
///
/// ```
/// use classify_models::{Classifier, DecisionFunction, Estimator, Svc};
/// use linfa::prelude::{Dataset, Fit, Predict};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [5.0, 5.2], [5.3, 4.9], [4.8, 5.1]];
/// // Native: `Features` in, `usize` labels out.
/// let y = [0, 0, 0, 1, 1, 1];
/// let model = Estimator::fit(&Svc::default(), (&x).into(), &y)?;
/// assert_eq!(model.predict((&x).into())?, y.to_vec());
/// assert!(model.decision_function((&x).into())?[[5, 0]] > 0.0);
/// // linfa: a `Dataset` with labels of any type.
/// let data = Dataset::new(x.clone(), array!["cat", "cat", "cat", "dog", "dog", "dog"]);
/// let model = Fit::fit(&Svc::default(), &data)?;
/// assert_eq!(model.predict(&x).to_vec(), vec!["cat", "cat", "cat", "dog", "dog", "dog"]);
/// # Ok::<(), classify_core::Error>(())
/// ```
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
    /// scikit-learn's `random_state`, from which the internal cross-validation folds are
    /// drawn as scikit-learn draws them (below 2³²).
    pub random_state: u64,
    /// Budget of the kernel-row cache in megabytes (scikit-learn's `cache_size`), shared by
    /// the binary problems solved at the same time.
    #[serde(default = "default_cache_size")]
    pub cache_size: f64,
}

fn default_cache_size() -> f64 {
    200.0
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
            cache_size: default_cache_size(),
        }
    }
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
    /// Solver iterations.
    #[serde(default)]
    n_iter: usize,
}

/// One binary problem of a fitted [`SvcModel`]: its decision for a row `x` is
/// `Σ coef[s] · K(support vector support[s], x) − rho`, positive for `classes.0`.
#[derive(Debug, Clone, Copy)]
pub struct SvcPair<'a> {
    /// The two classes (positions in `classes()`), the first one positive.
    pub classes: (usize, usize),
    /// Its support vectors, as rows of [`SvcModel::support_vectors`].
    pub support: &'a [usize],
    /// Their signed dual coefficients (`yᵢ αᵢ`).
    pub coef: &'a [f64],
    /// libsvm's offset `rho`.
    pub rho: f64,
    /// Platt's sigmoid `(A, B)`, when fitted with `probability`.
    pub platt: Option<(f64, f64)>,
}

/// A fitted support-vector classifier. A model file is checked when read (sizes, indices,
/// pair order, finite numbers): an edited or damaged file is an error, never a panic later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SvcFile")]
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

/// What a model file holds, before it is checked.
#[derive(Deserialize)]
struct SvcFile {
    params: Svc,
    classes: Vec<usize>,
    kernel: Resolved,
    support: Array2<f64>,
    support_rows: Vec<usize>,
    pairs: Vec<Pair>,
}

impl TryFrom<SvcFile> for SvcModel {
    type Error = Error;

    fn try_from(f: SvcFile) -> Result<SvcModel> {
        let bad = |why: String| Err(Error::InvalidParameter(format!("SVC model file: {why}")));
        f.params.validate()?;
        let k = f.classes.len();
        if k < 2 || f.classes.windows(2).any(|w| w[0] >= w[1]) {
            return bad(format!(
                "classes {:?} are not two or more, sorted",
                f.classes
            ));
        }
        let kernel_ok = match f.kernel {
            Resolved::Linear => true,
            Resolved::Rbf { gamma } => gamma > 0.0 && gamma.is_finite(),
            Resolved::Poly { gamma, coef0, .. } => {
                gamma > 0.0 && gamma.is_finite() && coef0.is_finite()
            }
        };
        if !kernel_ok {
            return bad(format!("kernel {:?}", f.kernel));
        }
        let n_sv = f.support.nrows();
        if f.support_rows.len() != n_sv || f.support.iter().any(|v| !v.is_finite()) {
            return bad(format!(
                "{} support vectors, {} training rows, or a value not finite",
                n_sv,
                f.support_rows.len()
            ));
        }
        let expected = (0..k).flat_map(|i| (i + 1..k).map(move |j| (i, j)));
        if f.pairs.len() != k * (k - 1) / 2 || !f.pairs.iter().map(|p| (p.i, p.j)).eq(expected) {
            return bad(format!(
                "{} pairs for {k} classes, or out of order",
                f.pairs.len()
            ));
        }
        for p in &f.pairs {
            let finite = p.coef.iter().all(|c| c.is_finite())
                && p.rho.is_finite()
                && p.platt.is_none_or(|(a, b)| a.is_finite() && b.is_finite())
                && (p.platt.is_some() || !f.params.probability);
            if p.support.len() != p.coef.len() || p.support.iter().any(|&r| r >= n_sv) || !finite {
                return bad(format!(
                    "pair ({}, {}): {} support rows, {} coefficients (of {n_sv} vectors), a value \
                     not finite, or no sigmoid for probabilities",
                    p.i,
                    p.j,
                    p.support.len(),
                    p.coef.len()
                ));
            }
        }
        Ok(SvcModel {
            params: f.params,
            classes: f.classes,
            kernel: f.kernel,
            support: f.support,
            support_rows: f.support_rows,
            pairs: f.pairs,
        })
    }
}

impl Svc {
    fn resolve(&self, x: Features<'_>) -> Result<Resolved> {
        let d = x.n_features() as f64;
        let gamma = |g: Gamma| -> Result<f64> {
            let v = match g {
                Gamma::Scale => {
                    let var = variance(x);
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

    /// Bytes of kernel cache for each of the problems solved at once.
    fn cache_bytes(&self) -> usize {
        let total = self.cache_size * (1u64 << 20) as f64;
        (total / rayon::current_num_threads() as f64) as usize
    }

    /// Solves one binary problem: `rows` of the kernel's data, `y[r] = ±1`, the bound `c` on
    /// the positive and the negative rows' coefficients.
    fn solve(
        &self,
        kernel: &Kernel<'_>,
        rows: &[usize],
        y: &[i8],
        c: (f64, f64),
        options: SvcFitOptions<'_>,
    ) -> smo::Solution {
        smo::solve(
            kernel,
            rows,
            y,
            c,
            self.tol,
            self.cache_bytes(),
            options.max_iter,
        )
    }
}

/// NumPy's `X.var()` over every value of a validated matrix, summed as NumPy sums.
fn variance(x: Features<'_>) -> f64 {
    let n = x.n_samples() * x.n_features();
    let value = |i: usize| -> f64 {
        match x {
            Features::U8(a) => f64::from(a.as_slice().expect("standard layout")[i]),
            Features::F32(a) => f64::from(a.as_slice().expect("standard layout")[i]),
            Features::F64(a) => a.as_slice().expect("standard layout")[i],
        }
    };
    let mean = classify_core::numpy::pairwise_sum(n, value) / n as f64;
    classify_core::numpy::pairwise_sum(n, |i| {
        let d = value(i) - mean;
        d * d
    }) / n as f64
}

/// A solved pair: training rows of its support vectors, their coefficients, ρ, sigmoid,
/// iterations.
type FittedPair = (Vec<usize>, Vec<f64>, f64, Option<(f64, f64)>, usize);

impl Estimator for Svc {
    type Model = SvcModel;

    /// The parameters' domains, checked before any data is read.
    fn validate(&self) -> Result<()> {
        param::positive("C", self.c)?;
        param::positive("tol", self.tol)?;
        if self.probability {
            libsvm_seed(self.random_state)?;
        }
        // Megabytes.
        param::positive("cache_size", self.cache_size)
    }

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<SvcModel> {
        self.fit_with(x, y, SvcFitOptions::default())
    }
}

/// What a fit may add to [`Svc`]'s parameters (scikit-learn's `class_weight` and `max_iter`),
/// none of which a fitted model needs to predict.
#[derive(Debug, Clone, Copy, Default)]
pub struct SvcFitOptions<'a> {
    /// One weight per class (in the sorted classes' order): the bound on a class's
    /// coefficients is `C` times its weight (libsvm's weighted `C`), in each pair's problem
    /// and in its probability folds. `None`: all 1.
    pub class_weight: Option<&'a [f64]>,
    /// Solver iterations per binary problem at most (scikit-learn's `max_iter`; a problem
    /// stopped there reports as many in [`SvcModel::n_iter`]). `None`: libsvm's own guard.
    pub max_iter: Option<usize>,
}

impl Svc {
    /// Fits as [`Estimator::fit`] with scikit-learn's `class_weight` and `max_iter`.
    pub fn fit_with(
        &self,
        x: Features<'_>,
        y: &[usize],
        options: SvcFitOptions<'_>,
    ) -> Result<SvcModel> {
        let class_weight = options.class_weight;
        check_targets(x.n_samples(), y.len())?;
        self.validate()?;
        with_valid(x, |x| {
            let kind = self.resolve(x)?;
            let floats;
            let rows = match x {
                Features::U8(a) => Rows::U8(a.reborrow()),
                Features::F64(a) => Rows::F64(a.reborrow()),
                Features::F32(_) => {
                    floats = x.to_f64();
                    Rows::F64(floats.view())
                }
            };
            let kernel = Kernel::new(rows, kind);
            let (classes, yi) = encode(y);
            if classes.len() < 2 {
                return Err(Error::SingleClass(classes[0].to_string()));
            }
            let weights = match class_weight {
                Some(w)
                    if w.len() != classes.len()
                        || w.iter().any(|v| !(v.is_finite() && *v > 0.0)) =>
                {
                    return Err(Error::InvalidParameter(format!(
                        "class_weight needs one finite weight > 0 per class ({}), got {w:?}",
                        classes.len()
                    )))
                }
                Some(w) => w.to_vec(),
                None => vec![1.0; classes.len()],
            };
            let problems = PairProblems::new(&yi, classes.len());
            let fitted = self.solve_pairs(&kernel, &problems, &weights, options)?;
            Ok(self.model(x, classes, kind, problems.pairs, fitted))
        })
    }
}

/// The binary problems of one-vs-one, as libsvm lays them out: each pair of classes `(i, j)`
/// (`i < j`, in order), its rows those of class `i` then of class `j`, in training order.
struct PairProblems {
    /// Each class's rows in training order.
    by_class: Vec<Vec<usize>>,
    /// The pairs, in libsvm's order.
    pairs: Vec<(usize, usize)>,
}

impl PairProblems {
    fn new(classes_of_rows: &[usize], k: usize) -> PairProblems {
        let mut by_class = vec![Vec::new(); k];
        for (r, &c) in classes_of_rows.iter().enumerate() {
            by_class[c].push(r);
        }
        let pairs = (0..k)
            .flat_map(|i| (i + 1..k).map(move |j| (i, j)))
            .collect();
        PairProblems { by_class, pairs }
    }

    /// The training rows of pair `(i, j)` and their signs (+1 for class `i`).
    fn problem(&self, (i, j): (usize, usize)) -> (Vec<usize>, Vec<i8>) {
        let by_class = &self.by_class;
        let rows: Vec<usize> = by_class[i].iter().chain(&by_class[j]).copied().collect();
        let signs: Vec<i8> = (0..rows.len())
            .map(|r| if r < by_class[i].len() { 1 } else { -1 })
            .collect();
        (rows, signs)
    }
}

impl Svc {
    /// Every pair's problem solved (and its Platt sigmoid fitted when asked), in parallel;
    /// each is deterministic, so the model is too.
    fn solve_pairs(
        &self,
        kernel: &Kernel<'_>,
        problems: &PairProblems,
        weights: &[f64],
        options: SvcFitOptions<'_>,
    ) -> Result<Vec<FittedPair>> {
        let pairs = &problems.pairs;
        // The internal folds' shuffles come from one generator in pair order: drawn
        // first, so that the pairs can then be solved in parallel.
        let perms: Vec<Option<Vec<usize>>> = if self.probability {
            let mut rng = LibsvmRng::new(libsvm_seed(self.random_state)?);
            pairs
                .iter()
                .map(|&pair| Some(rng.probability_folds(&problems.problem(pair).1)))
                .collect()
        } else {
            vec![None; pairs.len()]
        };
        pairs
            .par_iter()
            .zip(&perms)
            .map(|(&pair, perm)| {
                let (rows, signs) = problems.problem(pair);
                // libsvm's weighted C: class i (positive) and class j.
                let c = (self.c * weights[pair.0], self.c * weights[pair.1]);
                let platt = match perm {
                    Some(perm) => Some(self.platt(kernel, &rows, &signs, perm, (c, options))?),
                    None => None,
                };
                let sol = self.solve(kernel, &rows, &signs, c, options);
                let keep: Vec<usize> = (0..rows.len()).filter(|&r| sol.coef[r] != 0.0).collect();
                Ok((
                    keep.iter().map(|&r| rows[r]).collect(),
                    keep.iter().map(|&r| sol.coef[r]).collect(),
                    sol.rho,
                    platt,
                    sol.iterations,
                ))
            })
            .collect()
    }

    /// The fitted model: the union of the pairs' support vectors (in training order, read
    /// from `x`), and each pair's coefficients pointing into it.
    fn model(
        &self,
        x: Features<'_>,
        classes: Vec<usize>,
        kernel: Resolved,
        pairs: Vec<(usize, usize)>,
        fitted: Vec<FittedPair>,
    ) -> SvcModel {
        let mut support_rows: Vec<usize> =
            fitted.iter().flat_map(|f| f.0.iter().copied()).collect();
        support_rows.sort_unstable();
        support_rows.dedup();
        let support = x.select(&support_rows).view().to_f64();
        let pairs = pairs
            .into_iter()
            .zip(fitted)
            .map(|((i, j), (rows, coef, rho, platt, n_iter))| Pair {
                i,
                j,
                support: rows
                    .iter()
                    .map(|r| support_rows.binary_search(r).expect("a support row"))
                    .collect(),
                coef,
                rho,
                platt,
                n_iter,
            })
            .collect();
        SvcModel {
            params: *self,
            classes,
            kernel,
            support,
            support_rows,
            pairs,
        }
    }
}

impl Svc {
    /// libsvm's `svm_binary_svc_probability`: decision values from 5-fold cross-validation
    /// (the folds of the shuffle `perm`), then Platt's sigmoid fitted to them. Each fold's
    /// problem is laid out as libsvm's `svm_train` lays it out: the negative class first.
    fn platt(
        &self,
        kernel: &Kernel<'_>,
        rows: &[usize],
        signs: &[i8],
        perm: &[usize],
        (c, options): ((f64, f64), SvcFitOptions<'_>),
    ) -> Result<(f64, f64)> {
        let l = rows.len();
        let mut dec = vec![0.0; l];
        for f in 0..FOLDS {
            let (begin, end) = (f * l / FOLDS, (f + 1) * l / FOLDS);
            let train: Vec<usize> = perm[..begin].iter().chain(&perm[end..]).copied().collect();
            let (neg, pos): (Vec<usize>, Vec<usize>) = train.iter().partition(|&&t| signs[t] < 0);
            let constant = match (pos.is_empty(), neg.is_empty()) {
                (true, true) => Some(0.0),
                (false, true) => Some(1.0),
                (true, false) => Some(-1.0),
                (false, false) => None,
            };
            if let Some(v) = constant {
                for &t in &perm[begin..end] {
                    dec[t] = v;
                }
                continue;
            }
            // Sorted labels put −1 first: it is the inner problem's positive class.
            let inner: Vec<usize> = neg.iter().chain(&pos).map(|&t| rows[t]).collect();
            let inner_signs: Vec<i8> = (0..inner.len())
                .map(|r| if r < neg.len() { 1 } else { -1 })
                .collect();
            // The inner problem's positive class is this pair's negative one: the bounds swap.
            let sol = self.solve(kernel, &inner, &inner_signs, (c.1, c.0), options);
            for &t in &perm[begin..end] {
                let mut sum = 0.0;
                for (&r, &c) in inner.iter().zip(&sol.coef) {
                    if c != 0.0 {
                        sum += c * kernel.eval(rows[t], r);
                    }
                }
                // Times the inner model's first label (−1): positive for this pair's `i`.
                dec[t] = -(sum - sol.rho);
            }
        }
        let labels: Vec<bool> = signs.iter().map(|&s| s > 0).collect();
        Ok(sigmoid_train(&dec, &labels))
    }
}

/// Folds of libsvm's probability cross-validation.
const FOLDS: usize = 5;

/// The seed scikit-learn hands libsvm: `RandomState(random_state).randint(2**31 - 1)`.
fn libsvm_seed(random_state: u64) -> Result<u32> {
    crate::rand_r::first_randint(random_state, i32::MAX as u32)
}

/// scikit-learn's libsvm generator (`newrand.h`): a 32-bit Mersenne Twister (`std::mt19937`,
/// seeded as NumPy's `RandomState` seeds one) bounded by Lemire's method.
struct LibsvmRng {
    seed: u32,
    mt: classify_random::RandomState,
}

impl LibsvmRng {
    fn new(seed: u32) -> LibsvmRng {
        let mt = classify_random::RandomState::new(seed).expect("a 32-bit seed");
        LibsvmRng { seed, mt }
    }

    /// `bounded_rand_int(range)`: uniform in `0..range`.
    fn below(&mut self, range: u32) -> u32 {
        let mut m = u64::from(self.mt.next_u32()) * u64::from(range);
        if (m as u32) < range {
            let t = range.wrapping_neg() % range;
            while (m as u32) < t {
                m = u64::from(self.mt.next_u32()) * u64::from(range);
            }
        }
        (m >> 32) as u32
    }

    /// The shuffle of one pair's rows (`signs`) for `svm_binary_svc_probability`. Every inner
    /// `svm_train` of that function re-seeds the generator (`set_seed(random_seed)`), so
    /// after a pair with any fold holding both classes the next pair draws from a fresh one.
    fn probability_folds(&mut self, signs: &[i8]) -> Vec<usize> {
        let l = signs.len();
        let mut perm: Vec<usize> = (0..l).collect();
        for i in 0..l {
            let range = u32::try_from(l - i).expect("fewer than 2^32 rows");
            let j = i + self.below(range) as usize;
            perm.swap(i, j);
        }
        let inner_fit = (0..FOLDS).any(|f| {
            let (begin, end) = (f * l / FOLDS, (f + 1) * l / FOLDS);
            let train = || perm[..begin].iter().chain(&perm[end..]);
            train().any(|&t| signs[t] > 0) && train().any(|&t| signs[t] < 0)
        });
        if inner_fit {
            *self = LibsvmRng::new(self.seed);
        }
        perm
    }
}

/// libsvm's `sigmoid_train` (Platt's method with the improvements of Lin, Lin and Weng):
/// `(A, B)` of P(positive | f) = 1 / (1 + exp(A·f + B)), by Newton's method with a
/// backtracking line search on the regularised targets.
fn sigmoid_train(dec: &[f64], labels: &[bool]) -> (f64, f64) {
    let prior1 = labels.iter().filter(|&&p| p).count() as f64;
    let prior0 = labels.len() as f64 - prior1;
    let (max_iter, min_step, sigma, eps) = (100, 1e-10, 1e-12, 1e-5);
    let hi = (prior1 + 1.0) / (prior1 + 2.0);
    let lo = 1.0 / (prior0 + 2.0);
    let t: Vec<f64> = labels.iter().map(|&p| if p { hi } else { lo }).collect();
    let objective = |a: f64, b: f64| -> f64 {
        let mut f = 0.0;
        for (&d, &ti) in dec.iter().zip(&t) {
            let fapb = d * a + b;
            f += if fapb >= 0.0 {
                ti * fapb + (1.0 + (-fapb).exp()).ln()
            } else {
                (ti - 1.0) * fapb + (1.0 + fapb.exp()).ln()
            };
        }
        f
    };
    let (mut a, mut b) = (0.0, ((prior0 + 1.0) / (prior1 + 1.0)).ln());
    let mut fval = objective(a, b);
    for _ in 0..max_iter {
        let (mut h11, mut h22, mut h21, mut g1, mut g2) = (sigma, sigma, 0.0, 0.0, 0.0);
        for (&d, &ti) in dec.iter().zip(&t) {
            let fapb = d * a + b;
            let (p, q) = if fapb >= 0.0 {
                let e = (-fapb).exp();
                (e / (1.0 + e), 1.0 / (1.0 + e))
            } else {
                let e = fapb.exp();
                (1.0 / (1.0 + e), e / (1.0 + e))
            };
            let d2 = p * q;
            h11 += d * d * d2;
            h22 += d2;
            h21 += d * d2;
            let d1 = ti - p;
            g1 += d * d1;
            g2 += d1;
        }
        if g1.abs() < eps && g2.abs() < eps {
            break;
        }
        let det = h11 * h22 - h21 * h21;
        let da = -(h22 * g1 - h21 * g2) / det;
        let db = -(-h21 * g1 + h11 * g2) / det;
        let gd = g1 * da + g2 * db;
        let mut step = 1.0;
        while step >= min_step {
            let (na, nb) = (a + step * da, b + step * db);
            let nf = objective(na, nb);
            if nf < fval + 0.0001 * step * gd {
                a = na;
                b = nb;
                fval = nf;
                break;
            }
            step /= 2.0;
        }
        if step < min_step {
            break;
        }
    }
    (a, b)
}

impl SvcModel {
    /// The parameters it was fitted with.
    pub fn params(&self) -> &Svc {
        &self.params
    }

    /// Number of support vectors (each counted once, as scikit-learn's `support_`).
    pub fn n_support(&self) -> usize {
        self.support_rows.len()
    }

    /// Training rows that are support vectors, sorted.
    pub fn support_indices(&self) -> &[usize] {
        &self.support_rows
    }

    /// Solver iterations of each binary problem, pairs in order (scikit-learn's `n_iter_`).
    pub fn n_iter(&self) -> Vec<usize> {
        self.pairs.iter().map(|p| p.n_iter).collect()
    }

    /// The support vectors, one row per entry of [`support_indices`](Self::support_indices).
    pub fn support_vectors(&self) -> ArrayView2<'_, f64> {
        self.support.view()
    }

    /// The binary problems, in libsvm's order (0,1), (0,2), …, (1,2), …: what scikit-learn
    /// lays out as `dual_coef_`, `intercept_`, `probA_` and `probB_`.
    pub fn pairs(&self) -> impl Iterator<Item = SvcPair<'_>> {
        self.pairs.iter().map(|p| SvcPair {
            classes: (p.i, p.j),
            support: &p.support,
            coef: &p.coef,
            rho: p.rho,
            platt: p.platt,
        })
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
        let bytes = match x {
            Features::U8(_) => SupportBytes::of(&self.support),
            _ => None,
        };
        with_valid(x, |x| {
            let n = x.n_samples();
            const CHUNK: usize = 256;
            let parts: Vec<Array2<f64>> = (0..n.div_ceil(CHUNK))
                .into_par_iter()
                .map(|c| {
                    let rows: Vec<usize> = (c * CHUNK..((c + 1) * CHUNK).min(n)).collect();
                    let k = match (&bytes, x) {
                        (Some(sv), Features::U8(pixels)) => {
                            let a: Vec<&[u8]> = rows
                                .iter()
                                .map(|&r| pixels.row(r).to_slice().expect("standard layout"))
                                .collect();
                            sv.kernel_matrix(self.kernel, &a)
                        }
                        _ => {
                            let q = x.select(&rows).view().to_f64();
                            kernel_matrix(self.kernel, q.view(), self.support.view())
                        }
                    };
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
