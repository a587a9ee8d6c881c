"""classify from Python: scikit-learn drop-in estimators on classify's Rust engines.

- ``classify.sklearn``: ``SGDClassifier``, ``DummyClassifier``, ``KNeighborsClassifier``,
  ``DecisionTreeClassifier``, ``RandomForestClassifier``, ``SVC``, ``LogisticRegression`` and
  ``StandardScaler``, named and parameterised as scikit-learn's, giving its numbers.
- ``classify.patch_sklearn()``: after it, ``from sklearn.svm import SVC`` (and the others) give
  classify's estimators where their parameters are supported and scikit-learn's otherwise.
- ``classify.mnist_sample()``: the 1,000 + 1,000 real MNIST digits embedded in the package;
  ``classify.load_dataset("fashion-mnist")``: a dataset of classify's cache (the one the
  ``classify`` command fills), as NumPy arrays of ``uint8``.

>>> import classify
>>> X, y, X_test, y_test = classify.mnist_sample()
>>> X.shape, X.dtype.name
((1000, 784), 'uint8')
"""

from ._engine import __version__, load_dataset, mnist_sample
from ._patch import patch_sklearn, unpatch_sklearn

__all__ = ["__version__", "load_dataset", "mnist_sample", "patch_sklearn", "unpatch_sklearn"]
