//! The arithmetic kernels on feature rows that the linear models share (dot products, updates,
//! prefetches), with run-time CPU dispatch.

use classify_core::Row;

/// `Σ w[j] · x[j]` over a row.
pub(crate) fn dot(w: &[f32], x: Row<'_>) -> f32 {
    match x {
        Row::U8(x) => simd::dot_u8::<false>(w, x),
        Row::F32(x) => simd::dot_f32(w, x),
        // The linear models narrow `f64` features to `f32` before training (their weights
        // are `f32`); this plain loop serves a caller that did not.
        Row::F64(x) => w.iter().zip(x).map(|(a, &b)| a * b as f32).sum(),
    }
}

/// [`dot`] of a row of bytes with each product fused into its lane's sum (`vfmadd`: one
/// rounding, not two, and one instruction fewer per vector): SGD's screen, where the sum
/// only has to be within its proven allowance. A fifth of the screen's instructions: the
/// scaled 10-class SGD with 3-fold CV on 20,000 Fashion-MNIST images 22.8 → 20.9 s
/// (medians of five runs, Zen 3).
pub(crate) fn dot_u8_fused(w: &[f32], x: &[u8]) -> f32 {
    simd::dot_u8::<true>(w, x)
}

/// `w[j] += a · x[j]` over a row; returns how much `Σ |w[j]|` changed.
pub(crate) fn axpy(w: &mut [f32], a: f32, x: Row<'_>) -> f64 {
    f64::from(match x {
        Row::U8(x) => simd::axpy_u8(w, a, x),
        Row::F32(x) => simd::axpy_f32(w, a, x),
        Row::F64(x) => w.iter_mut().zip(x).fold(0.0, |change, (w, &v)| {
            let before = w.abs();
            *w += a * v as f32;
            change + (w.abs() - before)
        }),
    })
}

/// `Σ w[j] · (x[j] − mean[j])` over a row of bytes: the dot product with the row centred,
/// without writing the centred row out.
pub(crate) fn dot_centered(w: &[f32], x: &[u8], mean: &[f32]) -> f32 {
    simd::dot_centered_u8(w, x, mean)
}

/// `w[j] += a · s[j] · (x[j] − mean[j])` over a row of bytes; returns how much
/// `Σ scale[j] · |w[j]|` changed.
pub(crate) fn axpy_centered(
    w: &mut [f32],
    a: f32,
    x: &[u8],
    mean: &[f32],
    s: &[f32],
    scale: &[f32],
) -> f64 {
    f64::from(simd::axpy_centered_u8(w, a, x, mean, s, scale))
}

/// Asks the CPU to start loading a row into cache. Training visits rows in shuffled order, so
/// without this every row starts with cache and TLB misses (measured: 66 ms per epoch on
/// 60,000 × 784 rows, against 3.6 ms in order).
pub(crate) fn prefetch(x: Row<'_>) {
    prefetch_row(x, Level::L1);
}

/// [`prefetch`] into the core's second-level cache only: a request there occupies none of the
/// first level's few miss buffers, so it can be issued much further ahead. scikit-learn's
/// SGD (one row after another, each depending on the last) on 60,000 × 784 Fashion-MNIST
/// pixels: `classify binary` 3.9 → 3.4 s (medians of 3) with rows 32 ahead into L2 against 6
/// ahead into L1.
pub(crate) fn prefetch_l2(x: Row<'_>) {
    prefetch_row(x, Level::L2);
}

/// Which cache a prefetch fills.
#[derive(Clone, Copy)]
enum Level {
    L1,
    L2,
}

fn prefetch_row(x: Row<'_>, level: Level) {
    match x {
        Row::U8(r) => prefetch_slice_to(r, level),
        Row::F32(r) => prefetch_slice_to(r, level),
        Row::F64(r) => prefetch_slice_to(r, level),
    }
}

/// [`prefetch`] for any slice.
pub(crate) fn prefetch_slice<T>(s: &[T]) {
    prefetch_slice_to(s, Level::L1);
}

fn prefetch_slice_to<T>(s: &[T], level: Level) {
    // Only the address range is used; nothing is read through it.
    prefetch_range(s.as_ptr().cast::<u8>(), size_of_val(s), level);
}

#[allow(unsafe_code)]
fn prefetch_range(ptr: *const u8, len: usize, level: Level) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0, _MM_HINT_T1};
        for off in (0..len).step_by(64) {
            // SAFETY: a prefetch is a hint that never faults and has no visible effect; the
            // address lies inside a live slice of `len` bytes starting at `ptr`.
            unsafe {
                let at = ptr.add(off).cast::<i8>();
                match level {
                    Level::L1 => _mm_prefetch::<_MM_HINT_T0>(at),
                    Level::L2 => _mm_prefetch::<_MM_HINT_T1>(at),
                }
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (ptr, len, level);
}

/// `Σ x[j]²` of a row, in `f64`.
pub(crate) fn sq_norm(x: Row<'_>) -> f64 {
    match x {
        Row::U8(x) => x.iter().map(|&v| f64::from(v) * f64::from(v)).sum(),
        Row::F32(x) => x.iter().map(|&v| f64::from(v) * f64::from(v)).sum(),
        Row::F64(x) => x.iter().map(|&v| v * v).sum(),
    }
}

/// SIMD kernels, compiled for AVX-512, AVX2+FMA and the baseline, chosen at run time.
mod simd {
    use classify_kernel::kernel;

    const LANES: usize = 16;

    /// The lanes of [`dot_u8`] (four AVX-512 registers).
    const WIDE: usize = 64;

    /// `Σ w·x` in [`WIDE`] lanes, the rest in the first [`LANES`], then the lanes halved
    /// and added until one is left (a tree: adding 64 lanes one after another took longer
    /// than the products of a 784-pixel row), then the last few one by one. No sum runs
    /// through more than `n / 64 + 3 + 6 + 15` additions: SGD's screen
    /// (`linear_model::sgd::exact`) proves its allowance from that.
    ///
    /// `FUSED`: each product added to its lane by a fused multiply-add.
    #[kernel]
    pub(super) fn dot_u8<const FUSED: bool>(w: &[f32], x: &[u8]) -> f32 {
        #[inline(always)]
        fn step<const FUSED: bool>(acc: f32, a: f32, b: u8) -> f32 {
            if FUSED {
                a.mul_add(f32::from(b), acc)
            } else {
                acc + a * f32::from(b)
            }
        }
        let n = w.len().min(x.len());
        let (w, x) = (&w[..n], &x[..n]);
        let mut acc = [0.0f32; WIDE];
        let (wc, xc) = (w.chunks_exact(WIDE), x.chunks_exact(WIDE));
        let (wr, xr) = (wc.remainder(), xc.remainder());
        for (a, b) in wc.zip(xc) {
            for i in 0..WIDE {
                acc[i] = step::<FUSED>(acc[i], a[i], b[i]);
            }
        }
        let (wc, xc) = (wr.chunks_exact(LANES), xr.chunks_exact(LANES));
        let (wr, xr) = (wc.remainder(), xc.remainder());
        for (a, b) in wc.zip(xc) {
            for i in 0..LANES {
                acc[i] = step::<FUSED>(acc[i], a[i], b[i]);
            }
        }
        let mut half = WIDE / 2;
        while half > 0 {
            let (lo, hi) = acc.split_at_mut(half);
            for (a, b) in lo.iter_mut().zip(&hi[..half]) {
                *a += b;
            }
            half /= 2;
        }
        let mut s = acc[0];
        for (a, &b) in wr.iter().zip(xr) {
            s = step::<FUSED>(s, *a, b);
        }
        s
    }

    #[kernel]
    pub(super) fn dot_f32(w: &[f32], x: &[f32]) -> f32 {
        let n = w.len().min(x.len());
        let (w, x) = (&w[..n], &x[..n]);
        let mut acc = [0.0f32; LANES];
        let (wc, xc) = (w.chunks_exact(LANES), x.chunks_exact(LANES));
        let (wr, xr) = (wc.remainder(), xc.remainder());
        for (a, b) in wc.zip(xc) {
            for i in 0..LANES {
                acc[i] += a[i] * b[i];
            }
        }
        let mut s: f32 = acc.iter().sum();
        for (a, &b) in wr.iter().zip(xr) {
            s += a * b;
        }
        s
    }

    /// `w += a · x`, returning the change of `Σ |w|` (summed in lanes).
    #[kernel]
    pub(super) fn axpy_u8(w: &mut [f32], a: f32, x: &[u8]) -> f32 {
        let n = w.len().min(x.len());
        let (w, x) = (&mut w[..n], &x[..n]);
        let mut acc = [0.0f32; LANES];
        let mut wc = w.chunks_exact_mut(LANES);
        let mut xc = x.chunks_exact(LANES);
        for (ws, xs) in (&mut wc).zip(&mut xc) {
            for i in 0..LANES {
                let old = ws[i];
                let new = old + a * f32::from(xs[i]);
                ws[i] = new;
                acc[i] += new.abs() - old.abs();
            }
        }
        let mut s: f32 = acc.iter().sum();
        for (wi, &xi) in wc.into_remainder().iter_mut().zip(xc.remainder()) {
            let old = *wi;
            *wi = old + a * f32::from(xi);
            s += wi.abs() - old.abs();
        }
        s
    }

    /// `w += a · x`, returning the change of `Σ |w|` (summed in lanes).
    #[kernel]
    pub(super) fn axpy_f32(w: &mut [f32], a: f32, x: &[f32]) -> f32 {
        let n = w.len().min(x.len());
        let (w, x) = (&mut w[..n], &x[..n]);
        let mut acc = [0.0f32; LANES];
        let mut wc = w.chunks_exact_mut(LANES);
        let mut xc = x.chunks_exact(LANES);
        for (ws, xs) in (&mut wc).zip(&mut xc) {
            for i in 0..LANES {
                let old = ws[i];
                let new = old + a * xs[i];
                ws[i] = new;
                acc[i] += new.abs() - old.abs();
            }
        }
        let mut s: f32 = acc.iter().sum();
        for (wi, &xi) in wc.into_remainder().iter_mut().zip(xc.remainder()) {
            let old = *wi;
            *wi = old + a * xi;
            s += wi.abs() - old.abs();
        }
        s
    }

    /// `Σ w · (x − mean)`.
    #[kernel]
    pub(super) fn dot_centered_u8(w: &[f32], x: &[u8], mean: &[f32]) -> f32 {
        let n = w.len().min(x.len()).min(mean.len());
        let (w, x, mean) = (&w[..n], &x[..n], &mean[..n]);
        let mut acc = [0.0f32; LANES];
        let (wc, xc, mc) = (
            w.chunks_exact(LANES),
            x.chunks_exact(LANES),
            mean.chunks_exact(LANES),
        );
        let (wr, xr, mr) = (wc.remainder(), xc.remainder(), mc.remainder());
        for ((a, b), m) in wc.zip(xc).zip(mc) {
            for i in 0..LANES {
                acc[i] += a[i] * (f32::from(b[i]) - m[i]);
            }
        }
        let mut s: f32 = acc.iter().sum();
        for ((a, &b), m) in wr.iter().zip(xr).zip(mr) {
            s += a * (f32::from(b) - m);
        }
        s
    }

    /// `w += a · s · (x − mean)`, returning the change of `Σ scale · |w|` (summed in lanes).
    #[kernel]
    pub(super) fn axpy_centered_u8(
        w: &mut [f32],
        a: f32,
        x: &[u8],
        mean: &[f32],
        s: &[f32],
        scale: &[f32],
    ) -> f32 {
        let n = w
            .len()
            .min(x.len())
            .min(mean.len())
            .min(s.len())
            .min(scale.len());
        let (w, x, mean, s, scale) = (&mut w[..n], &x[..n], &mean[..n], &s[..n], &scale[..n]);
        let mut acc = [0.0f32; LANES];
        let mut wc = w.chunks_exact_mut(LANES);
        let (mut xc, mut mc, mut sc, mut kc) = (
            x.chunks_exact(LANES),
            mean.chunks_exact(LANES),
            s.chunks_exact(LANES),
            scale.chunks_exact(LANES),
        );
        for ((((ws, xs), ms), ss), ks) in (&mut wc)
            .zip(&mut xc)
            .zip(&mut mc)
            .zip(&mut sc)
            .zip(&mut kc)
        {
            for i in 0..LANES {
                let old = ws[i];
                let new = old + a * ss[i] * (f32::from(xs[i]) - ms[i]);
                ws[i] = new;
                acc[i] += ks[i] * (new.abs() - old.abs());
            }
        }
        let mut total: f32 = acc.iter().sum();
        let rest = xc
            .remainder()
            .iter()
            .zip(mc.remainder())
            .zip(sc.remainder())
            .zip(kc.remainder());
        for (wi, (((&xi, &mi), &si), &ki)) in wc.into_remainder().iter_mut().zip(rest) {
            let old = *wi;
            *wi = old + a * si * (f32::from(xi) - mi);
            total += ki * (wi.abs() - old.abs());
        }
        total
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn centred_kernels_agree_with_plain_loops() {
            let n = 787;
            let w: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
            let x: Vec<u8> = (0..n).map(|i| (i * 31 % 256) as u8).collect();
            let mean: Vec<f32> = (0..n).map(|i| (i % 200) as f32 * 0.9).collect();
            let s: Vec<f32> = (0..n).map(|i| 1.0 / (1.0 + (i % 7) as f32)).collect();
            let scale: Vec<f32> = (0..n).map(|i| 1.0 + (i % 5) as f32).collect();
            let plain: f64 = (0..n)
                .map(|j| f64::from(w[j]) * (f64::from(x[j]) - f64::from(mean[j])))
                .sum();
            let got = f64::from(super::dot_centered_u8(&w, &x, &mean));
            assert!(
                (got - plain).abs() < 1e-3 * plain.abs().max(1.0),
                "{got} {plain}"
            );
            let a = 0.01f32;
            let mut expect = w.clone();
            let mut change = 0.0f64;
            for j in 0..n {
                let old = expect[j];
                expect[j] = old + a * s[j] * (f32::from(x[j]) - mean[j]);
                change += f64::from(scale[j]) * f64::from(expect[j].abs() - old.abs());
            }
            let mut w2 = w.clone();
            let got = f64::from(super::axpy_centered_u8(&mut w2, a, &x, &mean, &s, &scale));
            for (g, e) in w2.iter().zip(&expect) {
                assert!((g - e).abs() <= 1e-6 * e.abs().max(1.0), "{g} {e}");
            }
            assert!(
                (got - change).abs() < 1e-3 * change.abs().max(1.0),
                "{got} {change}"
            );
        }

        #[test]
        fn kernels_agree_with_plain_loops() {
            let w: Vec<f32> = (0..787).map(|i| (i as f32 * 0.37).sin()).collect();
            let x8: Vec<u8> = (0..787).map(|i| (i * 31 % 256) as u8).collect();
            let xf: Vec<f32> = x8.iter().map(|&v| f32::from(v) / 3.0).collect();
            let plain8: f64 = w
                .iter()
                .zip(&x8)
                .map(|(&a, &b)| f64::from(a) * f64::from(b))
                .sum();
            let plainf: f64 = w
                .iter()
                .zip(&xf)
                .map(|(&a, &b)| f64::from(a) * f64::from(b))
                .sum();
            for dot in [
                super::dot_u8::<false>(&w, &x8),
                super::dot_u8::<true>(&w, &x8),
            ] {
                assert!((f64::from(dot) - plain8).abs() < 1e-3 * plain8.abs().max(1.0));
            }
            assert!(
                (f64::from(super::dot_f32(&w, &xf)) - plainf).abs() < 1e-3 * plainf.abs().max(1.0)
            );
            let l1 = |v: &[f32]| v.iter().map(|x| f64::from(x.abs())).sum::<f64>();
            let mut w2 = w.clone();
            let d2 = super::axpy_u8(&mut w2, 0.5, &x8);
            assert_eq!(w2[3], w[3] + 0.5 * f32::from(x8[3]));
            assert!((f64::from(d2) - (l1(&w2) - l1(&w))).abs() < 1e-2);
            let mut w3 = w.clone();
            let d3 = super::axpy_f32(&mut w3, -2.0, &xf);
            assert_eq!(w3[786], w[786] - 2.0 * xf[786]);
            assert!((f64::from(d3) - (l1(&w3) - l1(&w))).abs() < 1e-2);
        }
    }
}
