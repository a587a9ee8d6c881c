//! Errors of real-valued predictions against their targets, for one output (scikit-learn's
//! `mean_squared_error` and `root_mean_squared_error` of two 1-D arrays): what the denoising
//! example reports, cleaned pixels against the clean ones, flattened.

use crate::error::{Error, Result};

/// The mean of the squared differences (scikit-learn's `mean_squared_error` of two 1-D
/// arrays). Values are read as `f64` and the squares summed in order (NumPy sums pairwise:
/// on long inputs the two may differ in the last bits).
///
/// ```
/// use classify_metrics::mean_squared_error;
///
/// assert_eq!(mean_squared_error(&[3.0f32, 0.0, 2.0], &[1.0f32, 0.0, 2.0])?, 4.0 / 3.0);
/// # Ok::<(), classify_metrics::Error>(())
/// ```
pub fn mean_squared_error<T: Copy + Into<f64>>(y_true: &[T], y_pred: &[T]) -> Result<f64> {
    if y_true.len() != y_pred.len() {
        return Err(Error::LengthMismatch {
            what: "y_true and y_pred",
            left: y_true.len(),
            right: y_pred.len(),
        });
    }
    if y_true.is_empty() {
        return Err(Error::Empty);
    }
    let mut sum = 0.0;
    for (i, (&t, &p)) in y_true.iter().zip(y_pred).enumerate() {
        let (t, p): (f64, f64) = (t.into(), p.into());
        if !t.is_finite() {
            return Err(Error::NonFinite {
                what: "y_true",
                index: i,
            });
        }
        if !p.is_finite() {
            return Err(Error::NonFinite {
                what: "y_pred",
                index: i,
            });
        }
        sum += (p - t).powi(2);
    }
    Ok(sum / y_true.len() as f64)
}

/// The square root of [`mean_squared_error`] (scikit-learn's `root_mean_squared_error`).
///
/// ```
/// use classify_metrics::root_mean_squared_error;
///
/// assert_eq!(root_mean_squared_error(&[0u8, 0, 255, 255], &[0u8, 0, 255, 55])?, 100.0);
/// # Ok::<(), classify_metrics::Error>(())
/// ```
pub fn root_mean_squared_error<T: Copy + Into<f64>>(y_true: &[T], y_pred: &[T]) -> Result<f64> {
    Ok(mean_squared_error(y_true, y_pred)?.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_is_an_error() {
        assert_eq!(mean_squared_error::<f64>(&[], &[]), Err(Error::Empty));
        assert!(matches!(
            mean_squared_error(&[1.0], &[1.0, 2.0]),
            Err(Error::LengthMismatch { .. })
        ));
        assert_eq!(
            mean_squared_error(&[1.0, f64::NAN], &[1.0, 2.0]),
            Err(Error::NonFinite {
                what: "y_true",
                index: 1
            })
        );
        assert_eq!(
            root_mean_squared_error(&[1.0f32, 2.0], &[1.0, f32::INFINITY]),
            Err(Error::NonFinite {
                what: "y_pred",
                index: 1
            })
        );
    }
}
