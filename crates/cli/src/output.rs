//! Output helpers: JSON documents, human tables, progress bars.

use std::io::Write;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::args::Common;

/// Prints `value` as the one JSON document of this run.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

pub use classify_workflow::thousands;

/// A progress bar as the workflow steps' [`Progress`](classify_workflow::Progress): each
/// step's message shown on it.
pub struct Steps<'a>(pub &'a ProgressBar);

impl classify_workflow::Progress for Steps<'_> {
    fn step(&self, message: &str) {
        self.0.set_message(message.to_string());
    }
}

/// Runs a workflow step with a spinner on stderr (hidden with --quiet or --json) that shows
/// the step's progress messages, and clears it when the step ends.
pub fn with_progress<T>(
    common: &Common,
    step: impl FnOnce(&dyn classify_workflow::Progress) -> classify_workflow::Result<T>,
) -> anyhow::Result<T> {
    let bar = spinner(common, "");
    let result = step(&Steps(&bar));
    bar.finish_and_clear();
    Ok(result?)
}

/// A step's result as the one JSON document of the run (`--json`), or as text by `print`.
pub fn emit<T: Serialize>(common: &Common, result: &T, print: fn(&T)) -> anyhow::Result<()> {
    if common.json {
        return json(result);
    }
    print(result);
    Ok(())
}

/// A spinner with a message on stderr, hidden with --quiet or --json.
pub fn spinner(common: &Common, message: &str) -> ProgressBar {
    let bar = if common.quiet || common.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(message.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// A byte-count progress bar on stderr, hidden with --quiet or --json.
pub fn bytes_bar(common: &Common) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if common.quiet || common.json {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:32} {bar:30} {bytes:>10}/{total_bytes:10} {bytes_per_sec}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// A progress bar counting `what` (images, rows) on stderr, hidden with --quiet or --json.
pub fn count_bar(common: &Common, total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if common.quiet || common.json {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let template =
        format!("{{msg}} {{bar:30}} {{human_pos}}/{{human_len}} {what} {{per_sec}} ETA {{eta}}");
    bar.set_style(
        ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Writes `bytes` to `path` whole or not at all: into `<path>.part` (its folder created),
/// then renamed over `path`, so that an interrupted write never leaves half a file.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".part");
    let tmp = std::path::PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(60000), "60,000");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
