//! 16 × 16 blocks of bytes transposed with SSE2's unpacks (a portable loop elsewhere): how the
//! trees lay the training rows out as columns.

/// Columns `j0..j0 + 16` of the 16 rows of `staged` (`d` bytes each), as 16 columns of 16.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
pub(crate) fn transpose_16x16(staged: &[u8], d: usize, j0: usize) -> [[u8; 16]; 16] {
    use std::arch::x86_64::*;
    assert!(
        j0 + 16 <= d && staged.len() >= 16 * d,
        "a 16 × 16 block in bounds"
    );
    let mut out = [[0u8; 16]; 16];
    // SAFETY: SSE2 is part of x86_64; the 16 loads of 16 bytes at `i·d + j0` are in bounds
    // (asserted above), and each store writes one 16-byte row of `out`.
    unsafe {
        let a: [__m128i; 16] =
            std::array::from_fn(|i| _mm_loadu_si128(staged.as_ptr().add(i * d + j0).cast()));
        // Rows 2k, 2k+1 interleaved: columns 0–7, then 8–15.
        let b: [__m128i; 16] = std::array::from_fn(|i| {
            let (x, y) = (a[i & !1], a[i | 1]);
            if i % 2 == 0 {
                _mm_unpacklo_epi8(x, y)
            } else {
                _mm_unpackhi_epi8(x, y)
            }
        });
        // c[4g + q]: rows 4g..4g+4 of columns 4q..4q+4.
        let c: [__m128i; 16] = std::array::from_fn(|i| {
            let (g, q) = (i / 4, i % 4);
            let (x, y) = (b[4 * g + q / 2], b[4 * g + 2 + q / 2]);
            if q % 2 == 0 {
                _mm_unpacklo_epi16(x, y)
            } else {
                _mm_unpackhi_epi16(x, y)
            }
        });
        // e[8h + p]: rows 8h..8h+8 of columns 2p, 2p+1.
        let e: [__m128i; 16] = std::array::from_fn(|i| {
            let (h, p) = (i / 8, i % 8);
            let (x, y) = (c[8 * h + p / 2], c[8 * h + 4 + p / 2]);
            if p % 2 == 0 {
                _mm_unpacklo_epi32(x, y)
            } else {
                _mm_unpackhi_epi32(x, y)
            }
        });
        for p in 0..8 {
            let lo = _mm_unpacklo_epi64(e[p], e[8 + p]);
            let hi = _mm_unpackhi_epi64(e[p], e[8 + p]);
            _mm_storeu_si128(out[2 * p].as_mut_ptr().cast(), lo);
            _mm_storeu_si128(out[2 * p + 1].as_mut_ptr().cast(), hi);
        }
    }
    out
}

/// Columns `j0..j0 + 16` of the 16 rows of `staged` (`d` bytes each), as 16 columns of 16.
#[cfg(not(target_arch = "x86_64"))]
pub(crate) fn transpose_16x16(staged: &[u8], d: usize, j0: usize) -> [[u8; 16]; 16] {
    std::array::from_fn(|c| std::array::from_fn(|i| staged[i * d + j0 + c]))
}
