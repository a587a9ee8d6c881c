//! scikit-learn's own Cython generator (`sklearn.utils._random.our_rand_r`), behind the SGD
//! shuffles and the trees' feature draws, and the NumPy draws that seed it.

use classify_core::{Error, Result};

/// scikit-learn's `RAND_R_MAX`: `our_rand_r` returns values up to it.
pub(crate) const RAND_R_MAX: u32 = 0x7FFF_FFFF;

/// `our_rand_r`: xorshift32 (a zero state becomes 1), reduced below 2³¹.
pub(crate) fn our_rand_r(seed: &mut u32) -> u32 {
    if *seed == 0 {
        *seed = 1;
    }
    *seed ^= *seed << 13;
    *seed ^= *seed >> 17;
    *seed ^= *seed << 5;
    *seed % (RAND_R_MAX + 1)
}

/// scikit-learn's `rand_int(low, high, state)`: `low + our_rand_r % (high − low)`.
pub(crate) fn rand_int(low: usize, high: usize, seed: &mut u32) -> usize {
    low + (our_rand_r(seed) % (high - low) as u32) as usize
}

/// A fresh `RandomState(seed)`, or the error naming a seed NumPy refuses (2³² and above).
pub(crate) fn numpy(seed: u64) -> Result<classify_random::RandomState> {
    classify_random::RandomState::new(seed)
        .map_err(|e| Error::InvalidParameter(format!("random_state {seed}: {e}")))
}

/// `RandomState(seed).randint(0, high)`: the first draw of a fresh generator.
pub(crate) fn first_randint(seed: u64, high: u32) -> Result<u32> {
    let draw = numpy(seed)?
        .randint(0, i64::from(high))
        .map_err(|e| Error::InvalidParameter(e.to_string()))?;
    Ok(u32::try_from(draw).expect("below a u32 bound"))
}
