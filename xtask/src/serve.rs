//! `cargo xtask serve-check`: starts `classify serve` (a k-NN on the embedded sample) on a free
//! port, opens its page in headless Chromium with `?selftest` (the page's script draws a 7
//! stroke by stroke with pointer events and asks the server), and checks the page shows the
//! prediction 7, the nearest training images, and a screenshot that is not blank.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};

use crate::report::{inspect, Headless};
use crate::{cargo, project_root, status};

/// Stops the server when the check ends, however it ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    if let Some(a) = args.first() {
        bail!("serve-check takes no arguments (got {a})");
    }
    let root = project_root();
    let out = root.join("target/serve-check");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;
    status(cargo().args(["build", "--release", "--quiet", "--bin", "classify"]))?;
    let mut child = Command::new(root.join("target/release/classify"))
        .args(["serve", "--port", "0", "--quiet"])
        .stdout(Stdio::piped())
        .spawn()
        .context("starting classify serve")?;
    let stdout = child.stdout.take().context("no stdout")?;
    let server = Running(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .with_context(|| format!("classify serve printed no URL: {line:?}"))?
        .to_string();
    let page = format!("{url}?selftest");
    let browser = Headless::new(
        &out.join("chromium-profile"),
        &["--virtual-time-budget=20000"],
    )?;
    let dom = browser.dump_dom(&page)?;
    if !dom.contains("<pre id=\"result\">predicted 7</pre>") {
        let result = dom
            .lines()
            .find(|l| l.contains("id=\"result\""))
            .unwrap_or("(no result element)");
        bail!("the page did not read back a 7: {result}");
    }
    let neighbours = dom.matches("title=\"training image").count();
    if neighbours != 5 {
        bail!("the page shows {neighbours} nearest training images, not 5");
    }
    let shot = out.join("screenshot.png");
    browser.screenshot(&page, "1000,700", &shot)?;
    drop(server);
    let (colours, ink) = inspect(&shot)?;
    println!(
        "serve: Chromium drew a 7 on {url} and read back \"predicted 7\" with 5 nearest images; \
         screenshot {} has {colours} distinct colours, {:.1} % of pixels not white",
        shot.display(),
        ink * 100.0
    );
    if colours < 20 || ink < 0.02 {
        bail!("the screenshot looks blank");
    }
    Ok(())
}
