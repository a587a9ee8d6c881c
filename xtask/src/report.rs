//! `cargo xtask report-check`: builds the report on the embedded sample, opens it in headless
//! Chromium (Debian's `chromium`), and checks the page rendered: a screenshot that is not
//! blank, and every figure in the DOM.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context};

use crate::{cargo, project_root, status};

/// Flags a sandboxed, offline machine needs (no background connections, no GPU).
pub(crate) const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
];

pub fn run(args: &[String]) -> anyhow::Result<()> {
    if let Some(a) = args.first() {
        bail!("report-check takes no arguments (got {a})");
    }
    let root = project_root();
    let out = root.join("target/report-check");
    let _ = std::fs::remove_dir_all(&out);
    status(
        cargo()
            .args([
                "run",
                "--release",
                "--quiet",
                "--bin",
                "classify",
                "--",
                "report",
                "--quiet",
                "--out",
            ])
            .arg(&out),
    )?;
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json"))?)?;
    let figures = results["figures"].as_array().map_or(0, Vec::len);
    let secs = results["seconds"].as_f64().unwrap_or(f64::NAN);
    let chromium = chromium()?;
    let profile = out.join("chromium-profile");
    let page = format!("file://{}", out.join("index.html").display());
    let dom = Command::new(chromium)
        .args(CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", &page])
        .output()
        .context("running chromium --dump-dom")?;
    if !dom.status.success() {
        bail!(
            "chromium could not load the page: {}",
            String::from_utf8_lossy(&dom.stderr)
        );
    }
    let dom = String::from_utf8_lossy(&dom.stdout);
    let images = dom.matches("<img").count();
    if images != figures {
        bail!("the page shows {images} images, results.json lists {figures} figures");
    }
    let shot = out.join("screenshot.png");
    let run = Command::new(chromium)
        .args(CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .args(["--window-size=1200,2400", &page])
        .output()
        .context("running chromium --screenshot")?;
    if !run.status.success() {
        bail!(
            "chromium screenshot failed: {}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let (colours, ink) = inspect(&shot)?;
    println!(
        "report: {secs:.1} s on the embedded sample, {figures} figures; Chromium rendered {images} images; \
         screenshot {} has {colours} distinct colours, {:.1} % of pixels not white",
        shot.display(),
        ink * 100.0
    );
    if colours < 50 || ink < 0.05 {
        bail!("the screenshot looks blank");
    }
    Ok(())
}

/// The Chromium on this machine.
pub(crate) fn chromium() -> anyhow::Result<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .context("no Chromium found: install Debian's `chromium` package")
}

/// Distinct colours and the share of non-white pixels of a PNG screenshot.
pub(crate) fn inspect(path: &Path) -> anyhow::Result<(usize, f64)> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info()?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf)?;
    let channels = info.color_type.samples();
    let mut seen = std::collections::HashSet::new();
    let mut ink = 0usize;
    let pixels = buf[..info.buffer_size()].chunks_exact(channels);
    let total = pixels.len().max(1);
    for p in pixels {
        let rgb = (p[0], p[1.min(channels - 1)], p[2.min(channels - 1)]);
        seen.insert(rgb);
        if rgb != (255, 255, 255) {
            ink += 1;
        }
    }
    Ok((seen.len(), ink as f64 / total as f64))
}
