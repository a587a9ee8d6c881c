"""scikit-learn drop-in estimators on classify's engines.

Each class is named and parameterised as scikit-learn's (``SGDClassifier``,
``KNeighborsClassifier``, ...), subclasses ``BaseEstimator`` and the same mixins, validates its
input with scikit-learn's own functions (so errors are scikit-learn's types and messages) and
has the fitted attributes users read (``classes_``, ``coef_``, ``feature_importances_``,
``support_``, ...). The fit, predictions, scores and probabilities are computed by the Rust
engines, without the GIL, and for the same data and ``random_state`` give scikit-learn's
numbers (``tests/test_same_numbers.py``).

A parameter value the engines do not implement (``warm_start``, a ``learning_rate`` other
than ``"optimal"``, ...) raises a ``ValueError`` at ``fit`` naming it
and the supported values; ``classify.patch_sklearn()`` sends such estimators to
scikit-learn's own classes instead.

>>> from sklearn.datasets import load_digits
>>> from classify.sklearn import KNeighborsClassifier
>>> X, y = load_digits(return_X_y=True)
>>> model = KNeighborsClassifier(n_neighbors=3).fit(X[:1500], y[:1500])
>>> round(model.score(X[1500:], y[1500:]), 4)
0.9731
"""

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils._available_if import available_if
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _engine
from ._base import (
    ENGINE_DTYPES,
    Supported,
    check_supported,
    check_X,
    check_X_y,
    encode,
    fitted_model,
    n_jobs_of,
    seed,
    two_classes,
)

__all__ = [
    "DecisionTreeClassifier",
    "DummyClassifier",
    "KNeighborsClassifier",
    "LogisticRegression",
    "RandomForestClassifier",
    "SGDClassifier",
    "SVC",
    "StandardScaler",
]


class _EngineClassifier(ClassifierMixin, BaseEstimator):
    """Fit and predict through one engine; subclasses give ``_kind`` and ``_params()``."""

    _kind = None
    _supported = {}

    def _n_jobs(self):
        return n_jobs_of(getattr(self, "n_jobs", None))

    def _fit_engine(self, X, y):
        check_supported(self)
        X, y = check_X_y(self, X, y)
        self.classes_, positions = encode(y)
        self._check_classes()
        self._prepare(y)
        self._model = _engine.fit(self._kind, self._params(), X, positions, self._n_jobs())
        self._set_fitted(self._model.fitted(), X, positions)
        return self

    def _check_classes(self):
        two_classes(self, self.classes_)

    def _prepare(self, y):
        # scikit-learn's own expansion of class_weight (a dict, or "balanced" from the
        # counts), for the engines that take one.
        self._class_weight = None
        if getattr(self, "class_weight", None) is not None:
            weights = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
            self._class_weight = [float(w) for w in weights]

    def _set_fitted(self, fitted, X, positions):
        pass

    def fit(self, X, y):
        """Fits on ``X`` (n_samples, n_features) and labels ``y`` (n_samples,)."""
        return self._fit_engine(X, y)

    def predict(self, X):
        """The predicted label of each row of ``X``."""
        model = fitted_model(self)
        X = check_X(self, X)
        return self.classes_[model.predict(X, self._n_jobs())]

    def _proba(self, X):
        model = fitted_model(self)
        X = check_X(self, X)
        return model.predict_proba(X, self._n_jobs())

    def _log_proba(self, X):
        # log(0) is -inf, as scikit-learn's estimators give it, without a warning.
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


class DummyClassifier(_EngineClassifier):
    """scikit-learn's ``DummyClassifier`` (one output): ``"prior"``, ``"most_frequent"``,
    ``"stratified"``, ``"uniform"`` and ``"constant"``, with scikit-learn's draws."""

    _kind = "dummy"
    _supported = {}

    def __init__(self, *, strategy="prior", random_state=None, constant=None):
        self.strategy = strategy
        self.random_state = random_state
        self.constant = constant

    def _check_classes(self):
        if self.strategy == "constant":
            if self.constant is None:
                raise ValueError(
                    "Constant target value has to be specified when the constant strategy is used."
                )
            if self.constant not in self.classes_:
                raise ValueError(
                    "The constant target value must be present in the training data. "
                    f"You provided constant={self.constant}. Possible values are: "
                    f"{list(self.classes_)}."
                )

    def _params(self):
        constant = 0
        if self.strategy == "constant":
            constant = int(np.flatnonzero(self.classes_ == self.constant)[0])
        return {
            "strategy": self.strategy,
            "constant": constant,
            "random_state": seed(self.random_state),
        }

    def _set_fitted(self, fitted, X, positions):
        self.class_prior_ = fitted["class_prior"]
        self.n_classes_ = len(self.classes_)
        self.n_outputs_ = 1

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags

    def predict_proba(self, X):
        """Each class's probability: the prior, a one-hot, or a draw, as the strategy says."""
        return self._proba(X)

    def predict_log_proba(self, X):
        """The logarithm of ``predict_proba``."""
        return self._log_proba(X)


class SGDClassifier(_EngineClassifier):
    """scikit-learn's ``SGDClassifier``: hinge, log and modified Huber losses, L2, L1,
    elastic-net or no penalty, the ``"optimal"`` learning rate, ``partial_fit``; the same
    weights as scikit-learn for the same ``random_state``."""

    _kind = "sgd"
    _supported = {
        "loss": Supported("hinge", "log_loss", "modified_huber"),
        "penalty": Supported("l2", "l1", "elasticnet", None),
        "learning_rate": Supported("optimal"),
        "early_stopping": Supported(False),
        "warm_start": Supported(False),
        "average": Supported(False),
    }

    def __init__(
        self,
        loss="hinge",
        *,
        penalty="l2",
        alpha=0.0001,
        l1_ratio=0.15,
        fit_intercept=True,
        max_iter=1000,
        tol=0.001,
        shuffle=True,
        verbose=0,
        epsilon=0.1,
        n_jobs=None,
        random_state=None,
        learning_rate="optimal",
        eta0=0.01,
        power_t=0.5,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        class_weight=None,
        warm_start=False,
        average=False,
    ):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.epsilon = epsilon
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.average = average

    def _params(self):
        return {
            "loss": self.loss,
            "penalty": "none" if self.penalty is None else self.penalty,
            "alpha": float(self.alpha),
            "l1_ratio": float(self.l1_ratio),
            "fit_intercept": bool(self.fit_intercept),
            "max_iter": int(self.max_iter),
            "tol": None if self.tol is None else float(self.tol),
            "n_iter_no_change": int(self.n_iter_no_change),
            "shuffle": bool(self.shuffle),
            "random_state": self._seed,
            "class_weight": self._class_weight,
        }

    def fit(self, X, y):
        """Trains for up to ``max_iter`` epochs from zero weights."""
        self._seed = seed(self.random_state)
        return self._fit_engine(X, y)

    def _set_fitted(self, fitted, X, positions):
        self._lay_out(fitted)
        self.t_ = float(self.n_iter_ * X.shape[0] + 1)

    def _lay_out(self, fitted):
        self.coef_ = fitted["coef"]
        self.intercept_ = fitted["intercept"]
        self.n_iter_ = int(max(fitted["n_iter"]))

    def partial_fit(self, X, y, classes=None):
        """One epoch over ``X`` and ``y`` from the weights so far (scikit-learn's
        ``partial_fit``); ``classes`` (every label there will be) on the first call."""
        check_supported(self)
        first = not hasattr(self, "classes_")
        if first:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            self._seed = seed(self.random_state)
            X, y = check_X_y(self, X, y)
            self.classes_ = unique_labels(classes)
            two_classes(self, self.classes_)
            model, t = None, 1.0
        else:
            if classes is not None and not np.array_equal(self.classes_, unique_labels(classes)):
                raise ValueError(
                    f"`classes={classes!r}` is not the same as on last call to partial_fit, "
                    f"was: {self.classes_!r}"
                )
            X = check_X(self, X)
            y = np.asarray(y)
            if y.ndim != 1 or y.shape[0] != X.shape[0]:
                raise ValueError(
                    f"Found input variables with inconsistent numbers of samples: "
                    f"[{X.shape[0]}, {y.shape[0]}]"
                )
            check_classification_targets(y)
            model, t = self._model, self.t_
        unknown = np.setdiff1d(np.unique(y), self.classes_)
        if unknown.size:
            raise ValueError(f"labels {unknown!r} are not in classes {self.classes_!r}")
        if isinstance(self.class_weight, str) and self.class_weight == "balanced":
            raise ValueError(
                "class_weight 'balanced' is not supported for partial_fit. In order to use "
                "'balanced' weights, use compute_class_weight('balanced', classes=classes, y=y). "
                "In place of y you can use a large enough sample of the full training set "
                "target to properly estimate the class frequency distributions. Pass the "
                "resulting weights as the class_weight parameter."
            )
        self._prepare(y)
        positions = np.searchsorted(self.classes_, y).astype(np.int64)
        self._model, self.t_ = _engine.partial_fit_sgd(
            self._params(), model, t, X, positions, len(self.classes_), self._n_jobs()
        )
        self._lay_out(self._model.fitted())
        return self

    def decision_function(self, X):
        """Signed distance to each hyperplane: (n_samples,) for two classes."""
        model = fitted_model(self)
        X = check_X(self, X)
        scores = model.decision_function(X, False, self._n_jobs())
        return scores.ravel() if scores.shape[1] == 1 else scores

    def _check_proba(self):
        if self.loss not in ("log_loss", "modified_huber"):
            raise AttributeError(f"probability estimates are not available for loss={self.loss!r}")
        return True

    @available_if(_check_proba)
    def predict_proba(self, X):
        """Probabilities: logistic (log loss) or clipped (modified Huber), one-vs-rest
        normalised."""
        return self._proba(X)

    @available_if(_check_proba)
    def predict_log_proba(self, X):
        """The logarithm of ``predict_proba``."""
        return self._log_proba(X)


class LogisticRegression(_EngineClassifier):
    """scikit-learn's ``LogisticRegression`` with its default solver: multinomial, L2
    penalty, L-BFGS."""

    _kind = "logistic"
    _supported = {
        "penalty": Supported("deprecated", "l2"),
        "l1_ratio": Supported(0.0, 0, None),
        "dual": Supported(False),
        "intercept_scaling": Supported(1, 1.0),
        "solver": Supported("lbfgs"),
        "warm_start": Supported(False),
    }

    def __init__(
        self,
        penalty="deprecated",
        *,
        C=1.0,
        l1_ratio=0.0,
        dual=False,
        tol=0.0001,
        fit_intercept=True,
        intercept_scaling=1,
        class_weight=None,
        random_state=None,
        solver="lbfgs",
        max_iter=100,
        verbose=0,
        warm_start=False,
        n_jobs=None,
    ):
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.dual = dual
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.random_state = random_state
        self.solver = solver
        self.max_iter = max_iter
        self.verbose = verbose
        self.warm_start = warm_start
        self.n_jobs = n_jobs

    def _check_classes(self):
        if len(self.classes_) < 2:
            raise ValueError(
                "This solver needs samples of at least 2 classes in the data, but the data "
                f"contains only one class: {self.classes_[0]!r}"
            )

    def _params(self):
        return {
            "C": float(self.C),
            "max_iter": int(self.max_iter),
            "tol": float(self.tol),
            "fit_intercept": bool(self.fit_intercept),
            "class_weight": self._class_weight,
        }

    def _set_fitted(self, fitted, X, positions):
        coef = fitted["coef"]
        intercept = fitted["intercept"]
        if len(self.classes_) == 2 and coef.shape[0] == 2:
            # scikit-learn keeps the binary model as one row: the second class's scores
            # against the first's.
            coef = coef[1:] - coef[:1]
            intercept = intercept[1:] - intercept[:1]
        self.coef_ = coef
        self.intercept_ = intercept
        self.n_iter_ = np.array([fitted["n_iter"]], dtype=np.int32)
        if not fitted["converged"]:
            from sklearn.exceptions import ConvergenceWarning

            warnings.warn(
                "lbfgs failed to converge after {} iteration(s) (status=1):\nSTOP: TOTAL NO. "
                "OF ITERATIONS REACHED LIMIT\n\nIncrease the number of iterations to improve "
                "the convergence (max_iter={}).".format(fitted["n_iter"], self.max_iter),
                ConvergenceWarning,
            )

    def decision_function(self, X):
        """Scores: (n_samples,) for two classes, else one column per class."""
        model = fitted_model(self)
        X = check_X(self, X)
        scores = model.decision_function(X, False, self._n_jobs())
        if scores.shape[1] == 2:
            return scores[:, 1] - scores[:, 0]
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict_proba(self, X):
        """Softmax probabilities, one column per class."""
        return self._proba(X)

    def predict_log_proba(self, X):
        """The logarithm of ``predict_proba``."""
        return self._log_proba(X)


class KNeighborsClassifier(_EngineClassifier):
    """scikit-learn's ``KNeighborsClassifier`` with the Euclidean metric: uniform or distance
    weights, 2-D targets (multilabel, multi-output), ``kneighbors`` and ``predict_proba``.
    At exactly equal distances it keeps the lower training index."""

    _kind = "knn"
    _supported = {
        "p": Supported(2, 2.0),
        "metric": Supported("minkowski", "euclidean", "l2"),
        "metric_params": Supported(None),
        "weights": Supported("uniform", "distance"),
    }

    def __init__(
        self,
        n_neighbors=5,
        *,
        weights="uniform",
        algorithm="auto",
        leaf_size=30,
        p=2,
        metric="minkowski",
        metric_params=None,
        n_jobs=None,
    ):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def _params(self):
        return {
            "n_neighbors": int(self.n_neighbors),
            "weights": self.weights,
            "algorithm": self.algorithm,
        }

    def _check_classes(self):
        pass

    def fit(self, X, y):
        """Stores the training rows; ``y`` may be 2-D (one column per output)."""
        check_supported(self)
        X, y = check_X_y(self, X, y, multi_output=True)
        if self.n_neighbors > X.shape[0]:
            raise ValueError(
                f"Expected n_neighbors <= n_samples_fit, but n_neighbors = "
                f"{self.n_neighbors}, n_samples_fit = {X.shape[0]}, n_samples = {X.shape[0]}"
            )
        if y.ndim == 2 and y.shape[1] == 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected.",
                stacklevel=2,
            )
        self.outputs_2d_ = y.ndim == 2 and y.shape[1] > 1
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        if self.outputs_2d_:
            encoded = [encode(y[:, j]) for j in range(y.shape[1])]
            self.classes_ = [c for c, _ in encoded]
            positions = np.stack([p for _, p in encoded], axis=1)
            self._model = _engine.fit_multi(self._params(), X, positions, self._n_jobs())
        else:
            self.classes_, positions = encode(y)
            self._model = _engine.fit(self._kind, self._params(), X, positions, self._n_jobs())
        self.n_samples_fit_ = X.shape[0]
        self.effective_metric_ = "euclidean"
        self.effective_metric_params_ = {}
        return self

    def predict(self, X):
        """The majority label among each row's neighbours (one column per output)."""
        model = fitted_model(self)
        X = check_X(self, X)
        if self.outputs_2d_:
            positions = model.predict_multi(X, self._n_jobs())
            return np.stack(
                [c[positions[:, j]] for j, c in enumerate(self.classes_)], axis=1
            )
        return self.classes_[model.predict(X, self._n_jobs())]

    def predict_proba(self, X):
        """Vote shares among each row's neighbours, one column per class."""
        if getattr(self, "outputs_2d_", False):
            model = fitted_model(self)
            X = check_X(self, X)
            return model.predict_proba_multi(X, self._n_jobs())
        return self._proba(X)

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """The nearest training rows of each row of ``X``: distances and indices; without
        ``X``, those of each training row among the others."""
        model = fitted_model(self)
        if n_neighbors is None:
            n_neighbors = self.n_neighbors
        if X is None:
            if n_neighbors >= self.n_samples_fit_:
                raise ValueError(
                    f"Expected n_neighbors < n_samples_fit, but n_neighbors = {n_neighbors}, "
                    f"n_samples_fit = {self.n_samples_fit_}, n_samples = {self.n_samples_fit_}"
                )
            found = model.kneighbors_of_training(int(n_neighbors), self._n_jobs())
        else:
            X = check_X(self, X)
            if n_neighbors > self.n_samples_fit_:
                raise ValueError(
                    f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {n_neighbors}, "
                    f"n_samples_fit = {self.n_samples_fit_}, n_samples = {X.shape[0]}"
                )
            found = model.kneighbors(X, int(n_neighbors), self._n_jobs())
        distances, indices = found
        return (distances, indices) if return_distance else indices

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class TreeStructure:
    """A fitted tree's nodes with the attributes of scikit-learn's ``tree_`` (its
    ``sklearn.tree._tree.Tree``): ``node_count``, ``children_left`` / ``children_right`` (-1
    at a leaf), ``feature`` and ``threshold`` (-2 at a leaf), ``value`` (node_count, 1,
    n_classes: the weighted class fractions of the node's training samples), ``impurity``,
    ``n_node_samples``, ``weighted_n_node_samples``, ``max_depth``, ``n_leaves``: equal to
    scikit-learn's for the same fit."""

    def __init__(self, nodes, n_features, n_classes):
        self.node_count = len(nodes["feature"])
        self.capacity = self.node_count
        self.n_features = n_features
        self.n_outputs = 1
        self.n_classes = np.array([n_classes], dtype=np.intp)
        self.max_n_classes = n_classes
        self.children_left = nodes["children_left"]
        self.children_right = nodes["children_right"]
        self.feature = nodes["feature"]
        self.threshold = nodes["threshold"]
        self.value = nodes["value"].reshape(self.node_count, 1, n_classes)
        self.impurity = nodes["impurity"]
        self.n_node_samples = nodes["n_node_samples"]
        self.weighted_n_node_samples = nodes["weighted_n_node_samples"]
        self.missing_go_to_left = np.zeros(self.node_count, dtype=np.uint8)
        self.max_depth = nodes["max_depth"]
        self.n_leaves = int((self.children_left == -1).sum())


class _TreeParams:
    """What the tree and the forest share: their parameters and fitted attributes."""

    def _check_classes(self):
        pass

    def _set_fitted(self, fitted, X, positions):
        self.feature_importances_ = fitted["feature_importances"]
        self.n_classes_ = len(self.classes_)
        self.n_outputs_ = 1

    def _tree_params(self):
        return {
            "criterion": self.criterion,
            "max_depth": None if self.max_depth is None else int(self.max_depth),
            "min_samples_split": int(self.min_samples_split),
            "min_samples_leaf": int(self.min_samples_leaf),
            "min_weight_fraction_leaf": float(self.min_weight_fraction_leaf),
            "max_features": self.max_features,
            "random_state": seed(self.random_state),
            "class_weight": self._class_weight,
        }


_TREE_SUPPORTED = {
    "criterion": Supported("gini", "entropy", "log_loss"),
    "max_leaf_nodes": Supported(None),
    "min_impurity_decrease": Supported(0.0, 0),
    "ccp_alpha": Supported(0.0, 0),
    "monotonic_cst": Supported(None),
}


class DecisionTreeClassifier(_TreeParams, _EngineClassifier):
    """scikit-learn's ``DecisionTreeClassifier`` (best splits, Gini or entropy), grown as
    scikit-learn grows it for the same ``random_state``."""

    _kind = "tree"
    _supported = {**_TREE_SUPPORTED, "splitter": Supported("best")}

    def __init__(
        self,
        *,
        criterion="gini",
        splitter="best",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=None,
        random_state=None,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        class_weight=None,
        ccp_alpha=0.0,
        monotonic_cst=None,
    ):
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.class_weight = class_weight
        self.ccp_alpha = ccp_alpha
        self.monotonic_cst = monotonic_cst

    def _params(self):
        return self._tree_params()

    def _set_fitted(self, fitted, X, positions):
        super()._set_fitted(fitted, X, positions)
        self._depth = fitted["depth"]
        self._n_leaves = fitted["n_leaves"]
        self.max_features_ = self._max_features_of(self.n_features_in_)
        if "tree" in fitted:
            self.tree_ = TreeStructure(fitted["tree"], self.n_features_in_, len(self.classes_))

    def _max_features_of(self, n_features):
        m = self.max_features
        if m is None:
            return n_features
        if m == "sqrt":
            return max(1, int(np.sqrt(n_features)))
        if m == "log2":
            return max(1, int(np.log2(n_features)))
        if isinstance(m, (int, np.integer)):
            return int(m)
        return max(1, int(m * n_features))

    def get_depth(self):
        """The depth of the tree."""
        check_is_fitted(self)
        return self._depth

    def get_n_leaves(self):
        """The number of leaves."""
        check_is_fitted(self)
        return self._n_leaves

    def predict_proba(self, X):
        """The class shares of each row's leaf."""
        return self._proba(X)

    def predict_log_proba(self, X):
        """The logarithm of ``predict_proba``."""
        return self._log_proba(X)


class RandomForestClassifier(_TreeParams, _EngineClassifier):
    """scikit-learn's ``RandomForestClassifier``: the same trees for the same
    ``random_state`` (bootstrap draws and feature draws), probabilities averaged."""

    _kind = "forest"
    _supported = {
        **_TREE_SUPPORTED,
        "oob_score": Supported(False),
        "warm_start": Supported(False),
        "max_samples": Supported(None),
    }

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features="sqrt",
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=True,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        class_weight=None,
        ccp_alpha=0.0,
        max_samples=None,
        monotonic_cst=None,
    ):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.class_weight = class_weight
        self.ccp_alpha = ccp_alpha
        self.max_samples = max_samples
        self.monotonic_cst = monotonic_cst

    def _prepare(self, y):
        # "balanced_subsample" weighs each tree's classes by its own bootstrap sample (in the
        # engine); without bootstrap it is "balanced", as in scikit-learn.
        subsample = isinstance(self.class_weight, str) and self.class_weight == "balanced_subsample"
        self._balanced_subsample = subsample and bool(self.bootstrap)
        if subsample:
            self._class_weight = None
            if not self.bootstrap:
                weights = compute_class_weight("balanced", classes=self.classes_, y=y)
                self._class_weight = [float(w) for w in weights]
        else:
            super()._prepare(y)

    def _params(self):
        return {
            **self._tree_params(),
            "n_estimators": int(self.n_estimators),
            "bootstrap": bool(self.bootstrap),
            "balanced_subsample": self._balanced_subsample,
        }

    @property
    def estimators_(self):
        """The trees, as scikit-learn's forest holds them: ``DecisionTreeClassifier``s with
        the seeds the forest drew for them, fitted on the classes' positions (``classes_`` of
        0.0, 1.0, ...), so each predicts positions and its ``predict_proba`` is scikit-learn's
        tree's."""
        model = fitted_model(self)
        seeds = np.random.RandomState(seed(self.random_state)).randint(
            np.iinfo(np.int32).max, size=self.n_estimators
        )
        trees = []
        for tree_model, tree_seed in zip(model.trees(), seeds):
            # scikit-learn's trees hold no class_weight: the forest weighed their samples.
            params = {
                k: v
                for k, v in self._tree_params().items()
                if k not in ("random_state", "class_weight")
            }
            params.pop("criterion")
            tree = DecisionTreeClassifier(
                criterion=self.criterion, random_state=int(tree_seed), **params
            )
            tree._model = tree_model
            tree.classes_ = np.arange(len(self.classes_), dtype=np.float64)
            tree.n_features_in_ = self.n_features_in_
            tree._set_fitted(tree_model.fitted(), None, None)
            trees.append(tree)
        return trees

    def predict_proba(self, X):
        """The trees' class shares, averaged."""
        return self._proba(X)

    def predict_log_proba(self, X):
        """The logarithm of ``predict_proba``."""
        return self._log_proba(X)


class SVC(_EngineClassifier):
    """scikit-learn's ``SVC`` (libsvm's solver): RBF, linear and polynomial kernels,
    one-vs-one with ``decision_function_shape`` ``"ovr"`` or ``"ovo"``, Platt probabilities
    with ``probability=True``; the same support vectors, coefficients and decisions."""

    _kind = "svc"
    _supported = {
        "kernel": Supported("rbf", "linear", "poly"),
        "shrinking": Supported(True),
        "decision_function_shape": Supported("ovr", "ovo"),
    }

    def __init__(
        self,
        *,
        C=1.0,
        kernel="rbf",
        degree=3,
        gamma="scale",
        coef0=0.0,
        shrinking=True,
        probability="deprecated",
        tol=0.001,
        cache_size=200,
        class_weight=None,
        verbose=False,
        max_iter=-1,
        decision_function_shape="ovr",
        break_ties=False,
        random_state=None,
    ):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.shrinking = shrinking
        self.probability = probability
        self.tol = tol
        self.cache_size = cache_size
        self.class_weight = class_weight
        self.verbose = verbose
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape
        self.break_ties = break_ties
        self.random_state = random_state

    def _probability(self):
        return self.probability is True

    def _params(self):
        gamma = self.gamma if isinstance(self.gamma, str) else float(self.gamma)
        return {
            "C": float(self.C),
            "kernel": self.kernel,
            "degree": int(self.degree),
            "gamma": gamma,
            "coef0": float(self.coef0),
            "tol": float(self.tol),
            "probability": self._probability(),
            "random_state": seed(self.random_state),
            "cache_size": float(self.cache_size),
            "class_weight": self._class_weight,
            "max_iter": None if self.max_iter == -1 else int(self.max_iter),
        }

    def fit(self, X, y):
        """Solves one binary problem per pair of classes."""
        if self.probability != "deprecated":
            warnings.warn(
                "The `probability` parameter was deprecated in 1.9 and will be removed in "
                "1.11. Use `CalibratedClassifierCV(SVC(), ensemble=False)` instead of "
                "`SVC(probability=True)`",
                FutureWarning,
            )
        return self._fit_engine(X, y)

    def _set_fitted(self, fitted, X, positions):
        k = len(self.classes_)
        rows = fitted["support"]
        # scikit-learn lists support vectors class by class, in training order within one.
        order = np.lexsort((rows, positions[rows]))
        place = np.empty_like(order)
        place[order] = np.arange(len(order))
        self.support_ = rows[order].astype(np.int32)
        self.support_vectors_ = fitted["support_vectors"][order]
        self.n_support_ = np.bincount(positions[self.support_], minlength=k).astype(np.int32)
        dual = np.zeros((k - 1, len(rows)))
        intercept, prob_a, prob_b = [], [], []
        for i, j, support, coef, rho, platt in fitted["pairs"]:
            # libsvm's layout: a support vector of class c holds its coefficient for the
            # pair (c, o) in row o, less one when o comes after c.
            cols = place[support]
            own = positions[rows[support]]
            other = np.where(own == i, j, i)
            dual[np.where(other < own, other, other - 1), cols] = coef
            intercept.append(-rho)
            if platt is not None:
                prob_a.append(platt[0])
                prob_b.append(platt[1])
        self.dual_coef_ = dual
        self.intercept_ = np.array(intercept)
        if k == 2:
            self.dual_coef_ = -self.dual_coef_
            self.intercept_ = -self.intercept_
        self.probA_ = np.array(prob_a)
        self.probB_ = np.array(prob_b)
        self.n_iter_ = np.array(fitted["n_iter"], dtype=np.int32)
        self.fit_status_ = 0
        if self.max_iter != -1 and (self.n_iter_ >= self.max_iter).any():
            from sklearn.exceptions import ConvergenceWarning

            self.fit_status_ = 1
            warnings.warn(
                f"Solver terminated early (max_iter={self.max_iter}).  Consider pre-processing "
                "your data with StandardScaler or MinMaxScaler.",
                ConvergenceWarning,
            )
        self.shape_fit_ = X.shape
        self.class_weight_ = np.array(self._class_weight if self._class_weight else [1.0] * k)
        self._gamma = fitted["gamma"] if fitted["gamma"] is not None else 0.0

    def decision_function(self, X):
        """One-vs-rest scores from the pairwise ones (``"ovr"``) or the pairwise decisions
        (``"ovo"``); (n_samples,) for two classes."""
        model = fitted_model(self)
        X = check_X(self, X)
        ovo = self.decision_function_shape == "ovo"
        scores = model.decision_function(X, ovo, self._n_jobs())
        if len(self.classes_) == 2:
            return (-scores).ravel() if ovo else scores.ravel()
        return scores

    def predict(self, X):
        """The one-vs-one vote (``break_ties``: the largest one-vs-rest score)."""
        if self.break_ties and self.decision_function_shape == "ovo":
            raise ValueError(
                "break_ties must be False when decision_function_shape is 'ovo'"
            )
        if self.break_ties and self.decision_function_shape == "ovr" and len(self.classes_) > 2:
            return self.classes_[np.argmax(self.decision_function(X), axis=1)]
        return super().predict(X)

    def _check_proba(self):
        if not self._probability():
            raise AttributeError(
                "predict_proba is not available when probability=False"
            )
        return True

    @available_if(_check_proba)
    def predict_proba(self, X):
        """libsvm's probabilities: each pair's Platt sigmoid, coupled across the pairs."""
        return self._proba(X)

    @available_if(_check_proba)
    def predict_log_proba(self, X):
        """The logarithm of ``predict_proba``."""
        return self._log_proba(X)


class StandardScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """scikit-learn's ``StandardScaler`` on dense input: ``(x - mean_) / scale_``, in
    ``float64``."""

    def __init__(self, *, copy=True, with_mean=True, with_std=True):
        self.copy = copy
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None):
        """Each feature's mean and variance (one ``partial_fit`` from nothing, as
        scikit-learn fits)."""
        for attribute in ("mean_", "var_", "scale_", "n_samples_seen_", "_model"):
            self.__dict__.pop(attribute, None)
        return self.partial_fit(X, y)

    def partial_fit(self, X, y=None):
        """Updates the means and variances with the rows of ``X`` (scikit-learn's
        incremental update, to the last bit)."""
        first = not hasattr(self, "n_samples_seen_")
        X = check_X(self, X, reset=first)
        mean = None if first else getattr(self, "_mean", None)
        var = None if first else getattr(self, "_var", None)
        seen = 0 if first else int(self.n_samples_seen_)
        self._model, self._mean, self._var, seen = _engine.partial_fit_scaler(
            bool(self.with_mean), bool(self.with_std), X, mean, var, seen
        )
        self.n_samples_seen_ = seen
        # scikit-learn keeps the statistics it does not apply (the mean without centring),
        # and None where it applies neither.
        self.mean_ = self._mean if self.with_mean or self.with_std else None
        self.var_ = self._var if self.with_std else None
        self.scale_ = self._model.fitted()["scale"] if self.with_std else None
        return self

    def transform(self, X, copy=None):
        """``(X - mean_) / scale_`` as a new ``float64`` array."""
        model = fitted_model(self)
        X = check_X(self, X)
        return model.transform(X)

    def inverse_transform(self, X, copy=None):
        """``X * scale_ + mean_``."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        out = np.array(X, dtype=np.float64)
        if self.with_std:
            out *= self.scale_
        if self.with_mean:
            out += self.mean_
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


del ENGINE_DTYPES
