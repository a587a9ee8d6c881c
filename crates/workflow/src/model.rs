//! The one model type of every step: which estimator, standard scaling in front of it, the
//! multiclass strategy around it, SGD's solver and the seed — built once (from the command
//! line's `--model`, `--scale`, `--strategy`, `--solver`, `--seed`) and run by every step.

use classify_models::Features;
use classify_models::{
    DecisionFunction, DummyClassifier, Estimator, KNeighborsClassifier, LogisticRegression,
    RandomForestClassifier, SgdClassifier, SgdSolver, Svc,
};
use classify_multiclass::{OneVsOne, OneVsRest};
use classify_persist::AnyModel;
use classify_preprocessing::{Scaled, ScaledModel};
use classify_selection::{Decision, Proba, Response};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Which estimator, with scikit-learn's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// `SGDClassifier()`: hinge loss, alpha 1e-4.
    Sgd,
    /// `DummyClassifier()`: always the most frequent class.
    Dummy,
    /// `RandomForestClassifier()`: 100 trees.
    Forest,
    /// `SVC()`: RBF kernel, C = 1, gamma = "scale", one-vs-one.
    Svc,
    /// `KNeighborsClassifier()`: 5 neighbours, uniform votes.
    Knn,
    /// `LogisticRegression()`: multinomial, L-BFGS.
    Logistic,
}

impl ModelKind {
    /// Every kind, in the order the command line lists them.
    pub const ALL: [ModelKind; 6] = [
        ModelKind::Sgd,
        ModelKind::Dummy,
        ModelKind::Forest,
        ModelKind::Svc,
        ModelKind::Knn,
        ModelKind::Logistic,
    ];

    /// The command line's name (`sgd`, `forest`, ...).
    pub fn id(self) -> &'static str {
        match self {
            ModelKind::Sgd => "sgd",
            ModelKind::Dummy => "dummy",
            ModelKind::Forest => "forest",
            ModelKind::Svc => "svc",
            ModelKind::Knn => "knn",
            ModelKind::Logistic => "logistic",
        }
    }

    /// What it is, in words.
    pub fn describe(self) -> &'static str {
        match self {
            ModelKind::Sgd => "SGD (hinge loss, alpha 1e-4)",
            ModelKind::Dummy => "dummy (most frequent class)",
            ModelKind::Forest => "random forest (100 trees)",
            ModelKind::Svc => "SVC (RBF kernel, C = 1, gamma = scale)",
            ModelKind::Knn => "k-NN (k = 5)",
            ModelKind::Logistic => "logistic regression",
        }
    }

    /// What it is, as scikit-learn names it (the command line's help).
    pub fn help(self) -> &'static str {
        match self {
            ModelKind::Sgd => {
                "linear model trained by SGD (hinge loss), as scikit-learn's SGDClassifier()"
            }
            ModelKind::Dummy => "always the most frequent class, as DummyClassifier()",
            ModelKind::Forest => "random forest of 100 trees, as RandomForestClassifier()",
            ModelKind::Svc => {
                "support-vector classifier, RBF kernel, one-vs-one, as SVC() (slow beyond a few \
                 thousand training images)"
            }
            ModelKind::Knn => "k-nearest neighbours (k = 5), as KNeighborsClassifier()",
            ModelKind::Logistic => {
                "multinomial logistic regression, as LogisticRegression() (standard scaling in \
                 front of it in chains and saved models)"
            }
        }
    }

    /// Whether the model scores by probabilities (scikit-learn's `response_method="auto"`
    /// takes `predict_proba` where there is one): the dummy, the forest, k-NN and logistic
    /// regression; SGD (hinge loss) and SVC (`probability=False`) give decision values.
    pub fn scores_by_probability(self) -> bool {
        matches!(
            self,
            ModelKind::Dummy | ModelKind::Forest | ModelKind::Knn | ModelKind::Logistic
        )
    }

    /// Whether the model has decision values a one-vs-rest or one-vs-one strategy can vote
    /// with.
    pub fn has_decision_function(self) -> bool {
        matches!(self, ModelKind::Sgd | ModelKind::Svc | ModelKind::Logistic)
    }
}

/// How a binary model handles more than two classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// One binary model per class (`OneVsRestClassifier`).
    OneVsRest,
    /// One binary model per pair of classes (`OneVsOneClassifier`).
    OneVsOne,
}

impl Strategy {
    /// Its short name: `ovr`, `ovo`.
    pub fn id(self) -> &'static str {
        match self {
            Strategy::OneVsRest => "ovr",
            Strategy::OneVsOne => "ovo",
        }
    }
}

/// A model as the steps train it.
///
/// ```
/// use classify_workflow::{Model, ModelKind, Strategy};
///
/// let model = Model {
///     scale: true,
///     strategy: Some(Strategy::OneVsRest),
///     ..Model::new(ModelKind::Svc)
/// };
/// assert_eq!(model.name(), "standard scaling + SVC (RBF kernel, C = 1, gamma = scale)");
/// assert_eq!(model.strategy_name(), "one-vs-rest");
/// assert_eq!(model.n_estimators(10), 10);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Model {
    /// The estimator.
    pub kind: ModelKind,
    /// Standard scaling learned on the training rows, in front of the estimator.
    pub scale: bool,
    /// A multiclass strategy around it (`None`: the model's own).
    pub strategy: Option<Strategy>,
    /// How SGD trains.
    pub solver: SgdSolver,
    /// `random_state` of the models that draw (SGD, the forest).
    pub seed: u64,
}

impl Model {
    /// `kind` unscaled, its own strategy, scikit-learn's SGD steps, seed 42.
    pub fn new(kind: ModelKind) -> Model {
        Model {
            kind,
            scale: false,
            strategy: None,
            solver: SgdSolver::ScikitLearn,
            seed: 42,
        }
    }

    /// `kind` as it is trained on its own — a classifier chain's links, a model file:
    /// logistic regression behind a standard scaler (L-BFGS on raw pixels stops far from
    /// the optimum), the others as they are; `random_state` `seed`.
    pub fn standalone(kind: ModelKind, seed: u64) -> Model {
        Model {
            scale: kind == ModelKind::Logistic,
            seed,
            ..Model::new(kind)
        }
    }

    /// Fits the model on `x`, `y` as a model file holds it ([`AnyModel`]): k-NN, the
    /// forest, SGD and SVC as they are, logistic regression scaled (as
    /// [`Model::standalone`] makes them). A dummy (it predicts one class), a strategy or
    /// another scaling is refused.
    pub fn fit_any(&self, x: Features<'_>, y: &[usize]) -> Result<AnyModel> {
        if let Some(strategy) = self.strategy {
            return Err(Error::option(
                "strategy",
                strategy.id(),
                "a model file holds a model with its own multiclass strategy",
            ));
        }
        let standalone = Model::standalone(self.kind, self.seed);
        if self.scale != standalone.scale {
            return Err(Error::option(
                "scale",
                self.scale,
                format!(
                    "a model file holds the {} {}",
                    self.kind.id(),
                    if standalone.scale {
                        "scaled"
                    } else {
                        "unscaled"
                    }
                ),
            ));
        }
        Ok(match self.kind {
            ModelKind::Knn => KNeighborsClassifier::default().fit(x, y)?.into(),
            ModelKind::Forest => self.forest().fit(x, y)?.into(),
            ModelKind::Sgd => self.sgd().fit(x, y)?.into(),
            ModelKind::Svc => Svc::default().fit(x, y)?.into(),
            ModelKind::Logistic => Scaled::new(LogisticRegression::default()).fit(x, y)?.into(),
            ModelKind::Dummy => {
                return Err(Error::option(
                    "model",
                    self.kind.id(),
                    "a model file holds knn, forest, sgd, logistic or svc (a dummy predicts one \
                     class)",
                ))
            }
        })
    }

    /// The model in words: "standard scaling + SGD (hinge loss, alpha 1e-4)".
    pub fn name(&self) -> String {
        let base = self.kind.describe();
        if self.scale {
            format!("standard scaling + {base}")
        } else {
            base.to_string()
        }
    }

    /// How it handles many classes, in words.
    pub fn strategy_name(&self) -> &'static str {
        match (self.strategy, self.kind) {
            (Some(Strategy::OneVsRest), _) => "one-vs-rest",
            (Some(Strategy::OneVsOne), _) => "one-vs-one",
            (None, ModelKind::Svc) => "native (one-vs-one)",
            (None, ModelKind::Sgd) => "native (one-vs-rest)",
            (None, _) => "native",
        }
    }

    /// Whether its scores are probabilities (see [`ModelKind::scores_by_probability`]);
    /// behind a strategy they are the strategy's decision values.
    pub fn scores_by_probability(&self) -> bool {
        self.strategy.is_none() && self.kind.scores_by_probability()
    }

    /// The score above which the model calls a row positive: 0.5 for probabilities, 0 for
    /// decision values.
    pub fn decision_threshold(&self) -> f64 {
        if self.scores_by_probability() {
            0.5
        } else {
            0.0
        }
    }

    /// How many estimators a fit on `n_classes` classes makes: one per class for
    /// one-vs-rest (and SGD's own), one per pair for one-vs-one (and SVC's own), 100 trees,
    /// one model otherwise; a binary problem needs one binary model.
    pub fn n_estimators(&self, n_classes: usize) -> usize {
        let per_class = if n_classes == 2 { 1 } else { n_classes };
        let pairs = n_classes * n_classes.saturating_sub(1) / 2;
        match (self.strategy, self.kind) {
            (Some(Strategy::OneVsRest), _) | (None, ModelKind::Sgd) => per_class,
            (Some(Strategy::OneVsOne), _) | (None, ModelKind::Svc) => pairs,
            (None, ModelKind::Forest) => RandomForestClassifier::default().n_estimators,
            (None, _) => 1,
        }
    }

    /// The same model with SGD's `solver` (other kinds ignore it).
    pub fn with_solver(self, solver: SgdSolver) -> Model {
        Model { solver, ..self }
    }

    /// Checks that the strategy fits the model: a strategy votes with decision values,
    /// which the dummy, the forest and k-NN do not give.
    pub fn check(&self) -> Result<()> {
        if self.strategy.is_some() && !self.kind.has_decision_function() {
            return Err(Error::option(
                "strategy",
                self.strategy.map_or("ovr", Strategy::id),
                format!(
                    "a strategy needs a model with decision scores (sgd, svc, logistic); the {} \
                     is multiclass as it is",
                    self.kind.id()
                ),
            ));
        }
        Ok(())
    }

    fn sgd(&self) -> SgdClassifier {
        SgdClassifier {
            random_state: self.seed,
            solver: self.solver,
            ..Default::default()
        }
    }

    fn forest(&self) -> RandomForestClassifier {
        RandomForestClassifier {
            random_state: self.seed,
            ..Default::default()
        }
    }

    /// Runs `task` with this model's estimator and the scores it is judged by (decision
    /// values or probabilities): the one place where the model's type is chosen.
    pub fn run<T: ModelTask>(&self, task: T) -> Result<T::Output> {
        self.check()?;
        match self.kind {
            ModelKind::Sgd => self.voting(self.sgd(), task),
            ModelKind::Svc => self.voting(Svc::default(), task),
            ModelKind::Logistic if self.strategy.is_some() => {
                self.voting(LogisticRegression::default(), task)
            }
            ModelKind::Logistic => self.scaled(LogisticRegression::default(), Proba, task),
            ModelKind::Dummy => self.scaled(DummyClassifier::most_frequent(), Proba, task),
            ModelKind::Forest => self.scaled(self.forest(), Proba, task),
            ModelKind::Knn => self.scaled(KNeighborsClassifier::default(), Proba, task),
        }
    }

    /// A model with decision values, alone or behind the strategy.
    fn voting<E, T>(&self, estimator: E, task: T) -> Result<T::Output>
    where
        E: Estimator,
        E::Model: DecisionFunction,
        T: ModelTask,
    {
        match self.strategy {
            None => self.scaled(estimator, Decision, task),
            Some(Strategy::OneVsRest) => self.scaled(OneVsRest::new(estimator), Decision, task),
            Some(Strategy::OneVsOne) => self.scaled(OneVsOne::new(estimator), Decision, task),
        }
    }

    /// `estimator`, behind a standard scaler when asked.
    fn scaled<E, R, T>(&self, estimator: E, response: R, task: T) -> Result<T::Output>
    where
        E: Estimator,
        R: Response<E::Model> + Response<ScaledModel<E::Model>>,
        T: ModelTask,
    {
        if self.scale {
            task.run(Scaled::new(estimator), response)
        } else {
            task.run(estimator, response)
        }
    }
}

/// Something to do with a [`Model`]'s estimator, whatever its type: [`Model::run`] builds
/// the estimator and hands it over with the scores it is judged by.
pub trait ModelTask {
    /// What the task gives.
    type Output;
    /// Runs the task with `estimator`, scored by `response`.
    fn run<E, R>(self, estimator: E, response: R) -> Result<Self::Output>
    where
        E: Estimator,
        R: Response<E::Model>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (ndarray::Array2<u8>, Vec<usize>) {
        let data = classify_datasets::mnist_sample().unwrap().train.head(200);
        let y = data.labels();
        (data.data, y)
    }

    /// Every kind a model file holds fits as [`Model::standalone`] makes it, and says what
    /// it is from the fitted model.
    #[test]
    fn standalone_models_fit_for_a_model_file() {
        let (x, y) = sample();
        for (kind, described) in [
            (ModelKind::Knn, "k-NN (k = 5)"),
            (ModelKind::Forest, "random forest (100 trees)"),
            (ModelKind::Sgd, "SGD (hinge loss)"),
            (
                ModelKind::Logistic,
                "standard scaling + logistic regression",
            ),
            (ModelKind::Svc, "SVC (RBF kernel, one-vs-one)"),
        ] {
            let model = Model::standalone(kind, 7).fit_any((&x).into(), &y).unwrap();
            assert_eq!(model.describe(), described);
            assert_eq!(model.classifier().unwrap().classes().len(), 10);
        }
    }

    /// What a model file cannot hold is a typed option error naming the option.
    #[test]
    fn a_model_file_refuses_the_dummy_a_strategy_and_other_scaling() {
        let (x, y) = sample();
        let refused = |model: Model| match model.fit_any((&x).into(), &y) {
            Err(Error::Option { option, .. }) => option,
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("{model:?} fitted"),
        };
        assert_eq!(refused(Model::standalone(ModelKind::Dummy, 0)), "model");
        let ovr = Model {
            strategy: Some(Strategy::OneVsRest),
            ..Model::standalone(ModelKind::Sgd, 0)
        };
        assert_eq!(refused(ovr), "strategy");
        assert_eq!(refused(Model::new(ModelKind::Logistic)), "scale");
        let scaled = Model {
            scale: true,
            ..Model::new(ModelKind::Knn)
        };
        assert_eq!(refused(scaled), "scale");
    }
}
