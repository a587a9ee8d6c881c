//! Dot products of every pair of two sets of pixel rows (a Gram block), exact in integers: SVC's
//! kernel values between the rows it predicts and its support vectors. With AVX-512 VNNI, tiles
//! of 4 × 4 rows by `vpdpbusd` (64 products per instruction), each loaded vector used four
//! times; `vpdpbusd` multiplies unsigned bytes by signed ones, so the second set is stored as
//! `b − 128` and `Σ a·b = Σ a·(b − 128) + 128 · Σ a`. With AVX2 alone, tiles of 4 × 2 rows
//! widened to `i16` by `vpmaddwd` (16 products per instruction).

/// The second set of rows, laid out for the kernel that multiplies by them: [`Gram::new`]
/// picks the fastest kernel this CPU has, or none (where the callers' `f64` matrix products
/// are as fast).
pub(crate) struct Gram {
    rows: Layout,
    d: usize,
    m: usize,
}

/// The rows as a kernel takes them.
enum Layout {
    /// `b − 128` as signed bytes, `d` each (AVX-512 VNNI).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Shifted(Vec<i8>),
    /// `b` widened to `i16`, each row zero-padded to [`padded`]`(d)` values (AVX2).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Wide(Vec<i16>),
    /// Bytes as they are (the portable kernel; the tests compare it with the others).
    #[cfg(test)]
    Plain(Vec<u8>),
}

/// `d` rounded up to whole vectors of 16 `i16` values.
fn padded(d: usize) -> usize {
    d.next_multiple_of(16)
}

impl Gram {
    /// The rows (`m` rows of `d` bytes, one after the other) for the fastest integer kernel
    /// this CPU has: `None` without AVX2 or AVX-512 VNNI, or for rows longer than
    /// [`MAX_D`].
    pub(crate) fn new(rows: &[u8], d: usize) -> Option<Gram> {
        if d == 0 || d > MAX_D || !rows.len().is_multiple_of(d) {
            return None;
        }
        #[cfg(target_arch = "x86_64")]
        {
            if super::avx512_vnni() {
                return Some(Self::shifted(rows, d));
            }
            if super::avx2() {
                return Some(Self::wide(rows, d));
            }
        }
        None
    }

    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    fn shifted(rows: &[u8], d: usize) -> Gram {
        Gram {
            rows: Layout::Shifted(rows.iter().map(|&b| (i16::from(b) - 128) as i8).collect()),
            d,
            m: rows.len() / d,
        }
    }

    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    fn wide(rows: &[u8], d: usize) -> Gram {
        let dp = padded(d);
        let mut wide = vec![0i16; rows.len() / d * dp];
        for (w, r) in wide.chunks_exact_mut(dp).zip(rows.chunks_exact(d)) {
            w.iter_mut().zip(r).for_each(|(w, &b)| *w = i16::from(b));
        }
        Gram {
            rows: Layout::Wide(wide),
            d,
            m: rows.len() / d,
        }
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        self.m
    }

    /// `out[r · len() + s] = Σ a[r]·b[s]` for rows `a` of at least `d` bytes each (the
    /// first `d` count).
    ///
    /// # Panics
    /// If a row of `a` is shorter than `d`, or `out` shorter than `a.len() · len()`.
    #[allow(unsafe_code)]
    pub(crate) fn products(&self, a: &[&[u8]], out: &mut [u64]) {
        assert!(
            a.iter().all(|r| r.len() >= self.d),
            "rows of {} bytes",
            self.d
        );
        assert!(out.len() >= a.len() * self.m, "room for every product");
        match &self.rows {
            #[cfg(target_arch = "x86_64")]
            Layout::Shifted(b) => {
                assert!(super::avx512_vnni());
                // SAFETY: the CPU has the features `avx512::gram` is compiled for (checked
                // just above); the lengths are as it needs (checked above).
                unsafe { avx512::gram(a, b, self.d, out) }
            }
            #[cfg(target_arch = "x86_64")]
            Layout::Wide(b) => {
                assert!(super::avx2());
                // SAFETY: the CPU has AVX2 (checked just above); the lengths are as it
                // needs (checked above).
                unsafe { avx2::gram(a, b, self.d, out) }
            }
            #[cfg(not(target_arch = "x86_64"))]
            Layout::Shifted(_) | Layout::Wide(_) => unreachable!("x86-64 layouts"),
            #[cfg(test)]
            Layout::Plain(b) => portable(a, b, self.d, out),
        }
    }

    /// Every kernel this CPU has, the portable one first, for the tests to compare.
    #[cfg(test)]
    fn every(rows: &[u8], d: usize) -> Vec<Gram> {
        let mut all = vec![Gram {
            rows: Layout::Plain(rows.to_vec()),
            d,
            m: rows.len() / d,
        }];
        #[cfg(target_arch = "x86_64")]
        {
            if super::avx2() {
                all.push(Self::wide(rows, d));
            }
            if super::avx512_vnni() {
                all.push(Self::shifted(rows, d));
            }
        }
        all
    }
}

/// The same products on any CPU, pair by pair.
#[cfg(test)]
fn portable(a: &[&[u8]], b: &[u8], d: usize, out: &mut [u64]) {
    let m = b.len() / d;
    for (r, row) in a.iter().enumerate() {
        for (s, col) in b.chunks_exact(d).enumerate() {
            out[r * m + s] = row[..d]
                .iter()
                .zip(col)
                .map(|(&x, &y)| u64::from(x) * u64::from(y))
                .sum();
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    use crate::simd::lanes_avx2 as lanes;
    use std::arch::x86_64::*;

    /// Rows of the first set per tile.
    const R: usize = 4;
    /// Rows of the second set per tile.
    const S: usize = 2;

    /// Tiles of `R × S` pairs over rows widened to `i16` and zero-padded to whole vectors
    /// (`a`'s, `R` at a time, into a buffer). Exact: a 32-bit lane adds two products of at
    /// most 255² per 16 values, and rows are at most 2¹³ values ([`super::MAX_D`]), so under
    /// 2²⁷.
    ///
    /// # Safety
    /// The CPU must have AVX2; every row of `a` holds at least `d` bytes, `b` holds whole
    /// rows of `padded(d)` values and `out` room for `a.len()` times as many products.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn gram(a: &[&[u8]], b: &[i16], d: usize, out: &mut [u64]) {
        let dp = super::padded(d);
        let m = b.len() / dp;
        let mut wide = vec![0i16; R * dp];
        for (block, rows) in a.chunks(R).enumerate() {
            for (w, r) in wide.chunks_exact_mut(dp).zip(rows) {
                w.iter_mut()
                    .zip(&r[..d])
                    .for_each(|(w, &v)| *w = i16::from(v));
            }
            let x = wide.as_ptr();
            let mut s = 0;
            while s < m {
                let cols = (m - s).min(S);
                // A lone last row is multiplied twice, its copy not stored.
                let y0 = b[s * dp..].as_ptr();
                let y1 = b[(s + cols - 1) * dp..].as_ptr();
                let mut acc = [[_mm256_setzero_si256(); S]; R];
                let mut k = 0;
                while k < dp {
                    // SAFETY: `k + 16 ≤ dp`: in the buffer's rows and in rows `s` and
                    // `s + cols − 1` of `b`.
                    let (xs, ys) = unsafe {
                        (
                            [
                                _mm256_loadu_si256(x.add(k).cast()),
                                _mm256_loadu_si256(x.add(dp + k).cast()),
                                _mm256_loadu_si256(x.add(2 * dp + k).cast()),
                                _mm256_loadu_si256(x.add(3 * dp + k).cast()),
                            ],
                            [
                                _mm256_loadu_si256(y0.add(k).cast()),
                                _mm256_loadu_si256(y1.add(k).cast()),
                            ],
                        )
                    };
                    for i in 0..R {
                        for j in 0..S {
                            acc[i][j] =
                                _mm256_add_epi32(acc[i][j], _mm256_madd_epi16(xs[i], ys[j]));
                        }
                    }
                    k += 16;
                }
                for (i, acc) in acc.iter().enumerate().take(rows.len()) {
                    let r = block * R + i;
                    for (j, &v) in acc.iter().enumerate().take(cols) {
                        out[r * m + s + j] = lanes(v) as u64;
                    }
                }
                s += cols;
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx512 {
    use std::arch::x86_64::*;

    /// Rows of one tile.
    const T: usize = 4;

    /// Tiles of `T × T` pairs, the rest pair by pair with the same instructions. Exact: a
    /// 32-bit lane adds four products of magnitude at most 255 · 128 per 64 bytes, under
    /// 2¹⁷, and rows are at most 2¹³ bytes ([`super::MAX_D`]), so below 2³⁰.
    ///
    /// # Safety
    /// The CPU must have AVX-512 F, BW and VNNI; every row of `a` holds at least `d`
    /// bytes, `b` holds whole rows of `d` (shifted) bytes.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub(super) unsafe fn gram(a: &[&[u8]], b: &[i8], d: usize, out: &mut [u64]) {
        let m = b.len() / d;
        let row = |s: usize| &b[s * d..(s + 1) * d];
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
                        *y = unsafe { _mm512_maskz_loadu_epi8(mask, row(s + j)[k..].as_ptr()) };
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

    /// Every kernel this CPU has (VNNI, AVX2, portable) gives the exact products, for row
    /// counts that fill tiles and leave parts of them, lengths around the 16- and 64-byte
    /// steps, and extremes (255 by 255 all along the longest row).
    #[test]
    fn the_kernels_agree_with_the_products() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for (n, m, d) in [
            (1, 1, 1),
            (5, 7, 63),
            (4, 4, 64),
            (4, 2, 16),
            (3, 3, 17),
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
            let mut a = a;
            a[0].iter_mut().for_each(|v| *v = 255);
            let rows: Vec<&[u8]> = a.iter().map(|r| &r[..]).collect();
            let flat: Vec<u8> = b.iter().flatten().copied().collect();
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
            let every = Gram::every(&flat, d);
            assert!(every.len() > usize::from(Gram::new(&flat, d).is_some()));
            for (i, gram) in every.iter().enumerate() {
                assert_eq!(gram.len(), m);
                let mut out = vec![0; n * m];
                gram.products(&rows, &mut out);
                assert_eq!(out, want, "kernel {i}: {n} {m} {d}");
            }
        }
    }
}
