//! Figures for classify, written as PNG or SVG (chosen by the file extension): digits and
//! digit grids, error-analysis quadrants, line charts (precision and recall against the
//! threshold, precision–recall, ROC, calibration, several models on one chart), box plots,
//! and scikit-learn's confusion-matrix display. Text uses the embedded DejaVu Sans.
//!
//! Digit pictures follow the MNIST figures practitioners know from matplotlib: the `binary`
//! colour map (0 is white, 255 is black), no axes, nearest-neighbour pixels. Output bytes are
//! deterministic for the same input, so tests can hash them.
//!
//! ```no_run
//! use classify_plot::{digit, digit_grid, DigitStyle};
//! use ndarray::Array2;
//!
//! let images = Array2::<u8>::zeros((100, 784)); // 100 images, 28×28 each
//! digit(images.row(0), [28, 28], "digit.png", &DigitStyle::default())?;
//! digit_grid(images.view(), [28, 28], 10, "digits.svg", &DigitStyle::default())?;
//! # Ok::<(), classify_plot::Error>(())
//! ```

mod boxplot;
mod charts;
mod confusion;
mod digits;
mod error;
mod figure;

pub use boxplot::BoxPlot;
pub use charts::{normal_deviate, LegendPosition, LineChart, Marker, Series};
pub use confusion::{CellFormat, ConfusionMatrixPlot};
pub use digits::{digit, digit_grid, DigitQuadrants, DigitStyle};
pub use error::{Error, Result};

use std::path::Path;

/// The output formats figures can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Portable Network Graphics.
    Png,
    /// Scalable Vector Graphics.
    Svg,
}

impl Format {
    /// The format a path's extension asks for.
    pub fn of(path: &Path) -> Result<Format> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("png") => Ok(Format::Png),
            Some("svg") => Ok(Format::Svg),
            _ => Err(Error::UnsupportedFormat(path.to_path_buf())),
        }
    }
}
