//! Line charts of the evaluation: precision and recall against the threshold, precision
//! against recall, ROC, DET (normal deviate axes), calibration; curves clipped to the axes.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::{Error, Result};
use crate::figure::{err, write, Chart, Figure, Ranges, FONT, PALETTE};

/// One line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text (empty: no legend entry).
    pub label: String,
    /// x values.
    pub x: Vec<f64>,
    /// y values (as many as `x`).
    pub y: Vec<f64>,
    /// Draw dashed (a second quantity on the same axes, or a reference).
    pub dashed: bool,
    /// The line's colour (red, green, blue); `None` takes the next of matplotlib's cycle.
    pub color: Option<[u8; 3]>,
}

impl Series {
    /// A solid line.
    pub fn new(label: impl Into<String>, x: Vec<f64>, y: Vec<f64>) -> Series {
        Series {
            label: label.into(),
            x,
            y,
            dashed: false,
            color: None,
        }
    }
}

/// A tick label readable at any scale: decimals for small spans, scientific notation for
/// large magnitudes (decision scores of raw pixels run into the millions).
fn tick(v: f64, span: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if v.abs() >= 1e5 {
        return format!("{v:.1e}");
    }
    let decimals = if span >= 50.0 {
        0
    } else if span >= 5.0 {
        1
    } else {
        2
    };
    format!("{v:.decimals$}")
}

/// A highlighted point, with its legend text.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Position.
    pub x: f64,
    /// Position.
    pub y: f64,
    /// Legend text (empty: no legend entry).
    pub label: String,
}

/// A line chart: curves, points, vertical marks, an optional diagonal.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// Title above the plot.
    pub title: String,
    /// x-axis caption.
    pub x_label: String,
    /// y-axis caption.
    pub y_label: String,
    /// The curves.
    pub series: Vec<Series>,
    /// Highlighted points.
    pub markers: Vec<Marker>,
    /// Vertical lines at these x values, with legend text.
    pub vlines: Vec<(f64, String)>,
    /// The dashed `y = x` line (a random classifier's ROC, perfect calibration).
    pub diagonal: Option<String>,
    /// Axis ranges; `None` fits the data.
    pub x_range: Option<(f64, f64)>,
    /// Axis ranges; `None` fits the data.
    pub y_range: Option<(f64, f64)>,
    /// Where the legend goes.
    pub legend: LegendPosition,
    /// Ticks at these x positions with these labels, instead of evenly spaced numbers (a
    /// non-linear scale drawn on transformed data, as [`LineChart::det`] does).
    pub x_ticks: Option<Vec<(f64, String)>>,
    /// The same for the y axis.
    pub y_ticks: Option<Vec<(f64, String)>>,
}

/// The standard normal quantile of `p` (scipy's `norm.ppf`): Acklam's rational
/// approximation, relative error below 1.2e-9 — far below a pixel. `p` outside (0, 1) gives
/// ∓∞ (at 0 and 1) or NaN.
pub fn normal_deviate(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    match p {
        p if p.is_nan() || !(0.0..=1.0).contains(&p) => f64::NAN,
        0.0 => f64::NEG_INFINITY,
        1.0 => f64::INFINITY,
        p if p < 0.02425 => tail((-2.0 * p.ln()).sqrt()),
        p if p > 1.0 - 0.02425 => -tail((-2.0 * (1.0 - p).ln()).sqrt()),
        p => {
            let q = p - 0.5;
            let r = q * q;
            (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
                / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
        }
    }
}

/// Legend placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegendPosition {
    /// Lower left corner.
    LowerLeft,
    /// Lower right corner.
    LowerRight,
    /// Upper left corner.
    UpperLeft,
    /// Middle left.
    MiddleLeft,
    /// Upper right corner.
    UpperRight,
}

impl LineChart {
    /// An empty chart with these captions.
    pub fn new(title: &str, x_label: &str, y_label: &str) -> LineChart {
        LineChart {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            series: Vec::new(),
            markers: Vec::new(),
            vlines: Vec::new(),
            diagonal: None,
            x_range: None,
            y_range: None,
            legend: LegendPosition::LowerLeft,
            x_ticks: None,
            y_ticks: None,
        }
    }

    /// A detection error tradeoff chart, as scikit-learn's `DetCurveDisplay`: both axes on the
    /// normal deviate scale (a rate `r` at [`normal_deviate`]`(r)`), from 0.1 % to 99.9 %
    /// ticked at 0.1, 1, 5, 20, 50, 80, 95, 99 and 99.9 %, shown from −3 to 3. Add curves
    /// with [`LineChart::push_det`].
    pub fn det(title: &str) -> LineChart {
        let ticks: Vec<(f64, String)> = [0.001, 0.01, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99, 0.999]
            .iter()
            .map(|&r: &f64| {
                let pct = r * 100.0;
                let label = if (pct - pct.round()).abs() < 1e-9 {
                    format!("{pct:.0}%")
                } else {
                    format!("{pct:.1}%")
                };
                (normal_deviate(r), label)
            })
            .collect();
        LineChart {
            x_range: Some((-3.0, 3.0)),
            y_range: Some((-3.0, 3.0)),
            legend: LegendPosition::UpperRight,
            x_ticks: Some(ticks.clone()),
            y_ticks: Some(ticks),
            ..LineChart::new(title, "False positive rate", "False negative rate")
        }
    }

    /// Adds a DET curve (false positive and false negative rates) to a [`LineChart::det`]
    /// chart; rates of 0 and 1 are clipped to `f64::EPSILON` from them, as scikit-learn does.
    pub fn push_det(&mut self, label: &str, fpr: &[f64], fnr: &[f64]) {
        let deviate = |v: &[f64]| -> Vec<f64> {
            v.iter()
                .map(|&r| normal_deviate(r.clamp(f64::EPSILON, 1.0 - f64::EPSILON)))
                .collect()
        };
        self.series
            .push(Series::new(label, deviate(fpr), deviate(fnr)));
    }

    fn ranges(&self) -> Result<((f64, f64), (f64, f64))> {
        for s in &self.series {
            if s.x.len() != s.y.len() {
                return Err(Error::Shape(format!(
                    "series {:?}: {} x values and {} y values",
                    s.label,
                    s.x.len(),
                    s.y.len()
                )));
            }
        }
        let fit = |values: Vec<f64>| -> (f64, f64) {
            let finite: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
            let lo = finite.iter().cloned().fold(f64::INFINITY, f64::min);
            let hi = finite.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            if !lo.is_finite() {
                (0.0, 1.0)
            } else if hi - lo < 1e-12 {
                (lo - 0.5, hi + 0.5)
            } else {
                let pad = (hi - lo) * 0.02;
                (lo - pad, hi + pad)
            }
        };
        let xs = self
            .series
            .iter()
            .flat_map(|s| s.x.iter().copied())
            .chain(self.markers.iter().map(|m| m.x))
            .collect();
        let ys = self
            .series
            .iter()
            .flat_map(|s| s.y.iter().copied())
            .chain(self.markers.iter().map(|m| m.y))
            .collect();
        Ok((
            self.x_range.unwrap_or_else(|| fit(xs)),
            self.y_range.unwrap_or_else(|| fit(ys)),
        ))
    }

    /// Writes the chart to `path` (`.png` or `.svg`).
    pub fn write(&self, path: impl AsRef<Path>) -> Result<()> {
        let ranges = self.ranges()?;
        write(&Lines(self, ranges), path.as_ref())
    }
}

struct Lines<'a>(&'a LineChart, ((f64, f64), (f64, f64)));

impl Figure for Lines<'_> {
    fn size(&self) -> (u32, u32) {
        (800, 560)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String> {
        let (c, ((x0, x1), (y0, y1))) = (self.0, self.1);
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(root)
            .caption(&c.title, (FONT, 24))
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        let x_format = |v: &f64| tick(*v, x1 - x0);
        let y_format = |v: &f64| tick(*v, y1 - y0);
        let mut mesh = chart.configure_mesh();
        mesh.x_desc(&c.x_label)
            .y_desc(&c.y_label)
            .x_label_formatter(&x_format)
            .y_label_formatter(&y_format)
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .light_line_style(RGBColor(235, 235, 235));
        // Given ticks replace the evenly spaced ones: no automatic labels or grid there, our
        // own drawn below.
        if c.x_ticks.is_some() {
            mesh.x_labels(0).disable_x_mesh();
        }
        if c.y_ticks.is_some() {
            mesh.y_labels(0).disable_y_mesh();
        }
        mesh.draw().map_err(err)?;
        custom_ticks(root, &mut chart, c)?;
        if let Some(label) = &c.diagonal {
            draw_diagonal(&mut chart, label, self.1)?;
        }
        for (i, s) in c.series.iter().enumerate() {
            draw_line(&mut chart, i, s, self.1)?;
        }
        for (x, label) in &c.vlines {
            let color = RGBColor(60, 60, 60);
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(*x, y0), (*x, y1)],
                    4,
                    4,
                    color.stroke_width(2),
                ))
                .map_err(err)?
                .label(label.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(2))
                });
        }
        for m in &c.markers {
            chart
                .draw_series(std::iter::once(Circle::new((m.x, m.y), 7, BLACK.filled())))
                .map_err(err)?
                .label(m.label.as_str())
                .legend(|(x, y)| Circle::new((x + 11, y), 5, BLACK.filled()));
        }
        draw_legend(&mut chart, c.legend)
    }
}

/// The dashed diagonal `y = x` across the axes, with its legend `label`.
fn draw_diagonal<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    label: &str,
    ((x0, x1), (y0, y1)): Ranges,
) -> std::result::Result<(), String> {
    let lo = x0.max(y0);
    let hi = x1.min(y1);
    chart
        .draw_series(DashedLineSeries::new(
            vec![(lo, lo), (hi, hi)],
            6,
            4,
            RGBColor(120, 120, 120).stroke_width(2),
        ))
        .map_err(err)?
        .label(label)
        .legend(|(x, y)| {
            PathElement::new(
                vec![(x, y), (x + 22, y)],
                RGBColor(120, 120, 120).stroke_width(2),
            )
        });
    Ok(())
}

/// Series `i` as a line (dashed if asked) clipped to the axes, in its colour or the
/// palette's `i`-th.
fn draw_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    i: usize,
    s: &Series,
    ranges: Ranges,
) -> std::result::Result<(), String> {
    let color = s
        .color
        .map_or(PALETTE[i % PALETTE.len()], |[r, g, b]| RGBColor(r, g, b));
    let points: Vec<(f64, f64)> =
        s.x.iter()
            .zip(&s.y)
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|(&x, &y)| (x, y))
            .collect();
    let style = color.stroke_width(3);
    // The parts of the curve inside the axes (plotters would pin points outside to the
    // border); the legend entry goes with the first part.
    for (part, line) in clip_polyline(&points, ranges).into_iter().enumerate() {
        let anno = if s.dashed {
            chart
                .draw_series(DashedLineSeries::new(line, 10, 6, style))
                .map_err(err)?
        } else {
            chart
                .draw_series(LineSeries::new(line, style))
                .map_err(err)?
        };
        // An unlabelled series (the second edge of a band) stays out of the legend.
        if part == 0 && !s.label.is_empty() {
            anno.label(s.label.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], style));
        }
    }
    Ok(())
}

/// The legend box at `position`.
fn draw_legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    position: LegendPosition,
) -> std::result::Result<(), String> {
    chart
        .configure_series_labels()
        .position(match position {
            LegendPosition::LowerLeft => SeriesLabelPosition::LowerLeft,
            LegendPosition::LowerRight => SeriesLabelPosition::LowerRight,
            LegendPosition::UpperLeft => SeriesLabelPosition::UpperLeft,
            LegendPosition::MiddleLeft => SeriesLabelPosition::MiddleLeft,
            LegendPosition::UpperRight => SeriesLabelPosition::UpperRight,
        })
        .background_style(WHITE.mix(0.9))
        .border_style(RGBColor(200, 200, 200))
        .label_font((FONT, 15))
        .draw()
        .map_err(err)
}

type Point = (f64, f64);

/// The pieces of the polyline `points` inside the box `((x0, x1), (y0, y1))`, each segment
/// cut at the box's edges (Liang–Barsky), consecutive pieces joined.
fn clip_polyline(
    points: &[Point],
    ((x0, x1), (y0, y1)): ((f64, f64), (f64, f64)),
) -> Vec<Vec<Point>> {
    let inside = |&(x, y): &Point| x >= x0 && x <= x1 && y >= y0 && y <= y1;
    if points.iter().all(inside) {
        return vec![points.to_vec()];
    }
    let clip = |(ax, ay): Point, (bx, by): Point| -> Option<(Point, Point)> {
        let (dx, dy) = (bx - ax, by - ay);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [(-dx, ax - x0), (dx, x1 - ax), (-dy, ay - y0), (dy, y1 - ay)] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
            }
        }
        (t0 <= t1).then_some(((ax + t0 * dx, ay + t0 * dy), (ax + t1 * dx, ay + t1 * dy)))
    };
    let mut pieces: Vec<Vec<Point>> = Vec::new();
    if points.len() == 1 {
        return if inside(&points[0]) {
            vec![points.to_vec()]
        } else {
            pieces
        };
    }
    for w in points.windows(2) {
        let Some((a, b)) = clip(w[0], w[1]) else {
            continue;
        };
        match pieces.last_mut() {
            Some(last) if last.last() == Some(&a) => last.push(b),
            _ => pieces.push(vec![a, b]),
        }
    }
    pieces
}

/// Draws a [`LineChart`]'s given ticks: a light grid line and a label at each.
fn custom_ticks<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &mut Chart<'_, DB>,
    c: &LineChart,
) -> std::result::Result<(), String> {
    let (xs, ys) = (chart.x_range(), chart.y_range());
    let ((x0, x1), (y0, y1)) = ((xs.start, xs.end), (ys.start, ys.end));
    let grid = RGBColor(220, 220, 220).stroke_width(1);
    let label = TextStyle::from((FONT, 15).into_font()).color(&BLACK);
    // As matplotlib: ticks outside the axes' range are not shown.
    let within = |v: f64, lo: f64, hi: f64| v >= lo.min(hi) && v <= lo.max(hi);
    for (x, text) in c
        .x_ticks
        .iter()
        .flatten()
        .filter(|(x, _)| within(*x, x0, x1))
    {
        chart
            .draw_series(LineSeries::new(vec![(*x, y0), (*x, y1)], grid))
            .map_err(err)?;
        let (px, py) = chart.backend_coord(&(*x, y0));
        let style = label.pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(text.as_str(), (px, py + 6), style))
            .map_err(err)?;
    }
    for (y, text) in c
        .y_ticks
        .iter()
        .flatten()
        .filter(|(y, _)| within(*y, y0, y1))
    {
        chart
            .draw_series(LineSeries::new(vec![(x0, *y), (x1, *y)], grid))
            .map_err(err)?;
        let (px, py) = chart.backend_coord(&(x0, *y));
        let style = label.pos(Pos::new(HPos::Right, VPos::Center));
        root.draw(&Text::new(text.as_str(), (px - 6, py), style))
            .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod clip_tests {
    use super::clip_polyline;

    #[test]
    fn polylines_are_cut_at_the_box() {
        let unit = ((0.0, 1.0), (0.0, 1.0));
        // Inside: unchanged.
        let inside = [(0.1, 0.1), (0.5, 0.9)];
        assert_eq!(clip_polyline(&inside, unit), vec![inside.to_vec()]);
        // Leaves through the right edge and comes back: two pieces, cut at x = 1.
        let out_and_back = [(0.5, 0.5), (1.5, 0.5), (0.5, 0.25)];
        assert_eq!(
            clip_polyline(&out_and_back, unit),
            vec![
                vec![(0.5, 0.5), (1.0, 0.5)],
                vec![(1.0, 0.375), (0.5, 0.25)]
            ]
        );
        // Entirely outside: nothing; crossing a corner region without entering: nothing.
        assert!(clip_polyline(&[(2.0, 2.0), (3.0, 2.0)], unit).is_empty());
        assert!(clip_polyline(&[(-1.0, 0.5), (0.5, 2.5)], unit).is_empty());
    }
}
