//! IDX files a block of rows at a time: [`IdxRows`] reads one (plain or gzip) without holding
//! more than the block asked for, [`IdxWriter`] writes one whose size is known in advance,
//! hashing it on the way. What lets a dataset larger than memory be made and learned from.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use sha2::Digest;

use crate::error::{Error, Result};
use crate::formats::idx::{header, read_header, IdxHeader, MAX_RANK};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

enum Source {
    Plain(BufReader<File>),
    Gzip(Box<MultiGzDecoder<BufReader<File>>>),
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Source::Plain(r) => r.read(buf),
            Source::Gzip(r) => r.read(buf),
        }
    }
}

/// The rows of an IDX file (its outermost dimension), read in order a block at a time.
///
/// A plain file is checked to hold exactly what its header promises before any row is read,
/// and [`skip_to`](Self::skip_to) seeks; a gzip file is read as it inflates (its length and
/// CRC are checked when the last row has been read), and skipping reads past the rows.
pub struct IdxRows {
    path: PathBuf,
    source: Source,
    dims: Vec<usize>,
    row_len: usize,
    header_len: u64,
    next: usize,
}

impl std::fmt::Debug for IdxRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdxRows")
            .field("path", &self.path)
            .field("dims", &self.dims)
            .field("next", &self.next)
            .finish()
    }
}

impl IdxRows {
    /// Opens `path` and reads its header.
    pub fn open(path: impl AsRef<Path>) -> Result<IdxRows> {
        let path = path.as_ref().to_path_buf();
        let named = |e: Error| match e {
            Error::Stream(source) => Error::io(&path, source),
            other => Error::File {
                path: path.clone(),
                source: Box::new(other),
            },
        };
        let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
        let file_len = file.metadata().map_err(|e| Error::io(&path, e))?.len();
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let is_gz = std::io::BufRead::fill_buf(&mut reader)
            .map_err(|e| Error::io(&path, e))?
            .starts_with(&GZIP_MAGIC);
        let mut source = if is_gz {
            Source::Gzip(Box::new(MultiGzDecoder::new(reader)))
        } else {
            Source::Plain(reader)
        };
        let header: IdxHeader = read_header(&mut source).map_err(named)?;
        let payload = header.payload_len() as u64;
        if !is_gz {
            let found = file_len - header.len() as u64;
            if found < payload {
                return Err(named(Error::Truncated {
                    expected: payload,
                    found,
                }));
            }
            if found > payload {
                return Err(named(Error::TrailingData { expected: payload }));
            }
        }
        Ok(IdxRows {
            row_len: header.dims[1..].iter().product(),
            header_len: header.len() as u64,
            dims: header.dims,
            path,
            source,
            next: 0,
        })
    }

    /// The file's dimensions, outermost (the rows) first.
    pub fn dims(&self) -> &[usize] {
        &self.dims
    }

    /// How many rows the file holds.
    pub fn n_rows(&self) -> usize {
        self.dims[0]
    }

    /// Bytes per row (the product of the inner dimensions).
    pub fn row_len(&self) -> usize {
        self.row_len
    }

    /// The row the next read starts at.
    pub fn position(&self) -> usize {
        self.next
    }

    /// Moves to row `row` (at most [`n_rows`](Self::n_rows)).
    pub fn skip_to(&mut self, row: usize) -> Result<()> {
        if row > self.n_rows() {
            return Err(Error::InvalidArgument(format!(
                "row {row} of {}: it holds {} rows",
                self.path.display(),
                self.n_rows()
            )));
        }
        match &mut self.source {
            Source::Plain(r) => {
                let at = self.header_len + (row * self.row_len) as u64;
                r.seek(SeekFrom::Start(at))
                    .map_err(|e| Error::io(&self.path, e))?;
                self.next = row;
            }
            Source::Gzip(_) if row < self.next => {
                *self = IdxRows::open(&self.path)?;
                self.skip_to(row)?;
            }
            Source::Gzip(_) => {
                let mut sink = Vec::new();
                while self.next < row {
                    self.read_rows(row - self.next, &mut sink)?;
                }
            }
        }
        Ok(())
    }

    /// Reads the next rows, at most `max` of them, into `buf` (which ends up holding exactly
    /// those rows); returns how many were read: 0 at the end. A buffer of the right length
    /// is overwritten as it is, so a recycled block costs no zeroing.
    pub fn read_rows(&mut self, max: usize, buf: &mut Vec<u8>) -> Result<usize> {
        let rows = max.min(self.n_rows() - self.next);
        if buf.len() != rows * self.row_len {
            buf.clear();
            buf.resize(rows * self.row_len, 0);
        }
        let mut filled = 0;
        while filled < buf.len() {
            match self.source.read(&mut buf[filled..]) {
                Ok(0) => {
                    let expected = (self.n_rows() * self.row_len) as u64;
                    let found = (self.next * self.row_len + filled) as u64;
                    return Err(Error::File {
                        path: self.path.clone(),
                        source: Box::new(Error::Truncated { expected, found }),
                    });
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io(&self.path, e)),
            }
        }
        self.next += rows;
        if self.next == self.n_rows() && rows > 0 {
            self.check_end()?;
        }
        Ok(rows)
    }

    /// After the last row, a gzip stream must end (its CRC and length are checked then).
    fn check_end(&mut self) -> Result<()> {
        if let Source::Gzip(gz) = &mut self.source {
            let mut probe = [0u8; 1];
            let extra = gz.read(&mut probe).map_err(|e| Error::io(&self.path, e))?;
            if extra != 0 {
                let expected = (self.n_rows() * self.row_len) as u64;
                return Err(Error::File {
                    path: self.path.clone(),
                    source: Box::new(Error::TrailingData { expected }),
                });
            }
        }
        Ok(())
    }
}

/// An uncompressed IDX file of unsigned bytes written a block of rows at a time, with the
/// SHA-256 of its content ([`payload_sha256`](crate::cache::payload_sha256)'s) computed as it
/// goes. [`finish`](Self::finish) checks that every promised byte came and flushes.
pub struct IdxWriter {
    path: PathBuf,
    out: BufWriter<File>,
    sha: sha2::Sha256,
    remaining: u64,
}

impl std::fmt::Debug for IdxWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdxWriter")
            .field("path", &self.path)
            .field("remaining", &self.remaining)
            .finish()
    }
}

impl IdxWriter {
    /// Creates `path` (replacing it) for an array of dimensions `dims`.
    pub fn create(path: impl AsRef<Path>, dims: &[usize]) -> Result<IdxWriter> {
        let path = path.as_ref().to_path_buf();
        if dims.is_empty() || dims.len() > MAX_RANK as usize {
            return Err(Error::BadRank(dims.len().min(255) as u8));
        }
        let header = header(dims)?;
        let mut total = 1u64;
        for &d in dims {
            total = total.checked_mul(d as u64).ok_or_else(|| {
                Error::DimensionOverflow(dims.iter().map(|&d| d as u64).collect())
            })?;
        }
        let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        let mut writer = IdxWriter {
            out: BufWriter::with_capacity(1 << 20, file),
            sha: sha2::Sha256::new(),
            remaining: total,
            path,
        };
        writer.put(&header)?;
        Ok(writer)
    }

    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        self.sha.update(bytes);
        self.out
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Appends `bytes` (whole rows or not: only the total is checked).
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        if bytes.len() as u64 > self.remaining {
            return Err(Error::Shape(format!(
                "{}: {} bytes more than its header promises",
                self.path.display(),
                bytes.len() as u64 - self.remaining
            )));
        }
        self.remaining -= bytes.len() as u64;
        self.put(bytes)
    }

    /// Flushes the file to disk and returns the SHA-256 of its content.
    pub fn finish(self) -> Result<String> {
        if self.remaining != 0 {
            return Err(Error::Shape(format!(
                "{}: {} bytes short of what its header promises",
                self.path.display(),
                self.remaining
            )));
        }
        let file = self
            .out
            .into_inner()
            .map_err(|e| Error::io(&self.path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&self.path, e))?;
        Ok(crate::files::hex(&self.sha.finalize()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::idx::{payload_sha256, read_idx_file, write_idx_file};

    #[test]
    fn rows_come_back_in_blocks_from_plain_and_gzip_files() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..7 * 6).map(|i| (i * 5 % 251) as u8).collect();
        for name in ["a-idx3-ubyte", "a-idx3-ubyte.gz"] {
            let path = dir.path().join(name);
            write_idx_file(&path, &[7, 2, 3], &data).unwrap();
            let mut rows = IdxRows::open(&path).unwrap();
            assert_eq!((rows.n_rows(), rows.row_len()), (7, 6));
            let mut buf = Vec::new();
            let mut all = Vec::new();
            while rows.read_rows(3, &mut buf).unwrap() > 0 {
                all.extend_from_slice(&buf);
            }
            assert_eq!(all, data);
            rows.skip_to(5).unwrap();
            assert_eq!(rows.read_rows(10, &mut buf).unwrap(), 2);
            assert_eq!(buf, data[30..]);
            rows.skip_to(1).unwrap();
            rows.read_rows(1, &mut buf).unwrap();
            assert_eq!(buf, data[6..12]);
        }
    }

    #[test]
    fn the_writer_hashes_what_the_reader_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w-idx3-ubyte");
        let data: Vec<u8> = (0..4 * 9).map(|i| i as u8).collect();
        let mut w = IdxWriter::create(&path, &[4, 3, 3]).unwrap();
        w.write(&data[..10]).unwrap();
        w.write(&data[10..]).unwrap();
        let sha = w.finish().unwrap();
        let array = read_idx_file(&path).unwrap();
        assert_eq!(array.data, data);
        assert_eq!(sha, payload_sha256(&array));
        // Too much, too little.
        let mut w = IdxWriter::create(&path, &[2, 2]).unwrap();
        assert!(w.write(&[0; 5]).is_err());
        w.write(&[0; 3]).unwrap();
        assert!(w.finish().is_err());
        assert!(IdxWriter::create(&path, &[1 << 33, 1]).is_err());
    }

    #[test]
    fn cut_and_lying_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c-idx1-ubyte");
        write_idx_file(&path, &[100], &[1; 100]).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..50]).unwrap();
        assert!(matches!(IdxRows::open(&path), Err(Error::File { .. })));
        let mut long = bytes.clone();
        long.push(0);
        std::fs::write(&path, &long).unwrap();
        assert!(IdxRows::open(&path).is_err());
        // A gzip file cut short fails when its rows run out, not with short rows.
        let gz = dir.path().join("c-idx1-ubyte.gz");
        write_idx_file(&gz, &[100], &[1; 100]).unwrap();
        let bytes = std::fs::read(&gz).unwrap();
        std::fs::write(&gz, &bytes[..bytes.len() - 12]).unwrap();
        let mut rows = IdxRows::open(&gz).unwrap();
        let mut buf = Vec::new();
        assert!(rows.read_rows(100, &mut buf).is_err());
    }
}
