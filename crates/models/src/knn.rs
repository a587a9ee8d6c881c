//! k-nearest neighbours with exact distances (scikit-learn's `KNeighborsClassifier`,
//! Euclidean metric, brute force).

use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::features::{check_features, prefetch, with_valid, Features, OwnedFeatures, Row};
use crate::projection::{Bound, Value, TILE};
use crate::traits::{check_targets, encode, top_classes, Classifier, Estimator, PredictProba};

/// How neighbours vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weights {
    /// One vote each.
    Uniform,
    /// Votes weighted by 1 / distance; a neighbour at distance 0 takes all the weight (with
    /// any others at distance 0), as in scikit-learn.
    Distance,
}

/// Parameters of k-NN; `Default` is scikit-learn's `KNeighborsClassifier()`: 5 neighbours,
/// uniform weights.
///
/// Neighbours are exactly scikit-learn's: for `u8` features squared distances are computed
/// in integers (no rounding at all), and equal distances are broken by the lower training
/// index. `f32` features use `f64` arithmetic on the differences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KNeighborsClassifier {
    /// Number of neighbours that vote.
    pub n_neighbors: usize,
    /// How they vote.
    pub weights: Weights,
}

impl Default for KNeighborsClassifier {
    fn default() -> Self {
        KNeighborsClassifier {
            n_neighbors: 5,
            weights: Weights::Uniform,
        }
    }
}

/// A fitted k-NN classifier: the training set itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KNeighbors {
    params: KNeighborsClassifier,
    classes: Vec<usize>,
    /// Class index of each training row.
    labels: Vec<usize>,
    #[serde(skip)]
    train: Option<Train>,
    /// The training rows (kept for serde; `train` is rebuilt from it).
    rows: TrainRows,
}

/// Training rows as stored for serialisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum TrainRows {
    U8 { data: Vec<u8>, n_features: usize },
    F32 { data: Vec<f32>, n_features: usize },
}

/// Training rows prepared for the distance kernels.
#[derive(Debug, Clone, PartialEq)]
enum Train {
    /// Pixels and squared norms; large sets also get a projection bound (and are read as
    /// `u8`), small ones are widened to `i16` for the blocked kernel.
    U8 {
        wide: Vec<i16>,
        norms: Vec<u32>,
        d: usize,
        pruned: Option<Box<Pruned>>,
    },
    /// Floats; large sets also get a projection bound.
    F32 {
        data: Vec<f32>,
        d: usize,
        bound: Option<Box<Bound>>,
    },
}

/// The nearest training rows of each query, nearest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbors {
    /// Euclidean distances, one row per query.
    pub distances: Array2<f64>,
    /// Training row indices, one row per query.
    pub indices: Array2<usize>,
}

impl Estimator for KNeighborsClassifier {
    type Model = KNeighbors;

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<KNeighbors> {
        check_targets(x.n_samples(), y.len())?;
        if self.n_neighbors == 0 {
            return Err(Error::InvalidParameter(
                "n_neighbors must be at least 1".into(),
            ));
        }
        with_valid(x, |x| {
            if self.n_neighbors > x.n_samples() {
                return Err(Error::InvalidParameter(format!(
                    "n_neighbors = {} but only {} training samples",
                    self.n_neighbors,
                    x.n_samples()
                )));
            }
            let (classes, labels) = encode(y);
            let d = x.n_features();
            let rows = match x.select(&(0..x.n_samples()).collect::<Vec<_>>()) {
                OwnedFeatures::U8(a) => TrainRows::U8 {
                    data: a.into_raw_vec_and_offset().0,
                    n_features: d,
                },
                OwnedFeatures::F32(a) => TrainRows::F32 {
                    data: a.into_raw_vec_and_offset().0,
                    n_features: d,
                },
            };
            let mut model = KNeighbors {
                params: *self,
                classes,
                labels,
                train: None,
                rows,
            };
            model.train = Some(model.prepare());
            Ok(model)
        })
    }
}

/// Queries per block (they share each pass over a block of training rows).
const QUERY_BLOCK: usize = 32;
/// Training sets at least this large (with at least `PRUNE_MIN_FEATURES` features) are
/// searched with the projection bound.
const PRUNE_MIN_ROWS: usize = 2048;
const PRUNE_MIN_FEATURES: usize = 64;
/// Dimensions of the projection bound.
const PROJECTED_DIMS: usize = 32;
/// Candidate rows are prefetched this far ahead of the exact distance.
const PREFETCH_AHEAD: usize = 4;
/// Above one candidate in this many rows, a query's candidates are visited row by row
/// together with the other such queries of its block.
const DENSE_CANDIDATES: usize = 8;

/// Buffers a thread reuses from one query block to the next (the bounds of a block are
/// several megabytes: allocating them afresh costs page faults).
#[derive(Default)]
struct Scratch {
    bounds: Vec<f32>,
    minima: Vec<f32>,
}

/// What the pruned search reads: the projection bound and the pixels.
#[derive(Debug, Clone, PartialEq)]
struct Pruned {
    bound: Bound,
    rows: Vec<u8>,
}
/// Training rows per block (about 200 kB of widened pixels: stays in the second-level cache).
const TRAIN_BLOCK: usize = 128;

impl KNeighbors {
    fn prepare(&self) -> Train {
        match &self.rows {
            TrainRows::U8 { data, n_features } => {
                let d = *n_features;
                let n = data.len() / d.max(1);
                let pruned = (n >= PRUNE_MIN_ROWS && d >= PRUNE_MIN_FEATURES).then(|| {
                    let rows = ndarray::ArrayView2::from_shape((n, d), data).expect("n × d");
                    Box::new(Pruned {
                        bound: Bound::fit(rows, PROJECTED_DIMS),
                        rows: data.clone(),
                    })
                });
                Train::U8 {
                    wide: if pruned.is_some() {
                        Vec::new()
                    } else {
                        data.iter().map(|&v| i16::from(v)).collect()
                    },
                    norms: data
                        .chunks_exact(d.max(1))
                        .map(|r| r.iter().map(|&v| u32::from(v) * u32::from(v)).sum())
                        .collect(),
                    d,
                    pruned,
                }
            }
            TrainRows::F32 { data, n_features } => {
                let d = *n_features;
                let n = data.len() / d.max(1);
                let bound = (n >= PRUNE_MIN_ROWS && d >= PRUNE_MIN_FEATURES).then(|| {
                    let rows = ndarray::ArrayView2::from_shape((n, d), data).expect("n × d");
                    Box::new(Bound::fit(rows, PROJECTED_DIMS))
                });
                Train::F32 {
                    data: data.clone(),
                    d,
                    bound,
                }
            }
        }
    }

    fn train(&self) -> std::borrow::Cow<'_, Train> {
        match &self.train {
            Some(t) => std::borrow::Cow::Borrowed(t),
            // After deserialisation.
            None => std::borrow::Cow::Owned(self.prepare()),
        }
    }

    fn n_train(&self) -> usize {
        self.labels.len()
    }

    /// The `k` nearest training rows of each query (scikit-learn's `kneighbors`).
    pub fn kneighbors(&self, x: Features<'_>, k: usize) -> Result<Neighbors> {
        check_features(&x, self.n_features())?;
        if k == 0 || k > self.n_train() {
            return Err(Error::InvalidParameter(format!(
                "k = {k} must be between 1 and the {} training samples",
                self.n_train()
            )));
        }
        let train = self.train();
        with_valid(x, |x| {
            let n = x.n_samples();
            let blocks: Vec<Vec<(Vec<u64>, Vec<usize>)>> = (0..n.div_ceil(QUERY_BLOCK))
                .into_par_iter()
                .map_init(Scratch::default, |scratch, b| {
                    let queries: Vec<usize> =
                        (b * QUERY_BLOCK..((b + 1) * QUERY_BLOCK).min(n)).collect();
                    nearest_block(&train, x, &queries, k, scratch)
                })
                .collect();
            let mut distances = Array2::<f64>::zeros((n, k));
            let mut indices = Array2::<usize>::zeros((n, k));
            for (i, (keys, idx)) in blocks.into_iter().flatten().enumerate() {
                for j in 0..k {
                    distances[[i, j]] = key_to_distance(&train, keys[j]);
                    indices[[i, j]] = idx[j];
                }
            }
            Ok(Neighbors { distances, indices })
        })
    }

    /// Per-class vote weights of each query's neighbours.
    fn votes(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let nb = self.kneighbors(x, self.params.n_neighbors)?;
        let k = self.classes.len();
        let mut out = Array2::<f64>::zeros((nb.indices.nrows(), k));
        for ((mut o, idx), dist) in out
            .rows_mut()
            .into_iter()
            .zip(nb.indices.rows())
            .zip(nb.distances.rows())
        {
            let exact = dist.iter().any(|&d| d == 0.0);
            for (&i, &d) in idx.iter().zip(dist) {
                let w = match self.params.weights {
                    Weights::Uniform => 1.0,
                    Weights::Distance if exact => f64::from(u8::from(d == 0.0)),
                    Weights::Distance => 1.0 / d,
                };
                o[self.labels[i]] += w;
            }
        }
        Ok(out)
    }
}

/// A fitted k-NN model with several target columns (multilabel, or multioutput such as one
/// output per pixel for denoising), as scikit-learn's `KNeighborsClassifier` fitted on a 2-D
/// target: each column is predicted by its own vote among the same neighbours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KNeighborsMultiOutput {
    /// The neighbour search (its labels are those of the first column).
    search: KNeighbors,
    /// Targets, one row per training sample.
    targets: Array2<usize>,
}

impl KNeighborsClassifier {
    /// Fits on a 2-D target: one row per sample, one column per output.
    pub fn fit_multioutput(
        &self,
        x: Features<'_>,
        y: ndarray::ArrayView2<'_, usize>,
    ) -> Result<KNeighborsMultiOutput> {
        if y.ncols() == 0 {
            return Err(Error::Empty("no target columns"));
        }
        check_targets(x.n_samples(), y.nrows())?;
        let first: Vec<usize> = y.column(0).to_vec();
        Ok(KNeighborsMultiOutput {
            search: self.fit(x, &first)?,
            targets: y.to_owned(),
        })
    }
}

impl KNeighborsMultiOutput {
    /// Number of target columns.
    pub fn n_outputs(&self) -> usize {
        self.targets.ncols()
    }

    /// The neighbour search (for [`KNeighbors::kneighbors`]).
    pub fn search(&self) -> &KNeighbors {
        &self.search
    }

    /// Each column's (weighted) most frequent value among the neighbours; the smallest value
    /// on a tie, as scikit-learn.
    pub fn predict(&self, x: Features<'_>) -> Result<Array2<usize>> {
        let params = self.search.params;
        let nb = self.search.kneighbors(x, params.n_neighbors)?;
        let m = self.targets.ncols();
        let mut out = Array2::<usize>::zeros((nb.indices.nrows(), m));
        out.axis_iter_mut(ndarray::Axis(0))
            .into_par_iter()
            .zip(nb.indices.axis_iter(ndarray::Axis(0)))
            .zip(nb.distances.axis_iter(ndarray::Axis(0)))
            .for_each(|((mut o, idx), dist)| {
                let exact = dist.iter().any(|&d| d == 0.0);
                let weights: Vec<f64> = dist
                    .iter()
                    .map(|&d| match params.weights {
                        Weights::Uniform => 1.0,
                        Weights::Distance if exact => f64::from(u8::from(d == 0.0)),
                        Weights::Distance => 1.0 / d,
                    })
                    .collect();
                let mut votes: Vec<(usize, f64)> = Vec::with_capacity(idx.len());
                for j in 0..m {
                    votes.clear();
                    for (&i, &w) in idx.iter().zip(&weights) {
                        let v = self.targets[[i, j]];
                        match votes.iter_mut().find(|(value, _)| *value == v) {
                            Some((_, total)) => *total += w,
                            None => votes.push((v, w)),
                        }
                    }
                    let mut best = votes[0];
                    for &(v, w) in &votes[1..] {
                        if w > best.1 || (w == best.1 && v < best.0) {
                            best = (v, w);
                        }
                    }
                    o[j] = best.0;
                }
            });
        Ok(out)
    }
}

/// Order-preserving integer key of a squared distance (exact integers for `u8`; the bits of
/// a non-negative `f64` otherwise).
fn key_to_distance(train: &Train, key: u64) -> f64 {
    match train {
        Train::U8 { .. } => (key as f64).sqrt(),
        Train::F32 { .. } => f64::from_bits(key).sqrt(),
    }
}

/// Nearest `k` training rows of each query in `queries`: (squared-distance keys, indices),
/// sorted by (distance, index).
fn nearest_block(
    train: &Train,
    x: Features<'_>,
    queries: &[usize],
    k: usize,
    scratch: &mut Scratch,
) -> Vec<(Vec<u64>, Vec<usize>)> {
    let mut best: Vec<TopK> = queries.iter().map(|_| TopK::new(k)).collect();
    match (train, x) {
        (
            Train::U8 {
                norms,
                d,
                pruned: Some(p),
                ..
            },
            Features::U8(_),
        ) => {
            let q_rows = match x.select(queries) {
                OwnedFeatures::U8(a) => a,
                OwnedFeatures::F32(_) => unreachable!("u8 queries"),
            };
            let d = *d;
            let row = |t: usize| &p.rows[t * d..(t + 1) * d];
            return nearest_pruned(
                &p.bound,
                q_rows.view(),
                k,
                scratch,
                |q: &[u8], q_norm: u64, t: usize| {
                    q_norm + u64::from(norms[t]) - 2 * kernels::dot_u8(q, row(t))
                },
                |key| key as f64,
                |t| prefetch(Row::U8(row(t))),
            );
        }
        (
            Train::F32 {
                data,
                d,
                bound: Some(b),
            },
            _,
        ) => {
            let q_rows = match x.select(queries) {
                OwnedFeatures::U8(a) => a.mapv(f32::from),
                OwnedFeatures::F32(a) => a,
            };
            let d = *d;
            let row = |t: usize| &data[t * d..(t + 1) * d];
            return nearest_pruned(
                b,
                q_rows.view(),
                k,
                scratch,
                |q: &[f32], _, t: usize| exact_sq_f32(q, row(t)).to_bits(),
                f64::from_bits,
                |t| prefetch(Row::F32(row(t))),
            );
        }
        (Train::U8 { wide, norms, d, .. }, Features::U8(_)) => {
            let d = *d;
            let q_wide: Vec<Vec<i16>> = queries
                .iter()
                .map(|&q| match x.row(q) {
                    Row::U8(r) => r.iter().map(|&v| i16::from(v)).collect(),
                    Row::F32(_) => unreachable!("u8 features"),
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
                        let dot = kernels::dot_i16(q, &wide[t * d..(t + 1) * d]);
                        let sq = q_norms[qj] + u64::from(norms[t]) - 2 * u64::from(dot);
                        best[qj].offer(sq, t);
                    }
                }
            }
        }
        (Train::F32 { data, d, .. }, _) => {
            let d = *d;
            let n = data.len() / d.max(1);
            for (qi, &q) in queries.iter().enumerate() {
                let row: Vec<f32> = match x.row(q) {
                    Row::U8(r) => r.iter().map(|&v| f32::from(v)).collect(),
                    Row::F32(r) => r.to_vec(),
                };
                for t in 0..n {
                    let sq = exact_sq_f32(&row, &data[t * d..(t + 1) * d]);
                    best[qi].offer(sq.to_bits(), t);
                }
            }
        }
        (Train::U8 { .. }, Features::F32(_)) => {
            // Float queries against integer training rows: compare as floats.
            let float = Train::F32 {
                data: match train {
                    Train::U8 {
                        pruned: Some(p), ..
                    } => p.rows.iter().map(|&v| f32::from(v)).collect(),
                    Train::U8 { wide, .. } => wide.iter().map(|&v| f32::from(v)).collect(),
                    Train::F32 { .. } => unreachable!(),
                },
                bound: None,
                d: match train {
                    Train::U8 { d, .. } | Train::F32 { d, .. } => *d,
                },
            };
            return nearest_block(&float, x, queries, k, scratch);
        }
    }
    best.into_iter().map(TopK::into_sorted).collect()
}

/// The squared distance of two float rows in `f64` (each difference and square exact, the
/// sum in 16 fixed lanes): the reference every float search is measured against, the same
/// whatever the CPU, so pruned and brute-force searches agree to the bit.
fn exact_sq_f32(a: &[f32], b: &[f32]) -> f64 {
    kernels::sq_dist_f32(a, b)
}

/// [`nearest_block`] with the projection bound: for each query, the rows with the smallest
/// projected distances give an upper limit on the k-th distance; then every row whose bound
/// does not exclude it is measured exactly (`exact(query, ‖query‖², row)` gives its key,
/// `key_sq` the squared distance of a key), in index order, the limit tightening as better
/// neighbours are found. Rows skipped are provably farther than the k-th neighbour, so the
/// result is exactly the brute-force one.
#[allow(clippy::too_many_arguments)]
fn nearest_pruned<T: Value + Into<f64>>(
    b: &Bound,
    q_rows: ndarray::ArrayView2<'_, T>,
    k: usize,
    scratch: &mut Scratch,
    exact: impl Fn(&[T], u64, usize) -> u64,
    key_sq: impl Fn(u64) -> f64,
    prefetch_row: impl Fn(usize),
) -> Vec<(Vec<u64>, Vec<usize>)> {
    let (qc, qsq, qslack) = b.project(q_rows);
    let Scratch {
        bounds: lbs,
        minima,
    } = scratch;
    b.lower_bounds(&qc, &qsq, lbs, minima);
    let padded = b.padded_rows();
    let n_tiles = padded / TILE;
    let mut order: Vec<(f32, usize)> = Vec::new();
    let n_queries = q_rows.nrows();
    let queries: Vec<&[T]> = q_rows
        .rows()
        .into_iter()
        .map(|q| q.to_slice().expect("standard layout"))
        .collect();
    // Integer pixels: the exact squared norms (unused for floats).
    let q_norms: Vec<u64> = queries
        .iter()
        .map(|q| {
            q.iter()
                .map(|&v| {
                    let v: f64 = v.into();
                    (v * v) as u64
                })
                .sum()
        })
        .collect();
    let mut limits = vec![f64::INFINITY; n_queries];
    let mut best: Vec<TopK> = (0..n_queries).map(|_| TopK::new(k)).collect();
    // One candidate of a query: the skip test again (the limit may have tightened), then
    // the exact distance; candidates come in index order, so ties keep the lower index.
    let visit = |qi: usize, t: usize, limits: &mut [f64], best: &mut [TopK]| {
        let lb = lbs[qi * padded + t];
        if Bound::excludes(lb, qsq[qi], b.sq[t], qslack[qi], b.slack[t], limits[qi]) {
            return;
        }
        let top = &mut best[qi];
        top.offer(exact(queries[qi], q_norms[qi], t), t);
        if top.items.len() == k {
            limits[qi] = limits[qi].min(key_sq(top.items[k - 1].0));
        }
    };
    // Bit `qi` of `mask[t]`: row `t` is a candidate of query `qi`, a query with many
    // candidates (noisy images: the bound sees little of the noise). Such queries are
    // searched together at the end, each row read once for all of them. Measured on
    // denoising (1,000 noisy Fashion-MNIST queries against 60,000): 4.6 s → 3.5 s of CPU.
    let mut mask: Vec<u32> = Vec::new();
    let mut candidates = Vec::new();
    for (qi, q) in queries.iter().enumerate() {
        let lb = &lbs[qi * padded..(qi + 1) * padded];
        // A first limit on the k-th distance: the exact distances of the nearest row (in
        // projection) of each of the `k + 4` tiles with the smallest minima.
        let seeds = k + 4;
        if seeds <= n_tiles {
            order.clear();
            order.extend(
                minima[qi * n_tiles..(qi + 1) * n_tiles]
                    .iter()
                    .enumerate()
                    .map(|(c, &m)| (m, c)),
            );
            order.select_nth_unstable_by(seeds - 1, |a, b| a.0.total_cmp(&b.0));
            let mut firsts: Vec<u64> = order[..seeds]
                .iter()
                .map(|&(m, c)| {
                    let start = c * TILE;
                    let j = lb[start..start + TILE]
                        .iter()
                        .position(|&v| v == m)
                        .unwrap_or(0);
                    exact(q, q_norms[qi], start + j)
                })
                .collect();
            firsts.sort_unstable();
            limits[qi] = key_sq(firsts[k - 1]);
        }
        // Candidates: a quick `f32` test that only skips rows the exact test would skip
        // too, then the exact test.
        let cutoff = b.cutoff(qsq[qi], qslack[qi], limits[qi]);
        candidates.clear();
        kernels::at_most(lb, cutoff, &mut candidates);
        candidates.retain(|&t| {
            !Bound::excludes(lb[t], qsq[qi], b.sq[t], qslack[qi], b.slack[t], limits[qi])
        });
        if qi < 32 && candidates.len() * DENSE_CANDIDATES > padded {
            mask.resize(padded, 0);
            for &t in &candidates {
                mask[t] |= 1 << qi;
            }
            continue;
        }
        // Few candidates (clean images: about 2 %): now, while this query's bounds are hot.
        for (i, &t) in candidates.iter().enumerate() {
            if let Some(&next) = candidates.get(i + PREFETCH_AHEAD) {
                prefetch_row(next);
            }
            visit(qi, t, &mut limits, &mut best);
        }
    }
    let rows: Vec<usize> = (0..mask.len()).filter(|&t| mask[t] != 0).collect();
    for (i, &t) in rows.iter().enumerate() {
        if let Some(&next) = rows.get(i + PREFETCH_AHEAD) {
            prefetch_row(next);
        }
        let mut m = mask[t];
        while m != 0 {
            let qi = m.trailing_zeros() as usize;
            m &= m - 1;
            visit(qi, t, &mut limits, &mut best);
        }
    }
    best.into_iter().map(TopK::into_sorted).collect()
}

/// The `k` smallest (key, index) pairs seen, kept sorted; offers come in increasing index
/// order, so a later equal key never displaces an earlier one.
struct TopK {
    k: usize,
    items: Vec<(u64, usize)>,
}

impl TopK {
    fn new(k: usize) -> Self {
        TopK {
            k,
            items: Vec::with_capacity(k + 1),
        }
    }

    #[inline]
    fn offer(&mut self, key: u64, index: usize) {
        if self.items.len() == self.k {
            match self.items.last() {
                Some(&(worst, _)) if key >= worst => return,
                _ => {}
            }
            self.items.pop();
        }
        let pos = self
            .items
            .partition_point(|&(kk, ii)| (kk, ii) < (key, index));
        self.items.insert(pos, (key, index));
    }

    fn into_sorted(self) -> (Vec<u64>, Vec<usize>) {
        self.items.into_iter().unzip()
    }
}

impl crate::MultiOutputEstimator for KNeighborsClassifier {
    type Model = KNeighborsMultiOutput;

    fn fit_multi(
        &self,
        x: Features<'_>,
        y: ndarray::ArrayView2<'_, usize>,
    ) -> Result<KNeighborsMultiOutput> {
        self.fit_multioutput(x, y)
    }
}

impl crate::MultiOutputClassifier for KNeighborsMultiOutput {
    fn n_outputs(&self) -> usize {
        KNeighborsMultiOutput::n_outputs(self)
    }

    fn n_features(&self) -> usize {
        self.search.n_features()
    }

    fn predict_multi(&self, x: Features<'_>) -> Result<Array2<usize>> {
        self.predict(x)
    }
}

impl Classifier for KNeighbors {
    fn classes(&self) -> &[usize] {
        &self.classes
    }

    fn n_features(&self) -> usize {
        match &self.rows {
            TrainRows::U8 { n_features, .. } | TrainRows::F32 { n_features, .. } => *n_features,
        }
    }

    /// The class with the most (weighted) votes; the smallest class on a tie.
    fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
        Ok(top_classes(&self.classes, &self.votes(x)?))
    }
}

impl PredictProba for KNeighbors {
    /// The (weighted) vote share of each class.
    fn predict_proba(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let mut votes = self.votes(x)?;
        for mut r in votes.rows_mut() {
            let s: f64 = r.sum();
            let s = if s == 0.0 { 1.0 } else { s };
            r.mapv_inplace(|v| v / s);
        }
        Ok(votes)
    }
}

pub(crate) mod kernels {
    use multiversion::multiversion;

    const LANES: usize = 32;

    /// `Σ a·b` of widened pixels, exact in `u32` (at most 784 × 255² < 2³²).
    #[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2", "aarch64+neon"))]
    pub(super) fn dot_i16(a: &[i16], b: &[i16]) -> u32 {
        let n = a.len().min(b.len());
        let (a, b) = (&a[..n], &b[..n]);
        let mut acc = [0i32; LANES];
        let (ac, bc) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
        let (ar, br) = (ac.remainder(), bc.remainder());
        for (x, y) in ac.zip(bc) {
            for i in 0..LANES {
                acc[i] += i32::from(x[i]) * i32::from(y[i]);
            }
        }
        let mut s: i64 = acc.iter().map(|&v| i64::from(v)).sum();
        for (&x, &y) in ar.iter().zip(br) {
            s += i64::from(x) * i64::from(y);
        }
        s as u32
    }

    /// Appends to `out` the positions of the values `≤ limit`, in order.
    #[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2", "aarch64+neon"))]
    pub(super) fn at_most(v: &[f32], limit: f32, out: &mut Vec<usize>) {
        for (c, chunk) in v.chunks(16).enumerate() {
            // Most chunks hold none: one vector comparison skips them.
            if chunk.iter().fold(false, |any, &x| any | (x <= limit)) {
                out.extend(
                    chunk
                        .iter()
                        .enumerate()
                        .filter(|(_, &x)| x <= limit)
                        .map(|(i, _)| c * 16 + i),
                );
            }
        }
    }

    /// `Σ a·b` of pixels, exact (each of the 32 lanes sums at most 33,025 products in `i32`:
    /// rows of up to a million values).
    #[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2", "aarch64+neon"))]
    pub(crate) fn dot_u8(a: &[u8], b: &[u8]) -> u64 {
        let n = a.len().min(b.len());
        let (a, b) = (&a[..n], &b[..n]);
        let mut acc = [0i32; LANES];
        let (ac, bc) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
        let (ar, br) = (ac.remainder(), bc.remainder());
        for (x, y) in ac.zip(bc) {
            for i in 0..LANES {
                acc[i] += i32::from(i16::from(x[i])) * i32::from(i16::from(y[i]));
            }
        }
        let mut s: i64 = acc.iter().map(|&v| i64::from(v)).sum();
        for (&x, &y) in ar.iter().zip(br) {
            s += i64::from(x) * i64::from(y);
        }
        s as u64
    }

    /// `Σ (a − b)²` in `f64`, 16 partial sums combined in a fixed order.
    #[multiversion(targets("x86_64+avx512f", "x86_64+avx2+fma", "aarch64+neon"))]
    pub(super) fn sq_dist_f32(a: &[f32], b: &[f32]) -> f64 {
        const L: usize = 16;
        let n = a.len().min(b.len());
        let (a, b) = (&a[..n], &b[..n]);
        let mut acc = [0.0f64; L];
        let (ac, bc) = (a.chunks_exact(L), b.chunks_exact(L));
        let (ar, br) = (ac.remainder(), bc.remainder());
        for (x, y) in ac.zip(bc) {
            for i in 0..L {
                let v = f64::from(x[i]) - f64::from(y[i]);
                acc[i] += v * v;
            }
        }
        let mut s = 0.0;
        for (x, y) in ar.iter().zip(br) {
            let v = f64::from(*x) - f64::from(*y);
            s += v * v;
        }
        let mut width = L;
        while width > 1 {
            width /= 2;
            for i in 0..width {
                acc[i] += acc[i + width];
            }
        }
        acc[0] + s
    }

    /// [`dot_i16`] of four rows against one: the shared row is loaded once.
    #[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2", "aarch64+neon"))]
    pub(super) fn dot4_i16(q: [&[i16]; 4], t: &[i16]) -> [u32; 4] {
        const L: usize = 16;
        let n = q.iter().map(|r| r.len()).min().unwrap_or(0).min(t.len());
        let mut acc = [[0i32; L]; 4];
        let whole = n - n % L;
        let mut i = 0;
        while i < whole {
            let tc = &t[i..i + L];
            for (a, r) in acc.iter_mut().zip(&q) {
                let rc = &r[i..i + L];
                for j in 0..L {
                    a[j] += i32::from(rc[j]) * i32::from(tc[j]);
                }
            }
            i += L;
        }
        let mut out = [0u32; 4];
        for (k, (a, r)) in acc.iter().zip(&q).enumerate() {
            let mut s: i64 = a.iter().map(|&v| i64::from(v)).sum();
            for j in whole..n {
                s += i64::from(r[j]) * i64::from(t[j]);
            }
            out[k] = s as u32;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::arr2;

    #[test]
    fn blocked_kernel_equals_single_dots() {
        let q: Vec<Vec<i16>> = (0..4)
            .map(|k| (0..787).map(|i| ((i * (k + 3)) % 256) as i16).collect())
            .collect();
        let t: Vec<i16> = (0..787).map(|i| ((i * 7) % 256) as i16).collect();
        let four = kernels::dot4_i16([&q[0], &q[1], &q[2], &q[3]], &t);
        for k in 0..4 {
            assert_eq!(four[k], kernels::dot_i16(&q[k], &t));
        }
    }

    #[test]
    fn ties_go_to_the_lower_index_and_votes_to_the_smaller_class() {
        // Rows 0 and 2 are both at distance 1 from the query; row 0 wins the single slot.
        let x = arr2(&[[1u8, 0], [5, 5], [0, 1], [9, 9]]);
        let y = [3, 1, 2, 1];
        let m = KNeighborsClassifier {
            n_neighbors: 1,
            weights: Weights::Uniform,
        }
        .fit((&x).into(), &y)
        .unwrap();
        let q = arr2(&[[0u8, 0]]);
        let nb = m.kneighbors((&q).into(), 3).unwrap();
        assert_eq!(nb.indices.row(0).to_vec(), vec![0, 2, 1]);
        assert_eq!(nb.distances.row(0).to_vec(), vec![1.0, 1.0, 50f64.sqrt()]);
        assert_eq!(m.predict((&q).into()).unwrap(), vec![3]);
        // Two neighbours, one vote each for classes 3 and 2: the smaller class wins.
        let m2 = KNeighborsClassifier {
            n_neighbors: 2,
            weights: Weights::Uniform,
        }
        .fit((&x).into(), &y)
        .unwrap();
        assert_eq!(m2.predict((&q).into()).unwrap(), vec![2]);
        assert_eq!(
            m2.predict_proba((&q).into()).unwrap().row(0).to_vec(),
            vec![0.0, 0.5, 0.5]
        );
    }

    #[test]
    fn distance_weights_and_exact_matches() {
        let x = arr2(&[[0u8], [3], [4]]);
        let y = [0, 1, 1];
        let m = KNeighborsClassifier {
            n_neighbors: 3,
            weights: Weights::Distance,
        }
        .fit((&x).into(), &y)
        .unwrap();
        // Query at 1: weights 1/1 for class 0, 1/2 + 1/3 for class 1.
        let p = m.predict_proba((&arr2(&[[1u8]])).into()).unwrap();
        assert!((p[[0, 0]] - 1.0 / (1.0 + 0.5 + 1.0 / 3.0)).abs() < 1e-15);
        // A query equal to a training row takes that row's class only.
        let p = m.predict_proba((&arr2(&[[3u8]])).into()).unwrap();
        assert_eq!(p.row(0).to_vec(), vec![0.0, 1.0]);
    }

    #[test]
    fn pruned_search_equals_brute_force_with_ties() {
        let s = classify_datasets::mnist_sample().unwrap();
        // 3,000 digits plus exact copies of 200 of them (distance ties) and a few blank and
        // saturated rows: large enough for the projection bound.
        let mut x = s.train.data.slice(ndarray::s![..3000, ..]).to_owned();
        let copies = s.train.data.slice(ndarray::s![..200;2, ..]).to_owned();
        x.append(ndarray::Axis(0), copies.view()).unwrap();
        x.push_row(Array2::<u8>::zeros((1, 784)).row(0)).unwrap();
        x.push_row(Array2::<u8>::from_elem((1, 784), 255).row(0))
            .unwrap();
        let y: Vec<usize> = (0..x.nrows()).map(|i| i % 10).collect();
        let model = KNeighborsClassifier::default()
            .fit((&x).into(), &y)
            .unwrap();
        assert!(matches!(
            &model.train,
            Some(Train::U8 {
                pruned: Some(_),
                ..
            })
        ));
        // Queries: test digits, training rows (distance 0, tied with their copies), blank.
        let mut q = s.test.data.slice(ndarray::s![..150, ..]).to_owned();
        q.append(ndarray::Axis(0), x.slice(ndarray::s![..120;3, ..]))
            .unwrap();
        q.push_row(Array2::<u8>::zeros((1, 784)).row(0)).unwrap();
        let k = 12;
        let got = model.kneighbors((&q).into(), k).unwrap();
        for (i, qr) in q.rows().into_iter().enumerate() {
            let mut all: Vec<(u64, usize)> = x
                .rows()
                .into_iter()
                .enumerate()
                .map(|(t, r)| {
                    let d: u64 = r
                        .iter()
                        .zip(qr)
                        .map(|(&a, &b)| (i64::from(a) - i64::from(b)).pow(2) as u64)
                        .sum();
                    (d, t)
                })
                .collect();
            all.sort_unstable();
            let want: Vec<usize> = all[..k].iter().map(|&(_, t)| t).collect();
            assert_eq!(got.indices.row(i).to_vec(), want, "query {i}");
            for (j, &(d, _)) in all[..k].iter().enumerate() {
                assert_eq!(got.distances[[i, j]], (d as f64).sqrt());
            }
        }
    }

    /// Float features (noisy and scaled pixels, non-integer values, exact copies for ties)
    /// searched with the projection bound give exactly brute force's neighbours and distances.
    #[test]
    fn pruned_float_search_equals_brute_force() {
        let s = classify_datasets::mnist_sample().unwrap();
        let mut x = s
            .train
            .data
            .slice(ndarray::s![..2600, ..])
            .mapv(|v| f32::from(v) / 255.0);
        // Deterministic "noise", values no longer integers.
        for (i, v) in x.iter_mut().enumerate() {
            *v += ((i * 2654435761) % 1000) as f32 * 1e-4 - 0.05;
        }
        let copies = x.slice(ndarray::s![..100;2, ..]).to_owned();
        x.append(ndarray::Axis(0), copies.view()).unwrap();
        let y: Vec<usize> = (0..x.nrows()).map(|i| i % 10).collect();
        let model = KNeighborsClassifier::default()
            .fit((&x).into(), &y)
            .unwrap();
        assert!(matches!(
            &model.train,
            Some(Train::F32 { bound: Some(_), .. })
        ));
        let mut q = s
            .test
            .data
            .slice(ndarray::s![..80, ..])
            .mapv(|v| f32::from(v) / 255.0);
        q.append(ndarray::Axis(0), x.slice(ndarray::s![..60;3, ..]))
            .unwrap();
        let k = 7;
        let got = model.kneighbors((&q).into(), k).unwrap();
        for (i, qr) in q.rows().into_iter().enumerate() {
            let qr = qr.to_vec();
            let mut all: Vec<(u64, usize)> = x
                .rows()
                .into_iter()
                .enumerate()
                .map(|(t, r)| (exact_sq_f32(&qr, &r.to_vec()).to_bits(), t))
                .collect();
            all.sort_unstable();
            let want: Vec<usize> = all[..k].iter().map(|&(_, t)| t).collect();
            assert_eq!(got.indices.row(i).to_vec(), want, "query {i}");
            for (j, &(d, _)) in all[..k].iter().enumerate() {
                assert_eq!(got.distances[[i, j]], f64::from_bits(d).sqrt());
            }
        }
    }

    #[test]
    fn u8_and_f32_agree_and_bad_input_is_an_error() {
        let s = classify_datasets::mnist_sample().unwrap();
        let x = s.train.data.slice(ndarray::s![..500, ..]).to_owned();
        let y: Vec<usize> = s
            .train
            .target
            .iter()
            .take(500)
            .map(|&v| usize::from(v))
            .collect();
        let q = s.test.data.slice(ndarray::s![..40, ..]).to_owned();
        let m = KNeighborsClassifier::default()
            .fit((&x).into(), &y)
            .unwrap();
        let xf = x.mapv(f32::from);
        let mf = KNeighborsClassifier::default()
            .fit((&xf).into(), &y)
            .unwrap();
        let a = m.kneighbors((&q).into(), 5).unwrap();
        let b = mf.kneighbors((&q.mapv(f32::from)).into(), 5).unwrap();
        assert_eq!(a, b);
        assert!(m.kneighbors((&q).into(), 501).is_err());
        assert!(matches!(
            m.predict((&arr2(&[[1u8, 2]])).into()),
            Err(Error::FeatureMismatch { .. })
        ));
        assert!(KNeighborsClassifier {
            n_neighbors: 0,
            weights: Weights::Uniform
        }
        .fit((&x).into(), &y)
        .is_err());
        // serde round trip predicts the same.
        let json = serde_json::to_string(&m).unwrap();
        let back: KNeighbors = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back.predict((&q).into()).unwrap(),
            m.predict((&q).into()).unwrap()
        );
    }
}
