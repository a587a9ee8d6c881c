//! Classifier chains: each label's model also sees the labels before it.

use classify_core::{
    Classifier, Error, Estimator, Features, MultiOutputClassifier, MultiOutputEstimator,
    OwnedFeatures, Result,
};
use classify_selection::{cross_val_predict, Cv};
use ndarray::{s, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::multioutput::check_multi;

/// The order in which a chain predicts the labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainOrder {
    /// Columns in their order.
    Natural,
    /// This order (a permutation of the columns).
    Fixed(Vec<usize>),
    /// scikit-learn's `order="random"` with this `random_state`: NumPy's
    /// `RandomState(seed).permutation` of the columns (a seed below 2³²).
    Random(u64),
}

/// A chain of binary models, one per label column, as scikit-learn's `ClassifierChain`: the
/// model of the `p`-th label in `order` is fed the features plus the `p` labels before it.
/// At fit time those are the true labels, or with `cv = Some(k)` out-of-fold predictions from
/// `k`-fold cross-validation (what the chain will see at predict time); at predict time,
/// the chain's own predictions.
///
/// ```
/// use classify_core::{MultiOutputClassifier, MultiOutputEstimator};
/// use classify_models::KNeighborsClassifier;
/// use classify_multiclass::{ClassifierChain};
/// use linfa::prelude::{Dataset, Fit, Predict};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [5.0, 5.2], [5.3, 4.9], [4.8, 5.1]];
/// let knn = KNeighborsClassifier { n_neighbors: 1, ..Default::default() };
/// // Native: one row of `usize` targets per sample.
/// let y = array![[0, 1], [0, 1], [0, 0], [1, 0], [1, 0], [1, 1]];
/// let model = MultiOutputEstimator::fit_multi(&ClassifierChain::new(knn), (&x).into(), y.view())?;
/// assert_eq!(model.predict_multi((&x).into())?, y);
/// // linfa: 2-D targets of any label type, each column's labels sorted on their own.
/// let targets = array![["cat", "odd"], ["cat", "odd"], ["cat", "even"], ["dog", "even"], ["dog", "even"], ["dog", "odd"]];
/// let model = Fit::fit(&ClassifierChain::new(knn), &Dataset::new(x.clone(), targets.clone()))?;
/// assert_eq!(model.classes(1), ["even", "odd"]);
/// assert_eq!(model.predict(&x), targets);
/// # Ok::<(), classify_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierChain<E> {
    /// The model of each link.
    pub estimator: E,
    /// Label order.
    pub order: ChainOrder,
    /// Train later links on out-of-fold predictions of earlier ones (stratified folds).
    pub cv: Option<usize>,
}

impl<E> ClassifierChain<E> {
    /// A chain over the columns in order, fed true labels.
    pub fn new(estimator: E) -> Self {
        ClassifierChain {
            estimator,
            order: ChainOrder::Natural,
            cv: None,
        }
    }
}

/// A fitted chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierChainModel<M> {
    order: Vec<usize>,
    estimators: Vec<M>,
    n_features: usize,
}

impl<M> ClassifierChainModel<M> {
    /// The label order.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// The model of each link, in chain order.
    pub fn estimators(&self) -> &[M] {
        &self.estimators
    }
}

/// Features followed by label columns, as one matrix: `u8` stays `u8` when the labels fit,
/// `f64` stays `f64`, anything else becomes `f32`.
struct Augmented(OwnedFeatures);

impl Augmented {
    fn new(x: Features<'_>, extra: usize, labels_fit_u8: bool) -> Augmented {
        fn widened<T: Copy + Default>(a: ArrayView2<'_, T>, extra: usize) -> Array2<T> {
            let (n, d) = a.dim();
            let mut out = Array2::from_elem((n, d + extra), T::default());
            out.slice_mut(s![.., ..d]).assign(&a);
            out
        }
        Augmented(match x {
            Features::U8(a) if labels_fit_u8 => OwnedFeatures::U8(widened(a, extra)),
            Features::F64(a) => OwnedFeatures::F64(widened(a, extra)),
            _ => OwnedFeatures::F32(widened(x.to_f32().view(), extra)),
        })
    }

    fn set_column(&mut self, j: usize, values: &[usize]) {
        fn set<T>(a: &mut Array2<T>, j: usize, values: &[usize], f: impl Fn(usize) -> T) {
            a.column_mut(j)
                .iter_mut()
                .zip(values)
                .for_each(|(o, &v)| *o = f(v));
        }
        match &mut self.0 {
            OwnedFeatures::U8(a) => set(a, j, values, |v| v as u8),
            OwnedFeatures::F32(a) => set(a, j, values, |v| v as f32),
            OwnedFeatures::F64(a) => set(a, j, values, |v| v as f64),
        }
    }

    /// The first `cols` columns, contiguous.
    fn head(&self, cols: usize) -> OwnedFeatures {
        match &self.0 {
            OwnedFeatures::U8(a) => OwnedFeatures::U8(a.slice(s![.., ..cols]).to_owned()),
            OwnedFeatures::F32(a) => OwnedFeatures::F32(a.slice(s![.., ..cols]).to_owned()),
            OwnedFeatures::F64(a) => OwnedFeatures::F64(a.slice(s![.., ..cols]).to_owned()),
        }
    }
}

impl<E: Estimator> ClassifierChain<E> {
    fn resolve_order(&self, m: usize) -> Result<Vec<usize>> {
        let order = match &self.order {
            ChainOrder::Natural => (0..m).collect(),
            ChainOrder::Fixed(o) => o.clone(),
            // scikit-learn's `order="random"`: `RandomState(seed).permutation(m)`.
            ChainOrder::Random(seed) => classify_random::RandomState::new(*seed)
                .map_err(|e| Error::InvalidParameter(format!("chain order seed {seed}: {e}")))?
                .permutation(m),
        };
        let mut sorted = order.clone();
        sorted.sort_unstable();
        if sorted != (0..m).collect::<Vec<_>>() {
            return Err(Error::InvalidParameter(format!(
                "chain order {order:?} is not a permutation of the {m} label columns"
            )));
        }
        Ok(order)
    }
}

impl<E: Estimator> MultiOutputEstimator for ClassifierChain<E> {
    type Model = ClassifierChainModel<E::Model>;

    fn fit_multi(&self, x: Features<'_>, y: ArrayView2<'_, usize>) -> Result<Self::Model> {
        check_multi(x, y)?;
        let (d, m) = (x.n_features(), y.ncols());
        let order = self.resolve_order(m)?;
        let fits_u8 = y.iter().all(|&v| v <= 255);
        let mut aug = Augmented::new(x, m, fits_u8);
        if self.cv.is_none() {
            for (p, &col) in order.iter().enumerate() {
                aug.set_column(d + p, &y.column(col).to_vec());
            }
        }
        let mut estimators = Vec::with_capacity(m);
        for (p, &col) in order.iter().enumerate() {
            let target = y.column(col).to_vec();
            let features = aug.head(d + p);
            estimators.push(self.estimator.fit(features.view(), &target)?);
            if let (Some(k), true) = (self.cv, p + 1 < m) {
                let oof = cross_val_predict(
                    &self.estimator,
                    features.view(),
                    &target,
                    &Cv::Stratified(k),
                )
                .map_err(|e| match e {
                    classify_selection::Error::Model(m) => m,
                    other => Error::InvalidParameter(format!("chain link {p}: {other}")),
                })?;
                aug.set_column(d + p, &oof);
            }
        }
        Ok(ClassifierChainModel {
            order,
            estimators,
            n_features: d,
        })
    }
}

impl<M: Classifier> MultiOutputClassifier for ClassifierChainModel<M> {
    fn n_outputs(&self) -> usize {
        self.order.len()
    }

    fn n_features(&self) -> usize {
        self.n_features
    }

    /// Links in order, each fed the predictions of the links before it; columns returned in
    /// the original label order.
    fn predict_multi(&self, x: Features<'_>) -> Result<Array2<usize>> {
        if x.n_features() != self.n_features {
            return Err(Error::FeatureMismatch {
                expected: self.n_features,
                found: x.n_features(),
            });
        }
        let (d, m) = (self.n_features, self.order.len());
        let fits_u8 = self
            .estimators
            .iter()
            .all(|e| e.classes().iter().all(|&c| c <= 255));
        let mut aug = Augmented::new(x, m, fits_u8);
        let mut out = Array2::zeros((x.n_samples(), m));
        for (p, (e, &col)) in self.estimators.iter().zip(&self.order).enumerate() {
            let pred = e.predict(aug.head(d + p).view())?;
            aug.set_column(d + p, &pred);
            for (o, v) in out.column_mut(col).iter_mut().zip(&pred) {
                *o = *v;
            }
        }
        Ok(out)
    }
}
