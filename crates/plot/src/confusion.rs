//! The confusion-matrix display (scikit-learn's `ConfusionMatrixDisplay`), with its colour bar.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::{Error, Result};
use crate::figure::{err, write, Figure, FONT};

/// How a confusion matrix display labels its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellFormat {
    /// Whole counts.
    Counts,
    /// Fractions written as percentages (normalised matrices).
    Percent,
}

/// scikit-learn's `ConfusionMatrixDisplay`: true labels down, predicted labels across, each
/// cell coloured (viridis) and labelled, with a colour bar.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfusionMatrixPlot {
    /// Title.
    pub title: String,
    /// The matrix, rows = true labels (counts or normalised values).
    pub matrix: Vec<Vec<f64>>,
    /// Class names, in row order.
    pub labels: Vec<String>,
    /// Cell text.
    pub format: CellFormat,
}

/// The viridis colour map at `t` ∈ [0, 1] (piecewise linear through 9 of its colours).
pub(crate) fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (STOPS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

impl ConfusionMatrixPlot {
    /// Writes the display to `path` (`.png` or `.svg`).
    pub fn write(&self, path: impl AsRef<Path>) -> Result<()> {
        let n = self.matrix.len();
        if n == 0 || self.matrix.iter().any(|r| r.len() != n) || self.labels.len() != n {
            return Err(Error::Shape(format!(
                "a confusion matrix display needs a square matrix and one label per row ({n} rows, {} labels)",
                self.labels.len()
            )));
        }
        write(self, path.as_ref())
    }

    fn text(&self, v: f64) -> String {
        match self.format {
            CellFormat::Counts => format!("{}", v.round() as i64),
            CellFormat::Percent => {
                let p = v * 100.0;
                // One decimal below 1 %, whole percents above (no "1.0%" beside "1%").
                if p != 0.0 && p.abs() < 0.95 {
                    format!("{p:.1}%")
                } else {
                    format!("{p:.0}%")
                }
            }
        }
    }
}

impl Figure for ConfusionMatrixPlot {
    fn size(&self) -> (u32, u32) {
        let n = self.matrix.len() as u32;
        let cell = (560 / n).clamp(40, 120);
        (n * cell + 260, n * cell + 150)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
        let n = self.matrix.len();
        let cell = (560 / n as i32).clamp(40, 120);
        let (left, top) = (110, 60);
        let values: Vec<f64> = self.matrix.iter().flatten().copied().collect();
        let lo = values.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let span = if hi > lo { hi - lo } else { 1.0 };
        root.draw(&Text::new(
            self.title.clone(),
            (left + cell * n as i32 / 2, 24),
            (FONT, 24)
                .into_font()
                .color(&BLACK)
                .pos(centre(HPos::Center)),
        ))
        .map_err(err)?;
        let font_size = (f64::from(cell) * 0.32).clamp(12.0, 22.0);
        for (r, row) in self.matrix.iter().enumerate() {
            for (c, &v) in row.iter().enumerate() {
                let (x, y) = (left + c as i32 * cell, top + r as i32 * cell);
                let t = (v - lo) / span;
                root.draw(&Rectangle::new(
                    [(x, y), (x + cell, y + cell)],
                    viridis(t).filled(),
                ))
                .map_err(err)?;
                // Light text on dark cells, as scikit-learn.
                let ink = if t < 0.5 { WHITE } else { BLACK };
                root.draw(&Text::new(
                    self.text(v),
                    (x + cell / 2, y + cell / 2),
                    (FONT, font_size)
                        .into_font()
                        .color(&ink)
                        .pos(centre(HPos::Center)),
                ))
                .map_err(err)?;
            }
        }
        let side = cell * n as i32;
        axis_labels(root, &self.labels, (left, top), (cell, side))?;
        colour_bar(root, (left + side + 30, top), side, (lo, span), self.format)?;
        Ok(())
    }
}

/// Text anchored at its vertical centre, `h` saying where horizontally.
fn centre(h: HPos) -> Pos {
    Pos::new(h, VPos::Center)
}

/// The class names under the columns and beside the rows of `cell`-pixel cells (the matrix
/// `side` pixels square, its corner at `(left, top)`), and the axes' titles.
fn axis_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    labels: &[String],
    (left, top): (i32, i32),
    (cell, side): (i32, i32),
) -> std::result::Result<(), String> {
    let label_font = (FONT, 16).into_font();
    for (i, name) in labels.iter().enumerate() {
        let mid = i as i32 * cell + cell / 2;
        root.draw(&Text::new(
            name.clone(),
            (left + mid, top + side + 16),
            label_font.clone().color(&BLACK).pos(centre(HPos::Center)),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            name.clone(),
            (left - 10, top + mid),
            label_font.clone().color(&BLACK).pos(centre(HPos::Right)),
        ))
        .map_err(err)?;
    }
    root.draw(&Text::new(
        "Predicted label",
        (left + side / 2, top + side + 48),
        (FONT, 18)
            .into_font()
            .color(&BLACK)
            .pos(centre(HPos::Center)),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        "True label",
        (24, top + side / 2),
        (FONT, 18)
            .into_font()
            .transform(FontTransform::Rotate270)
            .color(&BLACK)
            .pos(centre(HPos::Center)),
    ))
    .map_err(err)?;
    Ok(())
}

/// The colour bar, `side` pixels tall with its top left at `(bx, top)`, from `lo` to
/// `lo + span`, five ticks labelled in the cells' `format`.
fn colour_bar<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (bx, top): (i32, i32),
    side: i32,
    (lo, span): (f64, f64),
    format: CellFormat,
) -> std::result::Result<(), String> {
    // Colour bar with five ticks.
    let bw = 24;
    let steps = 100;
    for s in 0..steps {
        let y0 = top + side - (s + 1) * side / steps;
        let y1 = top + side - s * side / steps;
        root.draw(&Rectangle::new(
            [(bx, y0), (bx + bw, y1)],
            viridis((s as f64 + 0.5) / steps as f64).filled(),
        ))
        .map_err(err)?;
    }
    root.draw(&Rectangle::new(
        [(bx, top), (bx + bw, top + side)],
        BLACK.stroke_width(1),
    ))
    .map_err(err)?;
    for k in 0..=4 {
        let v = lo + span * f64::from(k) / 4.0;
        let y = top + side - side * k / 4;
        root.draw(&PathElement::new(
            vec![(bx + bw, y), (bx + bw + 6, y)],
            BLACK,
        ))
        .map_err(err)?;
        let text = match format {
            CellFormat::Counts => format!("{}", v.round() as i64),
            CellFormat::Percent => format!("{:.0}%", v * 100.0),
        };
        root.draw(&Text::new(
            text,
            (bx + bw + 10, y),
            (FONT, 15).into_font().color(&BLACK).pos(centre(HPos::Left)),
        ))
        .map_err(err)?;
    }
    Ok(())
}
