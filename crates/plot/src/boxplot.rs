//! Box plots of groups of values, each with its points (matplotlib's `boxplot`).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::figure::{err, write, Chart, Figure, FONT, PALETTE};

/// Box plots of several groups of values (per-fold scores, say), each with its individual
/// points, as matplotlib's `boxplot` (whiskers to the furthest value within 1.5 IQR).
#[derive(Debug, Clone, PartialEq)]
pub struct BoxPlot {
    /// Title.
    pub title: String,
    /// y-axis caption.
    pub y_label: String,
    /// (name, values) per box.
    pub groups: Vec<(String, Vec<f64>)>,
}

/// NumPy's default (linear) percentile of sorted values.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

impl BoxPlot {
    /// Writes the plot to `path` (`.png` or `.svg`).
    pub fn write(&self, path: impl AsRef<Path>) -> Result<()> {
        if self.groups.is_empty() || self.groups.iter().any(|g| g.1.is_empty()) {
            return Err(Error::Shape("every box needs at least one value".into()));
        }
        if self
            .groups
            .iter()
            .any(|g| g.1.iter().any(|v| !v.is_finite()))
        {
            return Err(Error::Shape("box plot values must be finite".into()));
        }
        write(self, path.as_ref())
    }
}

/// Group `i`'s box at `x = i + 1`: quartiles, median, whiskers at 1.5 IQR, and every value.
fn draw_box<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    i: usize,
    values: &[f64],
) -> std::result::Result<(), String> {
    let x = i as f64 + 1.0;
    let color = PALETTE[i % PALETTE.len()];
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let (q1, med, q3) = (
        percentile(&v, 0.25),
        percentile(&v, 0.5),
        percentile(&v, 0.75),
    );
    let iqr = q3 - q1;
    let low = v
        .iter()
        .copied()
        .find(|&a| a >= q1 - 1.5 * iqr)
        .unwrap_or(q1);
    let high = v
        .iter()
        .rev()
        .copied()
        .find(|&a| a <= q3 + 1.5 * iqr)
        .unwrap_or(q3);
    let w = 0.25;
    let line = BLACK.stroke_width(2);
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(x - w, q1), (x + w, q3)],
            color.mix(0.25).filled(),
        )))
        .map_err(err)?;
    let segments = [
        vec![
            (x - w, q1),
            (x + w, q1),
            (x + w, q3),
            (x - w, q3),
            (x - w, q1),
        ],
        vec![(x - w, med), (x + w, med)],
        vec![(x, q3), (x, high)],
        vec![(x, q1), (x, low)],
        vec![(x - w / 2.0, high), (x + w / 2.0, high)],
        vec![(x - w / 2.0, low), (x + w / 2.0, low)],
    ];
    for s in segments {
        chart
            .draw_series(std::iter::once(PathElement::new(s, line)))
            .map_err(err)?;
    }
    // The individual values, spread deterministically across the box.
    let k = values.len();
    chart
        .draw_series(values.iter().enumerate().map(|(j, &y)| {
            let dx = if k > 1 {
                (j as f64 / (k - 1) as f64 - 0.5) * w
            } else {
                0.0
            };
            Circle::new((x + dx, y), 5, color.filled())
        }))
        .map_err(err)?;
    Ok(())
}

impl Figure for BoxPlot {
    fn size(&self) -> (u32, u32) {
        (260 + 160 * self.groups.len() as u32, 520)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
        let all: Vec<f64> = self
            .groups
            .iter()
            .flat_map(|g| g.1.iter().copied())
            .collect();
        let lo = all.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = all.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.1).max(1e-3);
        let n = self.groups.len();
        let names: Vec<String> = self.groups.iter().map(|g| g.0.clone()).collect();
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, (FONT, 24))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(70)
            .build_cartesian_2d(0.5..n as f64 + 0.5, (lo - pad)..(hi + pad))
            .map_err(err)?;
        chart
            .configure_mesh()
            .y_desc(&self.y_label)
            .x_labels(n)
            .x_label_formatter(&|x| {
                let i = x.round() as usize;
                if (x - i as f64).abs() < 1e-6 && i >= 1 && i <= names.len() {
                    names[i - 1].clone()
                } else {
                    String::new()
                }
            })
            .disable_x_mesh()
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        for (i, (_, values)) in self.groups.iter().enumerate() {
            draw_box(&mut chart, i, values)?;
        }
        Ok(())
    }
}
