//! Dot products of every pair of two sets of pixel rows (a Gram block), exact in integers: SVC's
//! kernel values between the rows it predicts and its support vectors. With AVX-512 VNNI, tiles
//! of 4 × 4 rows by `vpdpbusd` (64 products per instruction), each loaded vector used four
//! times; `vpdpbusd` multiplies unsigned bytes by signed ones, so the second set is stored as
//! `b − 128` and `Σ a·b = Σ a·(b − 128) + 128 · Σ a`.

/// The second set of rows, shifted to signed bytes (`b − 128`), `d` bytes each.
pub(crate) struct Shifted {
    bytes: Vec<i8>,
    d: usize,
}

impl Shifted {
    /// Rows of bytes, `d` each, one after the other.
    pub(crate) fn new(rows: impl Iterator<Item = u8>, d: usize) -> Self {
        Shifted {
            bytes: rows.map(|b| (i16::from(b) - 128) as i8).collect(),
            d,
        }
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        self.bytes.len().checked_div(self.d).unwrap_or(0)
    }

    fn row(&self, s: usize) -> &[i8] {
        &self.bytes[s * self.d..(s + 1) * self.d]
    }
}

/// The Gram kernel: `(a, b, out)` writes `out[r · b.len() + s] = Σ a[r]·b[s]` for rows `a` of
/// `b.d` bytes each.
pub(crate) type Gram = fn(&[&[u8]], &Shifted, &mut [u64]);

/// The VNNI kernel where the CPU has AVX-512 F, BW and VNNI, else `None` (there the callers'
/// `f64` matrix products are as fast).
#[allow(unsafe_code)]
pub(crate) fn vnni() -> Option<Gram> {
    #[cfg(target_arch = "x86_64")]
    if super::avx512_vnni() {
        return Some(|a, b, out| {
            // SAFETY: the CPU has the features `avx512::gram` is compiled for (checked
            // just above).
            unsafe { avx512::gram(a, b, out) }
        });
    }
    None
}

/// The same products on any CPU, pair by pair (the tests compare the two).
#[cfg(test)]
pub(crate) fn portable(a: &[&[u8]], b: &Shifted, out: &mut [u64]) {
    let m = b.len();
    for (r, row) in a.iter().enumerate() {
        for s in 0..m {
            let dot: i64 = row
                .iter()
                .zip(b.row(s))
                .map(|(&x, &y)| i64::from(x) * (i64::from(y) + 128))
                .sum();
            out[r * m + s] = dot as u64;
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx512 {
    use super::Shifted;
    use std::arch::x86_64::*;

    /// Rows of one tile.
    const T: usize = 4;

    /// Tiles of `T × T` pairs, the rest pair by pair with the same instructions. Exact: a
    /// 32-bit lane adds four products of magnitude at most 255 · 128 per 64 bytes, under
    /// 2¹⁷, and rows are at most 2¹³ bytes ([`super::MAX_D`]), so below 2³⁰.
    ///
    /// # Safety
    /// The CPU must have AVX-512 F, BW and VNNI; every row of `a` holds at least `b.d`
    /// bytes.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub(super) unsafe fn gram(a: &[&[u8]], b: &Shifted, out: &mut [u64]) {
        let (d, m) = (b.d, b.len());
        assert!(d <= super::MAX_D && a.iter().all(|r| r.len() >= d));
        assert!(out.len() >= a.len() * m);
        let sums: Vec<u64> = a
            .iter()
            .map(|r| r[..d].iter().map(|&v| u64::from(v)).sum())
            .collect();
        let mut r = 0;
        while r < a.len() {
            let rows = (a.len() - r).min(T);
            let mut s = 0;
            while s < m {
                let cols = (m - s).min(T);
                let mut acc = [[_mm512_setzero_si512(); T]; T];
                let mut k = 0;
                while k < d {
                    let left = d - k;
                    let mask: __mmask64 = if left >= 64 {
                        u64::MAX
                    } else {
                        (1u64 << left) - 1
                    };
                    let mut x = [_mm512_setzero_si512(); T];
                    let mut y = [_mm512_setzero_si512(); T];
                    for i in 0..rows {
                        // SAFETY: the mask keeps the load inside the row's first `d` bytes.
                        x[i] =
                            unsafe { _mm512_maskz_loadu_epi8(mask, a[r + i][k..].as_ptr().cast()) };
                    }
                    for (j, y) in y.iter_mut().enumerate().take(cols) {
                        // SAFETY: as above, inside row `s + j` of `b`.
                        *y = unsafe { _mm512_maskz_loadu_epi8(mask, b.row(s + j)[k..].as_ptr()) };
                    }
                    for i in 0..T {
                        for j in 0..T {
                            acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], x[i], y[j]);
                        }
                    }
                    k += 64;
                }
                for i in 0..rows {
                    for j in 0..cols {
                        let shifted = i64::from(_mm512_reduce_add_epi32(acc[i][j]));
                        out[(r + i) * m + s + j] = (shifted + 128 * sums[r + i] as i64) as u64;
                    }
                }
                s += cols;
            }
            r += rows;
        }
    }
}

/// The longest rows the kernels take (their lanes' bound).
pub(crate) const MAX_D: usize = 1 << 13;

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// The VNNI kernel (where this CPU has it) gives the exact products, for row counts that
    /// fill tiles and leave parts of them, lengths around the 64-byte steps, and extremes.
    #[test]
    fn the_kernels_agree_with_the_products() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for (n, m, d) in [
            (1, 1, 1),
            (5, 7, 63),
            (4, 4, 64),
            (9, 6, 65),
            (3, 13, 784),
            (2, 2, 8192),
        ] {
            let a: Vec<Vec<u8>> = (0..n)
                .map(|_| (0..d).map(|_| rng.r#gen()).collect())
                .collect();
            let mut b: Vec<Vec<u8>> = (0..m)
                .map(|_| (0..d).map(|_| rng.r#gen()).collect())
                .collect();
            b[0].iter_mut().for_each(|v| *v = 255);
            let rows: Vec<&[u8]> = a.iter().map(|r| &r[..]).collect();
            let shifted = Shifted::new(b.iter().flatten().copied(), d);
            let want: Vec<u64> = a
                .iter()
                .flat_map(|x| {
                    b.iter().map(move |y| {
                        x.iter()
                            .zip(y)
                            .map(|(&p, &q)| u64::from(p) * u64::from(q))
                            .sum()
                    })
                })
                .collect();
            let mut out = vec![0; n * m];
            portable(&rows, &shifted, &mut out);
            assert_eq!(out, want, "portable {n} {m} {d}");
            if let Some(k) = vnni() {
                let mut out = vec![0; n * m];
                k(&rows, &shifted, &mut out);
                assert_eq!(out, want, "vnni {n} {m} {d}");
            }
        }
    }
}
