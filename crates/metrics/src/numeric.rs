//! NumPy's summation order, so sums match scikit-learn to the last bit. (`classify-core`'s
//! `numpy::sum` is the same; this crate depends on none of ours, so it keeps its own.)

/// `np.sum` / `np.add.reduce` of a contiguous `float64` array: pairwise summation with 8
/// accumulators per block of at most 128 values, and halves above that (checked against
/// NumPy on sizes 1 to 4,099).
pub(crate) fn np_sum(values: &[f64]) -> f64 {
    pairwise(values)
}

fn pairwise(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &v in a {
            res += v;
        }
        res
    } else if n <= 128 {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&a[..8]);
        let whole = n - n % 8;
        let mut i = 8;
        while i < whole {
            for j in 0..8 {
                r[j] += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &a[whole..] {
            res += v;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise(&a[..n2]) + pairwise(&a[n2..])
    }
}

#[cfg(test)]
mod tests {
    use super::np_sum;

    #[test]
    fn matches_numpy_on_values_where_order_matters() {
        // NumPy: np.sum([0.1] * 10) == 1.0 (a left fold gives 0.9999999999999999) and
        // np.sum(np.arange(1, 201) / 10) == 2009.9999999999998.
        assert_eq!(np_sum(&[0.1; 10]), 1.0);
        assert_eq!([0.1f64; 10].iter().sum::<f64>(), 0.9999999999999999);
        let v: Vec<f64> = (1..=200).map(|i| f64::from(i) / 10.0).collect();
        assert_eq!(np_sum(&v), 2009.9999999999998);
        assert_eq!(np_sum(&[]), 0.0);
    }
}
