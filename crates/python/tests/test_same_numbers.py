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
@pytest.mark.parametrize("params", [{}, {"criterion": "entropy", "max_depth": 6}, {"max_features": "sqrt", "min_samples_leaf": 3}])
def test_decision_tree(data, params):
    X, y, X_test, _ = DATA[data]()
    a, b = both("DecisionTreeClassifier", random_state=0, **params)
    compare(a.fit(X, y), b.fit(X, y), X_test, ["feature_importances_"])
    assert (a.get_depth(), a.get_n_leaves()) == (b.get_depth(), b.get_n_leaves())


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
        for attribute in ("mean_", "var_", "scale_"):
            if getattr(b, attribute) is None:
                assert getattr(a, attribute) is None, attribute
            else:
                close(getattr(a, attribute), getattr(b, attribute))
        close(a.transform(X_test), b.transform(X_test))
        assert a.n_samples_seen_ == b.n_samples_seen_


def test_logistic_regression_reaches_scikit_learns_optimum():
    # L-BFGS here is not scipy's step for step: the same optimum, not the same iterates.
    # At convergence (a strictly convex problem) the two agree to 1e-4 and predict the same.
    X, y, X_test, _ = digits()
    X = X / 16.0
    a, b = both("LogisticRegression", max_iter=5000, tol=1e-10)
    a.fit(X, y)
    b.fit(X, y)
    assert np.array_equal(a.predict(X_test / 16.0), b.predict(X_test / 16.0))
    close(a.coef_, b.coef_, rtol=1e-4)
    close(a.predict_proba(X_test / 16.0), b.predict_proba(X_test / 16.0), rtol=1e-4)


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
