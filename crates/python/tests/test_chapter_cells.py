"""The book's chapter 3 notebook cells, unchanged, after ``classify.patch_sklearn()``: they run,
get classify's estimators, and print what they print with scikit-learn's own."""

import numpy as np
import pytest

import classify
from classify import sklearn as ours

# The notebook's cells (Géron, Hands-On Machine Learning, 3rd edition, chapter 3), on the
# first 500 digits of the MNIST sample instead of fetch_openml's 70,000 (scikit-learn's
# 10-class SGD needs 14 s on them, its 1,000 epochs on 1,000 digits 250 s): labels are
# strings, as OpenML's.
CELLS = """
import numpy as np
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import cross_val_score, cross_val_predict
from sklearn.dummy import DummyClassifier
from sklearn.metrics import precision_recall_curve, roc_auc_score, f1_score, confusion_matrix
from sklearn.ensemble import RandomForestClassifier
from sklearn.svm import SVC
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.neighbors import KNeighborsClassifier
from sklearn.multioutput import ClassifierChain

some_digit = X_train[0]
y_train_5 = (y_train == '5')
sgd_clf = SGDClassifier(random_state=42)
sgd_clf.fit(X_train, y_train_5)
out['sgd_predict'] = sgd_clf.predict([some_digit])
out['sgd_cv'] = cross_val_score(sgd_clf, X_train, y_train_5, cv=3, scoring="accuracy")

dummy_clf = DummyClassifier()
dummy_clf.fit(X_train, y_train_5)
out['dummy_any'] = any(dummy_clf.predict(X_train))

y_scores = cross_val_predict(sgd_clf, X_train, y_train_5, cv=3, method="decision_function")
precisions, recalls, thresholds = precision_recall_curve(y_train_5, y_scores)
out['scores'] = y_scores
out['auc'] = roc_auc_score(y_train_5, y_scores)

forest_clf = RandomForestClassifier(random_state=42)
y_probas_forest = cross_val_predict(forest_clf, X_train, y_train_5, cv=3, method="predict_proba")
out['forest_probas'] = y_probas_forest

svm_clf = SVC(random_state=42)
svm_clf.fit(X_train[:2000], y_train[:2000])
out['svm_predict'] = svm_clf.predict([some_digit])
out['svm_scores'] = svm_clf.decision_function([some_digit]).round(2)
out['svm_classes'] = svm_clf.classes_
svm_clf.decision_function_shape = "ovo"
out['svm_scores_ovo'] = svm_clf.decision_function([some_digit]).round(2)

ovr_clf = OneVsRestClassifier(SVC(random_state=42))
ovr_clf.fit(X_train[:2000], y_train[:2000])
out['ovr_predict'] = ovr_clf.predict([some_digit])
out['ovr_n'] = len(ovr_clf.estimators_)

sgd_clf = SGDClassifier(random_state=42)
sgd_clf.fit(X_train, y_train)
out['sgd10_scores'] = sgd_clf.decision_function([some_digit]).round()
out['sgd10_cv'] = cross_val_score(sgd_clf, X_train, y_train, cv=3, scoring="accuracy")

scaler = StandardScaler()
X_train_scaled = scaler.fit_transform(X_train.astype("float64"))
out['sgd10_scaled_cv'] = cross_val_score(sgd_clf, X_train_scaled, y_train, cv=3, scoring="accuracy")
y_train_pred = cross_val_predict(sgd_clf, X_train_scaled, y_train, cv=3)
out['confusion'] = confusion_matrix(y_train, y_train_pred)

y_train_large = (y_train >= '7')
y_train_odd = (y_train.astype('int8') % 2 == 1)
y_multilabel = np.c_[y_train_large, y_train_odd]
knn_clf = KNeighborsClassifier()
knn_clf.fit(X_train, y_multilabel)
out['knn_multilabel'] = knn_clf.predict([some_digit])
y_train_knn_pred = cross_val_predict(knn_clf, X_train, y_multilabel, cv=3)
out['knn_f1'] = f1_score(y_multilabel, y_train_knn_pred, average="macro")

chain_clf = ClassifierChain(SVC(), cv=3, random_state=42)
chain_clf.fit(X_train[:2000], y_multilabel[:2000])
out['chain'] = chain_clf.predict([some_digit])

np.random.seed(42)
noise = np.random.randint(0, 100, (len(X_train), 784))
X_train_mod = X_train + noise
noise = np.random.randint(0, 100, (len(X_test), 784))
X_test_mod = X_test + noise
y_train_mod = X_train
knn_clf = KNeighborsClassifier()
knn_clf.fit(X_train_mod, y_train_mod)
out['clean_digit'] = knn_clf.predict([X_test_mod[0]])
out['knn_type'] = type(knn_clf).__module__
"""


def run_cells():
    X_train, y_train, X_test, _ = classify.mnist_sample()
    namespace = {
        "X_train": X_train[:500].astype(np.float64),
        "y_train": y_train[:500].astype(str),
        "X_test": X_test[:50].astype(np.float64),
        "out": {},
    }
    exec(CELLS, namespace)
    return namespace["out"]


@pytest.fixture(scope="module")
def theirs():
    return run_cells()


def test_the_chapter_runs_unchanged_on_classify_with_scikit_learns_results(theirs):
    classify.patch_sklearn()
    try:
        mine = run_cells()
    finally:
        classify.unpatch_sklearn()
    assert theirs.pop("knn_type") == "sklearn.neighbors._classification"
    assert mine.pop("knn_type") == "classify.sklearn"
    assert theirs.keys() == mine.keys()
    for key, expected in theirs.items():
        got = mine[key]
        if isinstance(expected, np.ndarray) and expected.dtype.kind == "f":
            scale = max(np.abs(expected).max(), 1e-300)
            np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9 * scale, err_msg=key)
        elif isinstance(expected, float):
            assert got == pytest.approx(expected, rel=1e-12), key
        elif isinstance(expected, np.ndarray):
            assert np.array_equal(got, expected), key
        else:
            assert got == expected, key


def test_patch_gives_classify_estimators():
    classify.patch_sklearn()
    try:
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.linear_model import SGDClassifier

        assert isinstance(SGDClassifier(random_state=42), ours.SGDClassifier)
        assert isinstance(RandomForestClassifier(random_state=42), ours.RandomForestClassifier)
    finally:
        classify.unpatch_sklearn()
