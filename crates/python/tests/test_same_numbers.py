"""The same numbers as scikit-learn: every estimator fitted beside scikit-learn's own on the
same data with the same parameters and ``random_state``, on scikit-learn's 8x8 digits and on
the real MNIST pixels embedded in classify. Labels must be equal; scores, probabilities and
fitted attributes equal to 1e-9 relative.

The reference is scikit-learn itself, run here (it is a dependency of the package), rather
than fixture files written once: the comparison follows the installed scikit-learn.
"""

import warnings

import numpy as np
import pytest
import sklearn.dummy
import sklearn.ensemble
import sklearn.linear_model
import sklearn.neighbors
import sklearn.preprocessing
import sklearn.svm
import sklearn.tree
from sklearn.datasets import load_digits

import classify
from classify import sklearn as ours

RTOL = 1e-9


def digits():
    X, y = load_digits(return_X_y=True)
    return X[:1200], y[:1200], X[1200:], y[1200:]


def mnist():
    X, y, X_test, y_test = classify.mnist_sample()
    return X, y, X_test[:300], y_test[:300]


DATA = {"digits": digits, "mnist": mnist}


def close(a, b, rtol=RTOL):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    scale = max(np.abs(b).max(), 1e-300)
    # Relative to the array's largest magnitude: entries that are (near) zero on both sides
    # differ by rounding of the other terms only.
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale)


def both(name, **params):
    theirs = {
        "SGDClassifier": sklearn.linear_model.SGDClassifier,
        "LogisticRegression": sklearn.linear_model.LogisticRegression,
        "DummyClassifier": sklearn.dummy.DummyClassifier,
        "KNeighborsClassifier": sklearn.neighbors.KNeighborsClassifier,
        "DecisionTreeClassifier": sklearn.tree.DecisionTreeClassifier,
        "RandomForestClassifier": sklearn.ensemble.RandomForestClassifier,
        "SVC": sklearn.svm.SVC,
    }[name]
    return getattr(ours, name)(**params), theirs(**params)


def compare(a, b, X_test, attributes=()):
    assert np.array_equal(a.classes_, b.classes_)
    assert np.array_equal(a.predict(X_test), b.predict(X_test))
    for method in ("decision_function", "predict_proba"):
        if hasattr(b, method):
            assert hasattr(a, method)
            close(getattr(a, method)(X_test), getattr(b, method)(X_test))
    for attribute in attributes:
        close(getattr(a, attribute), getattr(b, attribute))


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"loss": "log_loss"},
        {"loss": "modified_huber", "penalty": "elasticnet"},
        {"penalty": "l1", "alpha": 1e-3},
        {"penalty": None, "fit_intercept": False, "shuffle": False},
    ],
)
def test_sgd(data, params):
    X, y, X_test, _ = DATA[data]()
    if data == "mnist" and params:
        # Pixels in [0, 1], as one feeds SGD: on raw bytes these settings run all 1,000
        # epochs (200 s for scikit-learn); the default (the book's) stays on raw bytes.
        X, X_test = X / 255.0, X_test / 255.0
    a, b = both("SGDClassifier", random_state=42, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a.fit(X, y)
        b.fit(X, y)
    compare(a, b, X_test, ["coef_", "intercept_"])
    assert a.n_iter_ == b.n_iter_
    assert a.t_ == b.t_


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("binary", [False, True])
def test_sgd_partial_fit_over_chunks(data, binary):
    X, y, X_test, _ = DATA[data]()
    if binary:
        y = y == 5
    classes = np.unique(y)
    a, b = both("SGDClassifier", loss="log_loss", random_state=7)
    for start in range(0, len(X), 250):
        chunk = slice(start, start + 250)
        a.partial_fit(X[chunk], y[chunk], classes=classes)
        b.partial_fit(X[chunk], y[chunk], classes=classes)
        close(a.coef_, b.coef_)
        close(a.intercept_, b.intercept_)
        assert a.t_ == b.t_
    compare(a, b, X_test)


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize(
    "params",
    [
        {"strategy": "prior"},
        {"strategy": "most_frequent"},
        {"strategy": "stratified", "random_state": 3},
        {"strategy": "uniform", "random_state": 3},
        {"strategy": "constant", "constant": 4},
    ],
)
def test_dummy(data, params):
    X, y, X_test, _ = DATA[data]()
    a, b = both("DummyClassifier", **params)
    compare(a.fit(X, y), b.fit(X, y), X_test, ["class_prior_"])


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"criterion": "entropy", "max_depth": 6},
        {"max_features": "sqrt", "min_samples_leaf": 3},
        {"min_weight_fraction_leaf": 0.01},
        # Class weights that are sums of powers of two weigh every node exactly, as
        # scikit-learn's float sums do; a weight of 0 takes the class's samples out.
        {"class_weight": {0: 3.0, 1: 0.5, 7: 2.0}},
        {"class_weight": {0: 0.0, 5: 0.25}, "criterion": "entropy"},
        {"class_weight": {0: 2.0, 3: 0.5}, "min_weight_fraction_leaf": 0.05},
        # Other weights round: ties between equally good splits then break as the sums'
        # last bits fall, which follow scikit-learn's order of updates (on MNIST at depth 6,
        # two pixels that split the same 128 samples 60 / 68: scikit-learn takes the other
        # one). Without such ties, the same tree.
        {"class_weight": "balanced", "min_samples_leaf": 60, "max_depth": 4},
    ],
)
def test_decision_tree(data, params):
    X, y, X_test, _ = DATA[data]()
    a, b = both("DecisionTreeClassifier", random_state=0, **params)
    compare(a.fit(X, y), b.fit(X, y), X_test, ["feature_importances_", "max_features_"])
    assert (a.get_depth(), a.get_n_leaves()) == (b.get_depth(), b.get_n_leaves())
    same_nodes(a.tree_, b.tree_)


def same_nodes(mine, theirs):
    """A tree_ equal to scikit-learn's: structure exactly, statistics to 1e-9."""
    for name in ["node_count", "n_leaves", "max_depth", "n_outputs", "n_features"]:
        assert getattr(mine, name) == getattr(theirs, name), name
    for name in ["children_left", "children_right", "feature", "n_node_samples", "n_classes"]:
        assert np.array_equal(getattr(mine, name), getattr(theirs, name)), name
    for name in ["threshold", "impurity", "weighted_n_node_samples", "value"]:
        close(getattr(mine, name), getattr(theirs, name))


@pytest.mark.parametrize("data", DATA)
def test_random_forest(data):
    X, y, X_test, _ = DATA[data]()
    a, b = both("RandomForestClassifier", n_estimators=25, random_state=42)
    compare(a.fit(X, y), b.fit(X, y), X_test, ["feature_importances_"])
    assert len(a.estimators_) == len(b.estimators_) == 25
    for mine, theirs in zip(a.estimators_[:5], b.estimators_):
        assert mine.random_state == theirs.random_state
        compare(mine, theirs, X_test, ["feature_importances_"])
        assert (mine.get_depth(), mine.get_n_leaves()) == (theirs.get_depth(), theirs.get_n_leaves())
        same_nodes(mine.tree_, theirs.tree_)


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize(
    "params",
    [
        # scikit-learn draws each bootstrap sample in proportion to the class weights: the
        # same draws, and trees on the counts alone, for any weights.
        {"class_weight": "balanced"},
        {"class_weight": {0: 3.0, 1: 0.1, 7: 2.0}},
        {"class_weight": "balanced", "bootstrap": False, "min_samples_leaf": 60},
        {"min_weight_fraction_leaf": 0.01},
        # Each tree's own balance weighs its samples: exact where no ties (see the tree).
        {"class_weight": "balanced_subsample", "min_samples_leaf": 60},
    ],
)
def test_random_forest_weights(data, params):
    X, y, X_test, _ = DATA[data]()
    X, y = X[:1500], y[:1500]
    a, b = both("RandomForestClassifier", n_estimators=10, random_state=0, **params)
    compare(a.fit(X, y), b.fit(X, y), X_test, ["feature_importances_"])


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kernel": "linear", "C": 0.5},
        {"kernel": "poly", "degree": 2, "coef0": 1.0, "gamma": "auto"},
        {"decision_function_shape": "ovo"},
        {"probability": True, "random_state": 42},
        {"max_iter": 40},
    ],
)
def test_svc(data, params):
    X, y, X_test, _ = DATA[data]()
    X, y = X[:500], y[:500]
    a, b = both("SVC", **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a.fit(X, y)
        b.fit(X, y)
    compare(a, b, X_test, ["dual_coef_", "intercept_", "support_vectors_", "n_iter_"])
    assert a.fit_status_ == b.fit_status_
    assert np.array_equal(a.support_, b.support_)
    assert np.array_equal(a.n_support_, b.n_support_)
    if params.get("probability"):
        close(a.probA_, b.probA_)
        close(a.probB_, b.probB_)


@pytest.mark.parametrize("data", DATA)
def test_svc_binary(data):
    X, y, X_test, _ = DATA[data]()
    a, b = both("SVC")
    y = y[:500] == 3
    compare(a.fit(X[:500], y), b.fit(X[:500], y), X_test, ["dual_coef_", "intercept_"])


def test_knn_on_mnist_pixels_and_multilabel():
    X, y, X_test, _ = mnist()
    for params in [{}, {"n_neighbors": 4, "weights": "distance"}]:
        a, b = both("KNeighborsClassifier", **params)
        compare(a.fit(X, y), b.fit(X, y), X_test)
        da, ia = a.kneighbors(X_test)
        db, ib = b.kneighbors(X_test)
        assert np.array_equal(ia, ib)
        close(da, db)
        da, ia = a.kneighbors(n_neighbors=3)
        db, ib = b.kneighbors(n_neighbors=3)
        assert np.array_equal(ia, ib)
        close(da, db)
    multilabel = np.c_[y >= 7, y % 2 == 1]
    a, b = both("KNeighborsClassifier")
    a.fit(X, multilabel)
    b.fit(X, multilabel)
    assert np.array_equal(a.predict(X_test), b.predict(X_test))
    for pa, pb in zip(a.predict_proba(X_test), b.predict_proba(X_test)):
        close(pa, pb)


def test_knn_on_digits_differs_only_at_exactly_equal_distances():
    # The 8x8 digits hold small integers, so distances tie exactly; scikit-learn breaks such
    # ties by the rounding of its expanded distance formula, classify by the lower training
    # index. Wherever the two disagree, the tied distances must be equal.
    X, y, X_test, _ = digits()
    a, b = both("KNeighborsClassifier", n_neighbors=3)
    a.fit(X, y)
    b.fit(X, y)
    da, ia = a.kneighbors(X_test)
    db, ib = b.kneighbors(X_test)
    close(da, db)
    for row in np.flatnonzero((ia != ib).any(axis=1)):
        exact = ((X[ia[row]] - X_test[row]) ** 2).sum(axis=1)
        theirs = ((X[ib[row]] - X_test[row]) ** 2).sum(axis=1)
        assert np.array_equal(exact, theirs)
    differ = a.predict(X_test) != b.predict(X_test)
    assert differ.sum() <= 2


@pytest.mark.parametrize("with_mean", [True, False])
@pytest.mark.parametrize("with_std", [True, False])
def test_standard_scaler(with_mean, with_std):
    for X, _, X_test, _ in (digits(), mnist()):
        params = {"with_mean": with_mean, "with_std": with_std}
        a = ours.StandardScaler(**params).fit(X)
        b = sklearn.preprocessing.StandardScaler(**params).fit(X)
        same_scaler(a, b, X_test, rtol=0.0)
        # partial_fit over unequal chunks, then a fit that starts again.
        a, b = ours.StandardScaler(**params), sklearn.preprocessing.StandardScaler(**params)
        for chunk in np.array_split(X, [7, 300, 301, 1000]):
            a.partial_fit(chunk)
            b.partial_fit(chunk)
            same_scaler(a, b, X_test, rtol=0.0)
        same_scaler(a.fit(X_test), b.fit(X_test), X, rtol=0.0)


def same_scaler(a, b, X_test, rtol):
    """Fitted statistics and a transform equal to scikit-learn's (rtol=0: to the bit)."""
    for attribute in ("mean_", "var_", "scale_"):
        if getattr(b, attribute) is None:
            assert getattr(a, attribute) is None, attribute
        else:
            np.testing.assert_allclose(getattr(a, attribute), getattr(b, attribute), rtol=rtol, atol=0)
    np.testing.assert_allclose(a.transform(X_test), b.transform(X_test), rtol=rtol, atol=0)
    assert a.n_samples_seen_ == b.n_samples_seen_


def relative(a, b):
    return np.abs(np.asarray(a) - np.asarray(b)).max() / np.abs(np.asarray(b)).max()


def parameters(model, features=slice(None)):
    """A logistic regression's coefficients and intercepts, as one array."""
    return np.hstack([model.coef_[:, features], model.intercept_[:, None]])


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("scaled", [True, False])
@pytest.mark.parametrize(
    "params",
    [{}, {"class_weight": "balanced"}, {"C": 0.01}, {"fit_intercept": False}],
)
@pytest.mark.parametrize("binary", [False, True])
def test_logistic_regression(data, scaled, params, binary):
    # scipy's L-BFGS-B step for step (its line search, stopping tests and iteration count):
    # the same iterations, and iterates that differ from scikit-learn's by the rounding of
    # sums only (its X.T @ g is BLAS's). How far that rounding carries is a property of the
    # problem, which scikit-learn shows itself: the same fit with the features in another
    # order (the same problem, other roundings) moves its own coefficients. Where that spread
    # is below 1e-9, the fits agree to 1e-9 (most to 1e-11) with the same labels and
    # iteration count; on raw pixels stopped at max_iter, within 50 times scikit-learn's own
    # spread, with labels agreeing as often as its own do (the direction here is the
    # two-loop recursion's, which rounds otherwise than L-BFGS-B's compact form: on the raw
    # digits, 1.4e-4 against a spread of up to 1.5e-5).
    X, y, X_test, _ = DATA[data]()
    X, y = X[:3000], y[:3000]
    if scaled:
        X, X_test = X / X.max(), X_test / X.max()
    if binary:
        y = y == 7
    a, b = both("LogisticRegression", **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a.fit(X, y)
        b.fit(X, y)
        spread, p_spread, agreement = 0.0, 0.0, 1.0
        labels, proba = b.predict(X_test), b.predict_proba(X_test)
        for s in range(2):
            perm = np.random.RandomState(s).permutation(X.shape[1])
            c = sklearn.linear_model.LogisticRegression(**params).fit(X[:, perm], y)
            spread = max(spread, relative(parameters(c), parameters(b, perm)))
            p_spread = max(p_spread, np.abs(c.predict_proba(X_test[:, perm]) - proba).max())
            agreement = min(agreement, (c.predict(X_test[:, perm]) == labels).mean())
    assert relative(parameters(a), parameters(b)) <= max(RTOL, 50 * spread)
    assert np.abs(a.predict_proba(X_test) - proba).max() <= max(RTOL, 50 * p_spread)
    assert (a.predict(X_test) == labels).mean() >= agreement - 0.01
    if spread < 1e-9:
        assert np.array_equal(a.predict(X_test), labels)
        assert np.array_equal(a.n_iter_, b.n_iter_)


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("class_weight", ["balanced", {0: 3.0, 1: 0.5, 7: 2.0}])
def test_sgd_class_weight(data, class_weight):
    X, y, X_test, _ = DATA[data]()
    X, X_test = X / X.max(), X_test / X.max()
    a, b = both("SGDClassifier", random_state=1, class_weight=class_weight)
    compare(a.fit(X, y), b.fit(X, y), X_test, ["coef_", "intercept_"])
    a, b = both("SGDClassifier", random_state=1, class_weight={True: 4.0})
    compare(a.fit(X, y == 7), b.fit(X, y == 7), X_test, ["coef_", "intercept_"])


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("class_weight", ["balanced", {0: 3.0, 1: 0.5, 7: 2.0}])
def test_svc_class_weight(data, class_weight):
    X, y, X_test, _ = DATA[data]()
    X, y = X[:500], y[:500]
    for params in ({}, {"probability": True, "random_state": 0}):
        a, b = both("SVC", class_weight=class_weight, **params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            a.fit(X, y)
            b.fit(X, y)
        compare(a, b, X_test, ["dual_coef_", "intercept_", "class_weight_"])
