//! linfa's traits on classify's estimators: `Fit` on a `DatasetBase` of `u8`, `f32` or `f64`
//! records with targets of any label type, `PredictInplace` (so `Predict`) back to those
//! labels, and the scores and probabilities of the fitted model.

use linfa::dataset::{AsMultiTargets, AsSingleTargets};
use linfa::traits::PredictInplace;
use linfa::DatasetBase;
use ndarray::{Array1, Array2, ArrayBase, Data, Ix2};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::features::{Element, Features};
use crate::labels::LabelEncoder;
use crate::traits::{
    check_targets, Classifier, DecisionFunction, Estimator, MultiOutputClassifier,
    MultiOutputEstimator, PredictProba,
};

/// A model fitted through linfa's `Fit`: the native model, trained on class indices, and the
/// labels those indices stand for (sorted, as scikit-learn's `classes_`).
///
/// linfa's `Predict` gives labels; its trait cannot return an error, so predicting with the
/// wrong number of features or a NaN **panics** there, with the typed error's message.
/// [`Fitted::try_predict`] returns the [`Error`] instead.
///
/// A model file is checked when read: every class of the native model must have a label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fitted<M, L> {
    model: M,
    labels: LabelEncoder<L>,
}

/// What a model file holds, before it is checked.
#[derive(Deserialize)]
struct FittedFile<M, L> {
    model: M,
    labels: LabelEncoder<L>,
}

impl<'de, M, L> Deserialize<'de> for Fitted<M, L>
where
    M: Classifier + Deserialize<'de>,
    L: Ord + Clone + std::fmt::Debug + Deserialize<'de>,
{
    fn deserialize<De: serde::Deserializer<'de>>(d: De) -> std::result::Result<Self, De::Error> {
        let f = FittedFile::<M, L>::deserialize(d)?;
        let n = f.labels.classes().len();
        let classes = f.model.classes();
        if classes.len() != n || classes.iter().enumerate().any(|(i, &c)| c != i) {
            return Err(serde::de::Error::custom(format!(
                "the model's classes {classes:?} do not index its {n} labels"
            )));
        }
        Ok(Fitted {
            model: f.model,
            labels: f.labels,
        })
    }
}

/// Fits `estimator` on a linfa dataset (what `Fit::fit` does for every estimator of
/// classify): labels encoded by [`LabelEncoder`], records read as [`Features`].
pub fn fit_dataset<E, D, X, T>(
    estimator: &E,
    dataset: &DatasetBase<ArrayBase<D, Ix2>, T>,
) -> Result<Fitted<E::Model, T::Elem>>
where
    E: Estimator,
    D: Data<Elem = X>,
    X: Element,
    T: AsSingleTargets,
    T::Elem: Ord + Clone + std::fmt::Debug,
{
    let targets = dataset.targets.as_single_targets();
    check_targets(dataset.records.nrows(), targets.len())?;
    let labels = LabelEncoder::fit(targets.iter());
    let y = labels.transform(targets.iter())?;
    let model = estimator
        .fit(Features::from(dataset.records.view()), &y)
        .map_err(|e| match (e, labels.classes()) {
            // The class as the dataset names it, not as its index.
            (Error::SingleClass(_), [only]) => Error::SingleClass(format!("{only:?}")),
            (e, _) => e,
        })?;
    Ok(Fitted { model, labels })
}

impl<M: Classifier, L: Ord + Clone + std::fmt::Debug> Fitted<M, L> {
    /// The native model (its classes are `0..classes().len()`).
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The labels, sorted: column `j` of scores and probabilities is `classes()[j]`.
    pub fn classes(&self) -> &[L] {
        self.labels.classes()
    }

    /// The label encoder.
    pub fn labels(&self) -> &LabelEncoder<L> {
        &self.labels
    }

    /// The predicted label of each row, or the typed error.
    pub fn try_predict<'a>(&self, x: impl Into<Features<'a>>) -> Result<Array1<L>> {
        self.model
            .predict(x.into())?
            .into_iter()
            .map(|i| self.labels.label(i).cloned())
            .collect()
    }

    /// Class probabilities, one column per label of [`Fitted::classes`].
    pub fn predict_proba<'a>(&self, x: impl Into<Features<'a>>) -> Result<Array2<f64>>
    where
        M: PredictProba,
    {
        self.model.predict_proba(x.into())
    }

    /// Decision scores, as the native model's (one column for two classes, positive for
    /// `classes()[1]`; one per label otherwise).
    pub fn decision_function<'a>(&self, x: impl Into<Features<'a>>) -> Result<Array2<f64>>
    where
        M: DecisionFunction,
    {
        self.model.decision_function(x.into())
    }
}

impl<M, L, D, X> PredictInplace<ArrayBase<D, Ix2>, Array1<L>> for Fitted<M, L>
where
    M: Classifier,
    L: Ord + Clone + Default + std::fmt::Debug,
    D: Data<Elem = X>,
    X: Element,
{
    /// # Panics
    /// When the records do not suit the model (feature count, NaN) or `y` has another
    /// length; [`Fitted::try_predict`] returns those as errors.
    fn predict_inplace<'a>(&'a self, x: &'a ArrayBase<D, Ix2>, y: &mut Array1<L>) {
        assert_eq!(
            x.nrows(),
            y.len(),
            "{} rows of records but {} targets to fill",
            x.nrows(),
            y.len()
        );
        match self.try_predict(x) {
            Ok(labels) => y.assign(&labels),
            Err(e) => panic!("classify: {e} (Fitted::try_predict returns this as an error)"),
        }
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<L> {
        Array1::from_elem(x.nrows(), L::default())
    }
}

/// A multi-output model (classifier chain, one model per column) fitted through linfa's
/// `Fit` on 2-D targets: one [`LabelEncoder`] per target column. As [`Fitted`], linfa's
/// `Predict` panics on bad input where [`FittedMulti::try_predict`] returns the error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FittedMulti<M, L> {
    model: M,
    labels: Vec<LabelEncoder<L>>,
}

/// What a multi-output model file holds, before it is checked.
#[derive(Deserialize)]
struct FittedMultiFile<M, L> {
    model: M,
    labels: Vec<LabelEncoder<L>>,
}

impl<'de, M, L> Deserialize<'de> for FittedMulti<M, L>
where
    M: MultiOutputClassifier + Deserialize<'de>,
    L: Deserialize<'de>,
{
    fn deserialize<De: serde::Deserializer<'de>>(d: De) -> std::result::Result<Self, De::Error> {
        let f = FittedMultiFile::<M, L>::deserialize(d)?;
        if f.labels.len() != f.model.n_outputs() {
            return Err(serde::de::Error::custom(format!(
                "{} label encoders for {} target columns",
                f.labels.len(),
                f.model.n_outputs()
            )));
        }
        Ok(FittedMulti {
            model: f.model,
            labels: f.labels,
        })
    }
}

/// Fits a multi-output `estimator` on a linfa dataset with 2-D targets (what `Fit::fit` does
/// for [`impl_linfa_fit_multi!`](crate::impl_linfa_fit_multi) types): each column's labels encoded by its own
/// [`LabelEncoder`].
pub fn fit_multi_dataset<E, D, X, T>(
    estimator: &E,
    dataset: &DatasetBase<ArrayBase<D, Ix2>, T>,
) -> Result<FittedMulti<E::Model, T::Elem>>
where
    E: MultiOutputEstimator,
    D: Data<Elem = X>,
    X: Element,
    T: AsMultiTargets,
    T::Elem: Ord + Clone + std::fmt::Debug,
{
    let targets = dataset.targets.as_multi_targets();
    check_targets(dataset.records.nrows(), targets.nrows())?;
    let labels: Vec<LabelEncoder<T::Elem>> = targets
        .columns()
        .into_iter()
        .map(|c| LabelEncoder::fit(c.iter()))
        .collect();
    let mut y = Array2::<usize>::zeros(targets.dim());
    for ((mut out, column), enc) in y
        .columns_mut()
        .into_iter()
        .zip(targets.columns())
        .zip(&labels)
    {
        for (o, i) in out.iter_mut().zip(enc.transform(column.iter())?) {
            *o = i;
        }
    }
    let model = estimator.fit_multi(Features::from(dataset.records.view()), y.view())?;
    Ok(FittedMulti { model, labels })
}

impl<M: MultiOutputClassifier, L: Ord + Clone + std::fmt::Debug> FittedMulti<M, L> {
    /// The native model (column `j`'s classes are `0..classes(j).len()`).
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The sorted labels of target column `j`.
    pub fn classes(&self, j: usize) -> &[L] {
        self.labels[j].classes()
    }

    /// The predicted labels, one row per sample and one column per target, or the typed error.
    pub fn try_predict<'a>(&self, x: impl Into<Features<'a>>) -> Result<Array2<L>> {
        let idx = self.model.predict_multi(x.into())?;
        let mut out = Vec::with_capacity(idx.len());
        for row in idx.rows() {
            for (&i, enc) in row.iter().zip(&self.labels) {
                out.push(enc.label(i)?.clone());
            }
        }
        Ok(Array2::from_shape_vec(idx.dim(), out).expect("one label per prediction"))
    }
}

impl<M, L, D, X> PredictInplace<ArrayBase<D, Ix2>, Array2<L>> for FittedMulti<M, L>
where
    M: MultiOutputClassifier,
    L: Ord + Clone + Default + std::fmt::Debug,
    D: Data<Elem = X>,
    X: Element,
{
    /// # Panics
    /// When the records do not suit the model (feature count, NaN) or `y` has another
    /// shape; [`FittedMulti::try_predict`] returns those as errors.
    fn predict_inplace<'a>(&'a self, x: &'a ArrayBase<D, Ix2>, y: &mut Array2<L>) {
        match self.try_predict(x) {
            Ok(labels) if labels.dim() == y.dim() => y.assign(&labels),
            Ok(labels) => panic!(
                "{:?} targets to fill, {:?} predicted",
                y.dim(),
                labels.dim()
            ),
            Err(e) => panic!("classify: {e} (FittedMulti::try_predict returns this as an error)"),
        }
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array2<L> {
        Array2::from_elem((x.nrows(), self.labels.len()), L::default())
    }
}

/// [`impl_linfa_fit!`](crate::impl_linfa_fit) for multi-output estimators (classifier chains, one model per
/// column): linfa's `Fit` on 2-D targets of any label type, into a [`FittedMulti`].
#[macro_export]
macro_rules! impl_linfa_fit_multi {
    (<$($g:ident: $b:path),*> $t:ty) => {
        impl<$($g: $b,)* __D, __X, __T>
            $crate::__linfa::traits::Fit<
                $crate::__ndarray::ArrayBase<__D, $crate::__ndarray::Ix2>,
                __T,
                $crate::Error,
            > for $t
        where
            __D: $crate::__ndarray::Data<Elem = __X>,
            __X: $crate::Element,
            __T: $crate::__linfa::dataset::AsMultiTargets,
            __T::Elem: ::std::cmp::Ord + ::std::clone::Clone + ::std::fmt::Debug,
            Self: $crate::MultiOutputEstimator,
        {
            type Object =
                $crate::FittedMulti<<Self as $crate::MultiOutputEstimator>::Model, __T::Elem>;

            fn fit(
                &self,
                dataset: &$crate::__linfa::DatasetBase<
                    $crate::__ndarray::ArrayBase<__D, $crate::__ndarray::Ix2>,
                    __T,
                >,
            ) -> $crate::Result<Self::Object> {
                $crate::fit_multi_dataset(self, dataset)
            }
        }
    };
    ($t:ty) => {
        $crate::impl_linfa_fit_multi!(<> $t);
    };
}

/// Implements linfa's `Fit` for estimators of classify (or your own [`Estimator`]): records
/// of `u8`, `f32` or `f64`, single targets of any label type; the fitted object is a
/// [`Fitted`]. A macro because Rust's orphan rule keeps a blanket implementation out of
/// reach: each crate implements it for its own types.
///
/// ```
/// use classify_core::{impl_linfa_fit, Classifier, Estimator, Features, Result};
///
/// #[derive(Clone)]
/// struct Majority;
/// struct Fixed(Vec<usize>, usize, usize);
///
/// impl Estimator for Majority {
///     type Model = Fixed;
///     fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<Fixed> {
///         let (classes, _) = classify_core::encode(y);
///         let count = |c: &usize| y.iter().filter(|&l| l == c).count();
///         let best = *classes.iter().max_by_key(|c| count(c)).unwrap_or(&0);
///         Ok(Fixed(classes, best, x.n_features()))
///     }
/// }
/// impl Classifier for Fixed {
///     fn classes(&self) -> &[usize] { &self.0 }
///     fn n_features(&self) -> usize { self.2 }
///     fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
///         Ok(vec![self.1; x.n_samples()])
///     }
/// }
/// impl_linfa_fit!(Majority);
///
/// use linfa::prelude::{Dataset, Fit, Predict};
/// let data = Dataset::new(ndarray::array![[1.0], [2.0], [3.0]], ndarray::array!["b", "a", "b"]);
/// // `Estimator` is in scope too: name the trait whose `fit` is meant.
/// let model = Fit::fit(&Majority, &data)?;
/// assert_eq!(model.predict(data.records()).to_vec(), vec!["b", "b", "b"]);
/// # Ok::<(), classify_core::Error>(())
/// ```
#[macro_export]
macro_rules! impl_linfa_fit {
    (<$($g:ident: $b:path),*> $t:ty) => {
        impl<$($g: $b,)* __D, __X, __T>
            $crate::__linfa::traits::Fit<
                $crate::__ndarray::ArrayBase<__D, $crate::__ndarray::Ix2>,
                __T,
                $crate::Error,
            > for $t
        where
            __D: $crate::__ndarray::Data<Elem = __X>,
            __X: $crate::Element,
            __T: $crate::__linfa::dataset::AsSingleTargets,
            __T::Elem: ::std::cmp::Ord + ::std::clone::Clone + ::std::fmt::Debug,
            Self: $crate::Estimator,
        {
            type Object = $crate::Fitted<<Self as $crate::Estimator>::Model, __T::Elem>;

            fn fit(
                &self,
                dataset: &$crate::__linfa::DatasetBase<
                    $crate::__ndarray::ArrayBase<__D, $crate::__ndarray::Ix2>,
                    __T,
                >,
            ) -> $crate::Result<Self::Object> {
                $crate::fit_dataset(self, dataset)
            }
        }
    };
    ($t:ty) => {
        $crate::impl_linfa_fit!(<> $t);
    };
}
