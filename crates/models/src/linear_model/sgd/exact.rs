//! scikit-learn's `_plain_sgd64`, step for step: its seeds, its shuffles, its arithmetic in
//! `f64` (the default solver, [`SgdSolver::ScikitLearn`](super::SgdSolver)).

use crate::rand_r::our_rand_r;
use classify_core::{Error, Features, Result, Row, Standardization};
use classify_random::RandomState;
use rayon::prelude::*;

use super::{Penalty, SgdClassifier};
use crate::simd::rows::{prefetch, prefetch_l2};

mod margins;

use margins::{row_norms, Margins};

/// The weights, intercept and epochs of each binary problem: one for two classes (the
/// second class positive), one per class otherwise. `index[k]` is row `rows[k]`'s class.
pub(super) fn train(
    params: &SgdClassifier,
    x: Features<'_>,
    rows: &[usize],
    index: &[usize],
    n_classes: usize,
    standard: Option<Standardization<'_>>,
    options: Options<'_>,
) -> Result<Vec<(Vec<f64>, f64, usize)>> {
    let standard = standard.map(|s| Standard {
        mean: s.mean,
        scale: s.scale,
        inv_scale: s.scale.iter().map(|k| 1.0 / k).collect(),
    });
    let view = match &standard {
        Some(s) => View::Standard(s),
        None => View::Plain,
    };
    // The rows' norms as training sees them, once for every problem (they share the rows).
    let norms = Margins::apply(params, x, view).then(|| row_norms(x, rows, view));
    let norms = norms.as_deref();
    // scikit-learn's seeds: for two classes one problem (the second class positive)
    // seeded by `RandomState(random_state)` itself; otherwise one problem per class, each
    // seeded by `RandomState(random_state).randint(2^31 − 1, size=n_classes)[class]`.
    // Each problem's generator first makes its dataset (one `randint(1, 2^31 − 1)`,
    // unused here) and then draws the seed of its shuffles (`randint(2^31 − 1)`).
    let seed = params.seed()?;
    let problems: Vec<(usize, u32)> = if n_classes == 2 {
        vec![(1, seed)]
    } else {
        let mut rs = RandomState::new(seed).map_err(random_error)?;
        let seeds: Vec<u32> = rs
            .randints(0, MAX_INT)
            .map_err(random_error)?
            .take(n_classes)
            .map(|s| s as u32)
            .collect();
        seeds.into_iter().enumerate().collect()
    };
    problems
        .par_iter()
        .map(|&(class, problem_seed)| {
            let mut rs = RandomState::new(problem_seed).map_err(random_error)?;
            rs.randint(1, MAX_INT).map_err(random_error)?;
            let shuffle_seed = rs.randint(0, MAX_INT).map_err(random_error)? as u32;
            let positive: Vec<bool> = index.iter().map(|&i| i == class).collect();
            // The problem's row of weights: the only one for two classes.
            let from = options.start.map(|s| {
                let k = if n_classes == 2 { 0 } else { class };
                (s.coef.row(k).to_vec(), s.intercept[k], s.t)
            });
            // scikit-learn's class weights: for two classes the second's on positive rows and
            // the first's on negative ones; one-vs-rest, the class's on its rows and 1 on
            // the rest.
            let weights = match options.class_weight {
                None => (1.0, 1.0),
                Some(w) if n_classes == 2 => (w[1], w[0]),
                Some(w) => (w[class], 1.0),
            };
            let problem = Problem {
                from,
                weights,
                shuffle_seed,
            };
            plain_sgd(params, x, rows, &positive, view, norms, problem)
        })
        .collect()
}

/// What a training run may add to the parameters: a `partial_fit`'s start, class weights
/// (one per class, in the sorted classes' order).
#[derive(Clone, Copy, Default)]
pub(super) struct Options<'a> {
    pub(super) start: Option<Start<'a>>,
    pub(super) class_weight: Option<&'a [f64]>,
}

/// One binary problem's start (a `partial_fit`'s weights, intercept and `t`), its weights of
/// positive and negative rows, and the seed of its shuffles.
struct Problem {
    from: Option<(Vec<f64>, f64, f64)>,
    weights: (f64, f64),
    shuffle_seed: u32,
}

/// Where a `partial_fit` starts: the weights and intercepts so far (one row per binary
/// problem) and scikit-learn's step count `t_`.
#[derive(Clone, Copy)]
pub(super) struct Start<'a> {
    pub(super) coef: &'a ndarray::Array2<f64>,
    pub(super) intercept: &'a [f64],
    pub(super) t: f64,
}

/// One binary problem as scikit-learn's `_plain_sgd64` trains it (`positive[k]` says
/// whether row `rows[k]` is positive): in `f64`, rows in the order of its shuffles
/// (`shuffle_seed`), the "optimal" schedule, the penalty as a scale factor on the
/// weights (and scikit-learn's truncated L1 step), the stopping rule on the epoch's mean
/// objective. The weights are scikit-learn's up to the order in which a row's products
/// are summed (a part in 10¹⁶ of the score; hinge loss only asks its sign against the
/// margin); the norms behind the objective likewise.
fn plain_sgd(
    params: &SgdClassifier,
    x: Features<'_>,
    rows: &[usize],
    positive: &[bool],
    view: View<'_>,
    norms: Option<&[f32]>,
    problem: Problem,
) -> Result<(Vec<f64>, f64, usize)> {
    let Problem {
        from,
        weights: (positive_weight, negative_weight),
        shuffle_seed,
    } = problem;
    let alpha = params.alpha;
    let loss = params.loss;
    // `_plain_sgd` sets the ratio by the penalty: L2 never sees `l1_ratio`.
    let l1_ratio = match params.penalty {
        Penalty::L2 | Penalty::None => 0.0,
        Penalty::L1 => 1.0,
        Penalty::ElasticNet => params.l1_ratio,
    };
    let scales = matches!(params.penalty, Penalty::L2 | Penalty::ElasticNet);
    let truncates = matches!(params.penalty, Penalty::L1 | Penalty::ElasticNet);
    // eta at the first sample is typw / max(1, dloss(-typw, 1)).
    let typw = (1.0 / alpha.sqrt()).sqrt();
    let initial_eta0 = typw / f64::max(1.0, loss.gradient(1.0, -typw));
    let optimal_init = 1.0 / (initial_eta0 * alpha);
    let d = x.n_features();
    // A `partial_fit` continues from the weights, intercept and step count so far, as
    // scikit-learn hands them to `_plain_sgd` (a new weight vector of scale 1).
    let (mut w, mut intercept, mut t) = match from {
        Some((w, b, t)) => (Weights::from_vec(w), b, t),
        None => (Weights::new(d), 0.0f64, 1.0f64),
    };
    // The cumulative L1 step and what each weight has received of it.
    let (mut u, mut q) = (0.0, if truncates { vec![0.0; d] } else { Vec::new() });
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    let n = rows.len() as f64;
    let (mut best, mut no_improvement) = (f64::INFINITY, 0);
    let mut epochs = 0;
    let mut buf = vec![0.0f64; d];
    let mut scorer = Scorer::new(x, view, loss, &w.w, norms);
    // Rows `0..n` in order (a fit on every row, gathered): the row is its position, and the
    // walk skips a random read of `rows` per step (480 KB of indices read in shuffled order
    // competed with the rows for the caches).
    let in_order = rows.iter().enumerate().all(|(i, &r)| i == r);
    let row_of = |k: usize| if in_order { k } else { rows[k] };
    for epoch in 0..params.max_iter {
        epochs = epoch + 1;
        let mut objective = 0.0;
        if params.shuffle {
            sklearn_shuffle(&mut order, shuffle_seed);
        }
        let label = |k: usize| if positive[k] { 1.0 } else { -1.0 };
        for (pos, &k) in order.iter().enumerate() {
            // Rows read ahead, but not those their kept margins will likely settle.
            if let Some(&ahead) = order.get(pos + PREFETCH_L2_AHEAD) {
                let ahead = ahead as usize;
                if !scorer.kept_beyond(ahead, &w, label(ahead), intercept) {
                    prefetch_l2(x.row(row_of(ahead)));
                }
            }
            if let Some(&ahead) = order.get(pos + PREFETCH_L1_AHEAD) {
                let ahead = ahead as usize;
                if !scorer.kept_beyond(ahead, &w, label(ahead), intercept) {
                    prefetch(x.row(row_of(ahead)));
                }
            }
            let k = k as usize;
            let raw = x.row(row_of(k));
            let yk = label(k);
            // No score: the row is settled beyond the margin, its loss and gradient are
            // zero; adding nothing to the objective leaves it as it is, and no update.
            let p = scorer.score(k, &w, raw, yk, intercept);
            let eta = 1.0 / (alpha * (optimal_init + t - 1.0));
            if let Some(p) = p {
                objective += loss.loss(yk, p);
            }
            if params.penalty != Penalty::None {
                objective += alpha
                    * ((1.0 - l1_ratio) * 0.5 * w.sq_norm.sqrt().powi(2) + l1_ratio * w.l1_norm);
            }
            let class_weight = if yk > 0.0 {
                positive_weight
            } else {
                negative_weight
            };
            let update = p.map_or(0.0, |p| {
                -eta * loss.gradient(yk, p).clamp(-MAX_DLOSS, MAX_DLOSS) * class_weight
            });
            // Whether the weights themselves (not their scale) changed.
            let mut moved = false;
            // Never a negative scale: the weights go to zero instead.
            if scales && w.scale(f64::max(0.0, 1.0 - (1.0 - l1_ratio) * eta * alpha)) {
                scorer.multiplied_out(&w.w);
                moved = true;
            }
            if update != 0.0 {
                view.add(&mut w, raw, &mut buf, update);
                moved = true;
                if params.fit_intercept {
                    intercept += update;
                }
            }
            if truncates {
                u += l1_ratio * eta * alpha;
                w.truncate(&mut q, u);
                moved = true;
            }
            if moved {
                scorer.follow(&w.w);
            }
            t += 1.0;
        }
        scorer.epoch_ended(&w.w);
        if !intercept.is_finite() || w.w.iter().any(|v| !v.is_finite()) {
            return Err(Error::Diverged(epochs));
        }
        if let Some(tol) = params.tol {
            let mean = objective / n;
            if mean > best - tol {
                no_improvement += 1;
            } else {
                no_improvement = 0;
            }
            if mean < best {
                best = mean;
            }
            if no_improvement >= params.n_iter_no_change {
                break;
            }
        }
    }
    w.reset_scale();
    Ok((w.w, intercept, epochs))
}

/// How many rows ahead (in shuffled order) to prefetch into L2 ([`prefetch_l2`]).
const PREFETCH_L2_AHEAD: usize = 32;
/// How many rows ahead to bring from L2 into L1 ([`prefetch`]): the rows 32 ahead reach L2,
/// but loading a row's 13 lines from there stalled the products (`vpmovzxbd` held 40 % of the
/// samples). Both prefetches: the 5-detector from Python (60,000 × 784 Fashion-MNIST bytes,
/// 180 epochs) 1.86 → 1.10 s, with 2 or 8 rows ahead 1.1–1.4 s.
const PREFETCH_L1_AHEAD: usize = 4;
/// `np.iinfo(np.int32).max`: scikit-learn's bound for the seeds it draws.
const MAX_INT: i64 = i32::MAX as i64;
/// scikit-learn's clip on the loss gradient.
const MAX_DLOSS: f64 = 1e12;
/// Below this scale the weights are multiplied out (scikit-learn's threshold for `f64`).
const WSCALE_THRESHOLD: f64 = 1e-9;

fn random_error(e: classify_random::Error) -> Error {
    Error::InvalidParameter(e.to_string())
}

/// The shuffle of scikit-learn's sequential datasets: Fisher–Yates from the front with
/// `our_rand_r`, from the same seed at every epoch (the seed is passed by value), so each
/// epoch applies the same permutation to the previous epoch's order.
fn sklearn_shuffle(order: &mut [u32], mut seed: u32) {
    let n = order.len();
    for i in 0..n.saturating_sub(1) {
        let j = i + (our_rand_r(&mut seed) % (n - i) as u32) as usize;
        order.swap(i, j);
    }
}

/// scikit-learn's `WeightVector64`: the weights are `wscale · w`, their squared norm and L1
/// norm kept for the objective (recomputed after each step, as `add` does; scaled with the
/// weights; left as they are by the L1 truncation).
struct Weights {
    w: Vec<f64>,
    wscale: f64,
    sq_norm: f64,
    l1_norm: f64,
}

impl Weights {
    fn new(d: usize) -> Self {
        Weights {
            w: vec![0.0; d],
            wscale: 1.0,
            sq_norm: 0.0,
            l1_norm: 0.0,
        }
    }

    /// Weights `w` at scale 1, their norms computed.
    fn from_vec(w: Vec<f64>) -> Self {
        Weights {
            sq_norm: w.iter().map(|v| v * v).sum(),
            l1_norm: w.iter().map(|v| v.abs()).sum(),
            w,
            wscale: 1.0,
        }
    }

    /// Scales the weights by `c` (as `wscale`); true when that multiplied them out.
    fn scale(&mut self, c: f64) -> bool {
        self.wscale *= c;
        self.sq_norm *= c * c;
        self.l1_norm *= c.abs();
        if self.wscale < WSCALE_THRESHOLD {
            self.reset_scale();
            return true;
        }
        false
    }

    fn reset_scale(&mut self) {
        let s = self.wscale;
        self.w.iter_mut().for_each(|v| *v *= s);
        self.wscale = 1.0;
    }

    /// `w += c · x` (as `wscale · w`): each weight `+= x·(c / wscale)`, then the norms.
    fn add(&mut self, x: Row64<'_>, c: f64) {
        let step = c / self.wscale;
        let (sq, l1) = add64(&mut self.w, x, step);
        self.sq_norm = sq * (self.wscale * self.wscale);
        self.l1_norm = l1 * self.wscale;
    }

    /// [`Weights::add`] of a row of bytes standardised, `(x − mean) / scale` (the
    /// divisions of scikit-learn's scaler, in the same pass, the row never written out).
    fn add_standard(&mut self, x: &[u8], st: &Standard<'_>, c: f64) {
        let step = c / self.wscale;
        let (sq, l1) = simd64::add_standard_u8(&mut self.w, x, st.mean, st.scale, step);
        self.sq_norm = sq * (self.wscale * self.wscale);
        self.l1_norm = l1 * self.wscale;
    }

    /// scikit-learn's `l1penalty`: each weight moved towards zero by what it has not yet
    /// received of the cumulative L1 step `u`, never across zero.
    fn truncate(&mut self, q: &mut [f64], u: f64) {
        let s = self.wscale;
        for (w, q) in self.w.iter_mut().zip(q.iter_mut()) {
            let z = *w;
            if s * z > 0.0 {
                *w = f64::max(0.0, *w - (u + *q) / s);
            } else if s * z < 0.0 {
                *w = f64::min(0.0, *w + (u - *q) / s);
            }
            *q += s * (*w - z);
        }
    }
}

/// The values of a row as training reads them.
#[derive(Clone, Copy)]
pub(super) enum Row64<'a> {
    U8(&'a [u8]),
    F32(&'a [f32]),
    F64(&'a [f64]),
}

impl<'a> From<Row<'a>> for Row64<'a> {
    fn from(row: Row<'a>) -> Self {
        match row {
            Row::U8(x) => Row64::U8(x),
            Row::F32(x) => Row64::F32(x),
            Row::F64(x) => Row64::F64(x),
        }
    }
}

/// `Σ w·x`, in 32 partial sums.
pub(super) fn dot64(w: &[f64], x: Row64<'_>) -> f64 {
    match x {
        Row64::U8(x) => simd64::dot_u8(w, x),
        Row64::F32(x) => simd64::dot_f32(w, x),
        Row64::F64(x) => simd64::dot_f64(w, x),
    }
}

/// `Σ w·x` summed from the first product to the last, as scikit-learn's `WeightVector.dot`.
fn sequential_dot(w: &[f64], x: Row64<'_>) -> f64 {
    fn sum<T: Copy + Into<f64>>(w: &[f64], x: &[T]) -> f64 {
        w.iter().zip(x).fold(0.0, |s, (&w, &x)| s + w * x.into())
    }
    match x {
        Row64::U8(x) => sum(w, x),
        Row64::F32(x) => sum(w, x),
        Row64::F64(x) => sum(w, x),
    }
}

/// `w += step · x` elementwise (a product, then a sum: no fused multiply-add, as
/// scikit-learn's build); returns `(Σ w², Σ |w|)` of the result.
fn add64(w: &mut [f64], x: Row64<'_>, step: f64) -> (f64, f64) {
    match x {
        Row64::U8(x) => simd64::add_u8(w, x, step),
        Row64::F32(x) => simd64::add_f32(w, x, step),
        Row64::F64(x) => simd64::add_f64(w, x, step),
    }
}

/// The `f64` kernels of SGD, compiled for AVX-512, AVX2 and the baseline, chosen at run
/// time, for rows of any value type. The sums run in 32 (the dot) or 16 (the norms) lanes,
/// which the compiler keeps in four or two independent vector registers: with one register
/// the additions wait on each other (a 784-pixel dot took about twice as long so).
mod simd64 {
    use classify_kernel::kernel;

    const DOT: usize = 32;
    const ADD: usize = 16;

    macro_rules! kernels {
        ($dot:ident, $add:ident, $t:ty) => {
            #[kernel]
            pub(super) fn $dot(w: &[f64], x: &[$t]) -> f64 {
                let n = w.len().min(x.len());
                let (w, x) = (&w[..n], &x[..n]);
                let mut acc = [0.0f64; DOT];
                let (wc, xc) = (w.chunks_exact(DOT), x.chunks_exact(DOT));
                let (wr, xr) = (wc.remainder(), xc.remainder());
                for (a, b) in wc.zip(xc) {
                    for i in 0..DOT {
                        acc[i] += a[i] * f64::from(b[i]);
                    }
                }
                let mut s: f64 = acc.iter().sum();
                for (a, &b) in wr.iter().zip(xr) {
                    s += a * f64::from(b);
                }
                s
            }

            #[kernel]
            pub(super) fn $add(w: &mut [f64], x: &[$t], step: f64) -> (f64, f64) {
                let n = w.len().min(x.len());
                let (w, x) = (&mut w[..n], &x[..n]);
                let (mut sq, mut l1) = ([0.0f64; ADD], [0.0f64; ADD]);
                let mut wc = w.chunks_exact_mut(ADD);
                let mut xc = x.chunks_exact(ADD);
                for (a, b) in (&mut wc).zip(&mut xc) {
                    for i in 0..ADD {
                        let v = a[i] + f64::from(b[i]) * step;
                        a[i] = v;
                        sq[i] += v * v;
                        l1[i] += v.abs();
                    }
                }
                let (mut s, mut l): (f64, f64) = (sq.iter().sum(), l1.iter().sum());
                for (a, &b) in wc.into_remainder().iter_mut().zip(xc.remainder()) {
                    *a += f64::from(b) * step;
                    s += *a * *a;
                    l += a.abs();
                }
                (s, l)
            }
        };
    }

    /// `add_f64` of the row `(x − mean) / scale`, computed as it goes: the same
    /// operations in the same order, so the same weights and sums.
    #[kernel]
    pub(super) fn add_standard_u8(
        w: &mut [f64],
        x: &[u8],
        mean: &[f64],
        scale: &[f64],
        step: f64,
    ) -> (f64, f64) {
        let n = w.len().min(x.len()).min(mean.len()).min(scale.len());
        let (w, x, mean, scale) = (&mut w[..n], &x[..n], &mean[..n], &scale[..n]);
        let (mut sq, mut l1) = ([0.0f64; ADD], [0.0f64; ADD]);
        let mut wc = w.chunks_exact_mut(ADD);
        let mut xc = x.chunks_exact(ADD);
        let mut mc = mean.chunks_exact(ADD);
        let mut kc = scale.chunks_exact(ADD);
        for (((a, b), m), k) in (&mut wc).zip(&mut xc).zip(&mut mc).zip(&mut kc) {
            for i in 0..ADD {
                let v = a[i] + (f64::from(b[i]) - m[i]) / k[i] * step;
                a[i] = v;
                sq[i] += v * v;
                l1[i] += v.abs();
            }
        }
        let (mut s, mut l): (f64, f64) = (sq.iter().sum(), l1.iter().sum());
        let rest = wc.into_remainder().iter_mut().zip(xc.remainder());
        for ((a, &b), (&m, &k)) in rest.zip(mc.remainder().iter().zip(kc.remainder())) {
            *a += (f64::from(b) - m) / k * step;
            s += *a * *a;
            l += a.abs();
        }
        (s, l)
    }

    /// `Σ (a − b)²`.
    #[kernel]
    pub(super) fn distance_sq(a: &[f64], b: &[f64]) -> f64 {
        let n = a.len().min(b.len());
        let (a, b) = (&a[..n], &b[..n]);
        let mut acc = [0.0f64; ADD];
        let (ac, bc) = (a.chunks_exact(ADD), b.chunks_exact(ADD));
        let (ar, br) = (ac.remainder(), bc.remainder());
        for (a, b) in ac.zip(bc) {
            for i in 0..ADD {
                let e = a[i] - b[i];
                acc[i] += e * e;
            }
        }
        let mut s: f64 = acc.iter().sum();
        for (a, b) in ar.iter().zip(br) {
            s += (a - b) * (a - b);
        }
        s
    }

    /// `v = w · r` elementwise.
    #[kernel]
    pub(super) fn mul_into(v: &mut [f64], w: &[f64], r: &[f64]) {
        for ((v, &w), &r) in v.iter_mut().zip(w).zip(r) {
            *v = w * r;
        }
    }

    /// `v32 = v` rounded to `f32`; returns `Σ |v|`.
    #[kernel]
    pub(super) fn narrow(v32: &mut [f32], v: &[f64]) -> f64 {
        let mut l1 = [0.0f64; ADD];
        let n = v32.len().min(v.len());
        let (v32, v) = (&mut v32[..n], &v[..n]);
        let mut oc = v32.chunks_exact_mut(ADD);
        let mut ic = v.chunks_exact(ADD);
        for (o, i) in (&mut oc).zip(&mut ic) {
            for j in 0..ADD {
                o[j] = i[j] as f32;
                l1[j] += i[j].abs();
            }
        }
        let mut s: f64 = l1.iter().sum();
        for (o, &i) in oc.into_remainder().iter_mut().zip(ic.remainder()) {
            *o = i as f32;
            s += i.abs();
        }
        s
    }

    kernels!(dot_u8, add_u8, u8);
    kernels!(dot_f32, add_f32, f32);
    kernels!(dot_f64, add_f64, f64);
}

/// Standard scaling applied while training: a row standardised when a step needs it,
/// `(x − mean) / scale` in `f64` as scikit-learn's `StandardScaler.transform` computes it
/// (the scaled copy is never written: for 60,000 × 784 pixels it would be 376 MB); scores
/// through [`Shadow`].
struct Standard<'a> {
    mean: &'a [f64],
    scale: &'a [f64],
    inv_scale: Vec<f64>,
}

/// The weights as seen from the raw features of a standardised problem: `v = w / scale`
/// and `c = Σ v·mean`, so that `w · (x − mean) / scale = v · x − c` — a dot product over the
/// raw row (bytes read as they are) instead of 784 divisions per row read. The score so
/// computed differs from scikit-learn's only in rounding (a few parts in 10¹⁴ where the two
/// sums nearly cancel); the steps themselves take the exactly standardised row.
struct Shadow {
    v: Vec<f64>,
    c: f64,
}

impl Shadow {
    fn follow(&mut self, w: &[f64], st: &Standard<'_>) {
        // `v` feeds only scores (rounding there is allowed for): a product, not a division.
        simd64::mul_into(&mut self.v, w, &st.inv_scale);
        self.c = simd64::dot_f64(&self.v, st.mean);
    }

    fn dot(&self, raw: Row<'_>) -> f64 {
        dot64(&self.v, Row64::from(raw)) - self.c
    }
}

/// The vector that scores rows of bytes (the weights, or the [`Shadow`] of standardised
/// ones), rounded to `f32`, with `bound = 255 · Σ |v|` (no row of bytes has
/// `Σ |v·x|` above it). Hinge-type losses ignore every row scored beyond their margin,
/// most rows once training has settled, and its score in `f32` (twice the pixels a
/// vector instruction of the `f64` one, and half the bytes of weights) tells that with
/// a proven allowance; only the rest are scored in `f64`. The steps and the sums are
/// those of scoring every row in `f64`.
struct Screen {
    v: Vec<f32>,
    bound: f64,
    threshold: f64,
}

impl Screen {
    /// Follows the vector after each change of it.
    fn sync(&mut self, v: &[f64]) {
        self.bound = 255.0 * simd64::narrow(&mut self.v, v);
    }

    /// A lower bound on `y · w·φ(x)` (the real product of the weights, before their scale,
    /// with the row as training sees it) from the `f32` sum `s` of row `x` of class `y`
    /// (±1): `y · (s − c) − (bound + |c|) · 2⁻¹⁶`; `None` outside
    /// `[SCREEN_MIN_BOUND, SCREEN_MAX_BOUND]` (`f32` would underflow or overflow), NaN
    /// included.
    ///
    /// The allowance: rounding `v` to `f32` moves each product by at most 2⁻²⁴ of
    /// `|v·x|`; the products are fused into their sums (no rounding of their own), and the
    /// sum of bytes' products ([`crate::simd::rows::dot_u8_fused`]) takes any product
    /// through at most `n / 64 + 3 + 6 + 15` additions (within its lane, the rest, the
    /// halvings, the last few), each rounding by at most 2⁻²⁴ of a sum no larger than
    /// `Σ |v·x| ≤ bound`. For `n ≤` [`SCREEN_MAX_FEATURES`] that is under 100 roundings:
    /// `|s − v·x| < 100 · 2⁻²⁴ · bound < 2⁻¹⁷ · bound`. The shadow `v` (`w / scale`, one
    /// product by a rounded reciprocal per weight) and `c` (a sum of at most 4,096
    /// products of bytes) put `v·x − c` within `2⁻⁴⁰ · bound` of `w·φ(x)`.
    fn lower(&self, x: &[u8], y: f64, c: f64) -> Option<f64> {
        if !(SCREEN_MIN_BOUND..=SCREEN_MAX_BOUND).contains(&self.bound) {
            return None;
        }
        let s = f64::from(crate::simd::rows::dot_u8_fused(&self.v, x));
        Some(y * (s - c) - (self.bound + c.abs()) * SCREEN_ALLOWANCE)
    }

    /// Whether a row of class `y` with `y · w·φ(x) ≥ lower` certainly scores beyond the
    /// margin in `f64` now: `y · ((v·x − c) · wscale + intercept) > threshold` for the
    /// `f64` sum of any order. That sum is within `2⁻⁴⁰ · bound` of `v·x`, and `v·x − c`
    /// within as much of `w·φ(x)` (see [`Screen::lower`]); the allowance taken,
    /// `2⁻¹⁶ · ((bound + |c|) · wscale + |intercept|)`, covers them and the few `f64`
    /// operations of the score, and `2⁻⁴⁰ · magnitude · wscale` the rounding of `lower`
    /// itself where it is the difference of terms of that magnitude. NaN or infinite
    /// anywhere: not beyond (the `f64` score decides).
    fn beyond(&self, lower: f64, magnitude: f64, y: f64, c: f64, wscale: f64, b: f64) -> bool {
        if !(SCREEN_MIN_BOUND..=SCREEN_MAX_BOUND).contains(&self.bound) {
            return false;
        }
        let z = wscale * lower + y * b;
        let allowance = ((self.bound + c.abs()) * wscale + b.abs()) * SCREEN_ALLOWANCE
            + magnitude * wscale * MARGIN_ROUNDING;
        z - allowance > self.threshold
    }
}

/// The relative allowance of [`Screen::lower`] and of [`Screen::beyond`]: 2⁻¹⁶ each.
const SCREEN_ALLOWANCE: f64 = 1.0 / 65_536.0;
/// A relative allowance far above the rounding of a few `f64` operations: 2⁻⁴⁰.
const MARGIN_ROUNDING: f64 = 1.0 / 1_099_511_627_776.0;
/// Rows longer than this are scored in `f64` only (the allowance assumes no more).
const SCREEN_MAX_FEATURES: usize = 4_096;
/// Below this bound `f32` products could lose their relative precision to underflow.
const SCREEN_MIN_BOUND: f64 = 1e-20;
/// Above this bound `f32` products or sums could overflow.
const SCREEN_MAX_BOUND: f64 = 1e37;

/// How training reads a row: as it is, or standardised on the fly.
#[derive(Clone, Copy)]
enum View<'a> {
    Plain,
    Standard(&'a Standard<'a>),
}

impl View<'_> {
    /// `w += c · row` with the row as training sees it: bytes standardised in the same
    /// pass as the update, other standardised rows through `buf`.
    fn add(self, w: &mut Weights, row: Row<'_>, buf: &mut [f64], c: f64) {
        match (self, row) {
            (View::Plain, row) => w.add(Row64::from(row), c),
            (View::Standard(s), Row::U8(x)) => w.add_standard(x, s, c),
            (View::Standard(s), row) => {
                row.for_each_f64(|j, v| buf[j] = (v - s.mean[j]) / s.scale[j]);
                w.add(Row64::F64(buf), c);
            }
        }
    }
}

/// How training scores a row: `w · x` as it is, or through the [`Shadow`] of standardised
/// weights; rows of bytes first through the [`Screen`], which settles most of them
/// without an `f64` score.
struct Scorer<'a> {
    view: View<'a>,
    shadow: Option<Shadow>,
    screen: Option<Screen>,
    margins: Option<Margins<'a>>,
    /// Sum a row's products one after the other, as scikit-learn's `WeightVector.dot`
    /// does, rather than in parallel partial sums.
    sequential: bool,
}

impl<'a> Scorer<'a> {
    /// The scorer of weights `w` (and their later moves, through [`Scorer::follow`]).
    fn new(
        x: Features<'_>,
        view: View<'a>,
        loss: super::Loss,
        w: &[f64],
        norms: Option<&'a [f32]>,
    ) -> Self {
        let d = x.n_features();
        let shadow = match view {
            View::Standard(_) => Some(Shadow {
                v: vec![0.0; d],
                c: 0.0,
            }),
            View::Plain => None,
        };
        let screen = match (x, loss.vanishes_above()) {
            (Features::U8(_), Some(threshold)) if d <= SCREEN_MAX_FEATURES => Some(Screen {
                v: vec![0.0; d],
                bound: 0.0,
                threshold,
            }),
            _ => None,
        };
        // With the hinge loss a score only meets the margin, and rounding in its last place
        // decides no step; the log and modified Huber losses step by a gradient that is a
        // smooth function of the score, so its rounding enters every step and the early
        // large steps amplify it (relative differences of 1e-2 in the weights after 20
        // epochs on the digits). Their scores are summed in scikit-learn's order: the same
        // weights to 1e-12, at a cost of 4 cycles a feature.
        let sequential = loss != super::Loss::Hinge && !matches!(view, View::Standard(_));
        let margins = norms
            .filter(|_| screen.is_some())
            .map(|n| Margins::new(n, w));
        let mut scorer = Scorer {
            view,
            shadow,
            screen,
            margins,
            sequential,
        };
        scorer.follow(w);
        scorer
    }

    /// The score `wscale · w · x + intercept` of row `k`, `raw`, of class `y` (±1), or
    /// `None` where its kept margin or the screen settles it beyond the loss's margin.
    fn score(
        &mut self,
        k: usize,
        w: &Weights,
        raw: Row<'_>,
        y: f64,
        intercept: f64,
    ) -> Option<f64> {
        let c = self.shadow.as_ref().map_or(0.0, |sh| sh.c);
        if let (Some(sc), Row::U8(bytes)) = (&self.screen, raw) {
            if let Some(m) = &mut self.margins {
                if m.pass_over(k, |lower, magnitude| {
                    sc.beyond(lower, magnitude, y, c, w.wscale, intercept)
                }) {
                    return None;
                }
            }
            if let Some(lower) = sc.lower(bytes, y, c) {
                if let Some(m) = &mut self.margins {
                    m.record(k, lower);
                }
                if sc.beyond(lower, 0.0, y, c, w.wscale, intercept) {
                    return None;
                }
            }
        }
        let s = match &self.shadow {
            Some(sh) => sh.dot(raw),
            None if self.sequential => sequential_dot(&w.w, Row64::from(raw)),
            None => dot64(&w.w, Row64::from(raw)),
        };
        Some(s * w.wscale + intercept)
    }

    /// Whether row `k`'s kept margin settles it now.
    fn kept_beyond(&self, k: usize, w: &Weights, y: f64, intercept: f64) -> bool {
        let (Some(sc), Some(m)) = (&self.screen, &self.margins) else {
            return false;
        };
        let Some((lower, magnitude)) = m.bound(k) else {
            return false;
        };
        let c = self.shadow.as_ref().map_or(0.0, |sh| sh.c);
        sc.beyond(lower, magnitude, y, c, w.wscale, intercept)
    }

    /// Follows the weights after they moved (not their scale).
    fn follow(&mut self, w: &[f64]) {
        if let (Some(sh), View::Standard(st)) = (&mut self.shadow, self.view) {
            sh.follow(w, st);
        }
        if let Some(sc) = &mut self.screen {
            sc.sync(self.shadow.as_ref().map_or(w, |sh| &sh.v));
        }
        if let Some(m) = &mut self.margins {
            m.moved(w);
        }
    }

    /// The weights were multiplied out: called before [`Scorer::follow`].
    fn multiplied_out(&mut self, w: &[f64]) {
        if let Some(m) = &mut self.margins {
            m.multiplied_out(w);
        }
    }

    /// At the end of each epoch.
    fn epoch_ended(&mut self, w: &[f64]) {
        if let Some(m) = &mut self.margins {
            m.epoch_ended(w);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linear_model::sgd::Loss;
    use classify_datasets::mnist_sample;
    use ndarray::{s, Array2};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Training on bytes (rows first scored in `f32` by [`Screen`]) gives the very weights,
    /// intercepts and epochs of training on the same values as `f64` (every row scored in
    /// `f64`: the kernels of both do the same operations in the same order).
    #[test]
    fn screened_training_equals_training_in_f64() {
        let sample = mnist_sample().unwrap();
        let x: Array2<u8> = sample.train.data.slice(s![..600, ..]).to_owned();
        let x64 = x.mapv(f64::from);
        let rows: Vec<usize> = (0..x.nrows()).collect();
        let labels = &sample.train.target.as_slice().unwrap()[..600];
        let mean: Vec<f64> = (0..x.ncols())
            .map(|j| x64.column(j).mean().unwrap())
            .collect();
        let scale: Vec<f64> = (0..x.ncols())
            .map(|j| x64.column(j).std(0.0))
            .map(|s| if s == 0.0 { 1.0 } else { s })
            .collect();
        let standard = Standardization {
            mean: &mean,
            scale: &scale,
        };
        for loss in [Loss::Hinge, Loss::ModifiedHuber] {
            for penalty in [Penalty::L2, Penalty::ElasticNet] {
                for (n_classes, index) in [
                    (2, labels.iter().map(|&l| usize::from(l == 5)).collect()),
                    (
                        3,
                        labels
                            .iter()
                            .map(|&l| usize::from(l % 3))
                            .collect::<Vec<_>>(),
                    ),
                ] {
                    for standard in [None, Some(standard)] {
                        let params = SgdClassifier {
                            loss,
                            penalty,
                            max_iter: 12,
                            ..Default::default()
                        };
                        let fit = |x: Features<'_>| {
                            train(
                                &params,
                                x,
                                &rows,
                                &index,
                                n_classes,
                                standard,
                                Options::default(),
                            )
                            .unwrap()
                        };
                        let (bytes, floats) = (fit((&x).into()), fit((&x64).into()));
                        let case = format!("{loss:?} {penalty:?} {n_classes} {standard:?}");
                        for ((wb, ib, eb), (wf, i_f, ef)) in bytes.iter().zip(&floats) {
                            assert_eq!(eb, ef, "{case}: epochs");
                            assert_eq!(ib.to_bits(), i_f.to_bits(), "{case}: intercept");
                            assert!(
                                wb.iter().zip(wf).all(|(a, b)| a.to_bits() == b.to_bits()),
                                "{case}: weights"
                            );
                        }
                    }
                }
            }
        }
    }

    /// A row the screen settles scores beyond the margin in `f64`, whatever the vector:
    /// weights of wide-ranging magnitudes and both signs that nearly cancel, scores placed
    /// just beyond the margin, a shift `c` and a scale. And it does settle rows well beyond.
    #[test]
    fn the_screen_settles_only_rows_beyond_the_margin() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let d = 784;
        let mut screen = Screen {
            v: vec![0.0; d],
            bound: 0.0,
            threshold: 1.0,
        };
        let (mut settled, mut tried) = (0, 0);
        for _ in 0..300 {
            let magnitude = 10f64.powi(rng.gen_range(-6..6));
            let v: Vec<f64> = (0..d)
                .map(|_| rng.gen_range(-1.0..1.0) * magnitude * rng.gen_range(0.0..1.0f64).powi(4))
                .collect();
            screen.sync(&v);
            let x: Vec<u8> = (0..d)
                .map(|_| if rng.gen_bool(0.5) { 0 } else { rng.r#gen() })
                .collect();
            let s = dot64(&v, Row64::U8(&x));
            let wscale = 10f64.powi(rng.gen_range(-4..3));
            let c = rng.gen_range(-1.0..1.0) * magnitude;
            let y = if rng.gen_bool(0.5) { 1.0 } else { -1.0 };
            // Intercepts that put the score from just below the margin to far beyond it.
            for beyond in [-1e-3, 0.0, 1e-9, 1e-6, 1e-4, 1e-2, 1.0, 1e3] {
                let intercept = y * (1.0 + beyond) - (s - c) * wscale;
                let p = (s - c) * wscale + intercept;
                tried += 1;
                let settles = screen
                    .lower(&x, y, c)
                    .is_some_and(|l| screen.beyond(l, 0.0, y, c, wscale, intercept));
                if settles {
                    settled += 1;
                    assert!(y * p > 1.0, "settled at y·p = {}", y * p);
                }
            }
        }
        assert!(settled > tried / 10, "settled {settled} of {tried}");
    }
}
