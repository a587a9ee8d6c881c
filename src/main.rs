//! The `classify` binary: a thin `main` over [`classify_cli::run`].

fn main() {
    quiet_broken_pipe();
    std::process::exit(classify_cli::run(std::env::args_os()));
}

/// `classify data info | head`: Rust ignores SIGPIPE, so once the reader has left, the print
/// macros panic ("failed printing to stdout: Broken pipe"). Exit quietly with status 0
/// instead, as `run` does for a broken pipe it sees as an error; other panics are reported
/// as before.
fn quiet_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to std") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}
