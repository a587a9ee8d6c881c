//! Decision trees and random forests (scikit-learn's `DecisionTreeClassifier` and
//! `RandomForestClassifier`): best splits on Gini or entropy, grown depth first, leaves
//! holding class distributions; a forest averages the probabilities of bootstrapped trees.
//!
//! Splits are exact. For `u8` features a node's candidate splits come from a 256-bin class
//! histogram (one pass over the node's samples); small nodes and `f32` features sort the
//! values instead. Both paths evaluate the same thresholds in the same order with the same
//! integer counts, so they choose the same split.

//!
//! The module, by responsibility: the parameters, the fitted tree and its file shape (here);
//! the grown tree's nodes and leaf values (`nodes`); the training features as columns
//! (`columns`); the grower (`grow`); prediction, eight rows descending together
//! (`predict`); the forest (`forest`).

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use classify_core::param;

mod columns;
mod forest;
mod grow;
mod nodes;
mod predict;
#[cfg(test)]
mod tests;

pub use forest::{ForestClassWeight, RandomForest, RandomForestClassifier};

use self::columns::Columns;
use self::grow::{grow, Grow};
use self::nodes::Tree;
pub use self::nodes::TreeStructure;
use self::predict::leaf_average;
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
    /// Each child of a split keeps at least this fraction of the total sample weight
    /// (scikit-learn's `min_weight_fraction_leaf`, in `[0, 0.5]`).
    #[serde(default)]
    pub min_weight_fraction_leaf: f64,
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
            min_weight_fraction_leaf: 0.0,
            max_features: MaxFeatures::All,
            random_state: 42,
        }
    }
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
        if !(0.0..=0.5).contains(&self.min_weight_fraction_leaf) {
            return Err(Error::InvalidParameter(format!(
                "min_weight_fraction_leaf {} must be in [0, 0.5]",
                self.min_weight_fraction_leaf
            )));
        }
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
        self.fit_with(x, y, None)
    }
}

impl DecisionTreeClassifier {
    /// Fits with each class's samples weighted (scikit-learn's `class_weight`: one weight
    /// per class, in the sorted classes' order, a dict or `"balanced"` expanded by the
    /// caller): impurities, splits, leaf values and importances on the weighted counts.
    ///
    /// ```
    /// use classify_models::{DecisionTreeClassifier, PredictProba};
    /// use ndarray::array;
    ///
    /// // One constant feature: the tree is its root, three samples of class 0 and one of
    /// // class 1, which weighs 3.
    /// let x = array![[0.0], [0.0], [0.0], [0.0]];
    /// let model = DecisionTreeClassifier::default().fit_weighted((&x).into(), &[0, 0, 0, 1], &[1.0, 3.0])?;
    /// assert_eq!(model.predict_proba((&x).into())?.row(0).to_vec(), [0.5, 0.5]);
    /// # Ok::<(), classify_core::Error>(())
    /// ```
    pub fn fit_weighted(
        &self,
        x: Features<'_>,
        y: &[usize],
        class_weight: &[f64],
    ) -> Result<DecisionTree> {
        self.fit_with(x, y, Some(class_weight))
    }

    fn fit_with(
        &self,
        x: Features<'_>,
        y: &[usize],
        class_weight: Option<&[f64]>,
    ) -> Result<DecisionTree> {
        check_fit(&x, y)?;
        with_valid(x, |x| {
            let mut cfg = Grow::new(self, x.n_features())?;
            let (classes, yi) = encode_targets(y);
            check_class_weight(class_weight, classes.len())?;
            let cols = Columns::new(x, None);
            let mut w = vec![1u32; yi.len()];
            if let Some(cw) = class_weight {
                exclude_weightless(&mut w, &yi, cw);
            }
            cfg.set_total_weight(&yi, &w, class_weight);
            // scikit-learn's splitter seed: `RandomState(random_state).randint(0, RAND_R_MAX)`.
            let seed = crate::rand_r::first_randint(self.random_state, crate::rand_r::RAND_R_MAX)?;
            let tree = grow(&cols, &yi, &w, classes.len(), cfg, seed, class_weight);
            Ok(DecisionTree {
                classes,
                n_features: x.n_features(),
                tree,
            })
        })
    }
}

/// Leaves out the samples of classes weighted 0 (scikit-learn's splitter skips samples of
/// weight 0: they count in no node).
pub(crate) fn exclude_weightless(w: &mut [u32], y: &[u32], class_weight: &[f64]) {
    for (w, &c) in w.iter_mut().zip(y) {
        if class_weight[c as usize] == 0.0 {
            *w = 0;
        }
    }
}

/// One finite, non-negative weight per class, not all 0.
pub(crate) fn check_class_weight(class_weight: Option<&[f64]>, n_classes: usize) -> Result<()> {
    let Some(w) = class_weight else {
        return Ok(());
    };
    param::class_weights(w, n_classes)?;
    if w.iter().all(|&v| v == 0.0) {
        return Err(Error::InvalidParameter(
            "every class weighs 0: no sample is left to fit".into(),
        ));
    }
    Ok(())
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

    /// The nodes as scikit-learn's `tree_` arrays (`None` for a tree read from a model file
    /// written before trees kept their nodes' statistics).
    pub fn structure(&self) -> Option<TreeStructure> {
        self.tree.structure(self.classes.len())
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

/// The layout of trees and forests in model files of format version 2 (before the nodes'
/// statistics and `min_weight_fraction_leaf`), for `classify-persist` to read such files.
#[doc(hidden)]
pub mod v2 {
    use serde::Deserialize;

    use super::nodes::{Node, Tree as Current};
    use super::{Criterion, MaxFeatures};
    use classify_core::{Error, Result};

    /// A grown tree as format 2 wrote it.
    #[derive(Deserialize)]
    pub struct Tree {
        nodes: Vec<Node>,
        values: Vec<f64>,
        importances: Vec<f64>,
        depth: usize,
    }

    impl From<Tree> for Current {
        fn from(t: Tree) -> Current {
            Current {
                nodes: t.nodes,
                values: t.values,
                importances: t.importances,
                depth: t.depth,
                stats: Vec::new(),
            }
        }
    }

    /// A fitted decision tree as format 2 wrote it.
    #[derive(Deserialize)]
    pub struct DecisionTree {
        classes: Vec<usize>,
        n_features: usize,
        tree: Tree,
    }

    impl TryFrom<DecisionTree> for super::DecisionTree {
        type Error = Error;

        fn try_from(t: DecisionTree) -> Result<super::DecisionTree> {
            let tree: Current = t.tree.into();
            tree.check(t.n_features, t.classes.len())?;
            Ok(super::DecisionTree {
                classes: t.classes,
                n_features: t.n_features,
                tree,
            })
        }
    }

    /// A forest's parameters as format 2 wrote them.
    #[derive(Deserialize)]
    struct Params {
        n_estimators: usize,
        criterion: Criterion,
        max_depth: Option<usize>,
        min_samples_split: usize,
        min_samples_leaf: usize,
        max_features: MaxFeatures,
        bootstrap: bool,
        random_state: u64,
    }

    /// A fitted forest as format 2 wrote it.
    #[derive(Deserialize)]
    pub struct RandomForest {
        params: Params,
        classes: Vec<usize>,
        n_features: usize,
        trees: Vec<Tree>,
    }

    impl TryFrom<RandomForest> for super::RandomForest {
        type Error = Error;

        fn try_from(f: RandomForest) -> Result<super::RandomForest> {
            let p = f.params;
            let params = super::RandomForestClassifier {
                n_estimators: p.n_estimators,
                criterion: p.criterion,
                max_depth: p.max_depth,
                min_samples_split: p.min_samples_split,
                min_samples_leaf: p.min_samples_leaf,
                min_weight_fraction_leaf: 0.0,
                max_features: p.max_features,
                bootstrap: p.bootstrap,
                random_state: p.random_state,
            };
            super::RandomForest::from_parts(
                params,
                f.classes,
                f.n_features,
                f.trees.into_iter().map(Current::from).collect(),
            )
        }
    }
}
