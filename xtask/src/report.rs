//! `cargo xtask report-check`: builds the report on the embedded sample, opens it in headless
//! Chromium (Debian's `chromium`), and checks the page rendered: a screenshot that is not
//! blank, and every figure in the DOM.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context};

use crate::{cargo, project_root, status};

/// Flags a sandboxed, offline machine needs (no background connections, no GPU).
const CHROMIUM_FLAGS: &[&str] = &[
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
    let browser = Headless::new(&out.join("chromium-profile"), &[])?;
    let page = format!("file://{}", out.join("index.html").display());
    let dom = browser.dump_dom(&page)?;
    let images = dom.matches("<img").count();
    if images != figures {
        bail!("the page shows {images} images, results.json lists {figures} figures");
    }
    let shot = out.join("screenshot.png");
    browser.screenshot(&page, "1200,2400", &shot)?;
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

/// Headless Chromium with a profile folder and extra flags.
pub(crate) struct Headless {
    exe: &'static str,
    flags: Vec<String>,
}

impl Headless {
    /// The Chromium on this machine, its profile in `profile`.
    pub(crate) fn new(profile: &Path, extra: &[&str]) -> anyhow::Result<Headless> {
        let exe = ["chromium", "chromium-browser", "google-chrome"]
            .into_iter()
            .find(|c| {
                Command::new(c)
                    .arg("--version")
                    .output()
                    .is_ok_and(|o| o.status.success())
            })
            .context("no Chromium found: install Debian's `chromium` package")?;
        let mut flags: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| f.to_string()).collect();
        flags.push(format!("--user-data-dir={}", profile.display()));
        flags.extend(extra.iter().map(|f| f.to_string()));
        Ok(Headless { exe, flags })
    }

    /// The page's DOM once its scripts ran.
    pub(crate) fn dump_dom(&self, page: &str) -> anyhow::Result<String> {
        let run = Command::new(self.exe)
            .args(&self.flags)
            .args(["--dump-dom", page])
            .output()
            .context("running chromium --dump-dom")?;
        if !run.status.success() {
            bail!(
                "chromium could not load the page: {}",
                String::from_utf8_lossy(&run.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&run.stdout).into_owned())
    }

    /// A screenshot of the page in a `size` ("width,height") window, written to `shot`.
    pub(crate) fn screenshot(&self, page: &str, size: &str, shot: &Path) -> anyhow::Result<()> {
        let run = Command::new(self.exe)
            .args(&self.flags)
            .arg(format!("--window-size={size}"))
            .arg(format!("--screenshot={}", shot.display()))
            .arg(page)
            .output()
            .context("running chromium --screenshot")?;
        if !run.status.success() {
            bail!(
                "chromium screenshot failed: {}",
                String::from_utf8_lossy(&run.stderr)
            );
        }
        Ok(())
    }
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
