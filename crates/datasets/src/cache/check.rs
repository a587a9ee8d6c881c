//! A file checked against what its dataset says of it — structure, shape, then checksums —
//! and the record the cache's manifest keeps of it.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::files::md5_hex;
use crate::formats::idx::{self, payload_sha256, IdxArray};
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
    let expected_dims: &[usize] = match file.role {
        Role::TrainImages | Role::TestImages => &info.image_shape,
        Role::TrainLabels | Role::TestLabels => &[],
    };
    if array.dims[1..] != *expected_dims {
        let want: Vec<String> = std::iter::once("n".to_string())
            .chain(expected_dims.iter().map(|d| d.to_string()))
            .collect();
        return Err(Error::Shape(format!(
            "{source}: {} should have dimensions [{}], found {:?}",
            file.role.describe(),
            want.join(", "),
            array.dims
        )));
    }
    let items = array.dims[0];
    if items > file.items {
        return Err(Error::Shape(format!(
            "{source}: {} holds {items} items, more than the {} of {}",
            file.role.describe(),
            file.items,
            info.name
        )));
    }
    let payload_sha256 = payload_sha256(&array);
    let verification = if file.payload_sha256.as_deref() == Some(payload_sha256.as_str()) {
        Verification::Sha256
    } else if file.gz_md5.is_some() && file.gz_md5 == Some(md5_hex(bytes)) {
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
                format!("md5 {}", md5_hex(bytes)),
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
    Ok(Checked {
        array,
        record: FileRecord {
            role: file.role,
            items,
            payload_sha256,
            verification,
            source: source.to_string(),
        },
    })
}
