//! Reading and writing IDX files (the MNIST file format), plain or gzip-compressed.
//!
//! An IDX file is a 4-byte magic number `00 00 <type> <rank>`, `rank` big-endian `u32`
//! dimensions, then the elements in row-major order. Only unsigned bytes (type `0x08`) are
//! supported: that is what MNIST-style datasets use.
//!
//! The header is validated before any allocation that depends on it: the dimensions' product
//! must not overflow, and for files on disk the claimed payload must fit in the file (plain) or
//! match the gzip trailer's size (compressed). Streams grow their buffer only as real data
//! arrives, so a header that claims 10^12 items costs nothing.

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use sha2::Digest;

use crate::error::{Error, Result};

/// IDX element type code for unsigned bytes.
pub const TYPE_U8: u8 = 0x08;
/// Largest rank accepted.
pub const MAX_RANK: u8 = 4;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// Initial buffer for streams whose length is unknown: growth beyond this follows real data.
const STREAM_PREALLOC: usize = 64 << 20;
/// The largest expansion deflate can achieve.
const MAX_DEFLATE_RATIO: u64 = 1032;

/// A decoded IDX array of unsigned bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxArray {
    /// Dimensions, outermost first (e.g. `[60000, 28, 28]`).
    pub dims: Vec<usize>,
    /// Elements in row-major order.
    pub data: Vec<u8>,
}

/// Images with labels in IDX arrays, a training and a test part, and the class names: what
/// an image folder or a CSV of pixels is read into before the cache stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageSet {
    /// Class names, indexed by label.
    pub classes: Vec<String>,
    /// Training images, `n × height × width`.
    pub train_images: IdxArray,
    /// Training labels.
    pub train_labels: IdxArray,
    /// Test images.
    pub test_images: IdxArray,
    /// Test labels.
    pub test_labels: IdxArray,
}

impl ImageSet {
    /// A set of `h × w` images: pixels row after row with their labels, for each part.
    pub(crate) fn new(
        classes: Vec<String>,
        [h, w]: [usize; 2],
        (train_pixels, train_labels): (Vec<u8>, Vec<u8>),
        (test_pixels, test_labels): (Vec<u8>, Vec<u8>),
    ) -> ImageSet {
        let images = |data: Vec<u8>, n: usize| IdxArray {
            dims: vec![n, h, w],
            data,
        };
        let labels = |data: Vec<u8>| IdxArray {
            dims: vec![data.len()],
            data,
        };
        ImageSet {
            classes,
            train_images: images(train_pixels, train_labels.len()),
            train_labels: labels(train_labels),
            test_images: images(test_pixels, test_labels.len()),
            test_labels: labels(test_labels),
        }
    }

    /// Labelled rows parted as scikit-learn's `train_test_split(X, y, test_size=0.25,
    /// random_state=seed)` parts them: rows of NumPy's `RandomState(seed).permutation(n)`, the
    /// first `ceil(n / 4)` test, the rest train, in that order.
    pub(crate) fn split(
        classes: Vec<String>,
        shape: [usize; 2],
        (pixels, labels): (&[u8], &[u8]),
        seed: u32,
    ) -> ImageSet {
        let order = classify_random::RandomState::new(seed)
            .expect("a u32 seed is in range")
            .permutation(labels.len());
        let n_test = labels.len().div_ceil(4);
        let (test, train) = order.split_at(n_test);
        ImageSet::take(classes, shape, (pixels, labels), train, test)
    }

    /// Rows `train` and rows `test` of labelled rows.
    pub(crate) fn take(
        classes: Vec<String>,
        shape: [usize; 2],
        (pixels, labels): (&[u8], &[u8]),
        train: &[usize],
        test: &[usize],
    ) -> ImageSet {
        let d = shape[0] * shape[1];
        let part = |rows: &[usize]| -> (Vec<u8>, Vec<u8>) {
            let px = rows
                .iter()
                .flat_map(|&i| pixels[i * d..(i + 1) * d].iter().copied())
                .collect();
            (px, rows.iter().map(|&i| labels[i]).collect())
        };
        ImageSet::new(classes, shape, part(train), part(test))
    }

    /// Reorders the training images, then the test images, by NumPy's
    /// `RandomState(seed).permutation(n)` (one generator, training part first).
    pub fn shuffle(&mut self, seed: u32) {
        let mut rng = classify_random::RandomState::new(seed).expect("a u32 seed is in range");
        for (images, labels) in [
            (&mut self.train_images, &mut self.train_labels),
            (&mut self.test_images, &mut self.test_labels),
        ] {
            let order = rng.permutation(labels.data.len());
            let size = images.data.len() / order.len().max(1);
            images.data = order
                .iter()
                .flat_map(|&i| images.data[i * size..(i + 1) * size].iter().copied())
                .collect();
            labels.data = order.iter().map(|&i| labels.data[i]).collect();
        }
    }
}

/// A parsed IDX header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxHeader {
    /// Dimensions, outermost first.
    pub dims: Vec<usize>,
}

impl IdxHeader {
    /// Number of bytes the header itself takes.
    pub fn len(&self) -> usize {
        4 + 4 * self.dims.len()
    }

    /// Always false: a header has at least the magic number.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Number of payload bytes the header promises.
    pub fn payload_len(&self) -> usize {
        // Checked when the header was parsed.
        self.dims.iter().product()
    }
}

/// Parses an IDX header from the start of `reader`.
pub fn read_header<R: Read>(reader: &mut R) -> Result<IdxHeader> {
    let mut magic = [0u8; 4];
    read_exact_or_truncated(reader, &mut magic, 4)?;
    if magic[0] != 0 || magic[1] != 0 {
        return Err(Error::BadMagic(magic));
    }
    if magic[2] != TYPE_U8 {
        return Err(Error::UnsupportedType(magic[2]));
    }
    let rank = magic[3];
    if rank == 0 || rank > MAX_RANK {
        return Err(Error::BadRank(rank));
    }
    let mut raw = vec![0u8; 4 * rank as usize];
    let len = raw.len() as u64;
    read_exact_or_truncated(reader, &mut raw, len)?;
    let dims64: Vec<u64> = raw
        .chunks_exact(4)
        .map(|c| u64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
        .collect();
    // The product must fit an allocation, so `payload_len` can never overflow later.
    let fits = dims64
        .iter()
        .try_fold(1u64, |acc, &d| acc.checked_mul(d))
        .is_some_and(|t| t <= isize::MAX as u64);
    if !fits {
        return Err(Error::DimensionOverflow(dims64));
    }
    Ok(IdxHeader {
        dims: dims64.iter().map(|&d| d as usize).collect(),
    })
}

fn read_exact_or_truncated<R: Read>(reader: &mut R, buf: &mut [u8], expected: u64) -> Result<()> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => {
                return Err(Error::Truncated {
                    expected,
                    found: filled as u64,
                })
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::Stream(e)),
        }
    }
    Ok(())
}

/// Reads an IDX array from an uncompressed stream.
///
/// `size_hint` is the exact payload size if the caller knows it (it is then checked against
/// the header before allocating); otherwise the buffer grows only as data arrives.
fn read_payload<R: Read>(
    mut reader: R,
    header: IdxHeader,
    known_payload: Option<u64>,
) -> Result<IdxArray> {
    let expected = header.payload_len() as u64;
    if let Some(found) = known_payload {
        if found < expected {
            return Err(Error::Truncated { expected, found });
        }
        if found > expected {
            return Err(Error::TrailingData { expected });
        }
    }
    let prealloc = match known_payload {
        Some(n) => n as usize,
        None => (expected as usize).min(STREAM_PREALLOC),
    };
    let mut data = Vec::with_capacity(prealloc);
    let got = (&mut reader)
        .take(expected)
        .read_to_end(&mut data)
        .map_err(Error::Stream)? as u64;
    if got < expected {
        return Err(Error::Truncated {
            expected,
            found: got,
        });
    }
    let mut probe = [0u8; 1];
    loop {
        match reader.read(&mut probe) {
            Ok(0) => break,
            Ok(_) => return Err(Error::TrailingData { expected }),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::Stream(e)),
        }
    }
    Ok(IdxArray {
        dims: header.dims,
        data,
    })
}

/// Reads an IDX array from a stream, plain or gzip (detected from the first bytes).
pub fn read_idx<R: Read>(reader: R) -> Result<IdxArray> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let is_gz = {
        let buf = std::io::BufRead::fill_buf(&mut reader).map_err(Error::Stream)?;
        buf.starts_with(&GZIP_MAGIC)
    };
    if is_gz {
        let mut gz = MultiGzDecoder::new(reader);
        let header = read_header(&mut gz)?;
        read_payload(gz, header, None)
    } else {
        let header = read_header(&mut reader)?;
        read_payload(reader, header, None)
    }
}

/// Reads an IDX array from bytes in memory, plain or gzip.
pub fn read_idx_bytes(bytes: &[u8]) -> Result<IdxArray> {
    if bytes.starts_with(&GZIP_MAGIC) {
        let hint = gzip_isize(bytes);
        let mut gz = MultiGzDecoder::new(bytes);
        let header = read_header(&mut gz)?;
        // The gzip trailer gives the payload size modulo 2^32, and deflate expands at most
        // 1032:1. Allocate the whole payload up front only when both agree with the header;
        // otherwise let the buffer follow the data that really arrives.
        let expected = header.payload_len() as u64;
        let agrees = hint == Some(((expected + header.len() as u64) & 0xffff_ffff) as u32)
            && expected <= MAX_DEFLATE_RATIO * bytes.len() as u64;
        if agrees {
            read_payload_exact(gz, header, expected as usize)
        } else {
            read_payload(gz, header, None)
        }
    } else {
        let mut cursor = bytes;
        let header = read_header(&mut cursor)?;
        read_payload(cursor, header, Some(cursor.len() as u64))
    }
}

fn read_payload_exact<R: Read>(
    mut reader: R,
    header: IdxHeader,
    expected: usize,
) -> Result<IdxArray> {
    let mut data = Vec::with_capacity(expected);
    let got = (&mut reader)
        .take(expected as u64)
        .read_to_end(&mut data)
        .map_err(Error::Stream)?;
    if got < expected {
        return Err(Error::Truncated {
            expected: expected as u64,
            found: got as u64,
        });
    }
    let mut probe = [0u8; 1];
    if reader.read(&mut probe).map_err(Error::Stream)? != 0 {
        return Err(Error::TrailingData {
            expected: expected as u64,
        });
    }
    Ok(IdxArray {
        dims: header.dims,
        data,
    })
}

/// The ISIZE field of the last gzip member (uncompressed size modulo 2^32).
fn gzip_isize(bytes: &[u8]) -> Option<u32> {
    let tail = bytes.get(bytes.len().checked_sub(4)?..)?;
    Some(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]))
}

/// Reads an IDX file from disk, plain or gzip.
///
/// A plain file is read straight into its array (one allocation of the payload, so a file of
/// several gigabytes needs its size in memory once, not twice).
pub fn read_idx_file(path: impl AsRef<Path>) -> Result<IdxArray> {
    let path = path.as_ref();
    let read = || -> Result<IdxArray> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let is_gz = std::io::BufRead::fill_buf(&mut reader)?.starts_with(&GZIP_MAGIC);
        if is_gz {
            let mut bytes = Vec::with_capacity(len as usize);
            reader.read_to_end(&mut bytes)?;
            return read_idx_bytes(&bytes);
        }
        let header = read_header(&mut reader)?;
        let payload = len.saturating_sub(header.len() as u64);
        read_payload(reader, header, Some(payload))
    };
    read().map_err(|e| match e {
        Error::Stream(source) => Error::io(path, source),
        other => Error::File {
            path: path.to_path_buf(),
            source: Box::new(other),
        },
    })
}

/// Writes an IDX array of unsigned bytes to a stream (uncompressed).
pub fn write_idx<W: Write>(mut writer: W, dims: &[usize], data: &[u8]) -> Result<()> {
    if dims.is_empty() || dims.len() > MAX_RANK as usize {
        return Err(Error::BadRank(dims.len().min(255) as u8));
    }
    let total = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| Error::DimensionOverflow(dims.iter().map(|&d| d as u64).collect()))?;
    if total != data.len() {
        return Err(Error::Shape(format!(
            "dimensions {dims:?} describe {total} bytes but {} were given",
            data.len()
        )));
    }
    writer.write_all(&header(dims)?)?;
    writer.write_all(data)?;
    writer.flush()?;
    Ok(())
}

/// Writes an IDX file, gzip-compressed when the name ends in `.gz`.
///
/// The file is written to a temporary name beside `path` and renamed into place, so an
/// interrupted write never leaves a partial file under the final name.
pub fn write_idx_file(path: impl AsRef<Path>, dims: &[usize], data: &[u8]) -> Result<()> {
    let path = path.as_ref();
    let gz = path.extension().is_some_and(|e| e == "gz");
    crate::files::write_atomically(path, |file: &mut File| {
        if gz {
            let mut enc = flate2::GzBuilder::new()
                .mtime(0)
                .write(file, flate2::Compression::best());
            write_idx(&mut enc, dims, data)?;
            enc.finish()?;
        } else {
            write_idx(std::io::BufWriter::new(file), dims, data)?;
        }
        Ok(())
    })
}

/// The IDX header of an unsigned-byte array of dimensions `dims` (each must fit in 32 bits).
pub(crate) fn header(dims: &[usize]) -> Result<Vec<u8>> {
    let mut header = vec![0, 0, TYPE_U8, dims.len() as u8];
    for &d in dims {
        let d = u32::try_from(d).map_err(|_| {
            Error::Shape(format!("dimension {d} does not fit the IDX format (u32)"))
        })?;
        header.extend_from_slice(&d.to_be_bytes());
    }
    Ok(header)
}

/// SHA-256 of an IDX array's decompressed file content (header and data).
pub fn payload_sha256(array: &IdxArray) -> String {
    let mut h = sha2::Sha256::new();
    h.update([0, 0, TYPE_U8, array.dims.len() as u8]);
    for &d in &array.dims {
        h.update((d as u32).to_be_bytes());
    }
    h.update(&array.data);
    crate::files::hex(&h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(dims: &[usize], data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        write_idx(&mut out, dims, data).unwrap();
        out
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn round_trip_plain_and_gzip() {
        let data: Vec<u8> = (0..2 * 3 * 4).map(|i| i as u8).collect();
        let plain = encode(&[2, 3, 4], &data);
        assert_eq!(&plain[..4], &[0, 0, 8, 3]);
        for bytes in [plain.clone(), gzip(&plain)] {
            let arr = read_idx_bytes(&bytes).unwrap();
            assert_eq!(arr.dims, vec![2, 3, 4]);
            assert_eq!(arr.data, data);
            let arr = read_idx(&bytes[..]).unwrap();
            assert_eq!(arr.data, data);
        }
    }

    #[test]
    fn rejects_bad_headers() {
        assert!(matches!(
            read_idx_bytes(&[1, 0, 8, 1]),
            Err(Error::BadMagic(_))
        ));
        assert!(matches!(
            read_idx_bytes(&[0, 0, 0x0d, 1]),
            Err(Error::UnsupportedType(0x0d))
        ));
        assert!(matches!(
            read_idx_bytes(&[0, 0, 8, 0]),
            Err(Error::BadRank(0))
        ));
        assert!(matches!(
            read_idx_bytes(&[0, 0, 8, 9]),
            Err(Error::BadRank(9))
        ));
        assert!(matches!(
            read_idx_bytes(&[0, 0]),
            Err(Error::Truncated { .. })
        ));
        assert!(matches!(
            read_idx_bytes(&[0, 0, 8, 2, 0, 0]),
            Err(Error::Truncated { .. })
        ));
    }

    /// A header claiming 10^12 items must fail on the length check, not on allocation.
    #[test]
    fn lying_header_does_not_allocate() {
        let mut bytes = vec![0, 0, 8, 3];
        for d in [1_000_000u32, 1_000_000, 1] {
            bytes.extend_from_slice(&d.to_be_bytes());
        }
        bytes.extend_from_slice(&[7; 100]);
        match read_idx_bytes(&bytes) {
            Err(Error::Truncated { expected, found }) => {
                assert_eq!(expected, 1_000_000_000_000);
                assert_eq!(found, 100);
            }
            other => panic!("{other:?}"),
        }
        // Compressed and streamed: the buffer follows the real data.
        assert!(matches!(
            read_idx_bytes(&gzip(&bytes)),
            Err(Error::Truncated { found: 100, .. })
        ));
        assert!(matches!(
            read_idx(&gzip(&bytes)[..]),
            Err(Error::Truncated { found: 100, .. })
        ));
        // The product overflows u64 entirely.
        let mut huge = vec![0, 0, 8, 4];
        for _ in 0..4 {
            huge.extend_from_slice(&u32::MAX.to_be_bytes());
        }
        assert!(matches!(
            read_idx_bytes(&huge),
            Err(Error::DimensionOverflow(_))
        ));
    }

    #[test]
    fn truncated_and_trailing_data() {
        let plain = encode(&[10], &[1; 10]);
        assert!(matches!(
            read_idx_bytes(&plain[..plain.len() - 3]),
            Err(Error::Truncated {
                expected: 10,
                found: 7
            })
        ));
        let mut long = plain.clone();
        long.push(0);
        assert!(matches!(
            read_idx_bytes(&long),
            Err(Error::TrailingData { expected: 10 })
        ));
        assert!(matches!(
            read_idx_bytes(&gzip(&long)),
            Err(Error::TrailingData { .. })
        ));
        // A gzip stream cut short is an error, never a short array.
        let gz = gzip(&plain);
        assert!(read_idx_bytes(&gz[..gz.len() - 6]).is_err());
    }

    #[test]
    fn corrupt_gzip_is_detected() {
        let data: Vec<u8> = (0..5000).map(|i| (i * 7 % 251) as u8).collect();
        let mut gz = gzip(&encode(&[5000], &data));
        let mid = gz.len() / 2;
        gz[mid] ^= 0x55;
        assert!(read_idx_bytes(&gz).is_err());
    }

    #[test]
    fn writer_checks_shape() {
        let mut out = Vec::new();
        assert!(matches!(
            write_idx(&mut out, &[2, 2], &[0; 3]),
            Err(Error::Shape(_))
        ));
        assert!(matches!(
            write_idx(&mut out, &[], &[]),
            Err(Error::BadRank(0))
        ));
    }
}
