//! The two products logistic regression's solver needs on a block of dense rows, in `f64`:
//! scores `X·Wᵀ` (`m` rows against `k` coefficient vectors) and the gradient's `Gᵀ·X`,
//! reading `u8`, `f32` or `f64` rows as they are (each value widened exactly to `f64`).
//!
//! Why not `matrixmultiply` (what `ndarray`'s `general_mat_mul` runs): with `k` ≤ 10 columns
//! it spends most of its time packing `X`, once per product, and needs `X` as `f64`. `perf`
//! on `classify train --model logistic` (60,000 × 784 Fashion-MNIST, scaled): 47 % packing,
//! 42 % its kernel. These kernels read the rows in place (the scaler's `f32`, half the bytes),
//! and the solver calls both on the same block while it is in cache: fit 6.9 s → 2.6 s on
//! 2 cores, the same coefficients to rounding and the same test accuracy (0.8451). That is
//! about 8 multiply-adds per cycle per core, Zen 4's `f64` peak with or without FMA.
//!
//! Every sum runs in a fixed order (columns in order for a score, rows in order for the
//! gradient), and products and sums are separate operations (no fused multiply-add), so
//! every CPU computes the same bits.

use classify_kernel::kernel;

/// A feature value, widened exactly to `f64`.
pub(crate) trait Widen: Copy + Send + Sync {
    fn widen(self) -> f64;
}

impl Widen for u8 {
    #[inline(always)]
    fn widen(self) -> f64 {
        f64::from(self)
    }
}

impl Widen for f32 {
    #[inline(always)]
    fn widen(self) -> f64 {
        f64::from(self)
    }
}

impl Widen for f64 {
    #[inline(always)]
    fn widen(self) -> f64 {
        self
    }
}

/// Lanes of the column sums.
const LANES: usize = 8;
/// Columns per tile of the gradient.
const COLS: usize = 32;

/// `out[r·k + j] = Σ_c x[r·d + c] · w[j·d + c]` for the `x.len() / d` rows of `x`, each sum
/// in column order (the bits of a plain loop).
///
/// Rows go [`LANES`] at a time, transposed into a column-major tile so that the lanes are
/// rows: every step is then one vector of the tile times a broadcast coefficient, with no
/// sums across lanes (which the compiler would not vectorize).
#[kernel]
pub(crate) fn scores<T: Widen>(x: &[T], d: usize, w: &[f64], k: usize, out: &mut [f64]) {
    let m = x.len() / d;
    debug_assert!(w.len() == k * d && out.len() == m * k);
    let mut tile = vec![0.0f64; d * LANES];
    for r in (0..m).step_by(LANES) {
        let rows = (m - r).min(LANES);
        if rows == LANES {
            let xs: [&[T]; LANES] = std::array::from_fn(|l| &x[(r + l) * d..(r + l + 1) * d]);
            for (c, t) in tile.chunks_exact_mut(LANES).enumerate() {
                for l in 0..LANES {
                    t[l] = xs[l][c].widen();
                }
            }
        } else {
            for (c, t) in tile.chunks_exact_mut(LANES).enumerate() {
                for l in 0..LANES {
                    t[l] = if l < rows {
                        x[(r + l) * d + c].widen()
                    } else {
                        0.0
                    };
                }
            }
        }
        let mut j = 0;
        while j < k {
            let classes = (k - j).min(5);
            let sums = match classes {
                5 => score_tile::<5>(&tile, w, d, j),
                4 => score_tile::<4>(&tile, w, d, j),
                3 => score_tile::<3>(&tile, w, d, j),
                2 => score_tile::<2>(&tile, w, d, j),
                _ => score_tile::<1>(&tile, w, d, j),
            };
            for l in 0..rows {
                for t in 0..classes {
                    out[(r + l) * k + j + t] = sums[t][l];
                }
            }
            j += classes;
        }
    }
}

/// The scores of a transposed tile of rows against classes `j..j + C` (at most 5: the sums
/// stay in registers).
#[inline(always)]
fn score_tile<const C: usize>(tile: &[f64], w: &[f64], d: usize, j: usize) -> [[f64; LANES]; 5] {
    let mut sum = [[0.0f64; LANES]; 5];
    let ws: [&[f64]; C] = std::array::from_fn(|t| &w[(j + t) * d..(j + t + 1) * d]);
    for (c, xv) in tile.chunks_exact(LANES).enumerate() {
        for t in 0..C {
            let a = ws[t][c];
            for l in 0..LANES {
                sum[t][l] += xv[l] * a;
            }
        }
    }
    sum
}

/// `acc[j·d + c] += Σ_r g[r·k + j] · x[r·d + c]` over the `x.len() / d` rows of `x`, rows
/// in order.
#[kernel]
pub(crate) fn gradient<T: Widen>(x: &[T], d: usize, g: &[f64], k: usize, acc: &mut [f64]) {
    let m = x.len() / d;
    debug_assert!(g.len() == m * k && acc.len() == k * d);
    let mut j = 0;
    while j < k {
        let classes = (k - j).min(4);
        let mut c = 0;
        while c < d {
            let cols = if d - c >= COLS {
                COLS
            } else if d - c >= LANES {
                LANES
            } else {
                1
            };
            match (classes, cols) {
                (4, COLS) => gradient_tile::<T, 4, COLS>(x, d, g, k, j, c, acc),
                (3, COLS) => gradient_tile::<T, 3, COLS>(x, d, g, k, j, c, acc),
                (2, COLS) => gradient_tile::<T, 2, COLS>(x, d, g, k, j, c, acc),
                (_, COLS) => gradient_tile::<T, 1, COLS>(x, d, g, k, j, c, acc),
                (4, LANES) => gradient_tile::<T, 4, LANES>(x, d, g, k, j, c, acc),
                (3, LANES) => gradient_tile::<T, 3, LANES>(x, d, g, k, j, c, acc),
                (2, LANES) => gradient_tile::<T, 2, LANES>(x, d, g, k, j, c, acc),
                (_, LANES) => gradient_tile::<T, 1, LANES>(x, d, g, k, j, c, acc),
                (4, _) => gradient_tile::<T, 4, 1>(x, d, g, k, j, c, acc),
                (3, _) => gradient_tile::<T, 3, 1>(x, d, g, k, j, c, acc),
                (2, _) => gradient_tile::<T, 2, 1>(x, d, g, k, j, c, acc),
                _ => gradient_tile::<T, 1, 1>(x, d, g, k, j, c, acc),
            }
            c += cols;
        }
        j += classes;
    }
}

/// The gradient's classes `j..j + C` at columns `c..c + W`, summed over every row.
#[inline(always)]
fn gradient_tile<T: Widen, const C: usize, const W: usize>(
    x: &[T],
    d: usize,
    g: &[f64],
    k: usize,
    j: usize,
    c: usize,
    acc: &mut [f64],
) {
    let mut sum = [[0.0f64; W]; C];
    for (row, gr) in x.chunks_exact(d).zip(g.chunks_exact(k)) {
        let xs = &row[c..c + W];
        let mut xv = [0.0f64; W];
        for l in 0..W {
            xv[l] = xs[l].widen();
        }
        for t in 0..C {
            let a = gr[j + t];
            for l in 0..W {
                sum[t][l] += a * xv[l];
            }
        }
    }
    for t in 0..C {
        let out = &mut acc[(j + t) * d + c..(j + t) * d + c + W];
        for l in 0..W {
            out[l] += sum[t][l];
        }
    }
}

#[cfg(test)]
mod tests {
    /// Plain loops in `f64` with the same inputs: the kernels agree to rounding, for every
    /// tile shape (row, class and column tails included).
    #[test]
    fn products_agree_with_plain_loops() {
        for (m, d, k) in [(9, 787, 10), (4, 32, 4), (3, 5, 1), (7, 41, 3), (1, 1, 2)] {
            let x8: Vec<u8> = (0..m * d).map(|i| (i * 31 % 256) as u8).collect();
            let xf: Vec<f32> = x8.iter().map(|&v| f32::from(v) / 3.0).collect();
            let w: Vec<f64> = (0..k * d).map(|i| (i as f64 * 0.37).sin()).collect();
            let g: Vec<f64> = (0..m * k).map(|i| (i as f64 * 0.11).cos()).collect();
            let check = |x: &[f64], s: &[f64], acc: &[f64]| {
                for r in 0..m {
                    for j in 0..k {
                        let e: f64 = (0..d).map(|c| x[r * d + c] * w[j * d + c]).sum();
                        let got = s[r * k + j];
                        assert!((got - e).abs() <= 1e-12 * e.abs().max(1.0), "{got} {e}");
                    }
                }
                for j in 0..k {
                    for c in 0..d {
                        let e: f64 = 1.0 + (0..m).map(|r| g[r * k + j] * x[r * d + c]).sum::<f64>();
                        let got = acc[j * d + c];
                        assert!((got - e).abs() <= 1e-12 * e.abs().max(1.0), "{got} {e}");
                    }
                }
            };
            let mut s = vec![0.0; m * k];
            let mut acc = vec![1.0; k * d];
            super::scores(&x8, d, &w, k, &mut s);
            super::gradient(&x8, d, &g, k, &mut acc);
            check(
                &x8.iter().map(|&v| f64::from(v)).collect::<Vec<_>>(),
                &s,
                &acc,
            );
            let xf64: Vec<f64> = xf.iter().map(|&v| f64::from(v)).collect();
            let mut s2 = vec![0.0; m * k];
            let mut acc2 = vec![1.0; k * d];
            super::scores(&xf, d, &w, k, &mut s2);
            super::gradient(&xf, d, &g, k, &mut acc2);
            check(&xf64, &s2, &acc2);
            // The same values as `f64`: the same bits.
            let mut s3 = vec![0.0; m * k];
            let mut acc3 = vec![1.0; k * d];
            super::scores(&xf64, d, &w, k, &mut s3);
            super::gradient(&xf64, d, &g, k, &mut acc3);
            assert_eq!((s2, acc2), (s3, acc3));
        }
    }
}
