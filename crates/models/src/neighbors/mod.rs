//! k-nearest neighbours with exact distances (scikit-learn's `KNeighborsClassifier`,
//! Euclidean metric): our blocked, pruned brute force, or linfa-nn's kd-tree and ball tree
//! for low-dimensional features, re-ranked exactly.

use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

mod projection;

use self::projection::{Bound, Projected, Value, TILE};
use classify_core::{check_features, with_valid, Features, OwnedFeatures, Row};
use classify_core::{check_targets, encode, top_classes, Classifier, Estimator, PredictProba};
use classify_core::{Error, Result};

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

/// How neighbours are found (scikit-learn's `algorithm`). Every choice finds the same
/// neighbours and distances; only the time differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// The kd-tree for few features and many rows, brute force otherwise (the crossover,
    /// measured: [`Algorithm::resolve`]).
    #[default]
    Auto,
    /// Every training row against every query: blocked kernels, integer dots for `u8`, and
    /// on large sets tiles of rows skipped by proven bounds.
    Brute,
    /// linfa-nn's kd-tree (from the `kdtree` crate), its candidates re-ranked exactly.
    KdTree,
    /// linfa-nn's ball tree, its candidates re-ranked exactly.
    BallTree,
}

impl Algorithm {
    /// The search `Auto` stands for on `n` training rows of `d` features: the kd-tree when
    /// `d ≤ 4` and `n ≥ 1,000`, or `d ≤ 8` and `n ≥ 16,384`; brute force otherwise.
    ///
    /// Measured (`cargo bench --bench models -- knn_algorithm`: 1,000 queries, k = 5, uniform
    /// `f64` features, 2 cores, AVX-512, 2026-11-27), milliseconds for brute force / kd-tree /
    /// ball tree: n = 1,000: d = 2 3.0 / 1.5 / 2.0, d = 4 3.9 / 2.9 / 5.1, d = 8 4.2 / 10.5 /
    /// 14.1; n = 4,096: d = 4 11.0 / 4.4 / 8.6, d = 8 14.2 / 22.0 / 36.7, d = 16 15.7 / 119.7 /
    /// 88.2; n = 20,000: d = 4 50.8 / 12.2 / 20.8, d = 8 58.6 / 37.9 / 104.2, d = 16 64.7 /
    /// 528.1 / 690.2. The ball tree never beat the kd-tree, so `Auto` never picks it.
    pub fn resolve(self, n: usize, d: usize) -> Algorithm {
        let tree = (d <= 4 && n >= 1_000) || (d <= 8 && n >= 16_384);
        match self {
            Algorithm::Auto if tree => Algorithm::KdTree,
            Algorithm::Auto => Algorithm::Brute,
            other => other,
        }
    }
}

/// Parameters of k-NN; `Default` is scikit-learn's `KNeighborsClassifier()`: 5 neighbours,
/// uniform weights, `algorithm="auto"`.
///
/// Neighbours are exactly scikit-learn's brute force: for `u8` features squared distances
/// are computed in integers (no rounding at all), and equal distances are broken by the
/// lower training index. Float features use `f64` arithmetic on the differences; the trees'
/// candidates are re-ranked with that same arithmetic, so every [`Algorithm`] agrees.
///
/// ```
/// use classify_models::{Algorithm, Classifier, Estimator, KNeighborsClassifier};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.0], [0.0, 1.0], [5.0, 5.0], [5.0, 6.0], [6.0, 5.0]];
/// let y = [0, 0, 1, 1, 1];
/// let knn = KNeighborsClassifier { n_neighbors: 3, ..Default::default() };
/// let brute = knn.fit((&x).into(), &y)?;
/// let tree = KNeighborsClassifier { algorithm: Algorithm::KdTree, ..knn }.fit((&x).into(), &y)?;
/// let q = array![[0.2, 0.1], [5.5, 5.5]];
/// assert_eq!(brute.predict((&q).into())?, vec![0, 1]);
/// assert_eq!(tree.kneighbors((&q).into(), 3)?, brute.kneighbors((&q).into(), 3)?);
/// // Through linfa, with labels of any type.
/// use linfa::prelude::{Dataset, Predict};
/// let data = Dataset::new(x, array![false, false, true, true, true]);
/// let model = linfa::traits::Fit::fit(&knn, &data)?;
/// assert_eq!(model.predict(&q).to_vec(), vec![false, true]);
/// # Ok::<(), classify_models::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KNeighborsClassifier {
    /// Number of neighbours that vote.
    pub n_neighbors: usize,
    /// How they vote.
    pub weights: Weights,
    /// How they are found (model files written before this field read as `Auto`).
    #[serde(default)]
    pub algorithm: Algorithm,
}

impl Default for KNeighborsClassifier {
    fn default() -> Self {
        KNeighborsClassifier {
            n_neighbors: 5,
            weights: Weights::Uniform,
            algorithm: Algorithm::Auto,
        }
    }
}

/// A fitted k-NN classifier: the training set itself.
///
/// Model files hold the rows in their original order; in memory they are
/// kept once, in the form the search reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "KNeighborsFile")]
pub struct KNeighbors {
    params: KNeighborsClassifier,
    classes: Vec<usize>,
    /// Class index of each training row.
    labels: Vec<usize>,
    /// The rows as the search reads them (shared by the models a grid search fits on one
    /// fold).
    train: std::sync::Arc<Train>,
}

/// What a model file holds.
#[derive(Serialize, Deserialize)]
struct KNeighborsFile {
    params: KNeighborsClassifier,
    classes: Vec<usize>,
    labels: Vec<usize>,
    rows: TrainRows,
}

impl Serialize for KNeighbors {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        KNeighborsFile {
            params: self.params,
            classes: self.classes.clone(),
            labels: self.labels.clone(),
            rows: self.train.rows(),
        }
        .serialize(s)
    }
}

impl TryFrom<KNeighborsFile> for KNeighbors {
    type Error = Error;

    /// Checks what a (possibly edited) file says before building the search on it.
    fn try_from(f: KNeighborsFile) -> Result<KNeighbors> {
        let n = f.labels.len();
        let (len, d) = match &f.rows {
            TrainRows::U8 { data, n_features } => (data.len(), *n_features),
            TrainRows::F32 { data, n_features } => (data.len(), *n_features),
            TrainRows::F64 { data, n_features } => (data.len(), *n_features),
        };
        let bad = |why: String| Err(Error::InvalidParameter(format!("k-NN model file: {why}")));
        if d == 0 || n == 0 || len != n * d {
            return bad(format!("{len} values for {n} rows of {d} features"));
        }
        if f.labels.iter().any(|&l| l >= f.classes.len()) {
            return bad(format!(
                "a label is not one of the {} classes",
                f.classes.len()
            ));
        }
        if f.params.n_neighbors == 0 || f.params.n_neighbors > n {
            return bad(format!(
                "n_neighbors = {} with {n} training rows",
                f.params.n_neighbors
            ));
        }
        let train = match &f.rows {
            TrainRows::U8 { data, .. } => Train::build(Features::U8(
                ndarray::ArrayView2::from_shape((n, d), data).expect("checked: n × d values"),
            )),
            TrainRows::F32 { data, .. } => {
                if data.iter().any(|v| !v.is_finite()) {
                    return bad("a feature is NaN or infinite".into());
                }
                Train::build(Features::F32(
                    ndarray::ArrayView2::from_shape((n, d), data).expect("checked: n × d values"),
                ))
            }
            TrainRows::F64 { data, .. } => {
                if data.iter().any(|v| !v.is_finite()) {
                    return bad("a feature is NaN or infinite".into());
                }
                Train::build(Features::F64(
                    ndarray::ArrayView2::from_shape((n, d), data).expect("checked: n × d values"),
                ))
            }
        };
        Ok(KNeighbors {
            params: f.params,
            classes: f.classes,
            labels: f.labels,
            train: std::sync::Arc::new(train),
        })
    }
}

/// Training rows as stored in model files, in their original order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum TrainRows {
    U8 { data: Vec<u8>, n_features: usize },
    F32 { data: Vec<f32>, n_features: usize },
    F64 { data: Vec<f64>, n_features: usize },
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
    /// Floats; large sets also get a projection bound (and their rows' squared norms, for
    /// the quick distance test).
    F32 {
        data: Vec<f32>,
        d: usize,
        bound: Option<Box<Bound>>,
        norms: Vec<f64>,
    },
    /// `f64` rows that are not all `f32` numbers, searched by brute force in `f64` (those that
    /// are take the `f32` form: the same numbers).
    F64 { data: Vec<f64>, d: usize },
    /// Large sets of floats that are all small integers (pixels with integer noise, counts).
    I16(SmallInts),
}

/// Floats that are all small integers, pruned like [`Train::F32`] but held as `i16`: half the
/// bytes to read per candidate row and exact integer dot products against integer queries
/// (`max_abs` bounds every value, so `Σ|q·x| ≤ max|q|·max_abs·d` is checked against `i32`
/// lanes before a block uses them).
#[derive(Debug, Clone, PartialEq)]
struct SmallInts {
    /// Rows in tile order.
    rows: Vec<i16>,
    /// Their squared norms, exact.
    norms: Vec<i64>,
    max_abs: i64,
    d: usize,
    bound: Box<Bound>,
}

impl SmallInts {
    /// The `i16` form of `data` (`d` values a row) under `bound`, or the bound back when
    /// some value is not a small enough integer.
    fn build(data: &[f32], d: usize, bound: Box<Bound>) -> Result<SmallInts, Box<Bound>> {
        let Some((rows, max_abs)) = small_integers_in_tile_order(data, d, &bound.order) else {
            return Err(bound);
        };
        let norms = rows
            .par_chunks_exact(d.max(1))
            .map(|r| r.iter().map(|&v| i64::from(v) * i64::from(v)).sum())
            .collect();
        Ok(SmallInts {
            rows,
            norms,
            max_abs,
            d,
            bound,
        })
    }

    fn row(&self, t: usize) -> &[i16] {
        &self.rows[t * self.d..(t + 1) * self.d]
    }

    /// [`nearest_block`] of byte or `f32` queries. Keys are the bits of the exact squared
    /// distance as an `f64`, as the `F32` form's: integer distances below 2⁵³ are exact
    /// there, so both forms order and report the same numbers.
    fn nearest(
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

    /// At least one neighbour (no more than the training rows: checked by `fit`).
    fn validate(&self) -> Result<()> {
        classify_core::param::at_least("n_neighbors", self.n_neighbors, 1)
    }

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<KNeighbors> {
        Ok(Self::fit_all(std::slice::from_ref(self), x, y)?.remove(0))
    }

    /// One search over the rows for all the estimators (they differ only in how many
    /// neighbours vote and how).
    fn fit_rows_many(
        estimators: &[Self],
        x: Features<'_>,
        y: &[usize],
        rows: &[usize],
    ) -> Result<Vec<KNeighbors>> {
        check_targets(x.n_samples(), y.len())?;
        let sub = x.select(rows);
        let y_sub: Vec<usize> = rows.iter().map(|&r| y[r]).collect();
        Self::fit_all(estimators, sub.view(), &y_sub)
    }

    /// One search of the neighbours for the largest `n_neighbors` of `models` when they share
    /// their training rows (as [`fit_rows_many`](Estimator::fit_rows_many) fits them); each
    /// model votes among the first `n_neighbors` of them. These are its own neighbours: the
    /// search orders them by distance, then training index, so a shorter list is a prefix of
    /// a longer one. The book's grid search (8 candidates, 5 folds of 10,000 Fashion-MNIST
    /// images) took 0.96 s with a search per candidate and takes 0.31 s with one per fold.
    fn predict_many(models: &[KNeighbors], x: Features<'_>) -> Result<Vec<Vec<usize>>> {
        let Some(first) = models.first() else {
            return Ok(Vec::new());
        };
        let shared = models.iter().all(|m| {
            std::sync::Arc::ptr_eq(&m.train, &first.train)
                && m.params.algorithm == first.params.algorithm
        });
        if !shared {
            return models.par_iter().map(|m| m.predict(x)).collect();
        }
        let k = models
            .iter()
            .map(|m| m.params.n_neighbors)
            .max()
            .unwrap_or(1);
        let neighbors = first.kneighbors(x, k)?;
        Ok(models
            .iter()
            .map(|m| top_classes(&m.classes, &m.votes_among(&neighbors)))
            .collect())
    }
}

impl KNeighborsClassifier {
    /// Fits every estimator of `estimators` on `x`, `y`, sharing the prepared rows.
    fn fit_all(estimators: &[Self], x: Features<'_>, y: &[usize]) -> Result<Vec<KNeighbors>> {
        check_targets(x.n_samples(), y.len())?;
        if x.n_samples() == 0 {
            return Err(Error::Empty("no samples"));
        }
        for e in estimators {
            e.validate()?;
            if e.n_neighbors > x.n_samples() {
                return Err(Error::InvalidParameter(format!(
                    "n_neighbors = {} but only {} training samples",
                    e.n_neighbors,
                    x.n_samples()
                )));
            }
        }
        with_valid(x, |x| {
            let (classes, labels) = encode(y);
            let train = std::sync::Arc::new(Train::build(x));
            Ok(estimators
                .iter()
                .map(|e| KNeighbors {
                    params: *e,
                    classes: classes.clone(),
                    labels: labels.clone(),
                    train: std::sync::Arc::clone(&train),
                })
                .collect())
        })
    }
}

/// Queries per block (they share each pass over a block of training rows).
const QUERY_BLOCK: usize = 64;
/// Tiles are prefetched this far ahead of their visit.
const PREFETCH_TILES: usize = 4;
/// Training sets at least this large (with at least `PRUNE_MIN_FEATURES` features) are
/// searched with the projection bound.
const PRUNE_MIN_ROWS: usize = 2048;
const PRUNE_MIN_FEATURES: usize = 64;
/// Dimensions of the projection bound.
const PROJECTED_DIMS: usize = 32;

/// Buffers a thread reuses from one query block to the next.
#[derive(Default)]
struct Scratch {
    bounds: Vec<f32>,
    minima: Vec<f32>,
    lowers: Vec<f32>,
}

/// What the pruned search reads: the projection bound, and the pixels and their squared
/// norms in the bound's tile order. Pixels are stored less 128 (as `i8`), the form the
/// integer dot-product instructions take ([`kernels::dot_u8_i8`]).
#[derive(Debug, Clone, PartialEq)]
struct Pruned {
    bound: Bound,
    rows: Vec<i8>,
    norms: Vec<u32>,
}
/// Training rows per block (about 200 kB of widened pixels: stays in the second-level cache).
const TRAIN_BLOCK: usize = 128;

impl Train {
    /// The search's form of the training rows `x` (finite).
    fn build(x: Features<'_>) -> Train {
        match x {
            Features::U8(a) => {
                let a = a.as_standard_layout();
                let (n, d) = a.dim();
                let data = a.as_slice().expect("standard layout");
                let norm = |r: &[u8]| r.iter().map(|&v| u32::from(v) * u32::from(v)).sum();
                if n >= PRUNE_MIN_ROWS && d >= PRUNE_MIN_FEATURES {
                    let bound = Bound::fit(a.view(), PROJECTED_DIMS);
                    let norms = bound
                        .order
                        .par_iter()
                        .map(|&t| norm(&data[t as usize * d..(t as usize + 1) * d]))
                        .collect();
                    Train::U8 {
                        wide: Vec::new(),
                        norms: Vec::new(),
                        d,
                        pruned: Some(Box::new(Pruned {
                            rows: in_tile_order(data, d, &bound.order, |v| (v ^ 0x80) as i8),
                            norms,
                            bound,
                        })),
                    }
                } else {
                    Train::U8 {
                        wide: data.iter().map(|&v| i16::from(v)).collect(),
                        norms: data.chunks_exact(d.max(1)).map(norm).collect(),
                        d,
                        pruned: None,
                    }
                }
            }
            Features::F64(a) => match x.f64_as_exact_f32() {
                Some(narrow) => Train::build(Features::F32(narrow.view())),
                None => Train::F64 {
                    data: a.as_standard_layout().iter().copied().collect(),
                    d: a.ncols(),
                },
            },
            Features::F32(a) => {
                let a = a.as_standard_layout();
                let (n, d) = a.dim();
                let data = a.as_slice().expect("standard layout");
                let bound = (n >= PRUNE_MIN_ROWS && d >= PRUNE_MIN_FEATURES)
                    .then(|| Box::new(Bound::fit(a.view(), PROJECTED_DIMS)));
                let bound = match bound.map(|b| SmallInts::build(data, d, b)) {
                    Some(Ok(small)) => return Train::I16(small),
                    Some(Err(bound)) => Some(bound),
                    None => None,
                };
                let data = match &bound {
                    Some(b) => in_tile_order(data, d, &b.order, |v| v),
                    None => data.to_vec(),
                };
                Train::F32 {
                    norms: match &bound {
                        Some(_) => data
                            .par_chunks_exact(d.max(1))
                            .map(kernels::sq_norm_f32)
                            .collect(),
                        None => Vec::new(),
                    },
                    data,
                    d,
                    bound,
                }
            }
        }
    }

    /// The training rows in their original order (as model files hold them).
    fn rows(&self) -> TrainRows {
        // Undoes the tile order (`order[p]` is the row at position `p`) and a value map.
        fn back<T: Copy, U: Default + Clone>(
            rows: &[T],
            d: usize,
            order: &[u32],
            f: impl Fn(T) -> U,
        ) -> Vec<U> {
            let mut out = vec![U::default(); rows.len()];
            for (p, &t) in order.iter().enumerate() {
                let t = t as usize;
                for (o, &v) in out[t * d..(t + 1) * d]
                    .iter_mut()
                    .zip(&rows[p * d..(p + 1) * d])
                {
                    *o = f(v);
                }
            }
            out
        }
        match self {
            Train::U8 {
                pruned: Some(p), d, ..
            } => TrainRows::U8 {
                data: back(&p.rows, *d, &p.bound.order, |v| v as u8 ^ 0x80),
                n_features: *d,
            },
            Train::U8 { wide, d, .. } => TrainRows::U8 {
                data: wide.iter().map(|&v| v as u8).collect(),
                n_features: *d,
            },
            Train::F32 {
                data,
                d,
                bound: Some(b),
                ..
            } => TrainRows::F32 {
                data: back(data, *d, &b.order, |v| v),
                n_features: *d,
            },
            Train::F32 { data, d, .. } => TrainRows::F32 {
                data: data.clone(),
                n_features: *d,
            },
            Train::F64 { data, d } => TrainRows::F64 {
                data: data.clone(),
                n_features: *d,
            },
            Train::I16(s) => TrainRows::F32 {
                data: back(&s.rows, s.d, &s.bound.order, f32::from),
                n_features: s.d,
            },
        }
    }

    /// Byte rows widened to `f32`, unpruned, in their original order (for float queries);
    /// float rows as they are.
    fn as_floats(&self) -> Train {
        match self.rows() {
            TrainRows::U8 { data, n_features } => Train::F32 {
                data: data.iter().map(|&v| f32::from(v)).collect(),
                bound: None,
                norms: Vec::new(),
                d: n_features,
            },
            TrainRows::F32 { data, n_features } => Train::F32 {
                data,
                bound: None,
                norms: Vec::new(),
                d: n_features,
            },
            TrainRows::F64 { data, n_features } => Train::F64 {
                data,
                d: n_features,
            },
        }
    }

    fn n_features(&self) -> usize {
        match self {
            Train::U8 { d, .. } | Train::F32 { d, .. } | Train::F64 { d, .. } => *d,
            Train::I16(s) => s.d,
        }
    }
}

impl KNeighbors {
    /// The parameters it was fitted with.
    pub fn params(&self) -> &KNeighborsClassifier {
        &self.params
    }

    /// The queries projected for the bound (when the training set has one), and the order
    /// in which to search them: queries that fall in nearby tiles one after the other, so
    /// that they read the same training rows while those are in cache.
    fn plan(train: &Train, x: Features<'_>) -> (Option<Projected>, Vec<usize>) {
        let n = x.n_samples();
        let all: Vec<usize> = (0..n).collect();
        let bound = match train {
            Train::U8 {
                pruned: Some(p), ..
            } => &p.bound,
            Train::F32 { bound: Some(b), .. } => b,
            Train::I16(s) => &s.bound,
            _ => return (None, all),
        };
        let projected = match x {
            Features::U8(a) => bound.project(a),
            Features::F32(a) => bound.project(a),
            // Searched by brute force (`nearest_block`): the bound is proven for `f32` only.
            Features::F64(_) => return (None, all),
        };
        let mut keyed: Vec<(usize, usize)> = projected
            .coords
            .rows()
            .into_iter()
            .map(|r| bound.leaf(r.as_slice().expect("standard layout")))
            .zip(all)
            .collect();
        keyed.sort_unstable();
        (Some(projected), keyed.into_iter().map(|(_, q)| q).collect())
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
        let train = &self.train;
        with_valid(x, |x| {
            // `f64` queries that are all `f32` numbers are those numbers: the `f32` search,
            // pruned, gives exactly the neighbours and distances an `f64` search would.
            let narrow = match (train.as_ref(), x) {
                (Train::F64 { .. }, _) => None,
                (_, Features::F64(_)) => x.f64_as_exact_f32(),
                _ => None,
            };
            let x = match &narrow {
                Some(a) => a.into(),
                None => x.reborrow(),
            };
            let n = x.n_samples();
            let algorithm = self
                .params
                .algorithm
                .resolve(self.n_train(), self.n_features());
            if algorithm != Algorithm::Brute {
                return nearest_in_tree(algorithm, train, x, k);
            }
            let integer_keys = matches!((train.as_ref(), x), (Train::U8 { .. }, Features::U8(_)));
            let (projected, order) = Self::plan(train, x);
            let blocks: Vec<Vec<(Vec<u64>, Vec<usize>)>> = order
                .par_chunks(QUERY_BLOCK)
                .map_init(Scratch::default, |scratch, queries| {
                    nearest_block(train, x, projected.as_ref(), queries, k, scratch)
                })
                .collect();
            let mut distances = Array2::<f64>::zeros((n, k));
            let mut indices = Array2::<usize>::zeros((n, k));
            for (&i, (keys, idx)) in order.iter().zip(blocks.into_iter().flatten()) {
                for j in 0..k {
                    distances[[i, j]] = key_to_distance(integer_keys, keys[j]);
                    indices[[i, j]] = idx[j];
                }
            }
            Ok(Neighbors { distances, indices })
        })
    }

    /// Per-class vote weights of each query's neighbours.
    fn votes(&self, x: Features<'_>) -> Result<Array2<f64>> {
        Ok(self.votes_among(&self.kneighbors(x, self.params.n_neighbors)?))
    }

    /// Per-class vote weights of the first `n_neighbors` of each query's `neighbors` (at
    /// least that many, nearest first).
    fn votes_among(&self, neighbors: &Neighbors) -> Array2<f64> {
        let k = self.params.n_neighbors;
        let mut out = Array2::<f64>::zeros((neighbors.indices.nrows(), self.classes.len()));
        for ((mut o, idx), dist) in out
            .rows_mut()
            .into_iter()
            .zip(neighbors.indices.rows())
            .zip(neighbors.distances.rows())
        {
            let exact = dist.iter().take(k).any(|&d| d == 0.0);
            for (&i, &d) in idx.iter().zip(dist).take(k) {
                let w = match self.params.weights {
                    Weights::Uniform => 1.0,
                    Weights::Distance if exact => f64::from(u8::from(d == 0.0)),
                    Weights::Distance => 1.0 / d,
                };
                o[self.labels[i]] += w;
            }
        }
        out
    }
}

/// A fitted k-NN model with several target columns (multilabel, or multioutput such as one
/// output per pixel for denoising), as scikit-learn's `KNeighborsClassifier` fitted on a 2-D
/// target: each column is predicted by its own vote among the same neighbours.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "MultiOutputFile")]
pub struct KNeighborsMultiOutput {
    /// The neighbour search (its labels are those of the first column).
    search: KNeighbors,
    /// Targets, one row per training sample.
    targets: Targets,
}

/// Targets in the narrowest integer type that holds them: denoising's 60,000 × 784 pixel
/// targets take 47 MB as `u8` instead of 376 MB as `usize` (and the copy into the model
/// costs page faults in proportion).
#[derive(Debug, Clone, PartialEq)]
enum Targets {
    U8(Array2<u8>),
    U16(Array2<u16>),
    Wide(Array2<usize>),
}

impl Targets {
    fn new<L: Copy + Into<usize>>(y: ndarray::ArrayView2<'_, L>) -> Targets {
        match y.iter().map(|&v| v.into()).max().unwrap_or(0) {
            m if m <= usize::from(u8::MAX) => Targets::U8(y.mapv(|v| v.into() as u8)),
            m if m <= usize::from(u16::MAX) => Targets::U16(y.mapv(|v| v.into() as u16)),
            _ => Targets::Wide(y.mapv(Into::into)),
        }
    }

    #[inline]
    fn get(&self, i: usize, j: usize) -> usize {
        match self {
            Targets::U8(a) => usize::from(a[[i, j]]),
            Targets::U16(a) => usize::from(a[[i, j]]),
            Targets::Wide(a) => a[[i, j]],
        }
    }

    fn dim(&self) -> (usize, usize) {
        match self {
            Targets::U8(a) => a.dim(),
            Targets::U16(a) => a.dim(),
            Targets::Wide(a) => a.dim(),
        }
    }
}

/// What a multi-output model file holds.
#[derive(Serialize, Deserialize)]
struct MultiOutputFile {
    search: KNeighbors,
    targets: Array2<usize>,
}

impl Serialize for KNeighborsMultiOutput {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let (n, m) = self.targets.dim();
        MultiOutputFile {
            search: self.search.clone(),
            targets: Array2::from_shape_fn((n, m), |(i, j)| self.targets.get(i, j)),
        }
        .serialize(s)
    }
}

impl TryFrom<MultiOutputFile> for KNeighborsMultiOutput {
    type Error = Error;

    fn try_from(f: MultiOutputFile) -> Result<KNeighborsMultiOutput> {
        if f.targets.nrows() != f.search.n_train() || f.targets.ncols() == 0 {
            return Err(Error::InvalidParameter(format!(
                "k-NN model file: {} target rows of {} columns for {} training rows",
                f.targets.nrows(),
                f.targets.ncols(),
                f.search.n_train()
            )));
        }
        Ok(KNeighborsMultiOutput {
            targets: Targets::new(f.targets.view()),
            search: f.search,
        })
    }
}

impl KNeighborsClassifier {
    /// Fits on a 2-D target: one row per sample, one column per output, of any unsigned
    /// integer type (pixels as `u8` for denoising need no wider copy).
    ///
    /// ```
    /// use classify_models::KNeighborsClassifier;
    /// use ndarray::array;
    ///
    /// let x = array![[0u8, 0], [0, 10], [10, 0], [10, 10]];
    /// let y = array![[0u8, 1], [0, 1], [1, 0], [1, 0]];
    /// let model = KNeighborsClassifier { n_neighbors: 1, ..Default::default() }
    ///     .fit_multioutput((&x).into(), y.view())
    ///     .unwrap();
    /// assert_eq!(model.predict((&array![[9u8, 1]]).into()).unwrap(), array![[1usize, 0]]);
    /// ```
    pub fn fit_multioutput<L: Copy + Into<usize>>(
        &self,
        x: Features<'_>,
        y: ndarray::ArrayView2<'_, L>,
    ) -> Result<KNeighborsMultiOutput> {
        if y.ncols() == 0 {
            return Err(Error::Empty("no target columns"));
        }
        check_targets(x.n_samples(), y.nrows())?;
        let first: Vec<usize> = y.column(0).iter().map(|&v| v.into()).collect();
        Ok(KNeighborsMultiOutput {
            search: self.fit(x, &first)?,
            targets: Targets::new(y),
        })
    }
}

impl KNeighborsMultiOutput {
    /// Number of target columns.
    pub fn n_outputs(&self) -> usize {
        self.targets.dim().1
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
        let m = self.targets.dim().1;
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
                        let v = self.targets.get(i, j);
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

/// The distance of an order-preserving integer key of a squared distance: the exact integer
/// itself when `u8` queries met `u8` rows, the bits of a non-negative `f64` otherwise.
fn key_to_distance(integer: bool, key: u64) -> f64 {
    if integer {
        (key as f64).sqrt()
    } else {
        f64::from_bits(key).sqrt()
    }
}

/// Nearest `k` training rows of each query in `queries`: (squared-distance keys, indices),
/// sorted by (distance, index).
fn nearest_block(
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
fn brute_force_f64(train: &Train, x: Features<'_>, queries: &[usize], best: &mut [TopK]) {
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
fn nearest_in_tree(
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

/// The largest magnitude among `values` (rows of `d`) when every one is an integer an `i16`
/// holds and `d` products of the largest fit an `i32` lane (`max²·d ≤ 2³¹ − 1`), else `None`.
fn small_integers(values: &[f32], d: usize) -> Option<i64> {
    let max = values
        .par_chunks(1 << 16)
        .map(|c| {
            c.chunks(1024)
                .try_fold(0, |m: i64, c| Some(m.max(small_integers_into(c, &mut [])?)))
        })
        .try_reduce(|| 0, |a, b| Some(a.max(b)))?;
    fits_i32_lanes(max, max, d).then_some(max)
}

/// The largest magnitude among `values` when each is an integer an `i16` holds, else `None`;
/// the integers are written to `out` when it is as long as `values`. The check runs over the
/// whole slice without an early exit so that it vectorises: denoising's check of 47 million
/// noisy pixels was 20 % of its fit as a loop stopping at the first fraction.
#[inline]
fn small_integers_into(values: &[f32], out: &mut [i16]) -> Option<i64> {
    let (mut exact, mut max) = (true, 0u16);
    let mut check = |v: f32| {
        // `as` saturates, and NaN becomes 0: both then differ from `v`.
        let i = v as i16;
        exact &= f32::from(i) == v;
        max = max.max(i.unsigned_abs());
        i
    };
    if out.len() == values.len() {
        for (o, &v) in out.iter_mut().zip(values) {
            *o = check(v);
        }
    } else {
        for &v in values {
            check(v);
        }
    }
    exact.then_some(i64::from(max))
}

/// Whether `d` products of magnitudes up to `a·b` sum within `i32` (what [`kernels::dot_i16`]
/// needs to be exact).
fn fits_i32_lanes(a: i64, b: i64, d: usize) -> bool {
    a.checked_mul(b)
        .and_then(|p| p.checked_mul(d as i64))
        .is_some_and(|s| s <= i64::from(i32::MAX))
}

/// [`in_tile_order`] as `i16` with the largest magnitude, when [`small_integers`] holds for
/// `rows`: one pass over the floats, abandoned at the first that is not such an integer.
fn small_integers_in_tile_order(rows: &[f32], d: usize, order: &[u32]) -> Option<(Vec<i16>, i64)> {
    let mut out = vec![0i16; order.len() * d];
    if d == 0 {
        return None;
    }
    let max = out
        .par_chunks_mut(TILE * d)
        .zip(order.par_chunks(TILE))
        .map(|(tile, positions)| {
            let mut max = 0;
            for (o, &t) in tile.chunks_exact_mut(d).zip(positions) {
                let t = t as usize;
                max = small_integers_into(&rows[t * d..(t + 1) * d], o)?.max(max);
            }
            Some(max)
        })
        .try_reduce(|| 0, |a, b| Some(a.max(b)))?;
    fits_i32_lanes(max, max, d).then_some((out, max))
}

/// The squared distance of two float rows in `f64` (each difference and square exact, the
/// sum in 16 fixed lanes): the reference every float search is measured against, the same
/// whatever the CPU, so pruned and brute-force searches agree to the bit.
fn exact_sq_f32(a: &[f32], b: &[f32]) -> f64 {
    kernels::sq_dist(a, b)
}

/// A query row as `f64` values, for the brute-force float searches.
fn float_row(row: Row<'_>) -> Vec<f64> {
    match row {
        Row::U8(r) => r.iter().map(|&v| f64::from(v)).collect(),
        Row::F32(r) => r.iter().map(|&v| f64::from(v)).collect(),
        Row::F64(r) => r.to_vec(),
    }
}

/// Float training rows of either width.
#[derive(Clone, Copy)]
enum FloatRows<'a> {
    F32(&'a [f32]),
    F64(&'a [f64]),
}

impl FloatRows<'_> {
    fn len(&self) -> usize {
        match self {
            FloatRows::F32(v) => v.len(),
            FloatRows::F64(v) => v.len(),
        }
    }

    fn get(&self, i: usize) -> f64 {
        match self {
            FloatRows::F32(v) => f64::from(v[i]),
            FloatRows::F64(v) => v[i],
        }
    }
}

/// A query's squared norm and sum (exact integers for pixels).
struct QueryNorms {
    sq: f64,
    sum: f64,
}

/// `rows` (`d` values each) rearranged into tile order, each value mapped by `f`.
///
/// In parallel, a tile of rows per task: for 60,000 rows of 784 `f32` (188 MB, most of the
/// time the kernel zeroing fresh pages) 107 ms on one thread, about half on two.
fn in_tile_order<T: Copy + Sync, U: Copy + Default + Send>(
    rows: &[T],
    d: usize,
    order: &[u32],
    f: impl Fn(T) -> U + Sync,
) -> Vec<U> {
    let mut out = vec![U::default(); order.len() * d];
    if d == 0 {
        return out;
    }
    out.par_chunks_mut(TILE * d)
        .zip(order.par_chunks(TILE))
        .for_each(|(tile, positions)| {
            for (o, &t) in tile.chunks_exact_mut(d).zip(positions) {
                let t = t as usize;
                for (o, &v) in o.iter_mut().zip(&rows[t * d..(t + 1) * d]) {
                    *o = f(v);
                }
            }
        });
    out
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
fn nearest_pruned<T: Value + Into<f64>>(
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
            for (l, p) in b.rows_of(t).enumerate() {
                if f64::from(row_lowers[l]) > limits[qi] {
                    continue;
                }
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

/// The `k` smallest (key, index) pairs seen, kept sorted: equal keys are ordered by index,
/// whatever the order of the offers.
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
    fn worst(&self) -> Option<u64> {
        (self.items.len() == self.k).then(|| self.items[self.k - 1].0)
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
        self.train.n_features()
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

    /// `Σ a·b` of `i16` values, exact when no partial sum of products leaves `i32` (widened
    /// pixels; the `I16` form checks `max|a|·max|b|·n ≤ 2³¹ − 1` before using it). With
    /// AVX-512 BW, `vpmaddwd` (32 products per instruction); LLVM compiles the portable loop
    /// to sign extensions and `vpmulld` instead: the denoising search spent 22 % fewer cycles
    /// in its dot products with this one (perf samples, Zen 4; the rows come from memory).
    #[allow(unsafe_code)]
    pub(super) fn dot_i16(a: &[i16], b: &[i16]) -> i64 {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512bw") {
            // SAFETY: the CPU has the features `madd::dot` is compiled for (checked just
            // above).
            return unsafe { madd::dot(a, b) };
        }
        dot_i16_portable(a, b)
    }

    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    mod madd {
        use std::arch::x86_64::*;

        /// `Σ a·b` with `vpmaddwd`, the lanes added up in `i64` every 2¹⁶ values.
        ///
        /// # Safety
        /// The CPU must have AVX-512 F and BW.
        #[target_feature(enable = "avx512f,avx512bw")]
        pub(super) unsafe fn dot(a: &[i16], b: &[i16]) -> i64 {
            let n = a.len().min(b.len());
            let mut total = 0i64;
            let mut start = 0;
            while start < n {
                let end = (start + (1 << 16)).min(n);
                let (mut acc0, mut acc1) = (_mm512_setzero_si512(), _mm512_setzero_si512());
                let mut i = start;
                while i + 64 <= end {
                    // SAFETY: `i + 64 ≤ n`: in bounds of both slices.
                    let (x0, y0, x1, y1) = unsafe {
                        (
                            _mm512_loadu_si512(a.as_ptr().add(i).cast()),
                            _mm512_loadu_si512(b.as_ptr().add(i).cast()),
                            _mm512_loadu_si512(a.as_ptr().add(i + 32).cast()),
                            _mm512_loadu_si512(b.as_ptr().add(i + 32).cast()),
                        )
                    };
                    acc0 = _mm512_add_epi32(acc0, _mm512_madd_epi16(x0, y0));
                    acc1 = _mm512_add_epi32(acc1, _mm512_madd_epi16(x1, y1));
                    i += 64;
                }
                while i < end {
                    let len = (end - i).min(32);
                    let mask: __mmask32 = if len == 32 { !0 } else { (1u32 << len) - 1 };
                    // SAFETY: masked loads touch only the `len` values in bounds.
                    let (x, y) = unsafe {
                        (
                            _mm512_maskz_loadu_epi16(mask, a.as_ptr().add(i)),
                            _mm512_maskz_loadu_epi16(mask, b.as_ptr().add(i)),
                        )
                    };
                    acc0 = _mm512_add_epi32(acc0, _mm512_madd_epi16(x, y));
                    i += len;
                }
                total += i64::from(_mm512_reduce_add_epi32(acc0))
                    + i64::from(_mm512_reduce_add_epi32(acc1));
                start = end;
            }
            total
        }
    }

    /// [`dot_i16`] without AVX-512.
    #[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2", "aarch64+neon"))]
    pub(super) fn dot_i16_portable(a: &[i16], b: &[i16]) -> i64 {
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
        s
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

    /// The fastest `Σ a·b` of pixels against signed bytes this CPU has: AVX-512 VNNI's
    /// `vpdpbusd` (64 products per instruction) where present, else a portable loop.
    #[allow(unsafe_code)]
    pub(super) fn dot_u8_i8() -> fn(&[u8], &[i8]) -> i64 {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512vnni")
            && std::arch::is_x86_feature_detected!("avx512bw")
        {
            return |a, b| {
                // SAFETY: the CPU has the features `vnni::dot` is compiled for (checked
                // just above).
                unsafe { vnni::dot(a, b) }
            };
        }
        dot_u8_i8_portable
    }

    /// `Σ a·b`, exact: each of the 32 lanes sums at most 2¹⁶/32 products of magnitude
    /// below 2¹⁵ before they are added up in `i64`.
    #[multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2", "aarch64+neon"))]
    pub(super) fn dot_u8_i8_portable(a: &[u8], b: &[i8]) -> i64 {
        let n = a.len().min(b.len());
        let mut total = 0i64;
        for (a, b) in a[..n].chunks(1 << 16).zip(b[..n].chunks(1 << 16)) {
            let mut acc = [0i32; LANES];
            let (ac, bc) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
            let (ar, br) = (ac.remainder(), bc.remainder());
            for (x, y) in ac.zip(bc) {
                for i in 0..LANES {
                    acc[i] += i32::from(x[i]) * i32::from(y[i]);
                }
            }
            total += acc.iter().map(|&v| i64::from(v)).sum::<i64>();
            total += ar
                .iter()
                .zip(br)
                .map(|(&x, &y)| i64::from(x) * i64::from(y))
                .sum::<i64>();
        }
        total
    }

    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    mod vnni {
        use std::arch::x86_64::*;

        /// `Σ a·b` with `vpdpbusd`: exact, as each 32-bit lane adds at most 2¹⁶/16 products
        /// of magnitude below 2¹⁵ before the lanes are added up in `i64`.
        ///
        /// # Safety
        /// The CPU must have AVX-512 F, BW and VNNI.
        #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
        pub(super) unsafe fn dot(a: &[u8], b: &[i8]) -> i64 {
            let n = a.len().min(b.len());
            let mut total = 0i64;
            let mut start = 0;
            while start < n {
                let end = (start + (1 << 16)).min(n);
                let mut acc = _mm512_setzero_si512();
                let mut i = start;
                while i + 64 <= end {
                    // SAFETY: `i + 64 ≤ n`: in bounds of both slices.
                    let (x, y) = unsafe {
                        (
                            _mm512_loadu_si512(a.as_ptr().add(i).cast()),
                            _mm512_loadu_si512(b.as_ptr().add(i).cast()),
                        )
                    };
                    acc = _mm512_dpbusd_epi32(acc, x, y);
                    i += 64;
                }
                if i < end {
                    let mask: __mmask64 = (1u64 << (end - i)) - 1;
                    // SAFETY: masked loads touch only the `end − i` bytes in bounds.
                    let (x, y) = unsafe {
                        (
                            _mm512_maskz_loadu_epi8(mask, a.as_ptr().add(i).cast()),
                            _mm512_maskz_loadu_epi8(mask, b.as_ptr().add(i)),
                        )
                    };
                    acc = _mm512_dpbusd_epi32(acc, x, y);
                }
                total += i64::from(_mm512_reduce_add_epi32(acc));
                start = end;
            }
            total
        }
    }

    /// `Σ a·b` in `f32`: 16 lanes of fused multiply-adds, then halved four times. Its
    /// rounding is within [`dot_f32_error`]`(n)·Σ|a·b|`.
    #[multiversion(targets("x86_64+avx512f", "x86_64+avx2+fma", "aarch64+neon"))]
    pub(super) fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
        const L: usize = 16;
        let n = a.len().min(b.len());
        let (a, b) = (&a[..n], &b[..n]);
        let mut acc = [0.0f32; L];
        let (ac, bc) = (a.chunks_exact(L), b.chunks_exact(L));
        let (ar, br) = (ac.remainder(), bc.remainder());
        for (x, y) in ac.zip(bc) {
            for i in 0..L {
                acc[i] = x[i].mul_add(y[i], acc[i]);
            }
        }
        for (i, (x, y)) in ar.iter().zip(br).enumerate() {
            acc[i] = x.mul_add(*y, acc[i]);
        }
        halve(acc)
    }

    /// The sum of 16 lanes, halved four times (a fixed order: the same result on every CPU).
    #[inline(always)]
    fn halve<T: Copy + std::ops::AddAssign>(mut acc: [T; 16]) -> T {
        let mut width = 16;
        while width > 1 {
            width /= 2;
            for i in 0..width {
                let v = acc[i + width];
                acc[i] += v;
            }
        }
        acc[0]
    }

    /// `γ_m = m·u / (1 − m·u)` (u = 2⁻²⁴) for the longest chain of roundings in
    /// [`dot_f32`] of `n` values: `⌈n/16⌉` multiply-adds and four halvings, one spare.
    pub(super) fn dot_f32_error(n: usize) -> f64 {
        let m = (n.div_ceil(16) + 5) as f64;
        let u = f64::powi(2.0, -24);
        m * u / (1.0 - m * u)
    }

    /// `Σ v²` in `f64` (each square exact).
    pub(super) fn sq_norm_f32(v: &[f32]) -> f64 {
        v.iter().map(|&x| f64::from(x) * f64::from(x)).sum()
    }

    /// `Σ (a − b)²` in `f64`, 16 partial sums combined in a fixed order: the same sum for the
    /// same numbers whatever their types.
    #[multiversion(targets("x86_64+avx512f", "x86_64+avx2+fma", "aarch64+neon"))]
    pub(super) fn sq_dist<A: Copy + Into<f64>, B: Copy + Into<f64>>(a: &[A], b: &[B]) -> f64 {
        const L: usize = 16;
        let n = a.len().min(b.len());
        let (a, b) = (&a[..n], &b[..n]);
        let mut acc = [0.0f64; L];
        let (ac, bc) = (a.chunks_exact(L), b.chunks_exact(L));
        let (ar, br) = (ac.remainder(), bc.remainder());
        for (x, y) in ac.zip(bc) {
            for i in 0..L {
                let v: f64 = x[i].into() - y[i].into();
                acc[i] += v * v;
            }
        }
        let mut s = 0.0;
        for (x, y) in ar.iter().zip(br) {
            let v: f64 = (*x).into() - (*y).into();
            s += v * v;
        }
        halve(acc) + s
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

    /// The first `n` training digits of the embedded sample, their labels, and the first `m`
    /// test digits.
    fn sample(n: usize, m: usize) -> (Array2<u8>, Vec<usize>, Array2<u8>) {
        let s = classify_datasets::mnist_sample().unwrap();
        let x = s.train.data.slice(ndarray::s![..n, ..]).to_owned();
        let y = s
            .train
            .target
            .iter()
            .take(n)
            .map(|&v| usize::from(v))
            .collect();
        (x, y, s.test.data.slice(ndarray::s![..m, ..]).to_owned())
    }
    use ndarray::arr2;

    /// Whatever this CPU dispatches to (VNNI or not), pixels against signed bytes are exact,
    /// at every length (tails, and rows longer than a lane's safe run).
    #[test]
    fn pixel_by_signed_byte_dots_are_exact() {
        let dot = kernels::dot_u8_i8();
        for n in [0, 1, 63, 64, 65, 784, 1000, 70_000, 200_003] {
            let a: Vec<u8> = (0..n).map(|i| 255 - (i * 7 % 256) as u8).collect();
            let b: Vec<i8> = (0..n)
                .map(|i| if i % 3 == 0 { -128 } else { (i % 251) as i8 })
                .collect();
            let want: i64 = a
                .iter()
                .zip(&b)
                .map(|(&x, &y)| i64::from(x) * i64::from(y))
                .sum();
            assert_eq!(dot(&a, &b), want, "n = {n}");
            assert_eq!(kernels::dot_u8_i8_portable(&a, &b), want, "n = {n}");
        }
    }

    /// `vpmaddwd` and the portable loop agree with `i64` arithmetic on signed values at every
    /// length around the vector widths (the masked tail included), up to what `i32` lanes
    /// hold for the length.
    #[test]
    fn signed_i16_dots_are_exact() {
        for n in [0, 1, 31, 32, 33, 63, 64, 65, 784, 1000, 65_536, 70_001] {
            let max = ((f64::from(i32::MAX) / n.max(1) as f64).sqrt() as i64).min(32767);
            let v = |i: usize, s: usize| ((i * s % 2001) as i64 - 1000) * max / 1000;
            let a: Vec<i16> = (0..n).map(|i| v(i, 7) as i16).collect();
            let b: Vec<i16> = (0..n).map(|i| v(i, 13) as i16).collect();
            let want: i64 = a
                .iter()
                .zip(&b)
                .map(|(&x, &y)| i64::from(x) * i64::from(y))
                .sum();
            assert_eq!(kernels::dot_i16(&a, &b), want, "n = {n}");
            assert_eq!(kernels::dot_i16_portable(&a, &b), want, "n = {n}");
        }
    }

    /// The sample's first `n` training images and labels, a fold's training rows among them
    /// (four in five) and its first `m` test images.
    fn sample_fold(n: usize, m: usize) -> (Array2<u8>, Vec<usize>, Vec<usize>, Array2<u8>) {
        let s = classify_datasets::mnist_sample().unwrap();
        let x = s.train.data.slice(ndarray::s![..n, ..]).to_owned();
        let y = s
            .train
            .target
            .iter()
            .take(n)
            .map(|&v| usize::from(v))
            .collect();
        let rows = (0..n).filter(|r| r % 5 != 0).collect();
        (
            x,
            y,
            rows,
            s.test.data.slice(ndarray::s![..m, ..]).to_owned(),
        )
    }

    /// Fitting several parameter sets on one fold shares the search and changes nothing.
    #[test]
    fn fits_sharing_the_rows_equal_separate_fits() {
        let (x, y, rows, q) = sample_fold(2500, 50);
        let params =
            [(3, Weights::Uniform), (6, Weights::Distance)].map(|(k, w)| KNeighborsClassifier {
                n_neighbors: k,
                weights: w,
                ..Default::default()
            });
        let shared = KNeighborsClassifier::fit_rows_many(&params, (&x).into(), &y, &rows).unwrap();
        for (p, m) in params.iter().zip(&shared) {
            let alone = p.fit_rows((&x).into(), &y, &rows).unwrap();
            assert_eq!(m, &alone);
            assert_eq!(
                m.predict_proba((&q).into()).unwrap(),
                alone.predict_proba((&q).into()).unwrap()
            );
        }
        let too_many = KNeighborsClassifier {
            n_neighbors: 3000,
            weights: Weights::Uniform,
            ..Default::default()
        };
        assert!(KNeighborsClassifier::fit_rows_many(
            &[params[0], too_many],
            (&x).into(),
            &y,
            &rows
        )
        .is_err());
    }

    /// Models fitted together predict from one search for the largest `n_neighbors` exactly
    /// what each predicts alone: pixels (the pruned search), the same scaled to `f64`, and
    /// three coarse features (a tree search, many tied distances); queries include training
    /// rows (zero distances).
    #[test]
    fn predictions_sharing_one_search_equal_each_models_own() {
        let (x, y, rows, mut q) = sample_fold(3000, 40);
        q.append(ndarray::Axis(0), x.slice(ndarray::s![..10, ..]))
            .unwrap();
        let params: Vec<KNeighborsClassifier> = [Weights::Uniform, Weights::Distance]
            .into_iter()
            .flat_map(|weights| {
                (1..=8).map(move |n_neighbors| KNeighborsClassifier {
                    n_neighbors,
                    weights,
                    ..Default::default()
                })
            })
            .collect();
        let scaled = x.mapv(|v| f64::from(v) / 255.0);
        let q_scaled = q.mapv(|v| f64::from(v) / 255.0);
        let coarse = x
            .slice(ndarray::s![.., 400..403])
            .mapv(|v| f64::from(v / 64));
        let q_coarse = q
            .slice(ndarray::s![.., 400..403])
            .mapv(|v| f64::from(v / 64));
        let cases: [(Features<'_>, Features<'_>); 3] = [
            ((&x).into(), (&q).into()),
            ((&scaled).into(), (&q_scaled).into()),
            ((&coarse).into(), (&q_coarse).into()),
        ];
        for (case, (x, q)) in cases.into_iter().enumerate() {
            let models = KNeighborsClassifier::fit_rows_many(&params, x, &y, &rows).unwrap();
            let many = KNeighborsClassifier::predict_many(&models, q).unwrap();
            assert_eq!(many.len(), params.len());
            for (m, pred) in models.iter().zip(&many) {
                assert_eq!(pred, &m.predict(q).unwrap(), "case {case}, {:?}", m.params);
            }
        }
        // Models that do not share their rows each search their own.
        let apart: Vec<KNeighbors> = params[..2]
            .iter()
            .map(|p| p.fit_rows((&x).into(), &y, &rows).unwrap())
            .collect();
        let many = KNeighborsClassifier::predict_many(&apart, (&q).into()).unwrap();
        for (m, pred) in apart.iter().zip(&many) {
            assert_eq!(pred, &m.predict((&q).into()).unwrap());
        }
    }

    /// The `i16` form is taken only when every value is such an integer: one fraction, NaN,
    /// infinity or value past `i16` anywhere in a row refuses it.
    #[test]
    fn small_integers_refuse_any_other_value() {
        let ok = [0.0, -0.0, 3.0, -7.0, 32767.0, -32767.0, 255.0];
        let mut out = [0i16; 7];
        assert_eq!(small_integers_into(&ok, &mut out), Some(32767));
        assert_eq!(out, [0, 0, 3, -7, 32767, -32767, 255]);
        assert_eq!(small_integers_into(&ok, &mut []), Some(32767));
        for bad in [
            0.5,
            f32::NAN,
            f32::INFINITY,
            -f32::INFINITY,
            32768.0,
            -32769.0,
            1e-30,
        ] {
            for at in [0, 3, 6] {
                let mut row = ok;
                row[at] = bad;
                assert_eq!(small_integers_into(&row, &mut out), None, "{bad} at {at}");
            }
            let mut many = vec![1.0f32; 5000];
            many[4321] = bad;
            assert_eq!(small_integers(&many, 1), None, "{bad}");
        }
        assert_eq!(small_integers(&[1.0, -3.0, 2.0, 0.0], 2), Some(3));
    }

    #[test]
    fn blocked_kernel_equals_single_dots() {
        let q: Vec<Vec<i16>> = (0..4)
            .map(|k| (0..787).map(|i| ((i * (k + 3)) % 256) as i16).collect())
            .collect();
        let t: Vec<i16> = (0..787).map(|i| ((i * 7) % 256) as i16).collect();
        let four = kernels::dot4_i16([&q[0], &q[1], &q[2], &q[3]], &t);
        for k in 0..4 {
            assert_eq!(i64::from(four[k]), kernels::dot_i16(&q[k], &t));
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
            ..Default::default()
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
            ..Default::default()
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
            ..Default::default()
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
            &*model.train,
            Train::U8 {
                pruned: Some(_),
                ..
            }
        ));
        // Queries: test digits, training rows (distance 0, tied with their copies), blank.
        let mut q = s.test.data.slice(ndarray::s![..150, ..]).to_owned();
        q.append(ndarray::Axis(0), x.slice(ndarray::s![..120;3, ..]))
            .unwrap();
        q.push_row(Array2::<u8>::zeros((1, 784)).row(0)).unwrap();
        let k = 12;
        let got = model.kneighbors((&q).into(), k).unwrap();
        // A model file holds the rows in their original order, and loads to the same search.
        let json = serde_json::to_string(&model).unwrap();
        let file: serde_json::Value = serde_json::from_str(&json).unwrap();
        let stored: Vec<u8> = serde_json::from_value(file["rows"]["U8"]["data"].clone()).unwrap();
        assert_eq!(stored, x.iter().copied().collect::<Vec<u8>>());
        let back: KNeighbors = serde_json::from_str(&json).unwrap();
        assert_eq!(back, model);
        // An edited file is an error, not a panic.
        let mut edited = file.clone();
        edited["rows"]["U8"]["n_features"] = serde_json::json!(783);
        assert!(serde_json::from_value::<KNeighbors>(edited).is_err());
        let mut edited = file;
        edited["labels"][0] = serde_json::json!(99);
        assert!(serde_json::from_value::<KNeighbors>(edited).is_err());
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
        assert!(matches!(&*model.train, Train::F32 { bound: Some(_), .. }));
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

    /// Floats that are all small integers (pixels with integer noise) take the `i16` form;
    /// it finds brute force's neighbours and distances for integer, byte and fractional
    /// queries alike (ties included), and a model file of it loads back equal.
    #[test]
    fn integer_valued_floats_are_searched_exactly() {
        let s = classify_datasets::mnist_sample().unwrap();
        let noise = |i: usize| ((i * 2654435761) % 100) as f32;
        let mut x = s.train.data.slice(ndarray::s![..2600, ..]).mapv(f32::from);
        x.iter_mut().enumerate().for_each(|(i, v)| *v += noise(i));
        let copies = x.slice(ndarray::s![..100;2, ..]).to_owned();
        x.append(ndarray::Axis(0), copies.view()).unwrap();
        let y: Vec<usize> = (0..x.nrows()).map(|i| i % 10).collect();
        let model = KNeighborsClassifier::default()
            .fit((&x).into(), &y)
            .unwrap();
        assert!(matches!(&*model.train, Train::I16(s) if s.max_abs == 354));
        let bytes = s.test.data.slice(ndarray::s![..40, ..]).to_owned();
        let mut ints = bytes.mapv(f32::from);
        ints.iter_mut()
            .enumerate()
            .for_each(|(i, v)| *v += noise(i + 7));
        ints.append(ndarray::Axis(0), x.slice(ndarray::s![..60;3, ..]))
            .unwrap();
        let fractions = ints.mapv(|v| v + 0.25);
        let k = 7;
        let check = |q: &Array2<f32>, got: Neighbors| {
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
        };
        for q in [&ints, &fractions] {
            check(q, model.kneighbors(q.into(), k).unwrap());
        }
        check(
            &bytes.mapv(f32::from),
            model.kneighbors((&bytes).into(), k).unwrap(),
        );
        let json = serde_json::to_string(&model).unwrap();
        assert_eq!(serde_json::from_str::<KNeighbors>(&json).unwrap(), model);
        // Values past what `i16` products sum exactly in `i32` stay floats.
        let wide = x.mapv(|v| v * 100.0);
        let model = KNeighborsClassifier::default()
            .fit((&wide).into(), &y)
            .unwrap();
        assert!(matches!(&*model.train, Train::F32 { bound: Some(_), .. }));
    }

    /// The kd-tree and the ball tree find brute force's neighbours and distances, ties to the
    /// lower index included (a coarse grid of points has many equal distances), on `u8`,
    /// `f32` and `f64` features, and `Auto` resolves by the measured crossover.
    #[test]
    fn trees_find_brute_forces_neighbours() {
        let n = 600;
        // Points on a coarse 3-D grid (many ties), plus a few repeated rows.
        let grid =
            Array2::from_shape_fn((n, 3), |(i, j)| ((i * (7 + 3 * j) + j) % 11) as f64 * 0.5);
        let q = Array2::from_shape_fn((40, 3), |(i, j)| ((i * (5 + j)) % 13) as f64 * 0.45);
        let y: Vec<usize> = (0..n).map(|i| i % 3).collect();
        let f32s = grid.mapv(|v| v as f32);
        let u8s = grid.mapv(|v| (v * 2.0) as u8);
        let q8 = q.mapv(|v| (v * 2.0) as u8);
        for k in [1, 4, 9] {
            let fit = |x: Features<'_>, algorithm| {
                KNeighborsClassifier {
                    n_neighbors: k,
                    algorithm,
                    ..Default::default()
                }
                .fit(x, &y)
                .unwrap()
            };
            for (x, queries) in [
                (Features::from(&grid), Features::from(&q)),
                (Features::from(&f32s), Features::from(&q)),
                (Features::from(&u8s), Features::from(&q8)),
            ] {
                let brute = fit(x, Algorithm::Brute).kneighbors(queries, k).unwrap();
                for algorithm in [Algorithm::KdTree, Algorithm::BallTree] {
                    let got = fit(x, algorithm).kneighbors(queries, k).unwrap();
                    assert_eq!(got, brute, "{algorithm:?}, k = {k}");
                }
            }
        }
        assert_eq!(Algorithm::Auto.resolve(10_000, 4), Algorithm::KdTree);
        assert_eq!(Algorithm::Auto.resolve(10_000, 8), Algorithm::Brute);
        assert_eq!(Algorithm::Auto.resolve(20_000, 8), Algorithm::KdTree);
        assert_eq!(Algorithm::Auto.resolve(60_000, 784), Algorithm::Brute);
        assert_eq!(Algorithm::Auto.resolve(100, 4), Algorithm::Brute);
        assert_eq!(Algorithm::BallTree.resolve(100, 784), Algorithm::BallTree);
    }

    /// `f64` features that are not `f32` numbers take the brute-force `f64` search: on every
    /// pairing of training and query types, the neighbours and distances of a direct
    /// computation, ties to the lower index; a model file keeps them.
    #[test]
    fn f64_features_are_searched_exactly() {
        let (x, y, q) = sample(300, 12);
        // Pixels / 255 (not `f32` numbers), and the same rows as bytes.
        let x64 = x.mapv(|v| f64::from(v) / 255.0);
        let q64 = q.mapv(|v| f64::from(v) / 255.0);
        let reference = |train: &Array2<f64>, queries: &Array2<f64>| -> Vec<Vec<(u64, usize)>> {
            queries
                .rows()
                .into_iter()
                .map(|qr| {
                    let qr = qr.to_vec();
                    let mut all: Vec<(u64, usize)> = train
                        .rows()
                        .into_iter()
                        .enumerate()
                        .map(|(t, r)| (kernels::sq_dist(&qr, &r.to_vec()).to_bits(), t))
                        .collect();
                    all.sort_unstable();
                    all.truncate(5);
                    all
                })
                .collect()
        };
        let check = |got: &Neighbors, want: Vec<Vec<(u64, usize)>>, what: &str| {
            for (i, w) in want.iter().enumerate() {
                for (j, &(key, t)) in w.iter().enumerate() {
                    assert_eq!(got.indices[[i, j]], t, "{what}: query {i}, neighbour {j}");
                    assert_eq!(got.distances[[i, j]], f64::from_bits(key).sqrt(), "{what}");
                }
            }
        };
        let m64 = KNeighborsClassifier::default()
            .fit((&x64).into(), &y)
            .unwrap();
        assert!(matches!(&*m64.train, Train::F64 { .. }));
        check(
            &m64.kneighbors((&q64).into(), 5).unwrap(),
            reference(&x64, &q64),
            "f64/f64",
        );
        let qb = q.mapv(f64::from);
        check(
            &m64.kneighbors((&q).into(), 5).unwrap(),
            reference(&x64, &qb),
            "f64/u8",
        );
        let m8 = KNeighborsClassifier::default()
            .fit((&x).into(), &y)
            .unwrap();
        let xb = x.mapv(f64::from);
        check(
            &m8.kneighbors((&q64).into(), 5).unwrap(),
            reference(&xb, &q64),
            "u8/f64",
        );
        let xf = x.mapv(|v| f32::from(v) / 255.0);
        let mf = KNeighborsClassifier::default()
            .fit((&xf).into(), &y)
            .unwrap();
        let xf64 = xf.mapv(f64::from);
        check(
            &mf.kneighbors((&q64).into(), 5).unwrap(),
            reference(&xf64, &q64),
            "f32/f64",
        );
        let json = serde_json::to_string(&m64).unwrap();
        let back: KNeighbors = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back.predict((&q64).into()).unwrap(),
            m64.predict((&q64).into()).unwrap()
        );
    }

    #[test]
    fn u8_and_f32_agree_and_bad_input_is_an_error() {
        let (x, y, q) = sample(500, 40);
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
        // Float queries of a byte model: the same neighbours and distances.
        assert_eq!(m.kneighbors((&q.mapv(f32::from)).into(), 5).unwrap(), a);
        assert!(m.kneighbors((&q).into(), 501).is_err());
        assert!(matches!(
            m.predict((&arr2(&[[1u8, 2]])).into()),
            Err(Error::FeatureMismatch { .. })
        ));
        assert!(KNeighborsClassifier {
            n_neighbors: 0,
            weights: Weights::Uniform,
            ..Default::default()
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
