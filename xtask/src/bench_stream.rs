//! `cargo xtask bench-stream --dataset NAME [--passes P] [--block N] [--digit D]`: SGD learning
//! a detector from a training set read a block at a time — `classify binary --stream` against
//! scikit-learn's `SGDClassifier.partial_fit` on the same blocks of the same file, read with
//! NumPy — in one run (`benches/sklearn/stream.py`, in the venv `cargo xtask bench` uses), and
//! one table: seconds per pass, peak memory, test accuracy, the ratio.
//!
//! NAME is a dataset of the cache stored uncompressed, as `classify data deform` makes them:
//! `classify data deform infimnist --from mnist --count 8100000` first.

use anyhow::{bail, Context};
use serde_json::Value;

use crate::{cargo, project_root, status};

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let mut dataset = None;
    let mut script_args: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--dataset" => dataset = Some(it.next().context("--dataset needs a name")?.clone()),
            flag @ ("--passes" | "--block" | "--digit" | "--seed") => {
                let value = it.next().with_context(|| format!("{flag} needs a value"))?;
                script_args.extend([flag.to_string(), value.clone()]);
            }
            other => bail!("unknown argument {other}; see cargo xtask --help"),
        }
    }
    let dataset = dataset.context("--dataset NAME: a dataset made by `classify data deform`")?;
    let data = crate::bench::cache_root()?.join(&dataset);
    if !data.join("train-images-idx3-ubyte").is_file() {
        bail!(
            "{} holds no uncompressed train-images-idx3-ubyte; make one with `classify data deform {dataset} --from mnist --count N`",
            data.display()
        );
    }
    status(cargo().args(["build", "--release", "--bin", "classify"]))?;
    let py = crate::bench::sklearn_venv()?;
    let mut cmd = std::process::Command::new(py);
    cmd.arg(project_root().join("benches/sklearn/stream.py"))
        .arg("--data")
        .arg(&data)
        .arg("--classify")
        .arg(project_root().join("target/release/classify"))
        .args(["--dataset", &dataset])
        .args(&script_args);
    crate::bench::without_openblas_tuning(&mut cmd);
    let result = crate::bench::json_of(&mut cmd)?;
    print_table(&dataset, &result);
    Ok(())
}

fn print_table(dataset: &str, r: &Value) {
    let (ours, theirs) = (&r["classify"], &r["sklearn"]);
    let n = ours["n_train"].as_u64().unwrap_or(0);
    println!(
        "\nSGD 5-detector streamed from {dataset} ({n} training images), {}",
        crate::bench_python::cpu_model()
    );
    println!("| side | seconds per pass | peak RSS | test accuracy |");
    println!("| --- | --- | --- | --- |");
    for (name, side) in [("classify", ours), ("scikit-learn partial_fit", theirs)] {
        let passes: Vec<String> = side["pass_seconds"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_f64)
                    .map(|s| format!("{s:.2}"))
                    .collect()
            })
            .unwrap_or_default();
        println!(
            "| {name} | {} | {:.0} MB | {} |",
            passes.join(" / "),
            side["peak_rss_mb"].as_f64().unwrap_or(f64::NAN),
            side["test_accuracy"]
        );
    }
    let total = |v: &Value| {
        v["pass_seconds"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).sum::<f64>())
    };
    if let (Some(a), Some(b)) = (total(ours), total(theirs)) {
        println!("\nscikit-learn / classify: {:.1}x per pass", b / a);
    }
    if let Some(warm) = r["warm_seconds"].as_f64() {
        println!("(the training file was read once before either side, to warm the page cache: {warm:.1} s)");
    }
    if ours["test_accuracy"] != theirs["test_accuracy"] {
        println!("note: the test accuracies differ");
    }
}
