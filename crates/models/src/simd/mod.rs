//! Every `unsafe` kernel of the engines and its run-time dispatch, in one place: each
//! function here checks the CPU (`is_x86_feature_detected!`, or `multiversion`'s dispatch)
//! and takes the widest instructions it has — AVX-512 (VNNI, BW), AVX2 + FMA, NEON — with a
//! portable loop that gives the same result everywhere else.
//!
//! - [`rows`]: the linear models' row kernels (dot products and updates of `f32` weights by
//!   rows of bytes or floats, centred or not; prefetches).
//! - [`distance`]: dot products and squared distances of rows, integer and float, for the
//!   k-NN searches and SVC's kernel rows.
//! - [`gram`]: the dot products of every pair of two sets of pixel rows, exact, in tiles
//!   (SVC's kernel values at prediction, with AVX-512 VNNI).
//! - [`transpose`]: 16 × 16 byte blocks transposed, for the trees' column layout.
//!
//! An engine's own loops that are safe code (compiled for several targets by `multiversion`)
//! stay beside the engine.

pub(crate) mod distance;
pub(crate) mod gram;
pub(crate) mod rows;
pub(crate) mod transpose;
