//! Project automation, run as `cargo xtask <command>`.
//!
//! - `fetch <dataset> [--from DIR] [--data-dir DIR]`: download a dataset into the cache, or
//!   import it from a local folder, with every file verified (runs `classify data fetch`).
//! - `bench [--quick] [--all] [--no-python] [--no-linfa] [--dataset NAME] [--simd avx2] [STEP...]`:
//!   runs the criterion benches, then the same steps in scikit-learn / NumPy (in a venv under
//!   `target/`) and in linfa on the same data, and prints each step's time on every side and
//!   the ratios.
//! - `bench --chapter [--no-python] [--no-intelex] [--dataset NAME] [--simd avx2] [STEP...]`:
//!   the whole chapter as the README's commands against the same work in scikit-learn and in
//!   scikit-learn-intelex, one run, one Markdown table with the CPU and the totals.
//!   `--simd avx2` builds our side without AVX-512 (`--cfg classify_no_avx512`, in
//!   `target/no-avx512`): the path a CPU with AVX2 alone takes, measured on any x86-64.
//! - `bench-python [--quick] [--all] [--no-intelex] [--dataset NAME] [STEP...]`: the chapter's
//!   steps from Python with classify's estimators, scikit-learn's and scikit-learn-intelex's,
//!   same data, one run (each side in its venv under `target/`), and the ratios.
//! - `bench-stream --dataset NAME [--passes P] [--block N] [--digit D]`: SGD from a training
//!   set read a block at a time (a dataset made by `classify data deform`): `classify binary
//!   --stream` against scikit-learn's `partial_fit` on the same blocks, one run, the ratio.
//! - `architecture`: writes the dependency table of `ARCHITECTURE.md` from `cargo metadata`.
//! - `report-check`: builds `classify report` on the embedded sample, opens it in headless
//!   Chromium, and checks the screenshot is not blank and every figure is on the page.
//! - `serve-check`: starts `classify serve`, has headless Chromium draw a 7 stroke by stroke on
//!   its page, and checks the page reads back the prediction 7.

mod architecture;
mod bench;
mod bench_python;
mod bench_stream;
mod report;
mod serve;
#[cfg(test)]
mod tidy;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

pub(crate) const USAGE: &str = "usage:
  cargo xtask fetch <mnist|fashion-mnist> [--from DIR] [--data-dir DIR]
  cargo xtask bench [--quick] [--all] [--no-python] [--no-linfa] [--dataset NAME] [--simd avx2] [STEP...]
  cargo xtask bench --chapter [--no-python] [--no-intelex] [--dataset NAME] [--simd avx2] [STEP...]
  cargo xtask bench-python [--quick] [--all] [--no-intelex] [--dataset NAME] [STEP...]
  cargo xtask bench-stream --dataset NAME [--passes P] [--block N] [--digit D]
  cargo xtask architecture
  cargo xtask report-check
  cargo xtask serve-check";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("fetch") => fetch(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("bench-python") => bench_python::run(&args[1..]),
        Some("bench-stream") => bench_stream::run(&args[1..]),
        Some("architecture") => architecture::run(&args[1..]),
        Some("report-check") => report::run(&args[1..]),
        Some("serve-check") => serve::run(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => bail!("{USAGE}"),
    }
}

/// The workspace root (the folder holding `xtask/`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// `cargo`, as the one that runs us.
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(project_root());
    cmd
}

/// Runs a command, failing if it fails.
pub fn status(cmd: &mut Command) -> anyhow::Result<()> {
    let status = cmd.status().with_context(|| format!("running {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed: {status}");
    }
    Ok(())
}

fn fetch(args: &[String]) -> anyhow::Result<()> {
    if args.is_empty() || args[0].starts_with('-') {
        bail!("{USAGE}");
    }
    // One implementation: the CLI's `data fetch`, which shows progress and verifies.
    let mut cmd = cargo();
    cmd.args(["run", "--quiet", "--bin", "classify", "--", "data", "fetch"]);
    cmd.args(args);
    status(&mut cmd)
}
