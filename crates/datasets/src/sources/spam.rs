//! The SpamAssassin public corpus (2003-02-28 "easy ham" and "spam"): two `.tar.bz2`
//! archives of raw e-mails, read in Rust (bzip2 + tar), non-message files skipped.
//!
//! The official archives and repacked copies differ byte for byte, so the check is on
//! content: an archive must hold the expected number of messages, each named
//! `NNNNN.<md5 hex>` with that MD5 being the file's own.

use std::io::Read;
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};

use crate::cache::Cache;
use crate::error::{Error, Result};
use crate::files::write_atomically;

/// One archive of the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpamArchive {
    /// File name (`20030228_spam.tar.bz2`).
    pub name: &'static str,
    /// Whether its messages are spam.
    pub spam: bool,
    /// The folder its messages sit in.
    pub folder: &'static str,
    /// How many messages it holds.
    pub messages: usize,
}

/// Where the official archives are served.
pub const SPAM_BASE_URL: &str = "https://spamassassin.apache.org/old/publiccorpus/";

/// The two archives the exercise uses.
pub const SPAM_ARCHIVES: [SpamArchive; 2] = [
    SpamArchive {
        name: "20030228_easy_ham.tar.bz2",
        spam: false,
        folder: "easy_ham",
        messages: 2500,
    },
    SpamArchive {
        name: "20030228_spam.tar.bz2",
        spam: true,
        folder: "spam",
        messages: 500,
    },
];

/// The dataset's name in the cache.
pub const SPAM_DATASET: &str = "spamassassin";

/// One e-mail of the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// Its file name inside the archive (`00001.7c53336b37003a9286aba55d2945844c`).
    pub name: String,
    /// Spam or ham.
    pub spam: bool,
    /// The raw message, headers included.
    pub raw: Vec<u8>,
}

/// No single message or archive is larger than this.
const MAX_MESSAGE: u64 = 8 << 20;
const MAX_ARCHIVE: u64 = 256 << 20;

/// Whether `name` looks like a corpus message: `NNNNN.<32 hex digits>`.
fn message_name(name: &str) -> Option<&str> {
    let (num, hash) = name.split_once('.')?;
    (num.len() == 5
        && num.bytes().all(|b| b.is_ascii_digit())
        && hash.len() == 32
        && hash.bytes().all(|b| b.is_ascii_hexdigit()))
    .then_some(hash)
}

/// The messages of one archive's bytes, checked (count, and each file's MD5 against its
/// name); other files (`cmds`, folders) are skipped.
pub fn read_archive(archive: &SpamArchive, bytes: &[u8]) -> Result<Vec<Email>> {
    let bz = bzip2::read::BzDecoder::new(bytes);
    let mut tar = tar::Archive::new(bz.take(MAX_ARCHIVE));
    let mut out = Vec::new();
    for entry in tar.entries().map_err(Error::Stream)? {
        let entry = entry.map_err(Error::Stream)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().map_err(Error::Stream)?.into_owned();
        let Some(file) = path
            .file_name()
            .and_then(|f| f.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        let Some(hash) = message_name(&file).map(str::to_ascii_lowercase) else {
            continue;
        };
        if entry.size() > MAX_MESSAGE {
            return Err(Error::InvalidArgument(format!(
                "{}: {} bytes is too large for an e-mail",
                path.display(),
                entry.size()
            )));
        }
        let mut raw = Vec::new();
        entry
            .take(MAX_MESSAGE)
            .read_to_end(&mut raw)
            .map_err(Error::Stream)?;
        let actual: String = Md5::digest(&raw)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if actual != hash {
            return Err(Error::Checksum {
                file: format!("{}/{}", archive.name, path.display()),
                expected: hash,
                actual,
            });
        }
        out.push(Email {
            name: file,
            spam: archive.spam,
            raw,
        });
    }
    if out.len() != archive.messages {
        return Err(Error::InvalidArgument(format!(
            "{}: {} messages, expected {}",
            archive.name,
            out.len(),
            archive.messages
        )));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

impl Cache {
    fn spam_path(&self, archive: &SpamArchive) -> PathBuf {
        self.dataset_dir(SPAM_DATASET).join(archive.name)
    }

    fn store_spam(&self, archive: &SpamArchive, bytes: &[u8]) -> Result<()> {
        read_archive(archive, bytes)?;
        write_atomically(&self.spam_path(archive), |f| {
            std::io::Write::write_all(f, bytes).map_err(Error::Stream)
        })
    }

    /// Imports both archives from `dir` (each checked before it is stored).
    pub fn import_spam(&self, dir: &Path) -> Result<Vec<String>> {
        let mut stored = Vec::new();
        for a in &SPAM_ARCHIVES {
            let path = dir.join(a.name);
            if !path.is_file() {
                return Err(Error::MissingFile {
                    dir: dir.to_path_buf(),
                    role: if a.spam { "spam" } else { "ham" }.into(),
                    looked_for: a.name.into(),
                });
            }
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            self.store_spam(a, &bytes).map_err(|e| Error::File {
                path: path.clone(),
                source: Box::new(e),
            })?;
            stored.push(a.name.to_string());
        }
        Ok(stored)
    }

    /// Downloads both archives from the official site.
    #[cfg(feature = "download")]
    pub fn download_spam(&self) -> Result<Vec<String>> {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(std::time::Duration::from_secs(20))
            .timeout_read(std::time::Duration::from_secs(60))
            .build();
        let mut stored = Vec::new();
        for a in &SPAM_ARCHIVES {
            let url = format!("{SPAM_BASE_URL}{}", a.name);
            let response = agent.get(&url).call().map_err(|e| Error::Download {
                file: url.clone(),
                reasons: e.to_string(),
            })?;
            let mut bytes = Vec::new();
            response
                .into_reader()
                .take(MAX_ARCHIVE)
                .read_to_end(&mut bytes)
                .map_err(Error::Stream)?;
            self.store_spam(a, &bytes)?;
            stored.push(a.name.to_string());
        }
        Ok(stored)
    }

    /// Every e-mail of the corpus (ham first, then spam, each by name), checked.
    pub fn load_spam(&self) -> Result<Vec<Email>> {
        let mut out = Vec::new();
        for a in &SPAM_ARCHIVES {
            let path = self.spam_path(a);
            if !path.is_file() {
                return Err(Error::NotCached {
                    name: SPAM_DATASET.into(),
                    dir: self.dataset_dir(SPAM_DATASET),
                    missing: a.name.into(),
                });
            }
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            out.extend(read_archive(a, &bytes).map_err(|e| Error::Corrupt {
                path: path.clone(),
                dataset: SPAM_DATASET.into(),
                reason: e.to_string(),
            })?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let bz = bzip2::write::BzEncoder::new(&mut out, bzip2::Compression::default());
            let mut tar = tar::Builder::new(bz);
            for (name, bytes) in files {
                let mut h = tar::Header::new_gnu();
                h.set_size(bytes.len() as u64);
                h.set_mode(0o644);
                h.set_cksum();
                tar.append_data(&mut h, name, *bytes).unwrap();
            }
            tar.into_inner().unwrap().finish().unwrap();
        }
        out
    }

    fn named(body: &[u8], n: usize) -> String {
        let md5: String = Md5::digest(body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("spam/{n:05}.{md5}")
    }

    #[test]
    fn reads_messages_skips_others_and_checks_names() {
        let a = SpamArchive {
            name: "t.tar.bz2",
            spam: true,
            folder: "spam",
            messages: 2,
        };
        let (m1, m2) = (
            b"Subject: hi\n\nbuy now".as_slice(),
            b"Subject: x\n\ncheap".as_slice(),
        );
        let good = archive(&[
            (&named(m1, 1), m1),
            ("spam/cmds", b"rm -f *"),
            (&named(m2, 2), m2),
        ]);
        let mails = read_archive(&a, &good).unwrap();
        assert_eq!(mails.len(), 2);
        assert!(mails.iter().all(|m| m.spam));
        assert_eq!(mails[0].raw, m1);
        // A message whose content does not match its name.
        let lying = archive(&[(&named(m1, 1), m2), (&named(m2, 2), m2)]);
        assert!(matches!(
            read_archive(&a, &lying),
            Err(Error::Checksum { .. })
        ));
        // A message missing.
        let short = archive(&[(&named(m1, 1), m1)]);
        assert!(matches!(
            read_archive(&a, &short),
            Err(Error::InvalidArgument(_))
        ));
        // Not bzip2 at all.
        assert!(read_archive(&a, b"not an archive").is_err());
        // Truncated.
        assert!(read_archive(&a, &good[..good.len() / 2]).is_err());
    }
}
