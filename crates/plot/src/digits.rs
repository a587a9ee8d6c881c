//! Digit pictures: one image, or a grid of images.

use std::path::Path;

use ndarray::{ArrayView1, ArrayView2};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::Format;

/// How digits are drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitStyle {
    /// Output pixels per image pixel.
    pub scale: u32,
    /// Blank image pixels between grid cells (and around the grid).
    pub gap: u32,
}

impl Default for DigitStyle {
    fn default() -> Self {
        DigitStyle { scale: 8, gap: 2 }
    }
}

/// matplotlib's `binary` colour map: 0 → white, 255 → black.
fn binary(v: u8) -> RGBColor {
    let g = 255 - v;
    RGBColor(g, g, g)
}

/// Draws one image (a row of `height × width` pixels) to `path` (`.png` or `.svg`).
pub fn digit(
    pixels: ArrayView1<'_, u8>,
    shape: [usize; 2],
    path: impl AsRef<Path>,
    style: &DigitStyle,
) -> Result<()> {
    let row = pixels.insert_axis(ndarray::Axis(0));
    let style = DigitStyle {
        gap: 0,
        ..style.clone()
    };
    digit_grid(row, shape, 1, path, &style)
}

/// Draws images (one per row of `images`, each `height × width`) in a grid with `per_row`
/// images per row, as the book's `plot_digits`, to `path` (`.png` or `.svg`).
pub fn digit_grid(
    images: ArrayView2<'_, u8>,
    shape: [usize; 2],
    per_row: usize,
    path: impl AsRef<Path>,
    style: &DigitStyle,
) -> Result<()> {
    let path = path.as_ref();
    let format = Format::of(path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::Draw {
            path: path.to_path_buf(),
            message: format!("cannot create the folder {}: {e}", dir.display()),
        })?;
    }
    let [h, w] = shape;
    if images.ncols() != h * w || h == 0 || w == 0 {
        return Err(Error::Shape(format!(
            "rows of {} pixels are not {h}×{w} images",
            images.ncols()
        )));
    }
    if images.nrows() == 0 || per_row == 0 || style.scale == 0 {
        return Err(Error::Shape(
            "a grid needs at least one image, one per row, and a scale of at least 1".into(),
        ));
    }
    let cols = per_row.min(images.nrows());
    let rows = images.nrows().div_ceil(cols);
    let gap = style.gap as usize;
    let cell = |n: usize, side: usize| n * side + (n + 1) * gap;
    let (pw, ph) = (cell(cols, w), cell(rows, h));
    let scale = style.scale as usize;
    let size = (pw * scale, ph * scale);
    let size = (
        u32::try_from(size.0).map_err(|_| Error::Shape("figure too wide".into()))?,
        u32::try_from(size.1).map_err(|_| Error::Shape("figure too tall".into()))?,
    );
    let layout = Layout {
        shape,
        cols,
        gap,
        scale,
    };
    let result = match format {
        Format::Png => draw(
            BitMapBackend::new(path, size).into_drawing_area(),
            images,
            &layout,
        ),
        Format::Svg => draw(
            SVGBackend::new(path, size).into_drawing_area(),
            images,
            &layout,
        ),
    };
    result.map_err(|message| Error::Draw {
        path: path.to_path_buf(),
        message,
    })
}

struct Layout {
    shape: [usize; 2],
    cols: usize,
    gap: usize,
    scale: usize,
}

/// Paints every non-zero pixel as a `scale`-sized square on a white background.
fn draw<DB: DrawingBackend>(
    area: DrawingArea<DB, Shift>,
    images: ArrayView2<'_, u8>,
    layout: &Layout,
) -> std::result::Result<(), String> {
    let Layout {
        shape: [h, w],
        cols,
        gap,
        scale,
    } = *layout;
    area.fill(&WHITE).map_err(|e| e.to_string())?;
    for (i, img) in images.rows().into_iter().enumerate() {
        let (r, c) = (i / cols, i % cols);
        let (x0, y0) = (gap + c * (w + gap), gap + r * (h + gap));
        for (p, &v) in img.iter().enumerate() {
            if v == 0 {
                continue;
            }
            let (x, y) = ((x0 + p % w) * scale, (y0 + p / w) * scale);
            let rect = Rectangle::new(
                [
                    (x as i32, y as i32),
                    ((x + scale) as i32, (y + scale) as i32),
                ],
                binary(v).filled(),
            );
            area.draw(&rect).map_err(|e| e.to_string())?;
        }
    }
    area.present().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;
    use sha2::Digest;

    fn images() -> Array2<u8> {
        Array2::from_shape_fn((5, 16), |(i, j)| ((i * 40 + j * 15) % 256) as u8)
    }

    fn hash(path: &Path) -> Vec<u8> {
        sha2::Sha256::digest(std::fs::read(path).unwrap()).to_vec()
    }

    #[test]
    fn grid_png_and_svg_are_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        for ext in ["png", "svg"] {
            let a = dir.path().join(format!("a.{ext}"));
            let b = dir.path().join(format!("b.{ext}"));
            let style = DigitStyle { scale: 3, gap: 1 };
            digit_grid(images().view(), [4, 4], 3, &a, &style).unwrap();
            digit_grid(images().view(), [4, 4], 3, &b, &style).unwrap();
            assert_eq!(hash(&a), hash(&b));
            assert!(std::fs::metadata(&a).unwrap().len() > 50);
        }
        let svg = std::fs::read_to_string(dir.path().join("a.svg")).unwrap();
        // 3 columns × 2 rows of 4×4 cells with 1-pixel gaps, scaled by 3.
        assert!(
            svg.contains(r#"width="48""#) && svg.contains(r#"height="33""#),
            "{svg}"
        );
    }

    #[test]
    fn png_pixels_follow_the_binary_colour_map() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.png");
        let img = ndarray::arr1(&[0u8, 255, 128, 0]);
        digit(img.view(), [2, 2], &path, &DigitStyle { scale: 1, gap: 0 }).unwrap();
        let decoder = png::Decoder::new(std::fs::File::open(&path).unwrap());
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(
            (info.width, info.height, info.color_type),
            (2, 2, png::ColorType::Rgb)
        );
        let grey: Vec<u8> = buf[..12].chunks(3).map(|p| p[0]).collect();
        assert_eq!(grey, vec![255, 0, 127, 255]);
    }

    #[test]
    fn bad_inputs_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let img = images();
        assert!(matches!(
            digit_grid(
                img.view(),
                [4, 4],
                3,
                dir.path().join("x.jpg"),
                &DigitStyle::default()
            ),
            Err(Error::UnsupportedFormat(_))
        ));
        assert!(matches!(
            digit_grid(
                img.view(),
                [3, 4],
                3,
                dir.path().join("x.png"),
                &DigitStyle::default()
            ),
            Err(Error::Shape(_))
        ));
        assert!(matches!(
            digit_grid(
                img.view(),
                [4, 4],
                0,
                dir.path().join("x.png"),
                &DigitStyle::default()
            ),
            Err(Error::Shape(_))
        ));
    }
}
