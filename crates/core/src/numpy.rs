//! NumPy's summation order, so sums match NumPy (and scikit-learn) to the last bit.

/// `np.sum` / `np.add.reduce` of a contiguous `float64` run `value(0..n)`: NumPy's
/// `pairwise_sum` (its `loops_utils`): runs of fewer than 8 added in order, blocks of at most
/// 128 with eight accumulators, longer runs split in two halves (the first a multiple of 8)
/// summed recursively.
///
/// ```
/// use classify_core::numpy::{pairwise_sum, sum};
/// // NumPy: np.sum([0.1] * 10) == 1.0, where a left fold gives 0.9999999999999999.
/// assert_eq!(sum(&[0.1; 10]), 1.0);
/// assert_eq!(pairwise_sum(10, |_| 0.1), 1.0);
/// ```
pub fn pairwise_sum(n: usize, value: impl Fn(usize) -> f64) -> f64 {
    pairwise(0, n, &value)
}

/// [`pairwise_sum`] of a slice.
pub fn sum(values: &[f64]) -> f64 {
    pairwise(0, values.len(), &|i| values[i])
}

fn pairwise(start: usize, n: usize, value: &dyn Fn(usize) -> f64) -> f64 {
    if n < 8 {
        // NumPy starts from −0.0, so a sum of −0.0s stays −0.0.
        let mut s = -0.0;
        for i in start..start + n {
            s += value(i);
        }
        s
    } else if n <= 128 {
        let mut r = [0.0; 8];
        for (j, r) in r.iter_mut().enumerate() {
            *r = value(start + j);
        }
        let whole = n - n % 8;
        for i in (8..whole).step_by(8) {
            for (j, r) in r.iter_mut().enumerate() {
                *r += value(start + i + j);
            }
        }
        let mut s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for i in whole..n {
            s += value(start + i);
        }
        s
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise(start, n2, value) + pairwise(start + n2, n - n2, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_numpy_where_order_matters() {
        // NumPy: np.sum(np.arange(1, 201) / 10) == 2009.9999999999998.
        let v: Vec<f64> = (1..=200).map(|i| f64::from(i) / 10.0).collect();
        assert_eq!(sum(&v), 2009.9999999999998);
        assert_eq!(sum(&[]), 0.0);
        assert!(sum(&[-0.0, -0.0]).is_sign_negative());
    }

    #[test]
    fn equals_a_plain_sum_on_integers() {
        let v: Vec<f64> = (0..1000).map(|i| f64::from(i % 7)).collect();
        assert_eq!(sum(&v), v.iter().sum::<f64>());
    }
}
