//! E-mails to word counts, a vocabulary, and sparse count vectors (the spam filter).

use std::collections::HashMap;

use classify_core::Csr;
use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How an e-mail becomes words. `Default` turns everything on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailOptions {
    /// Keep only the subject and body (drop the other headers).
    pub strip_headers: bool,
    /// Lower-case every word.
    pub lower_case: bool,
    /// Split on punctuation (otherwise only on white space).
    pub remove_punctuation: bool,
    /// Replace every URL by the word `URL`.
    pub replace_urls: bool,
    /// Replace every number by the word `NUMBER`.
    pub replace_numbers: bool,
    /// Reduce words to their stems (Porter's English stemmer).
    pub stem: bool,
}

impl Default for EmailOptions {
    fn default() -> Self {
        EmailOptions {
            strip_headers: true,
            lower_case: true,
            remove_punctuation: true,
            replace_urls: true,
            replace_numbers: true,
            stem: true,
        }
    }
}

/// The readable text of a raw e-mail: subject and text bodies (HTML bodies converted to
/// text), decoded from their transfer encodings and charsets; with `strip_headers` off, the
/// header lines too. Unparseable input is read as plain text.
pub fn email_text(raw: &[u8], strip_headers: bool) -> String {
    let parser = mail_parser::MessageParser::default();
    let Some(message) = parser.parse(raw) else {
        return String::from_utf8_lossy(raw).into_owned();
    };
    let mut text = String::new();
    if strip_headers {
        if let Some(subject) = message.subject() {
            text.push_str(subject);
            text.push('\n');
        }
    } else {
        let end = raw
            .windows(2)
            .position(|w| w == b"\n\n")
            .unwrap_or(raw.len());
        text.push_str(&String::from_utf8_lossy(&raw[..end]));
        text.push('\n');
    }
    for i in 0..message.text_body_count() {
        if let Some(body) = message.body_text(i) {
            text.push_str(&body);
            text.push('\n');
        }
    }
    text
}

fn is_url(token: &str) -> bool {
    let t = token.to_ascii_lowercase();
    t.starts_with("http://")
        || t.starts_with("https://")
        || t.starts_with("ftp://")
        || t.starts_with("www.")
        || t.starts_with("mailto:")
}

fn is_number(token: &str) -> bool {
    let t = token.trim_matches(|c: char| c == '+' || c == '-');
    !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',' || c == 'e' || c == 'E')
}

/// Word counts of a raw e-mail.
pub fn email_to_words(raw: &[u8], options: &EmailOptions) -> HashMap<String, u32> {
    let text = email_text(raw, options.strip_headers);
    let stemmer = options.stem.then(|| Stemmer::create(Algorithm::English));
    let mut counts = HashMap::new();
    for token in text.split_whitespace() {
        let mut words: Vec<String> = Vec::new();
        if options.replace_urls && is_url(token) {
            words.push("URL".into());
        } else if options.replace_numbers && is_number(token) {
            words.push("NUMBER".into());
        } else if options.remove_punctuation {
            words.extend(
                token
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(|w| {
                        if options.replace_numbers && w.chars().all(|c| c.is_ascii_digit()) {
                            "NUMBER".to_string()
                        } else {
                            w.to_string()
                        }
                    }),
            );
        } else {
            words.push(token.to_string());
        }
        for mut w in words {
            if w != "URL" && w != "NUMBER" {
                if options.lower_case {
                    w = w.to_lowercase();
                }
                if let Some(s) = &stemmer {
                    w = s.stem(&w).into_owned();
                }
            }
            *counts.entry(w).or_insert(0) += 1;
        }
    }
    counts
}

/// The most frequent words of a training set, column 1 onwards of the vectors (column 0
/// counts every word not in the vocabulary, as the book's `WordCounterToVectorTransformer`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vocabulary {
    words: Vec<String>,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

impl Vocabulary {
    /// The `size` words with the largest total counts (capped at 10 per e-mail, as the book),
    /// ties broken alphabetically.
    pub fn fit(docs: &[HashMap<String, u32>], size: usize) -> Result<Vocabulary> {
        if size == 0 {
            return Err(Error::Table("a vocabulary needs at least one word".into()));
        }
        let mut total: HashMap<&str, u64> = HashMap::new();
        for d in docs {
            for (w, &c) in d {
                *total.entry(w.as_str()).or_insert(0) += u64::from(c.min(10));
            }
        }
        let mut ranked: Vec<(&str, u64)> = total.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let words: Vec<String> = ranked
            .into_iter()
            .take(size)
            .map(|(w, _)| w.to_string())
            .collect();
        Ok(Vocabulary::from_words(words))
    }

    fn from_words(words: Vec<String>) -> Vocabulary {
        let index = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i + 1))
            .collect();
        Vocabulary { words, index }
    }

    /// The words, most frequent first.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Sparse vectors: one row per e-mail, `1 + len` columns (column 0: words outside the
    /// vocabulary); counts, or 1 for presence with `binary`.
    pub fn transform(&self, docs: &[HashMap<String, u32>], binary: bool) -> Result<Csr> {
        let index = if self.index.len() == self.words.len() {
            std::borrow::Cow::Borrowed(self)
        } else {
            // After deserialisation.
            std::borrow::Cow::Owned(Vocabulary::from_words(self.words.clone()))
        };
        let rows = docs.iter().map(|d| {
            let mut row: HashMap<usize, f64> = HashMap::new();
            for (w, &c) in d {
                let col = index.index.get(w).copied().unwrap_or(0);
                *row.entry(col).or_insert(0.0) += f64::from(c);
            }
            let mut row: Vec<(usize, f64)> = row
                .into_iter()
                .map(|(c, v)| (c, if binary { 1.0 } else { v }))
                .collect();
            row.sort_unstable_by_key(|e| e.0);
            row
        });
        Ok(Csr::from_rows(self.words.len() + 1, rows)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_urls_numbers_stems_and_html() {
        let raw = b"From: a@b.c\nSubject: Winning Offers!\nContent-Type: text/html\n\n<html><body><p>Visit http://spam.example.com/x?y=1 NOW to win 1,000,000 dollars; offers running</p></body></html>\n";
        let w = email_to_words(raw, &EmailOptions::default());
        assert_eq!(w.get("URL"), Some(&1));
        assert_eq!(w.get("NUMBER"), Some(&1));
        assert_eq!(w.get("offer"), Some(&2)); // "Offers", "offers" → "offer"
        assert_eq!(w.get("run"), Some(&1));
        assert!(!w.contains_key("html") && !w.contains_key("p"), "{w:?}");
        assert!(!w.contains_key("from"), "headers are stripped: {w:?}");
        let plain = email_to_words(
            raw,
            &EmailOptions {
                lower_case: false,
                stem: false,
                replace_urls: false,
                ..Default::default()
            },
        );
        assert_eq!(plain.get("Offers"), Some(&1));
        assert!(plain.contains_key("http"));
        let headers = email_to_words(
            raw,
            &EmailOptions {
                strip_headers: false,
                ..Default::default()
            },
        );
        assert!(headers.contains_key("from"));
    }

    #[test]
    fn multipart_and_encodings_are_decoded() {
        let raw = b"Subject: =?utf-8?B?Q2Fmw6k=?=\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"XX\"\n\n--XX\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nna=EFve caf=E9\n--XX--\n";
        let t = email_text(raw, true);
        assert!(t.contains("Café"), "{t}");
        assert!(t.contains("naïve café"), "{t}");
    }

    #[test]
    fn vocabulary_and_sparse_vectors() {
        let docs: Vec<HashMap<String, u32>> = vec![
            [("buy".to_string(), 3), ("now".to_string(), 1)].into(),
            [("buy".to_string(), 1), ("hello".to_string(), 2)].into(),
        ];
        let v = Vocabulary::fit(&docs, 2).unwrap();
        assert_eq!(v.words(), ["buy", "hello"]);
        let x = v.transform(&docs, false).unwrap();
        assert_eq!((x.n_rows(), x.n_cols()), (2, 3));
        assert_eq!(x.row(0).collect::<Vec<_>>(), vec![(0, 1.0), (1, 3.0)]);
        assert_eq!(x.row(1).collect::<Vec<_>>(), vec![(1, 1.0), (2, 2.0)]);
        let b = v.transform(&docs, true).unwrap();
        assert_eq!(b.row(0).collect::<Vec<_>>(), vec![(0, 1.0), (1, 1.0)]);
        assert!(Vocabulary::fit(&docs, 0).is_err());
    }
}
