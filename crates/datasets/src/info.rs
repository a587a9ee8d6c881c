//! What a dataset is made of: its four files (training and test images and labels), each
//! with its role, canonical name, size and checks. The catalogue describes the datasets it
//! knows this way; a dataset registered from a folder is described the same way.

/// What a file of an image dataset holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Training images (`n × h × w`).
    TrainImages,
    /// Training labels (`n`).
    TrainLabels,
    /// Test images.
    TestImages,
    /// Test labels.
    TestLabels,
}

impl Role {
    /// All roles, in the order files are fetched.
    pub const ALL: [Role; 4] = [
        Role::TrainImages,
        Role::TrainLabels,
        Role::TestImages,
        Role::TestLabels,
    ];

    /// Words for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Role::TrainImages => "training images",
            Role::TrainLabels => "training labels",
            Role::TestImages => "test images",
            Role::TestLabels => "test labels",
        }
    }

    /// The canonical name of its file in an MNIST-style dataset, as the mirrors serve it
    /// (`train-images-idx3-ubyte.gz`).
    pub fn file_name(self) -> &'static str {
        match self {
            Role::TrainImages => "train-images-idx3-ubyte.gz",
            Role::TrainLabels => "train-labels-idx1-ubyte.gz",
            Role::TestImages => "t10k-images-idx3-ubyte.gz",
            Role::TestLabels => "t10k-labels-idx1-ubyte.gz",
        }
    }

    /// The file-name prefix MNIST-style datasets use (`train-images`, `t10k-labels`, ...).
    pub fn prefix(self) -> &'static str {
        match self {
            Role::TrainImages => "train-images",
            Role::TrainLabels => "train-labels",
            Role::TestImages => "t10k-images",
            Role::TestLabels => "t10k-labels",
        }
    }
}

/// One file of a dataset.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileInfo {
    /// What the file holds.
    pub role: Role,
    /// Its canonical name, as the mirrors serve it (`train-images-idx3-ubyte.gz`).
    pub name: String,
    /// Base URLs; the file's URL is base + name. Tried in order.
    pub mirrors: Vec<String>,
    /// Number of items (images or labels) the complete file holds.
    pub items: usize,
    /// SHA-256 of the decompressed content, lowercase hex.
    pub payload_sha256: Option<String>,
    /// MD5 of the official `.gz` file, lowercase hex.
    pub gz_md5: Option<String>,
    /// Size in bytes of the official `.gz` file.
    pub gz_size: Option<u64>,
}

/// A dataset the cache can fetch, import and load.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DatasetInfo {
    /// Name used on the command line (`mnist`).
    pub name: String,
    /// One-line description.
    pub description: String,
    /// Where it comes from.
    pub home: String,
    /// Licence of the data.
    pub licence: String,
    /// `[height, width]` of the images.
    pub image_shape: [usize; 2],
    /// Class names, indexed by label.
    pub target_names: Vec<String>,
    /// The files.
    pub files: Vec<FileInfo>,
    /// How it was made, when this machine made it (`None` for fetched and imported
    /// datasets, and in registrations written before the field existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made: Option<Made>,
}

/// How a dataset was made on this machine rather than fetched or imported: what it takes to
/// make it again.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Made {
    /// By [`Cache::deform`](crate::Cache::deform).
    Deformed {
        /// The dataset whose training images were deformed.
        from: String,
        /// Training images made.
        count: usize,
        /// The seed.
        seed: u64,
        /// How strongly.
        deformation: crate::deform::Deformation,
    },
}

// JSON holds no NaN and `deform` refuses one, so the floats compare as an equivalence.
impl Eq for Made {}

impl DatasetInfo {
    /// The file with a given role.
    pub fn file(&self, role: Role) -> Option<&FileInfo> {
        self.files.iter().find(|f| f.role == role)
    }
}
