//! A lower bound on Euclidean distances that costs a few dozen dimensions instead of hundreds:
//! rows projected onto an orthonormal basis of the leading principal directions.
//!
//! For orthonormal rows `P`, `‖P(q − x)‖ ≤ ‖q − x‖`, so a training row whose projected
//! distance already exceeds the k-th best true distance cannot be a neighbour. Any
//! orthonormal basis gives a valid bound; principal directions make it tight (on
//! Fashion-MNIST, 32 of them leave about 2 % of rows to check exactly). The bound is computed
//! in `f32`; [`Bound::excludes`] allows for every rounding so that no true neighbour is ever
//! skipped.

use ndarray::{linalg::general_mat_mul, Array2, ArrayView2};
use rayon::prelude::*;

/// Projected training rows and what is needed to bound a query's distances to them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bound {
    /// Basis, `m` rows of `d` (orthonormal in `f64`, stored as `f32`).
    basis: Array2<f32>,
    mean: Vec<f32>,
    /// Projected training rows in tiles of [`TILE`] rows, dimension-major within a tile
    /// (`[tile][dimension][row]`), padded with zero rows.
    tiles: Vec<f32>,
    /// Training rows.
    n: usize,
    /// Squared norms of the projected rows; `+∞` for padding, so padding is never a
    /// candidate.
    pub(crate) sq: Vec<f32>,
    /// Rounding allowance of each training row: `SLACK · ‖x − mean‖`.
    pub(crate) slack: Vec<f64>,
    /// The largest of `sq` and of `slack`.
    max_sq: f32,
    max_slack: f64,
}

/// Relative allowance for rounding of the projected coordinates (bounded by
/// `√m · d · ε‖x − mean‖` with ε = 2⁻²⁴: 2.7e-4 for 784 features and 32 directions; four
/// times that).
const SLACK: f64 = 1e-3;
/// Relative allowance for the rounding of `‖a‖² + ‖b‖² − 2a·b` in `f32` (γ₃₂ ≈ 2e-6; ten
/// times that, twice).
const GEMM_SLACK: f64 = 4e-5;
/// Training rows sampled to estimate the principal directions.
const SAMPLE_ROWS: usize = 4096;
/// Subspace iterations.
const ITERATIONS: usize = 12;

/// A feature value the bound reads: pixels or finite floats, used as `f32` (exactly).
pub(crate) trait Value: Copy + Send + Sync {
    fn f32(self) -> f32;
}

impl Value for u8 {
    #[inline]
    fn f32(self) -> f32 {
        f32::from(self)
    }
}

impl Value for f32 {
    #[inline]
    fn f32(self) -> f32 {
        self
    }
}

impl Bound {
    /// Projects `rows` (`n × d` values) onto `m` principal directions of a sample of them.
    pub(crate) fn fit<T: Value>(rows: ArrayView2<'_, T>, m: usize) -> Bound {
        let (n, d) = rows.dim();
        let mean: Vec<f32> = (0..d)
            .map(|j| {
                (rows
                    .column(j)
                    .iter()
                    .map(|&v| f64::from(v.f32()))
                    .sum::<f64>()
                    / n as f64) as f32
            })
            .collect();
        let step = n.div_ceil(SAMPLE_ROWS).max(1);
        let sample: Vec<usize> = (0..n).step_by(step).collect();
        let centred = Array2::from_shape_fn((sample.len(), d), |(i, j)| {
            rows[[sample[i], j]].f32() - mean[j]
        });
        let mut cov = Array2::<f32>::zeros((d, d));
        general_mat_mul(1.0, &centred.t(), &centred, 0.0, &mut cov);
        let basis = principal_directions(&cov.mapv(f64::from), m.min(d));
        let mut bound = Bound {
            basis: basis.mapv(|v| v as f32),
            mean,
            tiles: Vec::new(),
            n,
            sq: Vec::new(),
            slack: Vec::new(),
            max_sq: 0.0,
            max_slack: 0.0,
        };
        let (coords, mut sq, slack) = bound.project(rows);
        let m = bound.basis.nrows();
        let n_tiles = n.div_ceil(TILE);
        let mut tiles = vec![0f32; n_tiles * m * TILE];
        for ((t, j), &v) in coords.indexed_iter() {
            tiles[(t / TILE) * m * TILE + j * TILE + t % TILE] = v;
        }
        bound.tiles = tiles;
        sq.resize(n_tiles * TILE, f32::INFINITY);
        bound.max_sq = sq[..n].iter().fold(0.0, |a: f32, &b| a.max(b));
        bound.max_slack = slack.iter().fold(0.0, |a: f64, &b| a.max(b));
        bound.slack = slack;
        bound.sq = sq;
        bound
    }

    /// Projected rows, their squared norms and rounding allowances.
    pub(crate) fn project<T: Value>(
        &self,
        rows: ArrayView2<'_, T>,
    ) -> (Array2<f32>, Vec<f32>, Vec<f64>) {
        let (n, d) = rows.dim();
        let m = self.basis.nrows();
        const CHUNK: usize = 1024;
        let parts: Vec<(Array2<f32>, Vec<f64>)> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let (start, end) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
                let centred = Array2::from_shape_fn((end - start, d), |(i, j)| {
                    rows[[start + i, j]].f32() - self.mean[j]
                });
                let slack = centred
                    .rows()
                    .into_iter()
                    .map(|r| {
                        SLACK
                            * r.iter()
                                .map(|&v| f64::from(v) * f64::from(v))
                                .sum::<f64>()
                                .sqrt()
                    })
                    .collect();
                let mut out = Array2::<f32>::zeros((end - start, m));
                general_mat_mul(1.0, &centred, &self.basis.t(), 0.0, &mut out);
                (out, slack)
            })
            .collect();
        let mut coords = Array2::<f32>::zeros((n, m));
        let mut slack = Vec::with_capacity(n);
        for (c, (part, s)) in parts.into_iter().enumerate() {
            coords
                .slice_mut(ndarray::s![c * CHUNK..c * CHUNK + part.nrows(), ..])
                .assign(&part);
            slack.extend(s);
        }
        let sq = coords
            .rows()
            .into_iter()
            .map(|r| r.iter().map(|&v| v * v).sum())
            .collect();
        (coords, sq, slack)
    }

    /// Training rows, padded to whole tiles.
    pub(crate) fn padded_rows(&self) -> usize {
        self.sq.len()
    }

    /// Projected squared distances from each query (`coords`, `qsq` as from
    /// [`project`](Self::project)) to every training row, `padded_rows()` per query, into
    /// `lb`; and the smallest of each tile into `minima`, `padded_rows() / TILE` per query.
    pub(crate) fn lower_bounds(
        &self,
        coords: &Array2<f32>,
        qsq: &[f32],
        lb: &mut Vec<f32>,
        minima: &mut Vec<f32>,
    ) {
        let nq = coords.nrows();
        let padded = self.padded_rows();
        lb.clear();
        lb.resize(nq * padded, 0.0);
        minima.clear();
        minima.resize(nq * padded / TILE, 0.0);
        let qc = coords.as_standard_layout();
        tile_kernel(
            &self.tiles,
            self.basis.nrows(),
            qc.as_slice().expect("standard layout"),
            qsq,
            &self.sq,
            lb,
            minima,
        );
    }

    /// A value of the computed projected squared distance above which
    /// [`excludes`](Self::excludes) holds for every training row (for a query with squared
    /// norm `qsq` and allowance `qslack`, and limit `limit`).
    pub(crate) fn cutoff(&self, qsq: f32, qslack: f64, limit: f64) -> f32 {
        let reach = limit.sqrt() * (1.0 + 1e-5) + qslack + self.max_slack;
        let c = reach * reach + GEMM_SLACK * (f64::from(qsq) + f64::from(self.max_sq));
        // Rounded up, so that `lb > cutoff` in `f32` implies `excludes`.
        (c * (1.0 + 1e-6)) as f32
    }

    /// Whether a training row at computed projected squared distance `lb` (from squared
    /// norms `qsq`, `tsq` and allowances `qslack`, `tslack`) is certainly farther than the
    /// true squared distance `limit`.
    #[inline]
    pub(crate) fn excludes(
        lb: f32,
        qsq: f32,
        tsq: f32,
        qslack: f64,
        tslack: f64,
        limit: f64,
    ) -> bool {
        let low = f64::from(lb) - GEMM_SLACK * (f64::from(qsq) + f64::from(tsq));
        if low <= 0.0 {
            return false;
        }
        let reach = limit.sqrt() * (1.0 + 1e-5) + qslack + tslack;
        low > reach * reach
    }
}

/// Rows per tile of the projected training rows (one 512-bit vector of `f32`).
pub(crate) const TILE: usize = 16;

/// The projected squared distances of every query to every training row, tile by tile:
/// a tile (`m × 16` values) stays in the first-level cache while every query passes over it,
/// each producing 16 distances with one fused multiply-add per dimension.
#[multiversion::multiversion(targets(
    "x86_64+avx512f+avx512bw",
    "x86_64+avx2+fma",
    "aarch64+neon"
))]
fn tile_kernel(
    tiles: &[f32],
    m: usize,
    qc: &[f32],
    qsq: &[f32],
    tsq: &[f32],
    lb: &mut [f32],
    minima: &mut [f32],
) {
    let padded = tsq.len();
    let n_tiles = padded / TILE;
    let nq = qsq.len();
    for (ti, tile) in tiles.chunks_exact(m * TILE).enumerate() {
        let tsq16 = &tsq[ti * TILE..(ti + 1) * TILE];
        // Four queries at a time: four independent chains of multiply-adds.
        let mut q = 0;
        while q + 4 <= nq {
            let mut acc = [[0f32; TILE]; 4];
            for j in 0..m {
                let row = &tile[j * TILE..(j + 1) * TILE];
                for (r, a) in acc.iter_mut().enumerate() {
                    let c = qc[(q + r) * m + j];
                    for l in 0..TILE {
                        a[l] = c.mul_add(row[l], a[l]);
                    }
                }
            }
            for (r, a) in acc.iter().enumerate() {
                let at = (q + r) * padded + ti * TILE;
                minima[(q + r) * n_tiles + ti] =
                    finish(a, qsq[q + r], tsq16, &mut lb[at..at + TILE]);
            }
            q += 4;
        }
        for q in q..nq {
            let mut acc = [0f32; TILE];
            for j in 0..m {
                let row = &tile[j * TILE..(j + 1) * TILE];
                let c = qc[q * m + j];
                for l in 0..TILE {
                    acc[l] = c.mul_add(row[l], acc[l]);
                }
            }
            let at = q * padded + ti * TILE;
            minima[q * n_tiles + ti] = finish(&acc, qsq[q], tsq16, &mut lb[at..at + TILE]);
        }
    }
}

/// Writes `qsq + tsq − 2·dot` for a tile's 16 dot products; returns the smallest.
#[inline(always)]
fn finish(dots: &[f32; TILE], qsq: f32, tsq: &[f32], out: &mut [f32]) -> f32 {
    let mut low = f32::INFINITY;
    for l in 0..TILE {
        let v = qsq + tsq[l] - 2.0 * dots[l];
        out[l] = v;
        low = low.min(v);
    }
    low
}

/// The `m` leading eigenvectors (as rows, orthonormal) of the symmetric matrix `c`, by
/// subspace iteration from a fixed start.
fn principal_directions(c: &Array2<f64>, m: usize) -> Array2<f64> {
    let d = c.nrows();
    // A deterministic, well-spread start.
    let mut v = Array2::from_shape_fn((d, m), |(i, j)| {
        let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ (j as u64 + 1).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        ((h >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    });
    orthonormalise(&mut v);
    for _ in 0..ITERATIONS {
        v = c.dot(&v);
        orthonormalise(&mut v);
    }
    // Twice more for orthonormality to the last bit.
    orthonormalise(&mut v);
    v.reversed_axes().as_standard_layout().to_owned()
}

/// Modified Gram–Schmidt on the columns of `v`; a column that vanishes is replaced by a unit
/// vector orthogonal to the others.
fn orthonormalise(v: &mut Array2<f64>) {
    let (d, m) = v.dim();
    for j in 0..m {
        for attempt in 0..=d {
            for i in 0..j {
                let p = v.column(i).dot(&v.column(j));
                let ci = v.column(i).to_owned();
                v.column_mut(j).scaled_add(-p, &ci);
            }
            let norm = v.column(j).dot(&v.column(j)).sqrt();
            if norm > 1e-8 {
                v.column_mut(j).mapv_inplace(|x| x / norm);
                break;
            }
            // Degenerate: try a coordinate axis.
            v.column_mut(j).fill(0.0);
            v[[(j + attempt) % d, j]] = 1.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_is_orthonormal_and_bounds_hold() {
        let rows = Array2::from_shape_fn((500, 64), |(i, j)| {
            (((i * 37 + j * 11) % 256) as u8).wrapping_mul((i % 7) as u8 + 1)
        });
        let b = Bound::fit(rows.view(), 16);
        let g = b.basis.mapv(f64::from).dot(&b.basis.t().mapv(f64::from));
        for ((i, j), &v) in g.indexed_iter() {
            let want = if i == j { 1.0 } else { 0.0 };
            assert!((v - want).abs() < 1e-6, "{i},{j}: {v}");
        }
        // Projected distance never exceeds the true one.
        for a in 0..50 {
            for t in 0..500 {
                let true_sq: f64 = (0..64)
                    .map(|j| (f64::from(rows[[a, j]]) - f64::from(rows[[t, j]])).powi(2))
                    .sum();
                let c = |r: usize, j: usize| b.tiles[(r / TILE) * 16 * TILE + j * TILE + r % TILE];
                let lb: f32 = (0..16).map(|j| (c(a, j) - c(t, j)).powi(2)).sum();
                assert!(f64::from(lb) <= true_sq * 1.0001 + 1.0, "{a} {t}");
                assert!(!Bound::excludes(
                    lb, b.sq[a], b.sq[t], b.slack[a], b.slack[t], true_sq
                ));
            }
        }
    }
}
