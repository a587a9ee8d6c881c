//! Model input: a matrix of `u8` (raw pixels, read as they are) or `f32` features, with the
//! checks every model runs on it.

use ndarray::{Array2, ArrayView2, Axis};

use crate::error::{Error, Result};

/// Features, one row per sample: raw `u8` values (pixels, counts) or `f32`.
///
/// Models read `u8` rows directly, so images need not be converted (a quarter of the memory
/// traffic of `f32`); both hold exactly the same values.
#[derive(Debug, Clone, Copy)]
pub enum Features<'a> {
    /// Unsigned bytes.
    U8(ArrayView2<'a, u8>),
    /// Single-precision floats.
    F32(ArrayView2<'a, f32>),
}

impl<'a> From<ArrayView2<'a, u8>> for Features<'a> {
    fn from(v: ArrayView2<'a, u8>) -> Self {
        Features::U8(v)
    }
}

impl<'a> From<ArrayView2<'a, f32>> for Features<'a> {
    fn from(v: ArrayView2<'a, f32>) -> Self {
        Features::F32(v)
    }
}

impl<'a> From<&'a Array2<u8>> for Features<'a> {
    fn from(v: &'a Array2<u8>) -> Self {
        Features::U8(v.view())
    }
}

impl<'a> From<&'a Array2<f32>> for Features<'a> {
    fn from(v: &'a Array2<f32>) -> Self {
        Features::F32(v.view())
    }
}

/// One row of features.
#[derive(Debug, Clone, Copy)]
pub enum Row<'a> {
    /// Unsigned bytes.
    U8(&'a [u8]),
    /// Floats.
    F32(&'a [f32]),
}

impl<'a> Features<'a> {
    /// Number of rows.
    pub fn n_samples(&self) -> usize {
        match self {
            Features::U8(a) => a.nrows(),
            Features::F32(a) => a.nrows(),
        }
    }

    /// Number of columns.
    pub fn n_features(&self) -> usize {
        match self {
            Features::U8(a) => a.ncols(),
            Features::F32(a) => a.ncols(),
        }
    }

    /// Row `i` as a contiguous slice, if the matrix is in standard layout.
    pub fn row(&self, i: usize) -> Row<'a> {
        match *self {
            Features::U8(a) => Row::U8(
                a.index_axis_move(Axis(0), i)
                    .to_slice()
                    .expect("standard layout"),
            ),
            Features::F32(a) => Row::F32(
                a.index_axis_move(Axis(0), i)
                    .to_slice()
                    .expect("standard layout"),
            ),
        }
    }

    /// The features as `f32` (a copy for `u8`).
    pub fn to_f32(&self) -> Array2<f32> {
        match self {
            Features::U8(a) => a.mapv(f32::from),
            Features::F32(a) => a.to_owned(),
        }
    }

    /// The features as `f64` (a copy).
    pub fn to_f64(&self) -> Array2<f64> {
        match self {
            Features::U8(a) => a.mapv(f64::from),
            Features::F32(a) => a.mapv(f64::from),
        }
    }

    /// The rows at `rows`, copied, in that order.
    pub fn select(&self, rows: &[usize]) -> OwnedFeatures {
        match self {
            Features::U8(a) => OwnedFeatures::U8(a.select(Axis(0), rows)),
            Features::F32(a) => OwnedFeatures::F32(a.select(Axis(0), rows)),
        }
    }

    /// A standard-layout version of these features (a copy only if needed), checked: at least
    /// one row and column, and (for `f32`) every value finite.
    pub fn validated(self) -> Result<(Features<'a>, Option<OwnedFeatures>)> {
        if self.n_samples() == 0 {
            return Err(Error::Empty("no samples"));
        }
        if self.n_features() == 0 {
            return Err(Error::Empty("no features"));
        }
        if let Features::F32(a) = self {
            for (row, r) in a.rows().into_iter().enumerate() {
                if let Some(col) = r.iter().position(|v| !v.is_finite()) {
                    return Err(Error::NonFinite { row, col });
                }
            }
        }
        let standard = match self {
            Features::U8(a) => a.is_standard_layout(),
            Features::F32(a) => a.is_standard_layout(),
        };
        if standard {
            Ok((self, None))
        } else {
            let owned = match self {
                Features::U8(a) => OwnedFeatures::U8(a.as_standard_layout().into_owned()),
                Features::F32(a) => OwnedFeatures::F32(a.as_standard_layout().into_owned()),
            };
            Ok((self, Some(owned)))
        }
    }
}

/// Owned features (the result of selecting rows).
#[derive(Debug, Clone, PartialEq)]
pub enum OwnedFeatures {
    /// Unsigned bytes.
    U8(Array2<u8>),
    /// Floats.
    F32(Array2<f32>),
}

impl OwnedFeatures {
    /// A view.
    pub fn view(&self) -> Features<'_> {
        match self {
            OwnedFeatures::U8(a) => Features::U8(a.view()),
            OwnedFeatures::F32(a) => Features::F32(a.view()),
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
