//! The container: a 24-byte header — the magic `CLASSIFY`, the format version, the model
//! kind, the payload's length and its CRC-32 — then the payload, postcard bytes of what the
//! model was trained on and the fitted model. [`Encoding::Json`] writes the same content as
//! JSON for inspection; [`ModelFile::from_bytes`] reads both and checks everything before a
//! model is built.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::header::{HEADER_LEN, JSON_FORMAT, MAGIC, READ_VERSIONS, VERSION};
use crate::{AnyModel, Error, Result};

/// What a model was trained on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trained {
    /// The dataset's name.
    pub dataset: String,
    /// Training images.
    pub n_train: usize,
    /// Height and width of its images (how a picture is prepared for the model).
    pub image_shape: [usize; 2],
}

/// How a model file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// The header and postcard bytes: compact, checked. A `u8` is one byte, so a k-NN's
    /// training images take their own size: 47 MB for 60,000 MNIST images, where JSON takes
    /// 110 MB.
    #[default]
    Binary,
    /// JSON, to read or edit by hand (larger: every pixel of a k-NN as a number).
    Json,
}

/// A model file's content: the fitted model and what it was trained on.
pub struct ModelFile {
    /// What the model was trained on.
    pub trained: Trained,
    /// The model.
    pub model: AnyModel,
}

impl ModelFile {
    /// The file's bytes, encoded as `encoding` says.
    pub fn to_bytes(&self, encoding: Encoding) -> Result<Vec<u8>> {
        match encoding {
            Encoding::Json => {
                #[derive(Serialize)]
                struct Json<'a> {
                    format: &'a str,
                    #[serde(flatten)]
                    trained: &'a Trained,
                    model: &'a AnyModel,
                }
                serde_json::to_vec(&Json {
                    format: JSON_FORMAT,
                    trained: &self.trained,
                    model: &self.model,
                })
                .map_err(|e| payload_error(&e))
            }
            Encoding::Binary => {
                let payload = self
                    .model
                    .postcard_with(&self.trained)
                    .map_err(|e| payload_error(&e))?;
                let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
                out.extend_from_slice(MAGIC);
                out.extend_from_slice(&VERSION.to_le_bytes());
                out.push(self.model.code());
                out.push(0);
                out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
                out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
                out.extend_from_slice(&payload);
                Ok(out)
            }
        }
    }

    /// Reads a model file in either format, checking the header, the length, the checksum
    /// and the model's own consistency (each model's deserialiser validates its sizes).
    pub fn from_bytes(bytes: &[u8]) -> Result<ModelFile> {
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            return from_json(bytes);
        }
        let (version, kind, payload) = checked_payload(bytes)?;
        let (trained, model) = AnyModel::from_postcard(version, kind, payload)
            .ok_or(Error::UnknownKind(kind))?
            .map_err(|e| payload_error(&e))?;
        Ok(ModelFile { trained, model })
    }

    /// Writes the file to `path`, encoded as `encoding` says, whole or not at all (a temporary file in the
    /// same folder, renamed over `path`; the folder is created), and returns its length.
    pub fn save(&self, path: &Path, encoding: Encoding) -> Result<u64> {
        let bytes = self.to_bytes(encoding)?;
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            writing: true,
            source,
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        tmp.write_all(&bytes).map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(path).map_err(|e| io(e.error))?;
        Ok(bytes.len() as u64)
    }

    /// Reads and checks the model file at `path` ([`ModelFile::from_bytes`]).
    pub fn load(path: &Path) -> Result<ModelFile> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            writing: false,
            source,
        })?;
        ModelFile::from_bytes(&bytes)
    }
}

fn payload_error(e: &dyn std::fmt::Display) -> Error {
    Error::Payload(e.to_string())
}

/// A JSON model file, its `format` checked.
fn from_json(bytes: &[u8]) -> Result<ModelFile> {
    #[derive(Deserialize)]
    struct Json {
        format: String,
        #[serde(flatten)]
        trained: Trained,
        model: AnyModel,
    }
    let file: Json = serde_json::from_slice(bytes).map_err(|e| payload_error(&e))?;
    if file.format != JSON_FORMAT {
        return Err(Error::Payload(format!(
            "JSON model format {:?}, this classify reads {JSON_FORMAT:?}",
            file.format
        )));
    }
    Ok(ModelFile {
        trained: file.trained,
        model: file.model,
    })
}

/// A binary file's kind byte and payload, once the magic, version, length and checksum of
/// its header hold.
fn checked_payload(bytes: &[u8]) -> Result<(u16, u8, &[u8])> {
    if bytes.len() < HEADER_LEN {
        if !bytes.starts_with(&MAGIC[..bytes.len().min(MAGIC.len())]) || bytes.is_empty() {
            return Err(Error::BadMagic(shown(bytes)));
        }
        return Err(Error::TooShort { found: bytes.len() });
    }
    let (header, payload) = bytes.split_at(HEADER_LEN);
    if &header[..8] != MAGIC {
        return Err(Error::BadMagic(shown(bytes)));
    }
    let version = u16::from_le_bytes([header[8], header[9]]);
    if !READ_VERSIONS.contains(&version) {
        return Err(Error::Version { found: version });
    }
    let kind = header[10];
    if !(1..=crate::model::LAST_KIND).contains(&kind) {
        return Err(Error::UnknownKind(kind));
    }
    let expected = u64::from_le_bytes(header[12..20].try_into().expect("8 bytes"));
    let found = payload.len() as u64;
    if found < expected {
        return Err(Error::Truncated { expected, found });
    }
    if found > expected {
        return Err(Error::TrailingData {
            extra: found - expected,
        });
    }
    let crc = u32::from_le_bytes(header[20..24].try_into().expect("4 bytes"));
    let actual = crc32fast::hash(payload);
    if crc != actual {
        return Err(Error::Checksum {
            expected: crc,
            found: actual,
        });
    }
    Ok((version, kind, payload))
}

/// The first bytes of a file, for a message.
fn shown(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(8)]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use classify_models::{
        Estimator, KNeighborsClassifier, LogisticRegression, RandomForestClassifier, SgdClassifier,
        Svc,
    };
    use classify_preprocessing::Scaled;
    use ndarray::Array2;

    /// One small fitted model of each kind, on the embedded sample.
    fn files() -> Vec<ModelFile> {
        let data = classify_datasets::mnist_sample().unwrap().train.head(120);
        let y: Vec<usize> = data.target.iter().map(|&l| usize::from(l) % 3).collect();
        let x = (&data.data).into();
        let forest = RandomForestClassifier {
            n_estimators: 3,
            ..Default::default()
        };
        let models = vec![
            AnyModel::Knn(KNeighborsClassifier::default().fit(x, &y).unwrap()),
            AnyModel::Forest(forest.fit(x, &y).unwrap()),
            AnyModel::Sgd(SgdClassifier::default().fit(x, &y).unwrap()),
            AnyModel::Logistic(
                Scaled::new(LogisticRegression::default())
                    .fit(x, &y)
                    .unwrap(),
            ),
            AnyModel::Svc(Svc::default().fit(x, &y).unwrap()),
        ];
        models
            .into_iter()
            .map(|model| ModelFile {
                trained: Trained {
                    dataset: "mnist-sample".into(),
                    n_train: 120,
                    image_shape: [28, 28],
                },
                model,
            })
            .collect()
    }

    fn predictions(file: &ModelFile) -> Vec<usize> {
        let data = classify_datasets::mnist_sample().unwrap().test.head(20);
        file.model
            .classifier()
            .unwrap()
            .predict((&data.data).into())
            .unwrap()
    }

    #[test]
    fn both_formats_read_back_the_same_model() {
        for file in files() {
            for encoding in [Encoding::Binary, Encoding::Json] {
                let back = ModelFile::from_bytes(&file.to_bytes(encoding).unwrap()).unwrap();
                assert_eq!(back.trained, file.trained);
                assert_eq!(predictions(&back), predictions(&file));
            }
        }
    }

    /// Truncations, a foreign header, another version or kind, altered bytes (with and
    /// without a matching checksum): a typed error, or a model that still predicts on a row
    /// of its own width — never a panic.
    #[test]
    fn damaged_files_are_typed_errors() {
        for file in files() {
            let bytes = file.to_bytes(Encoding::Binary).unwrap();
            let n = bytes.len();
            for cut in [
                0,
                1,
                7,
                8,
                12,
                HEADER_LEN - 1,
                HEADER_LEN,
                HEADER_LEN + 1,
                n / 2,
                n - 1,
            ] {
                let err = ModelFile::from_bytes(&bytes[..cut])
                    .err()
                    .expect("a cut file is refused");
                assert!(!err.to_string().is_empty());
            }
            let mut longer = bytes.clone();
            longer.push(0);
            assert!(matches!(
                ModelFile::from_bytes(&longer),
                Err(Error::TrailingData { extra: 1 })
            ));
            let with = |at: usize, v: u8| {
                let mut b = bytes.clone();
                b[at] = v;
                ModelFile::from_bytes(&b)
            };
            assert!(matches!(with(0, b'X'), Err(Error::BadMagic(_))));
            assert!(matches!(with(8, 9), Err(Error::Version { found: 9 })));
            assert!(matches!(with(10, 42), Err(Error::UnknownKind(42))));
            let last = bytes[n - 1];
            assert!(matches!(with(n - 1, last ^ 1), Err(Error::Checksum { .. })));
            // Payload bytes altered and the checksum recomputed, as an editor would.
            // Every byte of the payload's head (lengths, parameters, classes), then a spread.
            let step = ((n - HEADER_LEN) / 400).max(1);
            let head = HEADER_LEN..n.min(HEADER_LEN + 300);
            for at in head.chain((HEADER_LEN..n).step_by(step)) {
                for v in [0u8, 0xff, bytes[at] ^ 0x55, bytes[at].wrapping_add(1)] {
                    let mut b = bytes.clone();
                    b[at] = v;
                    let crc = crc32fast::hash(&b[HEADER_LEN..]);
                    b[20..24].copy_from_slice(&crc.to_le_bytes());
                    if let Ok(f) = ModelFile::from_bytes(&b) {
                        let Ok(c) = f.model.classifier() else {
                            continue;
                        };
                        let d = c.n_features();
                        if d <= 4096 {
                            let row = Array2::<u8>::zeros((1, d));
                            let _ = c.predict((&row).into());
                            let _ = f.model.predict_proba((&row).into());
                        }
                    }
                }
            }
        }
    }
}
