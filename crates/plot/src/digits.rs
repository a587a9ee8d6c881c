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
    crate::figure::create_folder_of(path)?;
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

/// Error analysis as in the book: four groups of digits in a 2×2 layout (for classes a and
/// b: true a predicted a, true a predicted b, true b predicted a, true b predicted b), each
/// under its caption, `per_row` images per row.
#[derive(Debug, Clone)]
pub struct DigitQuadrants<'a> {
    /// The four groups, one image per row, in the order above.
    pub groups: [ArrayView2<'a, u8>; 4],
    /// Their captions.
    pub captions: [String; 4],
    /// Image height and width.
    pub shape: [usize; 2],
    /// Images per row within a group.
    pub per_row: usize,
    /// Output pixels per image pixel.
    pub scale: u32,
}

impl DigitQuadrants<'_> {
    /// Writes the figure to `path` (`.png` or `.svg`).
    pub fn write(&self, path: impl AsRef<Path>) -> Result<()> {
        let [h, w] = self.shape;
        if self.groups.iter().any(|g| g.ncols() != h * w) || self.per_row == 0 || self.scale == 0 {
            return Err(Error::Shape(format!(
                "every group needs rows of {h}×{w} pixels, and per_row and scale at least 1"
            )));
        }
        crate::figure::write(self, path.as_ref())
    }

    fn block(&self) -> (i32, i32) {
        let [h, w] = self.shape;
        let rows = self
            .groups
            .iter()
            .map(|g| g.nrows().div_ceil(self.per_row))
            .max()
            .unwrap_or(0)
            .max(1);
        let s = self.scale as usize;
        (
            (self.per_row * (w + 1) * s) as i32,
            (rows * (h + 1) * s) as i32,
        )
    }
}

impl crate::figure::Figure for DigitQuadrants<'_> {
    fn size(&self) -> (u32, u32) {
        let (bw, bh) = self.block();
        ((2 * bw + 60) as u32, (2 * bh + 2 * 40 + 30) as u32)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String> {
        use plotters::style::text_anchor::{HPos, Pos, VPos};
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (bw, bh) = self.block();
        let [h, w] = self.shape;
        let s = self.scale as i32;
        for (q, (group, caption)) in self.groups.iter().zip(&self.captions).enumerate() {
            let (ox, oy) = (
                20 + (q as i32 % 2) * (bw + 20),
                10 + (q as i32 / 2) * (bh + 40 + 10),
            );
            root.draw(&Text::new(
                caption.clone(),
                (ox + bw / 2, oy + 16),
                ("sans-serif", 18)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(|e| e.to_string())?;
            let top = oy + 34;
            root.draw(&Rectangle::new(
                [(ox - 2, top - 2), (ox + bw + 2, top + bh + 2)],
                RGBColor(200, 200, 200).stroke_width(1),
            ))
            .map_err(|e| e.to_string())?;
            for (i, img) in group.rows().into_iter().enumerate() {
                let (r, c) = ((i / self.per_row) as i32, (i % self.per_row) as i32);
                let (x0, y0) = (ox + c * (w as i32 + 1) * s, top + r * (h as i32 + 1) * s);
                for (p, &v) in img.iter().enumerate() {
                    if v == 0 {
                        continue;
                    }
                    let (x, y) = (x0 + (p % w) as i32 * s, y0 + (p / w) as i32 * s);
                    root.draw(&Rectangle::new(
                        [(x, y), (x + s, y + s)],
                        binary(v).filled(),
                    ))
                    .map_err(|e| e.to_string())?;
                }
            }
        }
        Ok(())
    }
}
