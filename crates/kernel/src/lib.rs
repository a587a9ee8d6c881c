//! `#[kernel]`: the CPU targets every SIMD kernel of classify is compiled for, in one place.
//!
//! A function marked `#[kernel]` is compiled by [`multiversion`](https://docs.rs/multiversion)
//! once for AVX-512 (F, BW and VL), once for AVX2 with FMA, once for NEON and once for the
//! baseline; the first call picks the widest the CPU has. The function's results must not
//! depend on which: the kernels keep the order of their sums fixed across targets, and their
//! tests compare the targets' results.
//!
//! Building with `RUSTFLAGS="--cfg classify_no_avx512"` leaves AVX-512 out of every kernel
//! (the hand-written ones, which check the CPU themselves, read the same flag), so that a
//! machine with AVX-512 runs what a machine with AVX2 alone runs: `cargo xtask bench
//! --chapter --simd avx2` measures that path so.
//!
//! The crate using it depends on `multiversion` itself.
//!
//! ```
//! use classify_kernel::kernel;
//!
//! /// `Σ a·b` in lanes the compiler vectorises for each target.
//! #[kernel]
//! fn dot(a: &[f32], b: &[f32]) -> f32 {
//!     a.iter().zip(b).map(|(x, y)| x * y).sum()
//! }
//!
//! assert_eq!(dot(&[1.0, 2.0], &[3.0, 4.0]), 11.0);
//! ```

use proc_macro::TokenStream;

/// The targets of a kernel, widest first, as `multiversion` takes them.
const TARGETS: &str = r#""x86_64+avx512f+avx512bw+avx512vl", "x86_64+avx2+fma", "aarch64+neon""#;

/// [`TARGETS`] without AVX-512 (`--cfg classify_no_avx512`).
const TARGETS_NO_AVX512: &str = r#""x86_64+avx2+fma", "aarch64+neon""#;

/// Compiles the function for every target of the crate's doc and picks one at run time.
/// Takes no arguments.
#[proc_macro_attribute]
pub fn kernel(attr: TokenStream, item: TokenStream) -> TokenStream {
    if !attr.is_empty() {
        return r##"compile_error!("#[kernel] takes no arguments");"##
            .parse()
            .expect("a valid token stream");
    }
    let mut out: TokenStream = format!(
        "#[cfg_attr(not(classify_no_avx512), ::multiversion::multiversion(targets({TARGETS})))] \
         #[cfg_attr(classify_no_avx512, ::multiversion::multiversion(targets({TARGETS_NO_AVX512})))]"
    )
    .parse()
    .expect("a valid token stream");
    out.extend(item);
    out
}
