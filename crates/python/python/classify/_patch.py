"""``patch_sklearn()``: scikit-learn's estimator names give classify's estimators, where their
parameters are supported, and scikit-learn's own otherwise (as Intel's extension patches)."""

import importlib

from ._base import Supported

# (scikit-learn module, class name): the classes classify implements.
TARGETS = [
    ("sklearn.dummy", "DummyClassifier"),
    ("sklearn.linear_model", "SGDClassifier"),
    ("sklearn.linear_model", "LogisticRegression"),
    ("sklearn.neighbors", "KNeighborsClassifier"),
    ("sklearn.tree", "DecisionTreeClassifier"),
    ("sklearn.ensemble", "RandomForestClassifier"),
    ("sklearn.svm", "SVC"),
    ("sklearn.preprocessing", "StandardScaler"),
]

# scikit-learn modules whose definitions use the classes above.
BUILT_ON_TARGETS = [
    "sklearn.ensemble",
    "sklearn.calibration",
    "sklearn.multiclass",
    "sklearn.multioutput",
    "sklearn.model_selection",
    "sklearn.pipeline",
    "sklearn.semi_supervised",
    "sklearn.feature_selection",
]

_originals = {}


def supports(estimator):
    """Whether classify's engines implement every parameter value ``estimator`` holds."""
    rules = getattr(type(estimator), "_supported", {})
    return all(
        isinstance(rule, Supported) and rule.accepts(getattr(estimator, name))
        for name, rule in rules.items()
    )


def _dispatcher(ours, theirs):
    """A class named as scikit-learn's whose construction gives classify's estimator when it
    supports the parameters, scikit-learn's otherwise."""

    def __new__(cls, *args, **kwargs):
        try:
            candidate = ours(*args, **kwargs)
        except TypeError:
            return theirs(*args, **kwargs)
        return candidate if supports(candidate) else theirs(*args, **kwargs)

    return type(
        ours.__name__,
        (ours,),
        {
            "__new__": __new__,
            "__module__": theirs.__module__,
            "__doc__": ours.__doc__,
            "_classify_dispatch": True,
        },
    )


def patch_sklearn():
    """Makes ``from sklearn.<module> import <Estimator>`` give classify's estimator (for
    ``DummyClassifier``, ``SGDClassifier``, ``LogisticRegression``, ``KNeighborsClassifier``,
    ``DecisionTreeClassifier``, ``RandomForestClassifier``, ``SVC`` and ``StandardScaler``)
    where its parameters are supported, and scikit-learn's own where they are not. Call it
    before those imports; ``unpatch_sklearn()`` undoes it."""
    from . import sklearn as ours

    # scikit-learn's own modules import these classes by name (the forest subclasses the
    # tree's parameters): import them all first, so that they keep scikit-learn's classes.
    for module_name in BUILT_ON_TARGETS + [m for m, _ in TARGETS]:
        importlib.import_module(module_name)
    for module_name, name in TARGETS:
        module = importlib.import_module(module_name)
        current = getattr(module, name)
        if getattr(current, "_classify_dispatch", False):
            continue
        _originals[(module_name, name)] = current
        setattr(module, name, _dispatcher(getattr(ours, name), current))


def unpatch_sklearn():
    """Gives scikit-learn's own estimators back to its modules."""
    for (module_name, name), original in list(_originals.items()):
        setattr(importlib.import_module(module_name), name, original)
        del _originals[(module_name, name)]
