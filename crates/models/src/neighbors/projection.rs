//! A lower bound on Euclidean distances that costs a few dozen dimensions instead of hundreds:
//! rows projected onto an orthonormal basis of the leading principal directions.
//!
//! For orthonormal rows `P`, `‖P(q − x)‖ ≤ ‖q − x‖`, so a training row whose projected
//! distance already exceeds the k-th best true distance cannot be a neighbour. Any
//! orthonormal basis gives a valid bound; principal directions make it tight (on
//! Fashion-MNIST, 32 of them leave about 2 % of rows to check exactly). The bound is computed
//! in `f32`; [`Bound::excludes`] allows for every rounding so that no true neighbour is ever
//! skipped.
//!
//! The training rows are grouped into tiles of [`TILE`] nearby rows (the leaves of a median
//! tree over the projected coordinates), so that a whole tile is skipped when its centre is
//! far from a query: `‖P(q − x)‖ ≥ ‖Pq − c‖ − ‖Px − c‖`. The rows a query still has to
//! measure then lie in a few contiguous tiles instead of all over the training set.

use classify_kernel::kernel;
use ndarray::{linalg::general_mat_mul, Array2, ArrayView2, Axis};
use rayon::prelude::*;

/// Projected training rows and what is needed to bound a query's distances to them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bound {
    /// Basis, `m` rows of `d` (orthonormal in `f64`, stored as `f32`).
    basis: Array2<f32>,
    mean: Vec<f32>,
    /// Projected training rows in tiles of [`TILE`] rows, dimension-major within a tile
    /// (`[tile][dimension][row]`), padded with zero rows; rows in tile order (see `order`).
    tiles: Vec<f32>,
    /// Training rows.
    pub(crate) n: usize,
    /// The training row at each position of tile order (positions `t·TILE..(t+1)·TILE`
    /// form tile `t`).
    pub(crate) order: Vec<u32>,
    /// Squared norms of the projected rows (tile order); `+∞` for padding, so padding is
    /// never a candidate.
    sq: Vec<f32>,
    /// Rounding allowance of each training row (tile order): `SLACK · ‖x − mean‖`.
    slack: Vec<f64>,
    /// Residual-norm interval of each training row (tile order), and the hull of each
    /// tile's (see [`Bound::project`]).
    res_lo: Vec<f64>,
    res_hi: Vec<f64>,
    tile_res_lo: Vec<f64>,
    tile_res_hi: Vec<f64>,
    /// The largest of `sq` and of `slack`.
    max_sq: f32,
    max_slack: f64,
    /// What bounds each tile as a whole.
    tiles_summary: TileSummary,
    /// The median tree whose leaves are the tiles (node 0 is the root).
    splits: Vec<Split>,
}

/// An inner node of the tree that groups training rows into tiles: rows with
/// `coordinate[dim] < threshold` went left.
#[derive(Debug, Clone, PartialEq)]
struct Split {
    dim: usize,
    threshold: f32,
    /// Node indices, or [`LEAF`] | tile index.
    children: [u32; 2],
}

/// Marks a child of a [`Split`] as a tile.
const LEAF: u32 = 1 << 31;

/// Relative allowance for rounding of the projected coordinates (bounded by
/// `√m · d · ε‖x − mean‖` with ε = 2⁻²⁴: 2.7e-4 for 784 features and 32 directions; four
/// times that).
const SLACK: f64 = 1e-3;
/// Relative allowance for the rounding of `‖a‖² + ‖b‖² − 2a·b` in `f32` (γ₃₂ ≈ 2e-6; ten
/// times that, twice).
const GEMM_SLACK: f64 = 4e-5;
/// Training rows sampled to estimate the principal directions.
const SAMPLE_ROWS: usize = 2048;
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

impl Value for i16 {
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
        let mean = column_means(rows);
        let basis = principal_basis(rows, &mean, m.min(d));
        let mut bound = Bound {
            basis,
            mean,
            tiles: Vec::new(),
            n,
            order: Vec::new(),
            sq: Vec::new(),
            slack: Vec::new(),
            res_lo: Vec::new(),
            res_hi: Vec::new(),
            tile_res_lo: Vec::new(),
            tile_res_hi: Vec::new(),
            max_sq: 0.0,
            max_slack: 0.0,
            tiles_summary: TileSummary::default(),
            splits: Vec::new(),
        };
        let Projected { coords, queries } = bound.project(rows);
        let m = bound.basis.nrows();
        let mut order: Vec<u32> = (0..n as u32).collect();
        let mut splits = Vec::new();
        if n > 0 {
            grow(&mut order, 0, &coords, &mut splits);
        }
        let n_tiles = n.div_ceil(TILE);
        let padded = n_tiles * TILE;
        let mut tiles = vec![0f32; n_tiles * m * TILE];
        for (p, &t) in order.iter().enumerate() {
            for (j, &v) in coords.row(t as usize).iter().enumerate() {
                tiles[(p / TILE) * m * TILE + j * TILE + p % TILE] = v;
            }
        }
        let mut sq: Vec<f32> = order.iter().map(|&t| queries[t as usize].sq).collect();
        sq.resize(padded, f32::INFINITY);
        let slack: Vec<f64> = order.iter().map(|&t| queries[t as usize].slack).collect();
        let res: Vec<(f64, f64)> = order.iter().map(|&t| queries[t as usize].res).collect();
        let tile_res: Vec<(f64, f64)> = res
            .chunks(TILE)
            .map(|c| {
                c.iter().fold((f64::INFINITY, 0.0), |(lo, hi), &(a, b)| {
                    (lo.min(a), f64::max(hi, b))
                })
            })
            .collect();
        let summary = summarise_tiles(&coords, &order, &slack);
        bound.max_sq = sq[..n].iter().fold(0.0, |a: f32, &b| a.max(b));
        bound.max_slack = slack.iter().fold(0.0, |a: f64, &b| a.max(b));
        bound.tiles = tiles;
        bound.order = order;
        bound.slack = slack;
        // Padding: never near (its `sq` is infinite already).
        (bound.res_lo, bound.res_hi) = res.into_iter().unzip();
        bound.res_lo.resize(padded, 0.0);
        bound.res_hi.resize(padded, f64::INFINITY);
        bound.slack.resize(padded, 0.0);
        (bound.tile_res_lo, bound.tile_res_hi) = tile_res.into_iter().unzip();
        bound.sq = sq;
        bound.tiles_summary = summary;
        bound.splits = splits;
        bound
    }

    /// Number of tiles.
    pub(crate) fn n_tiles(&self) -> usize {
        self.tiles_summary.spread.len()
    }

    /// Positions (in tile order) of the rows of tile `t`.
    pub(crate) fn rows_of(&self, t: usize) -> std::ops::Range<usize> {
        t * TILE..((t + 1) * TILE).min(self.n)
    }

    /// The tile a query's projected coordinates fall in, by the tree that made the tiles:
    /// queries sorted by it visit nearby tiles one after the other.
    pub(crate) fn leaf(&self, coords: &[f32]) -> usize {
        if self.splits.is_empty() {
            return 0;
        }
        let mut node = 0;
        loop {
            let s = &self.splits[node];
            let c = s.children[usize::from(coords[s.dim] >= s.threshold)];
            if c & LEAF != 0 {
                return (c & !LEAF) as usize;
            }
            node = c as usize;
        }
    }

    /// Projected rows and what bounds their distances: squared norms, rounding allowances,
    /// residual norms.
    ///
    /// The residual of a row is its part outside the span of the basis: with `u = x − mean`
    /// and `Q` the projection onto the span, `‖u − Qu‖² = ‖u‖² − ‖Qu‖²`, and `‖Qu‖` is
    /// within the coordinates' rounding allowance of the computed `‖p‖` (and a part in 10⁵,
    /// the basis' distance from orthonormal in `f32`). Two rows' residuals are at least the
    /// difference of their norms apart, which adds to the projected bound by Pythagoras.
    pub(crate) fn project<T: Value>(&self, rows: ArrayView2<'_, T>) -> Projected {
        let n = rows.nrows();
        let m = self.basis.nrows();
        let mean = ndarray::ArrayView1::from(&self.mean[..]);
        const CHUNK: usize = 512;
        let parts: Vec<(Array2<f32>, Vec<Query>)> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let (start, end) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
                let mut centred = rows.slice(ndarray::s![start..end, ..]).mapv(|v| v.f32());
                centred -= &mean;
                let mut out = Array2::<f32>::zeros((end - start, m));
                general_mat_mul(1.0, &centred, &self.basis.t(), 0.0, &mut out);
                let queries = centred
                    .rows()
                    .into_iter()
                    .zip(out.rows())
                    .map(|(u, p)| {
                        let sq = p.iter().map(|&v| v * v).sum();
                        // `‖u‖²` from the `f32` differences (each within 2⁻²⁴ of the exact
                        // one), and what bounds `‖Qu‖`, `u`'s part in the span: the
                        // coordinates' rounding (`slack`) and the basis' distance from
                        // orthonormal (a part in 10⁵).
                        let u_sq: f64 = u.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
                        let slack = SLACK * u_sq.sqrt();
                        let p = p
                            .iter()
                            .map(|&v| f64::from(v) * f64::from(v))
                            .sum::<f64>()
                            .sqrt();
                        let inside_lo = (p - slack).max(0.0) * (1.0 - 1e-5);
                        let inside_hi = (p + slack) * (1.0 + 2e-5);
                        // Pythagoras: the residual's norm is `√(‖u‖² − ‖Qu‖²)`.
                        Query {
                            sq,
                            slack,
                            res: (
                                (u_sq * (1.0 - 1e-6) - inside_hi * inside_hi)
                                    .max(0.0)
                                    .sqrt(),
                                (u_sq * (1.0 + 1e-6) - inside_lo * inside_lo)
                                    .max(0.0)
                                    .sqrt(),
                            ),
                        }
                    })
                    .collect();
                (out, queries)
            })
            .collect();
        let mut coords = Array2::<f32>::zeros((n, m));
        let mut queries = Vec::with_capacity(n);
        for (c, (part, q)) in parts.into_iter().enumerate() {
            coords
                .slice_mut(ndarray::s![c * CHUNK..c * CHUNK + part.nrows(), ..])
                .assign(&part);
            queries.extend(q);
        }
        Projected { coords, queries }
    }

    /// Computed projected squared distances from each query (`coords`, `queries` as from
    /// [`project`](Self::project)) to every tile centre, `n_tiles()` rounded up to a whole
    /// [`TILE`] per query, into `out` (`minima` is scratch); returns that row length.
    pub(crate) fn centre_distances(
        &self,
        coords: ArrayView2<'_, f32>,
        queries: &[Query],
        out: &mut Vec<f32>,
        minima: &mut Vec<f32>,
    ) -> usize {
        let nq = coords.nrows();
        let padded = self.tiles_summary.centre_sq.len();
        out.clear();
        out.resize(nq * padded, 0.0);
        minima.clear();
        minima.resize(nq * padded / TILE, 0.0);
        let qsq: Vec<f32> = queries.iter().map(|q| q.sq).collect();
        let qc = coords.as_standard_layout();
        tile_kernel(
            &self.tiles_summary.centres,
            self.basis.nrows(),
            qc.as_slice().expect("standard layout"),
            &qsq,
            &self.tiles_summary.centre_sq,
            out,
            minima,
        );
        padded
    }

    /// A lower bound on the true squared distance from query `q` (projected coordinates
    /// `coords`, computed centre distances `dc`) to every row of each tile, rounded down to
    /// `f32`, into `out`: the larger of two bounds on the projected part (distance to the
    /// tile's centre less its spread, distance to the box around its rows) with the
    /// residuals' gap.
    pub(crate) fn tile_lowers(&self, dc: &[f32], coords: &[f32], q: &Query, out: &mut [f32]) {
        let n = self.n_tiles();
        let m = self.basis.nrows();
        // Squared distances from the query to each tile's box, sixteen tiles at a time.
        for (g, chunk) in out[..n].chunks_mut(TILE).enumerate() {
            let lo = &self.tiles_summary.box_lo[g * m * TILE..(g + 1) * m * TILE];
            let hi = &self.tiles_summary.box_hi[g * m * TILE..(g + 1) * m * TILE];
            let boxes = box_distances(lo, hi, coords);
            chunk.copy_from_slice(&boxes[..chunk.len()]);
        }
        tile_lowers(
            &dc[..n],
            &self.tiles_summary.centre_sq[..n],
            [
                &self.tiles_summary.spread,
                &self.tiles_summary.tile_slack,
                &self.tile_res_lo,
                &self.tile_res_hi,
            ],
            q,
            &mut out[..n],
        );
    }

    /// Asks the CPU to start loading what [`row_lowers`](Self::row_lowers) reads of tile
    /// `t`.
    pub(crate) fn prefetch_tile(&self, t: usize) {
        use crate::simd::rows::prefetch_slice;
        let m = self.basis.nrows();
        let rows = t * TILE..(t + 1) * TILE;
        prefetch_slice(&self.tiles[t * m * TILE..(t + 1) * m * TILE]);
        prefetch_slice(&self.sq[rows.clone()]);
        prefetch_slice(&self.slack[rows.clone()]);
        prefetch_slice(&self.res_lo[rows.clone()]);
        prefetch_slice(&self.res_hi[rows]);
    }

    /// Lower bounds on the true squared distances from query `q` (projected coordinates
    /// `coords`) to the rows of tile `t`, from their computed projected squared distances,
    /// rounded down to `f32`; `+∞` for padding.
    pub(crate) fn row_lowers(&self, t: usize, coords: &[f32], q: &Query) -> [f32; TILE] {
        let m = self.basis.nrows();
        let rows = t * TILE..(t + 1) * TILE;
        let mut out = [0f32; TILE];
        row_lowers(
            &self.tiles[t * m * TILE..(t + 1) * m * TILE],
            coords,
            q,
            [
                &self.slack[rows.clone()],
                &self.res_lo[rows.clone()],
                &self.res_hi[rows.clone()],
            ],
            &self.sq[rows],
            &mut out,
        );
        out
    }
}

/// Column means of `rows`, summed row by row (cache-friendly) in `f64`, chunks in parallel.
fn column_means<T: Value>(rows: ArrayView2<'_, T>) -> Vec<f32> {
    let (n, d) = rows.dim();
    let sums = rows
        .axis_chunks_iter(Axis(0), 1024)
        .into_par_iter()
        .map(|chunk| {
            let mut s = vec![0f64; d];
            for r in chunk.rows() {
                for (a, &v) in s.iter_mut().zip(r) {
                    *a += f64::from(v.f32());
                }
            }
            s
        })
        .reduce(
            || vec![0f64; d],
            |mut a, b| {
                a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
                a
            },
        );
    sums.iter().map(|&s| (s / n as f64) as f32).collect()
}

/// The `m` leading principal directions (rows, `f32`) of an evenly spaced sample of at most
/// [`SAMPLE_ROWS`] rows, centred on `mean`.
fn principal_basis<T: Value>(rows: ArrayView2<'_, T>, mean: &[f32], m: usize) -> Array2<f32> {
    let (n, d) = rows.dim();
    let step = n.div_ceil(SAMPLE_ROWS).max(1);
    let sample: Vec<usize> = (0..n).step_by(step).collect();
    let centred = Array2::from_shape_fn((sample.len(), d), |(i, j)| {
        rows[[sample[i], j]].f32() - mean[j]
    });
    // `Xᵀ X` of the sample as a sum over blocks of rows, one per task (the product is
    // single-threaded: 2,048 × 784 took 45 ms of the 70 the basis costs on one core).
    const BLOCK: usize = 512;
    let parts: Vec<Array2<f32>> = (0..sample.len().div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let rows = centred.slice(ndarray::s![
                b * BLOCK..((b + 1) * BLOCK).min(sample.len()),
                ..
            ]);
            let mut part = Array2::<f32>::zeros((d, d));
            general_mat_mul(1.0, &rows.t(), &rows, 0.0, &mut part);
            part
        })
        .collect();
    let mut cov = Array2::<f64>::zeros((d, d));
    for part in parts {
        cov.zip_mut_with(&part, |c, &p| *c += f64::from(p));
    }
    principal_directions(&cov, m).mapv(|v| v as f32)
}

/// What bounds each tile as a whole, laid out as the tiles are (sixteen per group,
/// dimension-major): its centre and squared norm (`+∞` for padding), an upper bound on the
/// distance of its projected rows from the centre plus their largest rounding allowance (the
/// spread), that largest allowance alone, and the box around its rows (coordinate minima and
/// maxima).
#[derive(Debug, Clone, Default, PartialEq)]
struct TileSummary {
    centres: Vec<f32>,
    centre_sq: Vec<f32>,
    spread: Vec<f64>,
    tile_slack: Vec<f64>,
    box_lo: Vec<f32>,
    box_hi: Vec<f32>,
}

/// Tile centres (means of their rows) and how far their rows reach from them, for the
/// projected rows `coords` in tile order `order` with allowances `slack` (tile order).
fn summarise_tiles(coords: &Array2<f32>, order: &[u32], slack: &[f64]) -> TileSummary {
    let (n, m) = (order.len(), coords.ncols());
    let n_tiles = n.div_ceil(TILE);
    let centre_groups = n_tiles.div_ceil(TILE);
    let mut out = TileSummary {
        centres: vec![0f32; centre_groups * m * TILE],
        centre_sq: vec![f32::INFINITY; centre_groups * TILE],
        spread: Vec::with_capacity(n_tiles),
        tile_slack: Vec::with_capacity(n_tiles),
        box_lo: vec![f32::INFINITY; centre_groups * m * TILE],
        box_hi: vec![f32::NEG_INFINITY; centre_groups * m * TILE],
    };
    for t in 0..n_tiles {
        let rows: Vec<ndarray::ArrayView1<'_, f32>> = order[t * TILE..((t + 1) * TILE).min(n)]
            .iter()
            .map(|&r| coords.row(r as usize))
            .collect();
        let c: Vec<f32> = (0..m)
            .map(|j| (rows.iter().map(|r| f64::from(r[j])).sum::<f64>() / rows.len() as f64) as f32)
            .collect();
        let radius = rows
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&c)
                    .map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2))
                    .sum::<f64>()
                    .sqrt()
            })
            .fold(0.0, f64::max);
        let most_slack = slack[t * TILE..((t + 1) * TILE).min(n)]
            .iter()
            .fold(0.0, |a: f64, &b| a.max(b));
        // Rounded up: the sums above err by far less than a part in 10⁹.
        out.spread.push(radius * (1.0 + 1e-9) + most_slack);
        out.tile_slack.push(most_slack);
        for (j, &v) in c.iter().enumerate() {
            let at = (t / TILE) * m * TILE + j * TILE + t % TILE;
            out.centres[at] = v;
            for r in &rows {
                out.box_lo[at] = out.box_lo[at].min(r[j]);
                out.box_hi[at] = out.box_hi[at].max(r[j]);
            }
        }
        out.centre_sq[t] = c.iter().map(|&v| v * v).sum();
    }
    out
}

/// A row as the bound sees it (query or training row).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Query {
    /// Computed squared norm of the projected row.
    pub(crate) sq: f32,
    /// Allowance for the rounding of its coordinates: `SLACK · ‖x − mean‖`.
    pub(crate) slack: f64,
    /// An interval holding its distance from the span of the basis.
    pub(crate) res: (f64, f64),
}

/// Rows projected by [`Bound::project`].
pub(crate) struct Projected {
    /// Coordinates, one row per row.
    pub(crate) coords: Array2<f32>,
    pub(crate) queries: Vec<Query>,
}

/// The squared distance bound from a lower bound `proj` on the projected distance (before
/// the basis' allowance) and one `res` on the distance between the residuals: Pythagoras,
/// rounded down.
#[inline]
fn lower(proj: f64, res: f64) -> f64 {
    // `(1 − 1e-5) < 1 / (1 + 1e-5)`: a multiplication, not a division, and smaller.
    let p = proj.max(0.0) * (1.0 - 1e-5);
    (p * p + res * res) * (1.0 - 1e-12)
}

/// Distance between two intervals (0 when they meet).
#[inline]
fn gap(a: (f64, f64), b: (f64, f64)) -> f64 {
    (b.0 - a.1).max(a.0 - b.1).max(0.0)
}

/// Rows per tile of the projected training rows (one 512-bit vector of `f32`).
pub(crate) const TILE: usize = 16;

/// The projected squared distances of every query to every training row, tile by tile:
/// a tile (`m × 16` values) stays in the first-level cache while every query passes over it,
/// each producing 16 distances with one fused multiply-add per dimension.
#[kernel]
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

/// `x` rounded down to `f32` (for `x ≥ 0`): the conversion errs by at most 2⁻²⁴ of it, the
/// factor takes off more than that, and its own rounding cannot make up the difference.
#[inline(always)]
pub(crate) fn down(x: f64) -> f32 {
    (x as f32) * (1.0 - 1.0 / (1u32 << 22) as f32)
}

/// [`Bound::tile_lower`] over all tiles, in lanes (the square roots vectorised).
#[kernel]
fn tile_lowers(
    dc: &[f32],
    csq: &[f32],
    [spread, tile_slack, res_lo, res_hi]: [&[f64]; 4],
    q: &Query,
    out: &mut [f32],
) {
    let n = out.len();
    let (dc, csq, spread, tile_slack, res_lo, res_hi) = (
        &dc[..n],
        &csq[..n],
        &spread[..n],
        &tile_slack[..n],
        &res_lo[..n],
        &res_hi[..n],
    );
    for t in 0..n {
        // `out` holds the box distances; `f32` sums of 32 squares err by less than a part
        // in 10⁵.
        let boxed = (f64::from(out[t]) * (1.0 - 1e-5)).sqrt() - tile_slack[t] - q.slack;
        let ball = tile_bound(dc[t], csq[t], spread[t], q);
        out[t] = down(lower(boxed.max(ball), gap(q.res, (res_lo[t], res_hi[t]))));
    }
}

/// Squared distances from a point to sixteen boxes (`lo`, `hi`: `[dimension][box]`).
#[kernel]
fn box_distances(lo: &[f32], hi: &[f32], coords: &[f32]) -> [f32; TILE] {
    let mut acc = [0f32; TILE];
    for (j, &c) in coords.iter().enumerate() {
        let (lo, hi) = (&lo[j * TILE..(j + 1) * TILE], &hi[j * TILE..(j + 1) * TILE]);
        for l in 0..TILE {
            let d = (lo[l] - c).max(c - hi[l]).max(0.0);
            acc[l] = d.mul_add(d, acc[l]);
        }
    }
    acc
}

/// The centre's part of [`Bound::tile_lowers`]: a lower bound on the projected distance
/// from a query to a tile's rows (less allowances), from the computed centre distance `dc`,
/// the centre's squared norm `csq` and the tile's spread.
#[inline(always)]
fn tile_bound(dc: f32, csq: f32, spread: f64, q: &Query) -> f64 {
    let low = f64::from(dc) - GEMM_SLACK * (f64::from(q.sq) + f64::from(csq));
    low.max(0.0).sqrt() - spread - q.slack
}

/// [`Bound::row_lowers`] in lanes: the projected distances of one tile's rows (four chains
/// of multiply-adds), then their bounds (the square roots vectorised).
#[kernel]
fn row_lowers(
    tile: &[f32],
    coords: &[f32],
    q: &Query,
    [slack, res_lo, res_hi]: [&[f64]; 3],
    tsq: &[f32],
    out: &mut [f32; TILE],
) {
    let mut acc = [[0f32; TILE]; 4];
    let mut quads = coords.chunks_exact(4);
    for (jj, c) in quads.by_ref().enumerate() {
        let block: &[f32; 4 * TILE] = tile[4 * jj * TILE..4 * (jj + 1) * TILE]
            .try_into()
            .expect("four rows of a tile");
        for h in 0..4 {
            for l in 0..TILE {
                acc[h][l] = c[h].mul_add(block[h * TILE + l], acc[h][l]);
            }
        }
    }
    let done = coords.len() - quads.remainder().len();
    for (j, &c) in quads.remainder().iter().enumerate() {
        let row = &tile[(done + j) * TILE..(done + j + 1) * TILE];
        for l in 0..TILE {
            acc[0][l] = c.mul_add(row[l], acc[0][l]);
        }
    }
    let mut dots = [0f32; TILE];
    for l in 0..TILE {
        dots[l] = (acc[0][l] + acc[1][l]) + (acc[2][l] + acc[3][l]);
    }
    let mut dists = [0f32; TILE];
    finish(&dots, q.sq, tsq, &mut dists);
    let (slack, res_lo, res_hi, tsq) = (
        &slack[..TILE],
        &res_lo[..TILE],
        &res_hi[..TILE],
        &tsq[..TILE],
    );
    for l in 0..TILE {
        let low = f64::from(dists[l]) - GEMM_SLACK * (f64::from(q.sq) + f64::from(tsq[l]));
        out[l] = down(lower(
            low.max(0.0).sqrt() - q.slack - slack[l],
            gap(q.res, (res_lo[l], res_hi[l])),
        ));
    }
}

/// Orders `idx` (rows of `coords`, occupying positions `first..` of tile order) so that
/// every run of [`TILE`] positions holds nearby rows: splits at the median of the
/// coordinate with the largest variance, the left part a whole number of tiles, down to
/// single tiles. Returns the node (or [`LEAF`] | tile) for `idx`.
fn grow(idx: &mut [u32], first: usize, coords: &Array2<f32>, splits: &mut Vec<Split>) -> u32 {
    if idx.len() <= TILE {
        return LEAF | (first / TILE) as u32;
    }
    let m = coords.ncols();
    let (mut dim, mut widest) = (0, f64::NEG_INFINITY);
    // The variances from at most 256 of the rows (evenly spaced): enough to pick a
    // direction, and the tree costs 12 ms instead of 50 on 60,000 rows.
    let sample: Vec<usize> = (0..idx.len())
        .step_by(idx.len().div_ceil(256))
        .map(|i| idx[i] as usize)
        .collect();
    let mut sums = vec![(0.0f64, 0.0f64); m];
    for &r in &sample {
        for (acc, &v) in sums.iter_mut().zip(coords.row(r)) {
            let v = f64::from(v);
            *acc = (acc.0 + v, acc.1 + v * v);
        }
    }
    for (j, &(s, s2)) in sums.iter().enumerate() {
        let k = sample.len() as f64;
        let var = s2 / k - (s / k).powi(2);
        if var > widest {
            (dim, widest) = (j, var);
        }
    }
    let left = (idx.len() / 2).div_ceil(TILE) * TILE;
    idx.select_nth_unstable_by(left, |&a, &b| {
        coords[[a as usize, dim]].total_cmp(&coords[[b as usize, dim]])
    });
    let threshold = coords[[idx[left] as usize, dim]];
    let node = splits.len();
    splits.push(Split {
        dim,
        threshold,
        children: [0, 0],
    });
    let (l, r) = idx.split_at_mut(left);
    let a = grow(l, first, coords, splits);
    let b = grow(r, first + left, coords, splits);
    splits[node].children = [a, b];
    node as u32
}

/// The `m` leading eigenvectors (as rows, orthonormal) of the symmetric matrix `c`, by
/// subspace iteration from a fixed start.
///
/// The directions are kept as rows, so that the orthonormalisation walks contiguous memory
/// and the product with `c` splits by rows across threads: 32 directions of 784 features,
/// 23 ms before, as columns (each of the 12 iterations walked a cache line per value).
fn principal_directions(c: &Array2<f64>, m: usize) -> Array2<f64> {
    let d = c.nrows();
    // A deterministic, well-spread start.
    let mut v = Array2::from_shape_fn((m, d), |(j, i)| {
        let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ (j as u64 + 1).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        ((h >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    });
    orthonormalise(&mut v);
    let half = m.div_ceil(2).max(1);
    for _ in 0..ITERATIONS {
        // `c` is symmetric: the rows of `v · c` are `c` times each direction.
        let mut next = Array2::<f64>::zeros((m, d));
        next.axis_chunks_iter_mut(Axis(0), half)
            .into_par_iter()
            .zip(v.axis_chunks_iter(Axis(0), half).into_par_iter())
            .for_each(|(mut out, rows)| general_mat_mul(1.0, &rows, c, 0.0, &mut out));
        v = next;
        orthonormalise(&mut v);
    }
    // Twice more for orthonormality to the last bit.
    orthonormalise(&mut v);
    v
}

/// Modified Gram–Schmidt on the rows of `v`; a row that vanishes is replaced by a unit
/// vector orthogonal to the others.
fn orthonormalise(v: &mut Array2<f64>) {
    let (m, d) = v.dim();
    for j in 0..m {
        let (done, mut rest) = v.view_mut().split_at(Axis(0), j);
        let mut row = rest.row_mut(0);
        for attempt in 0..=d {
            for prev in done.rows() {
                let p = prev.dot(&row);
                row.scaled_add(-p, &prev);
            }
            let norm = row.dot(&row).sqrt();
            if norm > 1e-8 {
                row.mapv_inplace(|x| x / norm);
                break;
            }
            // Degenerate: try a coordinate axis.
            row.fill(0.0);
            row[(j + attempt) % d] = 1.0;
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
        // Every row is in exactly one tile.
        let mut pos = vec![usize::MAX; 500];
        for (p, &r) in b.order.iter().enumerate() {
            assert_eq!(pos[r as usize], usize::MAX);
            pos[r as usize] = p;
        }
        // Projected distance never exceeds the true one, and neither a row's bound nor its
        // tile's excludes a row within the true distance.
        let c = |p: usize, j: usize| b.tiles[(p / TILE) * 16 * TILE + j * TILE + p % TILE];
        let Projected { coords, queries } = b.project(rows.view());
        let (mut dc, mut minima) = (Vec::new(), Vec::new());
        let padded = b.centre_distances(coords.view(), &queries, &mut dc, &mut minima);
        for a in 0..50 {
            let pa = pos[a];
            let q = &queries[a];
            assert!(q.res.0 <= q.res.1);
            for t in 0..500 {
                let pt = pos[t];
                let true_sq: f64 = (0..64)
                    .map(|j| (f64::from(rows[[a, j]]) - f64::from(rows[[t, j]])).powi(2))
                    .sum();
                let lb: f32 = (0..16).map(|j| (c(pa, j) - c(pt, j)).powi(2)).sum();
                assert!(f64::from(lb) <= true_sq * 1.0001 + 1.0, "{a} {t}");
                let row = b.row_lowers(pt / TILE, coords.row(a).as_slice().unwrap(), q);
                assert!(f64::from(row[pt % TILE]) <= true_sq, "{a} {t}");
                let mut lowers = vec![0f32; b.n_tiles()];
                b.tile_lowers(
                    &dc[a * padded..(a + 1) * padded],
                    coords.row(a).as_slice().unwrap(),
                    q,
                    &mut lowers,
                );
                assert!(f64::from(lowers[pt / TILE]) <= true_sq, "{a} {t}");
            }
        }
    }
}
