//! Downloading catalogue files over HTTP(S), mirror by mirror.

use std::io::Read;

use crate::cache::{Cache, FileOutcome, FileProgress, Verification};
use crate::error::{Error, Result};
use crate::info::{DatasetInfo, FileInfo};

/// No catalogue file is larger than this; a server that claims more is refused.
pub(crate) const MAX_DOWNLOAD: u64 = 1 << 30;

/// Downloads one file, trying each mirror until one serves content that passes the checks.
pub(crate) fn fetch_file(
    cache: &Cache,
    info: &DatasetInfo,
    file: &FileInfo,
    progress: &mut dyn FnMut(FileProgress),
) -> Result<FileOutcome> {
    let mut reasons = Vec::new();
    for mirror in &file.mirrors {
        let url = format!("{mirror}{}", file.name);
        match get(&url, file, progress) {
            Ok(bytes) => match cache.store_downloaded(info, file, &bytes, &url) {
                Ok(outcome) => return Ok(outcome),
                Err(e) => reasons.push(format!("{url}: {e}")),
            },
            Err(e) => reasons.push(format!("{url}: {e}")),
        }
    }
    Err(Error::Download {
        file: file.name.clone(),
        reasons: reasons.join("; "),
    })
}

/// Fetches a URL into memory, refusing bodies larger than the file can be.
fn get(url: &str, file: &FileInfo, progress: &mut dyn FnMut(FileProgress)) -> Result<Vec<u8>> {
    let limit = file
        .gz_size
        .map_or(MAX_DOWNLOAD, |s| s.saturating_mul(4).min(MAX_DOWNLOAD));
    get_bytes(url, &file.name, limit, progress)
}

/// Fetches a URL into memory (a gzip `Content-Encoding` undone), refusing bodies over
/// `limit` bytes and bodies shorter than the `Content-Length` announced; `name` is what the
/// progress bar shows.
pub(crate) fn get_bytes(
    url: &str,
    name: &str,
    limit: u64,
    progress: &mut dyn FnMut(FileProgress),
) -> Result<Vec<u8>> {
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(std::time::Duration::from_secs(20))
        .timeout_read(std::time::Duration::from_secs(60))
        .build();
    let response = agent
        .get(url)
        .call()
        .map_err(|e| Error::InvalidArgument(e.to_string()))?;
    // With a gzip encoding, the length announced is the compressed body's.
    let encoded = response.header("Content-Encoding").is_some();
    let total: Option<u64> = response
        .header("Content-Length")
        .and_then(|v| v.parse().ok())
        .filter(|_| !encoded);
    if total.is_some_and(|t| t > limit) {
        return Err(Error::InvalidArgument(format!(
            "server announces {} bytes, more than this file can be ({limit})",
            total.unwrap_or_default()
        )));
    }
    progress(FileProgress::Start {
        name: name.to_string(),
        total,
    });
    let mut reader = response.into_reader().take(limit + 1);
    let mut bytes = Vec::with_capacity(total.unwrap_or(0).min(limit) as usize);
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                progress(FileProgress::Finish);
                return Err(Error::Stream(e));
            }
        };
        bytes.extend_from_slice(&buf[..n]);
        progress(FileProgress::Advance(n as u64));
    }
    progress(FileProgress::Finish);
    if bytes.len() as u64 > limit {
        return Err(Error::InvalidArgument(format!(
            "body is larger than {limit} bytes"
        )));
    }
    if let Some(t) = total {
        if bytes.len() as u64 != t {
            return Err(Error::Truncated {
                expected: t,
                found: bytes.len() as u64,
            });
        }
    }
    Ok(bytes)
}

impl Cache {
    /// Downloads a dataset's missing files, trying each mirror in turn.
    ///
    /// Each file streams into a temporary file, is checked, and only then renamed into place;
    /// a file that fails on every mirror leaves the cache as it was.
    #[cfg(feature = "download")]
    pub fn download(
        &self,
        info: &DatasetInfo,
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<Vec<FileOutcome>> {
        let mut outcomes = Vec::new();
        for file in &info.files {
            if let Some(record) = self.cached_record(info, file) {
                if record.verification != Verification::Partial {
                    outcomes.push(FileOutcome {
                        name: file.name.clone(),
                        action: "already present".into(),
                        record,
                    });
                    continue;
                }
            }
            outcomes.push(fetch_file(self, info, file, progress)?);
        }
        Ok(outcomes)
    }
}
