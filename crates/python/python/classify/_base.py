"""What every estimator of ``classify.sklearn`` shares: scikit-learn's input validation and
error types, the parameters the engines support, label encoding, seeds and pickling.

The engines (``classify._engine``, Rust) do every computation; this layer only checks and
lays out, as scikit-learn's own estimators do before their Cython or C++ code runs.
"""

import numbers

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _engine

# The dtypes the engines read without a copy; anything else becomes float64 first
# (scikit-learn's own rule for a list of dtypes: the first unless X's is in the list).
ENGINE_DTYPES = [np.float64, np.float32, np.uint8]

# scikit-learn's bound for the seeds it draws from a random_state.
MAX_INT = np.iinfo(np.int32).max


class Supported:
    """The values of a parameter that the engines implement (others are a ``ValueError``):
    ``None`` matches only ``None``, a bool only a bool, a string only an equal string, a
    number any equal number that is not a bool."""

    def __init__(self, *values):
        self.allowed = values

    def accepts(self, value):
        return any(_same(value, allowed) for allowed in self.allowed)


def _same(value, allowed):
    if allowed is None or value is None:
        return value is allowed
    is_bool = isinstance(value, (bool, np.bool_))
    if isinstance(allowed, bool):
        return is_bool and bool(value) == allowed
    if isinstance(allowed, str):
        return isinstance(value, str) and value == allowed
    return isinstance(value, numbers.Number) and not is_bool and value == allowed


def check_supported(estimator):
    """A ``ValueError`` naming the first parameter set to a value the engines do not
    implement, with the values they do."""
    for name, rule in type(estimator)._supported.items():
        value = getattr(estimator, name)
        if not rule.accepts(value):
            values = ", ".join(repr(a) for a in rule.allowed)
            raise ValueError(
                f"{type(estimator).__name__}: {name}={value!r} is not supported by classify "
                f"(supported: {values}); scikit-learn's own estimator implements it "
                f"(classify.patch_sklearn() falls back to it for such parameters)"
            )


def seed(random_state):
    """An int seed for the engines: the int itself (scikit-learn's draws for it), else one
    drawn from the ``RandomState`` (``None``: NumPy's global one), as scikit-learn draws its
    own seeds from it."""
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if not 0 <= random_state < 2**32:
            raise ValueError(
                f"random_state must be in [0, 2**32 - 1] (NumPy's seeds), got {random_state}"
            )
        return int(random_state)
    return int(check_random_state(random_state).randint(MAX_INT))


def n_jobs_of(n_jobs):
    """``n_jobs`` for the engines: ``None`` runs on every core (classify's engines use all
    cores as scikit-learn's BLAS does), an int as joblib reads it."""
    if n_jobs is None:
        return None
    if not isinstance(n_jobs, numbers.Integral) or n_jobs == 0:
        raise ValueError(f"n_jobs must be None or a non-zero int, got {n_jobs!r}")
    return int(n_jobs)


def check_X(estimator, X, reset=False):
    """scikit-learn's checks of X: 2-D, finite, dense, numbers, as many features as at fit.
    Arrays of uint8, float32 or float64 pass through as they are (no copy); the engines read
    C-ordered rows in place and copy other layouts once."""
    return validate_data(
        estimator, X, reset=reset, dtype=ENGINE_DTYPES, accept_sparse=False
    )


def check_X_y(estimator, X, y, multi_output=False):
    """scikit-learn's checks of X and y at fit (sets ``n_features_in_``)."""
    X, y = validate_data(
        estimator,
        X,
        y,
        reset=True,
        dtype=ENGINE_DTYPES,
        accept_sparse=False,
        multi_output=multi_output,
    )
    check_classification_targets(y)
    return X, y


def encode(y):
    """``classes_`` and each label's position in it (int64), as ``np.unique`` gives them."""
    classes, positions = np.unique(y, return_inverse=True)
    return classes, positions.astype(np.int64, copy=False).reshape(-1)


def two_classes(estimator, classes):
    """scikit-learn's error for a single class, where its estimator raises one."""
    if len(classes) < 2:
        raise ValueError(
            f"The number of classes has to be greater than one; got {len(classes)} class"
        )


def fitted_model(estimator):
    """The engine's model, or scikit-learn's ``NotFittedError``."""
    check_is_fitted(estimator)
    return estimator._model


__all__ = [
    "ENGINE_DTYPES",
    "Supported",
    "check_supported",
    "seed",
    "n_jobs_of",
    "check_X",
    "check_X_y",
    "encode",
    "two_classes",
    "fitted_model",
    "_engine",
]
