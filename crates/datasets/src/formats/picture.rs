//! A user's picture as a model's input: a PNG decoded to grey levels, then taken as it is
//! when it has the dataset's image size (or is an exact enlargement of it, as `data show`
//! draws one), else prepared the way MNIST's digits were — white ink on black, the ink's box
//! scaled into 20/28 of the frame, centred by mass.
//!
//! ```
//! use classify_datasets::picture::{prepare, Preparation};
//!
//! // A 56 × 56 white page with a dark bar, off centre: inverted, scaled and centred.
//! let mut page = vec![255u8; 56 * 56];
//! for y in 11..50 {
//!     for x in 7..12 {
//!         page[y * 56 + x] = 0;
//!     }
//! }
//! let input = prepare(&page, 56, 56, [28, 28])?;
//! assert!(input.inverted);
//! assert_eq!(input.preparation, Preparation::MnistStyle);
//! assert_eq!(input.pixels.len(), 28 * 28);
//! # Ok::<(), classify_datasets::Error>(())
//! ```

use serde::Serialize;

use crate::error::{Error, Result};

/// A picture made a model's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// `h × w` grey levels, white ink on black.
    pub pixels: Vec<u8>,
    /// Whether the picture was dark on light.
    pub inverted: bool,
    /// Which rule made it.
    pub preparation: Preparation,
}

/// The grey picture (`width × height`) as an `h × w` input: as it is when it is that size
/// or an exact enlargement of it (each of its pixels a uniform square), else MNIST-style: white
/// ink on black, the ink's box scaled to 20/28 of the frame keeping its aspect, centred by mass.
pub fn prepare(gray: &[u8], width: usize, height: usize, [h, w]: [usize; 2]) -> Result<Prepared> {
    let (pixels, inverted, preparation) = match as_is(gray, width, height, h, w) {
        Some((pixels, inverted)) => (pixels, inverted, Preparation::AsIs),
        None => {
            let (pixels, inverted) = mnist_style(gray, width, height, h, w)?;
            (pixels, inverted, Preparation::MnistStyle)
        }
    };
    Ok(Prepared {
        pixels,
        inverted,
        preparation,
    })
}

/// How the picture became an `h × w` input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preparation {
    /// Already the model's size (or an exact enlargement of it): taken pixel for pixel.
    AsIs,
    /// Ink box scaled into the frame and centred by mass, as MNIST's digits were.
    MnistStyle,
}

/// The most pixels [`decode_png`] reads.
pub const MAX_PIXELS: usize = 16 << 20;

/// A PNG's pixels as 8-bit grey levels (alpha over white), with its width and height.
pub fn decode_png(bytes: &[u8]) -> Result<(Vec<u8>, usize, usize)> {
    let png_error = |e: png::DecodingError| Error::Png {
        reason: e.to_string(),
    };
    let mut decoder = png::Decoder::new(bytes);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(png_error)?;
    let (w, h) = (reader.info().width as usize, reader.info().height as usize);
    if w == 0 || h == 0 || w * h > MAX_PIXELS {
        return Err(Error::PictureTooLarge {
            width: w,
            height: h,
        });
    }
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).map_err(png_error)?;
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = info.color_type.samples();
    let gray = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|p| match channels {
            1 => p[0],
            2 => blend(p[0], p[1]),
            3 => luma(p),
            _ => blend(luma(p), p[3]),
        })
        .collect();
    Ok((gray, w, h))
}

/// ITU-R 601 luma.
fn luma(p: &[u8]) -> u8 {
    ((299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2])) / 1000) as u8
}

/// A gray level with alpha, over a white background.
fn blend(v: u8, alpha: u8) -> u8 {
    let a = u32::from(alpha);
    ((u32::from(v) * a + 255 * (255 - a)) / 255) as u8
}

/// Whether the picture is light (its border averages above mid-grey): dark ink on a page, the
/// reverse of the datasets' white ink on black.
fn light_border(gray: &[u8], width: usize, height: usize) -> bool {
    let border: Vec<u8> = (0..width)
        .flat_map(|x| [gray[x], gray[(height - 1) * width + x]])
        .chain((0..height).flat_map(|y| [gray[y * width], gray[y * width + width - 1]]))
        .collect();
    border.iter().map(|&v| u64::from(v)).sum::<u64>() / border.len() as u64 > 127
}

/// A picture of the model's `h × w` size, or an exact `k`-times enlargement of one (every
/// `k × k` block one grey level, as `classify data show --out` writes), taken as it is: the
/// dataset's own images were prepared by a rule we cannot know (scikit-learn's 8 × 8 digits
/// fill their frame; MNIST's sit in a 20 × 20 box), so rescaling would change them. Inverted
/// when dark on light. `None` for any other picture.
fn as_is(gray: &[u8], width: usize, height: usize, h: usize, w: usize) -> Option<(Vec<u8>, bool)> {
    if w == 0
        || h == 0
        || !width.is_multiple_of(w)
        || !height.is_multiple_of(h)
        || width / w != height / h
    {
        return None;
    }
    let k = width / w;
    let mut out = Vec::with_capacity(h * w);
    for y in 0..h {
        for x in 0..w {
            let v = gray[y * k * width + x * k];
            let uniform = (0..k).all(|dy| {
                let row = (y * k + dy) * width + x * k;
                gray[row..row + k].iter().all(|&p| p == v)
            });
            if !uniform {
                return None;
            }
            out.push(v);
        }
    }
    let inverted = light_border(gray, width, height);
    if inverted {
        out.iter_mut().for_each(|v| *v = 255 - *v);
    }
    Some((out, inverted))
}

/// The smallest box `[x0, y0, x1, y1]` (inclusive) around the pixels above `threshold`
/// (rows of `width` pixels; at least one is above it).
fn ink_bounds(ink: &[f64], width: usize, threshold: f64) -> [usize; 4] {
    let height = ink.len() / width;
    let (mut x0, mut y0, mut x1, mut y1) = (width, height, 0, 0);
    for y in 0..height {
        for x in 0..width {
            if ink[y * width + x] > threshold {
                x0 = x0.min(x);
                x1 = x1.max(x);
                y0 = y0.min(y);
                y1 = y1.max(y);
            }
        }
    }
    [x0, y0, x1, y1]
}

/// The box `[x0, y0, x1, y1]` of `ink` (rows of `width` pixels) resampled to `tw × th` by
/// area averaging (`scale` target pixels per source pixel).
fn resample(
    ink: &[f64],
    width: usize,
    [x0, y0, x1, y1]: [usize; 4],
    scale: f64,
    (tw, th): (usize, usize),
) -> Vec<f64> {
    let mut small = vec![0f64; tw * th];
    for (ty, row) in small.chunks_exact_mut(tw).enumerate() {
        let (sy0, sy1) = (ty as f64 / scale, (ty + 1) as f64 / scale);
        for (tx, out) in row.iter_mut().enumerate() {
            let (sx0, sx1) = (tx as f64 / scale, (tx + 1) as f64 / scale);
            let (mut sum, mut area) = (0.0, 0.0);
            let mut sy = sy0.floor();
            while sy < sy1 {
                let fy = (sy + 1.0).min(sy1) - sy.max(sy0);
                let mut sx = sx0.floor();
                while sx < sx1 {
                    let fx = (sx + 1.0).min(sx1) - sx.max(sx0);
                    let (px, py) = (x0 + sx as usize, y0 + sy as usize);
                    if px <= x1 && py <= y1 {
                        sum += fx * fy * ink[py * width + px];
                    }
                    area += fx * fy;
                    sx += 1.0;
                }
                sy += 1.0;
            }
            *out = if area > 0.0 { sum / area } else { 0.0 };
        }
    }
    small
}

/// MNIST's preparation: white ink on black (inverted if the picture is dark on light), the
/// ink's bounding box scaled to fit 20×20 keeping its aspect (area averaging), then placed in
/// the `h × w` frame with its centre of mass at the centre.
fn mnist_style(
    gray: &[u8],
    width: usize,
    height: usize,
    h: usize,
    w: usize,
) -> Result<(Vec<u8>, bool)> {
    if width < w || height < h {
        return Err(Error::PictureTooSmall {
            width,
            height,
            min: [h, w],
        });
    }
    // Dark ink on a light page (a photo, a drawing) is the usual case; MNIST is the reverse.
    let inverted = light_border(gray, width, height);
    let ink: Vec<f64> = gray
        .iter()
        .map(|&v| f64::from(if inverted { 255 - v } else { v }))
        .collect();
    let threshold = 0.2 * ink.iter().cloned().fold(0.0, f64::max);
    if threshold == 0.0 {
        return Err(Error::BlankPicture);
    }
    let [x0, y0, x1, y1] = ink_bounds(&ink, width, threshold);
    let (bw, bh) = (x1 - x0 + 1, y1 - y0 + 1);
    let box_side = (h.min(w) as f64 * 20.0 / 28.0).round();
    let scale = box_side / bw.max(bh) as f64;
    let (tw, th) = (
        ((bw as f64 * scale).round() as usize).max(1),
        ((bh as f64 * scale).round() as usize).max(1),
    );
    let small = resample(&ink, width, [x0, y0, x1, y1], scale, (tw, th));
    // Centre of mass to the frame's centre.
    let mass: f64 = small.iter().sum();
    let (mut cx, mut cy) = (0.0, 0.0);
    for (i, &v) in small.iter().enumerate() {
        cx += v * (i % tw) as f64;
        cy += v * (i / tw) as f64;
    }
    let (cx, cy) = (cx / mass, cy / mass);
    let (ox, oy) = (
        (w as f64 / 2.0 - 0.5 - cx).round() as isize,
        (h as f64 / 2.0 - 0.5 - cy).round() as isize,
    );
    let peak = small.iter().cloned().fold(0.0, f64::max);
    let mut out = vec![0u8; h * w];
    for (i, &v) in small.iter().enumerate() {
        let (x, y) = ((i % tw) as isize + ox, (i / tw) as isize + oy);
        if (0..w as isize).contains(&x) && (0..h as isize).contains(&y) {
            out[y as usize * w + x as usize] = (v / peak * 255.0).round() as u8;
        }
    }
    Ok((out, inverted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dark_stroke_on_white_becomes_a_centred_white_digit() {
        // A 60×40 white page with a black vertical bar off to the left.
        let (width, height) = (60, 40);
        let mut page = vec![255u8; width * height];
        for y in 5..35 {
            for x in 8..14 {
                page[y * width + x] = 0;
            }
        }
        let (img, inverted) = mnist_style(&page, width, height, 28, 28).unwrap();
        assert!(inverted);
        let mass: u64 = img.iter().map(|&v| u64::from(v)).sum();
        let cx: f64 = img
            .iter()
            .enumerate()
            .map(|(i, &v)| (i % 28) as f64 * f64::from(v))
            .sum::<f64>()
            / mass as f64;
        assert!((cx - 13.5).abs() <= 1.0, "centre of mass {cx}");
        // 20 pixels tall, as MNIST's digits.
        let rows = (0..28).filter(|y| img[y * 28..(y + 1) * 28].iter().any(|&v| v > 0));
        assert_eq!(rows.count(), 20);
        assert!(mnist_style(&[255; 100], 10, 10, 28, 28).is_err());
        assert!(mnist_style(&vec![255; 900], 30, 30, 28, 28).is_err());
    }

    #[test]
    fn a_picture_of_the_model_size_or_an_exact_enlargement_is_taken_as_it_is() {
        // An 8 × 4 image, white ink on black, and its 3× enlargement drawn dark on light.
        let small: Vec<u8> = (0..32).map(|i| if i % 5 == 0 { 200 } else { 0 }).collect();
        assert_eq!(as_is(&small, 4, 8, 8, 4), Some((small.clone(), false)));
        let big: Vec<u8> = (0..12 * 24)
            .map(|i| 255 - small[(i / 12 / 3) * 4 + (i % 12) / 3])
            .collect();
        assert_eq!(as_is(&big, 12, 24, 8, 4), Some((small.clone(), true)));
        // Blocks that are not uniform, or another aspect: prepared MNIST-style instead.
        let mut blurred = big.clone();
        blurred[13] ^= 1;
        assert_eq!(as_is(&blurred, 12, 24, 8, 4), None);
        assert_eq!(as_is(&big, 24, 12, 8, 4), None);
        assert_eq!(as_is(&small, 8, 4, 8, 8), None);
    }
}
