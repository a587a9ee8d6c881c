//! What every figure shares: the palette, the embedded font, the drawing trait and the writer
//! of PNG and SVG files.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::Format;

/// matplotlib's default colour cycle (`tab10`): ten classes, ten colours.
pub(crate) const PALETTE: [RGBColor; 10] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
];

pub(crate) const FONT: &str = "sans-serif";

/// Registers the embedded DejaVu Sans (so PNG text needs no system fonts).
fn fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font shipped by the `dejavu` crate; should the
        // registration fail, text is simply not drawn in PNGs.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
    });
}

/// A figure that can draw itself on any backend.
pub(crate) trait Figure {
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String>;
}

/// Creates the folder `path` will be written in.
pub(crate) fn create_folder_of(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::Draw {
            path: path.to_path_buf(),
            message: format!("cannot create the folder {}: {e}", dir.display()),
        })?;
    }
    Ok(())
}

/// Writes `figure` to `path` (`.png` or `.svg`), creating the folder.
pub(crate) fn write(figure: &impl Figure, path: &Path) -> Result<()> {
    fonts();
    let format = Format::of(path)?;
    create_folder_of(path)?;
    let size = figure.size();
    let result = match format {
        Format::Png => {
            let area = BitMapBackend::new(path, size).into_drawing_area();
            figure
                .draw(&area)
                .and_then(|()| area.present().map_err(|e| e.to_string()))
        }
        Format::Svg => {
            let area = SVGBackend::new(path, size).into_drawing_area();
            figure
                .draw(&area)
                .and_then(|()| area.present().map_err(|e| e.to_string()))
        }
    };
    result.map_err(|message| Error::Draw {
        path: path.to_path_buf(),
        message,
    })
}

pub(crate) fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// A chart with `f64` axes.
pub(crate) type Chart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The axes' ranges, `((x0, x1), (y0, y1))`.
pub(crate) type Ranges = ((f64, f64), (f64, f64));
