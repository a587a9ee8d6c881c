//! `cargo xtask bench --chapter`: the chapter's steps as the README's `classify` commands,
//! against the same work in scikit-learn and in scikit-learn patched by Intel's extension
//! (`scikit-learn-intelex`, in its own venv), one side after the other on the same files;
//! one Markdown table with the machine's CPU, each step's seconds and ratios, and the whole
//! chapter's total.
//!
//! Our side of a step is one run of the release binary, timed from the outside (start-up
//! and reading the data included); the Python sides time their step after the data is in
//! memory, and do the same work as our command (`benches/sklearn/bench.py` says, step by
//! step). scikit-learn-intelex runs only the steps it accelerates (the k-NN, forest and SVC
//! ones); for the others (SGD, the dummy, the curves) its total counts scikit-learn's time,
//! as a user of it would get.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::{compare, format_secs, Step};

/// The chapter's steps, in its order.
pub(crate) const STEPS: &[&str] = &[
    "detector-5",
    "forest-cv-proba",
    "svc-2000",
    "svc-ovr-2000",
    "sgd-cv-multi",
    "sgd-cv-multi-scaled",
    "knn-predict",
    "tune-knn",
    "multilabel",
    "denoise",
    "augment",
];

/// Each side's results: ours (seconds and JSON report per step), scikit-learn's and
/// scikit-learn-intelex's (`None`: not run).
pub(crate) struct Sides<'a> {
    pub(crate) ours: &'a HashMap<&'a str, (f64, Value)>,
    pub(crate) sklearn: Option<&'a Value>,
    pub(crate) intelex: Option<&'a Value>,
}

/// The seconds a Python side reports for a step.
fn seconds(side: Option<&Value>, step: &str) -> Option<f64> {
    side?.get(step)?.get("median_s")?.as_f64()
}

/// Prints the table, the totals and each step's results side by side.
pub(crate) fn print(
    steps: &[&Step],
    data: &Path,
    sides: &Sides<'_>,
    simd: super::Simd,
) -> anyhow::Result<()> {
    println!();
    println!("data: {}", data.display());
    println!("{}", cpu());
    println!("classify's kernels: {}", simd.describe());
    println!();
    println!("| step | classify | scikit-learn | ratio | scikit-learn-intelex | ratio |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    // (ours, scikit-learn's) over the steps measured on both; intelex's (scikit-learn's where
    // it does not accelerate the step) over every step, when it ran.
    let mut totals = (0.0, 0.0, 0.0);
    let (mut complete, mut intelex_complete) = (true, sides.intelex.is_some());
    let mut results = Vec::new();
    for step in steps {
        let ours = sides.ours.get(step.name).map(|r| r.0);
        let sklearn = seconds(sides.sklearn, step.name);
        let intelex = seconds(sides.intelex, step.name);
        let ratio = |theirs: Option<f64>| match (theirs, ours) {
            (Some(t), Some(o)) => format!("{:.1}×", t / o),
            _ => "-".into(),
        };
        let secs = |t: Option<f64>| t.map_or("-".into(), format_secs);
        let intelex_cell = match (intelex, step.intelex) {
            (Some(_), _) => format!("{} | {}", secs(intelex), ratio(intelex)),
            (None, false) => "(not accelerated) | -".into(),
            (None, true) => "- | -".into(),
        };
        println!(
            "| {} | {} | {} | {} | {intelex_cell} |",
            step.name,
            secs(ours),
            secs(sklearn),
            ratio(sklearn)
        );
        match (ours, sklearn) {
            (Some(o), Some(s)) => {
                totals.0 += o;
                totals.1 += s;
            }
            _ => complete = false,
        }
        match intelex.or(if step.intelex { None } else { sklearn }) {
            Some(i) => totals.2 += i,
            None => intelex_complete = false,
        }
        results.extend(step_results(step, sides));
    }
    if totals.0 > 0.0 {
        // scikit-learn-intelex's total only where it ran beside every step the others did.
        let intelex_total = if complete && intelex_complete {
            format!(
                "**{}** | **{:.1}×**",
                format_secs(totals.2),
                totals.2 / totals.0
            )
        } else {
            "- | -".into()
        };
        println!(
            "| **{}** | **{}** | **{}** | **{:.1}×** | {intelex_total} |",
            if complete {
                "whole chapter"
            } else {
                "steps on both sides"
            },
            format_secs(totals.0),
            format_secs(totals.1),
            totals.1 / totals.0,
        );
    }
    println!();
    println!(
        "ratio = their time / classify's (above 1: classify is faster). classify: one run of the \
         command, start-up and data loading included; Python sides: one run of the same work, \
         the data already in memory. scikit-learn-intelex's total counts scikit-learn's time \
         where it does not accelerate the step."
    );
    println!();
    for step in steps {
        println!("- {}: {}", step.name, step.what);
    }
    println!();
    for line in results {
        println!("{line}");
    }
    Ok(())
}

/// A step's results on our side beside each Python side's.
fn step_results(step: &Step, sides: &Sides<'_>) -> Vec<String> {
    let Some((_, ours)) = sides.ours.get(step.name) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for (who, side) in [
        ("scikit-learn", sides.sklearn),
        ("scikit-learn-intelex", sides.intelex),
    ] {
        if let Some(theirs) = side.and_then(|s| s.get(step.name)) {
            lines.extend(compare(step.name, ("classify", ours), (who, theirs)));
        }
    }
    lines
}

/// The machine in one line: its CPU model, cores and the vector extensions the kernels
/// dispatch on (read from `/proc/cpuinfo`; elsewhere, what `std::arch` detects).
fn cpu() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        info.lines()
            .find(|l| l.split(':').next().is_some_and(|k| k.trim() == name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
    };
    let model = field("model name").unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "CPU: {model}, {cores} cores; vector extensions: {}",
        extensions(&field("flags").unwrap_or_default())
    )
}

/// The extensions the kernels choose between, of those in `flags` (`/proc/cpuinfo`'s), or
/// as `std::arch` detects them.
fn extensions(flags: &str) -> String {
    const WANTED: [&str; 8] = [
        "avx2",
        "fma",
        "avx512f",
        "avx512bw",
        "avx512vl",
        "avx512_vnni",
        "avx_vnni",
        "amx_tile",
    ];
    let present: Vec<&str> = flags.split_whitespace().collect();
    let have: Vec<&str> = WANTED
        .iter()
        .copied()
        .filter(|w| present.contains(w))
        .collect();
    if !have.is_empty() {
        return have.join(" ");
    }
    detected()
}

#[cfg(target_arch = "x86_64")]
fn detected() -> String {
    let mut have = Vec::new();
    if std::arch::is_x86_feature_detected!("avx2") {
        have.push("avx2");
    }
    if std::arch::is_x86_feature_detected!("avx512f") {
        have.push("avx512f");
    }
    if std::arch::is_x86_feature_detected!("avx512vnni") {
        have.push("avx512_vnni");
    }
    if have.is_empty() {
        "none beyond the baseline".into()
    } else {
        have.join(" ")
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn detected() -> String {
    std::env::consts::ARCH.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every chapter step is a step of the bench, and the extensions are read from flags.
    #[test]
    fn chapter_steps_exist_and_flags_are_read() {
        for name in STEPS {
            assert!(
                super::super::step_names().contains(name),
                "{name} is not a bench step"
            );
        }
        assert_eq!(
            extensions("fpu avx2 fma avx512f avx512bw avx512_vnni sse"),
            "avx2 fma avx512f avx512bw avx512_vnni"
        );
    }
}
