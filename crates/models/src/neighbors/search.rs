//! The searches: blocks of queries against blocks of training rows by brute force, the
//! pruned search under the projection bound, linfa-nn's kd-tree and ball tree re-ranked
//! exactly; the `k` best kept by (distance, training index) whatever the order of visits.

use ndarray::Array2;
use rayon::prelude::*;

use super::projection::{Bound, Projected, Value, TILE};
use super::storage::{fits_i32_lanes, small_integers, SmallInts, Train};
use super::{Algorithm, Neighbors};
use crate::simd::distance as kernels;
use classify_core::{Error, Features, OwnedFeatures, Result, Row};

/// Queries per block (they share each pass over a block of training rows).
pub(super) const QUERY_BLOCK: usize = 64;
/// Tiles are prefetched this far ahead of their visit.
pub(super) const PREFETCH_TILES: usize = 4;

/// Buffers a thread reuses from one query block to the next.
#[derive(Default)]
pub(super) struct Scratch {
    bounds: Vec<f32>,
    minima: Vec<f32>,
    lowers: Vec<f32>,
}

/// Training rows per block (about 200 kB of widened pixels: stays in the second-level cache).
pub(super) const TRAIN_BLOCK: usize = 128;

impl SmallInts {
    /// [`nearest_block`] of byte or `f32` queries. Keys are the bits of the exact squared
    /// distance as an `f64`, as the `F32` form's: integer distances below 2⁵³ are exact
    /// there, so both forms order and report the same numbers.
    pub(super) fn nearest(
        &self,
        x: Features<'_>,
        projected: &Projected,
        queries: &[usize],
        k: usize,
        scratch: &mut Scratch,
    ) -> Vec<(Vec<u64>, Vec<usize>)> {
        let q_rows = match x.select(queries) {
            OwnedFeatures::U8(a) => a.mapv(f32::from),
            OwnedFeatures::F32(a) => a,
            OwnedFeatures::F64(_) => unreachable!("f64 queries take the brute-force arm"),
        };
        let small = small_integers(q_rows.as_slice().expect("standard layout"), self.d)
            .filter(|&q_max| fits_i32_lanes(q_max, self.max_abs, self.d));
        if small.is_none() {
            // Fractional queries: every candidate measured exactly in `f64`.
            return nearest_pruned(
                &self.bound,
                q_rows.view(),
                projected,
                queries,
                k,
                scratch,
                |q: &[f32], _: &QueryNorms, t: usize, _| {
                    Some(kernels::sq_dist(q, self.row(t)).to_bits())
                },
                f64::from_bits,
            );
        }
        let q_ints = q_rows.mapv(|v| v as i16);
        nearest_pruned(
            &self.bound,
            q_ints.view(),
            projected,
            queries,
            k,
            scratch,
            |q: &[i16], qn: &QueryNorms, t: usize, _| {
                let sq = qn.sq as i64 + self.norms[t] - 2 * kernels::dot_i16(q, self.row(t));
                Some((sq as f64).to_bits())
            },
            f64::from_bits,
        )
    }
}

/// The distance of an order-preserving integer key of a squared distance: the exact integer
/// itself when `u8` queries met `u8` rows, the bits of a non-negative `f64` otherwise.
pub(super) fn key_to_distance(integer: bool, key: u64) -> f64 {
    if integer {
        (key as f64).sqrt()
    } else {
        f64::from_bits(key).sqrt()
    }
}

/// Nearest `k` training rows of each query in `queries`: (squared-distance keys, indices),
/// sorted by (distance, index).
pub(super) fn nearest_block(
    train: &Train,
    x: Features<'_>,
    projected: Option<&Projected>,
    queries: &[usize],
    k: usize,
    scratch: &mut Scratch,
) -> Vec<(Vec<u64>, Vec<usize>)> {
    let mut best: Vec<TopK> = queries.iter().map(|_| TopK::new(k)).collect();
    match (train, x) {
        (
            Train::U8 {
                d, pruned: Some(p), ..
            },
            Features::U8(_),
        ) => {
            let q_rows = match x.select(queries) {
                OwnedFeatures::U8(a) => a,
                _ => unreachable!("u8 queries"),
            };
            let d = *d;
            let row = |t: usize| &p.rows[t * d..(t + 1) * d];
            let dot = kernels::dot_u8_i8();
            return nearest_pruned(
                &p.bound,
                q_rows.view(),
                projected.expect("projected queries"),
                queries,
                k,
                scratch,
                // `q·x = q·(x − 128) + 128·Σq`, exact in integers.
                |q: &[u8], qn: &QueryNorms, t: usize, _| {
                    let qx = dot(q, row(t)) + 128 * qn.sum as i64;
                    Some((qn.sq as i64 + i64::from(p.norms[t]) - 2 * qx) as u64)
                },
                |key| key as f64,
            );
        }
        // `f64` on either side (not all `f32` numbers, see `kneighbors`): brute force, exact.
        (Train::F64 { .. }, _) | (_, Features::F64(_)) => {
            brute_force_f64(train, x, queries, &mut best)
        }
        (
            Train::F32 {
                data,
                d,
                bound: Some(b),
                norms,
            },
            _,
        ) => {
            let q_rows = match x.select(queries) {
                OwnedFeatures::U8(a) => a.mapv(f32::from),
                OwnedFeatures::F32(a) => a,
                OwnedFeatures::F64(_) => unreachable!("f64 queries take the brute-force arm"),
            };
            let d = *d;
            let row = |t: usize| &data[t * d..(t + 1) * d];
            return nearest_pruned(
                b,
                q_rows.view(),
                projected.expect("projected queries"),
                queries,
                k,
                scratch,
                // First `‖q‖² + ‖x‖² − 2q·x` with `q·x` in `f32`, less a bound on its rounding
                // (γ of the longest sum, times `‖q‖‖x‖` by Cauchy–Schwarz, twice): most rows
                // end there; the others get the exact distance.
                |q: &[f32], qn: &QueryNorms, t: usize, limit: f64| {
                    let x = row(t);
                    let dot = f64::from(kernels::dot_f32(q, x));
                    let approx = qn.sq + norms[t] - 2.0 * dot;
                    let err = 2.0 * kernels::dot_f32_error(d) * (qn.sq * norms[t]).sqrt()
                        + 1e-12 * (qn.sq + norms[t]);
                    (approx - err <= limit).then(|| exact_sq_f32(q, x).to_bits())
                },
                f64::from_bits,
            );
        }
        (Train::U8 { wide, norms, d, .. }, Features::U8(_)) => {
            let d = *d;
            let q_wide: Vec<Vec<i16>> = queries
                .iter()
                .map(|&q| match x.row(q) {
                    Row::U8(r) => r.iter().map(|&v| i16::from(v)).collect(),
                    _ => unreachable!("u8 features"),
                })
                .collect();
            let q_norms: Vec<u64> = q_wide
                .iter()
                .map(|r| r.iter().map(|&v| (v as u64) * (v as u64)).sum())
                .collect();
            let n = norms.len();
            for start in (0..n).step_by(TRAIN_BLOCK) {
                let end = (start + TRAIN_BLOCK).min(n);
                // Four queries share each pass over a training row.
                let mut qi = 0;
                while qi + 4 <= q_wide.len() {
                    for t in start..end {
                        let row = &wide[t * d..(t + 1) * d];
                        let dots = kernels::dot4_i16(
                            [
                                &q_wide[qi],
                                &q_wide[qi + 1],
                                &q_wide[qi + 2],
                                &q_wide[qi + 3],
                            ],
                            row,
                        );
                        for (j, dot) in dots.into_iter().enumerate() {
                            let sq = q_norms[qi + j] + u64::from(norms[t]) - 2 * u64::from(dot);
                            best[qi + j].offer(sq, t);
                        }
                    }
                    qi += 4;
                }
                for (qj, q) in q_wide.iter().enumerate().skip(qi) {
                    for t in start..end {
                        let dot = kernels::dot_i16(q, &wide[t * d..(t + 1) * d]) as u64;
                        let sq = q_norms[qj] + u64::from(norms[t]) - 2 * dot;
                        best[qj].offer(sq, t);
                    }
                }
            }
        }
        (Train::F32 { data, d, .. }, _) => {
            let d = *d;
            let n = data.len() / d.max(1);
            for (qi, &q) in queries.iter().enumerate() {
                let row = float_row(x.row(q));
                for t in 0..n {
                    let sq = kernels::sq_dist(&row, &data[t * d..(t + 1) * d]);
                    best[qi].offer(sq.to_bits(), t);
                }
            }
        }
        (Train::U8 { .. }, Features::F32(_)) => {
            // Float queries against integer training rows: compare as floats.
            return nearest_block(&train.as_floats(), x, None, queries, k, scratch);
        }
        (Train::I16(small), _) => {
            let projected = projected.expect("projected queries");
            return small.nearest(x, projected, queries, k, scratch);
        }
    }
    best.into_iter().map(TopK::into_sorted).collect()
}

/// [`nearest_block`] when either side is `f64` (and not every value an `f32` number): every
/// training row measured exactly in `f64` against each query, ties to the lower index.
pub(super) fn brute_force_f64(
    train: &Train,
    x: Features<'_>,
    queries: &[usize],
    best: &mut [TopK],
) {
    let float = match train {
        Train::U8 { .. } | Train::I16(_) => Some(train.as_floats()),
        _ => None,
    };
    let (data, d, order): (FloatRows<'_>, usize, Option<&[u32]>) =
        match float.as_ref().unwrap_or(train) {
            Train::F32 { data, d, bound, .. } => (
                FloatRows::F32(data),
                *d,
                bound.as_ref().map(|b| b.order.as_slice()),
            ),
            Train::F64 { data, d } => (FloatRows::F64(data), *d, None),
            Train::U8 { .. } | Train::I16(_) => unreachable!("integers were widened"),
        };
    let n = data.len() / d.max(1);
    for (qi, &q) in queries.iter().enumerate() {
        let row = float_row(x.row(q));
        for p in 0..n {
            let sq = match data {
                FloatRows::F32(v) => kernels::sq_dist(&row, &v[p * d..(p + 1) * d]),
                FloatRows::F64(v) => kernels::sq_dist(&row, &v[p * d..(p + 1) * d]),
            };
            let t = order.map_or(p, |o| o[p] as usize);
            best[qi].offer(sq.to_bits(), t);
        }
    }
}

/// [`KNeighbors::kneighbors`] through linfa-nn's kd-tree or ball tree. The tree's `k`
/// nearest give a radius (the largest of their exact distances, which the `k`-th true
/// neighbour cannot exceed); every row the tree finds within that radius, widened by far
/// more than its rounding, is measured exactly as brute force measures it, and the `k`
/// smallest by (distance, training index) are kept: brute force's neighbours, found faster
/// on few features.
pub(super) fn nearest_in_tree(
    algorithm: Algorithm,
    train: &Train,
    x: Features<'_>,
    k: usize,
) -> Result<Neighbors> {
    use linfa_nn::{distance::L2Dist, BallTree, KdTree, NearestNeighbour};
    let float = train.as_floats();
    let (rows, d): (FloatRows<'_>, usize) = match &float {
        Train::F32 { data, d, .. } => (FloatRows::F32(data), *d),
        Train::F64 { data, d } => (FloatRows::F64(data), *d),
        Train::U8 { .. } | Train::I16(_) => unreachable!("as_floats widens integers"),
    };
    let n_train = rows.len() / d.max(1);
    let points = Array2::from_shape_fn((n_train, d), |(t, j)| rows.get(t * d + j));
    let index = match algorithm {
        Algorithm::BallTree => BallTree.from_batch(&points, L2Dist),
        _ => KdTree.from_batch(&points, L2Dist),
    }
    .map_err(|e| Error::InvalidParameter(format!("k-NN tree: {e}")))?;
    let exact = |q: &[f64], t: usize| match rows {
        FloatRows::F32(v) => kernels::sq_dist(q, &v[t * d..(t + 1) * d]),
        FloatRows::F64(v) => kernels::sq_dist(q, &v[t * d..(t + 1) * d]),
    };
    let found: Vec<Result<(Vec<u64>, Vec<usize>)>> = (0..x.n_samples())
        .into_par_iter()
        .map(|i| {
            let q = float_row(x.row(i));
            let point = ndarray::aview1(&q);
            let tree_error =
                |e: linfa_nn::NnError| Error::InvalidParameter(format!("k-NN tree: {e}"));
            let near = index.k_nearest(point, k).map_err(tree_error)?;
            let radius = near
                .iter()
                .map(|&(_, t)| exact(&q, t))
                .fold(0.0f64, f64::max)
                .sqrt();
            // Squared (as the trees compare), the floor stays a normal number.
            let widened = radius * (1.0 + 1e-9) + 1e-150;
            let mut best = TopK::new(k);
            let mut seen = std::collections::HashSet::new();
            let candidates = index.within_range(point, widened).map_err(tree_error)?;
            for t in near.iter().chain(&candidates).map(|&(_, t)| t) {
                if seen.insert(t) {
                    best.offer(exact(&q, t).to_bits(), t);
                }
            }
            Ok(best.into_sorted())
        })
        .collect();
    let mut distances = Array2::<f64>::zeros((x.n_samples(), k));
    let mut indices = Array2::<usize>::zeros((x.n_samples(), k));
    for (i, result) in found.into_iter().enumerate() {
        let (keys, idx) = result?;
        for j in 0..k {
            distances[[i, j]] = key_to_distance(false, keys[j]);
            indices[[i, j]] = idx[j];
        }
    }
    Ok(Neighbors { distances, indices })
}

/// The squared distance of two float rows in `f64` (each difference and square exact, the
/// sum in 16 fixed lanes): the reference every float search is measured against, the same
/// whatever the CPU, so pruned and brute-force searches agree to the bit.
pub(super) fn exact_sq_f32(a: &[f32], b: &[f32]) -> f64 {
    kernels::sq_dist(a, b)
}

/// A query row as `f64` values, for the brute-force float searches.
pub(super) fn float_row(row: Row<'_>) -> Vec<f64> {
    match row {
        Row::U8(r) => r.iter().map(|&v| f64::from(v)).collect(),
        Row::F32(r) => r.iter().map(|&v| f64::from(v)).collect(),
        Row::F64(r) => r.to_vec(),
    }
}

/// Float training rows of either width.
#[derive(Clone, Copy)]
pub(super) enum FloatRows<'a> {
    F32(&'a [f32]),
    F64(&'a [f64]),
}

impl FloatRows<'_> {
    pub(super) fn len(&self) -> usize {
        match self {
            FloatRows::F32(v) => v.len(),
            FloatRows::F64(v) => v.len(),
        }
    }

    pub(super) fn get(&self, i: usize) -> f64 {
        match self {
            FloatRows::F32(v) => f64::from(v[i]),
            FloatRows::F64(v) => v[i],
        }
    }
}

/// A query's squared norm and sum (exact integers for pixels).
pub(super) struct QueryNorms {
    sq: f64,
    sum: f64,
}

/// [`nearest_block`] with the projection bound. For each query: the exact distances of
/// every row of the tiles whose centres look nearest give a limit on the k-th distance;
/// then the tiles not excluded by their centre's bound are visited nearest bound first,
/// each row not excluded by its own bound measured exactly (`exact(query, ‖query‖², p)`
/// gives the key of the row at tile-order position `p`, `key_sq` the squared distance of
/// a key), the limit tightening as better neighbours are found, until the next tile's
/// bound exceeds it. Rows skipped are provably farther than the k-th neighbour, and the
/// neighbours kept are the `k` smallest by (distance, training index) whatever the order
/// of visits, so the result is exactly the brute-force one.
#[allow(clippy::too_many_arguments)]
pub(super) fn nearest_pruned<T: Value + Into<f64>>(
    b: &Bound,
    q_rows: ndarray::ArrayView2<'_, T>,
    projected: &Projected,
    queries: &[usize],
    k: usize,
    scratch: &mut Scratch,
    exact: impl Fn(&[T], &QueryNorms, usize, f64) -> Option<u64>,
    key_sq: impl Fn(u64) -> f64,
) -> Vec<(Vec<u64>, Vec<usize>)> {
    let coords = projected.coords.select(ndarray::Axis(0), queries);
    let bounds: Vec<_> = queries.iter().map(|&q| projected.queries[q]).collect();
    let Scratch {
        bounds: dcs,
        minima,
        lowers,
    } = scratch;
    let padded = b.centre_distances(coords.view(), &bounds, dcs, minima);
    let n_tiles = b.n_tiles();
    let nq = q_rows.nrows();
    debug_assert!(nq <= 64, "one bit per query");
    let rows: Vec<&[T]> = q_rows
        .rows()
        .into_iter()
        .map(|q| q.to_slice().expect("standard layout"))
        .collect();
    let q_norms: Vec<QueryNorms> = rows
        .iter()
        .map(|q| QueryNorms {
            sq: q.iter().map(|&v| v.into() * v.into()).sum(),
            sum: q.iter().map(|&v| v.into()).sum(),
        })
        .collect();
    // Each query's lower bound for each tile.
    lowers.clear();
    lowers.resize(nq * n_tiles, 0.0);
    for (qi, l) in lowers.chunks_exact_mut(n_tiles.max(1)).enumerate().take(nq) {
        b.tile_lowers(
            &dcs[qi * padded..(qi + 1) * padded],
            coords.row(qi).as_slice().expect("standard layout"),
            &bounds[qi],
            l,
        );
    }
    let mut top: Vec<TopK> = (0..nq).map(|_| TopK::new(k)).collect();
    let mut limits = vec![f64::INFINITY; nq];
    // Bit `qi` of `wanted[t]`: tile `t` may hold a neighbour of query `qi`.
    let mut wanted = vec![0u64; n_tiles];
    let mut nearest = vec![f32::INFINITY; n_tiles];
    let seeds = (k.div_ceil(TILE) + 1).min(n_tiles);
    for qi in 0..nq {
        // Seeds: every row of the tiles whose centres are nearest gives a first limit.
        let dc = &dcs[qi * padded..qi * padded + n_tiles];
        let mut mine: Vec<(f32, u32)> = Vec::with_capacity(seeds + 1);
        for (t, &v) in dc.iter().enumerate() {
            if mine.len() < seeds || v < mine[seeds - 1].0 {
                let at = mine.partition_point(|&(w, _)| w <= v);
                mine.insert(at, (v, t as u32));
                mine.truncate(seeds);
            }
        }
        let mine: Vec<u32> = mine.into_iter().map(|(_, t)| t).collect();
        for &t in &mine {
            for p in b.rows_of(t as usize) {
                if let Some(key) = exact(rows[qi], &q_norms[qi], p, f64::INFINITY) {
                    top[qi].offer(key, b.order[p] as usize);
                }
            }
        }
        if let Some(worst) = top[qi].worst() {
            limits[qi] = key_sq(worst);
        }
        let limit = limits[qi];
        for (t, &low) in lowers[qi * n_tiles..(qi + 1) * n_tiles].iter().enumerate() {
            if f64::from(low) <= limit && !mine.contains(&(t as u32)) {
                wanted[t] |= 1u64 << qi;
                nearest[t] = nearest[t].min(low);
            }
        }
    }
    // The tiles any query still wants, nearest first (limits tighten sooner), each read
    // once for all the queries of the block that want it.
    let mut visit: Vec<(f32, u32)> = (0..n_tiles)
        .filter(|&t| wanted[t] != 0)
        .map(|t| (nearest[t], t as u32))
        .collect();
    visit.sort_unstable_by(|a, c| a.0.total_cmp(&c.0).then(a.1.cmp(&c.1)));
    for &(_, t) in visit.iter().take(PREFETCH_TILES) {
        b.prefetch_tile(t as usize);
    }
    for (i, &(_, t)) in visit.iter().enumerate() {
        let t = t as usize;
        if let Some(&(_, next)) = visit.get(i + PREFETCH_TILES) {
            b.prefetch_tile(next as usize);
        }
        let mut m = wanted[t];
        while m != 0 {
            let qi = m.trailing_zeros() as usize;
            m &= m - 1;
            if f64::from(lowers[qi * n_tiles + t]) > limits[qi] {
                continue;
            }
            let coords = coords.row(qi);
            let row_lowers = b.row_lowers(t, coords.as_slice().expect("standard"), &bounds[qi]);
            let first = b.rows_of(t).start;
            // The rows under the limit as it stands (a comparison the compiler vectorises,
            // and no branch per row), each checked again as the limit tightens.
            let mut candidates = under(&row_lowers, limits[qi]) & tile_mask(b.rows_of(t).len());
            while candidates != 0 {
                let l = candidates.trailing_zeros() as usize;
                candidates &= candidates - 1;
                if f64::from(row_lowers[l]) > limits[qi] {
                    continue;
                }
                let p = first + l;
                let Some(key) = exact(rows[qi], &q_norms[qi], p, limits[qi]) else {
                    continue;
                };
                top[qi].offer(key, b.order[p] as usize);
                if let Some(worst) = top[qi].worst() {
                    limits[qi] = limits[qi].min(key_sq(worst));
                }
            }
        }
    }
    top.into_iter().map(TopK::into_sorted).collect()
}

// A tile's rows fit the bits of a `u32` mask.
const _: () = assert!(TILE <= 32);

/// Bit `l` set where `lowers[l] ≤ limit` (in `f64`, as the search compares them).
#[inline]
fn under(lowers: &[f32; TILE], limit: f64) -> u32 {
    lowers
        .iter()
        .enumerate()
        .fold(0, |m, (l, &v)| m | (u32::from(f64::from(v) <= limit) << l))
}

/// The low `len` bits of a tile's mask.
#[inline]
fn tile_mask(len: usize) -> u32 {
    if len >= 32 {
        u32::MAX
    } else {
        (1u32 << len) - 1
    }
}

/// The `k` smallest (key, index) pairs seen, kept sorted: equal keys are ordered by index,
/// whatever the order of the offers.
pub(super) struct TopK {
    k: usize,
    items: Vec<(u64, usize)>,
}

impl TopK {
    pub(super) fn new(k: usize) -> Self {
        TopK {
            k,
            items: Vec::with_capacity(k + 1),
        }
    }

    #[inline]
    pub(super) fn offer(&mut self, key: u64, index: usize) {
        if self.items.len() == self.k {
            match self.items.last() {
                Some(&worst) if (key, index) >= worst => return,
                _ => {}
            }
            self.items.pop();
        }
        let pos = self
            .items
            .partition_point(|&(kk, ii)| (kk, ii) < (key, index));
        self.items.insert(pos, (key, index));
    }

    /// The k-th smallest key, once `k` have been offered.
    pub(super) fn worst(&self) -> Option<u64> {
        (self.items.len() == self.k).then(|| self.items[self.k - 1].0)
    }

    pub(super) fn into_sorted(self) -> (Vec<u64>, Vec<usize>) {
        self.items.into_iter().unzip()
    }
}
