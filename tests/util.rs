//! Shared helpers: run the binary, parse its JSON.

use std::path::Path;
use std::process::Command;

/// What one run of the binary produced.
pub struct Run {
    /// The arguments it ran with, for failure messages.
    pub args: String,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "classify {}\nstderr: {}\nstdout: {}",
            self.args, self.stderr, self.stdout
        );
        &self.stdout
    }

    /// Asserts success and parses stdout as exactly one JSON document.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.ok())
            .unwrap_or_else(|e| panic!("not one JSON document ({e}): {}", self.stdout))
    }

    /// Asserts failure with exit code 1 and returns stderr.
    #[track_caller]
    pub fn err(&self) -> &str {
        assert_eq!(
            self.code, 1,
            "classify {}\nstdout: {}\nstderr: {}",
            self.args, self.stdout, self.stderr
        );
        assert!(self.stderr.starts_with("error: "), "{}", self.stderr);
        &self.stderr
    }
}

/// Runs `classify` with `args`, with an empty dataset cache at `data_dir`.
pub fn classify(data_dir: &Path, args: &[&str]) -> Run {
    run(
        Command::new(env!("CARGO_BIN_EXE_classify")).args(args),
        data_dir,
        args,
    )
}

/// Runs `classify` with `args` in the folder `dir`, which is also its dataset cache.
pub fn classify_in(dir: &Path, args: &[&str]) -> Run {
    run(
        Command::new(env!("CARGO_BIN_EXE_classify"))
            .args(args)
            .current_dir(dir),
        dir,
        args,
    )
}

fn run(cmd: &mut Command, data_dir: &Path, args: &[&str]) -> Run {
    let out = cmd
        .env("CLASSIFY_DATA", data_dir)
        .output()
        .expect("the classify binary runs");
    Run {
        args: args.join(" "),
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
