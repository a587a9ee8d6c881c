//! linfa's traits on classify's estimators: `Fit` on a `DatasetBase` of `u8`, `f32` or `f64`
//! records with targets of any label type, `PredictInplace` (so `Predict`) back to those
//! labels, and the scores and probabilities of the fitted model.

use linfa::dataset::AsSingleTargets;
use linfa::traits::PredictInplace;
use linfa::DatasetBase;
use ndarray::{Array1, Array2, ArrayBase, Data, Ix2};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::features::{Element, Features};
use crate::labels::LabelEncoder;
use crate::traits::{check_targets, Classifier, DecisionFunction, Estimator, PredictProba};

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
