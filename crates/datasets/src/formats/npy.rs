//! NumPy's `.npy` files (format 1.0), written so that other tools — NumPy, scikit-learn — run
//! on exactly the arrays classify made.
//!
//! ```
//! use ndarray::array;
//!
//! let path = std::env::temp_dir().join("classify-npy-doc.npy");
//! classify_datasets::npy::write_u16(&path, &array![[0.0f32, 1.0], [255.0, 65535.0]])?;
//! let bytes = std::fs::read(&path)?;
//! assert!(bytes.starts_with(b"\x93NUMPY\x01\x00"));
//! assert_eq!(bytes.len(), 128 + 4 * 2); // the header padded to 64-byte blocks, then 4 values
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::Write;
use std::path::Path;

use ndarray::Array2;

use crate::error::Result;

/// Writes `a` (whole numbers in `0..=65535`) as a `.npy` file of little-endian `uint16` in C
/// order, whole or not at all (through a temporary file renamed into place).
pub fn write_u16(path: &Path, a: &Array2<f32>) -> Result<()> {
    write(
        path,
        "<u2",
        a.dim(),
        a.iter().map(|&v| (v as u16).to_le_bytes()),
    )
}

/// Writes `a` as a `.npy` file of little-endian `uint32` in C order (row numbers of a
/// training set: the IDX format counts them in 32 bits), whole or not at all.
pub fn write_u32(path: &Path, a: &Array2<u32>) -> Result<()> {
    write(path, "<u4", a.dim(), a.iter().map(|&v| v.to_le_bytes()))
}

fn write<const N: usize>(
    path: &Path,
    descr: &str,
    (n, d): (usize, usize),
    values: impl Iterator<Item = [u8; N]>,
) -> Result<()> {
    let mut header =
        format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': ({n}, {d}), }}");
    // Magic (6) + version (2) + length (2) + header + newline: a multiple of 64 bytes.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    crate::files::write_atomically(path, |f| {
        let mut f = std::io::BufWriter::new(f);
        f.write_all(b"\x93NUMPY\x01\x00")?;
        f.write_all(&(header.len() as u16).to_le_bytes())?;
        f.write_all(header.as_bytes())?;
        for v in values {
            f.write_all(&v)?;
        }
        Ok(f.flush()?)
    })
}
