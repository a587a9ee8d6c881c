//! Model files (`classify train --save`, `classify predict --model`): a 24-byte header — the
//! magic `CLASSIFY`, the format version, the model kind, the payload's length and its CRC-32 —
//! then the payload, postcard bytes of what the model was trained on and the fitted model.
//! `--format json` writes the same content as JSON for inspection; [`decode`] reads both and
//! checks everything before a model is built, so a truncated, edited or foreign file is a
//! [`ModelFileError`] naming what is wrong, never a panic.
//!
//! postcard writes a `u8` as one byte, so a k-NN's training images take their own size: 47 MB
//! for 60,000 MNIST images, where JSON took 110 MB.

use classify_models::{
    Classifier, Features, KNeighbors, Logistic, PredictProba, RandomForest, Sgd, SvcModel,
};
use classify_preprocessing::ScaledModel;
use ndarray::Array2;
use serde::{Deserialize, Serialize};

/// The first eight bytes of a binary model file.
pub const MAGIC: &[u8; 8] = b"CLASSIFY";
/// The binary format's version (the JSON files of earlier releases are version 1).
pub const VERSION: u16 = 2;
/// The JSON format's name, in its `format` field.
pub const JSON_FORMAT: &str = "classify-model/1";
/// Magic, version, kind, a reserved byte, payload length, CRC-32.
pub const HEADER_LEN: usize = 8 + 2 + 1 + 1 + 8 + 4;

/// What a model was trained on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trained {
    /// The dataset's name.
    pub dataset: String,
    /// Training images.
    pub n_train: usize,
    /// Height and width of its images (how `predict` prepares a picture).
    pub image_shape: [usize; 2],
}

/// A fitted model of any kind `classify train` makes.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", content = "fitted", rename_all = "snake_case")]
pub enum Saved {
    /// k-nearest neighbours.
    Knn(KNeighbors),
    /// Random forest.
    Forest(RandomForest),
    /// SGD linear classifier.
    Sgd(Sgd),
    /// Standard scaling + logistic regression.
    Logistic(ScaledModel<Logistic>),
    /// SVC.
    Svc(SvcModel),
}

impl Saved {
    /// What the model is, in words.
    pub fn describe(&self) -> &'static str {
        match self {
            Saved::Knn(_) => "k-NN (k = 5)",
            Saved::Forest(_) => "random forest (100 trees)",
            Saved::Sgd(_) => "SGD (hinge loss)",
            Saved::Logistic(_) => "standard scaling + logistic regression",
            Saved::Svc(_) => "SVC (RBF kernel, one-vs-one)",
        }
    }

    /// The model as a classifier.
    pub fn classifier(&self) -> &dyn Classifier {
        match self {
            Saved::Knn(m) => m,
            Saved::Forest(m) => m,
            Saved::Sgd(m) => m,
            Saved::Logistic(m) => m,
            Saved::Svc(m) => m,
        }
    }

    /// Class probabilities, for the models that have them.
    pub fn proba(&self, x: Features<'_>) -> classify_models::Result<Option<Array2<f64>>> {
        Ok(match self {
            Saved::Knn(m) => Some(m.predict_proba(x)?),
            Saved::Forest(m) => Some(m.predict_proba(x)?),
            Saved::Logistic(m) => Some(m.predict_proba(x)?),
            Saved::Sgd(_) | Saved::Svc(_) => None,
        })
    }

    /// The kind's byte in the header.
    fn code(&self) -> u8 {
        match self {
            Saved::Knn(_) => 1,
            Saved::Forest(_) => 2,
            Saved::Sgd(_) => 3,
            Saved::Logistic(_) => 4,
            Saved::Svc(_) => 5,
        }
    }
}

/// A model file's content.
pub struct ModelFile {
    /// What the model was trained on.
    pub trained: Trained,
    /// The model.
    pub model: Saved,
}

/// How a model file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The header and postcard bytes: compact, checked.
    Binary,
    /// JSON, to read or edit by hand (larger: every pixel of a k-NN as a number).
    Json,
}

/// Why a model file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelFileError {
    /// Shorter than a header.
    #[error("{found} bytes is too short for a model file (the header alone is {HEADER_LEN})")]
    TooShort {
        /// The file's length.
        found: usize,
    },
    /// Neither the magic nor JSON.
    #[error("not a classify model file (it starts with {0:?}; make one with `classify train --save FILE`)")]
    BadMagic(String),
    /// Another format version.
    #[error("model file format version {found}; this classify reads version {VERSION} (and JSON {JSON_FORMAT:?})")]
    Version {
        /// The version in the header.
        found: u16,
    },
    /// A kind byte no model has.
    #[error("unknown model kind {0} in the header")]
    UnknownKind(u8),
    /// Fewer payload bytes than the header announces.
    #[error("truncated: the header announces {expected} bytes of model, the file holds {found}")]
    Truncated {
        /// Announced.
        expected: u64,
        /// Present.
        found: u64,
    },
    /// More bytes than the header announces.
    #[error("{extra} unexpected bytes after the model")]
    TrailingData {
        /// How many.
        extra: u64,
    },
    /// The payload is not what was written.
    #[error("checksum mismatch: the header says CRC-32 {expected:08x}, the model bytes give {found:08x} (the file was altered or damaged)")]
    Checksum {
        /// From the header.
        expected: u32,
        /// Of the payload.
        found: u32,
    },
    /// The payload does not decode, or decodes into an inconsistent model.
    #[error("the model inside is unreadable or inconsistent: {0}")]
    Payload(String),
}

/// The file's bytes in `format`.
pub fn encode(file: &ModelFile, format: Format) -> Result<Vec<u8>, ModelFileError> {
    let payload_error = |e: &dyn std::fmt::Display| ModelFileError::Payload(e.to_string());
    match format {
        Format::Json => {
            #[derive(Serialize)]
            struct Json<'a> {
                format: &'a str,
                #[serde(flatten)]
                trained: &'a Trained,
                model: &'a Saved,
            }
            serde_json::to_vec(&Json {
                format: JSON_FORMAT,
                trained: &file.trained,
                model: &file.model,
            })
            .map_err(|e| payload_error(&e))
        }
        Format::Binary => {
            let payload = match &file.model {
                Saved::Knn(m) => postcard::to_allocvec(&(&file.trained, m)),
                Saved::Forest(m) => postcard::to_allocvec(&(&file.trained, m)),
                Saved::Sgd(m) => postcard::to_allocvec(&(&file.trained, m)),
                Saved::Logistic(m) => postcard::to_allocvec(&(&file.trained, m)),
                Saved::Svc(m) => postcard::to_allocvec(&(&file.trained, m)),
            }
            .map_err(|e| payload_error(&e))?;
            let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
            out.extend_from_slice(MAGIC);
            out.extend_from_slice(&VERSION.to_le_bytes());
            out.push(file.model.code());
            out.push(0);
            out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
            out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
            out.extend_from_slice(&payload);
            Ok(out)
        }
    }
}

/// Reads a model file in either format, checking the header, the length, the checksum and
/// the model's own consistency (each model's deserialiser validates its sizes).
pub fn decode(bytes: &[u8]) -> Result<ModelFile, ModelFileError> {
    let payload_error = |e: &dyn std::fmt::Display| ModelFileError::Payload(e.to_string());
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        #[derive(Deserialize)]
        struct Json {
            format: String,
            #[serde(flatten)]
            trained: Trained,
            model: Saved,
        }
        let file: Json = serde_json::from_slice(bytes).map_err(|e| payload_error(&e))?;
        if file.format != JSON_FORMAT {
            return Err(ModelFileError::Payload(format!(
                "JSON model format {:?}, this classify reads {JSON_FORMAT:?}",
                file.format
            )));
        }
        return Ok(ModelFile {
            trained: file.trained,
            model: file.model,
        });
    }
    if bytes.len() < HEADER_LEN {
        if !bytes.starts_with(&MAGIC[..bytes.len().min(MAGIC.len())]) || bytes.is_empty() {
            return Err(ModelFileError::BadMagic(shown(bytes)));
        }
        return Err(ModelFileError::TooShort { found: bytes.len() });
    }
    let (header, payload) = bytes.split_at(HEADER_LEN);
    if &header[..8] != MAGIC {
        return Err(ModelFileError::BadMagic(shown(bytes)));
    }
    let version = u16::from_le_bytes([header[8], header[9]]);
    if version != VERSION {
        return Err(ModelFileError::Version { found: version });
    }
    let kind = header[10];
    if !(1..=5).contains(&kind) {
        return Err(ModelFileError::UnknownKind(kind));
    }
    let expected = u64::from_le_bytes(header[12..20].try_into().expect("8 bytes"));
    let found = payload.len() as u64;
    if found < expected {
        return Err(ModelFileError::Truncated { expected, found });
    }
    if found > expected {
        return Err(ModelFileError::TrailingData {
            extra: found - expected,
        });
    }
    let crc = u32::from_le_bytes(header[20..24].try_into().expect("4 bytes"));
    let actual = crc32fast::hash(payload);
    if crc != actual {
        return Err(ModelFileError::Checksum {
            expected: crc,
            found: actual,
        });
    }
    fn read<'a, M: Deserialize<'a>>(
        payload: &'a [u8],
        wrap: impl FnOnce(M) -> Saved,
    ) -> Result<ModelFile, ModelFileError> {
        let (trained, model): (Trained, M) =
            postcard::from_bytes(payload).map_err(|e| ModelFileError::Payload(e.to_string()))?;
        Ok(ModelFile {
            trained,
            model: wrap(model),
        })
    }
    match kind {
        1 => read(payload, Saved::Knn),
        2 => read(payload, Saved::Forest),
        3 => read(payload, Saved::Sgd),
        4 => read(payload, Saved::Logistic),
        _ => read(payload, Saved::Svc),
    }
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
            Saved::Knn(KNeighborsClassifier::default().fit(x, &y).unwrap()),
            Saved::Forest(forest.fit(x, &y).unwrap()),
            Saved::Sgd(SgdClassifier::default().fit(x, &y).unwrap()),
            Saved::Logistic(
                Scaled::new(LogisticRegression::default())
                    .fit(x, &y)
                    .unwrap(),
            ),
            Saved::Svc(Svc::default().fit(x, &y).unwrap()),
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
            .predict((&data.data).into())
            .unwrap()
    }

    #[test]
    fn both_formats_read_back_the_same_model() {
        for file in files() {
            for format in [Format::Binary, Format::Json] {
                let back = decode(&encode(&file, format).unwrap()).unwrap();
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
            let bytes = encode(&file, Format::Binary).unwrap();
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
                let err = decode(&bytes[..cut]).err().expect("a cut file is refused");
                assert!(!err.to_string().is_empty());
            }
            let mut longer = bytes.clone();
            longer.push(0);
            assert!(matches!(
                decode(&longer),
                Err(ModelFileError::TrailingData { extra: 1 })
            ));
            let with = |at: usize, v: u8| {
                let mut b = bytes.clone();
                b[at] = v;
                decode(&b)
            };
            assert!(matches!(with(0, b'X'), Err(ModelFileError::BadMagic(_))));
            assert!(matches!(
                with(8, 9),
                Err(ModelFileError::Version { found: 9 })
            ));
            assert!(matches!(with(10, 42), Err(ModelFileError::UnknownKind(42))));
            let last = bytes[n - 1];
            assert!(matches!(
                with(n - 1, last ^ 1),
                Err(ModelFileError::Checksum { .. })
            ));
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
                    if let Ok(f) = decode(&b) {
                        let c = f.model.classifier();
                        let d = c.n_features();
                        if d <= 4096 {
                            let row = Array2::<u8>::zeros((1, d));
                            let _ = c.predict((&row).into());
                            let _ = f.model.proba((&row).into());
                        }
                    }
                }
            }
        }
    }
}
