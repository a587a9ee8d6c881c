"""Scaling out on existing engines: scikit-learn's searches of classify's estimators through
joblib's Dask and Ray backends give the single-process results to the last bit, and dask-ml's
``Incremental`` trains SGD over a chunked dask array as ``partial_fit`` chunk by chunk does.

Each test starts its own cluster on 127.0.0.1 with worker processes and stops it; pointed at
a real cluster, the same code takes the scheduler's address (``Client("tcp://host:8786")``,
``ray.init(address="ray://host:10001")``).
"""

import os

import joblib
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, cross_validate

import classify
from classify import sklearn as ours

X, Y, _, _ = classify.mnist_sample()
X, Y = X[:600], Y[:600]

GRID = {"n_neighbors": [1, 3, 5], "weights": ["uniform", "distance"]}


def comparable(cv_results):
    """Everything but the timings."""
    return {k: v for k, v in cv_results.items() if "time" not in k}


def assert_same(a, b):
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], np.ma.MaskedArray):
            assert list(a[key]) == list(b[key]), key
        else:
            assert np.array_equal(np.asarray(a[key]), np.asarray(b[key])), key


def grid_search(scoring=None):
    return GridSearchCV(ours.KNeighborsClassifier(), GRID, cv=3, n_jobs=-1, scoring=scoring)


def single_process():
    with joblib.parallel_backend("sequential"):
        search = grid_search().fit(X, Y)
        scores = cross_validate(
            ours.RandomForestClassifier(n_estimators=20, random_state=0), X, Y, cv=3
        )
    return comparable(search.cv_results_), comparable(scores)


@pytest.fixture(scope="module")
def reference():
    return single_process()


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_grid_search_and_cross_validate_on_dask(dask_client, reference):
    with joblib.parallel_backend("dask"):
        search = grid_search().fit(X, Y)
        scores = cross_validate(
            ours.RandomForestClassifier(n_estimators=20, random_state=0), X, Y, cv=3, n_jobs=-1
        )
    assert_same(comparable(search.cv_results_), reference[0])
    assert_same(comparable(scores), reference[1])
    assert search.best_params_ == {"n_neighbors": 1, "weights": "uniform"} or search.best_score_ > 0.8


def dies_once(flag):
    """A scorer that kills its worker process the first time it runs anywhere."""

    def score(estimator, X, y):
        if not os.path.exists(flag):
            open(flag, "w").close()
            os._exit(1)
        return estimator.score(X, y)

    return score


def test_a_worker_killed_mid_search_is_retried_with_the_same_result(dask_client, reference, tmp_path):
    # dask-ml's GridSearchCV builds the search as a dask graph, data included: the tasks of
    # a worker that dies are recomputed elsewhere from their inputs. (joblib's dask backend
    # scatters large arguments to one worker without lineage, so a death there loses them
    # and the search fails: FutureCancelledError.)
    model_selection = pytest.importorskip("dask_ml.model_selection")
    flag = str(tmp_path / "killed")
    search = model_selection.GridSearchCV(
        ours.KNeighborsClassifier(), GRID, cv=3, scoring=dies_once(flag), scheduler=dask_client
    ).fit(X, Y)
    assert os.path.exists(flag)
    # Every fold's score to the last bit; dask-ml averages them in its own order.
    for split in range(3):
        key = f"split{split}_test_score"
        assert np.array_equal(search.cv_results_[key], reference[0][key])
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], reference[0]["mean_test_score"], rtol=1e-15
    )
    assert np.array_equal(search.cv_results_["rank_test_score"], reference[0]["rank_test_score"])


def test_incremental_sgd_on_a_chunked_dask_array_is_partial_fit_chunk_by_chunk(dask_client):
    da = pytest.importorskip("dask.array")
    wrappers = pytest.importorskip("dask_ml.wrappers")
    images, labels = X / 255.0, Y
    classes = np.unique(labels)
    Xd = da.from_array(images, chunks=(150, images.shape[1]))
    yd = da.from_array(labels, chunks=150)
    # Blocks in order (dask-ml shuffles them by default, from an unseeded generator).
    incremental = wrappers.Incremental(
        ours.SGDClassifier(loss="log_loss", random_state=3), shuffle_blocks=False
    )
    incremental.fit(Xd, yd, classes=classes)
    by_hand = ours.SGDClassifier(loss="log_loss", random_state=3)
    for start in range(0, len(images), 150):
        by_hand.partial_fit(images[start : start + 150], labels[start : start + 150], classes=classes)
    assert np.array_equal(incremental.estimator_.coef_, by_hand.coef_)
    assert np.array_equal(incremental.estimator_.intercept_, by_hand.intercept_)
    assert np.array_equal(incremental.predict(Xd).compute(), by_hand.predict(images))


def test_grid_search_and_cross_validate_on_ray(reference):
    ray = pytest.importorskip("ray")
    from ray.util.joblib import register_ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    try:
        register_ray()
        with joblib.parallel_backend("ray"):
            search = grid_search().fit(X, Y)
            scores = cross_validate(
                ours.RandomForestClassifier(n_estimators=20, random_state=0), X, Y, cv=3, n_jobs=-1
            )
    finally:
        ray.shutdown()
    assert_same(comparable(search.cv_results_), reference[0])
    assert_same(comparable(scores), reference[1])
