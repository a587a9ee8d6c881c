//! A small column table with missing values: what a CSV file like Titanic's holds.

use std::io::Read;

use crate::error::{Error, Result};

/// One column: numbers (NaN where missing) or text (`None` where missing).
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Numbers; NaN marks a missing value.
    Numeric(Vec<f64>),
    /// Text; `None` marks a missing value.
    Text(Vec<Option<String>>),
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Text(v) => v.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i` as text (numbers formatted; `None` if missing).
    pub fn text_at(&self, i: usize) -> Option<String> {
        match self {
            Column::Numeric(v) => (!v[i].is_nan()).then(|| v[i].to_string()),
            Column::Text(v) => v[i].clone(),
        }
    }

    fn select(&self, rows: &[usize]) -> Column {
        match self {
            Column::Numeric(v) => Column::Numeric(rows.iter().map(|&r| v[r]).collect()),
            Column::Text(v) => Column::Text(rows.iter().map(|&r| v[r].clone()).collect()),
        }
    }
}

/// Named columns of equal length.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Column>,
}

impl Table {
    /// A table from `(name, column)` pairs (equal lengths, distinct names).
    pub fn new(columns: Vec<(String, Column)>) -> Result<Table> {
        let mut t = Table::default();
        for (name, c) in columns {
            t.push(name, c)?;
        }
        Ok(t)
    }

    /// Adds a column.
    pub fn push(&mut self, name: String, column: Column) -> Result<()> {
        if self.names.contains(&name) {
            return Err(Error::Table(format!("column {name:?} appears twice")));
        }
        if let Some(first) = self.columns.first() {
            if first.len() != column.len() {
                return Err(Error::Table(format!(
                    "column {name:?} has {} rows, the table {}",
                    column.len(),
                    first.len()
                )));
            }
        }
        self.names.push(name);
        self.columns.push(column);
        Ok(())
    }

    /// Reads CSV with a header row. A column is numeric when every non-empty value parses as
    /// a number; empty fields are missing values.
    pub fn from_csv(reader: impl Read) -> Result<Table> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(reader);
        let names: Vec<String> = csv
            .headers()
            .map_err(|e| Error::Csv(e.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        if names.is_empty() {
            return Err(Error::Csv("no header row".into()));
        }
        let mut raw: Vec<Vec<Option<String>>> = vec![Vec::new(); names.len()];
        for (line, record) in csv.records().enumerate() {
            let record = record.map_err(|e| Error::Csv(format!("record {}: {e}", line + 1)))?;
            if record.len() != names.len() {
                return Err(Error::Csv(format!(
                    "record {} has {} fields, the header {}",
                    line + 1,
                    record.len(),
                    names.len()
                )));
            }
            for (col, field) in raw.iter_mut().zip(record.iter()) {
                col.push((!field.is_empty()).then(|| field.to_string()));
            }
        }
        let columns = names
            .into_iter()
            .zip(raw)
            .map(|(name, values)| {
                let numeric: Option<Vec<f64>> = values
                    .iter()
                    .map(|v| match v {
                        None => Some(f64::NAN),
                        Some(s) => s.trim().parse::<f64>().ok().filter(|x| x.is_finite()),
                    })
                    .collect();
                let all_missing = values.iter().all(Option::is_none);
                let column = match numeric {
                    Some(v) if !all_missing => Column::Numeric(v),
                    _ => Column::Text(values),
                };
                (name, column)
            })
            .collect();
        Table::new(columns)
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// Column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Result<&Column> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| &self.columns[i])
            .ok_or_else(|| Error::Table(format!("no column {name:?} (columns: {:?})", self.names)))
    }

    /// The rows `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> Result<Table> {
        if let Some(&bad) = rows.iter().find(|&&r| r >= self.n_rows()) {
            return Err(Error::Table(format!(
                "row {bad} is out of range: {} rows",
                self.n_rows()
            )));
        }
        Ok(Table {
            names: self.names.clone(),
            columns: self.columns.iter().map(|c| c.select(rows)).collect(),
        })
    }
}
