//! End-to-end tests of the `classify` binary, one module per workflow step.

mod binary;
mod cache_safety;
mod data;
mod digits;
mod estimators;
mod forest;
mod knn;
mod linfa_traits;
mod multilabel;
mod own_data;
mod predict;
mod report;
mod serve;
mod sgd;
mod spam;
mod stream;
mod tabular;
mod tune;
mod util;
