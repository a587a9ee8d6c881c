//! The training rows in the forms the searches read: pixels widened to `i16` or offset to
//! `i8` in tile order, floats with their norms, small integers as `i16`; and the rows as a
//! model file stores them.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::projection::{Bound, TILE};
use crate::simd::distance as kernels;
use classify_core::Features;

/// Training rows as stored in model files, in their original order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) enum TrainRows {
    U8 { data: Vec<u8>, n_features: usize },
    F32 { data: Vec<f32>, n_features: usize },
    F64 { data: Vec<f64>, n_features: usize },
}

/// Training rows prepared for the distance kernels.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Train {
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
pub(super) struct SmallInts {
    /// Rows in tile order.
    pub(super) rows: Vec<i16>,
    /// Their squared norms, exact.
    pub(super) norms: Vec<i64>,
    pub(super) max_abs: i64,
    pub(super) d: usize,
    pub(super) bound: Box<Bound>,
}

impl SmallInts {
    /// The `i16` form of `data` (`d` values a row) under `bound`, or the bound back when
    /// some value is not a small enough integer.
    pub(super) fn build(
        data: &[f32],
        d: usize,
        bound: Box<Bound>,
    ) -> Result<SmallInts, Box<Bound>> {
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

    pub(super) fn row(&self, t: usize) -> &[i16] {
        &self.rows[t * self.d..(t + 1) * self.d]
    }
}

/// Training sets at least this large (with at least `PRUNE_MIN_FEATURES` features) are
/// searched with the projection bound.
pub(super) const PRUNE_MIN_ROWS: usize = 2048;
pub(super) const PRUNE_MIN_FEATURES: usize = 64;
/// Dimensions of the projection bound.
pub(super) const PROJECTED_DIMS: usize = 32;

/// What the pruned search reads: the projection bound, and the pixels and their squared
/// norms in the bound's tile order. Pixels are stored less 128 (as `i8`), the form the
/// integer dot-product instructions take ([`kernels::dot_u8_i8`]).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Pruned {
    pub(super) bound: Bound,
    pub(super) rows: Vec<i8>,
    pub(super) norms: Vec<u32>,
}

impl Train {
    /// The search's form of the training rows `x` (finite).
    pub(super) fn build(x: Features<'_>) -> Train {
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
    pub(super) fn rows(&self) -> TrainRows {
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
    pub(super) fn as_floats(&self) -> Train {
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

    pub(super) fn n_features(&self) -> usize {
        match self {
            Train::U8 { d, .. } | Train::F32 { d, .. } | Train::F64 { d, .. } => *d,
            Train::I16(s) => s.d,
        }
    }
}

/// The largest magnitude among `values` (rows of `d`) when every one is an integer an `i16`
/// holds and `d` products of the largest fit an `i32` lane (`max²·d ≤ 2³¹ − 1`), else `None`.
pub(super) fn small_integers(values: &[f32], d: usize) -> Option<i64> {
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
pub(super) fn small_integers_into(values: &[f32], out: &mut [i16]) -> Option<i64> {
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
pub(super) fn fits_i32_lanes(a: i64, b: i64, d: usize) -> bool {
    a.checked_mul(b)
        .and_then(|p| p.checked_mul(d as i64))
        .is_some_and(|s| s <= i64::from(i32::MAX))
}

/// [`in_tile_order`] as `i16` with the largest magnitude, when [`small_integers`] holds for
/// `rows`: one pass over the floats, abandoned at the first that is not such an integer.
pub(super) fn small_integers_in_tile_order(
    rows: &[f32],
    d: usize,
    order: &[u32],
) -> Option<(Vec<i16>, i64)> {
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

/// `rows` (`d` values each) rearranged into tile order, each value mapped by `f`.
///
/// In parallel, a tile of rows per task: for 60,000 rows of 784 `f32` (188 MB, most of the
/// time the kernel zeroing fresh pages) 107 ms on one thread, about half on two.
pub(super) fn in_tile_order<T: Copy + Sync, U: Copy + Default + Send>(
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
