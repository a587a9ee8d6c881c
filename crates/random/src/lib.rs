//! NumPy's legacy random generator, `numpy.random.RandomState` (MT19937), bit for bit: the
//! numbers scikit-learn draws for `random_state=42` are the numbers drawn here for seed 42.
//!
//! What scikit-learn uses of it, each checked value for value against NumPy 2.4 for many
//! seeds (`scripts/random_fixtures.py`): integer seeding (`init_genrand`), `random_sample`
//! (53-bit doubles from two 32-bit draws), `randint` (bounded integers by masked rejection,
//! NumPy's legacy path), `permutation` and `shuffle` (Fisher–Yates from the end with
//! `random_interval`), and `multinomial(1, pvals)` (one trial: NumPy's chain of binomial draws
//! by inversion). No dependencies.
//!
//! ```
//! use classify_random::RandomState;
//!
//! let mut rs = RandomState::new(42)?;
//! assert_eq!(rs.randint(0, 10)?, 6); // np.random.RandomState(42).randint(0, 10)
//! let p = RandomState::new(42)?.permutation(5);
//! assert_eq!(p, vec![1, 4, 2, 0, 3]); // np.random.RandomState(42).permutation(5)
//! # Ok::<(), classify_random::Error>(())
//! ```

use std::fmt;

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// Why a draw cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A seed outside `0..2^32` (NumPy's and scikit-learn's range).
    SeedOutOfRange(i128),
    /// `randint(low, high)` with `low >= high`.
    EmptyRange {
        /// The lower bound (included).
        low: i64,
        /// The upper bound (excluded).
        high: i64,
    },
    /// Draws of `randint(low, high)` asked for in a type that cannot hold them all.
    Unrepresentable {
        /// The lower bound (included).
        low: i64,
        /// The upper bound (excluded).
        high: i64,
        /// The type asked for.
        kind: &'static str,
    },
    /// `multinomial` probabilities NumPy refuses: none, one outside `[0, 1]` or NaN, or the
    /// first `d − 1` summing to more than `1 + 1e-12`.
    Probabilities(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::SeedOutOfRange(s) => {
                write!(f, "seed {s} is outside 0..2^32 (NumPy's RandomState range)")
            }
            Error::EmptyRange { low, high } => write!(f, "randint: low {low} >= high {high}"),
            Error::Unrepresentable { low, high, kind } => {
                write!(f, "randint({low}, {high}): not every draw fits in {kind}")
            }
            Error::Probabilities(why) => write!(f, "multinomial: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// NumPy's `RandomState`: the Mersenne Twister MT19937 and NumPy's legacy ways of turning
/// its 32-bit outputs into doubles, bounded integers and permutations.
#[derive(Clone)]
pub struct RandomState {
    mt: [u32; N],
    pos: usize,
}

impl fmt::Debug for RandomState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RandomState")
            .field("head", &&self.mt[..3])
            .field("pos", &self.pos)
            .finish()
    }
}

impl RandomState {
    /// `np.random.RandomState(seed)` for an integer seed in `0..2^32`.
    pub fn new(seed: impl Into<i128>) -> Result<RandomState, Error> {
        let seed = seed.into();
        let s = u32::try_from(seed).map_err(|_| Error::SeedOutOfRange(seed))?;
        let mut mt = [0u32; N];
        mt[0] = s;
        for i in 1..N {
            let prev = mt[i - 1];
            mt[i] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        Ok(RandomState { mt, pos: N })
    }

    /// The first values of the state (`get_state()[1][..k]`), for checks.
    pub fn state_head(&self, k: usize) -> &[u32] {
        &self.mt[..k.min(N)]
    }

    /// MT19937's twist of the whole state, in three loops so that no index wraps (the
    /// same values as the reference's `(i + 1) % N` form, without a division per word).
    fn generate(&mut self) {
        #[inline(always)]
        fn twist(upper: u32, lower: u32, far: u32) -> u32 {
            let y = (upper & UPPER_MASK) | (lower & LOWER_MASK);
            far ^ (y >> 1) ^ ((y & 1).wrapping_neg() & MATRIX_A)
        }
        let mt = &mut self.mt;
        for i in 0..N - M {
            mt[i] = twist(mt[i], mt[i + 1], mt[i + M]);
        }
        for i in N - M..N - 1 {
            mt[i] = twist(mt[i], mt[i + 1], mt[i + M - N]);
        }
        mt[N - 1] = twist(mt[N - 1], mt[0], mt[M - 1]);
        self.pos = 0;
    }

    /// The next raw 32-bit output (MT19937's tempered `genrand_int32`).
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        if self.pos >= N {
            self.generate();
        }
        let y = self.mt[self.pos];
        self.pos += 1;
        temper(y)
    }

    /// `out.len()` values of `(next_u32() & mask) <= range`-rejection (NumPy's masked
    /// bounded draws for a range below `2^32 − 1`), exactly as that many calls would draw
    /// them, without a branch per draw: each masked output is written at the next free
    /// place and the place advances only when it is accepted (4.7 ns a value by calls with
    /// a mispredicted branch for one draw in five at `randint(0, 100)`, about 1.5 ns so).
    ///
    /// Each value is written as `put(value)`: the callers' output types differ.
    #[inline]
    fn fill_masked<O: Copy>(
        &mut self,
        range: u32,
        mask: u32,
        out: &mut [O],
        put: impl Fn(u32) -> O,
    ) {
        let mut j = 0;
        let mut tempered = [0u32; N];
        while j < out.len() {
            if self.pos >= N {
                self.generate();
            }
            // Tempered and masked in one pass the compiler vectorises, then kept or not.
            let words = &self.mt[self.pos..];
            let t = &mut tempered[..words.len()];
            for (t, &w) in t.iter_mut().zip(words) {
                *t = temper(w) & mask;
            }
            let mut used = 0;
            for &v in t.iter() {
                if j == out.len() {
                    break;
                }
                out[j] = put(v);
                j += usize::from(v <= range);
                used += 1;
            }
            self.pos += used;
        }
    }

    /// The next 64-bit value: two 32-bit outputs, the first as the high half.
    pub fn next_u64(&mut self) -> u64 {
        let hi = u64::from(self.next_u32());
        (hi << 32) | u64::from(self.next_u32())
    }

    /// `random_sample()`: a double in `[0, 1)` with 53 random bits, from two outputs.
    pub fn random_sample(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// An integer in `0..=max` by masked rejection (NumPy's `random_interval`, used by
    /// `shuffle`).
    fn interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        let mask = smear(max);
        if max <= u64::from(u32::MAX) {
            loop {
                let v = u64::from(self.next_u32()) & mask;
                if v <= max {
                    return v;
                }
            }
        }
        loop {
            let v = self.next_u64() & mask;
            if v <= max {
                return v;
            }
        }
    }

    /// `randint(low, high)`: an integer in `low..high`, NumPy's legacy masked rejection (32-bit
    /// draws while the range fits in 32 bits, 64-bit draws beyond).
    pub fn randint(&mut self, low: i64, high: i64) -> Result<i64, Error> {
        let mut draws = self.randints(low, high)?;
        Ok(draws.next().expect("an endless stream"))
    }

    /// `randint(low, high, size=n)` read as a stream: the values NumPy fills an array of any
    /// shape with, in C order (the same draws as repeated [`randint`](Self::randint), the
    /// bound's mask worked out once). The stream never ends; take what the array needs.
    ///
    /// ```
    /// use classify_random::RandomState;
    ///
    /// let mut rs = RandomState::new(42)?;
    /// // np.random.RandomState(42).randint(0, 100, size=5)
    /// let v: Vec<i64> = rs.randints(0, 100)?.take(5).collect();
    /// assert_eq!(v, [51, 92, 14, 71, 60]);
    /// # Ok::<(), classify_random::Error>(())
    /// ```
    pub fn randints(&mut self, low: i64, high: i64) -> Result<Randints<'_>, Error> {
        if low >= high {
            return Err(Error::EmptyRange { low, high });
        }
        let range = (high as i128 - 1 - low as i128) as u64;
        Ok(Randints {
            rs: self,
            low,
            range,
            mask: smear(range),
        })
    }

    /// `shuffle(x)`: Fisher–Yates from the last element down, as NumPy's legacy shuffle.
    pub fn shuffle<T>(&mut self, x: &mut [T]) {
        for i in (1..x.len()).rev() {
            let j = self.interval(i as u64) as usize;
            x.swap(i, j);
        }
    }

    /// `choice(pop, size, replace=False)` without probabilities: the first `size` values of
    /// `permutation(pop)` (NumPy's legacy way), or `None` when `size > pop`.
    pub fn choice_without_replacement(&mut self, pop: usize, size: usize) -> Option<Vec<usize>> {
        if size > pop {
            return None;
        }
        let mut p = self.permutation(pop);
        p.truncate(size);
        Some(p)
    }

    /// `multinomial(1, pvals)`: the index of the one outcome of a single trial (NumPy returns
    /// a row of zeros with a one there). NumPy's legacy draw: for each outcome but the last a
    /// binomial draw with probability `pvals[j] / remaining`, stopping at the first success;
    /// each binomial of one trial drawn by NumPy's inversion (which may draw again).
    ///
    /// ```
    /// use classify_random::RandomState;
    ///
    /// let mut rs = RandomState::new(42)?;
    /// // np.random.RandomState(42).multinomial(1, [0.2, 0.3, 0.5], size=5).argmax(axis=1)
    /// let v: Vec<usize> = (0..5).map(|_| rs.multinomial_one(&[0.2, 0.3, 0.5])).collect::<Result<_, _>>()?;
    /// assert_eq!(v, [1, 2, 2, 1, 1]);
    /// # Ok::<(), classify_random::Error>(())
    /// ```
    pub fn multinomial_one(&mut self, pvals: &[f64]) -> Result<usize, Error> {
        check_probabilities(pvals)?;
        let mut remaining = 1.0;
        for (j, &p) in pvals[..pvals.len() - 1].iter().enumerate() {
            if self.binomial_one(p / remaining) == 1 {
                return Ok(j);
            }
            remaining -= p;
        }
        Ok(pvals.len() - 1)
    }

    /// `binomial(1, p)`: NumPy's `random_binomial` for one trial, which draws by inversion on
    /// the smaller of `p` and `1 − p`.
    fn binomial_one(&mut self, p: f64) -> i64 {
        if p == 0.0 {
            return 0;
        }
        if p <= 0.5 {
            self.binomial_inversion_one(p)
        } else {
            1 - self.binomial_inversion_one(1.0 - p)
        }
    }

    /// NumPy's `random_binomial_inversion` for `n = 1`: its search bound is then 1, so a
    /// uniform draw past both outcomes starts the search again with a new draw.
    fn binomial_inversion_one(&mut self, p: f64) -> i64 {
        let q = 1.0 - p;
        // `exp(n · log(q))` with n = 1, as NumPy computes it (not always `q` to the bit).
        let qn = q.ln().exp();
        let mut x = 0i64;
        let mut px = qn;
        let mut u = self.random_sample();
        while u > px {
            x += 1;
            if x > 1 {
                x = 0;
                px = qn;
                u = self.random_sample();
            } else {
                u -= px;
                px = (p * px) / q;
            }
        }
        x
    }

    /// `choice(len(p), size, replace=True, p=p)`: `size` indices drawn with probabilities
    /// `p`, as NumPy draws them (the cumulative sums normalised by their last, `size`
    /// uniform draws, each the first index whose cumulative sum exceeds it). `p` must be
    /// non-negative and sum to 1 within `√ε`, as NumPy requires.
    ///
    /// ```
    /// use classify_random::RandomState;
    ///
    /// let mut rs = RandomState::new(0)?;
    /// // np.random.RandomState(0).choice(4, 6, replace=True, p=[0.1, 0.2, 0.3, 0.4])
    /// assert_eq!(rs.choice_weighted(&[0.1, 0.2, 0.3, 0.4], 6)?, [2, 3, 3, 2, 2, 3]);
    /// # Ok::<(), classify_random::Error>(())
    /// ```
    pub fn choice_weighted(&mut self, p: &[f64], size: usize) -> Result<Vec<usize>, Error> {
        if p.is_empty() {
            return Err(Error::Probabilities("no probabilities".into()));
        }
        if let Some(v) = p.iter().find(|v| v.is_nan() || **v < 0.0) {
            return Err(Error::Probabilities(format!("probability {v} is negative")));
        }
        // NumPy's Kahan sum of all of them, within √ε of 1.
        let sum = kahan_sum(p);
        if sum.is_nan() || (sum - 1.0).abs() > f64::EPSILON.sqrt() {
            return Err(Error::Probabilities(format!(
                "the probabilities sum to {sum}, not 1"
            )));
        }
        let mut cdf: Vec<f64> = p
            .iter()
            .scan(0.0, |acc, &v| {
                *acc += v;
                Some(*acc)
            })
            .collect();
        let last = cdf[cdf.len() - 1];
        cdf.iter_mut().for_each(|v| *v /= last);
        Ok((0..size)
            .map(|_| {
                let u = self.random_sample();
                // `searchsorted(u, side="right")`, clipped as an index.
                cdf.partition_point(|&c| c <= u).min(p.len() - 1)
            })
            .collect())
    }

    /// `permutation(n)`: `0..n` shuffled.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        self.shuffle(&mut v);
        v
    }
}

/// NumPy's checks on `multinomial`'s probabilities (the last one is never read: NumPy
/// gives it whatever is left).
fn check_probabilities(pvals: &[f64]) -> Result<(), Error> {
    let Some((_, head)) = pvals.split_last() else {
        return Err(Error::Probabilities("no probabilities".into()));
    };
    if let Some(p) = pvals.iter().find(|p| !(0.0..=1.0).contains(*p)) {
        return Err(Error::Probabilities(format!(
            "probability {p} is outside [0, 1]"
        )));
    }
    // NumPy's Kahan sum of all but the last.
    let sum = kahan_sum(head);
    if sum > 1.0 + 1e-12 {
        return Err(Error::Probabilities(format!(
            "the probabilities before the last sum to {sum} > 1"
        )));
    }
    Ok(())
}

/// NumPy's `kahan_sum` (compensated summation in order), as it checks probabilities.
fn kahan_sum(values: &[f64]) -> f64 {
    let (mut sum, mut c) = (0.0f64, 0.0f64);
    for &v in values {
        let y = v - c;
        let t = sum + y;
        c = (t - sum) - y;
        sum = t;
    }
    sum
}

/// MT19937's tempering of a state word.
#[inline(always)]
fn temper(mut y: u32) -> u32 {
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c_5680;
    y ^= (y << 15) & 0xefc6_0000;
    y ^ (y >> 18)
}

/// The endless stream of [`RandomState::randints`].
#[derive(Debug)]
pub struct Randints<'a> {
    rs: &'a mut RandomState,
    low: i64,
    /// `high − 1 − low`.
    range: u64,
    /// The smallest `2^k − 1` at least `range`.
    mask: u64,
}

impl Iterator for Randints<'_> {
    type Item = i64;

    #[inline]
    fn next(&mut self) -> Option<i64> {
        let (range, mask) = (self.range, self.mask);
        let offset = match range {
            // One value: NumPy draws nothing.
            0 => 0,
            r if r < u64::from(u32::MAX) => loop {
                let v = u64::from(self.rs.next_u32()) & mask;
                if v <= r {
                    break v;
                }
            },
            r if r == u64::from(u32::MAX) => u64::from(self.rs.next_u32()),
            u64::MAX => self.rs.next_u64(),
            r => loop {
                let v = self.rs.next_u64() & mask;
                if v <= r {
                    break v;
                }
            },
        };
        Some((i128::from(self.low) + i128::from(offset)) as i64)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, None)
    }
}

impl Randints<'_> {
    /// The next `out.len()` values of the stream (what as many [`next`](Iterator::next)
    /// calls give), faster for ranges of fewer than `2^32` values.
    ///
    /// ```
    /// use classify_random::RandomState;
    ///
    /// let mut a = [0i64; 1000];
    /// RandomState::new(7)?.randints(0, 100)?.fill(&mut a);
    /// let b: Vec<i64> = RandomState::new(7)?.randints(0, 100)?.take(1000).collect();
    /// assert_eq!(a.to_vec(), b);
    /// # Ok::<(), classify_random::Error>(())
    /// ```
    pub fn fill(&mut self, out: &mut [i64]) {
        if self.range == 0 || self.range >= u64::from(u32::MAX) {
            for o in out.iter_mut() {
                *o = self.next().expect("an endless stream");
            }
            return;
        }
        let (low, range, mask) = (self.low, self.range as u32, self.mask as u32);
        // Rejected values are overwritten; `wrapping_add` keeps them from overflowing
        // meanwhile near `i64::MAX`.
        self.rs
            .fill_masked(range, mask, out, |v| low.wrapping_add(i64::from(v)));
    }

    /// [`fill`](Randints::fill) into `u16`s, for ranges inside `0..=65535`, in a quarter of
    /// the memory (`randint(0, 100)` noise for 47 million pixels: 94 MB rather than 376).
    ///
    /// ```
    /// use classify_random::RandomState;
    ///
    /// let mut a = [0u16; 1000];
    /// RandomState::new(7)?.randints(0, 100)?.fill_u16(&mut a)?;
    /// let mut b = [0i64; 1000];
    /// RandomState::new(7)?.randints(0, 100)?.fill(&mut b);
    /// assert!(a.iter().zip(&b).all(|(&a, &b)| i64::from(a) == b));
    /// assert!(RandomState::new(7)?.randints(-1, 100)?.fill_u16(&mut a).is_err());
    /// # Ok::<(), classify_random::Error>(())
    /// ```
    pub fn fill_u16(&mut self, out: &mut [u16]) -> Result<(), Error> {
        let high = self.low + self.range as i64 + 1;
        let (Ok(low), Ok(_)) = (u16::try_from(self.low), u16::try_from(high - 1)) else {
            return Err(Error::Unrepresentable {
                low: self.low,
                high,
                kind: "u16",
            });
        };
        if self.range == 0 {
            // One value: NumPy draws nothing.
            out.fill(low);
            return Ok(());
        }
        let (range, mask) = (self.range as u32, self.mask as u32);
        // Every accepted value is at most `range`, so `low + v` fits; rejected ones are
        // overwritten (truncated meanwhile).
        self.rs
            .fill_masked(range, mask, out, |v| low.wrapping_add(v as u16));
        Ok(())
    }
}

/// The smallest `2^k − 1` at least `v`.
fn smear(v: u64) -> u64 {
    let mut m = v;
    m |= m >> 1;
    m |= m >> 2;
    m |= m >> 4;
    m |= m >> 8;
    m |= m >> 16;
    m | (m >> 32)
}
