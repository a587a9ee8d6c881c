//! Repository rules, checked as ordinary tests (`cargo test -p xtask`).

mod modules;
mod source;

use std::path::Path;

use crate::project_root;
use source::{rust_files, shipped_code, string_literals};

fn crates() -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(project_root().join("crates"))
        .expect("crates/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_library_crate_opens_with_a_crate_doc() {
    for dir in crates() {
        let lib = dir.join("src/lib.rs");
        if lib.is_file() {
            assert!(
                read(&lib).trim_start().starts_with("//!"),
                "{} must open with a `//!` crate doc saying what the crate is for",
                lib.display()
            );
        }
    }
}

#[test]
fn every_crate_uses_the_workspace_lints_and_versions() {
    for dir in crates().into_iter().chain([project_root().join("xtask")]) {
        let manifest = read(&dir.join("Cargo.toml"));
        assert!(
            manifest.contains("[lints]\nworkspace = true"),
            "{}: add `[lints] workspace = true`",
            dir.display()
        );
        assert!(
            manifest.contains("edition.workspace = true"),
            "{}: take the edition from [workspace.package]",
            dir.display()
        );
        // Every dependency version lives in [workspace.dependencies].
        for line in manifest.lines() {
            let line = line.trim();
            let is_dep_line = line.contains("version = \"") && !line.starts_with("version");
            assert!(
                !is_dep_line,
                "{}: `{line}`: declare the version in the root [workspace.dependencies]",
                dir.display()
            );
        }
    }
}

#[test]
fn library_crates_are_named_after_their_folder() {
    for dir in crates() {
        let manifest = read(&dir.join("Cargo.toml"));
        let folder = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        assert!(
            manifest.contains(&format!("name = \"classify-{folder}\"")),
            "{}: the package should be named classify-{folder}",
            dir.display()
        );
    }
}

/// The normal (not dev, not build) dependencies a crate's manifest declares, with whether each
/// is optional.
fn dependencies(dir: &Path) -> Vec<(String, bool)> {
    let manifest = read(&dir.join("Cargo.toml"));
    let mut in_deps = false;
    let mut out = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if !in_deps || line.is_empty() || line.starts_with('#') {
            continue;
        }
        let name = line
            .split(['.', '=', ' '])
            .next()
            .unwrap_or_default()
            .to_string();
        out.push((name, line.contains("optional = true")));
    }
    out
}

/// The layering the README's architecture section states: metrics embeds alone, the core
/// vocabulary depends on no other crate of ours, strategies / selection / preprocessing
/// know the traits and no model, plot knows no model, and only the CLI knows the command
/// line and the terminal.
#[test]
fn crates_keep_their_layers() {
    let root = project_root().join("crates");
    let deps = |name: &str| dependencies(&root.join(name));
    let required: Vec<String> = deps("metrics")
        .into_iter()
        .filter(|(_, optional)| !optional)
        .map(|(n, _)| n)
        .collect();
    assert!(
        required.is_empty(),
        "classify-metrics must build with no dependencies: {required:?}"
    );
    for (name, _) in deps("core") {
        assert!(
            !name.starts_with("classify-"),
            "classify-core depends on {name}: it is the bottom layer"
        );
    }
    for krate in [
        "selection",
        "multiclass",
        "preprocessing",
        "plot",
        "metrics",
    ] {
        for (name, _) in deps(krate) {
            assert!(
                name != "classify-models",
                "classify-{krate} depends on classify-models: name the traits of classify-core \
                 instead (models are a dev-dependency for tests)"
            );
        }
    }
    assert!(
        deps("plot").iter().all(|(n, _)| n != "classify-core"),
        "classify-plot draws arrays; it knows no model"
    );
    for dir in crates() {
        if dir.ends_with("cli") {
            continue;
        }
        for (name, _) in dependencies(&dir) {
            assert!(
                !["clap", "indicatif", "base64"].contains(&name.as_str()),
                "{}: {name} belongs to the command line (crates/cli) only",
                dir.display()
            );
        }
    }
}

/// The naming rule of fitted types (README, architecture): an estimator named as
/// scikit-learn's fits into its name without the `Classifier` / `ClassifierCV` / `Regression`
/// suffix (`RandomForestClassifier` -> `RandomForest`, `TunedThresholdClassifierCV` ->
/// `TunedThreshold`), or with `Model` added where it has none
/// (`Svc` -> `SvcModel`, `OneVsRest` -> `OneVsRestModel`).
#[test]
fn fitted_types_follow_the_naming_rule() {
    let mut checked = 0;
    for dir in crates() {
        let mut stack = vec![dir.join("src")];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|x| x != "rs") {
                    continue;
                }
                let text = read(&path);
                let lines: Vec<&str> = text.lines().collect();
                for (i, line) in lines.iter().enumerate() {
                    let Some(rest) = line
                        .strip_prefix("impl")
                        .and_then(|r| r.split_once("Estimator for "))
                        .map(|(_, r)| r)
                    else {
                        continue;
                    };
                    // `MultiOutputEstimator` impls of single-target estimators name their own
                    // fitted type (`KNeighborsMultiOutput`).
                    if line.contains("MultiOutputEstimator for KNeighborsClassifier") {
                        continue;
                    }
                    let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
                    let model = lines[i + 1..]
                        .iter()
                        .find_map(|l| l.trim().strip_prefix("type Model = "))
                        .expect("an Estimator impl names its Model");
                    let model: String = model.chars().take_while(|c| c.is_alphanumeric()).collect();
                    let expected = name
                        .strip_suffix("Classifier")
                        .or_else(|| name.strip_suffix("ClassifierCV"))
                        .or_else(|| name.strip_suffix("Regression"))
                        .map_or_else(|| format!("{name}Model"), str::to_string);
                    assert_eq!(
                        model,
                        expected,
                        "{}: {name} fits into {model}",
                        path.display()
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 12, "only {checked} estimators found");
}

/// Whether a message names a command-line flag (`--train`) or a command (`classify data
/// fetch`, `cargo xtask fetch`).
fn names_the_command_line(text: &str) -> Option<String> {
    const COMMANDS: [&str; 15] = [
        "data",
        "binary",
        "multiclass",
        "multilabel",
        "denoise",
        "knn",
        "tune",
        "augment",
        "titanic",
        "tabular",
        "spam",
        "report",
        "train",
        "predict",
        "serve",
    ];
    let b = text.as_bytes();
    for (at, _) in text.match_indices("--") {
        let before_ok = at == 0 || !(b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'-');
        if before_ok && b.get(at + 2).is_some_and(u8::is_ascii_lowercase) {
            let flag: String = text[at..]
                .chars()
                .take_while(|c| *c == '-' || c.is_ascii_alphanumeric())
                .collect();
            return Some(flag);
        }
    }
    if text.contains("cargo xtask") {
        return Some("cargo xtask".into());
    }
    COMMANDS.iter().map(|c| format!("classify {c}")).find(|c| {
        text.match_indices(c.as_str()).any(|(at, _)| {
            !b.get(at + c.len())
                .is_some_and(|x| x.is_ascii_alphanumeric() || *x == b'_')
        })
    })
}

/// The front ends: they word errors for their users (the command line with its flags, the
/// Python package with the commands that fill the cache it reads).
const FRONT_ENDS: [&str; 2] = ["cli", "python"];

/// Library errors are typed values that name fields and files; only the front ends know
/// flags and commands (`crates/cli/src/errors.rs` words them). Doc comments may speak of
/// the command line; messages may not.
#[test]
fn library_messages_name_no_flag_or_command() {
    let mut found = Vec::new();
    for dir in crates() {
        if FRONT_ENDS.iter().any(|f| dir.ends_with(f)) {
            continue;
        }
        for path in rust_files(&dir.join("src")) {
            for (line, literal) in string_literals(&shipped_code(&path)) {
                if let Some(what) = names_the_command_line(&literal) {
                    found.push(format!("{}:{line}: {what} in {literal:?}", path.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "messages of library crates that name the command line:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_literal_scanner_finds_what_it_must() {
    let src = r##"let a = "--train must be 1"; // "--not-this"
        let c = '"'; let d = r#"run `cargo xtask fetch`"#; /* "--nor-this" */
        let e = "a \" classify data fetch x"; let f = "x--y -- z"; fn g<'a>(x: &'a str) {}"##;
    let found: Vec<_> = string_literals(src)
        .iter()
        .filter_map(|(l, s)| names_the_command_line(s).map(|w| (*l, w)))
        .collect();
    assert_eq!(
        found,
        [
            (1, "--train".to_string()),
            (2, "cargo xtask".to_string()),
            (3, "classify data".to_string())
        ]
    );
}

/// No crate's modules use each other in a circle: each crate is layers, so that a module can
/// be read knowing only the ones below it (a module may use its own ancestors' items).
#[test]
fn no_import_circle_inside_a_crate() {
    let mut found = Vec::new();
    for dir in crates().into_iter().chain([project_root().join("xtask")]) {
        if let Some(c) = modules::circle(&modules::graph(&dir)) {
            let names: Vec<String> = c
                .iter()
                .map(|m| {
                    if m.is_empty() {
                        "(root)".into()
                    } else {
                        m.join("::")
                    }
                })
                .collect();
            found.push(format!("{}: {}", dir.display(), names.join(" -> ")));
        }
    }
    assert!(
        found.is_empty(),
        "modules that use each other:\n{}",
        found.join("\n")
    );
}
/// `classify-datasets` in layers, each using only the layers below it: error and file
/// utilities; formats; datasets in memory (the folder and sample that make one, the shifts and
/// deformations that make more); the cache; the sources that fill it. A new module must be placed in a layer here.
#[test]
fn datasets_keep_their_layers() {
    let layers: [&[&str]; 5] = [
        &["error", "files"],
        &["formats"],
        &["info", "dataset", "folder", "sample", "augment", "deform"],
        &["cache"],
        &["sources"],
    ];
    let graph = modules::graph(&project_root().join("crates/datasets"));
    let layer = |m: &modules::ModPath| {
        m.first()
            .and_then(|top| layers.iter().position(|l| l.contains(&top.as_str())))
    };
    let mut wrong = Vec::new();
    for (m, targets) in &graph {
        if m.is_empty() {
            continue; // lib.rs: the crate's face, above every layer
        }
        let Some(from) = layer(m) else {
            wrong.push(format!("{} is in no layer", m.join("::")));
            continue;
        };
        for t in targets {
            if m.starts_with(t) || t.is_empty() {
                continue;
            }
            if layer(t).is_some_and(|to| to > from) {
                wrong.push(format!(
                    "{} uses {}, a layer above it",
                    m.join("::"),
                    t.join("::")
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "classify-datasets' layers:\n{}",
        wrong.join("\n")
    );
}

/// `ARCHITECTURE.md`'s dependency table is what the manifests say (`cargo xtask architecture`
/// writes it), so it cannot drift from the code.
#[test]
fn the_dependency_table_is_the_manifests_own() {
    let text = read(&project_root().join("ARCHITECTURE.md"));
    let table = crate::architecture::dependency_table().expect("cargo metadata");
    let expected = crate::architecture::with_table(&text, &table).expect("the markers");
    assert!(
        text == expected,
        "ARCHITECTURE.md's dependency table is out of date: run `cargo xtask architecture`.\nIt should read:\n{table}"
    );
}

/// `unsafe` code lives in one module, `classify-models`' `simd/`, where each block states
/// why it is sound and a portable path gives the same result.
#[test]
fn unsafe_code_lives_in_simd() {
    let simd = project_root().join("crates/models/src/simd");
    let mut found = Vec::new();
    for dir in crates().into_iter().chain([project_root().join("src")]) {
        for path in rust_files(&dir) {
            if path.starts_with(&simd) {
                continue;
            }
            let (code, _) = source::split(&read(&path));
            for (i, line) in code.lines().enumerate() {
                let words = line.split(|c: char| !(c.is_alphanumeric() || c == '_'));
                if words
                    .into_iter()
                    .any(|w| w == "unsafe" || w == "unsafe_code")
                {
                    found.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "unsafe code outside models/src/simd:\n{}",
        found.join("\n")
    );
}

/// Functions over 80 lines allowed: the hot numeric loops, kept whole so that what the
/// compiler keeps in registers and the order of the arithmetic stay in view.
const LONG_HOT_LOOPS: [&str; 6] = [
    "crates/models/src/neighbors/search.rs: nearest_block",
    "crates/models/src/neighbors/search.rs: nearest_pruned",
    "crates/models/src/linear_model/sgd/exact.rs: plain_sgd",
    "crates/models/src/linear_model/sgd/fast.rs: train_group",
    "crates/models/src/svm/smo.rs: step",
    "crates/models/src/tree/grow.rs: histogram_split",
];

/// No source file in `crates/` over 1,000 lines (test files apart: `tests.rs` and `tests/`),
/// no function over 80 lines outside [`LONG_HOT_LOOPS`] (test modules apart).
#[test]
fn files_and_functions_stay_readable() {
    let root = project_root();
    let mut found = Vec::new();
    for dir in crates() {
        for path in rust_files(&dir.join("src")) {
            let rel = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .display()
                .to_string();
            if path.ends_with("tests.rs") {
                continue;
            }
            let lines = read(&path).lines().count();
            if lines > 1000 {
                found.push(format!("{rel}: {lines} lines"));
            }
            let shipped = shipped_code(&path);
            for (name, length) in source::function_lengths(&source::split(&shipped).0) {
                if length > 80 && !LONG_HOT_LOOPS.contains(&format!("{rel}: {name}").as_str()) {
                    found.push(format!("{rel}: fn {name} is {length} lines"));
                }
            }
        }
    }
    assert!(found.is_empty(), "too long:\n{}", found.join("\n"));
}
