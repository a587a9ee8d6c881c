//! Decision trees and random forests (scikit-learn's `DecisionTreeClassifier` and
//! `RandomForestClassifier`): best splits on Gini or entropy, grown depth first, leaves
//! holding class distributions; a forest averages the probabilities of bootstrapped trees.
//!
//! Splits are exact. For `u8` features a node's candidate splits come from a 256-bin class
//! histogram (one pass over the node's samples); small nodes and `f32` features sort the
//! values instead. Both paths evaluate the same thresholds in the same order with the same
//! integer counts, so they choose the same split.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use classify_core::param;

mod forest;

pub use forest::{RandomForest, RandomForestClassifier};

use crate::huge::HugeBytes;
use classify_core::{check_features, with_valid, Features};
use classify_core::{check_targets, encode, top_classes, Classifier, Estimator, PredictProba};
use classify_core::{Error, Result};

/// The impurity a split minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// Gini impurity `1 − Σ p²` (scikit-learn's default).
    #[default]
    Gini,
    /// Shannon entropy `−Σ p log₂ p`.
    Entropy,
}

/// How many features each split looks at (drawn at random, per split).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxFeatures {
    /// Every feature (a tree's default).
    #[default]
    All,
    /// `⌊√n_features⌋` (a forest's default).
    Sqrt,
    /// `⌊log₂ n_features⌋`.
    Log2,
    /// This many (at most `n_features`).
    Count(usize),
    /// This fraction of the features, rounded down, at least one.
    Fraction(f64),
}

impl MaxFeatures {
    /// The number of features for `n_features` columns.
    pub fn resolve(self, n_features: usize) -> Result<usize> {
        let m = match self {
            MaxFeatures::All => n_features,
            MaxFeatures::Sqrt => (n_features as f64).sqrt() as usize,
            MaxFeatures::Log2 => (n_features as f64).log2() as usize,
            MaxFeatures::Count(m) => m.min(n_features),
            MaxFeatures::Fraction(f) if f > 0.0 && f <= 1.0 => (f * n_features as f64) as usize,
            MaxFeatures::Fraction(f) => {
                return Err(Error::InvalidParameter(format!(
                    "max_features fraction {f} must be in (0, 1]"
                )))
            }
        };
        if m == 0 && !matches!(self, MaxFeatures::Count(0)) {
            return Ok(1);
        }
        if m == 0 {
            return Err(Error::InvalidParameter(
                "max_features must be at least 1".into(),
            ));
        }
        Ok(m)
    }
}

/// Parameters of a decision tree; `Default` is scikit-learn's `DecisionTreeClassifier()`
/// (Gini, fully grown, every feature at every split) with `random_state = 42`.
///
/// ```
/// use classify_models::{Classifier, DecisionTreeClassifier, Estimator};
/// use linfa::prelude::{Dataset, Fit, Predict};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [5.0, 5.2], [5.3, 4.9], [4.8, 5.1]];
/// // Native: `Features` in, `usize` labels out.
/// let y = [0, 0, 0, 1, 1, 1];
/// let model = Estimator::fit(&DecisionTreeClassifier::default(), (&x).into(), &y)?;
/// assert_eq!(model.predict((&x).into())?, y.to_vec());
/// assert_eq!((model.depth(), model.n_leaves()), (1, 2));
/// // linfa: a `Dataset` with labels of any type.
/// let data = Dataset::new(x.clone(), array!["cat", "cat", "cat", "dog", "dog", "dog"]);
/// let model = Fit::fit(&DecisionTreeClassifier::default(), &data)?;
/// assert_eq!(model.predict(&x).to_vec(), vec!["cat", "cat", "cat", "dog", "dog", "dog"]);
/// # Ok::<(), classify_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DecisionTreeClassifier {
    /// Split quality.
    pub criterion: Criterion,
    /// Deepest level (the root is depth 0); `None` grows until leaves are pure.
    pub max_depth: Option<usize>,
    /// A node with fewer samples is a leaf (at least 2).
    pub min_samples_split: usize,
    /// Each child of a split keeps at least this many samples (at least 1).
    pub min_samples_leaf: usize,
    /// Features examined per split.
    pub max_features: MaxFeatures,
    /// scikit-learn's `random_state` (below 2³²): the feature draws are scikit-learn's for
    /// the same seed.
    pub random_state: u64,
}

impl Default for DecisionTreeClassifier {
    fn default() -> Self {
        DecisionTreeClassifier {
            criterion: Criterion::Gini,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features: MaxFeatures::All,
            random_state: 42,
        }
    }
}

/// Marks a leaf in [`Node::feature`].
const LEAF: u32 = u32::MAX;

/// One node: a split (`feature`, `threshold`, children) or a leaf (`left` is the offset of its
/// class distribution).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct Node {
    feature: u32,
    left: u32,
    right: u32,
    /// Samples with `x[feature] <= threshold` go left.
    threshold: f64,
}

/// A fitted decision tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "DecisionTreeFile")]
pub struct DecisionTree {
    classes: Vec<usize>,
    n_features: usize,
    tree: Tree,
}

/// What a (possibly edited) model file holds, checked before it becomes a [`DecisionTree`].
#[derive(Deserialize)]
struct DecisionTreeFile {
    classes: Vec<usize>,
    n_features: usize,
    tree: Tree,
}

impl TryFrom<DecisionTreeFile> for DecisionTree {
    type Error = Error;

    fn try_from(f: DecisionTreeFile) -> Result<DecisionTree> {
        f.tree.check(f.n_features, f.classes.len())?;
        Ok(DecisionTree {
            classes: f.classes,
            n_features: f.n_features,
            tree: f.tree,
        })
    }
}

/// The fitted structure shared by trees and forests (classes live in the owner).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Tree {
    nodes: Vec<Node>,
    /// Class fractions of each leaf, `n_classes` per leaf (`f64`, as scikit-learn's
    /// `tree_.value`: the forest's mean is then scikit-learn's to the last bit).
    values: Vec<f64>,
    /// Weighted impurity decrease per feature (unnormalised).
    importances: Vec<f64>,
    depth: usize,
}

impl Tree {
    /// Where in `values` the leaves of `G` rows start: their descents interleaved, one level
    /// of every row at a time, so the CPU overlaps their loads and comparisons (a single
    /// descent is a chain of dependent loads and unpredictable branches). `value` reads a
    /// feature as the tree was grown.
    #[inline]
    fn leaf_starts<T: Copy, const G: usize>(
        &self,
        rows: [&[T]; G],
        value: impl Fn(T) -> f64,
    ) -> [usize; G] {
        let mut at = [0usize; G];
        loop {
            let mut moved = false;
            for (i, row) in at.iter_mut().zip(rows) {
                let node = &self.nodes[*i];
                if node.feature != LEAF {
                    let v = value(row[node.feature as usize]);
                    *i = if v <= node.threshold {
                        node.left
                    } else {
                        node.right
                    } as usize;
                    moved = true;
                }
            }
            if !moved {
                return at.map(|i| self.nodes[i].left as usize);
            }
        }
    }

    /// Checks a deserialised tree: every child after its parent and inside the tree (so a
    /// descent ends), every split feature below `n_features`, every leaf's `n_classes`
    /// values inside `values`.
    pub(crate) fn check(&self, n_features: usize, n_classes: usize) -> Result<()> {
        let bad = |why: String| {
            Err(Error::InvalidParameter(format!(
                "tree in a model file: {why}"
            )))
        };
        if self.nodes.is_empty() || n_classes == 0 || n_features == 0 {
            return bad(format!(
                "{} nodes, {n_classes} classes, {n_features} features",
                self.nodes.len()
            ));
        }
        if self.importances.len() != n_features {
            return bad(format!(
                "{} importances for {n_features} features",
                self.importances.len()
            ));
        }
        for (i, n) in self.nodes.iter().enumerate() {
            if n.feature == LEAF {
                if n.left as usize + n_classes > self.values.len() {
                    return bad(format!("leaf {i} points past the leaf values"));
                }
            } else if n.feature as usize >= n_features {
                return bad(format!(
                    "node {i} splits on feature {} of {n_features}",
                    n.feature
                ));
            } else {
                let inside = |c: u32| (c as usize) > i && (c as usize) < self.nodes.len();
                if !inside(n.left) || !inside(n.right) {
                    return bad(format!("node {i} has children {} and {}", n.left, n.right));
                }
            }
        }
        Ok(())
    }

    pub(crate) fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.feature == LEAF).count()
    }

    /// Each node's split, in node order; `None` for a leaf.
    pub(crate) fn splits(&self) -> Vec<Option<(usize, f64)>> {
        self.nodes
            .iter()
            .map(|n| (n.feature != LEAF).then_some((n.feature as usize, n.threshold)))
            .collect()
    }

    /// Importances normalised to sum 1 (all zero for a single leaf).
    pub(crate) fn normalised_importances(&self) -> Vec<f64> {
        let total: f64 = self.importances.iter().sum();
        self.importances
            .iter()
            .map(|&v| if total > 0.0 { v / total } else { 0.0 })
            .collect()
    }
}

/// Training features by column, shared by the trees of a forest, with the row-major features
/// they were cut from (where node-local copies come from).
pub(crate) struct Columns<'a> {
    values: Values<'a>,
    /// Samples (the length of every column).
    n: usize,
    /// The features by row and, per sample, its row there; `None` for a node-local copy.
    source: Option<(Features<'a>, Vec<usize>)>,
}

/// Column-major values: feature `f` of sample `s` at `f * n + s`.
enum Values<'a> {
    U8(Store<'a>),
    F32(&'a [f32]),
    F32Owned(Vec<f32>),
}

/// `u8` columns: the shared ones in huge pages, or a subtree's copy.
enum Store<'a> {
    Owned(HugeBytes),
    Borrowed(&'a [u8]),
}

impl Store<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Store::Owned(b) => b,
            Store::Borrowed(b) => b,
        }
    }
}

/// Copies rows `rows` of `a` into `out`, transposed (column `j` at `j * rows.len()`).
fn transpose_into<T: Copy + Default, U: Copy>(
    a: ndarray::ArrayView2<'_, T>,
    rows: &[usize],
    out: &mut [U],
    f: impl Fn(T) -> U,
) {
    const BLOCK: usize = 16;
    let (n, d) = (rows.len(), a.ncols());
    if n == 0 || d == 0 {
        return;
    }
    // Blocks of 16 rows: each row is first copied whole (one sequential read the prefetcher
    // follows), then each column gets 16 values at a time from that small, cached copy.
    let mut staged = vec![T::default(); BLOCK * d];
    for start in (0..n).step_by(BLOCK) {
        let end = (start + BLOCK).min(n);
        for (dst, &r) in staged.chunks_exact_mut(d).zip(&rows[start..end]) {
            match a.row(r).to_slice() {
                Some(src) => dst.copy_from_slice(src),
                None => dst.iter_mut().zip(a.row(r)).for_each(|(o, &v)| *o = v),
            }
        }
        for (j, column) in out.chunks_exact_mut(n).enumerate() {
            for (i, o) in column[start..end].iter_mut().enumerate() {
                *o = f(staged[i * d + j]);
            }
        }
    }
}

/// [`transpose_into`] for bytes: full blocks of 16 rows × 16 columns are transposed in
/// SSE2 registers ([`transpose_16x16`]) instead of byte by byte. The local subtrees of the
/// forest transpose every node of 17–1,024 samples: this took the 3-fold forest on
/// Fashion-MNIST from 5.48 s to 5.07 s (criterion medians, Zen 4).
fn transpose_u8_into(a: ndarray::ArrayView2<'_, u8>, rows: &[usize], out: &mut [u8]) {
    const BLOCK: usize = 16;
    let (n, d) = (rows.len(), a.ncols());
    if n == 0 || d == 0 {
        return;
    }
    let mut staged = vec![0u8; BLOCK * d];
    for start in (0..n).step_by(BLOCK) {
        let end = (start + BLOCK).min(n);
        for (dst, &r) in staged.chunks_exact_mut(d).zip(&rows[start..end]) {
            match a.row(r).to_slice() {
                Some(src) => dst.copy_from_slice(src),
                None => dst.iter_mut().zip(a.row(r)).for_each(|(o, &v)| *o = v),
            }
        }
        let full = if end - start == BLOCK {
            d - d % BLOCK
        } else {
            0
        };
        for j0 in (0..full).step_by(BLOCK) {
            for (c, column) in transpose_16x16(&staged, d, j0).iter().enumerate() {
                out[(j0 + c) * n + start..(j0 + c) * n + end].copy_from_slice(column);
            }
        }
        for j in full..d {
            for i in 0..end - start {
                out[j * n + start + i] = staged[i * d + j];
            }
        }
    }
}

/// Columns `j0..j0 + 16` of the 16 rows of `staged` (`d` bytes each), as 16 columns of 16.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn transpose_16x16(staged: &[u8], d: usize, j0: usize) -> [[u8; 16]; 16] {
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
fn transpose_16x16(staged: &[u8], d: usize, j0: usize) -> [[u8; 16]; 16] {
    std::array::from_fn(|c| std::array::from_fn(|i| staged[i * d + j0 + c]))
}

impl<'a> Columns<'a> {
    /// The rows `rows` of `x` (all rows when `None`), transposed.
    pub(crate) fn new(x: Features<'a>, rows: Option<&[usize]>) -> Columns<'a> {
        let rows: Vec<usize> = match rows {
            Some(r) => r.to_vec(),
            None => (0..x.n_samples()).collect(),
        };
        let n = rows.len();
        let values = match x {
            Features::U8(a) => {
                let mut data = HugeBytes::zeroed(n * a.ncols());
                transpose_u8_into(a, &rows, &mut data);
                Values::U8(Store::Owned(data))
            }
            Features::F32(a) => {
                let mut data = vec![0.0; n * a.ncols()];
                transpose_into(a, &rows, &mut data, |v| v);
                Values::F32Owned(data)
            }
            // scikit-learn's trees read their input as `f32` (its `DTYPE`); so do ours.
            Features::F64(a) => {
                let mut data = vec![0.0; n * a.ncols()];
                transpose_into(a, &rows, &mut data, |v| v as f32);
                Values::F32Owned(data)
            }
        };
        Columns {
            values,
            n,
            source: Some((x, rows)),
        }
    }

    pub(crate) fn n_samples(&self) -> usize {
        self.n
    }

    fn n_features(&self) -> usize {
        let len = match &self.values {
            Values::U8(b) => b.bytes().len(),
            Values::F32(v) => v.len(),
            Values::F32Owned(v) => v.len(),
        };
        len / self.n.max(1)
    }

    /// Feature `f` of every sample, when the features are bytes.
    fn u8_column(&self, f: usize) -> Option<&[u8]> {
        match &self.values {
            Values::U8(b) => Some(&b.bytes()[f * self.n..(f + 1) * self.n]),
            _ => None,
        }
    }

    fn value(&self, feature: usize, sample: usize) -> f64 {
        let at = feature * self.n + sample;
        match &self.values {
            Values::U8(b) => f64::from(b.bytes()[at]),
            Values::F32(v) => f64::from(v[at]),
            Values::F32Owned(v) => f64::from(v[at]),
        }
    }
}

/// Everything a tree needs to grow, resolved and checked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Grow {
    pub(crate) criterion: Criterion,
    pub(crate) max_depth: usize,
    pub(crate) min_samples_split: usize,
    pub(crate) min_samples_leaf: usize,
    pub(crate) max_features: usize,
}

impl Grow {
    pub(crate) fn new(p: &DecisionTreeClassifier, n_features: usize) -> Result<Grow> {
        p.validate()?;
        Ok(Grow {
            criterion: p.criterion,
            max_depth: p.max_depth.unwrap_or(usize::MAX),
            min_samples_split: p.min_samples_split,
            min_samples_leaf: p.min_samples_leaf,
            max_features: p.max_features.resolve(n_features)?,
        })
    }
}

/// Nodes with at least this many samples find `u8` splits by histogram; smaller ones sort.
const HISTOGRAM_MIN: usize = 192;
/// Values closer than this are not split apart (scikit-learn's `FEATURE_THRESHOLD`).
const FEATURE_THRESHOLD: f64 = 1e-7;

/// The best split found so far at a node.
#[derive(Debug, Clone, Copy)]
struct Split {
    feature: usize,
    threshold: f64,
    proxy: f64,
}

/// A node waiting to be grown.
#[derive(Debug, Clone, Copy)]
struct Pending {
    /// Its samples, `start..end`.
    start: usize,
    end: usize,
    depth: usize,
    /// The parent and whether this is its left child.
    parent: Option<(usize, bool)>,
    /// How many features are known to be constant here (scikit-learn's
    /// `n_constant_features`, found by the ancestors).
    n_constant: usize,
}

/// Grows one tree on `cols` where sample `s` has class `y[s]` and integer weight `w[s]`
/// (bootstrap counts; samples of weight 0 are left out), drawing features with
/// scikit-learn's `our_rand_r` from `seed` (its splitter's `rand_r_state`).
pub(crate) fn grow(
    cols: &Columns<'_>,
    y: &[u32],
    w: &[u32],
    n_classes: usize,
    cfg: Grow,
    seed: u32,
) -> Tree {
    let d = cols.n_features();
    let mut samples: Vec<u32> = (0..cols.n_samples() as u32)
        .filter(|&s| w[s as usize] > 0)
        .collect();
    let mut state = State {
        rand_r: seed,
        features: (0..d).collect(),
        constant_features: vec![0; d],
        hist: vec![0; 4 * 256 * n_classes],
        node_bins: Vec::new(),
        values: Vec::new(),
        sorted: Vec::new(),
        keys: Vec::new(),
        left: vec![0; n_classes],
        counts: vec![0; n_classes],
        right: Vec::new(),
        local: Local::default(),
        tree: Tree {
            nodes: Vec::new(),
            values: Vec::new(),
            importances: vec![0.0; d],
            depth: 0,
        },
    };
    let n = samples.len();
    Grower {
        cols,
        y,
        w,
        nc: n_classes,
        cfg,
        s: &mut state,
    }
    .subtree(
        &mut samples,
        Pending {
            start: 0,
            end: n,
            depth: 0,
            parent: None,
            n_constant: 0,
        },
    );
    state.tree
}

/// Nodes with at most this many samples (and more than [`LOCAL_MIN`]) grow their subtree on
/// a copy of their samples' rows, transposed: every split below then reads features from a
/// block of at most 784 KiB (for 784 features) instead of one scattered byte per cache line
/// of the whole training set's columns.
const LOCAL_MAX: usize = 1024;
/// Smaller subtrees read the shared columns.
const LOCAL_MIN: usize = 16;

/// A subtree's own copy of its samples: columns, classes and weights, by position.
#[derive(Default)]
struct Local {
    u8s: Vec<u8>,
    f32s: Vec<f32>,
    y: Vec<u32>,
    w: Vec<u32>,
    rows: Vec<usize>,
}

impl Grower<'_, '_> {
    /// Whether a node is a leaf whatever its features (pure, too deep or too small).
    fn is_leaf(&self, counts: &[u64], n_node: usize, depth: usize) -> bool {
        counts.iter().filter(|&&c| c > 0).count() <= 1
            || depth >= self.cfg.max_depth
            || n_node < self.cfg.min_samples_split
            || n_node < 2 * self.cfg.min_samples_leaf
    }

    /// Grows the subtree rooted at `root` (depth first, left first: the nodes are numbered
    /// as a recursive grower would number them).
    fn subtree(&mut self, samples: &mut [u32], root: Pending) {
        // (start, end, depth, parent and side)
        let mut stack: Vec<Pending> = vec![root];
        let mut counts = std::mem::take(&mut self.s.counts);
        while let Some(node) = stack.pop() {
            let Pending {
                start,
                end,
                depth,
                parent,
                n_constant,
            } = node;
            let node_samples = &samples[start..end];
            let n_node = end - start;
            self.class_counts(node_samples, &mut counts);
            let leaf = self.is_leaf(&counts, n_node, depth);
            if !leaf && (LOCAL_MIN..=LOCAL_MAX).contains(&n_node) && self.cols.source.is_some() {
                self.s.counts = counts;
                let local = Pending {
                    start: 0,
                    end: n_node,
                    ..node
                };
                self.local_subtree(&mut samples[start..end], local);
                counts = std::mem::take(&mut self.s.counts);
                continue;
            }
            let id = self.s.tree.nodes.len();
            if let Some((p, is_left)) = parent {
                let node = &mut self.s.tree.nodes[p];
                if is_left {
                    node.left = id as u32;
                } else {
                    node.right = id as u32;
                }
            }
            self.s.tree.depth = self.s.tree.depth.max(depth);
            let split = if leaf {
                None
            } else {
                self.best_split(node_samples, &counts, n_constant)
            };
            match split {
                None => self.s.tree.push_leaf(&counts),
                Some((split, n_constant)) => {
                    let mid = self.split_node(&mut samples[start..end], &counts, split);
                    // Right pushed first so the left subtree is grown (and numbered) first.
                    let child = |start, end, left| Pending {
                        start,
                        end,
                        depth: depth + 1,
                        parent: Some((id, left)),
                        n_constant,
                    };
                    stack.push(child(start + mid, end, false));
                    stack.push(child(start, start + mid, true));
                }
            }
        }
        self.s.counts = counts;
    }

    /// Grows the subtree of `samples` on a transposed copy of their rows; the samples are
    /// renumbered by position (they are in increasing order, so the order is kept and the
    /// same splits are found).
    fn local_subtree(&mut self, samples: &mut [u32], root: Pending) {
        let Some((source, rows)) = &self.cols.source else {
            return;
        };
        let mut local = std::mem::take(&mut self.s.local);
        let m = samples.len();
        local.rows.clear();
        local.rows.extend(samples.iter().map(|&s| rows[s as usize]));
        local.y.clear();
        local.y.extend(samples.iter().map(|&s| self.y[s as usize]));
        local.w.clear();
        local.w.extend(samples.iter().map(|&s| self.w[s as usize]));
        let values = match source {
            Features::U8(a) => {
                local.u8s.resize(m * a.ncols(), 0);
                transpose_u8_into(*a, &local.rows, &mut local.u8s);
                Values::U8(Store::Borrowed(&local.u8s))
            }
            Features::F32(a) => {
                local.f32s.resize(m * a.ncols(), 0.0);
                transpose_into(*a, &local.rows, &mut local.f32s, |v| v);
                Values::F32(&local.f32s)
            }
            Features::F64(a) => {
                local.f32s.resize(m * a.ncols(), 0.0);
                transpose_into(*a, &local.rows, &mut local.f32s, |v| v as f32);
                Values::F32(&local.f32s)
            }
        };
        let cols = Columns {
            values,
            n: m,
            source: None,
        };
        for (i, s) in samples.iter_mut().enumerate() {
            *s = i as u32;
        }
        Grower {
            cols: &cols,
            y: &local.y,
            w: &local.w,
            nc: self.nc,
            cfg: self.cfg,
            s: &mut *self.s,
        }
        .subtree(samples, root);
        drop(cols);
        self.s.local = local;
    }

    /// Applies `split` to the node's samples (left ones first) and records the impurity
    /// decrease; returns how many go left.
    fn split_node(&mut self, samples: &mut [u32], counts: &[u64], split: Split) -> usize {
        let cols = self.cols;
        let mid = partition(samples, &mut self.s.right, |s| {
            cols.value(split.feature, s as usize) <= split.threshold
        });
        let criterion = self.cfg.criterion;
        let total: u64 = counts.iter().sum();
        let before = total as f64 * impurity(criterion, counts, total);
        let (mut lc, mut rc) = (vec![0u64; self.nc], vec![0u64; self.nc]);
        self.class_counts(&samples[..mid], &mut lc);
        self.class_counts(&samples[mid..], &mut rc);
        let (lt, rt) = (lc.iter().sum::<u64>(), rc.iter().sum::<u64>());
        self.s.tree.importances[split.feature] += before
            - lt as f64 * impurity(criterion, &lc, lt)
            - rt as f64 * impurity(criterion, &rc, rt);
        self.s.tree.nodes.push(Node {
            feature: split.feature as u32,
            left: 0,
            right: 0,
            threshold: split.threshold,
        });
        mid
    }
}

impl Tree {
    /// Appends a leaf holding the class fractions of `counts`.
    fn push_leaf(&mut self, counts: &[u64]) {
        let total: u64 = counts.iter().sum();
        let at = self.values.len() as u32;
        self.values
            .extend(counts.iter().map(|&c| c as f64 / total as f64));
        self.nodes.push(Node {
            feature: LEAF,
            left: at,
            right: at,
            threshold: 0.0,
        });
    }
}

/// Moves the samples satisfying `goes_left` to the front, keeping both sides in their order
/// (increasing sample index: column reads then walk forward through memory, which the
/// prefetcher follows); returns how many go left.
fn partition(samples: &mut [u32], right: &mut Vec<u32>, goes_left: impl Fn(u32) -> bool) -> usize {
    right.clear();
    let mut mid = 0;
    for i in 0..samples.len() {
        let s = samples[i];
        if goes_left(s) {
            samples[mid] = s;
            mid += 1;
        } else {
            right.push(s);
        }
    }
    samples[mid..].copy_from_slice(right);
    mid
}

/// Node impurity from class weights.
fn impurity(criterion: Criterion, counts: &[u64], total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    let t = total as f64;
    match criterion {
        Criterion::Gini => 1.0 - counts.iter().map(|&c| (c as f64 / t).powi(2)).sum::<f64>(),
        Criterion::Entropy => -counts
            .iter()
            .filter(|&&c| c > 0)
            .map(|&c| (c as f64 / t) * (c as f64 / t).log2())
            .sum::<f64>(),
    }
}

/// What a tree carries from node to node: the feature draw, scratch buffers, the tree so far.
struct State {
    /// scikit-learn's splitter generator (`rand_r_state`).
    rand_r: u32,
    /// Feature order for the draws without replacement (scikit-learn's `features`, carried
    /// from node to node).
    features: Vec<usize>,
    /// The order of the features known to be constant (scikit-learn's `constant_features`).
    constant_features: Vec<usize>,
    /// Per `u8` value and class, `(samples << 32) | weight`; two copies.
    hist: Vec<u64>,
    /// The node's samples' classes and histogram increments.
    node_bins: Vec<(u32, u64)>,
    /// One feature's values at the node's samples.
    values: Vec<u8>,
    /// (value, sample) pairs of the sorting path.
    sorted: Vec<(f64, u32)>,
    /// `value << 32 | sample` of a small node's bytes, sorted.
    keys: Vec<u64>,
    /// Running left-side class weights.
    left: Vec<u64>,
    /// A node's class weights.
    counts: Vec<u64>,
    /// The right side of a partition.
    right: Vec<u32>,
    /// Buffers of the node-local copies.
    local: Local,
    tree: Tree,
}

/// Grows nodes on one set of columns (the shared ones, or a subtree's copy).
struct Grower<'a, 'c> {
    cols: &'a Columns<'c>,
    y: &'a [u32],
    w: &'a [u32],
    nc: usize,
    cfg: Grow,
    s: &'a mut State,
}

impl Grower<'_, '_> {
    fn class_counts(&self, samples: &[u32], counts: &mut [u64]) {
        counts.fill(0);
        for &s in samples {
            counts[self.y[s as usize] as usize] += u64::from(self.w[s as usize]);
        }
    }

    /// scikit-learn's `node_split_best`: features drawn without replacement by
    /// `rand_int` until `max_features` were visited and one of them varies, skipping the
    /// `n_known` features the ancestors found constant (each draw among them costs a visit)
    /// and setting aside those found constant here; the first best split wins ties. Returns
    /// the split and how many features are known constant for the children.
    fn best_split(
        &mut self,
        samples: &[u32],
        totals: &[u64],
        n_known: usize,
    ) -> Option<(Split, usize)> {
        let d = self.s.features.len();
        let mut best: Option<Split> = None;
        // Each sample's (class, packed increment), read by every feature's histogram.
        if matches!(self.cols.values, Values::U8(_)) && samples.len() >= HISTOGRAM_MIN {
            self.s.node_bins.clear();
            self.s.node_bins.extend(samples.iter().map(|&s| {
                let s = s as usize;
                (self.y[s], (1u64 << 32) | u64::from(self.w[s]))
            }));
        }
        let (mut f_i, mut n_visited, mut n_found, mut n_drawn) = (d, 0, 0, 0);
        let mut n_total = n_known;
        // features[..n_drawn]: drawn known constants; [n_drawn..n_known]: known constants not
        // drawn yet; [n_known..n_total]: constants found here; [n_total..f_i]: not drawn yet;
        // [f_i..]: drawn and varying.
        while f_i > n_total && (n_visited < self.cfg.max_features || n_visited <= n_found + n_drawn)
        {
            n_visited += 1;
            let mut f_j = crate::rand_r::rand_int(n_drawn, f_i - n_found, &mut self.s.rand_r);
            if f_j < n_known {
                self.s.features.swap(n_drawn, f_j);
                n_drawn += 1;
                continue;
            }
            f_j += n_found;
            let f = self.s.features[f_j];
            let (varying, split) = self.feature_split(f, samples, totals);
            if !varying {
                self.s.features.swap(f_j, n_total);
                n_found += 1;
                n_total += 1;
                continue;
            }
            f_i -= 1;
            self.s.features.swap(f_i, f_j);
            if let Some(s) = split {
                if best.is_none_or(|b| s.proxy > b.proxy) {
                    best = Some(s);
                }
            }
        }
        // The known constants go back to their order for the siblings and children; the new
        // ones are recorded after them.
        let State {
            features,
            constant_features,
            ..
        } = &mut *self.s;
        features[..n_known].copy_from_slice(&constant_features[..n_known]);
        constant_features[n_known..n_total].copy_from_slice(&features[n_known..n_total]);
        best.map(|b| (b, n_total))
    }

    /// Whether feature `f` varies in the node, and its best split.
    fn feature_split(
        &mut self,
        f: usize,
        samples: &[u32],
        totals: &[u64],
    ) -> (bool, Option<Split>) {
        let cols = self.cols;
        match cols.u8_column(f) {
            Some(col) if samples.len() >= HISTOGRAM_MIN => {
                self.histogram_split(f, col, samples, totals)
            }
            Some(col) => self.sorted_byte_split(f, col, samples, totals),
            None => self.sorted_split(f, samples, totals),
        }
    }

    fn histogram_split(
        &mut self,
        f: usize,
        col: &[u8],
        samples: &[u32],
        totals: &[u64],
    ) -> (bool, Option<Split>) {
        let nc = self.nc;
        let size = 256 * nc;
        let mut hist = std::mem::take(&mut self.s.hist);
        hist.fill(0);
        // The node's values first (independent loads, many in flight), then the counts.
        let mut values = std::mem::take(&mut self.s.values);
        values.clear();
        values.extend(samples.iter().map(|&s| col[s as usize]));
        // Four interleaved histograms: runs of equal values (blank pixels) would otherwise
        // chain every increment on the previous one through memory (two took the 3-fold
        // forest on Fashion-MNIST 5.79 s, four 5.48 s).
        let (h01, h23) = hist.split_at_mut(2 * size);
        let (h0, h1) = h01.split_at_mut(size);
        let (h2, h3) = h23.split_at_mut(size);
        let bins = &self.s.node_bins[..values.len()];
        let mut quads = values.chunks_exact(4).zip(bins.chunks_exact(4));
        for (v, b) in &mut quads {
            h0[v[0] as usize * nc + b[0].0 as usize] += b[0].1;
            h1[v[1] as usize * nc + b[1].0 as usize] += b[1].1;
            h2[v[2] as usize * nc + b[2].0 as usize] += b[2].1;
            h3[v[3] as usize * nc + b[3].0 as usize] += b[3].1;
        }
        let rest = values.len() / 4 * 4;
        for (v, b) in values[rest..].iter().zip(&bins[rest..]) {
            h0[*v as usize * nc + b.0 as usize] += b.1;
        }
        for (((a, b), c), e) in h0.iter_mut().zip(h1.iter()).zip(h2.iter()).zip(h3.iter()) {
            *a += b + c + e;
        }
        self.s.values = values;
        let h0 = &hist[..size];
        // Bin = (samples << 32) | weight.
        let count = |v: usize| -> usize {
            h0[v * nc..(v + 1) * nc]
                .iter()
                .map(|&b| (b >> 32) as usize)
                .sum()
        };
        let mut present = (0..256).filter(|&v| count(v) > 0);
        let first = present.next().expect("a node has samples");
        if present.next().is_none() {
            self.s.hist = hist;
            return (false, None);
        }
        self.s.left.fill(0);
        let wt: u64 = totals.iter().sum();
        let n = samples.len();
        let mut n_left = 0usize;
        let mut prev: Option<usize> = None;
        let mut best: Option<Split> = None;
        for v in first..256 {
            let count = count(v);
            if count == 0 {
                continue;
            }
            if let Some(p) = prev {
                if let Some(proxy) = self.proxy(n_left, n, totals, wt) {
                    if best.is_none_or(|b| proxy > b.proxy) {
                        best = Some(Split {
                            feature: f,
                            threshold: (p as f64 + v as f64) / 2.0,
                            proxy,
                        });
                    }
                }
            }
            for c in 0..nc {
                self.s.left[c] += h0[v * nc + c] & 0xffff_ffff;
            }
            n_left += count;
            prev = Some(v);
        }
        self.s.hist = hist;
        (true, best)
    }

    /// [`sorted_split`](Self::sorted_split) of a byte column: the same candidates and splits
    /// (the order of equal values does not change the counts at a change of value), sorted
    /// as `value << 32 | sample` integers, which took the 3-fold forest on Fashion-MNIST from
    /// 5.07 s to 4.74 s (comparing `(f64, u32)` pairs by `total_cmp` cost 12 % of it).
    fn sorted_byte_split(
        &mut self,
        f: usize,
        col: &[u8],
        samples: &[u32],
        totals: &[u64],
    ) -> (bool, Option<Split>) {
        let mut keys = std::mem::take(&mut self.s.keys);
        keys.clear();
        keys.extend(
            samples
                .iter()
                .map(|&s| (u64::from(col[s as usize]) << 32) | u64::from(s)),
        );
        keys.sort_unstable();
        let value = |k: u64| (k >> 32) as f64;
        let n = keys.len();
        if value(keys[n - 1]) == value(keys[0]) {
            self.s.keys = keys;
            return (false, None);
        }
        self.s.left.fill(0);
        let wt: u64 = totals.iter().sum();
        let mut best: Option<Split> = None;
        for p in 1..n {
            let s = (keys[p - 1] & 0xffff_ffff) as usize;
            self.s.left[self.y[s] as usize] += u64::from(self.w[s]);
            let (prev, v) = (value(keys[p - 1]), value(keys[p]));
            if v == prev {
                continue;
            }
            if let Some(proxy) = self.proxy(p, n, totals, wt) {
                if best.is_none_or(|b| proxy > b.proxy) {
                    best = Some(Split {
                        feature: f,
                        threshold: prev / 2.0 + v / 2.0,
                        proxy,
                    });
                }
            }
        }
        self.s.keys = keys;
        (true, best)
    }

    fn sorted_split(&mut self, f: usize, samples: &[u32], totals: &[u64]) -> (bool, Option<Split>) {
        let mut sorted = std::mem::take(&mut self.s.sorted);
        sorted.clear();
        sorted.extend(samples.iter().map(|&s| (self.cols.value(f, s as usize), s)));
        sorted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let n = sorted.len();
        if sorted[n - 1].0 <= sorted[0].0 + FEATURE_THRESHOLD {
            self.s.sorted = sorted;
            return (false, None);
        }
        self.s.left.fill(0);
        let wt: u64 = totals.iter().sum();
        let mut best: Option<Split> = None;
        for p in 1..n {
            let (prev, s) = sorted[p - 1];
            self.s.left[self.y[s as usize] as usize] += u64::from(self.w[s as usize]);
            let v = sorted[p].0;
            if v <= prev + FEATURE_THRESHOLD {
                continue;
            }
            if let Some(proxy) = self.proxy(p, n, totals, wt) {
                if best.is_none_or(|b| proxy > b.proxy) {
                    let mut threshold = prev / 2.0 + v / 2.0;
                    if threshold == v || threshold.is_infinite() {
                        threshold = prev;
                    }
                    best = Some(Split {
                        feature: f,
                        threshold,
                        proxy,
                    });
                }
            }
        }
        self.s.sorted = sorted;
        (true, best)
    }

    /// The quantity a split maximises (scikit-learn's `proxy_impurity_improvement`), for
    /// `n_left` samples with class weights `self.s.left` on the left; `None` if a side is too
    /// small.
    /// `wt` is `Σ totals`, the node's weight.
    #[inline(always)]
    fn proxy(&self, n_left: usize, n: usize, totals: &[u64], wt: u64) -> Option<f64> {
        let msl = self.cfg.min_samples_leaf;
        if n_left < msl || n - n_left < msl {
            return None;
        }
        let wl: u64 = self.s.left.iter().sum();
        let wr = wt - wl;
        if wl == 0 || wr == 0 {
            return None;
        }
        let (wl, wr) = (wl as f64, wr as f64);
        Some(match self.cfg.criterion {
            // scikit-learn's `proxy_impurity_improvement` of `Gini`, operation for operation
            // (the same roundings break the same near-ties).
            Criterion::Gini => {
                let (mut sl, mut sr) = (0.0, 0.0);
                for (&l, &t) in self.s.left.iter().zip(totals) {
                    let r = (t - l) as f64;
                    let l = l as f64;
                    sl += l * l;
                    sr += r * r;
                }
                let gini_left = 1.0 - sl / (wl * wl);
                let gini_right = 1.0 - sr / (wr * wr);
                -wr * gini_right - wl * gini_left
            }
            // `Entropy`'s, likewise: base-2 logarithms as `ln(x) / ln(2)`.
            Criterion::Entropy => {
                let log = |x: f64| x.ln() / 2f64.ln();
                let (mut el, mut er) = (0.0, 0.0);
                for (&l, &t) in self.s.left.iter().zip(totals) {
                    let r = (t - l) as f64;
                    let l = l as f64;
                    if l > 0.0 {
                        let p = l / wl;
                        el -= p * log(p);
                    }
                    if r > 0.0 {
                        let p = r / wr;
                        er -= p * log(p);
                    }
                }
                -wr * er - wl * el
            }
        })
    }
}

/// Class indices as `u32` and the class list.
pub(crate) fn encode_targets(y: &[usize]) -> (Vec<usize>, Vec<u32>) {
    let (classes, index) = encode(y);
    (classes, index.into_iter().map(|i| i as u32).collect())
}

/// Checks inputs common to trees and forests.
pub(crate) fn check_fit(x: &Features<'_>, y: &[usize]) -> Result<()> {
    check_targets(x.n_samples(), y.len())?;
    if x.n_samples() == 0 {
        return Err(Error::Empty("no samples"));
    }
    Ok(())
}

impl Estimator for DecisionTreeClassifier {
    type Model = DecisionTree;

    /// The parameters' domains, checked before any data is read.
    fn validate(&self) -> Result<()> {
        param::at_least("min_samples_split", self.min_samples_split, 2)?;
        param::at_least("min_samples_leaf", self.min_samples_leaf, 1)?;
        // NumPy's seeds are below 2^32.
        crate::rand_r::numpy(self.random_state)?;
        if let Some(depth) = self.max_depth {
            param::at_least("max_depth", depth, 1)?;
        }
        match self.max_features {
            MaxFeatures::Fraction(f) if !(f > 0.0 && f <= 1.0) => Err(Error::InvalidParameter(
                format!("max_features fraction {f} must be in (0, 1]"),
            )),
            MaxFeatures::Count(0) => Err(Error::InvalidParameter(
                "max_features must be at least 1".into(),
            )),
            _ => Ok(()),
        }
    }

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<DecisionTree> {
        check_fit(&x, y)?;
        with_valid(x, |x| {
            let cfg = Grow::new(self, x.n_features())?;
            let (classes, yi) = encode_targets(y);
            let cols = Columns::new(x, None);
            let w = vec![1u32; yi.len()];
            // scikit-learn's splitter seed: `RandomState(random_state).randint(0, RAND_R_MAX)`.
            let seed = crate::rand_r::first_randint(self.random_state, crate::rand_r::RAND_R_MAX)?;
            let tree = grow(&cols, &yi, &w, classes.len(), cfg, seed);
            Ok(DecisionTree {
                classes,
                n_features: x.n_features(),
                tree,
            })
        })
    }
}

impl DecisionTree {
    /// Depth of the deepest leaf (a single leaf has depth 0).
    pub fn depth(&self) -> usize {
        self.tree.depth
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.tree.n_leaves()
    }

    /// Mean decrease in impurity per feature, summing to 1 (scikit-learn's
    /// `feature_importances_`).
    pub fn feature_importances(&self) -> Vec<f64> {
        self.tree.normalised_importances()
    }

    /// Each node's split feature and threshold (a row goes left where its value is at most
    /// the threshold), `None` for a leaf, nodes numbered as scikit-learn's `tree_` numbers
    /// them (depth first, left first): its `tree_.feature` and `tree_.threshold`.
    pub fn splits(&self) -> Vec<Option<(usize, f64)>> {
        self.tree.splits()
    }
}

impl Classifier for DecisionTree {
    fn classes(&self) -> &[usize] {
        &self.classes
    }

    fn n_features(&self) -> usize {
        self.n_features
    }

    fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
        Ok(top_classes(&self.classes, &self.predict_proba(x)?))
    }
}

impl PredictProba for DecisionTree {
    fn predict_proba(&self, x: Features<'_>) -> Result<Array2<f64>> {
        check_features(&x, self.n_features)?;
        with_valid(x, |x| {
            Ok(leaf_average(
                x,
                std::slice::from_ref(&self.tree),
                self.classes.len(),
            ))
        })
    }
}

/// Mean of the leaf distributions of `trees` for each row of `x` (rows in parallel, trees
/// summed in order, so the result does not depend on the thread count).
pub(crate) fn leaf_average(x: Features<'_>, trees: &[Tree], n_classes: usize) -> Array2<f64> {
    use rayon::prelude::*;
    let n = x.n_samples();
    let mut out = Array2::<f64>::zeros((n, n_classes));
    let n_trees = trees.len() as f64;
    out.as_slice_mut()
        .expect("fresh array")
        .par_chunks_mut(n_classes.max(1) * 64)
        .enumerate()
        .for_each(|(chunk, rows)| {
            let first = chunk * 64;
            match x {
                Features::U8(a) => add_leaves(a, first, trees, n_classes, rows, f64::from),
                Features::F32(a) => add_leaves(a, first, trees, n_classes, rows, f64::from),
                // Read as `f32`, as the tree was grown.
                Features::F64(a) => {
                    add_leaves(a, first, trees, n_classes, rows, |v| f64::from(v as f32))
                }
            }
            // Summed in tree order, then divided, as scikit-learn's forest.
            for v in rows.iter_mut() {
                *v /= n_trees;
            }
        });
    out
}

/// Rows interleaved per descent in [`leaf_average`]. In the forest's 3-fold out-of-fold
/// probabilities on Fashion-MNIST (`benches/models.rs`, 100 trees), the descents went from
/// 7.5 % to 3.3 % of the time (about 0.26 s to 0.12 s) against one row at a time.
const DESCENTS: usize = 8;

/// Adds to `out` (`n_classes` per row) the leaf distributions of `trees`, tree by tree in
/// order, for the rows `first..` of `x` (as many as `out` holds).
fn add_leaves<T: Copy>(
    x: ndarray::ArrayView2<'_, T>,
    first: usize,
    trees: &[Tree],
    n_classes: usize,
    out: &mut [f64],
    value: impl Fn(T) -> f64 + Copy,
) {
    let row = |j: usize| {
        x.index_axis_move(ndarray::Axis(0), first + j)
            .to_slice()
            .expect("standard layout")
    };
    let mut groups = out.chunks_exact_mut(n_classes * DESCENTS);
    let mut j = 0;
    for o in &mut groups {
        let rows: [&[T]; DESCENTS] = std::array::from_fn(|g| row(j + g));
        add_group_leaves(rows, trees, n_classes, o, value);
        j += DESCENTS;
    }
    for o in groups.into_remainder().chunks_exact_mut(n_classes) {
        add_group_leaves([row(j)], trees, n_classes, o, value);
        j += 1;
    }
}

/// Adds to `out` (`n_classes` per row) the leaf distributions of `trees` for `G` rows
/// descending together, tree by tree in order.
fn add_group_leaves<T: Copy, const G: usize>(
    rows: [&[T]; G],
    trees: &[Tree],
    n_classes: usize,
    out: &mut [f64],
    value: impl Fn(T) -> f64 + Copy,
) {
    for t in trees {
        let starts = t.leaf_starts(rows, value);
        for (o, at) in out.chunks_exact_mut(n_classes).zip(starts) {
            for (o, &v) in o.iter_mut().zip(&t.values[at..at + n_classes]) {
                *o += v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn fit(x: &Array2<u8>, y: &[usize], p: DecisionTreeClassifier) -> DecisionTree {
        p.fit(x.into(), y).unwrap()
    }

    /// The first `n` training images of the embedded MNIST sample and their digits.
    fn sample_digits(n: usize) -> (classify_datasets::TrainTest, Array2<u8>, Vec<u32>) {
        let s = classify_datasets::mnist_sample().unwrap();
        let x = s.train.data.slice(ndarray::s![..n, ..]).to_owned();
        let digits = s
            .train
            .target
            .iter()
            .take(n)
            .map(|&l| u32::from(l))
            .collect();
        (s, x, digits)
    }

    /// The register transpose of bytes equals the element-wise one, for row and column
    /// counts around the 16 × 16 blocks, rows picked out of order and a strided view.
    #[test]
    fn byte_transpose_equals_elementwise() {
        let a = Array2::from_shape_fn((70, 53), |(i, j)| (i * 31 + j * 7 + i * j) as u8);
        for (n, d) in [(0, 53), (1, 53), (16, 16), (17, 33), (48, 53), (70, 15)] {
            let view = a.slice(ndarray::s![.., ..d]);
            let rows: Vec<usize> = (0..n).map(|i| (i * 37) % 70).collect();
            let (mut got, mut want) = (vec![0u8; n * d], vec![0u8; n * d]);
            transpose_u8_into(view, &rows, &mut got);
            transpose_into(view, &rows, &mut want, |v| v);
            assert_eq!(got, want, "{n} × {d}");
        }
    }

    /// Interleaved descents (groups of [`DESCENTS`] rows) give each row the leaves a lone
    /// descent gives it, for every feature type.
    #[test]
    fn interleaved_descents_reach_the_same_leaves() {
        let n = 600;
        let (s, x, digits) = sample_digits(n);
        let w = vec![1u32; n];
        let cfg = Grow::new(&DecisionTreeClassifier::default(), x.ncols()).unwrap();
        let trees: Vec<Tree> = (0..3)
            .map(|seed| grow(&Columns::new((&x).into(), None), &digits, &w, 10, cfg, seed))
            .collect();
        let test = s.test.data.slice(ndarray::s![..37, ..]).to_owned();
        let (xf, xd) = (test.mapv(f32::from), test.mapv(f64::from));
        for features in [(&test).into(), (&xf).into(), (&xd).into()] {
            let together = leaf_average(features, &trees, 10);
            for i in 0..test.nrows() {
                let alone = match features {
                    Features::U8(a) => {
                        leaf_average(a.slice(ndarray::s![i..i + 1, ..]).into(), &trees, 10)
                    }
                    Features::F32(a) => {
                        leaf_average(a.slice(ndarray::s![i..i + 1, ..]).into(), &trees, 10)
                    }
                    Features::F64(a) => {
                        leaf_average(a.slice(ndarray::s![i..i + 1, ..]).into(), &trees, 10)
                    }
                };
                assert_eq!(together.row(i), alone.row(0), "row {i}");
            }
            assert!(together
                .rows()
                .into_iter()
                .any(|r| r.iter().all(|&p| p < 1.0)));
        }
    }

    /// Subtrees grown on node-local copies of the rows are the subtrees the shared columns
    /// give: same nodes, thresholds, leaves and importances, for bytes and floats, two
    /// classes and ten, bootstrap weights included.
    #[test]
    fn local_copies_grow_the_same_tree() {
        let n = 3000;
        let (_, x, digits) = sample_digits(n);
        let xf = x.mapv(f32::from);
        let fives: Vec<u32> = digits.iter().map(|&l| u32::from(l == 5)).collect();
        let w: Vec<u32> = (0..n as u32).map(|i| (i * 7919) % 3).collect();
        let p = DecisionTreeClassifier {
            max_features: MaxFeatures::Sqrt,
            ..Default::default()
        };
        let cfg = Grow::new(&p, x.ncols()).unwrap();
        for features in [Features::U8(x.view()), Features::F32(xf.view())] {
            for (y, nc) in [(&fives, 2), (&digits, 10)] {
                let shared = Columns::new(features, None);
                let mut no_copies = Columns::new(features, None);
                no_copies.source = None;
                let a = grow(&shared, y, &w, nc, cfg, 7);
                let b = grow(&no_copies, y, &w, nc, cfg, 7);
                assert!(a.nodes.len() > 100, "{} nodes", a.nodes.len());
                assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn separates_ties_that_straddle_nodes() {
        // linfa-trees leaves {0,0,1,1} unsplit here; a full tree must fit it exactly.
        let x = array![[0u8, 5], [0, 5], [1, 5], [1, 6], [2, 6], [2, 6]];
        let y = [0, 1, 0, 1, 0, 1];
        let t = fit(&x, &y, DecisionTreeClassifier::default());
        // Rows 0/1 and 4/5 are identical with different labels: the best a tree can do.
        let p = t.predict((&x).into()).unwrap();
        assert_eq!(p[2], 0);
        assert_eq!(p[3], 1);
        let proba = t.predict_proba((&x).into()).unwrap();
        assert_eq!(proba.row(0).to_vec(), vec![0.5, 0.5]);
    }

    #[test]
    fn histogram_and_sorting_paths_choose_the_same_splits() {
        let mut rng = classify_random::RandomState::new(3).unwrap();
        let n = 3000;
        let x = Array2::from_shape_fn((n, 12), |_| rng.randint(0, 40).unwrap() as u8 * 6);
        let y: Vec<usize> = (0..n)
            .map(|i| {
                usize::from(x[[i, 0]] / 6 + x[[i, 3]] / 12 > 30) + usize::from(x[[i, 7]] > 200)
            })
            .collect();
        let xf = x.mapv(f32::from);
        for criterion in [Criterion::Gini, Criterion::Entropy] {
            let p = DecisionTreeClassifier {
                criterion,
                max_features: MaxFeatures::Sqrt,
                min_samples_leaf: 3,
                ..Default::default()
            };
            let a = p.fit((&x).into(), &y).unwrap();
            let b = p.fit((&xf).into(), &y).unwrap();
            assert_eq!(a, b, "{criterion:?}");
            assert!(a.n_leaves() > 10);
        }
    }

    #[test]
    fn fully_grown_tree_fits_distinct_rows_exactly() {
        let x = Array2::from_shape_fn((200, 5), |(i, j)| ((i * 7 + j * 13) % 251) as u8);
        let y: Vec<usize> = (0..200).map(|i| (i * 31 % 7) % 3).collect();
        let t = fit(&x, &y, DecisionTreeClassifier::default());
        assert_eq!(t.predict((&x).into()).unwrap(), y);
        let imp = t.feature_importances();
        assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn limits_are_respected() {
        let x = Array2::from_shape_fn((300, 4), |(i, j)| ((i * 17 + j * 5) % 97) as u8);
        let y: Vec<usize> = (0..300).map(|i| i % 2).collect();
        let t = fit(
            &x,
            &y,
            DecisionTreeClassifier {
                max_depth: Some(3),
                ..Default::default()
            },
        );
        assert!(t.depth() <= 3);
        assert!(t.n_leaves() <= 8);
        let t = fit(
            &x,
            &y,
            DecisionTreeClassifier {
                min_samples_leaf: 40,
                ..Default::default()
            },
        );
        assert!(t.n_leaves() <= 300 / 40);
    }

    #[test]
    fn continuous_thresholds_are_midpoints() {
        let x = array![[0.25f32], [0.5], [2.0], [4.0]];
        let t = DecisionTreeClassifier::default()
            .fit((&x).into(), &[0, 0, 1, 1])
            .unwrap();
        assert_eq!(t.tree.nodes[0].threshold, 1.25);
        assert_eq!(
            t.predict((&array![[1.25f32], [1.26]]).into()).unwrap(),
            vec![0, 1]
        );
    }

    #[test]
    fn errors_are_typed() {
        let x = array![[0u8, 1], [1, 0]];
        let t = DecisionTreeClassifier::default();
        assert!(matches!(
            t.fit((&x).into(), &[0]),
            Err(Error::LengthMismatch { .. })
        ));
        let bad = DecisionTreeClassifier {
            min_samples_split: 1,
            ..Default::default()
        };
        assert!(matches!(
            bad.fit((&x).into(), &[0, 1]),
            Err(Error::InvalidParameter(_))
        ));
        let m = t.fit((&x).into(), &[0, 1]).unwrap();
        assert!(matches!(
            m.predict((&array![[0u8]]).into()),
            Err(Error::FeatureMismatch { .. })
        ));
        let nan = array![[f32::NAN, 1.0], [0.0, 1.0]];
        assert!(matches!(
            t.fit((&nan).into(), &[0, 1]),
            Err(Error::NonFinite { .. })
        ));
        // One class: a single leaf, as scikit-learn.
        let one = t.fit((&x).into(), &[4, 4]).unwrap();
        assert_eq!(one.classes(), &[4]);
        assert_eq!(one.predict((&x).into()).unwrap(), vec![4, 4]);
    }
}
