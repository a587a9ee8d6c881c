//! scikit-learn's one-vs-one scores per class, shared by the one-vs-one strategy and SVC.

use ndarray::Array2;

/// scikit-learn's `_ovr_decision_function`: from one-vs-one results (per pair `(i, j)` in
/// the order (0, 1), (0, 2), …: whether `j` won, and the confidence that it did), one score
/// per class: its votes plus the summed confidences squashed into (−1/3, 1/3), so that the
/// highest score is the class with the most votes, ties broken by confidence.
pub fn ovr_decision_function(
    j_wins: &Array2<bool>,
    confidences: &Array2<f64>,
    n_classes: usize,
) -> Array2<f64> {
    let n = j_wins.nrows();
    let mut votes = Array2::<f64>::zeros((n, n_classes));
    let mut sum = Array2::<f64>::zeros((n, n_classes));
    let mut k = 0;
    for i in 0..n_classes {
        for j in i + 1..n_classes {
            for r in 0..n {
                sum[[r, i]] -= confidences[[r, k]];
                sum[[r, j]] += confidences[[r, k]];
                if j_wins[[r, k]] {
                    votes[[r, j]] += 1.0;
                } else {
                    votes[[r, i]] += 1.0;
                }
            }
            k += 1;
        }
    }
    votes + sum.mapv(|c| c / (3.0 * (c.abs() + 1.0)))
}
