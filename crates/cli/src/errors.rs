//! Library errors told as the command line tells them. The libraries' typed errors name
//! fields, values and files; here they get the flags that set them and the commands that
//! repair them.

use std::error::Error as StdError;

use classify_datasets::Error as DataError;
use classify_workflow::{Error as WorkflowError, Images};

/// `e` and its causes, joined by ": " as `{e:#}` joins them, each typed library error in the
/// command line's words.
pub fn message(e: &anyhow::Error) -> String {
    e.chain()
        .map(|cause| in_cli_words(cause).unwrap_or_else(|| cause.to_string()))
        .collect::<Vec<_>>()
        .join(": ")
}

fn in_cli_words(cause: &(dyn StdError + 'static)) -> Option<String> {
    if let Some(e) = cause.downcast_ref::<WorkflowError>() {
        return workflow(e);
    }
    if let Some(e) = cause.downcast_ref::<DataError>() {
        return datasets(e);
    }
    match cause.downcast_ref::<classify_persist::Error>()? {
        classify_persist::Error::BadMagic(start) => Some(format!(
            "not a classify model file (it starts with {start:?}; make one with `classify train \
             --save FILE`)"
        )),
        _ => None,
    }
}

fn workflow(e: &WorkflowError) -> Option<String> {
    Some(match e {
        WorkflowError::Option {
            option,
            value,
            reason,
        } => format!("--{} {value}: {reason}", option.replace('_', "-")),
        WorkflowError::Index { index, n, of } => {
            let flag = if *of == Images::Cleaned {
                " (--test-images)"
            } else {
                ""
            };
            format!("--index {index} is out of range: {n} {of}{flag}")
        }
        WorkflowError::TooFewPerClass { digit, .. } => {
            format!("--digit {digit}: {e} (use more images with --train, or fewer folds with --cv)")
        }
        WorkflowError::Data(d) => return datasets(d),
        _ => return None,
    })
}

/// For a damaged or missing file of a dataset this machine made (its registration in the
/// cache says how), the command that makes it again.
fn remake(e: &DataError) -> Option<String> {
    let (dir, name) = match e {
        DataError::Corrupt { path, dataset, .. } => (path.parent()?, dataset),
        DataError::RegisteredFilesGone { dir, name, .. } => (dir.as_path(), name),
        _ => return None,
    };
    let made = classify_datasets::Cache::new(dir.parent()?)
        .find(name)
        .ok()?
        .made?;
    match made {
        classify_datasets::Made::Deformed {
            from,
            count,
            seed,
            deformation,
        } => {
            let mut command =
                format!("classify data deform {name} --from {from} --count {count} --seed {seed}");
            let default = classify_datasets::deform::Deformation::default();
            if deformation.sigma != default.sigma {
                command += &format!(" --sigma {}", deformation.sigma);
            }
            if deformation.alpha != default.alpha {
                command += &format!(" --alpha {}", deformation.alpha);
            }
            Some(command + " --force")
        }
        _ => None,
    }
}

fn datasets(e: &DataError) -> Option<String> {
    if let Some(command) = remake(e) {
        return Some(format!("{e}; make it again with `{command}`"));
    }
    Some(match e {
        DataError::NotCached { name, .. } => format!(
            "{e}; run `cargo xtask fetch {name}` or `classify data fetch {name} [--from DIR]`"
        ),
        DataError::Corrupt { dataset, .. } => format!(
            "{e}; repair it with `cargo xtask fetch {dataset}` (or `classify data fetch {dataset} \
             --from DIR`)"
        ),
        DataError::NoDataDir => "no data directory: set CLASSIFY_DATA or pass --data-dir".into(),
        DataError::RegisteredFilesGone { name, .. } => {
            format!("{e}: import it again with `classify data fetch {name} --from DIR`")
        }
        DataError::OpenMlNotCached { name } => {
            format!("{e}: fetch it with `classify data fetch openml:{name}`")
        }
        DataError::CsvNeedsImport { path } => format!(
            "{e}: classify data fetch NAME --from {}, then --dataset NAME",
            path.display()
        ),
        DataError::TrainCount { asked: 0, .. } => "--train must be at least 1".into(),
        DataError::TrainCount { asked, available } => {
            format!("--train {asked}: the training set has only {available} samples")
        }
        DataError::ImageSize { .. } => {
            "--size must be HxW with each side between 1 and 4096".into()
        }
        DataError::PixelColumns {
            path,
            n_pixels,
            size: Some([h, w]),
        } => format!(
            "{}: {n_pixels} pixel columns, but --size {h}x{w} holds {}",
            path.display(),
            h * w
        ),
        DataError::PixelColumns { path, n_pixels, .. } => format!(
            "{}: {n_pixels} pixel columns is not a square image; give its shape with --size HxW",
            path.display()
        ),
        DataError::MixedImageSizes { path, size, first } => format!(
            "{}: {}x{} where the first image was {}x{}; give --size HxW to resize them all",
            path.display(),
            size[0],
            size[1],
            first[0],
            first[1]
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wording the command line printed before the libraries' errors were typed.
    #[test]
    fn typed_errors_get_their_flags_and_commands() {
        let check = |e: anyhow::Error, expected: &str| assert_eq!(message(&e), expected);
        check(
            DataError::TrainCount {
                asked: 0,
                available: 8,
            }
            .into(),
            "--train must be at least 1",
        );
        check(
            anyhow::Error::new(WorkflowError::Data(DataError::TrainCount {
                asked: 9,
                available: 8,
            })),
            "--train 9: the training set has only 8 samples",
        );
        check(
            anyhow::Error::new(WorkflowError::Index {
                index: 7,
                n: 5,
                of: Images::Cleaned,
            }),
            "--index 7 is out of range: 5 test images are cleaned (--test-images)",
        );
        check(
            anyhow::Error::new(WorkflowError::Option {
                option: "target_precision",
                value: "2".into(),
                reason: "a precision is between 0 and 1".into(),
            }),
            "--target-precision 2: a precision is between 0 and 1",
        );
        check(
            anyhow::Error::new(DataError::NotCached {
                name: "mnist".into(),
                dir: "/c/mnist".into(),
                missing: "a".into(),
            })
            .context("loading"),
            "loading: dataset mnist is not in the cache (/c/mnist): missing a; run `cargo xtask \
             fetch mnist` or `classify data fetch mnist [--from DIR]`",
        );
        check(
            DataError::PixelColumns {
                path: "t.csv".into(),
                n_pixels: 10,
                size: None,
            }
            .into(),
            "t.csv: 10 pixel columns is not a square image; give its shape with --size HxW",
        );
    }
}
