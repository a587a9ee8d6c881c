//! The checks parameter structs run in their `Estimator::validate`: one wording for every
//! model's [`Error::InvalidParameter`].

use crate::error::{Error, Result};

/// `value` is finite and above zero (a penalty, a tolerance, a cache size).
pub fn positive(name: &str, value: f64) -> Result<()> {
    if value > 0.0 && value.is_finite() {
        Ok(())
    } else {
        Err(Error::InvalidParameter(format!(
            "{name} must be positive, got {value}"
        )))
    }
}

/// `value` is at least `min` (a count: neighbours, trees, epochs, samples per leaf).
pub fn at_least(name: &str, value: usize, min: usize) -> Result<()> {
    if value >= min {
        Ok(())
    } else {
        Err(Error::InvalidParameter(format!(
            "{name} must be at least {min}, got {value}"
        )))
    }
}

/// `weights` holds one finite weight `≥ 0` per class (`n_classes`): scikit-learn's
/// `class_weight`, expanded to the sorted classes.
pub fn class_weights(weights: &[f64], n_classes: usize) -> Result<()> {
    if weights.len() == n_classes && weights.iter().all(|v| v.is_finite() && *v >= 0.0) {
        Ok(())
    } else {
        Err(Error::InvalidParameter(format!(
            "class_weight needs one finite weight ≥ 0 per class ({n_classes}), got {weights:?}"
        )))
    }
}
