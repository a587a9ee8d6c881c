//! Every `unsafe` kernel of the engines and its run-time dispatch, in one place: each
//! function here checks the CPU ([`avx512_bw`] / [`avx512_vnni`] / [`avx2`] for the hand-written ones,
//! `#[kernel]`'s dispatch for the others) and takes the widest instructions it has — AVX-512
//! (VNNI, BW), AVX2 + FMA, NEON — with a portable loop that gives the same result everywhere
//! else. A build with `--cfg classify_no_avx512` takes the AVX2 path on every CPU (see
//! `classify-kernel`).
//!
//! - [`rows`]: the linear models' row kernels (dot products and updates of `f32` weights by
//!   rows of bytes or floats, centred or not; prefetches).
//! - [`distance`]: dot products and squared distances of rows, integer and float, for the
//!   k-NN searches and SVC's kernel rows.
//! - [`gram`]: the dot products of every pair of two sets of pixel rows, exact, in tiles
//!   (SVC's kernel values at prediction, with AVX-512 VNNI).
//! - [`transpose`]: 16 × 16 byte blocks transposed, for the trees' column layout.
//!
//! An engine's own loops that are safe code (compiled for several targets by `#[kernel]`)
//! stay beside the engine.

pub(crate) mod distance;
pub(crate) mod gram;
pub(crate) mod rows;
pub(crate) mod transpose;

/// Whether the hand-written AVX-512 BW kernels may run: the CPU has AVX-512 F and BW, and the
/// build did not leave AVX-512 out (`--cfg classify_no_avx512`, as `#[kernel]` does).
#[cfg(target_arch = "x86_64")]
pub(crate) fn avx512_bw() -> bool {
    !cfg!(classify_no_avx512)
        && std::arch::is_x86_feature_detected!("avx512f")
        && std::arch::is_x86_feature_detected!("avx512bw")
}

/// Whether the CPU has AVX2, for the hand-written AVX2 kernels (taken where [`avx512_bw`] /
/// [`avx512_vnni`] are not).
#[cfg(target_arch = "x86_64")]
pub(crate) fn avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

/// The sum of an AVX2 vector's eight `i32` lanes, in `i64`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(unsafe_code)]
pub(crate) fn lanes_avx2(v: std::arch::x86_64::__m256i) -> i64 {
    let mut out = [0i32; 8];
    // SAFETY: `out` holds the 32 bytes stored.
    unsafe { std::arch::x86_64::_mm256_storeu_si256(out.as_mut_ptr().cast(), v) };
    out.iter().map(|&x| i64::from(x)).sum()
}

/// [`avx512_bw`] with VNNI (`vpdpbusd`) too.
#[cfg(target_arch = "x86_64")]
pub(crate) fn avx512_vnni() -> bool {
    avx512_bw() && std::arch::is_x86_feature_detected!("avx512vnni")
}
