//! Image augmentation: one-pixel shifts (zero fill) and additive integer noise.

use ndarray::{Array1, Array2, ArrayView2};

use crate::dataset::Dataset;
use crate::error::{Error, Result};

/// The four one-pixel shifts of the augmentation exercise, as `(dx, dy)`: left, right, up, down.
pub const FOUR_SHIFTS: [(isize, isize); 4] = [(-1, 0), (1, 0), (0, -1), (0, 1)];

/// Shifts a `height × width` image by `dx` columns (positive: right) and `dy` rows (positive:
/// down), filling uncovered pixels with 0, as `scipy.ndimage.shift(image, [dy, dx], cval=0)`
/// does for whole-pixel shifts.
pub fn shift(image: &[u8], height: usize, width: usize, dx: isize, dy: isize) -> Result<Vec<u8>> {
    let mut out = vec![0u8; image.len()];
    shift_into(image, height, width, dx, dy, &mut out)?;
    Ok(out)
}

/// [`shift`] into a caller's buffer (which is overwritten entirely).
pub fn shift_into(
    image: &[u8],
    height: usize,
    width: usize,
    dx: isize,
    dy: isize,
    out: &mut [u8],
) -> Result<()> {
    if image.len() != height * width || out.len() != image.len() {
        return Err(Error::Shape(format!(
            "a {height}x{width} image needs {} pixels, got {} (output {})",
            height * width,
            image.len(),
            out.len()
        )));
    }
    out.fill(0);
    let (h, w) = (height as isize, width as isize);
    if dx.abs() >= w || dy.abs() >= h {
        return Ok(());
    }
    let cols = (w - dx.abs()) as usize;
    let (src_x, dst_x) = if dx >= 0 {
        (0, dx as usize)
    } else {
        ((-dx) as usize, 0)
    };
    for y in 0..h {
        let sy = y - dy;
        if !(0..h).contains(&sy) {
            continue;
        }
        let src = sy as usize * width + src_x;
        let dst = y as usize * width + dst_x;
        out[dst..dst + cols].copy_from_slice(&image[src..src + cols]);
    }
    Ok(())
}

/// The training set plus one shifted copy of every image per shift (5× for [`FOUR_SHIFTS`]),
/// shuffled by NumPy's `RandomState(seed).permutation` (the book's `np.random.permutation`
/// after `np.random.seed(seed)`; in order — originals, then each shift — with `None`).
pub fn augment_with_shifts(
    ds: &Dataset,
    shifts: &[(isize, isize)],
    seed: Option<u64>,
) -> Result<Dataset> {
    let [h, w] = ds
        .image_shape
        .ok_or_else(|| Error::Shape("shift augmentation needs images".into()))?;
    let n = ds.n_samples();
    let d = ds.n_features();
    let copies = shifts.len() + 1;
    let mut data = Vec::with_capacity(n * d * copies);
    data.extend(ds.data.iter().copied());
    let mut buf = vec![0u8; d];
    for &(dx, dy) in shifts {
        for row in ds.data.rows() {
            let row = row
                .as_slice()
                .map(<[u8]>::to_vec)
                .unwrap_or_else(|| row.to_vec());
            shift_into(&row, h, w, dx, dy, &mut buf)?;
            data.extend_from_slice(&buf);
        }
    }
    let mut target: Vec<u8> = Vec::with_capacity(n * copies);
    for _ in 0..copies {
        target.extend(ds.target.iter().copied());
    }
    let data =
        Array2::from_shape_vec((n * copies, d), data).map_err(|e| Error::Shape(e.to_string()))?;
    let out = ds.with_rows(data, Array1::from_vec(target));
    match seed {
        None => Ok(out),
        // The book's `np.random.permutation(len(X_train_augmented))` after
        // `np.random.seed(seed)`.
        Some(seed) => {
            let order = classify_random::RandomState::new(seed)
                .map_err(|e| Error::InvalidArgument(format!("seed {seed}: {e}")))?
                .permutation(out.n_samples());
            out.select(&order)
        }
    }
}

/// Adds uniform integer noise in `0..high` to every value, drawn as NumPy's
/// `rs.randint(0, high, data.shape)` draws it (C order), so that the same seed gives the
/// book's noisy images: `np.random.seed(42)` then `X_train + np.random.randint(0, 100,
/// X_train.shape)` is `add_noise(x_train, 100, &mut RandomState::new(42)?)`, and the next
/// call with the same generator continues the stream as the book's test-set noise does.
/// Values can exceed 255: the output type is the caller's (`u16`, `f32`, …).
///
/// ```
/// use classify_datasets::augment::add_noise;
/// use classify_random::RandomState;
/// use ndarray::array;
///
/// let x = array![[0u8, 255], [10, 20]];
/// let noisy: ndarray::Array2<u16> = add_noise(x.view(), 100, &mut RandomState::new(42)?)?;
/// // np.random.RandomState(42).randint(0, 100, (2, 2)) is [[51, 92], [14, 71]]
/// assert_eq!(noisy, array![[51u16, 347], [24, 91]]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn add_noise<T: From<u16> + Copy + Send + Sync>(
    data: ArrayView2<'_, u8>,
    high: u16,
    rs: &mut classify_random::RandomState,
) -> Result<Array2<T>> {
    if high == 0 {
        return Err(Error::InvalidArgument("noise range 0..0 is empty".into()));
    }
    if high > u16::MAX - 254 {
        return Err(Error::InvalidArgument(format!(
            "noise range 0..{high}: a pixel plus its noise must stay below 2^16 (high at most {})",
            u16::MAX - 254
        )));
    }
    let mut draws = rs
        .randints(0, i64::from(high))
        .map_err(|e| Error::InvalidArgument(e.to_string()))?;
    let data = data.as_standard_layout();
    let pixels = data.as_slice().expect("standard layout");
    let mut values: Vec<T> = vec![T::from(0); pixels.len()];
    // The draws are one stream, drawn in order on a thread of their own; this thread adds
    // each chunk of them to its pixels meanwhile (and makes the output's first touch of its
    // pages), a chunk or two behind. 60,000 × 784 pixels as `f32`: 166 → about 90 ms on two
    // cores.
    const CHUNK: usize = 1 << 17;
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Vec<u16>>(2);
    let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<u16>>();
    let n = pixels.len();
    let drew = std::thread::scope(|scope| {
        let drawer = scope.spawn(move || -> std::result::Result<(), classify_random::Error> {
            for start in (0..n).step_by(CHUNK) {
                let mut buf = empty_rx.try_recv().unwrap_or_else(|_| vec![0u16; CHUNK]);
                let len = CHUNK.min(n - start);
                draws.fill_u16(&mut buf[..len])?;
                if full_tx.send(buf).is_err() {
                    break;
                }
            }
            Ok(())
        });
        for (px, out) in pixels.chunks(CHUNK).zip(values.chunks_mut(CHUNK)) {
            let Ok(noise) = full_rx.recv() else { break };
            for ((o, &v), &r) in out.iter_mut().zip(px).zip(&noise) {
                *o = T::from(u16::from(v) + r);
            }
            let _ = empty_tx.send(noise);
        }
        drawer.join().expect("the drawing thread does not panic")
    });
    drew.map_err(|e| Error::InvalidArgument(e.to_string()))?;
    Array2::from_shape_vec(data.dim(), values).map_err(|e| Error::Shape(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_move_content_and_fill_zero() {
        // 3x3 image with values 1..=9.
        let img: Vec<u8> = (1..=9).collect();
        assert_eq!(
            shift(&img, 3, 3, 1, 0).unwrap(),
            vec![0, 1, 2, 0, 4, 5, 0, 7, 8]
        );
        assert_eq!(
            shift(&img, 3, 3, -1, 0).unwrap(),
            vec![2, 3, 0, 5, 6, 0, 8, 9, 0]
        );
        assert_eq!(
            shift(&img, 3, 3, 0, 1).unwrap(),
            vec![0, 0, 0, 1, 2, 3, 4, 5, 6]
        );
        assert_eq!(
            shift(&img, 3, 3, 0, -1).unwrap(),
            vec![4, 5, 6, 7, 8, 9, 0, 0, 0]
        );
        assert_eq!(
            shift(&img, 3, 3, 1, 1).unwrap(),
            vec![0, 0, 0, 0, 1, 2, 0, 4, 5]
        );
        assert_eq!(shift(&img, 3, 3, 5, 0).unwrap(), vec![0; 9]);
        assert!(shift(&img, 2, 3, 0, 0).is_err());
    }

    #[test]
    fn augmentation_is_five_fold_and_deterministic() {
        let ds = crate::sample::mnist_sample().unwrap().train.head(20);
        let a = augment_with_shifts(&ds, &FOUR_SHIFTS, Some(7)).unwrap();
        let b = augment_with_shifts(&ds, &FOUR_SHIFTS, Some(7)).unwrap();
        assert_eq!(a.n_samples(), 100);
        assert_eq!(a, b);
        let plain = augment_with_shifts(&ds, &FOUR_SHIFTS, None).unwrap();
        assert_eq!(plain.data.row(0), ds.data.row(0));
        let left = shift(ds.data.row(3).as_slice().unwrap(), 28, 28, -1, 0).unwrap();
        assert_eq!(plain.data.row(20 + 3).to_vec(), left);
        assert_eq!(a.class_counts().iter().sum::<usize>(), 100);
        assert_eq!(a.class_counts(), plain.class_counts());
        // NumPy 2.4.6: np.random.seed(7); np.random.permutation(100) starts 37, 26, 78, 91,
        // 49, 15: row k of the shuffled set is that row of the unshuffled one.
        for (k, from) in [37, 26, 78, 91, 49, 15].into_iter().enumerate() {
            assert_eq!(a.data.row(k), plain.data.row(from));
            assert_eq!(a.target[k], plain.target[from]);
        }
    }

    #[test]
    fn noise_is_bounded_and_seeded() {
        let data = Array2::from_shape_fn((4, 5), |(i, j)| 200 + (5 * i + j) as u8);
        let rs = |seed: u32| classify_random::RandomState::new(seed).unwrap();
        let a: Array2<u16> = add_noise(data.view(), 100, &mut rs(1)).unwrap();
        assert_eq!(a, add_noise::<u16>(data.view(), 100, &mut rs(1)).unwrap());
        assert_ne!(a, add_noise::<u16>(data.view(), 100, &mut rs(2)).unwrap());
        assert!(a
            .iter()
            .zip(&data)
            .all(|(&v, &x)| (0..100).contains(&(v - u16::from(x)))));
        assert!(add_noise::<u16>(data.view(), 0, &mut rs(1)).is_err());
        // The same numbers in any output type, and the stream carries on.
        let mut g = rs(1);
        let f: Array2<f32> = add_noise(data.view(), 100, &mut g).unwrap();
        assert_eq!(f, a.mapv(f32::from));
        assert_ne!(add_noise::<u16>(data.view(), 100, &mut g).unwrap(), a);
        // Transposed input: C order of the logical array, as NumPy.
        let t = data.t();
        let at: Array2<u16> = add_noise(t, 100, &mut rs(1)).unwrap();
        let plain: Array2<u16> = add_noise(t.as_standard_layout().view(), 100, &mut rs(1)).unwrap();
        assert_eq!(at, plain);
    }

    #[test]
    fn noise_over_many_chunks_is_the_stream_in_order() {
        // Over three of `add_noise`'s chunks, the last one short.
        let data = Array2::from_shape_fn((401, 1000), |(i, j)| ((i * 7 + j) % 256) as u8);
        let rs = |seed: u32| classify_random::RandomState::new(seed).unwrap();
        let mut g = rs(42);
        let noisy: Array2<f32> = add_noise(data.view(), 100, &mut g).unwrap();
        let mut want = vec![0i64; data.len()];
        let mut h = rs(42);
        h.randints(0, 100).unwrap().fill(&mut want);
        assert!(noisy
            .iter()
            .zip(data.iter().zip(&want))
            .all(|(&v, (&x, &r))| f64::from(v) == (i64::from(x) + r) as f64));
        assert_eq!(g.next_u32(), h.next_u32(), "the state after");
        // The widest noise a `u16` holds with a pixel of 255; one more is refused.
        let top = u16::MAX - 254;
        let wide: Array2<u16> = add_noise(data.view(), top, &mut rs(1)).unwrap();
        assert!(wide
            .iter()
            .zip(&data)
            .all(|(&v, &x)| v - u16::from(x) < top));
        assert!(add_noise::<u16>(data.view(), top + 1, &mut rs(1)).is_err());
    }
}
