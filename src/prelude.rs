//! What a program uses most, in one import: `use classify::prelude::*;`.
//!
//! The estimator traits and `Features`; every estimator under scikit-learn's name; standard
//! scaling and the multiclass strategies; folds and cross-validation; the metrics a first
//! program prints; model files; the embedded sample and the cache.

pub use classify_core::{
    Classifier, DecisionFunction, Estimator, Features, MultiOutputClassifier, MultiOutputEstimator,
    PredictProba,
};
pub use classify_datasets::{load, mnist_sample, Cache, Dataset, TrainTest};
pub use classify_metrics::{
    accuracy_score, confusion_matrix, f1_score, precision_score, recall_score, roc_auc_score,
};
pub use classify_models::{
    DecisionTreeClassifier, DummyClassifier, KNeighborsClassifier, LogisticRegression,
    RandomForestClassifier, SgdClassifier, Svc,
};
pub use classify_multiclass::{OneVsOne, OneVsRest};
pub use classify_persist::{AnyModel, Encoding, ModelFile, Trained};
pub use classify_preprocessing::{Scaled, StandardScaler};
pub use classify_selection::{
    cross_val_predict, cross_val_score, train_test_split, Cv, KFold, Scoring, StratifiedKFold,
};
