//! Folds and splits with scikit-learn's rules.

use classify_random::RandomState;

use crate::error::{Error, Result};

/// One train/test split: row indices, each part ascending (shuffled for `train_test_split`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Training rows.
    pub train: Vec<usize>,
    /// Test rows.
    pub test: Vec<usize>,
}

/// K-fold: consecutive test blocks, the first `n % k` one sample larger (scikit-learn's
/// `KFold`). With `shuffle`, rows are permuted first by NumPy's `RandomState(seed)`, so the
/// folds are scikit-learn's `KFold(shuffle=True, random_state=seed)` exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KFold {
    /// Number of folds (at least 2).
    pub n_splits: usize,
    /// Permute rows before cutting the blocks.
    pub shuffle: bool,
    /// Seed of the permutation (scikit-learn's `random_state`, `0..2^32`).
    pub seed: u64,
}

impl KFold {
    /// `n_splits` folds without shuffling.
    pub fn new(n_splits: usize) -> Self {
        KFold {
            n_splits,
            shuffle: false,
            seed: 0,
        }
    }

    /// The folds of `n` samples.
    pub fn split(&self, n: usize) -> Result<Vec<Split>> {
        check_splits(self.n_splits, n)?;
        let mut order: Vec<usize> = (0..n).collect();
        if self.shuffle {
            random_state(self.seed)?.shuffle(&mut order);
        }
        let mut fold_of = vec![0usize; n];
        let mut start = 0;
        for f in 0..self.n_splits {
            let size = n / self.n_splits + usize::from(f < n % self.n_splits);
            for &i in &order[start..start + size] {
                fold_of[i] = f;
            }
            start += size;
        }
        Ok(from_assignment(&fold_of, self.n_splits))
    }
}

/// Stratified k-fold: each fold keeps the class proportions (scikit-learn's
/// `StratifiedKFold`): classes are ordered by first appearance, the per-fold allocation is
/// a round robin over the sorted labels, and each class's rows go to folds in blocks, in
/// row order (shuffled by NumPy's `RandomState(seed)` when `shuffle`). The folds are exactly
/// scikit-learn's, shuffled or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StratifiedKFold {
    /// Number of folds (at least 2).
    pub n_splits: usize,
    /// Shuffle each class's fold assignment.
    pub shuffle: bool,
    /// Seed of the shuffle (scikit-learn's `random_state`, `0..2^32`).
    pub seed: u64,
}

impl StratifiedKFold {
    /// `n_splits` folds without shuffling.
    pub fn new(n_splits: usize) -> Self {
        StratifiedKFold {
            n_splits,
            shuffle: false,
            seed: 0,
        }
    }

    /// The fold (0-based) each sample is tested in.
    pub fn test_folds(&self, y: &[usize]) -> Result<Vec<usize>> {
        let k = self.n_splits;
        check_splits(k, y.len())?;
        // Encode classes by order of first appearance.
        let mut first_seen: Vec<usize> = Vec::new();
        let mut code = std::collections::HashMap::new();
        let encoded: Vec<usize> = y
            .iter()
            .map(|l| {
                *code.entry(*l).or_insert_with(|| {
                    first_seen.push(*l);
                    first_seen.len() - 1
                })
            })
            .collect();
        let n_classes = first_seen.len();
        let mut counts = vec![0usize; n_classes];
        encoded.iter().for_each(|&c| counts[c] += 1);
        if counts.iter().all(|&c| k > c) {
            return Err(Error::InvalidSplit(format!(
                "n_splits={k} cannot be greater than the number of members in each class"
            )));
        }
        // allocation[f][c]: class c's samples in fold f, by round robin over sorted labels.
        let mut sorted = encoded.clone();
        sorted.sort_unstable();
        let mut allocation = vec![vec![0usize; n_classes]; k];
        for (i, &c) in sorted.iter().enumerate() {
            allocation[i % k][c] += 1;
        }
        let mut rng = if self.shuffle {
            Some(random_state(self.seed)?)
        } else {
            None
        };
        let mut folds_for: Vec<Vec<usize>> = (0..n_classes)
            .map(|c| {
                let mut v: Vec<usize> = (0..k)
                    .flat_map(|f| std::iter::repeat_n(f, allocation[f][c]))
                    .collect();
                if let Some(rng) = rng.as_mut() {
                    rng.shuffle(&mut v);
                }
                v.reverse(); // popped from the back, in order
                v
            })
            .collect();
        Ok(encoded
            .iter()
            .map(|&c| folds_for[c].pop().expect("allocation covers every sample"))
            .collect())
    }

    /// The folds of labels `y`.
    pub fn split(&self, y: &[usize]) -> Result<Vec<Split>> {
        Ok(from_assignment(&self.test_folds(y)?, self.n_splits))
    }
}

fn check_splits(k: usize, n: usize) -> Result<()> {
    if k < 2 {
        return Err(Error::InvalidSplit(format!(
            "at least 2 folds are needed, got {k}"
        )));
    }
    if k > n {
        return Err(Error::InvalidSplit(format!(
            "cannot have n_splits={k} greater than the number of samples: n_samples={n}"
        )));
    }
    Ok(())
}

fn from_assignment(fold_of: &[usize], k: usize) -> Vec<Split> {
    (0..k)
        .map(|f| {
            let (test, train): (Vec<usize>, Vec<usize>) =
                (0..fold_of.len()).partition(|&i| fold_of[i] == f);
            Split { train, test }
        })
        .collect()
}

/// How large the test part of [`train_test_split`] is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TestSize {
    /// A fraction of the samples in (0, 1): rounded up, as scikit-learn.
    Fraction(f64),
    /// A number of samples.
    Count(usize),
}

/// Shuffles and splits `n` samples into train and test parts (scikit-learn's
/// `train_test_split`). With `stratify`, both parts keep the class proportions, using
/// scikit-learn's allocation (floors, then the largest remainders, ties drawn at random).
/// The draws are NumPy's `RandomState(seed)`'s, in scikit-learn's order, so the indices are
/// `train_test_split(range(n), test_size=..., random_state=seed, stratify=...)`'s exactly.
pub fn train_test_split(
    n: usize,
    test_size: TestSize,
    seed: u64,
    stratify: Option<&[usize]>,
) -> Result<Split> {
    // scikit-learn sizes the parts, then takes the first split of a (stratified) shuffle
    // split of exactly those sizes.
    let (n_train, n_test) = part_sizes(n, Some(test_size), None, TestSize::Fraction(0.25))?;
    let (test_size, train_size) = (
        Some(TestSize::Count(n_test)),
        Some(TestSize::Count(n_train)),
    );
    let mut splits = match stratify {
        None => ShuffleSplit {
            n_splits: 1,
            test_size,
            train_size,
            seed,
        }
        .split(n)?,
        Some(y) if y.len() != n => {
            return Err(Error::InvalidSplit(format!(
                "stratify has {} labels for {n} samples",
                y.len()
            )))
        }
        Some(y) => StratifiedShuffleSplit {
            n_splits: 1,
            test_size,
            train_size,
            seed,
        }
        .split(y)?,
    };
    Ok(splits.remove(0))
}

/// The sizes of the two parts of a shuffle split (scikit-learn's `_validate_shuffle_split`):
/// a fractional test size rounds up, a fractional train size down; the part not given is
/// the rest; with neither, the test part is `default_test`.
fn part_sizes(
    n: usize,
    test: Option<TestSize>,
    train: Option<TestSize>,
    default_test: TestSize,
) -> Result<(usize, usize)> {
    let test = match (test, train) {
        (None, None) => Some(default_test),
        (t, _) => t,
    };
    let valid = |s: TestSize| match s {
        TestSize::Fraction(f) => f > 0.0 && f < 1.0,
        TestSize::Count(c) => c > 0 && c < n,
    };
    for (what, s) in [("test", test), ("train", train)] {
        if let Some(s) = s.filter(|&s| !valid(s)) {
            return Err(Error::InvalidSplit(format!(
                "{what} size {s:?} must be a fraction in (0, 1) or a count in [1, {n})"
            )));
        }
    }
    if let (Some(TestSize::Fraction(a)), Some(TestSize::Fraction(b))) = (test, train) {
        if a + b > 1.0 {
            return Err(Error::InvalidSplit(format!(
                "test size {a} and train size {b} add up to more than 1"
            )));
        }
    }
    let count = |s: TestSize, round: fn(f64) -> f64| match s {
        TestSize::Fraction(f) => round(f * n as f64) as usize,
        TestSize::Count(c) => c,
    };
    let n_test = test.map(|s| count(s, f64::ceil));
    let n_train = train.map(|s| count(s, f64::floor));
    let (n_train, n_test) = match (n_train, n_test) {
        (Some(a), Some(b)) => (a, b),
        (None, Some(b)) => (n - b, b),
        (Some(a), None) => (a, n - a),
        (None, None) => unreachable!("a test size is always set"),
    };
    if n_train + n_test > n {
        return Err(Error::InvalidSplit(format!(
            "train ({n_train}) and test ({n_test}) parts exceed the {n} samples"
        )));
    }
    if n_train == 0 || n_test == 0 {
        return Err(Error::InvalidSplit(format!(
            "{n} samples cannot make a train part of {n_train} and a test part of {n_test}"
        )));
    }
    Ok((n_train, n_test))
}

/// Random train/test splits, drawn anew for each split (scikit-learn's `ShuffleSplit`): each
/// split is a permutation of the rows from one NumPy `RandomState(seed)`, its first
/// `n_test` rows the test part and the next `n_train` the training part — scikit-learn's
/// indices for the same integer seed.
///
/// ```
/// use classify_selection::{ShuffleSplit, TestSize};
///
/// let splits = ShuffleSplit { n_splits: 3, test_size: Some(TestSize::Count(2)), ..ShuffleSplit::new(0) }
///     .split(6)?;
/// // ShuffleSplit(n_splits=3, test_size=2, random_state=0).split(range(6))
/// assert_eq!(splits[0].test, [5, 2]);
/// assert_eq!(splits[0].train, [1, 3, 0, 4]);
/// # Ok::<(), classify_selection::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShuffleSplit {
    /// How many splits.
    pub n_splits: usize,
    /// The test part (default, when neither size is given: a tenth).
    pub test_size: Option<TestSize>,
    /// The training part (default: the rest).
    pub train_size: Option<TestSize>,
    /// scikit-learn's `random_state` (`0..2^32`).
    pub seed: u64,
}

impl ShuffleSplit {
    /// scikit-learn's defaults (10 splits, a tenth for testing) with `seed`.
    pub fn new(seed: u64) -> Self {
        ShuffleSplit {
            n_splits: 10,
            test_size: None,
            train_size: None,
            seed,
        }
    }

    /// The splits of `n` samples.
    pub fn split(&self, n: usize) -> Result<Vec<Split>> {
        let (n_train, n_test) =
            part_sizes(n, self.test_size, self.train_size, TestSize::Fraction(0.1))?;
        let mut rng = random_state(self.seed)?;
        Ok((0..self.n_splits)
            .map(|_| {
                let perm = rng.permutation(n);
                Split {
                    test: perm[..n_test].to_vec(),
                    train: perm[n_test..n_test + n_train].to_vec(),
                }
            })
            .collect())
    }
}

/// Random splits that keep the class proportions (scikit-learn's `StratifiedShuffleSplit`):
/// per split, scikit-learn's allocation of each part among the classes (floors, then the
/// largest remainders, ties drawn at random), each class's rows permuted, then each part
/// permuted — all drawn from one NumPy `RandomState(seed)` in scikit-learn's order, so the
/// indices are scikit-learn's for the same integer seed.
///
/// ```
/// use classify_selection::{StratifiedShuffleSplit, TestSize};
///
/// let y = [0, 0, 0, 0, 1, 1, 1, 1];
/// let splits = StratifiedShuffleSplit {
///     n_splits: 2,
///     test_size: Some(TestSize::Fraction(0.5)),
///     ..StratifiedShuffleSplit::new(0)
/// }
/// .split(&y)?;
/// for s in &splits {
///     assert_eq!(s.test.iter().filter(|&&i| y[i] == 1).count(), 2);
/// }
/// # Ok::<(), classify_selection::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StratifiedShuffleSplit {
    /// How many splits.
    pub n_splits: usize,
    /// The test part (default, when neither size is given: a tenth).
    pub test_size: Option<TestSize>,
    /// The training part (default: the rest).
    pub train_size: Option<TestSize>,
    /// scikit-learn's `random_state` (`0..2^32`).
    pub seed: u64,
}

impl StratifiedShuffleSplit {
    /// scikit-learn's defaults (10 splits, a tenth for testing) with `seed`.
    pub fn new(seed: u64) -> Self {
        StratifiedShuffleSplit {
            n_splits: 10,
            test_size: None,
            train_size: None,
            seed,
        }
    }

    /// The splits of the samples labelled `y`.
    pub fn split(&self, y: &[usize]) -> Result<Vec<Split>> {
        let n = y.len();
        let (n_train, n_test) =
            part_sizes(n, self.test_size, self.train_size, TestSize::Fraction(0.1))?;
        let mut classes = y.to_vec();
        classes.sort_unstable();
        classes.dedup();
        let members: Vec<Vec<usize>> = classes
            .iter()
            .map(|c| (0..n).filter(|&i| y[i] == *c).collect())
            .collect();
        let counts: Vec<usize> = members.iter().map(Vec::len).collect();
        if counts.iter().any(|&c| c < 2) {
            return Err(Error::InvalidSplit(
                "the least populated class has only 1 member; stratification needs at least 2"
                    .into(),
            ));
        }
        if n_train < classes.len() || n_test < classes.len() {
            return Err(Error::InvalidSplit(format!(
                "train ({n_train}) and test ({n_test}) parts must each hold at least the {} classes",
                classes.len()
            )));
        }
        let mut rng = random_state(self.seed)?;
        Ok((0..self.n_splits)
            .map(|_| {
                // Ties in the allocation are broken anew for each split, as scikit-learn.
                let train_counts = approximate_mode(&counts, n_train, &mut rng);
                let remaining: Vec<usize> = counts
                    .iter()
                    .zip(&train_counts)
                    .map(|(c, t)| c - t)
                    .collect();
                let test_counts = approximate_mode(&remaining, n_test, &mut rng);
                let (mut train, mut test) = (Vec::new(), Vec::new());
                for (i, m) in members.iter().enumerate() {
                    let mut perm = m.clone();
                    rng.shuffle(&mut perm);
                    train.extend_from_slice(&perm[..train_counts[i]]);
                    test.extend_from_slice(
                        &perm[train_counts[i]..train_counts[i] + test_counts[i]],
                    );
                }
                rng.shuffle(&mut train);
                rng.shuffle(&mut test);
                Split { train, test }
            })
            .collect())
    }
}

/// NumPy's `RandomState(seed)`, the generator scikit-learn draws from for an integer
/// `random_state`: seeds outside `0..2^32` are an error, as there.
fn random_state(seed: u64) -> Result<RandomState> {
    RandomState::new(seed).map_err(|e| Error::InvalidSplit(e.to_string()))
}

/// scikit-learn's `_approximate_mode`: floor each class's share of `draws`, then add one to
/// the classes with the largest remainders (ties broken at random) until `draws` are placed.
fn approximate_mode(counts: &[usize], draws: usize, rng: &mut RandomState) -> Vec<usize> {
    let total: usize = counts.iter().sum();
    let continuous: Vec<f64> = counts
        .iter()
        .map(|&c| c as f64 / total as f64 * draws as f64)
        .collect();
    let mut floored: Vec<usize> = continuous.iter().map(|c| c.floor() as usize).collect();
    let mut need = draws.saturating_sub(floored.iter().sum());
    if need > 0 {
        let remainder: Vec<f64> = continuous
            .iter()
            .zip(&floored)
            .map(|(c, &f)| c - f as f64)
            .collect();
        let mut values = remainder.clone();
        values.sort_by(|a, b| b.total_cmp(a));
        values.dedup();
        for v in values {
            let inds: Vec<usize> = (0..remainder.len())
                .filter(|&i| remainder[i] == v)
                .collect();
            let add = inds.len().min(need);
            // `rng.choice(inds, size=add, replace=False)`, as scikit-learn.
            for pick in rng
                .choice_without_replacement(inds.len(), add)
                .expect("add <= inds.len()")
            {
                floored[inds[pick]] += 1;
            }
            need -= add;
            if need == 0 {
                break;
            }
        }
    }
    floored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kfold_sizes() {
        let folds = KFold::new(3).split(10).unwrap();
        let sizes: Vec<usize> = folds.iter().map(|s| s.test.len()).collect();
        assert_eq!(sizes, vec![4, 3, 3]);
        assert_eq!(folds[1].test, vec![4, 5, 6]);
        assert_eq!(folds[1].train, vec![0, 1, 2, 3, 7, 8, 9]);
        let shuffled = KFold {
            n_splits: 3,
            shuffle: true,
            seed: 1,
        }
        .split(10)
        .unwrap();
        let mut all: Vec<usize> = shuffled.iter().flat_map(|s| s.test.clone()).collect();
        all.sort_unstable();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
        assert!(KFold::new(11).split(10).is_err());
        assert!(KFold::new(1).split(10).is_err());
    }

    #[test]
    fn stratified_split_keeps_proportions() {
        let y: Vec<usize> = (0..100).map(|i| usize::from(i % 10 == 0)).collect();
        let s = train_test_split(100, TestSize::Fraction(0.2), 3, Some(&y)).unwrap();
        assert_eq!((s.train.len(), s.test.len()), (80, 20));
        assert_eq!(s.test.iter().filter(|&&i| y[i] == 1).count(), 2);
        let plain = train_test_split(100, TestSize::Count(30), 3, None).unwrap();
        assert_eq!(plain.test.len(), 30);
        assert!(train_test_split(5, TestSize::Fraction(1.5), 0, None).is_err());
        assert!(train_test_split(4, TestSize::Fraction(0.5), 0, Some(&[0, 0, 0, 1])).is_err());
    }
}
