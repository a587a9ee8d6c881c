//! Model input: a matrix of `u8` (raw pixels, read as they are), `f32` or `f64` features,
//! with the checks every model runs on it.

use ndarray::{Array2, ArrayBase, ArrayView2, Axis, Data, Ix2};

use crate::error::{Error, Result};

/// Features, one row per sample: raw `u8` values (pixels, counts), `f32` or `f64`.
///
/// Models read `u8` rows directly, so images need not be converted (a quarter of the memory
/// traffic of `f32`). Any view works, also a non-contiguous one (a column slice, a
/// transposed matrix): models copy it into standard layout once when they need rows.
///
/// How each model computes on `f64` input is stated on the model: scikit-learn's trees work
/// in `f32` (so do ours), SGD keeps `f32` weights, k-NN, logistic regression and SVC compute
/// in `f64`.
///
/// ```
/// use classify_core::Features;
/// use ndarray::array;
///
/// let x = array![[0.5f64, 1.0], [2.0, -1.0]];
/// let f = Features::from(&x);
/// assert_eq!((f.n_samples(), f.n_features()), (2, 2));
/// let bad = array![[f64::NAN, 1.0]];
/// assert!(Features::from(&bad).validated().is_err());
/// ```
#[derive(Debug, Clone, Copy)]
pub enum Features<'a> {
    /// Unsigned bytes.
    U8(ArrayView2<'a, u8>),
    /// Single-precision floats.
    F32(ArrayView2<'a, f32>),
    /// Double-precision floats.
    F64(ArrayView2<'a, f64>),
}

/// `$body` with `$a` bound to the array of whichever variant `$x` is.
macro_rules! each {
    ($x:expr, $a:ident => $body:expr) => {
        match $x {
            Features::U8($a) => $body,
            Features::F32($a) => $body,
            Features::F64($a) => $body,
        }
    };
}

/// A value type features can hold: `u8`, `f32` or `f64` (sealed). Generic code over
/// records — linfa's `Dataset`s, say — names this bound to accept all three.
pub trait Element: Copy + Send + Sync + 'static + sealed::Sealed {
    /// The features of a view of this type.
    fn features(v: ArrayView2<'_, Self>) -> Features<'_>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for u8 {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

macro_rules! element {
    ($t:ty, $variant:ident) => {
        impl Element for $t {
            fn features(v: ArrayView2<'_, $t>) -> Features<'_> {
                Features::$variant(v)
            }
        }
    };
}

element!(u8, U8);
element!(f32, F32);
element!(f64, F64);

impl<'a, T: Element> From<ArrayView2<'a, T>> for Features<'a> {
    fn from(v: ArrayView2<'a, T>) -> Self {
        T::features(v)
    }
}

impl<'a, T: Element, S: Data<Elem = T>> From<&'a ArrayBase<S, Ix2>> for Features<'a> {
    fn from(v: &'a ArrayBase<S, Ix2>) -> Self {
        T::features(v.view())
    }
}

/// One row of features.
#[derive(Debug, Clone, Copy)]
pub enum Row<'a> {
    /// Unsigned bytes.
    U8(&'a [u8]),
    /// Single-precision floats.
    F32(&'a [f32]),
    /// Double-precision floats.
    F64(&'a [f64]),
}

impl Row<'_> {
    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Row::U8(r) => r.len(),
            Row::F32(r) => r.len(),
            Row::F64(r) => r.len(),
        }
    }

    /// Whether the row has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Calls `f(j, value)` for every value in order, widened to `f64` (exactly).
    #[inline]
    pub fn for_each_f64(self, mut f: impl FnMut(usize, f64)) {
        match self {
            Row::U8(r) => r.iter().enumerate().for_each(|(j, &v)| f(j, f64::from(v))),
            Row::F32(r) => r.iter().enumerate().for_each(|(j, &v)| f(j, f64::from(v))),
            Row::F64(r) => r.iter().enumerate().for_each(|(j, &v)| f(j, v)),
        }
    }
}

impl<'a> Features<'a> {
    /// The same features for a shorter lifetime (array views do not shorten on their own).
    pub fn reborrow<'b>(self) -> Features<'b>
    where
        'a: 'b,
    {
        match self {
            Features::U8(a) => Features::U8(a.reborrow()),
            Features::F32(a) => Features::F32(a.reborrow()),
            Features::F64(a) => Features::F64(a.reborrow()),
        }
    }

    /// Number of rows.
    pub fn n_samples(&self) -> usize {
        each!(self, a => a.nrows())
    }

    /// Number of columns.
    pub fn n_features(&self) -> usize {
        each!(self, a => a.ncols())
    }

    /// Whether the rows are contiguous, one after the other (so that [`Features::row`] works).
    pub fn is_standard_layout(&self) -> bool {
        each!(self, a => a.is_standard_layout())
    }

    /// Row `i` as a contiguous slice.
    ///
    /// # Panics
    /// If the matrix is not in standard layout; models call this on [`Features::validated`]
    /// features only.
    // Inlined across crates: SGD's exact solver takes a row per step, and the call was 3 %
    // of its cycles (scaled 10-class 3-fold CV on Fashion-MNIST: 59.2 → 55.9 s, means of 2).
    #[inline]
    pub fn row(&self, i: usize) -> Row<'a> {
        fn slice<T>(a: ArrayView2<'_, T>, i: usize) -> &[T] {
            a.index_axis_move(Axis(0), i)
                .to_slice()
                .expect("standard layout")
        }
        match *self {
            Features::U8(a) => Row::U8(slice(a, i)),
            Features::F32(a) => Row::F32(slice(a, i)),
            Features::F64(a) => Row::F64(slice(a, i)),
        }
    }

    /// The features as `f32` (a copy; `f64` values are rounded to the nearest `f32`).
    pub fn to_f32(&self) -> Array2<f32> {
        match self {
            Features::U8(a) => a.mapv(f32::from),
            Features::F32(a) => a.to_owned(),
            Features::F64(a) => a.mapv(|v| v as f32),
        }
    }

    /// The features as `f64` (a copy).
    pub fn to_f64(&self) -> Array2<f64> {
        match self {
            Features::U8(a) => a.mapv(f64::from),
            Features::F32(a) => a.mapv(f64::from),
            Features::F64(a) => a.to_owned(),
        }
    }

    /// The rows at `rows`, copied, in that order.
    pub fn select(&self, rows: &[usize]) -> OwnedFeatures {
        match self {
            Features::U8(a) => OwnedFeatures::U8(a.select(Axis(0), rows)),
            Features::F32(a) => OwnedFeatures::F32(a.select(Axis(0), rows)),
            Features::F64(a) => OwnedFeatures::F64(a.select(Axis(0), rows)),
        }
    }

    /// `f64` features whose every value is an `f32` number (pixels, counts, most table
    /// columns), as `f32`: the same numbers, so a model may compute on them in `f32` without
    /// changing a result. `None` for other features.
    pub fn f64_as_exact_f32(&self) -> Option<Array2<f32>> {
        match self {
            Features::F64(a) if a.iter().all(|&v| f64::from(v as f32) == v) => {
                Some(a.mapv(|v| v as f32))
            }
            _ => None,
        }
    }

    /// A standard-layout version of these features (a copy only if needed), checked: at least
    /// one row and column, and every float finite.
    pub fn validated(self) -> Result<(Features<'a>, Option<OwnedFeatures>)> {
        if self.n_samples() == 0 {
            return Err(Error::Empty("no samples"));
        }
        if self.n_features() == 0 {
            return Err(Error::Empty("no features"));
        }
        match self {
            Features::U8(_) => {}
            Features::F32(a) => first_non_finite(a, |v| v.is_finite())?,
            Features::F64(a) => first_non_finite(a, |v| v.is_finite())?,
        }
        if self.is_standard_layout() {
            return Ok((self, None));
        }
        let owned = match self {
            Features::U8(a) => OwnedFeatures::U8(a.as_standard_layout().into_owned()),
            Features::F32(a) => OwnedFeatures::F32(a.as_standard_layout().into_owned()),
            Features::F64(a) => OwnedFeatures::F64(a.as_standard_layout().into_owned()),
        };
        Ok((self, Some(owned)))
    }
}

/// [`Error::NonFinite`] at the first value (in row order) that is not `finite`.
///
/// Rows are checked in parallel, each whole without stopping at a bad value so that the
/// check vectorises; only a bad row is searched for its column. 60,000 × 784 `f32` (the
/// denoising example's noisy pixels): 14 → about 6 ms on two cores.
fn first_non_finite<T: Copy + Send + Sync>(
    a: ArrayView2<'_, T>,
    finite: impl Fn(T) -> bool + Sync,
) -> Result<()> {
    use rayon::prelude::*;
    let all_finite = |r: ndarray::ArrayView1<'_, T>| r.iter().fold(true, |ok, &v| ok & finite(v));
    let Some(row) = a
        .axis_iter(Axis(0))
        .into_par_iter()
        .with_min_len(64)
        .position_first(|r| !all_finite(r))
    else {
        return Ok(());
    };
    let col = a
        .row(row)
        .iter()
        .position(|&v| !finite(v))
        .expect("the row holds a value that is not finite");
    Err(Error::NonFinite { row, col })
}

/// Owned features (the result of selecting rows).
#[derive(Debug, Clone, PartialEq)]
pub enum OwnedFeatures {
    /// Unsigned bytes.
    U8(Array2<u8>),
    /// Single-precision floats.
    F32(Array2<f32>),
    /// Double-precision floats.
    F64(Array2<f64>),
}

impl OwnedFeatures {
    /// A view.
    pub fn view(&self) -> Features<'_> {
        match self {
            OwnedFeatures::U8(a) => Features::U8(a.view()),
            OwnedFeatures::F32(a) => Features::F32(a.view()),
            OwnedFeatures::F64(a) => Features::F64(a.view()),
        }
    }
}

/// Runs `f` on standard-layout, validated features.
pub fn with_valid<T>(x: Features<'_>, f: impl FnOnce(Features<'_>) -> Result<T>) -> Result<T> {
    let (x, owned) = x.validated()?;
    match &owned {
        Some(o) => f(o.view()),
        None => f(x),
    }
}

/// [`with_valid`] for a model that computes in `f32`: `u8` and `f32` features as they are,
/// `f64` features rounded to `f32` (a copy), as scikit-learn's trees do with theirs.
pub fn with_valid_f32<T>(x: Features<'_>, f: impl FnOnce(Features<'_>) -> Result<T>) -> Result<T> {
    with_valid(x, |x| match x {
        Features::F64(_) => f((&x.to_f32()).into()),
        _ => f(x),
    })
}

/// Checks the feature count at predict time.
pub fn check_features(x: &Features<'_>, expected: usize) -> Result<()> {
    if x.n_features() != expected {
        return Err(Error::FeatureMismatch {
            expected,
            found: x.n_features(),
        });
    }
    Ok(())
}
