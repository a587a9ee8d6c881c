"""scikit-learn's conventions beyond its estimator checks: pickling through classify's model
files, clone, unsupported parameters, bad input, n_jobs, zero copies and patch_sklearn."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse
import sklearn
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import cross_val_predict

import classify
from classify import _base
from classify import sklearn as ours

X, Y, X_TEST, Y_TEST = classify.mnist_sample()

ESTIMATORS = [
    ours.DummyClassifier(strategy="stratified", random_state=0),
    ours.SGDClassifier(random_state=42),
    ours.LogisticRegression(max_iter=50),
    ours.KNeighborsClassifier(),
    ours.DecisionTreeClassifier(random_state=0),
    ours.RandomForestClassifier(n_estimators=10, random_state=0),
    ours.SVC(),
]


def fitted(estimator):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return clone(estimator).fit(X[:500], Y[:500])


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_pickle_holds_the_checked_model_file(estimator):
    model = fitted(estimator)
    data = pickle.dumps(model)
    # The engine's state is classify's model file, magic and all.
    assert b"CLASSIFY" in data
    back = pickle.loads(data)
    assert np.array_equal(back.predict(X_TEST), model.predict(X_TEST))
    assert back.get_params() == model.get_params()
    # A forest's trees keep their nodes' statistics through the file.
    for tree, again in zip(getattr(model, "estimators_", [])[:2], getattr(back, "estimators_", [])):
        assert np.array_equal(tree.tree_.value, again.tree_.value)
        assert np.array_equal(tree.tree_.n_node_samples, again.tree_.n_node_samples)


def test_a_damaged_pickle_is_a_value_error_not_a_crash():
    model = fitted(ours.KNeighborsClassifier())
    raw = model._model.to_bytes()
    damaged = bytearray(raw)
    damaged[len(raw) // 2] ^= 0xFF
    with pytest.raises(ValueError, match="checksum"):
        type(model._model).from_bytes(bytes(damaged))
    with pytest.raises(ValueError, match="not a classify model"):
        type(model._model).from_bytes(b"not a model at all, but long enough to have a header")


def test_model_bytes_are_a_classify_model_file(tmp_path):
    model = fitted(ours.RandomForestClassifier(n_estimators=5, random_state=0))
    raw = model._model.to_bytes()
    assert raw[:8] == b"CLASSIFY"
    assert "random forest (5 trees)" in repr(model._model)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_clone_keeps_parameters_and_drops_the_fit(estimator):
    model = fitted(estimator)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "_model")


@pytest.mark.parametrize(
    "estimator, parameter",
    [
        (ours.SGDClassifier(learning_rate="adaptive"), "learning_rate"),
        (ours.DecisionTreeClassifier(max_leaf_nodes=10), "max_leaf_nodes"),
        (ours.RandomForestClassifier(ccp_alpha=0.1), "ccp_alpha"),
        (ours.SGDClassifier(average=True), "average"),
        (ours.SVC(kernel="sigmoid"), "kernel"),
        (ours.KNeighborsClassifier(p=1), "p"),
        (ours.KNeighborsClassifier(metric="cosine"), "metric"),
        (ours.DecisionTreeClassifier(splitter="random"), "splitter"),
        (ours.RandomForestClassifier(oob_score=True), "oob_score"),
        (ours.LogisticRegression(solver="saga"), "solver"),
    ],
)
def test_unsupported_parameters_are_a_value_error_naming_them(estimator, parameter):
    with pytest.raises(ValueError, match=rf"{parameter}=.* is not supported by classify \(supported: "):
        estimator.fit(X[:100], Y[:100])


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_bad_input_gets_scikit_learns_errors(estimator):
    e = clone(estimator)
    with pytest.raises(NotFittedError):
        e.predict(X_TEST)
    bad = X[:100].astype(float)
    bad[3, 5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clone(estimator).fit(bad, Y[:100])
    bad[3, 5] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        clone(estimator).fit(bad, Y[:100])
    with pytest.raises(ValueError, match="Complex data not supported"):
        clone(estimator).fit(X[:100] + 1j, Y[:100])
    with pytest.raises(ValueError, match="Expected 2D array"):
        clone(estimator).fit(X[0], Y[:784])
    with pytest.raises(TypeError, match="dense data is required|Sparse data"):
        clone(estimator).fit(scipy.sparse.csr_matrix(X[:100]), Y[:100])
    with pytest.raises(ValueError, match="Unknown label type"):
        clone(estimator).fit(X[:100], np.linspace(0, 1, 100))
    with pytest.raises((TypeError, ValueError)):
        clone(estimator).fit(X[:4], np.array([1, "a", 2.5, None], dtype=object))
    model = fitted(estimator)
    with pytest.raises(ValueError, match="X has 783 features, but .* is expecting 784"):
        model.predict(X_TEST[:, :783])
    objects = X_TEST[:10].astype(object)
    assert np.array_equal(model.predict(objects), model.predict(X_TEST[:10]))


@pytest.mark.parametrize("estimator", ESTIMATORS[1:], ids=lambda e: type(e).__name__)
def test_n_jobs_changes_threads_not_numbers(estimator):
    if "n_jobs" not in estimator.get_params():
        pytest.skip("no n_jobs")
    one = fitted(clone(estimator).set_params(n_jobs=1))
    all_cores = fitted(clone(estimator).set_params(n_jobs=-1))
    assert np.array_equal(one.predict(X_TEST), all_cores.predict(X_TEST))


def test_engine_dtypes_reach_the_engines_without_a_copy():
    model = ours.KNeighborsClassifier()
    for dtype in (np.uint8, np.float32, np.float64):
        for order in ("C", "F"):
            a = np.asarray(X[:50], dtype=dtype, order=order)
            model.fit(a, Y[:50])
            checked = _base.check_X(model, a)
            assert np.shares_memory(checked, a), (dtype, order)


def test_labels_keep_their_type():
    names = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])
    model = ours.SGDClassifier(random_state=0).fit(X[:300], names[Y[:300]])
    assert model.predict(X_TEST[:5]).dtype == names.dtype
    assert set(model.classes_) <= set(names)
    booleans = ours.KNeighborsClassifier().fit(X[:300], Y[:300] == 5)
    assert booleans.predict(X_TEST[:5]).dtype == bool


def test_cross_val_predict_with_decision_function_as_in_the_book():
    y5 = Y == 5
    scores = cross_val_predict(
        ours.SGDClassifier(random_state=42), X, y5, cv=3, method="decision_function"
    )
    theirs = cross_val_predict(
        sklearn.linear_model.SGDClassifier(random_state=42),
        X,
        y5,
        cv=3,
        method="decision_function",
    )
    np.testing.assert_allclose(scores, theirs, rtol=1e-9, atol=1e-9 * np.abs(theirs).max())


def test_patch_sklearn_gives_ours_where_supported_and_theirs_otherwise():
    original = sklearn.svm.SVC
    classify.patch_sklearn()
    try:
        from sklearn.svm import SVC
        from sklearn.neighbors import KNeighborsClassifier

        assert isinstance(SVC(gamma="auto"), ours.SVC)
        assert not isinstance(SVC(kernel="sigmoid"), ours.SVC)
        assert isinstance(SVC(kernel="sigmoid"), original)
        knn = KNeighborsClassifier(n_neighbors=4, weights="distance")
        assert isinstance(knn, ours.KNeighborsClassifier)
        assert isinstance(clone(knn), ours.KNeighborsClassifier)
        assert isinstance(KNeighborsClassifier(metric="manhattan"), sklearn.neighbors._classification.KNeighborsClassifier)
    finally:
        classify.unpatch_sklearn()
    assert sklearn.svm.SVC is original


def test_load_dataset_from_a_missing_cache_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="classify data fetch fashion-mnist"):
        classify.load_dataset("fashion-mnist", data_dir=str(tmp_path))
    X_sample, *_ = classify.load_dataset("mnist-sample", data_dir=str(tmp_path))
    assert np.array_equal(X_sample, X)


def test_long_calls_release_the_gil():
    # A Python thread ticks every millisecond (sleeping, so it needs the GIL back to tick
    # again) while the engine predicts: it ticks only if the call let go of the GIL. Holding
    # it, the thread could tick once or twice at most, before the call began.
    import threading
    import time

    model = ours.KNeighborsClassifier(n_jobs=1).fit(np.repeat(X, 8, axis=0), np.repeat(Y, 8))
    queries = np.repeat(X_TEST, 8, axis=0)
    ticks = [0]
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks[0] += 1
            time.sleep(0.001)

    thread = threading.Thread(target=ticker)
    thread.start()
    time.sleep(0.01)
    before = ticks[0]
    model.predict(queries)
    during = ticks[0] - before
    stop.set()
    thread.join()
    assert during >= 10
