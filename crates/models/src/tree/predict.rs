//! Prediction: the leaves of eight rows found together (their descents interleaved, one
//! level at a time), the class fractions of a forest's trees summed in tree order.

use ndarray::Array2;

use super::nodes::{Tree, LEAF};
use classify_core::Features;

impl Tree {
    /// Where in `values` the leaves of `G` rows start: their descents interleaved, one level
    /// of every row at a time, so the CPU overlaps their loads and comparisons (a single
    /// descent is a chain of dependent loads and unpredictable branches). `value` reads a
    /// feature as the tree was grown.
    #[inline]
    pub(super) fn leaf_starts<T: Copy, const G: usize>(
        &self,
        rows: [&[T]; G],
        value: impl Fn(T) -> f64,
    ) -> [usize; G] {
        let mut at = [0usize; G];
        loop {
            let mut moved = false;
            for (i, row) in at.iter_mut().zip(rows) {
                let node = &self.nodes[*i];
                if node.feature != LEAF {
                    let v = value(row[node.feature as usize]);
                    *i = if v <= node.threshold {
                        node.left
                    } else {
                        node.right
                    } as usize;
                    moved = true;
                }
            }
            if !moved {
                return at.map(|i| self.nodes[i].left as usize);
            }
        }
    }
}

/// Mean of the leaf distributions of `trees` for each row of `x` (rows in parallel, trees
/// summed in order, so the result does not depend on the thread count).
pub(crate) fn leaf_average(x: Features<'_>, trees: &[Tree], n_classes: usize) -> Array2<f64> {
    use rayon::prelude::*;
    let n = x.n_samples();
    let mut out = Array2::<f64>::zeros((n, n_classes));
    let n_trees = trees.len() as f64;
    out.as_slice_mut()
        .expect("fresh array")
        .par_chunks_mut(n_classes.max(1) * 64)
        .enumerate()
        .for_each(|(chunk, rows)| {
            let first = chunk * 64;
            match x {
                Features::U8(a) => add_leaves(a, first, trees, n_classes, rows, f64::from),
                Features::F32(a) => add_leaves(a, first, trees, n_classes, rows, f64::from),
                // Read as `f32`, as the tree was grown.
                Features::F64(a) => {
                    add_leaves(a, first, trees, n_classes, rows, |v| f64::from(v as f32))
                }
            }
            // Summed in tree order, then divided, as scikit-learn's forest.
            for v in rows.iter_mut() {
                *v /= n_trees;
            }
        });
    out
}

/// Rows interleaved per descent in [`leaf_average`]. In the forest's 3-fold out-of-fold
/// probabilities on Fashion-MNIST (`benches/models.rs`, 100 trees), the descents went from
/// 7.5 % to 3.3 % of the time (about 0.26 s to 0.12 s) against one row at a time.
pub(super) const DESCENTS: usize = 8;

/// Adds to `out` (`n_classes` per row) the leaf distributions of `trees`, tree by tree in
/// order, for the rows `first..` of `x` (as many as `out` holds).
pub(super) fn add_leaves<T: Copy>(
    x: ndarray::ArrayView2<'_, T>,
    first: usize,
    trees: &[Tree],
    n_classes: usize,
    out: &mut [f64],
    value: impl Fn(T) -> f64 + Copy,
) {
    let row = |j: usize| {
        x.index_axis_move(ndarray::Axis(0), first + j)
            .to_slice()
            .expect("standard layout")
    };
    let mut groups = out.chunks_exact_mut(n_classes * DESCENTS);
    let mut j = 0;
    for o in &mut groups {
        let rows: [&[T]; DESCENTS] = std::array::from_fn(|g| row(j + g));
        add_group_leaves(rows, trees, n_classes, o, value);
        j += DESCENTS;
    }
    for o in groups.into_remainder().chunks_exact_mut(n_classes) {
        add_group_leaves([row(j)], trees, n_classes, o, value);
        j += 1;
    }
}

/// Adds to `out` (`n_classes` per row) the leaf distributions of `trees` for `G` rows
/// descending together, tree by tree in order.
pub(super) fn add_group_leaves<T: Copy, const G: usize>(
    rows: [&[T]; G],
    trees: &[Tree],
    n_classes: usize,
    out: &mut [f64],
    value: impl Fn(T) -> f64 + Copy,
) {
    for t in trees {
        let starts = t.leaf_starts(rows, value);
        for (o, at) in out.chunks_exact_mut(n_classes).zip(starts) {
            for (o, &v) in o.iter_mut().zip(&t.values[at..at + n_classes]) {
                *o += v;
            }
        }
    }
}
