//! Random elastic deformations of images, infiMNIST's kind (Loosli, Canu and Bottou, 2007;
//! the elastic field is Simard, Steinkraus and Platt's, 2003): each output pixel samples the
//! source image, by bilinear interpolation, at a point moved by a small random affine map
//! (rotation, scaling, shear, translation about the image centre) and by a smooth random
//! displacement field — uniform noise in `[-1, 1]` per pixel and direction, filtered by a
//! Gaussian of standard deviation [`Deformation::sigma`] (scipy's `gaussian_filter`, `mode =
//! "reflect"`, with `truncate = 3`) and scaled by [`Deformation::alpha`]. With the defaults
//! (σ = 4, α = 20) the field moves pixels by about 0.8 pixel (standard deviation), and
//! the strokes bend as a hand's would.
//!
//! Each image draws from its own random stream (ChaCha8 seeded by the seed, stream = the
//! image's number), so image `i` of a seed is the same whatever the thread count and whichever
//! images are made around it.
//!
//! ```
//! use classify_datasets::deform::{Deformation, Deformer};
//!
//! let data = classify_datasets::mnist_sample()?;
//! let deformer = Deformer::new(Deformation::default(), [28, 28])?;
//! let mut out = vec![0u8; 784];
//! deformer.deform(data.train.data.row(0).as_slice().unwrap(), 42, 0, &mut out)?;
//! assert_ne!(out.as_slice(), data.train.data.row(0).as_slice().unwrap());
//! // The same seed and image number, the same image.
//! let mut again = vec![0u8; 784];
//! deformer.deform(data.train.data.row(0).as_slice().unwrap(), 42, 0, &mut again)?;
//! assert_eq!(out, again);
//! # Ok::<(), classify_datasets::Error>(())
//! ```

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};

/// How strongly images are deformed.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Deformation {
    /// Standard deviation, in pixels, of the Gaussian that smooths the displacement noise:
    /// the larger, the smoother (and, for one `alpha`, the weaker) the bending.
    pub sigma: f32,
    /// Scale of the smoothed displacement field, in pixels (Simard et al.'s α).
    pub alpha: f32,
    /// Largest rotation, in degrees either way.
    pub max_rotation: f32,
    /// Largest relative change of size: the scale is drawn in `[1 - s, 1 + s]`.
    pub max_scale: f32,
    /// Largest horizontal shear (x moves by `shear · y`).
    pub max_shear: f32,
    /// Largest translation, in pixels, along each axis.
    pub max_shift: f32,
}

impl Default for Deformation {
    fn default() -> Self {
        Deformation {
            sigma: 4.0,
            alpha: 20.0,
            max_rotation: 8.0,
            max_scale: 0.08,
            max_shear: 0.15,
            max_shift: 1.0,
        }
    }
}

impl Deformation {
    fn check(&self) -> Result<()> {
        let fields = [
            ("sigma", self.sigma, 0.1, 20.0),
            ("alpha", self.alpha, 0.0, 200.0),
            ("max_rotation", self.max_rotation, 0.0, 90.0),
            ("max_scale", self.max_scale, 0.0, 0.9),
            ("max_shear", self.max_shear, 0.0, 2.0),
            ("max_shift", self.max_shift, 0.0, 100.0),
        ];
        for (name, value, low, high) in fields {
            if !(low..=high).contains(&value) {
                return Err(Error::InvalidArgument(format!(
                    "deformation {name} = {value} is outside {low}..={high}"
                )));
            }
        }
        Ok(())
    }
}

/// Deforms images of one shape: the Gaussian kernel computed once.
#[derive(Debug, Clone)]
pub struct Deformer {
    params: Deformation,
    shape: [usize; 2],
    /// The kernel's weights, `2r + 1` of them, summing to 1.
    kernel: Vec<f32>,
}

/// Buffers one thread reuses from image to image.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    noise: Vec<f32>,
    padded: Vec<f32>,
    across: Vec<f32>,
    field: [Vec<f32>; 2],
}

impl Deformer {
    /// A deformer of `[height, width]` images.
    pub fn new(params: Deformation, [h, w]: [usize; 2]) -> Result<Deformer> {
        params.check()?;
        if h < 2 || w < 2 {
            return Err(Error::Shape(format!(
                "deformations need images of at least 2x2 pixels, not {h}x{w}"
            )));
        }
        // scipy's gaussian_filter: radius int(truncate · σ + 0.5), truncate = 3.
        let radius = (3.0 * params.sigma + 0.5) as usize;
        let s2 = 2.0 * f64::from(params.sigma).powi(2);
        let raw: Vec<f64> = (0..=2 * radius)
            .map(|i| (-((i as f64 - radius as f64).powi(2)) / s2).exp())
            .collect();
        let total: f64 = raw.iter().sum();
        Ok(Deformer {
            params,
            shape: [h, w],
            kernel: raw.iter().map(|&k| (k / total) as f32).collect(),
        })
    }

    /// The parameters.
    pub fn params(&self) -> &Deformation {
        &self.params
    }

    /// Image `number` of `seed` made from `src` (a `height × width` image, row-major) into
    /// `out`.
    pub fn deform(&self, src: &[u8], seed: u64, number: u64, out: &mut [u8]) -> Result<()> {
        self.deform_with(src, seed, number, out, &mut Scratch::default())
    }

    /// [`deform`](Self::deform) with a thread's reusable buffers.
    pub fn deform_with(
        &self,
        src: &[u8],
        seed: u64,
        number: u64,
        out: &mut [u8],
        scratch: &mut Scratch,
    ) -> Result<()> {
        let [h, w] = self.shape;
        if src.len() != h * w || out.len() != h * w {
            return Err(Error::Shape(format!(
                "a {h}x{w} image has {} pixels; given {} in and {} out",
                h * w,
                src.len(),
                out.len()
            )));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(number);
        let affine = self.affine(&mut rng);
        for axis in 0..2 {
            scratch.noise.clear();
            scratch
                .noise
                .extend((0..h * w).map(|_| rng.gen_range(-1.0f32..=1.0)));
            let mut field = std::mem::take(&mut scratch.field[axis]);
            self.smooth(scratch, &mut field);
            scratch.field[axis] = field;
        }
        self.resample(src, &affine, &scratch.field, out);
        Ok(())
    }

    /// The affine map's matrix (row-major 2 × 2) and translation, drawn from `rng`.
    fn affine(&self, rng: &mut ChaCha8Rng) -> [f32; 6] {
        let p = &self.params;
        let mut draw = |limit: f32| {
            if limit == 0.0 {
                0.0
            } else {
                rng.gen_range(-limit..=limit)
            }
        };
        let angle = draw(p.max_rotation).to_radians();
        let scale = 1.0 + draw(p.max_scale);
        let shear = draw(p.max_shear);
        let (tx, ty) = (draw(p.max_shift), draw(p.max_shift));
        let (sin, cos) = angle.sin_cos();
        // Where an output point (relative to the centre) is taken from: rotate, shear, then
        // scale by 1 / scale (a larger digit samples a smaller area).
        let inv = 1.0 / scale;
        [
            inv * cos,
            inv * (cos * shear - sin),
            inv * sin,
            inv * (sin * shear + cos),
            tx,
            ty,
        ]
    }

    /// `scratch.noise` filtered by the Gaussian along rows, then columns (reflecting at the
    /// edges, scipy's `"reflect"`: `d c b a | a b c d | d c b a`), times `alpha`, into
    /// `field`.
    fn smooth(&self, scratch: &mut Scratch, field: &mut Vec<f32>) {
        let [h, w] = self.shape;
        let r = self.kernel.len() / 2;
        scratch.across.resize(h * w, 0.0);
        // Along each row.
        for y in 0..h {
            pad_reflect(&scratch.noise[y * w..(y + 1) * w], r, &mut scratch.padded);
            convolve(
                &scratch.padded,
                &self.kernel,
                &mut scratch.across[y * w..(y + 1) * w],
            );
        }
        // Along each column: gather, filter, scatter.
        field.resize(h * w, 0.0);
        let mut column = vec![0.0f32; h];
        let mut filtered = vec![0.0f32; h];
        for x in 0..w {
            for (y, c) in column.iter_mut().enumerate() {
                *c = scratch.across[y * w + x];
            }
            pad_reflect(&column, r, &mut scratch.padded);
            convolve(&scratch.padded, &self.kernel, &mut filtered);
            for (y, &v) in filtered.iter().enumerate() {
                field[y * w + x] = self.params.alpha * v;
            }
        }
    }

    /// Each output pixel: the source sampled bilinearly (zero outside) where the affine map
    /// and the field send it, rounded to the nearest byte.
    fn resample(&self, src: &[u8], a: &[f32; 6], field: &[Vec<f32>; 2], out: &mut [u8]) {
        let [h, w] = self.shape;
        let (cx, cy) = ((w as f32 - 1.0) / 2.0, (h as f32 - 1.0) / 2.0);
        let pixel = |x: isize, y: isize| -> f32 {
            if x < 0 || y < 0 || x >= w as isize || y >= h as isize {
                0.0
            } else {
                f32::from(src[y as usize * w + x as usize])
            }
        };
        for y in 0..h {
            for x in 0..w {
                let i = y * w + x;
                let (px, py) = (x as f32 - cx, y as f32 - cy);
                let sx = a[0] * px + a[1] * py + cx - a[4] + field[0][i];
                let sy = a[2] * px + a[3] * py + cy - a[5] + field[1][i];
                let (fx, fy) = (sx.floor(), sy.floor());
                let (dx, dy) = (sx - fx, sy - fy);
                let (ix, iy) = (fx as isize, fy as isize);
                let top = pixel(ix, iy) * (1.0 - dx) + pixel(ix + 1, iy) * dx;
                let bottom = pixel(ix, iy + 1) * (1.0 - dx) + pixel(ix + 1, iy + 1) * dx;
                let v = top * (1.0 - dy) + bottom * dy;
                out[i] = v.round().clamp(0.0, 255.0) as u8;
            }
        }
    }
}

/// `line` with `r` values reflected on either side into `padded`; a line shorter than `r`
/// reflects as often as it takes.
fn pad_reflect(line: &[f32], r: usize, padded: &mut Vec<f32>) {
    let n = line.len() as isize;
    padded.clear();
    padded.extend((-(r as isize)..n + r as isize).map(|mut i| {
        // scipy's "reflect" (half-sample symmetric), folded until inside.
        loop {
            if i < 0 {
                i = -i - 1;
            } else if i >= n {
                i = 2 * n - i - 1;
            } else {
                return line[i as usize];
            }
        }
    }));
}

/// `out[i] = Σ_j kernel[j] · padded[i + j]`.
fn convolve(padded: &[f32], kernel: &[f32], out: &mut [f32]) {
    for (i, o) in out.iter_mut().enumerate() {
        *o = padded[i..i + kernel.len()]
            .iter()
            .zip(kernel)
            .map(|(p, k)| p * k)
            .sum();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digit() -> Vec<u8> {
        let data = crate::sample::mnist_sample().unwrap();
        data.train.data.row(0).to_vec()
    }

    #[test]
    fn nothing_asked_changes_nothing() {
        let src = digit();
        let none = Deformation {
            alpha: 0.0,
            max_rotation: 0.0,
            max_scale: 0.0,
            max_shear: 0.0,
            max_shift: 0.0,
            ..Deformation::default()
        };
        let mut out = vec![0; 784];
        Deformer::new(none, [28, 28])
            .unwrap()
            .deform(&src, 1, 5, &mut out)
            .unwrap();
        assert_eq!(out, src);
    }

    #[test]
    fn deformed_digits_keep_their_ink_and_differ_by_seed_and_number() {
        let src = digit();
        let d = Deformer::new(Deformation::default(), [28, 28]).unwrap();
        let make = |seed, number| {
            let mut out = vec![0; 784];
            d.deform(&src, seed, number, &mut out).unwrap();
            out
        };
        let a = make(42, 0);
        assert_eq!(a, make(42, 0));
        assert_ne!(a, make(42, 1));
        assert_ne!(a, make(43, 0));
        // Moved and bent, not smeared or lost: the ink stays within a few percent, and most
        // of it still overlaps the original.
        let ink = |v: &[u8]| v.iter().map(|&p| f64::from(p)).sum::<f64>();
        let ratio = ink(&a) / ink(&src);
        assert!((0.8..1.25).contains(&ratio), "{ratio}");
        let overlap: f64 = a.iter().zip(&src).map(|(&x, &y)| f64::from(x.min(y))).sum();
        assert!(overlap / ink(&src) > 0.4, "{}", overlap / ink(&src));
        assert!(a != src);
    }

    #[test]
    fn a_pure_shift_moves_by_whole_pixels() {
        let src = digit();
        let shift = Deformation {
            alpha: 0.0,
            max_rotation: 0.0,
            max_scale: 0.0,
            max_shear: 0.0,
            max_shift: 3.0,
            ..Deformation::default()
        };
        let d = Deformer::new(shift, [28, 28]).unwrap();
        let mut out = vec![0; 784];
        d.deform(&src, 9, 0, &mut out).unwrap();
        // The centre of mass moves by the drawn translation, about the same amount each way.
        let centre = |v: &[u8]| {
            let (mut sx, mut sy, mut s) = (0.0, 0.0, 0.0);
            for (i, &p) in v.iter().enumerate() {
                let p = f64::from(p);
                sx += p * (i % 28) as f64;
                sy += p * (i / 28) as f64;
                s += p;
            }
            (sx / s, sy / s)
        };
        let ((x0, y0), (x1, y1)) = (centre(&src), centre(&out));
        assert!((x1 - x0).abs() <= 3.2 && (y1 - y0).abs() <= 3.2);
        assert!((x1 - x0).abs() + (y1 - y0).abs() > 0.05);
    }

    #[test]
    fn smoothing_follows_scipy_reflect() {
        // scipy 1.17: gaussian_filter1d([1, 0, 0, 0, 0], sigma, mode="reflect", truncate=3.0)
        // with sigma 1 (a radius of 3) and 4 (a radius of 12: the line reflected again and again).
        let impulse = [1.0, 0.0, 0.0, 0.0, 0.0];
        let cases: [(f32, [f64; 5]); 2] = [
            (1.0, [0.64108651, 0.29604181, 0.05843863, 0.00443305, 0.0]),
            (
                4.0,
                [0.21574818, 0.20986031, 0.19982131, 0.19005446, 0.18451574],
            ),
        ];
        for (sigma, want) in cases {
            let params = Deformation {
                sigma,
                ..Deformation::default()
            };
            let d = Deformer::new(params, [5, 5]).unwrap();
            let mut padded = Vec::new();
            pad_reflect(&impulse, d.kernel.len() / 2, &mut padded);
            let mut out = [0.0f32; 5];
            convolve(&padded, &d.kernel, &mut out);
            for (o, w) in out.iter().zip(want) {
                assert!(
                    (f64::from(*o) - w).abs() < 1e-6,
                    "sigma {sigma}: {out:?} {want:?}"
                );
            }
        }
    }

    #[test]
    fn bad_parameters_and_shapes_are_errors() {
        let bad = Deformation {
            sigma: f32::NAN,
            ..Deformation::default()
        };
        assert!(Deformer::new(bad, [28, 28]).is_err());
        assert!(Deformer::new(Deformation::default(), [1, 28]).is_err());
        let d = Deformer::new(Deformation::default(), [28, 28]).unwrap();
        assert!(d.deform(&[0; 10], 0, 0, &mut [0; 784]).is_err());
    }
}
