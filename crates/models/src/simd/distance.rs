//! Dot products and squared distances of rows — integer (pixels, small integers) and float —
//! exact where the searches need them exact: the k-NN searches and SVC's kernel rows use them.

use classify_kernel::kernel;

const LANES: usize = 32;

/// `Σ a·b` of `i16` values, exact when no partial sum of products leaves `i32` (widened
/// pixels; the `I16` form checks `max|a|·max|b|·n ≤ 2³¹ − 1` before using it). With
/// AVX-512 BW, `vpmaddwd` (32 products per instruction), with AVX2 the same on 16; LLVM
/// compiles the portable loop to sign extensions and `vpmulld` instead: the denoising
/// search spent 22 % fewer cycles in its dot products with this one (perf samples, Zen 4;
/// the rows come from memory).
#[allow(unsafe_code)]
pub(crate) fn dot_i16(a: &[i16], b: &[i16]) -> i64 {
    #[cfg(target_arch = "x86_64")]
    {
        if super::avx512_bw() {
            // SAFETY: the CPU has the features `madd::dot` is compiled for (checked just
            // above).
            return unsafe { madd::dot(a, b) };
        }
        if super::avx2() {
            // SAFETY: the CPU has AVX2 (checked just above).
            return unsafe { avx2::dot_i16(a, b) };
        }
    }
    dot_i16_portable(a, b)
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod madd {
    use std::arch::x86_64::*;

    /// `Σ a·b` with `vpmaddwd`, the lanes added up in `i64` every 2¹⁶ values.
    ///
    /// # Safety
    /// The CPU must have AVX-512 F and BW.
    #[target_feature(enable = "avx512f,avx512bw")]
    pub(super) unsafe fn dot(a: &[i16], b: &[i16]) -> i64 {
        let n = a.len().min(b.len());
        let mut total = 0i64;
        let mut start = 0;
        while start < n {
            let end = (start + (1 << 16)).min(n);
            let (mut acc0, mut acc1) = (_mm512_setzero_si512(), _mm512_setzero_si512());
            let mut i = start;
            while i + 64 <= end {
                // SAFETY: `i + 64 ≤ n`: in bounds of both slices.
                let (x0, y0, x1, y1) = unsafe {
                    (
                        _mm512_loadu_si512(a.as_ptr().add(i).cast()),
                        _mm512_loadu_si512(b.as_ptr().add(i).cast()),
                        _mm512_loadu_si512(a.as_ptr().add(i + 32).cast()),
                        _mm512_loadu_si512(b.as_ptr().add(i + 32).cast()),
                    )
                };
                acc0 = _mm512_add_epi32(acc0, _mm512_madd_epi16(x0, y0));
                acc1 = _mm512_add_epi32(acc1, _mm512_madd_epi16(x1, y1));
                i += 64;
            }
            while i < end {
                let len = (end - i).min(32);
                let mask: __mmask32 = if len == 32 { !0 } else { (1u32 << len) - 1 };
                // SAFETY: masked loads touch only the `len` values in bounds.
                let (x, y) = unsafe {
                    (
                        _mm512_maskz_loadu_epi16(mask, a.as_ptr().add(i)),
                        _mm512_maskz_loadu_epi16(mask, b.as_ptr().add(i)),
                    )
                };
                acc0 = _mm512_add_epi32(acc0, _mm512_madd_epi16(x, y));
                i += len;
            }
            total +=
                i64::from(_mm512_reduce_add_epi32(acc0)) + i64::from(_mm512_reduce_add_epi32(acc1));
            start = end;
        }
        total
    }
}

/// [`dot_i16`] without AVX-512.
#[kernel]
pub(crate) fn dot_i16_portable(a: &[i16], b: &[i16]) -> i64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0i32; LANES];
    let (ac, bc) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ar, br) = (ac.remainder(), bc.remainder());
    for (x, y) in ac.zip(bc) {
        for i in 0..LANES {
            acc[i] += i32::from(x[i]) * i32::from(y[i]);
        }
    }
    let mut s: i64 = acc.iter().map(|&v| i64::from(v)).sum();
    for (&x, &y) in ar.iter().zip(br) {
        s += i64::from(x) * i64::from(y);
    }
    s
}

/// `Σ a·b` of pixels, exact (each of the 32 lanes sums at most 33,025 products in `i32`:
/// rows of up to a million values).
#[kernel]
pub(crate) fn dot_u8(a: &[u8], b: &[u8]) -> u64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0i32; LANES];
    let (ac, bc) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ar, br) = (ac.remainder(), bc.remainder());
    for (x, y) in ac.zip(bc) {
        for i in 0..LANES {
            acc[i] += i32::from(i16::from(x[i])) * i32::from(i16::from(y[i]));
        }
    }
    let mut s: i64 = acc.iter().map(|&v| i64::from(v)).sum();
    for (&x, &y) in ar.iter().zip(br) {
        s += i64::from(x) * i64::from(y);
    }
    s as u64
}

/// The fastest `Σ a·b` of pixels against signed bytes this CPU has: AVX-512 VNNI's
/// `vpdpbusd` (64 products per instruction) where present, else AVX2's `vpmaddwd` of the
/// bytes widened to `i16` (16 products), else a portable loop.
#[allow(unsafe_code)]
pub(crate) fn dot_u8_i8() -> fn(&[u8], &[i8]) -> i64 {
    #[cfg(target_arch = "x86_64")]
    {
        if super::avx512_vnni() {
            return |a, b| {
                // SAFETY: the CPU has the features `vnni::dot` is compiled for (checked
                // just above).
                unsafe { vnni::dot(a, b) }
            };
        }
        if super::avx2() {
            return |a, b| {
                // SAFETY: the CPU has AVX2 (checked just above).
                unsafe { avx2::dot_u8_i8(a, b) }
            };
        }
    }
    dot_u8_i8_portable
}

/// `Σ a·b`, exact: each of the 32 lanes sums at most 2¹⁶/32 products of magnitude
/// below 2¹⁵ before they are added up in `i64`.
#[kernel]
pub(crate) fn dot_u8_i8_portable(a: &[u8], b: &[i8]) -> i64 {
    let n = a.len().min(b.len());
    let mut total = 0i64;
    for (a, b) in a[..n].chunks(1 << 16).zip(b[..n].chunks(1 << 16)) {
        let mut acc = [0i32; LANES];
        let (ac, bc) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
        let (ar, br) = (ac.remainder(), bc.remainder());
        for (x, y) in ac.zip(bc) {
            for i in 0..LANES {
                acc[i] += i32::from(x[i]) * i32::from(y[i]);
            }
        }
        total += acc.iter().map(|&v| i64::from(v)).sum::<i64>();
        total += ar
            .iter()
            .zip(br)
            .map(|(&x, &y)| i64::from(x) * i64::from(y))
            .sum::<i64>();
    }
    total
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod vnni {
    use std::arch::x86_64::*;

    /// `Σ a·b` with `vpdpbusd`: exact, as each 32-bit lane adds at most 2¹⁶/16 products
    /// of magnitude below 2¹⁵ before the lanes are added up in `i64`.
    ///
    /// # Safety
    /// The CPU must have AVX-512 F, BW and VNNI.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub(super) unsafe fn dot(a: &[u8], b: &[i8]) -> i64 {
        let n = a.len().min(b.len());
        let mut total = 0i64;
        let mut start = 0;
        while start < n {
            let end = (start + (1 << 16)).min(n);
            let mut acc = _mm512_setzero_si512();
            let mut i = start;
            while i + 64 <= end {
                // SAFETY: `i + 64 ≤ n`: in bounds of both slices.
                let (x, y) = unsafe {
                    (
                        _mm512_loadu_si512(a.as_ptr().add(i).cast()),
                        _mm512_loadu_si512(b.as_ptr().add(i).cast()),
                    )
                };
                acc = _mm512_dpbusd_epi32(acc, x, y);
                i += 64;
            }
            if i < end {
                let mask: __mmask64 = (1u64 << (end - i)) - 1;
                // SAFETY: masked loads touch only the `end − i` bytes in bounds.
                let (x, y) = unsafe {
                    (
                        _mm512_maskz_loadu_epi8(mask, a.as_ptr().add(i).cast()),
                        _mm512_maskz_loadu_epi8(mask, b.as_ptr().add(i)),
                    )
                };
                acc = _mm512_dpbusd_epi32(acc, x, y);
            }
            total += i64::from(_mm512_reduce_add_epi32(acc));
            start = end;
        }
        total
    }
}

/// Every kernel of [`dot_i16`] and [`dot_u8_i8`] this CPU can run, the portable ones
/// included, so that the tests check each whichever one the dispatch would take.
#[cfg(test)]
#[allow(unsafe_code, clippy::type_complexity)]
#[cfg_attr(not(target_arch = "x86_64"), allow(unused_mut))]
pub(crate) fn every_dot() -> (Vec<fn(&[i16], &[i16]) -> i64>, Vec<fn(&[u8], &[i8]) -> i64>) {
    let mut i16s: Vec<fn(&[i16], &[i16]) -> i64> = vec![dot_i16_portable];
    let mut u8s: Vec<fn(&[u8], &[i8]) -> i64> = vec![dot_u8_i8_portable];
    #[cfg(target_arch = "x86_64")]
    {
        if super::avx2() {
            // SAFETY (both): the CPU has AVX2 (checked just above).
            i16s.push(|a, b| unsafe { avx2::dot_i16(a, b) });
            u8s.push(|a, b| unsafe { avx2::dot_u8_i8(a, b) });
        }
        if super::avx512_bw() {
            // SAFETY: the CPU has AVX-512 F and BW (checked just above).
            i16s.push(|a, b| unsafe { madd::dot(a, b) });
        }
        if super::avx512_vnni() {
            // SAFETY: the CPU has AVX-512 F, BW and VNNI (checked just above).
            u8s.push(|a, b| unsafe { vnni::dot(a, b) });
        }
    }
    (i16s, u8s)
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    use crate::simd::lanes_avx2 as lanes;
    use std::arch::x86_64::*;

    /// [`super::dot_i16`] with AVX2's `vpmaddwd`, 16 products per instruction.
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn dot_i16(a: &[i16], b: &[i16]) -> i64 {
        let n = a.len().min(b.len());
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        let (mut acc0, mut acc1) = (_mm256_setzero_si256(), _mm256_setzero_si256());
        let mut i = 0;
        while i + 32 <= n {
            // SAFETY: `i + 32 ≤ n`: in bounds of both slices.
            let (x0, y0, x1, y1) = unsafe {
                (
                    _mm256_loadu_si256(pa.add(i).cast()),
                    _mm256_loadu_si256(pb.add(i).cast()),
                    _mm256_loadu_si256(pa.add(i + 16).cast()),
                    _mm256_loadu_si256(pb.add(i + 16).cast()),
                )
            };
            acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(x0, y0));
            acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(x1, y1));
            i += 32;
        }
        if i + 16 <= n {
            // SAFETY: `i + 16 ≤ n`.
            let (x, y) = unsafe {
                (
                    _mm256_loadu_si256(pa.add(i).cast()),
                    _mm256_loadu_si256(pb.add(i).cast()),
                )
            };
            acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(x, y));
            i += 16;
        }
        let tail: i64 = a[i..n]
            .iter()
            .zip(&b[i..n])
            .map(|(&x, &y)| i64::from(x) * i64::from(y))
            .sum();
        lanes(acc0) + lanes(acc1) + tail
    }

    /// [`super::dot_u8_i8`] with the bytes widened to `i16` (`vpmovzxbw`, `vpmovsxbw`) and
    /// multiplied in pairs by `vpmaddwd`: exact, as each 32-bit lane adds at most 2¹⁶/16
    /// pair sums of magnitude below 2¹⁷ before the lanes are added up in `i64`.
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn dot_u8_i8(a: &[u8], b: &[i8]) -> i64 {
        let n = a.len().min(b.len());
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        let mut total = 0i64;
        let mut start = 0;
        while start < n {
            let end = (start + (1 << 16)).min(n);
            let (mut acc0, mut acc1) = (_mm256_setzero_si256(), _mm256_setzero_si256());
            let mut i = start;
            while i + 32 <= end {
                // SAFETY: `i + 32 ≤ n`: in bounds of both slices.
                let (x0, y0, x1, y1) = unsafe {
                    (
                        _mm_loadu_si128(pa.add(i).cast()),
                        _mm_loadu_si128(pb.add(i).cast()),
                        _mm_loadu_si128(pa.add(i + 16).cast()),
                        _mm_loadu_si128(pb.add(i + 16).cast()),
                    )
                };
                let p0 = _mm256_madd_epi16(_mm256_cvtepu8_epi16(x0), _mm256_cvtepi8_epi16(y0));
                let p1 = _mm256_madd_epi16(_mm256_cvtepu8_epi16(x1), _mm256_cvtepi8_epi16(y1));
                acc0 = _mm256_add_epi32(acc0, p0);
                acc1 = _mm256_add_epi32(acc1, p1);
                i += 32;
            }
            if i + 16 <= end {
                // SAFETY: `i + 16 ≤ n`.
                let (x, y) = unsafe {
                    (
                        _mm_loadu_si128(pa.add(i).cast()),
                        _mm_loadu_si128(pb.add(i).cast()),
                    )
                };
                let p = _mm256_madd_epi16(_mm256_cvtepu8_epi16(x), _mm256_cvtepi8_epi16(y));
                acc0 = _mm256_add_epi32(acc0, p);
                i += 16;
            }
            total += a[i..end]
                .iter()
                .zip(&b[i..end])
                .map(|(&x, &y)| i64::from(x) * i64::from(y))
                .sum::<i64>();
            total += lanes(acc0) + lanes(acc1);
            start = end;
        }
        total
    }
}

/// `Σ a·b` in `f32`: 16 lanes of fused multiply-adds, then halved four times. Its
/// rounding is within [`dot_f32_error`]`(n)·Σ|a·b|`.
#[kernel]
pub(crate) fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
    const L: usize = 16;
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; L];
    let (ac, bc) = (a.chunks_exact(L), b.chunks_exact(L));
    let (ar, br) = (ac.remainder(), bc.remainder());
    for (x, y) in ac.zip(bc) {
        for i in 0..L {
            acc[i] = x[i].mul_add(y[i], acc[i]);
        }
    }
    for (i, (x, y)) in ar.iter().zip(br).enumerate() {
        acc[i] = x.mul_add(*y, acc[i]);
    }
    halve(acc)
}

/// The sum of 16 lanes, halved four times (a fixed order: the same result on every CPU).
#[inline(always)]
fn halve<T: Copy + std::ops::AddAssign>(mut acc: [T; 16]) -> T {
    let mut width = 16;
    while width > 1 {
        width /= 2;
        for i in 0..width {
            let v = acc[i + width];
            acc[i] += v;
        }
    }
    acc[0]
}

/// `γ_m = m·u / (1 − m·u)` (u = 2⁻²⁴) for the longest chain of roundings in
/// [`dot_f32`] of `n` values: `⌈n/16⌉` multiply-adds and four halvings, one spare.
pub(crate) fn dot_f32_error(n: usize) -> f64 {
    let m = (n.div_ceil(16) + 5) as f64;
    let u = f64::powi(2.0, -24);
    m * u / (1.0 - m * u)
}

/// `Σ v²` in `f64` (each square exact).
pub(crate) fn sq_norm_f32(v: &[f32]) -> f64 {
    v.iter().map(|&x| f64::from(x) * f64::from(x)).sum()
}

/// `Σ (a − b)²` in `f64`, 16 partial sums combined in a fixed order: the same sum for the
/// same numbers whatever their types.
#[kernel]
pub(crate) fn sq_dist<A: Copy + Into<f64>, B: Copy + Into<f64>>(a: &[A], b: &[B]) -> f64 {
    const L: usize = 16;
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; L];
    let (ac, bc) = (a.chunks_exact(L), b.chunks_exact(L));
    let (ar, br) = (ac.remainder(), bc.remainder());
    for (x, y) in ac.zip(bc) {
        for i in 0..L {
            let v: f64 = x[i].into() - y[i].into();
            acc[i] += v * v;
        }
    }
    let mut s = 0.0;
    for (x, y) in ar.iter().zip(br) {
        let v: f64 = (*x).into() - (*y).into();
        s += v * v;
    }
    halve(acc) + s
}

/// [`dot_i16`] of four rows against one: the shared row is loaded once.
#[kernel]
pub(crate) fn dot4_i16(q: [&[i16]; 4], t: &[i16]) -> [u32; 4] {
    const L: usize = 16;
    let n = q.iter().map(|r| r.len()).min().unwrap_or(0).min(t.len());
    let mut acc = [[0i32; L]; 4];
    let whole = n - n % L;
    let mut i = 0;
    while i < whole {
        let tc = &t[i..i + L];
        for (a, r) in acc.iter_mut().zip(&q) {
            let rc = &r[i..i + L];
            for j in 0..L {
                a[j] += i32::from(rc[j]) * i32::from(tc[j]);
            }
        }
        i += L;
    }
    let mut out = [0u32; 4];
    for (k, (a, r)) in acc.iter().zip(&q).enumerate() {
        let mut s: i64 = a.iter().map(|&v| i64::from(v)).sum();
        for j in whole..n {
            s += i64::from(r[j]) * i64::from(t[j]);
        }
        out[k] = s as u32;
    }
    out
}
