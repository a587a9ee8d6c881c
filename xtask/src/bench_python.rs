//! `cargo xtask bench-python`: the chapter's steps from Python, one run, three sides on the
//! same files — classify's estimators (`classify.sklearn`), scikit-learn's, and scikit-learn's
//! with Intel's extension (`scikit-learn-intelex`) — and one table with the ratios.
//!
//! 1. Builds and installs the Python package (`pip install ./crates/python`, with
//!    scikit-learn) in `target/bench-python-venv`, and scikit-learn-intelex with scikit-learn
//!    in its own venv, `target/bench-intelex-venv` (created on first use; `--no-intelex`
//!    skips that side).
//! 2. Runs `benches/python/bench.py` once per side; each step runs in a fresh process, which
//!    reports its seconds, its score (accuracy or ROC AUC) and its peak memory above the data.
//! 3. Prints a Markdown table: step, the three times, scikit-learn / classify and
//!    scikit-learn-intelex / classify (above 1: classify is faster), the scores, peak memory.
//!
//! `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` are removed from the environment of the NumPy
//! sides (they slow current NumPy); classify's side does not read them.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use serde_json::Value;

use crate::{project_root, status};

const SIDES: [(&str, &str); 3] = [
    ("classify", "classify"),
    ("sklearn", "scikit-learn"),
    ("sklearnex", "scikit-learn-intelex"),
];

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let mut script_args: Vec<String> = Vec::new();
    let mut intelex = true;
    let mut dataset = "fashion-mnist".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--no-intelex" => intelex = false,
            "--dataset" => dataset = it.next().context("--dataset needs a name")?.clone(),
            "--quick" | "--all" => script_args.push(a.clone()),
            s if s.starts_with('-') => bail!("unknown option {s}; see cargo xtask --help"),
            s => script_args.push(s.to_string()),
        }
    }
    let data = crate::bench::data_dir(&dataset)?;
    eprintln!("bench data: {}", data.display());
    let ours = venv("bench-python-venv", &[project_root().join("crates/python")])?;
    let mut results = Vec::new();
    for (side, name) in SIDES {
        let python = match side {
            "sklearnex" if !intelex => None,
            "sklearnex" => Some(venv(
                "bench-intelex-venv",
                &[
                    PathBuf::from("scikit-learn"),
                    PathBuf::from("scikit-learn-intelex"),
                ],
            )?),
            _ => Some(ours.clone()),
        };
        let result = match python {
            Some(py) => side_results(&py, side, &data, &script_args).unwrap_or_else(|e| {
                eprintln!("{name} side failed: {e:#}");
                Value::Null
            }),
            None => Value::Null,
        };
        results.push(result);
    }
    print_table(&data, &results);
    Ok(())
}

/// A venv under `target/` with `packages` installed (paths or names), created once.
pub(crate) fn venv(name: &str, packages: &[PathBuf]) -> anyhow::Result<PathBuf> {
    let dir = project_root().join("target").join(name);
    let py = dir.join("bin/python");
    let ready = dir.join(".installed");
    if !ready.is_file() {
        eprintln!("creating {} ({})", dir.display(), list(packages));
        status(
            Command::new("python3")
                .args(["-m", "venv", "--clear"])
                .arg(&dir),
        )?;
        status(
            Command::new(&py)
                .args(["-m", "pip", "install", "--quiet", "numpy"])
                .args(packages),
        )?;
        std::fs::write(&ready, list(packages))?;
    } else if packages.iter().any(|p| p.is_dir()) {
        // The package under development: rebuilt on every run (cargo builds what changed).
        status(
            Command::new(&py)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--no-deps",
                    "--force-reinstall",
                ])
                .args(packages.iter().filter(|p| p.is_dir())),
        )?;
    }
    Ok(py)
}

fn list(packages: &[PathBuf]) -> String {
    packages
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One side's JSON from `benches/python/bench.py`.
fn side_results(py: &Path, side: &str, data: &Path, args: &[String]) -> anyhow::Result<Value> {
    let script = project_root().join("benches/python/bench.py");
    let mut cmd = Command::new(py);
    cmd.arg(&script)
        .args(["--side", side, "--data"])
        .arg(data)
        .args(args);
    if side != "classify" {
        crate::bench::without_openblas_tuning(&mut cmd);
    }
    crate::bench::json_of(&mut cmd)
}

fn seconds(v: &Value) -> Option<f64> {
    v.get("seconds").and_then(Value::as_f64)
}

fn cell(v: &Value) -> String {
    match (seconds(v), v.get("error").and_then(Value::as_str)) {
        (Some(s), _) => format!("{s:.2} s"),
        (None, Some(e)) => format!("error: {e}"),
        _ => "-".to_string(),
    }
}

fn ratio(theirs: &Value, ours: &Value) -> String {
    match (seconds(theirs), seconds(ours)) {
        (Some(t), Some(o)) if o > 0.0 => format!("{:.1}×", t / o),
        _ => "-".to_string(),
    }
}

fn print_table(data: &Path, results: &[Value]) {
    let steps = |i: usize| results[i].get("steps").cloned().unwrap_or(Value::Null);
    let (ours, sk, ex) = (steps(0), steps(1), steps(2));
    let what = results[0].get("what").cloned().unwrap_or(Value::Null);
    println!("From Python on {} ({}):\n", data.display(), cpu_model());
    println!("| step | classify | scikit-learn | ratio | scikit-learn-intelex | ratio | scores (classify / scikit-learn / intelex) | peak MB (same order) |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    let Some(order) = results[0].get("order").and_then(Value::as_array) else {
        println!("(the classify side gave no results)");
        return;
    };
    for name in order.iter().filter_map(Value::as_str) {
        let description = &what[name];
        let (o, s, e) = (&ours[name], &sk[name], &ex[name]);
        let score = |v: &Value| {
            v.get("score")
                .and_then(Value::as_f64)
                .map_or("-".into(), |x| format!("{x:.4}"))
        };
        let mb = |v: &Value| {
            v.get("peak_mb")
                .and_then(Value::as_f64)
                .map_or("-".into(), |x| format!("{x:.0}"))
        };
        println!(
            "| {name}: {} | {} | {} | {} | {} | {} | {} / {} / {} | {} / {} / {} |",
            description.as_str().unwrap_or(""),
            cell(o),
            cell(s),
            ratio(s, o),
            cell(e),
            ratio(e, o),
            score(o),
            score(s),
            score(e),
            mb(o),
            mb(s),
            mb(e),
        );
    }
}

/// The CPU's model name and its widest vector extensions, from /proc/cpuinfo.
pub(crate) fn cpu_model() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|m| m.trim_start_matches([' ', '\t', ':']))
        })
        .unwrap_or("unknown CPU")
        .to_string();
    let flags = info
        .lines()
        .find_map(|l| l.strip_prefix("flags"))
        .unwrap_or("");
    let wide: Vec<&str> = ["avx512f", "avx512_vnni", "avx2"]
        .into_iter()
        .filter(|f| flags.split_whitespace().any(|x| x == *f))
        .collect();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{model}, {cores} cores, {}", wide.join(" "))
}
