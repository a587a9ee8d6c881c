//! The cache under interruption and concurrency: a fetch killed at any moment leaves no file
//! that later passes as valid, and two fetches of the same dataset at once do not corrupt
//! each other.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::spam::corpus;

fn fetch(data: &std::path::Path, from: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_classify"));
    cmd.args(["data", "fetch", "spamassassin", "--quiet", "--from"])
        .arg(from)
        .env("CLASSIFY_DATA", data)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// What a later load says of the cache: `Ok(messages)` or the error text.
fn load(data: &std::path::Path) -> Result<usize, String> {
    let cache = classify::datasets::Cache::new(data);
    cache
        .load_spam()
        .map(|m| m.len())
        .map_err(|e| e.to_string())
}

#[test]
fn killed_fetches_leave_nothing_that_passes_as_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("corpus");
    corpus(&src);
    for (i, wait_ms) in [0u64, 2, 5, 10, 20, 40, 80, 160].into_iter().enumerate() {
        let data = tmp.path().join(format!("cache{i}"));
        let mut child = fetch(&data, &src).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(wait_ms));
        let _ = child.kill();
        let _ = child.wait();
        // Whatever moment the kill came at: either everything is there and valid, or the load
        // refuses (not cached) — never a half-written archive taken for a good one.
        match load(&data) {
            Ok(n) => assert_eq!(n, 3000, "kill after {wait_ms} ms"),
            Err(e) => assert!(
                e.contains("not in the cache"),
                "kill after {wait_ms} ms: {e}"
            ),
        }
        // Files under their final names are complete; leftovers are only temporary files.
        if let Ok(dir) = std::fs::read_dir(data.join("spamassassin")) {
            for entry in dir {
                let name = entry.unwrap().file_name().to_string_lossy().into_owned();
                assert!(
                    name.ends_with(".tar.bz2") || name.ends_with(".part"),
                    "unexpected {name}"
                );
            }
        }
        // A later fetch repairs it.
        assert!(fetch(&data, &src).status().unwrap().success());
        assert_eq!(load(&data), Ok(3000));
    }
}

#[test]
fn concurrent_fetches_do_not_corrupt_each_other() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("corpus");
    corpus(&src);
    let data = tmp.path().join("cache");
    let children: Vec<_> = (0..3)
        .map(|_| fetch(&data, &src).spawn().unwrap())
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    assert_eq!(load(&data), Ok(3000));
}
