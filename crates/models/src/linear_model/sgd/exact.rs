//! scikit-learn's `_plain_sgd64`, step for step: its seeds, its shuffles, its arithmetic in
//! `f64` (the default solver, [`SgdSolver::ScikitLearn`](super::SgdSolver)).

use crate::rand_r::our_rand_r;
use classify_core::{Error, Features, Result, Row, Standardization};
use classify_random::RandomState;
use rayon::prelude::*;

use super::{Penalty, SgdClassifier};
use crate::kernels::prefetch_l2;

/// The weights, intercept and epochs of each binary problem: one for two classes (the
/// second class positive), one per class otherwise. `index[k]` is row `rows[k]`'s class.
pub(super) fn train(
    params: &SgdClassifier,
    x: Features<'_>,
    rows: &[usize],
    index: &[usize],
    n_classes: usize,
    standard: Option<Standardization<'_>>,
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
            plain_sgd(params, x, rows, &positive, shuffle_seed, view)
        })
        .collect()
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
    shuffle_seed: u32,
    view: View<'_>,
) -> Result<(Vec<f64>, f64, usize)> {
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
    let mut w = Weights::new(d);
    // The cumulative L1 step and what each weight has received of it.
    let (mut u, mut q) = (0.0, if truncates { vec![0.0; d] } else { Vec::new() });
    let mut intercept = 0.0f64;
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    let mut t = 1.0f64;
    let n = rows.len() as f64;
    let (mut best, mut no_improvement) = (f64::INFINITY, 0);
    let mut epochs = 0;
    let mut buf = vec![0.0f64; d];
    let mut shadow = match view {
        View::Standard(st) => {
            let mut sh = Shadow {
                v: vec![0.0; d],
                c: 0.0,
            };
            sh.follow(&w.w, st);
            Some(sh)
        }
        View::Plain => None,
    };
    for epoch in 0..params.max_iter {
        epochs = epoch + 1;
        let mut objective = 0.0;
        if params.shuffle {
            sklearn_shuffle(&mut order, shuffle_seed);
        }
        for (pos, &k) in order.iter().enumerate() {
            if let Some(&ahead) = order.get(pos + PREFETCH_L2_AHEAD) {
                prefetch_l2(x.row(rows[ahead as usize]));
            }
            let k = k as usize;
            let raw = x.row(rows[k]);
            let yk = if positive[k] { 1.0 } else { -1.0 };
            let p = match &shadow {
                Some(sh) => sh.dot(raw),
                None => dot64(&w.w, Row64::from(raw)),
            } * w.wscale
                + intercept;
            let eta = 1.0 / (alpha * (optimal_init + t - 1.0));
            objective += loss.loss(yk, p);
            if params.penalty != Penalty::None {
                objective += alpha
                    * ((1.0 - l1_ratio) * 0.5 * w.sq_norm.sqrt().powi(2) + l1_ratio * w.l1_norm);
            }
            let update = -eta * loss.gradient(yk, p).clamp(-MAX_DLOSS, MAX_DLOSS);
            // Whether the weights themselves (not their scale) changed.
            let mut moved = false;
            if scales {
                // Never a negative scale: the weights go to zero instead.
                moved |= w.scale(f64::max(0.0, 1.0 - (1.0 - l1_ratio) * eta * alpha));
            }
            if update != 0.0 {
                w.add(view.read(raw, &mut buf), update);
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
            if let (true, Some(sh), View::Standard(st)) = (moved, &mut shadow, view) {
                sh.follow(&w.w, st);
            }
            t += 1.0;
        }
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
    use multiversion::multiversion;

    const DOT: usize = 32;
    const ADD: usize = 16;

    macro_rules! kernels {
        ($dot:ident, $add:ident, $t:ty) => {
            #[multiversion(targets("x86_64+avx512f", "x86_64+avx2", "aarch64+neon"))]
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

            #[multiversion(targets("x86_64+avx512f", "x86_64+avx2", "aarch64+neon"))]
            pub(super) fn $add(w: &mut [f64], x: &[$t], step: f64) -> (f64, f64) {
                let n = w.len().min(x.len());
                let (w, x) = (&mut w[..n], &x[..n]);
                let (mut sq, mut l1) = ([0.0f64; ADD], [0.0f64; ADD]);
                let mut wc = w.chunks_exact_mut(ADD);
                let mut xc = x.chunks_exact(ADD);
                for (a, b) in (&mut wc).zip(&mut xc) {
                    for i in 0..ADD {
                        a[i] += f64::from(b[i]) * step;
                        sq[i] += a[i] * a[i];
                        l1[i] += a[i].abs();
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
        for ((v, &w), &r) in self.v.iter_mut().zip(w).zip(&st.inv_scale) {
            *v = w * r;
        }
        self.c = simd64::dot_f64(&self.v, st.mean);
    }

    fn dot(&self, raw: Row<'_>) -> f64 {
        dot64(&self.v, Row64::from(raw)) - self.c
    }
}

/// How training reads a row: as it is, or standardised on the fly.
#[derive(Clone, Copy)]
enum View<'a> {
    Plain,
    Standard(&'a Standard<'a>),
}

impl View<'_> {
    /// The row as training sees it (standardised into `buf` where it must be).
    fn read<'r>(self, row: Row<'r>, buf: &'r mut [f64]) -> Row64<'r> {
        match (self, row) {
            (View::Plain, row) => Row64::from(row),
            (View::Standard(s), Row::U8(x)) => {
                // A loop the compiler vectorises (eight divisions an instruction).
                for (((b, &v), &m), &k) in buf.iter_mut().zip(x).zip(s.mean).zip(s.scale) {
                    *b = (f64::from(v) - m) / k;
                }
                Row64::F64(buf)
            }
            (View::Standard(s), row) => {
                row.for_each_f64(|j, v| buf[j] = (v - s.mean[j]) / s.scale[j]);
                Row64::F64(buf)
            }
        }
    }
}
