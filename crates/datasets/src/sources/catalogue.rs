//! The catalogue of datasets classify knows how to fetch and verify.
//!
//! Every file has mirror URLs and checks. The authoritative check is the SHA-256 of the
//! *decompressed* payload: it survives re-compression (Debian, for example, re-gzips
//! Fashion-MNIST). Where only the official `.gz` file's MD5 is published (MNIST's training
//! images), that is the check.

pub use crate::info::{DatasetInfo, FileInfo, Role};
pub use crate::sample::SAMPLE;

/// MNIST's mirrors (the original site answers 403 to scripts).
const MNIST_MIRRORS: [&str; 2] = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
];
const FASHION_MIRRORS: [&str; 1] = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"];

struct Spec {
    role: Role,
    items: usize,
    sha256: Option<&'static str>,
    md5: Option<&'static str>,
    size: Option<u64>,
}

fn files(mirrors: &[&str], specs: [Spec; 4]) -> Vec<FileInfo> {
    specs
        .into_iter()
        .map(|s| FileInfo {
            role: s.role,
            name: s.role.file_name().to_string(),
            mirrors: mirrors.iter().map(|m| m.to_string()).collect(),
            items: s.items,
            payload_sha256: s.sha256.map(str::to_string),
            gz_md5: s.md5.map(str::to_string),
            gz_size: s.size,
        })
        .collect()
}

/// MNIST: 60,000 training and 10,000 test handwritten digits, 28×28.
pub fn mnist() -> DatasetInfo {
    DatasetInfo {
        name: "mnist".into(),
        description:
            "MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 grey levels"
                .into(),
        home: "http://yann.lecun.com/exdb/mnist/".into(),
        licence: "CC BY-SA 3.0 (Y. LeCun, C. Cortes, C. Burges)".into(),
        image_shape: [28, 28],
        target_names: (0..10).map(|d| d.to_string()).collect(),
        files: files(
            &MNIST_MIRRORS,
            [
                Spec {
                    role: Role::TrainImages,
                    items: 60_000,
                    sha256: None,
                    md5: Some("f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                    size: Some(9_912_422),
                },
                Spec {
                    role: Role::TrainLabels,
                    items: 60_000,
                    sha256: Some(
                        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                    ),
                    md5: Some("d53e105ee54ea40749a09fcbcd1e9432"),
                    size: Some(28_881),
                },
                Spec {
                    role: Role::TestImages,
                    items: 10_000,
                    sha256: Some(
                        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                    ),
                    md5: Some("9fb629c4189551a2d022fa330f9573f3"),
                    size: Some(1_648_877),
                },
                Spec {
                    role: Role::TestLabels,
                    items: 10_000,
                    sha256: Some(
                        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
                    ),
                    md5: Some("ec29112dd5afa0611ce80d1b7f02629c"),
                    size: Some(4_542),
                },
            ],
        ),
        made: None,
    }
}

/// Fashion-MNIST: Zalando's article images, a drop-in replacement for MNIST.
pub fn fashion_mnist() -> DatasetInfo {
    DatasetInfo {
        name: "fashion-mnist".into(),
        description: "Fashion-MNIST (Zalando): 60,000 training and 10,000 test article images, 28x28 grey levels".into(),
        home: "https://github.com/zalandoresearch/fashion-mnist".into(),
        licence: "MIT (Zalando Research)".into(),
        image_shape: [28, 28],
        target_names: [
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
            "Bag", "Ankle boot",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        files: files(
            &FASHION_MIRRORS,
            [
                Spec { role: Role::TrainImages, items: 60_000, sha256: Some("c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"), md5: Some("8d4fb7e6c68d591d4c3dfef9ec88bf0d"), size: None },
                Spec { role: Role::TrainLabels, items: 60_000, sha256: Some("bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"), md5: Some("25c81989df183df01b3e8a0aad5dffbe"), size: None },
                Spec { role: Role::TestImages, items: 10_000, sha256: Some("5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"), md5: Some("bef4ecab320f06d8554ea6380940ec79"), size: None },
                Spec { role: Role::TestLabels, items: 10_000, sha256: Some("0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"), md5: Some("bb300cfdad3c16e7a12a480ee83cd310"), size: None },
            ],
        ),
        made: None,
    }
}

/// Every dataset the cache can fetch.
pub fn all() -> Vec<DatasetInfo> {
    vec![mnist(), fashion_mnist()]
}

/// Looks a dataset up by name.
pub fn find(name: &str) -> crate::Result<DatasetInfo> {
    all()
        .into_iter()
        .find(|d| d.name == name)
        .ok_or_else(|| crate::Error::UnknownDataset {
            name: name.to_string(),
            known: known_names().join(", "),
        })
}

/// The names `--dataset` accepts.
pub fn known_names() -> Vec<String> {
    std::iter::once(SAMPLE.to_string())
        .chain(all().into_iter().map(|d| d.name))
        .collect()
}
