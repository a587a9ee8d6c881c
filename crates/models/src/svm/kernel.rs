//! Kernel values between training rows, computed as libsvm computes them so that the solver
//! sees the same numbers: `u8` rows give exact integer dot products (libsvm's `double` sums of
//! integer products are exact too), so every kernel value is bit for bit libsvm's.

use ndarray::ArrayView2;

use crate::simd::distance::dot_u8;

/// A kernel with its γ resolved.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Resolved {
    Rbf { gamma: f64 },
    Linear,
    Poly { degree: u32, gamma: f64, coef0: f64 },
}

impl Resolved {
    /// The kernel from a dot product and the two squared norms, in libsvm's order of
    /// operations (`exp(−γ(‖a‖² + ‖b‖² − 2a·b))`, `powi(γ a·b + c, d)`).
    #[inline]
    pub(crate) fn apply(self, dot: f64, sq_a: f64, sq_b: f64) -> f64 {
        match self {
            Resolved::Linear => dot,
            Resolved::Poly {
                degree,
                gamma,
                coef0,
            } => powi(gamma * dot + coef0, degree),
            Resolved::Rbf { gamma } => (-gamma * (sq_a + sq_b - 2.0 * dot)).exp(),
        }
    }
}

/// libsvm's `powi`: square-and-multiply, so that polynomial kernels round as libsvm's do.
pub(crate) fn powi(base: f64, times: u32) -> f64 {
    let (mut tmp, mut ret) = (base, 1.0);
    let mut t = times;
    while t > 0 {
        if t % 2 == 1 {
            ret *= tmp;
        }
        tmp *= tmp;
        t /= 2;
    }
    ret
}

/// Training rows as the solver reads them (standard layout).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rows<'a> {
    /// Pixels: integer dot products, exact.
    U8(ArrayView2<'a, u8>),
    /// Floats.
    F64(ArrayView2<'a, f64>),
}

impl Rows<'_> {
    /// `a · b` of rows `a` and `b`.
    #[inline]
    pub(crate) fn dot(&self, a: usize, b: usize) -> f64 {
        match self {
            Rows::U8(x) => dot_u8(row(x, a), row(x, b)) as f64,
            Rows::F64(x) => dot_f64(row(x, a), row(x, b)),
        }
    }
}

fn row<'a, T>(x: &ArrayView2<'a, T>, i: usize) -> &'a [T] {
    let d = x.ncols();
    let all = x.to_slice().expect("standard layout");
    &all[i * d..(i + 1) * d]
}

/// The kernel on a set of training rows: what the solver asks for.
pub(crate) struct Kernel<'a> {
    pub(crate) rows: Rows<'a>,
    pub(crate) kind: Resolved,
    /// `‖x_r‖²` of every row (RBF only; empty otherwise).
    sq: Vec<f64>,
}

impl<'a> Kernel<'a> {
    pub(crate) fn new(rows: Rows<'a>, kind: Resolved) -> Self {
        let n = match rows {
            Rows::U8(x) => x.nrows(),
            Rows::F64(x) => x.nrows(),
        };
        let sq = match kind {
            Resolved::Rbf { .. } => (0..n).map(|r| rows.dot(r, r)).collect(),
            _ => Vec::new(),
        };
        Kernel { rows, kind, sq }
    }

    /// `K(x_a, x_b)`.
    #[inline]
    pub(crate) fn eval(&self, a: usize, b: usize) -> f64 {
        let dot = self.rows.dot(a, b);
        match self.kind {
            Resolved::Rbf { .. } => self.kind.apply(dot, self.sq[a], self.sq[b]),
            _ => self.kind.apply(dot, 0.0, 0.0),
        }
    }
}

/// `Σ a·b` in `f64`, eight partial sums (vectorised).
#[multiversion::multiversion(targets("x86_64+avx512f", "x86_64+avx2+fma", "aarch64+neon"))]
fn dot_f64(a: &[f64], b: &[f64]) -> f64 {
    const L: usize = 8;
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; L];
    let (ac, bc) = (a.chunks_exact(L), b.chunks_exact(L));
    let (ar, br) = (ac.remainder(), bc.remainder());
    for (x, y) in ac.zip(bc) {
        for i in 0..L {
            acc[i] += x[i] * y[i];
        }
    }
    let mut s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (x, y) in ar.iter().zip(br) {
        s += x * y;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powi_is_square_and_multiply() {
        for &(b, t) in &[(1.5f64, 0u32), (1.5, 1), (-2.25, 3), (0.3, 7), (1.1, 10)] {
            let want = b.powi(t as i32);
            assert!((powi(b, t) - want).abs() <= 1e-14 * want.abs().max(1.0));
        }
    }
}
