//! Beyond memory: `data deform` (a deformed dataset made into the cache, safe under
//! interruption and a full disk) and the streamed commands (`binary`, `multiclass`, `knn`
//! with `--stream`) against their in-memory versions.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::util::{classify, Run};

/// `classify data deform NAME --from mnist-sample --count COUNT` and `extra`, in `dir`.
fn deform_run(dir: &std::path::Path, name: &str, count: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "data",
        "deform",
        name,
        "--from",
        "mnist-sample",
        "--count",
        count,
    ];
    args.extend_from_slice(extra);
    classify(dir, &args)
}

/// A deformed dataset of `count` images of the embedded sample, made in `dir` as `name`.
fn deform(dir: &std::path::Path, name: &str, count: &str) -> serde_json::Value {
    deform_run(dir, name, count, &["--seed", "3", "--json"]).json()
}

#[test]
fn deformed_datasets_are_made_shown_and_refused_when_asked_badly() {
    let tmp = tempfile::tempdir().unwrap();
    let v = deform(tmp.path(), "waves", "9000");
    assert_eq!(v["count"], 9000);
    assert!(v["images_per_second"].as_f64().unwrap() > 0.0);
    let info = classify(
        tmp.path(),
        &["data", "info", "--dataset", "waves", "--json"],
    )
    .json();
    assert_eq!(info["train"]["n_samples"], 9000);
    assert_eq!(info["test"]["n_samples"], 2000);
    // Image 8000 + i is deformed from sample image i, with its label; the last one shows.
    let shown = |index: &str| {
        classify(
            tmp.path(),
            &[
                "data",
                "show",
                "--dataset",
                "waves",
                "--index",
                index,
                "--json",
            ],
        )
        .json()
    };
    let original = classify(tmp.path(), &["data", "show", "--index", "5", "--json"]).json();
    assert_eq!(shown("8005")["label"], original["label"]);
    shown("8999");
    let grid = tmp.path().join("grid.png");
    classify(
        tmp.path(),
        &[
            "data",
            "grid",
            "--dataset",
            "waves",
            "--index",
            "8980",
            "--count",
            "100",
            "--out",
            grid.to_str().unwrap(),
        ],
    )
    .ok();
    assert!(std::fs::metadata(&grid).unwrap().len() > 1000);
    classify(tmp.path(), &["data", "verify", "--dataset", "waves"]).ok();

    // Refused: nothing to make, too many for IDX, a name in use, a catalogue name.
    let deform_as =
        |name: &str, count: &str, extra: &[&str]| deform_run(tmp.path(), name, count, extra);
    for count in ["0", "4294967296"] {
        let e = deform_as("w2", count, &[]);
        // A usage error, as clap reports one: exit code 2.
        assert_eq!(e.code, 2, "{}", e.stderr);
        assert!(e.stderr.contains("--count"), "{}", e.stderr);
    }
    let again = deform_as("waves", "10", &[]);
    assert!(again.err().contains("--force"), "{}", again.stderr);
    let catalogue = deform_as("mnist", "10", &[]);
    assert!(
        catalogue.err().contains("cannot name"),
        "{}",
        catalogue.stderr
    );
    let replaced = deform_as("waves", "10", &["--force", "--json"]).json();
    assert_eq!(replaced["count"], 10);
    let info = classify(
        tmp.path(),
        &["data", "info", "--dataset", "waves", "--json"],
    )
    .json();
    assert_eq!(info["train"]["n_samples"], 10);
    repaired_by_the_command_the_error_gives(tmp.path());
}

/// A damaged or missing file of a deformed dataset: the error gives the `data deform` command
/// that makes it again (not a fetch), and that command, run as given, makes the same bytes.
fn repaired_by_the_command_the_error_gives(dir: &std::path::Path) {
    let images = dir.join("waves/train-images-idx3-ubyte");
    let verify = || classify(dir, &["data", "verify", "--dataset", "waves"]);
    let bytes = std::fs::read(&images).unwrap();
    let wanted = "classify data deform waves --from mnist-sample --count 10 --seed 42 --force";
    for damage in ["truncated", "deleted"] {
        if damage == "truncated" {
            std::fs::write(&images, &bytes[..bytes.len() - 7]).unwrap();
        } else {
            std::fs::remove_file(&images).unwrap();
        }
        let e = verify();
        assert!(e.err().contains(wanted), "{damage}: {}", e.stderr);
        assert!(!e.stderr.contains("fetch"), "{damage}: {}", e.stderr);
        let args: Vec<&str> = wanted.split(' ').skip(1).collect();
        classify(dir, &args).ok();
        verify().ok();
        assert_eq!(std::fs::read(&images).unwrap(), bytes, "{damage}");
    }
}

/// The deform command, its output thrown away, with `prefix` run by the shell before it.
fn deform_in_shell(data: &std::path::Path, prefix: &str, count: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "{prefix} exec \"$0\" data deform big --from mnist-sample --count {count} -q"
        ))
        .arg(env!("CARGO_BIN_EXE_classify"))
        .env("CLASSIFY_DATA", data)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// What the cache holds for `big` afterwards: `Some(images)` or `None` (not there), and the
/// names a listing of the cache's root shows.
fn afterwards(data: &std::path::Path) -> (Option<u64>, Vec<String>) {
    let list = classify(data, &["data", "list", "--json"]).json();
    let big = list["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["name"] == "big");
    let images = big.then(|| {
        let info = classify(data, &["data", "info", "--dataset", "big", "--json"]).json();
        info["train"]["n_samples"].as_u64().unwrap()
    });
    let names = std::fs::read_dir(data)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    (images, names)
}

#[test]
fn a_killed_or_starved_deform_leaves_the_cache_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, wait_ms) in [0u64, 30, 150, 400].into_iter().enumerate() {
        let data = tmp.path().join(format!("cache{i}"));
        let mut child = deform_in_shell(&data, "", "60000").spawn().unwrap();
        std::thread::sleep(Duration::from_millis(wait_ms));
        let _ = child.kill();
        let _ = child.wait();
        let (images, names) = afterwards(&data);
        // Either all of it, or nothing registered; what a kill leaves is hidden.
        assert!(matches!(images, None | Some(60000)), "{images:?}");
        assert!(
            names.iter().all(|n| n == "big" || n.starts_with('.')),
            "{names:?}"
        );
    }
    // A file-size limit (as a full disk): the write fails, the error says so, nothing stays.
    let data = tmp.path().join("limited");
    let out = deform_in_shell(&data, "trap '' XFSZ; ulimit -f 2048;", "60000")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("not made, the cache is as it was"),
        "{stderr}"
    );
    let (images, names) = afterwards(&data);
    assert_eq!(images, None);
    assert!(names.is_empty(), "{names:?}");
    // The next run, unlimited, makes it.
    let ok = deform_in_shell(&data, "", "3000").output().unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(afterwards(&data).0, Some(3000));
}

#[test]
fn streamed_sgd_learns_pass_by_pass_and_refuses_what_it_cannot_do() {
    let tmp = tempfile::tempdir().unwrap();
    deform(tmp.path(), "waves", "12000");
    let run = |args: &[&str]| {
        let mut all = vec![args[0], "--dataset", "waves", "--stream", "--json"];
        all.extend_from_slice(&args[1..]);
        classify(tmp.path(), &all).json()
    };
    let v = run(&["binary", "--passes", "2", "--block", "5000"]);
    assert_eq!(
        (v["n_train"].as_u64(), v["digit"].as_u64()),
        (Some(12000), Some(5))
    );
    assert_eq!(v["test_accuracy_per_pass"].as_array().unwrap().len(), 2);
    assert!(v["test_accuracy"].as_f64().unwrap() > 0.85, "{v}");
    assert!(v["detector"]["roc_auc"].as_f64().unwrap() > 0.9, "{v}");
    // Deterministic for a seed; another block size is another sequence of partial_fit calls.
    assert_eq!(
        run(&["binary", "--passes", "2", "--block", "5000"])["test_accuracy_per_pass"],
        v["test_accuracy_per_pass"]
    );
    let limited = run(&["binary", "--train", "3000", "--block", "1000"]);
    assert_eq!(limited["n_train"], 3000);
    let all = run(&["multiclass", "--block", "4000"]);
    assert!(all["detector"].is_null());
    assert!(all["test_accuracy"].as_f64().unwrap() > 0.7, "{all}");
    // The embedded sample streams from memory with the same numbers.
    let sample = classify(
        tmp.path(),
        &[
            "binary", "--stream", "--json", "--block", "3000", "--passes", "2",
        ],
    )
    .json();
    assert!(sample["test_accuracy"].as_f64().unwrap() > 0.9);

    for (args, says) in [
        (
            &["binary", "--stream", "--model", "forest"][..],
            "--model forest",
        ),
        (&["binary", "--stream", "--scale"][..], "--scale"),
        (
            &["binary", "--stream", "--calibrate", "sigmoid"][..],
            "--calibrate",
        ),
        (
            &["multiclass", "--stream", "--strategy", "ovo"][..],
            "--strategy",
        ),
        (&["knn", "--stream", "--passes", "2"][..], "--passes"),
        (&["binary", "--stream", "--passes", "0"][..], "passes"),
        (&["binary", "--stream", "--block", "0"][..], "block"),
        (&["binary", "--stream", "--digit", "12"][..], "digit"),
    ] {
        let e = classify(tmp.path(), args);
        assert!(e.err().contains(says), "{args:?}: {}", e.stderr);
    }
}

#[test]
fn streamed_knn_finds_the_neighbours_of_the_whole_search() {
    let tmp = tempfile::tempdir().unwrap();
    deform(tmp.path(), "waves", "5000");
    let rows = tmp.path().join("rows.npy");
    let streamed = classify(
        tmp.path(),
        &[
            "knn",
            "--dataset",
            "waves",
            "--stream",
            "--block",
            "1300",
            "--index",
            "11",
            "--json",
            "--out",
            rows.to_str().unwrap(),
        ],
    )
    .json();
    let whole = classify(
        tmp.path(),
        &["knn", "--dataset", "waves", "--index", "11", "--json"],
    )
    .json();
    assert_eq!(streamed["test_accuracy"], whole["test_accuracy"]);
    assert_eq!(streamed["image"], whole["image"]);
    // 2,000 test images × 5 neighbours, uint32, after a 128-byte header.
    let bytes = std::fs::read(&rows).unwrap();
    assert_eq!(bytes.len(), 128 + 2000 * 5 * 4);
    let row = |q: usize, j: usize| {
        let at = 128 + 4 * (q * 5 + j);
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as u64
    };
    let shown = whole["image"]["neighbors"].as_array().unwrap();
    for (j, n) in shown.iter().enumerate() {
        assert_eq!(Some(row(11, j)), n.as_u64());
    }
    let bad = classify(
        tmp.path(),
        &["knn", "--dataset", "waves", "--stream", "--out", "x.png"],
    );
    assert!(bad.err().contains(".npy"), "{}", bad.stderr);
}
