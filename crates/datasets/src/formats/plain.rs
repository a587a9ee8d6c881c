//! Decompressed copies of cached IDX files, so that loading a dataset reads bytes instead of
//! inflating gzip on every run (Fashion-MNIST's four files: about 150 ms to inflate, about
//! 25 ms to read back decompressed).
//!
//! The copy of `<dataset>/<name>.gz` is `<dataset>/.plain/<name>`: a 32-byte stamp, then the
//! IDX file as it is once decompressed. The stamp holds a magic, the `.gz` file's length and
//! modification time, and the CRC-32 of the IDX bytes. The copy is used only when the stamp
//! matches the `.gz` file as it is now and the CRC-32 matches the bytes read, so a replaced,
//! re-fetched or edited file (either one) falls back to the `.gz` file, which is then read,
//! checked as always and copied again. Copies are written to a temporary name and renamed;
//! when the cache cannot be written, loading works as before without them.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use crate::error::Result;
use crate::formats::idx::{self, IdxArray};

const MAGIC: &[u8; 8] = b"CLSPLAIN";
const STAMP: usize = 32;

/// The `.gz` file's length and modification time in nanoseconds (0 when unknown).
fn fingerprint(gz: &Path) -> Option<(u64, u64)> {
    let meta = std::fs::metadata(gz).ok()?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    Some((meta.len(), mtime))
}

/// Where the decompressed copy of `gz` lives.
fn copy_path(gz: &Path) -> Option<PathBuf> {
    let name = gz.file_name()?.to_str()?;
    Some(
        gz.parent()?
            .join(".plain")
            .join(name.trim_end_matches(".gz")),
    )
}

/// The IDX array of `gz`, from its decompressed copy when that is current, else from `gz`
/// itself ([`idx::read_idx_file`], checked as always), then copied for the next time.
pub(crate) fn read(gz: &Path) -> Result<IdxArray> {
    if gz.extension().is_none_or(|e| e != "gz") {
        // Stored uncompressed (a generated dataset's training files): read as it is.
        return idx::read_idx_file(gz);
    }
    let (Some(print), Some(copy)) = (fingerprint(gz), copy_path(gz)) else {
        return idx::read_idx_file(gz);
    };
    if let Some(array) = from_copy(&copy, print) {
        return Ok(array);
    }
    let array = idx::read_idx_file(gz)?;
    // A cache that cannot be written still loads; the copy is only a shortcut.
    let _ = write_copy(&copy, print, &array);
    Ok(array)
}

fn from_copy(copy: &Path, (len, mtime): (u64, u64)) -> Option<IdxArray> {
    let bytes = std::fs::read(copy).ok()?;
    let (stamp, body) = bytes.split_at_checked(STAMP)?;
    let word = |i: usize| u64::from_le_bytes(stamp[i..i + 8].try_into().expect("8 bytes"));
    let crc = u32::from_le_bytes(stamp[24..28].try_into().expect("4 bytes"));
    if &stamp[..8] != MAGIC || word(8) != len || word(16) != mtime || crc32fast::hash(body) != crc {
        return None;
    }
    idx::read_idx_bytes(body).ok()
}

fn write_copy(copy: &Path, (len, mtime): (u64, u64), array: &IdxArray) -> Result<()> {
    let mut body = Vec::with_capacity(array.data.len() + 64);
    idx::write_idx(&mut body, &array.dims, &array.data)?;
    let mut bytes = Vec::with_capacity(STAMP + body.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&len.to_le_bytes());
    bytes.extend_from_slice(&mtime.to_le_bytes());
    bytes.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    bytes.extend_from_slice(&[0; 4]);
    bytes.extend_from_slice(&body);
    let dir = copy.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| crate::Error::io(dir, e))?;
    std::io::Write::write_all(&mut tmp, &bytes).map_err(|e| crate::Error::io(copy, e))?;
    tmp.persist(copy)
        .map_err(|e| crate::Error::io(copy, e.error))?;
    Ok(())
}
