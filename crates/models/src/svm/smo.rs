//! The SMO solver of libsvm (as scikit-learn 1.9 ships it) for C-SVC's dual:
//!
//! minimise ½ αᵀQα − eᵀα subject to yᵀα = 0 and 0 ≤ αᵢ ≤ C, with Qᵢⱼ = yᵢyⱼK(xᵢ, xⱼ),
//!
//! with the working-set selection by second-order information of Fan, Chen and Lin (JMLR 6,
//! 2005), shrinking, and a least-recently-used cache of kernel rows bounded in bytes, so the
//! n × n matrix is never built. Every step follows libsvm's `Solver` in the same order of
//! operations (kernel rows stored as `f32`, as libsvm's `Qfloat`; indices swapped as
//! shrinking swaps them; the same ties), so on the same kernel values it takes the same
//! steps and stops at the same point (tolerance `eps` on the maximal violating pair).

use super::kernel::Kernel;
use classify_kernel::kernel;

/// libsvm's `TAU`: the curvature used when a pair's is not positive.
const TAU: f64 = 1e-12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Lower,
    Upper,
    Free,
}

/// A solved binary problem.
#[derive(Debug, Clone)]
pub(crate) struct Solution {
    /// `yᵢαᵢ` for each row of the problem, in the order given.
    pub(crate) coef: Vec<f64>,
    /// The offset: decisions are `Σ coefᵢ K(xᵢ, x) − rho`.
    pub(crate) rho: f64,
    /// Solver iterations.
    pub(crate) iterations: usize,
}

/// Solves C-SVC on `rows` of the kernel's data with labels `y` (`+1` / `−1`), the bound
/// `c = (C₊, C₋)` on the positive and the negative rows' coefficients (libsvm's `Cp`, `Cn`:
/// `C` times each class's weight).
///
/// `max_iter` stops it early (scikit-learn's `max_iter`; `None` for libsvm's guard of 10⁷ or
/// 100 · l). `cache_bytes` bounds the kernel-row cache (at least two full rows are always kept, as in
/// libsvm).
pub(crate) fn solve(
    kernel: &Kernel<'_>,
    rows: &[usize],
    y: &[i8],
    c: (f64, f64),
    eps: f64,
    cache_bytes: usize,
    max_iter: Option<usize>,
) -> Solution {
    let l = rows.len();
    let mut s = Solver {
        kernel,
        rows: rows.to_vec(),
        y: y.to_vec(),
        qd: rows.iter().map(|&r| kernel.eval(r, r)).collect(),
        cache: Cache::new(l, cache_bytes),
        alpha: vec![0.0; l],
        status: vec![Status::Lower; l],
        g: vec![-1.0; l],
        g_bar: vec![0.0; l],
        active_set: (0..l).collect(),
        active_size: l,
        c,
        eps,
        unshrink: false,
    };
    let iterations = s.run(max_iter);
    let rho = s.rho();
    let mut coef = vec![0.0; l];
    for i in 0..l {
        coef[s.active_set[i]] = s.alpha[i] * f64::from(s.y[i]);
    }
    Solution {
        coef,
        rho,
        iterations,
    }
}

struct Solver<'k, 'a> {
    kernel: &'k Kernel<'a>,
    /// Data row of each (permuted) index.
    rows: Vec<usize>,
    y: Vec<i8>,
    /// `Qᵢᵢ`.
    qd: Vec<f64>,
    cache: Cache,
    alpha: Vec<f64>,
    status: Vec<Status>,
    /// Gradient of the objective.
    g: Vec<f64>,
    /// The gradient's part from the variables at the upper bound.
    g_bar: Vec<f64>,
    /// Original position of each (permuted) index.
    active_set: Vec<usize>,
    active_size: usize,
    /// `(C₊, C₋)`.
    c: (f64, f64),
    eps: f64,
    unshrink: bool,
}

impl Solver<'_, '_> {
    /// The bound of variable `i` (libsvm's `get_C`).
    fn c(&self, i: usize) -> f64 {
        if self.y[i] > 0 {
            self.c.0
        } else {
            self.c.1
        }
    }

    /// Makes row `i` of Q hold at least `len` values (libsvm's `get_Q`).
    fn fill(&mut self, i: usize, len: usize) {
        let start = self.cache.get_data(i, len);
        if start < len {
            let (ri, yi) = (self.rows[i], self.y[i]);
            let data = self.cache.row_mut(i);
            for (j, v) in data.iter_mut().enumerate().take(len).skip(start) {
                let yy = f64::from(i32::from(yi) * i32::from(self.y[j]));
                *v = (yy * self.kernel.eval(ri, self.rows[j])) as f32;
            }
        }
    }

    fn update_status(&mut self, i: usize) {
        self.status[i] = if self.alpha[i] >= self.c(i) {
            Status::Upper
        } else if self.alpha[i] <= 0.0 {
            Status::Lower
        } else {
            Status::Free
        };
    }

    /// Iterates until no pair violates the conditions by `eps`, or `max_iter` iterations
    /// (scikit-learn's `max_iter`; `None`: libsvm's own guard).
    fn run(&mut self, max_iter: Option<usize>) -> usize {
        let l = self.rows.len();
        let mut iter = 0usize;
        let mut counter = l.min(1000) + 1;
        // libsvm's own guard against endless loops (scikit-learn's default sets none).
        let max_iter = max_iter.unwrap_or(10_000_000usize.max(100 * l));
        while iter < max_iter {
            counter -= 1;
            if counter == 0 {
                counter = l.min(1000);
                self.shrink();
            }
            let (i, j) = match self.select() {
                Some(p) => p,
                None => {
                    self.reconstruct_gradient();
                    self.active_size = l;
                    match self.select() {
                        Some(p) => {
                            counter = 1;
                            p
                        }
                        None => break,
                    }
                }
            };
            iter += 1;
            self.step(i, j);
        }
        if self.active_size < l {
            self.reconstruct_gradient();
            self.active_size = l;
        }
        iter
    }

    /// One SMO step on the pair `(i, j)`.
    fn step(&mut self, i: usize, j: usize) {
        let active = self.active_size;
        self.fill(i, active);
        self.fill(j, active);
        let (c_i, c_j) = (self.c(i), self.c(j));
        let (old_i, old_j) = (self.alpha[i], self.alpha[j]);
        let q_ij = f64::from(self.cache.row(i)[j]);
        let (mut ai, mut aj) = (old_i, old_j);
        if self.y[i] != self.y[j] {
            let mut quad = self.qd[i] + self.qd[j] + 2.0 * q_ij;
            if quad <= 0.0 {
                quad = TAU;
            }
            let delta = (-self.g[i] - self.g[j]) / quad;
            let diff = ai - aj;
            ai += delta;
            aj += delta;
            if diff > 0.0 {
                if aj < 0.0 {
                    aj = 0.0;
                    ai = diff;
                }
            } else if ai < 0.0 {
                ai = 0.0;
                aj = -diff;
            }
            if diff > c_i - c_j {
                if ai > c_i {
                    ai = c_i;
                    aj = c_i - diff;
                }
            } else if aj > c_j {
                aj = c_j;
                ai = c_j + diff;
            }
        } else {
            let mut quad = self.qd[i] + self.qd[j] - 2.0 * q_ij;
            if quad <= 0.0 {
                quad = TAU;
            }
            let delta = (self.g[i] - self.g[j]) / quad;
            let sum = ai + aj;
            ai -= delta;
            aj += delta;
            if sum > c_i {
                if ai > c_i {
                    ai = c_i;
                    aj = sum - c_i;
                }
            } else if aj < 0.0 {
                aj = 0.0;
                ai = sum;
            }
            if sum > c_j {
                if aj > c_j {
                    aj = c_j;
                    ai = sum - c_j;
                }
            } else if ai < 0.0 {
                ai = 0.0;
                aj = sum;
            }
        }
        self.alpha[i] = ai;
        self.alpha[j] = aj;
        let (dai, daj) = (ai - old_i, aj - old_j);
        update_gradient(
            &mut self.g[..active],
            &self.cache.row(i)[..active],
            &self.cache.row(j)[..active],
            dai,
            daj,
        );
        let (ui, uj) = (
            self.status[i] == Status::Upper,
            self.status[j] == Status::Upper,
        );
        self.update_status(i);
        self.update_status(j);
        let l = self.rows.len();
        for (k, was_upper) in [(i, ui), (j, uj)] {
            if was_upper != (self.status[k] == Status::Upper) {
                self.fill(k, l);
                let q = self.cache.row(k);
                let c_k = self.c(k);
                let f = if was_upper { -c_k } else { c_k };
                for (gb, &qv) in self.g_bar.iter_mut().zip(&q[..l]) {
                    *gb += f * f64::from(qv);
                }
            }
        }
    }

    /// libsvm's `select_working_set`: `i` maximises −yᵢ∇ᵢ over I_up, `j` gives the largest
    /// second-order decrease of the objective; `None` once the violation is below `eps`.
    fn select(&mut self) -> Option<(usize, usize)> {
        let active = self.active_size;
        let mut gmax = f64::NEG_INFINITY;
        let mut gmax2 = f64::NEG_INFINITY;
        let mut gmax_idx = None;
        for t in 0..active {
            if self.y[t] == 1 {
                if self.status[t] != Status::Upper && -self.g[t] >= gmax {
                    gmax = -self.g[t];
                    gmax_idx = Some(t);
                }
            } else if self.status[t] != Status::Lower && self.g[t] >= gmax {
                gmax = self.g[t];
                gmax_idx = Some(t);
            }
        }
        let mut gmin_idx = None;
        let mut obj_diff_min = f64::INFINITY;
        if let Some(i) = gmax_idx {
            self.fill(i, active);
            let q_i = &self.cache.row(i)[..active];
            let yi = f64::from(self.y[i]);
            let qd_i = self.qd[i];
            for (j, &q_ij) in q_i.iter().enumerate() {
                let (grad_diff, quad) = if self.y[j] == 1 {
                    if self.status[j] == Status::Lower {
                        continue;
                    }
                    if self.g[j] >= gmax2 {
                        gmax2 = self.g[j];
                    }
                    (
                        gmax + self.g[j],
                        qd_i + self.qd[j] - 2.0 * yi * f64::from(q_ij),
                    )
                } else {
                    if self.status[j] == Status::Upper {
                        continue;
                    }
                    if -self.g[j] >= gmax2 {
                        gmax2 = -self.g[j];
                    }
                    (
                        gmax - self.g[j],
                        qd_i + self.qd[j] + 2.0 * yi * f64::from(q_ij),
                    )
                };
                if grad_diff > 0.0 {
                    let obj_diff = if quad > 0.0 {
                        -(grad_diff * grad_diff) / quad
                    } else {
                        -(grad_diff * grad_diff) / TAU
                    };
                    if obj_diff <= obj_diff_min {
                        gmin_idx = Some(j);
                        obj_diff_min = obj_diff;
                    }
                }
            }
        }
        // Without an i, Gmax = −∞ and the problem counts as solved, as in libsvm.
        match (gmax_idx, gmin_idx) {
            (Some(i), Some(j)) if gmax + gmax2 >= self.eps => Some((i, j)),
            _ => None,
        }
    }

    fn be_shrunk(&self, i: usize, gmax1: f64, gmax2: f64) -> bool {
        match self.status[i] {
            Status::Upper if self.y[i] == 1 => -self.g[i] > gmax1,
            Status::Upper => -self.g[i] > gmax2,
            Status::Lower if self.y[i] == 1 => self.g[i] > gmax2,
            Status::Lower => self.g[i] > gmax1,
            Status::Free => false,
        }
    }

    fn shrink(&mut self) {
        let mut gmax1 = f64::NEG_INFINITY;
        let mut gmax2 = f64::NEG_INFINITY;
        for i in 0..self.active_size {
            let g = self.g[i];
            let (up, low) = (
                self.status[i] != Status::Upper,
                self.status[i] != Status::Lower,
            );
            if self.y[i] == 1 {
                if up && -g >= gmax1 {
                    gmax1 = -g;
                }
                if low && g >= gmax2 {
                    gmax2 = g;
                }
            } else {
                if up && -g >= gmax2 {
                    gmax2 = -g;
                }
                if low && g >= gmax1 {
                    gmax1 = g;
                }
            }
        }
        if !self.unshrink && gmax1 + gmax2 <= self.eps * 10.0 {
            self.unshrink = true;
            self.reconstruct_gradient();
            self.active_size = self.rows.len();
        }
        let mut i = 0;
        while i < self.active_size {
            if self.be_shrunk(i, gmax1, gmax2) {
                self.active_size -= 1;
                while self.active_size > i {
                    if !self.be_shrunk(self.active_size, gmax1, gmax2) {
                        self.swap_index(i, self.active_size);
                        break;
                    }
                    self.active_size -= 1;
                }
            }
            i += 1;
        }
    }

    fn swap_index(&mut self, i: usize, j: usize) {
        self.cache.swap_index(i, j);
        self.rows.swap(i, j);
        self.y.swap(i, j);
        self.qd.swap(i, j);
        self.g.swap(i, j);
        self.status.swap(i, j);
        self.alpha.swap(i, j);
        self.active_set.swap(i, j);
        self.g_bar.swap(i, j);
    }

    /// Recomputes the gradient of the shrunk variables from `G_bar` and the free ones.
    fn reconstruct_gradient(&mut self) {
        let (active, l) = (self.active_size, self.rows.len());
        if active == l {
            return;
        }
        for j in active..l {
            self.g[j] = self.g_bar[j] - 1.0;
        }
        let n_free = (0..active)
            .filter(|&j| self.status[j] == Status::Free)
            .count();
        if n_free * l > 2 * active * (l - active) {
            for i in active..l {
                self.fill(i, active);
                let q_i = self.cache.row(i);
                let mut g = self.g[i];
                for (j, &q) in q_i[..active].iter().enumerate() {
                    if self.status[j] == Status::Free {
                        g += self.alpha[j] * f64::from(q);
                    }
                }
                self.g[i] = g;
            }
        } else {
            for i in 0..active {
                if self.status[i] == Status::Free {
                    self.fill(i, l);
                    let q_i = self.cache.row(i);
                    let a = self.alpha[i];
                    for (g, &q) in self.g[active..l].iter_mut().zip(&q_i[active..l]) {
                        *g += a * f64::from(q);
                    }
                }
            }
        }
    }

    /// libsvm's `calculate_rho`: the mean of yᵢ∇ᵢ over free variables, else the middle of
    /// the feasible interval.
    fn rho(&self) -> f64 {
        let (mut n_free, mut sum_free) = (0usize, 0.0);
        let (mut ub, mut lb) = (f64::INFINITY, f64::NEG_INFINITY);
        for i in 0..self.active_size {
            let yg = f64::from(self.y[i]) * self.g[i];
            match self.status[i] {
                Status::Upper if self.y[i] == -1 => ub = ub.min(yg),
                Status::Upper => lb = lb.max(yg),
                Status::Lower if self.y[i] == 1 => ub = ub.min(yg),
                Status::Lower => lb = lb.max(yg),
                Status::Free => {
                    n_free += 1;
                    sum_free += yg;
                }
            }
        }
        if n_free > 0 {
            sum_free / n_free as f64
        } else {
            (ub + lb) / 2.0
        }
    }
}

/// `G += Qᵢ·Δαᵢ + Qⱼ·Δαⱼ` (vectorised; each element in libsvm's order of operations).
#[kernel]
fn update_gradient(g: &mut [f64], q_i: &[f32], q_j: &[f32], dai: f64, daj: f64) {
    for ((g, &a), &b) in g.iter_mut().zip(q_i).zip(q_j) {
        *g += f64::from(a) * dai + f64::from(b) * daj;
    }
}

/// libsvm's kernel cache: rows of Q (each holding its first `len` values), least recently
/// used evicted first, within a budget of `f32` values.
struct Cache {
    data: Vec<Vec<f32>>,
    /// A circular doubly linked list over indices `0..l`, with `l` as the head.
    prev: Vec<usize>,
    next: Vec<usize>,
    /// Values that may still be allocated.
    free: usize,
}

impl Cache {
    fn new(l: usize, bytes: usize) -> Self {
        let per_head = 3 * size_of::<usize>();
        let values = (bytes / 4).saturating_sub(l * per_head / 4).max(2 * l);
        Cache {
            data: vec![Vec::new(); l],
            prev: vec![l; l + 1],
            next: vec![l; l + 1],
            free: values,
        }
    }

    fn head(&self) -> usize {
        self.data.len()
    }

    fn lru_delete(&mut self, h: usize) {
        let (p, n) = (self.prev[h], self.next[h]);
        self.next[p] = n;
        self.prev[n] = p;
    }

    fn lru_insert(&mut self, h: usize) {
        let head = self.head();
        let last = self.prev[head];
        self.next[h] = head;
        self.prev[h] = last;
        self.next[last] = h;
        self.prev[head] = h;
    }

    /// Makes room for `len` values of row `index`; returns where the values still to be
    /// computed start (`len` if none).
    fn get_data(&mut self, index: usize, len: usize) -> usize {
        let have = self.data[index].len();
        if have > 0 {
            self.lru_delete(index);
        }
        let start = if len > have {
            let more = len - have;
            while self.free < more {
                let old = self.next[self.head()];
                self.lru_delete(old);
                self.free += self.data[old].len();
                self.data[old] = Vec::new();
            }
            self.data[index].resize(len, 0.0);
            self.free -= more;
            have
        } else {
            len
        };
        self.lru_insert(index);
        start
    }

    fn row(&self, i: usize) -> &[f32] {
        &self.data[i]
    }

    fn row_mut(&mut self, i: usize) -> &mut [f32] {
        &mut self.data[i]
    }

    fn swap_index(&mut self, i: usize, j: usize) {
        if i == j {
            return;
        }
        if !self.data[i].is_empty() {
            self.lru_delete(i);
        }
        if !self.data[j].is_empty() {
            self.lru_delete(j);
        }
        self.data.swap(i, j);
        if !self.data[i].is_empty() {
            self.lru_insert(i);
        }
        if !self.data[j].is_empty() {
            self.lru_insert(j);
        }
        let (i, j) = (i.min(j), i.max(j));
        let head = self.head();
        let mut h = self.next[head];
        while h != head {
            let next = self.next[h];
            let len = self.data[h].len();
            if len > i {
                if len > j {
                    self.data[h].swap(i, j);
                } else {
                    // Give the row up, as libsvm does.
                    self.lru_delete(h);
                    self.free += len;
                    self.data[h] = Vec::new();
                }
            }
            h = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::kernel::{Kernel, Resolved, Rows};
    use super::solve;
    use ndarray::Array2;

    /// Pixels of two overlapping blobs: a problem with free and bounded variables.
    fn problem(n: usize) -> (Array2<u8>, Vec<i8>) {
        let mut state = 12345u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as u32
        };
        let y: Vec<i8> = (0..n).map(|i| if i % 3 == 0 { 1 } else { -1 }).collect();
        let x = Array2::from_shape_fn((n, 40), |(i, j)| {
            let centre = if y[i] > 0 { 120 } else { 140 } + (j % 5) as u32 * 10;
            (centre + next() % 90).min(255) as u8
        });
        (x, y)
    }

    #[test]
    fn a_two_row_cache_gives_the_same_solution() {
        let (x, y) = problem(300);
        let kernel = Kernel::new(Rows::U8(x.view()), Resolved::Rbf { gamma: 1e-4 });
        let rows: Vec<usize> = (0..300).collect();
        let big = solve(&kernel, &rows, &y, (1.0, 1.0), 1e-3, 1 << 30, None);
        // Below two rows the cache still keeps two (libsvm's floor): rows are evicted and
        // recomputed, the numbers are the same.
        let small = solve(&kernel, &rows, &y, (1.0, 1.0), 1e-3, 0, None);
        assert_eq!(big.coef, small.coef);
        assert_eq!(big.rho, small.rho);
        assert_eq!(big.iterations, small.iterations);
        assert!(
            big.coef.iter().any(|&c| c != 0.0 && c.abs() < 1.0),
            "free variables"
        );
        assert!(
            big.coef.iter().any(|&c| c.abs() == 1.0),
            "bounded variables"
        );
        // The dual's equality constraint holds.
        let sum: f64 = big.coef.iter().sum();
        assert!(sum.abs() < 1e-9, "y·α = {sum}");
    }
}
