"""scikit-learn's own estimator checks over every estimator of classify.sklearn."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from classify.sklearn import (
    SVC,
    DecisionTreeClassifier,
    DummyClassifier,
    KNeighborsClassifier,
    LogisticRegression,
    RandomForestClassifier,
    SGDClassifier,
    StandardScaler,
)

ESTIMATORS = [
    DummyClassifier(),
    SGDClassifier(),
    LogisticRegression(),
    KNeighborsClassifier(),
    DecisionTreeClassifier(),
    RandomForestClassifier(n_estimators=10),
    SVC(),
    StandardScaler(),
]

# Checks that fail, with the reason: none.
EXPECTED_FAILED = {}


def expected_failed_checks(estimator):
    return EXPECTED_FAILED.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
