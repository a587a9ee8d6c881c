//! OpenML datasets, as scikit-learn's `fetch_openml("mnist_784")` gets them: the dataset's
//! description and ARFF data file through OpenML's REST API, the data checked against the MD5
//! the description gives, then stored in the cache as IDX
//! ([`Cache::fetch_openml`](crate::Cache::fetch_openml)).
//!
//! The requests, in order (`base` is `https://www.openml.org`, or `CLASSIFY_OPENML_URL`):
//! 1. for a name, `{base}/api/v1/json/data/list/data_name/{name}/limit/2/status/active/`: the
//!    first (oldest) active version, as scikit-learn picks it;
//! 2. `{base}/api/v1/json/data/{id}`: the description (`url`, `md5_checksum`,
//!    `default_target_attribute`, `ignore_attribute`, `row_id_attribute`, `format`);
//! 3. its `url`: the ARFF file; the MD5 of its (decoded) bytes must be the description's.
//!
//! The rule that makes an image set of it ([`images_from_arff`]): the target is the default
//! target attribute (nominal: its declared values are the classes, in order); ignored and
//! row-identifier attributes are dropped; every other attribute is a pixel whose values must be
//! integers 0–255, the image the square of their count. Datasets of exactly 70,000 rows
//! (`mnist_784`, `Fashion-MNIST`, `Kuzushiji-MNIST`) are split as the book splits
//! `mnist_784`: the first 60,000 train, the last 10,000 test; others as
//! `train_test_split(X, y, test_size=0.25, random_state=seed)`. Sparse ARFF rows are refused.
//!
//! ```
//! use classify_datasets::openml::{images_from_arff, Arff};
//!
//! let text = "@relation tiny\n@attribute p0 numeric\n@attribute p1 numeric\n\
//!             @attribute p2 numeric\n@attribute p3 numeric\n@attribute class {a,b}\n\
//!             @data\n0,255,3,4,a\n9,8,7,6,b\n1,1,1,1,a\n2,2,2,2,b\n";
//! let arff = Arff::parse(text)?;
//! let set = images_from_arff(&arff, "class", &[], 42)?;
//! assert_eq!(set.classes, ["a", "b"]);
//! assert_eq!(set.train_images.dims, [3, 2, 2]);
//! # Ok::<(), classify_datasets::Error>(())
//! ```

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::formats::idx::ImageSet;

/// Where OpenML's API is unless `CLASSIFY_OPENML_URL` says otherwise.
pub const OPENML: &str = "https://www.openml.org";

/// An attribute of an ARFF file.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// Its name.
    pub name: String,
    /// The declared values of a nominal attribute; `None` for numeric, string and date ones.
    pub nominal: Option<Vec<String>>,
}

/// A dense ARFF file: its header parsed, its `@data` lines kept as text and split into values
/// one row at a time ([`Arff::values`]), so that `mnist_784`'s 55 million values never sit in
/// memory as strings.
#[derive(Debug, Clone, PartialEq)]
pub struct Arff<'a> {
    /// `@relation`.
    pub relation: String,
    /// `@attribute` lines, in order.
    pub attributes: Vec<Attribute>,
    /// The `@data` lines: (line number, text).
    rows: Vec<(usize, &'a str)>,
}

fn bad(line: usize, what: impl std::fmt::Display) -> Error {
    Error::InvalidArgument(format!("ARFF line {line}: {what}"))
}

impl<'a> Arff<'a> {
    /// Parses the ARFF text's header and finds its rows (comments `%`; quoted names and
    /// values, `?` for missing, are read by [`values`](Self::values)).
    pub fn parse(text: &'a str) -> Result<Arff<'a>> {
        let mut relation = String::new();
        let mut attributes = Vec::new();
        let mut rows = Vec::new();
        let mut in_data = false;
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('%') {
                continue;
            }
            if in_data {
                if line.starts_with('{') {
                    return Err(bad(line_no, "sparse rows are not read"));
                }
                rows.push((line_no, line));
                continue;
            }
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("@relation") {
                relation = unquote(line["@relation".len()..].trim()).to_string();
            } else if lower.starts_with("@attribute") {
                attributes.push(
                    attribute(line["@attribute".len()..].trim()).map_err(|e| bad(line_no, e))?,
                );
            } else if lower.starts_with("@data") {
                in_data = true;
            } else {
                return Err(bad(line_no, format!("unexpected {:?}", truncate(line))));
            }
        }
        if !in_data || attributes.is_empty() {
            return Err(Error::InvalidArgument(
                "not an ARFF file: no @attribute or @data section".into(),
            ));
        }
        Ok(Arff {
            relation,
            attributes,
            rows,
        })
    }
}

impl<'a> Arff<'a> {
    /// Number of data rows.
    pub fn n_rows(&self) -> usize {
        self.rows.len()
    }

    /// The values of row `i` (`None` where `?`), one per attribute.
    pub fn values(&self, i: usize) -> Result<Vec<Option<Cow<'a, str>>>> {
        let (line_no, line) = self.rows[i];
        let values = split_values(line).map_err(|e| bad(line_no, e))?;
        if values.len() != self.attributes.len() {
            return Err(bad(
                line_no,
                format!(
                    "{} values, {} attributes",
                    values.len(),
                    self.attributes.len()
                ),
            ));
        }
        Ok(values)
    }
}

fn truncate(s: &str) -> &str {
    s.char_indices().nth(40).map_or(s, |(i, _)| &s[..i])
}

/// `'name' type`: a name (quoted or not) and a type (`{a,b}` nominal, else a keyword).
fn attribute(rest: &str) -> std::result::Result<Attribute, String> {
    let (name, kind) = match rest.chars().next() {
        Some(q @ ('\'' | '"')) => {
            let end = rest[1..]
                .find(q)
                .ok_or_else(|| format!("unterminated name {rest:?}"))?;
            (&rest[1..1 + end], rest[end + 2..].trim())
        }
        _ => rest
            .split_once(char::is_whitespace)
            .map(|(n, k)| (n, k.trim()))
            .ok_or_else(|| format!("no type in {rest:?}"))?,
    };
    let nominal = if let Some(list) = kind.strip_prefix('{') {
        let list = list
            .strip_suffix('}')
            .ok_or_else(|| format!("unterminated values of {name}"))?;
        Some(
            split_values(list)?
                .into_iter()
                .map(|v| v.map_or_else(|| "?".to_string(), Cow::into_owned))
                .collect(),
        )
    } else {
        None
    };
    Ok(Attribute {
        name: name.to_string(),
        nominal,
    })
}

fn unquote(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && (b[0] == b'\'' || b[0] == b'"') && b[b.len() - 1] == b[0] {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// Comma-separated values, each possibly quoted (`'a, b'`, with `\'` escapes); `?` is
/// missing.
fn split_values(line: &str) -> std::result::Result<Vec<Option<Cow<'_, str>>>, String> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('\'' | '"')) => {
                let mut v = String::new();
                let mut chars = rest[1..].char_indices();
                let end = loop {
                    match chars.next() {
                        Some((_, '\\')) => v.extend(chars.next().map(|(_, c)| c)),
                        Some((j, c)) if c == q => break j + 2,
                        Some((_, c)) => v.push(c),
                        None => return Err("unterminated quote".into()),
                    }
                };
                rest = rest[end..].trim_start();
                Some(Cow::Owned(v))
            }
            _ => {
                let end = rest.find(',').unwrap_or(rest.len());
                let v = rest[..end].trim();
                rest = &rest[end..];
                (v != "?").then_some(Cow::Borrowed(v))
            }
        };
        out.push(value);
        match rest.chars().next() {
            None => return Ok(out),
            Some(',') => rest = &rest[1..],
            Some(c) => return Err(format!("{c:?} after a quoted value")),
        }
    }
}

/// The image set of `arff` by the module's rule: `target` the class attribute, `drop` the
/// attributes left out (OpenML's ignored and row-identifier ones).
pub fn images_from_arff(
    arff: &Arff<'_>,
    target: &str,
    drop: &[String],
    seed: u32,
) -> Result<ImageSet> {
    let at = arff
        .attributes
        .iter()
        .position(|a| a.name == target)
        .ok_or_else(|| Error::InvalidArgument(format!("no target attribute {target:?}")))?;
    let classes = arff.attributes[at].nominal.clone().ok_or_else(|| {
        Error::InvalidArgument(format!(
            "the target {target:?} is not nominal (not classes)"
        ))
    })?;
    if classes.len() > 256 {
        return Err(Error::InvalidArgument(format!(
            "{} classes; IDX labels hold at most 256",
            classes.len()
        )));
    }
    let pixels: Vec<usize> = (0..arff.attributes.len())
        .filter(|&i| i != at && !drop.contains(&arff.attributes[i].name))
        .collect();
    let side = (pixels.len() as f64).sqrt().round() as usize;
    if side == 0 || side * side != pixels.len() {
        return Err(Error::InvalidArgument(format!(
            "{} feature attributes are not a square image",
            pixels.len()
        )));
    }
    let n = arff.n_rows();
    let mut data = Vec::with_capacity(n * pixels.len());
    let mut labels = Vec::with_capacity(n);
    for r in 0..n {
        let row = arff.values(r)?;
        let label = row[at]
            .as_deref()
            .and_then(|v| classes.iter().position(|c| c == v))
            .ok_or_else(|| {
                Error::InvalidArgument(format!("row {}: {target} is {:?}", r + 1, row[at]))
            })?;
        labels.push(label as u8);
        for &p in &pixels {
            let v = row[p].as_deref().unwrap_or("?");
            let byte = v
                .parse::<f64>()
                .ok()
                .filter(|x| x.fract() == 0.0 && (0.0..=255.0).contains(x))
                .ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "row {}: {} is {v:?}, not an integer 0-255 (not an image)",
                        r + 1,
                        arff.attributes[p].name
                    ))
                })?;
            data.push(byte as u8);
        }
    }
    if n < 2 {
        return Err(Error::InvalidArgument(format!(
            "{n} rows: too few for a training and a test part"
        )));
    }
    let shape = [side, side];
    Ok(if n == 70_000 {
        let (train, test): (Vec<usize>, Vec<usize>) =
            ((0..60_000).collect(), (60_000..n).collect());
        ImageSet::take(classes, shape, (&data, &labels), &train, &test)
    } else {
        ImageSet::split(classes, shape, (&data, &labels), seed)
    })
}

/// What OpenML's description of a dataset says (the fields this module uses).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Description {
    /// Dataset id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// File format (`ARFF`).
    #[serde(default)]
    pub format: String,
    /// The data file's URL.
    pub url: String,
    /// MD5 of the data file.
    pub md5_checksum: String,
    /// The class attribute.
    #[serde(default)]
    pub default_target_attribute: Option<String>,
    /// Attributes not to use as features.
    #[serde(default, deserialize_with = "one_or_many")]
    pub ignore_attribute: Vec<String>,
    /// The row identifier, not a feature.
    #[serde(default)]
    pub row_id_attribute: Option<String>,
    /// Licence.
    #[serde(default)]
    pub licence: Option<String>,
}

/// OpenML gives a single ignored attribute as a string, several as a list.
fn one_or_many<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Vec<String>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(
        match <Option<OneOrMany> as serde::Deserialize>::deserialize(d)? {
            None => Vec::new(),
            Some(OneOrMany::One(s)) => vec![s],
            Some(OneOrMany::Many(v)) => v,
        },
    )
}

/// The MD5 of `bytes` in lower-case hex, as OpenML writes it.
pub use crate::files::md5_hex;

/// The cache name of an OpenML dataset: `openml-` and its name in lower case, other
/// characters than letters, digits, `-`, `_`, `.` as `-` (`mnist_784` → `openml-mnist_784`).
pub fn cache_name(openml_name: &str) -> String {
    let plain: String = openml_name
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '-' | '_' | '.') => c,
            _ => '-',
        })
        .collect();
    format!("openml-{}", plain.trim_start_matches('.'))
}

#[cfg(feature = "download")]
mod fetch {
    use super::{cache_name, images_from_arff, md5_hex, Arff, Description};
    use crate::cache::{Cache, FileOutcome, FileProgress};
    use crate::error::{Error, Result};
    use crate::info::DatasetInfo;
    use crate::sources::download::{get_bytes, MAX_DOWNLOAD};

    /// A JSON answer of the API, at most 16 MiB.
    fn json(
        url: &str,
        what: &str,
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<serde_json::Value> {
        let bytes = get_bytes(url, what, 16 << 20, progress)
            .map_err(|e| Error::InvalidArgument(format!("OpenML {what}: {e}")))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::InvalidArgument(format!("OpenML {what} ({url}): not JSON: {e}")))
    }

    /// `openml:<name or id>` fetched from `base`, checked, converted and registered.
    fn fetch(
        cache: &Cache,
        base: &str,
        spec: &str,
        seed: u32,
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<(DatasetInfo, Vec<FileOutcome>)> {
        let base = base.trim_end_matches('/');
        let id = match spec.parse::<u64>() {
            Ok(id) => id.to_string(),
            Err(_) => {
                let url =
                    format!("{base}/api/v1/json/data/list/data_name/{spec}/limit/2/status/active/");
                let found = json(&url, "search", progress)?;
                found["data"]["dataset"][0]["did"]
                    .as_u64()
                    .map(|d| d.to_string())
                    .or_else(|| {
                        found["data"]["dataset"][0]["did"]
                            .as_str()
                            .map(String::from)
                    })
                    .ok_or_else(|| {
                        Error::InvalidArgument(format!(
                            "OpenML has no active dataset named {spec:?}"
                        ))
                    })?
            }
        };
        let url = format!("{base}/api/v1/json/data/{id}");
        let answer = json(&url, "description", progress)?;
        let description: Description =
            serde_json::from_value(answer["data_set_description"].clone())
                .map_err(|e| Error::InvalidArgument(format!("OpenML description ({url}): {e}")))?;
        if !description.format.eq_ignore_ascii_case("arff") {
            return Err(Error::InvalidArgument(format!(
                "OpenML dataset {id} is in {:?}; only ARFF is read",
                description.format
            )));
        }
        let target = description
            .default_target_attribute
            .clone()
            .ok_or_else(|| {
                Error::InvalidArgument(format!("OpenML dataset {id} names no target attribute"))
            })?;
        let file = format!("{}.arff", description.name);
        let bytes = get_bytes(&description.url, &file, MAX_DOWNLOAD, progress)?;
        let md5 = md5_hex(&bytes);
        if md5 != description.md5_checksum.to_ascii_lowercase() {
            return Err(Error::InvalidArgument(format!(
                "{}: MD5 {md5}, but OpenML's description of dataset {id} says {}; nothing was stored",
                description.url, description.md5_checksum
            )));
        }
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            Error::InvalidArgument(format!("{}: not UTF-8 text: {e}", description.url))
        })?;
        let arff = Arff::parse(text)
            .map_err(|e| Error::InvalidArgument(format!("{}: {e}", description.url)))?;
        let mut drop = description.ignore_attribute.clone();
        drop.extend(description.row_id_attribute.clone());
        let set = images_from_arff(&arff, &target, &drop, seed)
            .map_err(|e| Error::InvalidArgument(format!("OpenML dataset {id}: {e}")))?;
        let summary = format!(
            "OpenML dataset {id} ({} version {}, licence {}), ARFF MD5 {md5} as described",
            description.name,
            description.version,
            description.licence.as_deref().unwrap_or("not given")
        );
        let home = std::path::Path::new(&description.url);
        cache.register_images(
            &cache_name(&description.name),
            &set,
            (summary, home),
            progress,
        )
    }

    impl Cache {
        /// Fetches `openml:<name or id>` (`spec` without the prefix) from OpenML's API (or
        /// `CLASSIFY_OPENML_URL`), checks the data file's MD5 against the description, converts it
        /// by [`openml`](crate::sources::openml)'s rule (`seed` draws the test rows of datasets that are not
        /// 70,000 rows) and registers it as `openml-<name>`.
        pub fn fetch_openml(
            &self,
            spec: &str,
            seed: u32,
            progress: &mut dyn FnMut(FileProgress),
        ) -> Result<(DatasetInfo, Vec<FileOutcome>)> {
            let base =
                std::env::var("CLASSIFY_OPENML_URL").unwrap_or_else(|_| super::OPENML.to_string());
            self.fetch_openml_from(&base, spec, seed, progress)
        }

        /// [`fetch_openml`](Self::fetch_openml) from the API at `base` (a mirror, a test server).
        pub fn fetch_openml_from(
            &self,
            base: &str,
            spec: &str,
            seed: u32,
            progress: &mut dyn FnMut(FileProgress),
        ) -> Result<(DatasetInfo, Vec<FileOutcome>)> {
            fetch(self, base, spec, seed, progress)
        }
    }
}
