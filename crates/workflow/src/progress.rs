//! How a step says what it is doing: the command line shows it as a progress bar on stderr,
//! a library caller may ignore it (`&()`).

/// Receives a step's progress messages.
pub trait Progress: Sync {
    /// The step now starts `message` ("tuning the threshold by cross-validation").
    fn step(&self, message: &str);
}

/// No progress shown.
impl Progress for () {
    fn step(&self, _message: &str) {}
}
