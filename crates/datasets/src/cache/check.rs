//! A file checked against what its dataset says of it — structure, shape, then checksums —
//! and the record the cache's manifest keeps of it.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::files::md5_hex;
use crate::formats::idx::{self, payload_sha256, IdxArray};
use crate::formats::idx_stream::IdxRows;
use crate::info::{DatasetInfo, FileInfo, Role};

/// How a cached file was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verification {
    /// The decompressed content matches the catalogue's SHA-256.
    Sha256,
    /// The compressed file matches the official MD5.
    GzMd5,
    /// The file holds fewer items than the complete one; its content could not be checked
    /// against the catalogue (its own hash is recorded so later damage is detected).
    Partial,
}

/// What the manifest records of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// What the file holds.
    pub role: Role,
    /// Items (images or labels) in the file.
    pub items: usize,
    /// SHA-256 of the decompressed content.
    pub payload_sha256: String,
    /// How it was verified.
    pub verification: Verification,
    /// Where it came from (a URL or a local path).
    pub source: String,
}

/// A file checked against the catalogue.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The decoded content.
    pub array: IdxArray,
    /// The record to keep in the manifest.
    pub record: FileRecord,
}

/// Decodes `bytes` and checks them against `file`: structure, shape, then hashes.
///
/// With `allow_partial`, a file with fewer items than the catalogue's is accepted as
/// [`Verification::Partial`] (its content cannot be checked).
pub fn check_file(
    info: &DatasetInfo,
    file: &FileInfo,
    bytes: &[u8],
    source: &str,
    allow_partial: bool,
) -> Result<Checked> {
    let array = idx::read_idx_bytes(bytes)?;
    let found = Found {
        dims: &array.dims,
        payload_sha256: payload_sha256(&array),
        gz_md5: Some(md5_hex(bytes)),
    };
    let record = judge(info, file, found, source, allow_partial)?;
    Ok(Checked { array, record })
}

/// [`check_file`] on an uncompressed IDX file read a block of rows at a time (memory: one
/// block, whatever the file's size): the same checks, the same record, no array.
pub fn check_plain_file(
    info: &DatasetInfo,
    file: &FileInfo,
    path: &Path,
    allow_partial: bool,
) -> Result<FileRecord> {
    /// Bytes hashed per read.
    const BLOCK_BYTES: usize = 64 << 20;
    let mut rows = IdxRows::open(path)?;
    let dims = rows.dims().to_vec();
    let mut h = Sha256::new();
    h.update(idx::header(&dims)?);
    let per_block = (BLOCK_BYTES / rows.row_len().max(1)).max(1);
    let mut buf = Vec::new();
    while rows.read_rows(per_block, &mut buf)? > 0 {
        h.update(&buf);
    }
    let found = Found {
        dims: &dims,
        payload_sha256: crate::files::hex(&h.finalize()),
        gz_md5: None,
    };
    judge(
        info,
        file,
        found,
        &path.display().to_string(),
        allow_partial,
    )
}

/// What a file turned out to hold.
struct Found<'a> {
    dims: &'a [usize],
    payload_sha256: String,
    /// The MD5 of its bytes as stored, for a catalogue that knows only the `.gz`'s.
    gz_md5: Option<String>,
}

/// The file's shape and hashes against the catalogue's `file`: the record to keep, or why not.
fn judge(
    info: &DatasetInfo,
    file: &FileInfo,
    found: Found<'_>,
    source: &str,
    allow_partial: bool,
) -> Result<FileRecord> {
    let Found {
        dims,
        payload_sha256,
        gz_md5,
    } = found;
    let expected_dims: &[usize] = match file.role {
        Role::TrainImages | Role::TestImages => &info.image_shape,
        Role::TrainLabels | Role::TestLabels => &[],
    };
    if dims[1..] != *expected_dims {
        let want: Vec<String> = std::iter::once("n".to_string())
            .chain(expected_dims.iter().map(|d| d.to_string()))
            .collect();
        return Err(Error::Shape(format!(
            "{source}: {} should have dimensions [{}], found {:?}",
            file.role.describe(),
            want.join(", "),
            dims
        )));
    }
    let items = dims[0];
    if items > file.items {
        return Err(Error::Shape(format!(
            "{source}: {} holds {items} items, more than the {} of {}",
            file.role.describe(),
            file.items,
            info.name
        )));
    }
    let verification = if file.payload_sha256.as_deref() == Some(payload_sha256.as_str()) {
        Verification::Sha256
    } else if file.gz_md5.is_some() && file.gz_md5 == gz_md5 {
        Verification::GzMd5
    } else if items < file.items && allow_partial {
        Verification::Partial
    } else {
        let (expected, actual) = match (&file.payload_sha256, &file.gz_md5) {
            (Some(sha), _) => (
                format!("sha256 {sha} (decompressed)"),
                format!("sha256 {payload_sha256}"),
            ),
            (None, Some(md5)) => (
                format!("md5 {md5} (official .gz)"),
                gz_md5.map_or("an uncompressed file".into(), |m| format!("md5 {m}")),
            ),
            (None, None) => ("a checksum".into(), "none known".into()),
        };
        let expected = if items < file.items {
            format!(
                "{expected} (and the file holds only {items} of {} items)",
                file.items
            )
        } else {
            expected
        };
        return Err(Error::Checksum {
            file: source.to_string(),
            expected,
            actual,
        });
    };
    Ok(FileRecord {
        role: file.role,
        items,
        payload_sha256,
        verification,
        source: source.to_string(),
    })
}
