//! Column-wise preparation of a [`Table`] into model features: imputation, ordinal and
//! one-hot encoding, standard scaling, per group of columns, fitted on training rows only.

use std::cmp::Ordering;

use classify_core::Features;

use crate::scaler::{StandardScaler, StandardScalerModel};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::table::{Column, Table};

/// A cell value: a number or a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A number.
    Num(f64),
    /// A text.
    Text(String),
}

impl Value {
    /// Numbers before texts; numbers by value, texts by bytes (scikit-learn's sorted
    /// categories).
    fn order(&self, other: &Value) -> Ordering {
        match (self, other) {
            (Value::Num(a), Value::Num(b)) => a.total_cmp(b),
            (Value::Text(a), Value::Text(b)) => a.cmp(b),
            (Value::Num(_), Value::Text(_)) => Ordering::Less,
            (Value::Text(_), Value::Num(_)) => Ordering::Greater,
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Num(v) => write!(f, "{v}"),
            Value::Text(v) => write!(f, "{v}"),
        }
    }
}

/// How `SimpleImputer` fills missing values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Impute {
    /// The median of the column's values (numbers only).
    Median,
    /// The mean (numbers only).
    Mean,
    /// The most frequent value; the smallest on ties (as scikit-learn).
    MostFrequent,
    /// This value.
    Constant(Value),
}

/// What happens to a category unseen at fit time (scikit-learn's `handle_unknown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandleUnknown {
    /// A typed error.
    Error,
    /// All-zero one-hot columns.
    Ignore,
}

/// One step of a column group's pipeline, applied in this order: impute, encode, scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// `SimpleImputer(strategy=...)`.
    Impute(Impute),
    /// `OrdinalEncoder()`: sorted categories → 0, 1, 2, …
    Ordinal,
    /// `OneHotEncoder(handle_unknown=...)`: one 0/1 feature per sorted category.
    OneHot(HandleUnknown),
    /// `StandardScaler()` on the group's output.
    Scale,
}

/// A group of columns and the steps that turn them into features (one `ColumnTransformer`
/// entry with its `Pipeline`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// A name for messages.
    pub name: String,
    /// Input columns.
    pub columns: Vec<String>,
    /// Steps (at most one of each kind, applied impute → encode → scale).
    pub steps: Vec<Step>,
}

/// scikit-learn's `ColumnTransformer`: each group's features side by side, in group order;
/// columns not named are dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnTransformer {
    /// The groups.
    pub groups: Vec<Group>,
}

/// A fitted column: its fill value and encoding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FittedColumn {
    name: String,
    fill: Option<Value>,
    encode: Encode,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Encode {
    /// Numbers as they are.
    None,
    Ordinal(Vec<Value>),
    OneHot(Vec<Value>, HandleUnknown),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FittedGroup {
    columns: Vec<FittedColumn>,
    scale: bool,
    scaler: Option<StandardScalerModel>,
}

/// A fitted [`ColumnTransformer`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnTransformerModel {
    groups: Vec<FittedGroup>,
    n_features: usize,
    feature_names: Vec<String>,
}

fn values_of(column: &Column) -> Vec<Option<Value>> {
    match column {
        Column::Numeric(v) => v
            .iter()
            .map(|&x| (!x.is_nan()).then_some(Value::Num(x)))
            .collect(),
        Column::Text(v) => v.iter().map(|s| s.clone().map(Value::Text)).collect(),
    }
}

/// The fill value of `strategy` for the present values.
fn fill_value(strategy: &Impute, present: &[&Value], column: &str) -> Result<Value> {
    let numbers = || -> Result<Vec<f64>> {
        present
            .iter()
            .map(|v| match v {
                Value::Num(x) => Ok(*x),
                Value::Text(_) => Err(Error::Table(format!(
                    "column {column:?}: median and mean need numbers"
                ))),
            })
            .collect()
    };
    if present.is_empty() && !matches!(strategy, Impute::Constant(_)) {
        return Err(Error::Table(format!(
            "column {column:?} has no values to impute from"
        )));
    }
    Ok(match strategy {
        Impute::Median => {
            let mut v = numbers()?;
            v.sort_by(f64::total_cmp);
            let n = v.len();
            Value::Num(if n % 2 == 1 {
                v[n / 2]
            } else {
                (v[n / 2 - 1] + v[n / 2]) / 2.0
            })
        }
        Impute::Mean => {
            let v = numbers()?;
            Value::Num(v.iter().sum::<f64>() / v.len() as f64)
        }
        Impute::MostFrequent => {
            let mut sorted: Vec<&Value> = present.to_vec();
            sorted.sort_by(|a, b| a.order(b));
            let (mut best, mut best_n) = (sorted[0], 0usize);
            let mut i = 0;
            while i < sorted.len() {
                let mut j = i;
                while j < sorted.len() && sorted[j] == sorted[i] {
                    j += 1;
                }
                // Strictly more: ties keep the smaller value.
                if j - i > best_n {
                    best = sorted[i];
                    best_n = j - i;
                }
                i = j;
            }
            best.clone()
        }
        Impute::Constant(v) => v.clone(),
    })
}

impl ColumnTransformer {
    /// Learns fill values, categories and scaling from `table`.
    pub fn fit(&self, table: &Table) -> Result<ColumnTransformerModel> {
        let groups = self
            .groups
            .iter()
            .map(|g| g.fit(table))
            .collect::<Result<_>>()?;
        let mut fitted = ColumnTransformerModel {
            groups,
            n_features: 0,
            feature_names: Vec::new(),
        };
        // Scalers learn from the encoded training features of their group.
        for gi in 0..fitted.groups.len() {
            if fitted.groups[gi].scale {
                let block = fitted.encode_group(gi, table)?;
                let scaler = StandardScaler::default().fit(Features::F32(block.view()))?;
                fitted.groups[gi].scaler = Some(scaler);
            }
        }
        fitted.feature_names = fitted
            .groups
            .iter()
            .flat_map(|g| {
                g.columns.iter().flat_map(|c| match &c.encode {
                    Encode::OneHot(cats, _) => {
                        cats.iter().map(|v| format!("{}_{v}", c.name)).collect()
                    }
                    _ => vec![c.name.clone()],
                })
            })
            .collect();
        fitted.n_features = fitted.feature_names.len();
        Ok(fitted)
    }
}

impl Group {
    /// The group's columns with their fill values and encodings learned from `table` (its
    /// scaler is learned once the columns are encoded).
    fn fit(&self, table: &Table) -> Result<FittedGroup> {
        let impute = self.steps.iter().find_map(|s| match s {
            Step::Impute(i) => Some(i),
            _ => None,
        });
        let encoder = self
            .steps
            .iter()
            .find(|s| matches!(s, Step::Ordinal | Step::OneHot(_)));
        let columns = self
            .columns
            .iter()
            .map(|name| self.fit_column(table, name, impute, encoder))
            .collect::<Result<_>>()?;
        Ok(FittedGroup {
            columns,
            scale: self.steps.contains(&Step::Scale),
            scaler: None,
        })
    }

    /// Column `name`'s fill value (`impute`) and encoding (`encoder`), learned from `table`.
    fn fit_column(
        &self,
        table: &Table,
        name: &str,
        impute: Option<&Impute>,
        encoder: Option<&Step>,
    ) -> Result<FittedColumn> {
        let values = values_of(table.column(name)?);
        let present: Vec<&Value> = values.iter().flatten().collect();
        let fill = impute.map(|s| fill_value(s, &present, name)).transpose()?;
        let filled: Vec<Value> = values
            .iter()
            .map(|v| {
                v.clone().or_else(|| fill.clone()).ok_or_else(|| {
                    Error::Table(format!(
                        "column {name:?} has missing values: add an Impute step to group {:?}",
                        self.name
                    ))
                })
            })
            .collect::<Result<_>>()?;
        let encode = match encoder {
            None => {
                if filled.iter().any(|v| matches!(v, Value::Text(_))) {
                    return Err(Error::Table(format!(
                        "column {name:?} holds text: encode it (Ordinal or OneHot)"
                    )));
                }
                Encode::None
            }
            Some(step) => {
                let mut cats = filled;
                cats.sort_by(|a, b| a.order(b));
                cats.dedup();
                match step {
                    Step::OneHot(h) => Encode::OneHot(cats, *h),
                    _ => Encode::Ordinal(cats),
                }
            }
        };
        Ok(FittedColumn {
            name: name.to_string(),
            fill,
            encode,
        })
    }
}

impl ColumnTransformerModel {
    /// Output feature names (`Sex_female`, `Age`, …), scikit-learn's `get_feature_names_out`
    /// without the group prefix.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// Number of output features.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Group `gi` imputed and encoded (not scaled).
    fn encode_group(&self, gi: usize, table: &Table) -> Result<Array2<f32>> {
        let g = &self.groups[gi];
        let n = table.n_rows();
        let mut blocks: Vec<Array2<f32>> = Vec::new();
        for c in &g.columns {
            let values = values_of(table.column(&c.name)?);
            let filled: Vec<Value> = values
                .into_iter()
                .map(|v| {
                    v.or_else(|| c.fill.clone()).ok_or_else(|| {
                        Error::Table(format!("column {:?} has missing values", c.name))
                    })
                })
                .collect::<Result<_>>()?;
            let block = match &c.encode {
                Encode::None => Array2::from_shape_fn((n, 1), |(i, _)| match &filled[i] {
                    Value::Num(x) => *x as f32,
                    Value::Text(_) => f32::NAN,
                }),
                Encode::Ordinal(cats) => {
                    let mut out = Array2::zeros((n, 1));
                    for (i, v) in filled.iter().enumerate() {
                        let k = cats.iter().position(|c| c == v).ok_or_else(|| {
                            Error::UnknownCategory {
                                column: c.name.clone(),
                                value: v.to_string(),
                            }
                        })?;
                        out[[i, 0]] = k as f32;
                    }
                    out
                }
                Encode::OneHot(cats, handle) => {
                    let mut out = Array2::zeros((n, cats.len()));
                    for (i, v) in filled.iter().enumerate() {
                        match cats.iter().position(|c| c == v) {
                            Some(k) => out[[i, k]] = 1.0,
                            None if *handle == HandleUnknown::Ignore => {}
                            None => {
                                return Err(Error::UnknownCategory {
                                    column: c.name.clone(),
                                    value: v.to_string(),
                                })
                            }
                        }
                    }
                    out
                }
            };
            if let Some(bad) = block.iter().position(|v| v.is_nan()) {
                return Err(Error::Table(format!(
                    "column {:?}: text in a numeric group (row {})",
                    c.name,
                    bad / block.ncols().max(1)
                )));
            }
            blocks.push(block);
        }
        let views: Vec<_> = blocks.iter().map(|b| b.view()).collect();
        Ok(
            ndarray::concatenate(ndarray::Axis(1), &views)
                .unwrap_or_else(|_| Array2::zeros((n, 0))),
        )
    }

    /// The features of `table` (rows in order), with what was learned at fit time.
    pub fn transform(&self, table: &Table) -> Result<Array2<f32>> {
        let mut blocks = Vec::with_capacity(self.groups.len());
        for (gi, g) in self.groups.iter().enumerate() {
            let block = self.encode_group(gi, table)?;
            let block = match &g.scaler {
                Some(s) => s.transform(Features::F32(block.view()))?,
                None => block,
            };
            blocks.push(block);
        }
        let views: Vec<_> = blocks.iter().map(|b| b.view()).collect();
        Ok(ndarray::concatenate(ndarray::Axis(1), &views)
            .unwrap_or_else(|_| Array2::zeros((table.n_rows(), 0))))
    }
}
