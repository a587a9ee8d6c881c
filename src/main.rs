//! The `classify` binary: a thin `main` over [`classify_cli::run`].

fn main() {
    std::process::exit(classify_cli::run(std::env::args_os()));
}
