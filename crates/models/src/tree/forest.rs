//! Random forests (scikit-learn's `RandomForestClassifier`): bootstrapped decision trees with
//! features drawn per split, probabilities averaged over trees.

use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::tree::{
    check_class_weight, check_fit, encode_targets, exclude_weightless, grow, leaf_average, Columns,
    Criterion, DecisionTree, DecisionTreeClassifier, Grow, MaxFeatures, Tree,
};
use classify_core::Result;
use classify_core::{check_features, with_valid, Features};
use classify_core::{check_targets, top_classes, Classifier, Estimator, PredictProba};

/// Parameters of a random forest; `Default` is scikit-learn's `RandomForestClassifier()`
/// (100 trees, Gini, fully grown, `√n_features` features per split, bootstrap) with
/// `random_state = 42`.
///
/// The draws are scikit-learn's: each tree's seed from NumPy's `RandomState(random_state)`,
/// its bootstrap sample and its splitter's `our_rand_r` seed from that, the features of each
/// split drawn as scikit-learn's best splitter draws them; the trees and `predict_proba` are
/// scikit-learn's to the last bit (`scripts/forest_fixtures.py`).
/// Trees are grown in parallel: the forest is the same whatever the number of threads.
///
/// ```
/// use classify_models::{Classifier, Estimator, PredictProba, RandomForestClassifier};
/// use linfa::prelude::{Dataset, Fit, Predict};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [5.0, 5.2], [5.3, 4.9], [4.8, 5.1]];
/// // Native: `Features` in, `usize` labels out.
/// let y = [0, 0, 0, 1, 1, 1];
/// let forest = RandomForestClassifier { n_estimators: 20, ..Default::default() };
/// let model = Estimator::fit(&forest, (&x).into(), &y)?;
/// assert_eq!(model.predict((&x).into())?, y.to_vec());
/// assert_eq!(model.predict_proba((&x).into())?.ncols(), 2);
/// // linfa: a `Dataset` with labels of any type.
/// let data = Dataset::new(x.clone(), array!["cat", "cat", "cat", "dog", "dog", "dog"]);
/// let model = Fit::fit(&forest, &data)?;
/// assert_eq!(model.predict(&x).to_vec(), vec!["cat", "cat", "cat", "dog", "dog", "dog"]);
/// # Ok::<(), classify_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RandomForestClassifier {
    /// Number of trees.
    pub n_estimators: usize,
    /// Split quality.
    pub criterion: Criterion,
    /// Deepest level of each tree; `None` grows until leaves are pure.
    pub max_depth: Option<usize>,
    /// A node with fewer samples is a leaf.
    pub min_samples_split: usize,
    /// Each child of a split keeps at least this many samples.
    pub min_samples_leaf: usize,
    /// Each child of a split keeps at least this fraction of its tree's sample weight.
    #[serde(default)]
    pub min_weight_fraction_leaf: f64,
    /// Features drawn per split.
    pub max_features: MaxFeatures,
    /// Each tree sees a bootstrap sample (`n` draws with replacement); otherwise every row.
    pub bootstrap: bool,
    /// scikit-learn's `random_state` (below 2³²): the trees' seeds, bootstrap samples and
    /// feature draws are scikit-learn's for the same seed.
    pub random_state: u64,
}

impl Default for RandomForestClassifier {
    fn default() -> Self {
        RandomForestClassifier {
            n_estimators: 100,
            criterion: Criterion::Gini,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            min_weight_fraction_leaf: 0.0,
            max_features: MaxFeatures::Sqrt,
            bootstrap: true,
            random_state: 42,
        }
    }
}

/// How a forest weighs each class's samples (scikit-learn's `class_weight`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum ForestClassWeight<'a> {
    /// Every sample weighs its bootstrap count (`class_weight=None`).
    #[default]
    Uniform,
    /// One weight per class, in the sorted classes' order (a dict, or `"balanced"` from the
    /// whole training set, expanded by the caller).
    Given(&'a [f64]),
    /// `"balanced_subsample"`: each tree's classes weighted `n / (k · count)` by their counts
    /// in its bootstrap sample (`k`: the classes drawn; a class not drawn weighs 0).
    BalancedSubsample,
}

/// scikit-learn's `compute_sample_weight("balanced", y, indices=bootstrap)` per class:
/// `n_drawn / (classes drawn · drawn of the class)`, 0 for a class not drawn.
fn balanced(y: &[u32], counts: &[u32], n_classes: usize) -> Vec<f64> {
    let mut drawn = vec![0u64; n_classes];
    for (&c, &k) in y.iter().zip(counts) {
        drawn[c as usize] += u64::from(k);
    }
    let total: u64 = drawn.iter().sum();
    let present = drawn.iter().filter(|&&d| d > 0).count() as f64;
    drawn
        .iter()
        .map(|&d| {
            if d > 0 {
                total as f64 / (present * d as f64)
            } else {
                0.0
            }
        })
        .collect()
}

/// A fitted random forest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RandomForestFile")]
pub struct RandomForest {
    params: RandomForestClassifier,
    classes: Vec<usize>,
    n_features: usize,
    trees: Vec<Tree>,
}

/// What a (possibly edited) model file holds, checked before it becomes a [`RandomForest`].
#[derive(Deserialize)]
struct RandomForestFile {
    params: RandomForestClassifier,
    classes: Vec<usize>,
    n_features: usize,
    trees: Vec<Tree>,
}

impl TryFrom<RandomForestFile> for RandomForest {
    type Error = classify_core::Error;

    fn try_from(f: RandomForestFile) -> Result<RandomForest> {
        RandomForest::from_parts(f.params, f.classes, f.n_features, f.trees)
    }
}

impl RandomForestClassifier {
    /// A tree's sample counts: its bootstrap draws (`RandomState(seed)`: `randint(0, n, n)`,
    /// or `choice(n, n, p=p)` with weights), or every row once without bootstrap.
    fn sample_counts(&self, seed: u64, n: usize, p: Option<&[f64]>) -> Result<Vec<u32>> {
        let invalid =
            |e: classify_random::Error| classify_core::Error::InvalidParameter(e.to_string());
        let mut w = vec![0u32; n];
        if let Some(p) = p {
            for d in crate::rand_r::numpy(seed)?
                .choice_weighted(p, n)
                .map_err(invalid)?
            {
                w[d] += 1;
            }
        } else if self.bootstrap {
            // `_generate_sample_indices`: `RandomState(seed).randint(0, n, n)`.
            let mut draws = vec![0i64; n];
            crate::rand_r::numpy(seed)?
                .randints(0, n as i64)
                .map_err(invalid)?
                .fill(&mut draws);
            for d in draws {
                w[d as usize] += 1;
            }
        } else {
            w.fill(1);
        }
        Ok(w)
    }
}

impl RandomForest {
    /// A forest read from a file, checked: trees present and each consistent.
    pub(crate) fn from_parts(
        params: RandomForestClassifier,
        classes: Vec<usize>,
        n_features: usize,
        trees: Vec<Tree>,
    ) -> Result<RandomForest> {
        if trees.is_empty() {
            return Err(classify_core::Error::InvalidParameter(
                "forest in a model file: no trees".into(),
            ));
        }
        for t in &trees {
            t.check(n_features, classes.len())?;
        }
        Ok(RandomForest {
            params,
            classes,
            n_features,
            trees,
        })
    }
}

impl RandomForestClassifier {
    fn tree_params(&self) -> DecisionTreeClassifier {
        DecisionTreeClassifier {
            criterion: self.criterion,
            max_depth: self.max_depth,
            min_samples_split: self.min_samples_split,
            min_samples_leaf: self.min_samples_leaf,
            min_weight_fraction_leaf: self.min_weight_fraction_leaf,
            max_features: self.max_features,
            random_state: self.random_state,
        }
    }

    /// Fits with each class's samples weighted (scikit-learn's `class_weight`): given
    /// weights multiply every tree's bootstrap counts; [`ForestClassWeight::BalancedSubsample`]
    /// weighs each tree's classes by their counts in its own bootstrap sample.
    ///
    /// ```
    /// use classify_models::{Classifier, ForestClassWeight, RandomForestClassifier};
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [5.0, 5.2], [5.3, 4.9], [4.8, 5.1]];
    /// let forest = RandomForestClassifier { n_estimators: 10, ..Default::default() };
    /// let y = [0, 0, 0, 0, 1, 1];
    /// let model = forest.fit_weighted((&x).into(), &y, ForestClassWeight::BalancedSubsample)?;
    /// assert_eq!(model.predict((&x).into())?.len(), 6);
    /// # Ok::<(), classify_core::Error>(())
    /// ```
    pub fn fit_weighted(
        &self,
        x: Features<'_>,
        y: &[usize],
        class_weight: ForestClassWeight<'_>,
    ) -> Result<RandomForest> {
        check_fit(&x, y)?;
        with_valid(x, |x| {
            self.fit_columns(&Columns::new(x, None), y, x.n_features(), class_weight)
        })
    }

    fn fit_columns(
        &self,
        cols: &Columns<'_>,
        y: &[usize],
        n_features: usize,
        class_weight: ForestClassWeight<'_>,
    ) -> Result<RandomForest> {
        self.validate()?;
        let cfg = Grow::new(&self.tree_params(), n_features)?;
        let (classes, yi) = encode_targets(y);
        if let ForestClassWeight::Given(w) = class_weight {
            check_class_weight(Some(w), classes.len())?;
        }
        let n = yi.len();
        // scikit-learn's seeds: one `randint(2**31 - 1)` per tree from
        // `RandomState(random_state)` (`_set_random_states`).
        let mut rng = crate::rand_r::numpy(self.random_state)?;
        let seeds: Vec<u64> = (0..self.n_estimators)
            .map(|_| rng.randint(0, i64::from(i32::MAX)).map(|s| s as u64))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| classify_core::Error::InvalidParameter(e.to_string()))?;
        let nc = classes.len();
        // With class weights, scikit-learn draws each bootstrap sample in proportion to the
        // samples' weights (`choice(n, n, p=w / w.sum())`), the counts alone then weighing
        // the tree's samples; without bootstrap the weights go to the trees.
        let draw_weights: Option<Vec<f64>> = match class_weight {
            ForestClassWeight::Given(cw) if self.bootstrap => {
                let total = classify_core::numpy::pairwise_sum(n, |i| cw[yi[i] as usize]);
                Some(yi.iter().map(|&c| cw[c as usize] / total).collect())
            }
            _ => None,
        };
        let trees = seeds
            .par_iter()
            .map(|&seed| {
                let mut w = self.sample_counts(seed, n, draw_weights.as_deref())?;
                // The tree's splitter: `RandomState(seed).randint(0, RAND_R_MAX)` afresh.
                let rand_r = crate::rand_r::first_randint(seed, crate::rand_r::RAND_R_MAX)?;
                let weights = match class_weight {
                    ForestClassWeight::Given(cw) if !self.bootstrap => {
                        exclude_weightless(&mut w, &yi, cw);
                        Some(cw.to_vec())
                    }
                    ForestClassWeight::BalancedSubsample if self.bootstrap => {
                        Some(balanced(&yi, &w, nc))
                    }
                    _ => None,
                };
                let mut cfg = cfg;
                cfg.set_total_weight(&yi, &w, weights.as_deref());
                Ok(grow(cols, &yi, &w, nc, cfg, rand_r, weights.as_deref()))
            })
            .collect::<Result<_>>()?;
        Ok(RandomForest {
            params: *self,
            classes,
            n_features,
            trees,
        })
    }
}

impl Estimator for RandomForestClassifier {
    type Model = RandomForest;

    /// The parameters' domains (the trees' too), checked before any data is read.
    fn validate(&self) -> Result<()> {
        classify_core::param::at_least("n_estimators", self.n_estimators, 1)?;
        self.tree_params().validate()
    }

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<RandomForest> {
        check_fit(&x, y)?;
        with_valid(x, |x| {
            self.fit_columns(
                &Columns::new(x, None),
                y,
                x.n_features(),
                ForestClassWeight::Uniform,
            )
        })
    }

    /// Transposes the chosen rows straight into the column layout the trees read (no
    /// intermediate copy of the rows).
    fn fit_rows(&self, x: Features<'_>, y: &[usize], rows: &[usize]) -> Result<RandomForest> {
        check_targets(x.n_samples(), y.len())?;
        let y_sub: Vec<usize> = rows.iter().map(|&r| y[r]).collect();
        if rows.is_empty() {
            return Err(crate::Error::Empty("no samples"));
        }
        with_valid(x, |x| {
            self.fit_columns(
                &Columns::new(x, Some(rows)),
                &y_sub,
                x.n_features(),
                ForestClassWeight::Uniform,
            )
        })
    }
}

impl RandomForest {
    /// The parameters it was fitted with.
    pub fn params(&self) -> &RandomForestClassifier {
        &self.params
    }

    /// Tree `tree`'s splits ([`DecisionTree::splits`](crate::DecisionTree::splits)), `None`
    /// past the last tree.
    pub fn tree_splits(&self, tree: usize) -> Option<Vec<Option<(usize, f64)>>> {
        self.trees.get(tree).map(Tree::splits)
    }

    /// Tree `i` as a decision tree of its own (scikit-learn's `estimators_[i]`), with the
    /// forest's classes; `None` past the last tree.
    pub fn tree(&self, i: usize) -> Option<DecisionTree> {
        self.trees.get(i).map(|tree| DecisionTree {
            classes: self.classes.clone(),
            n_features: self.n_features,
            tree: tree.clone(),
        })
    }

    /// Number of trees.
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// Mean over trees of each tree's normalised impurity decrease per feature (scikit-learn's
    /// `feature_importances_`): 784 values for MNIST, a picture of where the forest looks.
    pub fn feature_importances(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.n_features];
        for t in &self.trees {
            for (o, v) in out.iter_mut().zip(t.normalised_importances()) {
                *o += v;
            }
        }
        let total: f64 = out.iter().sum();
        if total > 0.0 {
            out.iter_mut().for_each(|v| *v /= total);
        }
        out
    }
}

impl Classifier for RandomForest {
    fn classes(&self) -> &[usize] {
        &self.classes
    }

    fn n_features(&self) -> usize {
        self.n_features
    }

    /// The class with the highest mean probability (scikit-learn's soft vote).
    fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
        Ok(top_classes(&self.classes, &self.predict_proba(x)?))
    }
}

impl PredictProba for RandomForest {
    /// Mean of the trees' leaf class distributions.
    fn predict_proba(&self, x: Features<'_>) -> Result<Array2<f64>> {
        check_features(&x, self.n_features)?;
        with_valid(x, |x| Ok(leaf_average(x, &self.trees, self.classes.len())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use classify_datasets::mnist_sample;

    fn sample() -> (Array2<u8>, Vec<usize>, Array2<u8>, Vec<usize>) {
        let s = mnist_sample().unwrap();
        let (tr, te) = (s.train.head(2000), s.test.head(1000));
        let y = |d: &classify_datasets::Dataset| d.target.iter().map(|&v| usize::from(v)).collect();
        (tr.data.clone(), y(&tr), te.data.clone(), y(&te))
    }

    #[test]
    fn forest_on_digits_is_accurate_deterministic_and_serialisable() {
        let (x, y, xt, yt) = sample();
        let params = RandomForestClassifier {
            n_estimators: 30,
            ..Default::default()
        };
        let forest = params.fit((&x).into(), &y).unwrap();
        let pred = forest.predict((&xt).into()).unwrap();
        let acc = pred.iter().zip(&yt).filter(|(a, b)| a == b).count() as f64 / yt.len() as f64;
        // scikit-learn's RandomForestClassifier(n_estimators=30) on the same rows: 0.896–0.91
        // over seeds.
        assert!(acc > 0.87, "accuracy {acc}");
        let proba = forest.predict_proba((&xt).into()).unwrap();
        for r in proba.rows() {
            assert!((r.sum() - 1.0).abs() < 1e-9);
        }
        // Same seed, other thread count: the same forest.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let again = pool.install(|| params.fit((&x).into(), &y).unwrap());
        assert_eq!(forest, again);
        let json = serde_json::to_string(&forest).unwrap();
        let back: RandomForest = serde_json::from_str(&json).unwrap();
        assert_eq!(back.predict_proba((&xt).into()).unwrap(), proba);
        // fit_rows = fit on the selected rows.
        let rows: Vec<usize> = (0..x.nrows()).filter(|r| r % 3 != 0).collect();
        let sub = params.fit_rows((&x).into(), &y, &rows).unwrap();
        let sel = x.select(ndarray::Axis(0), &rows);
        let ysel: Vec<usize> = rows.iter().map(|&r| y[r]).collect();
        assert_eq!(sub, params.fit((&sel).into(), &ysel).unwrap());
        let imp = forest.feature_importances();
        assert_eq!(imp.len(), 784);
        // Corner pixels are always blank: no importance.
        assert_eq!(imp[0], 0.0);
    }
}
