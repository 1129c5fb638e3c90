//! The one error type of the generator: every failure names the file and where in it.

use std::fmt;

/// Separates a message from its hint (`unknown type `strin`; help: did you mean `string`?`):
/// one line for `Display` and `cargo:warning=`, a `help:` line in rendered diagnostics.
pub const HELP: &str = "; help: ";
use std::path::PathBuf;

/// A generation failure, located in its input document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The document (or output file) the error is about.
    pub file: PathBuf,
    /// `line L, column C` for syntax errors, a JSON pointer (`#/paths/~1a/get`) otherwise.
    pub location: String,
    /// What is wrong, and (after `; help: `) how to fix it.
    pub message: String,
    /// A valid construct the generator cannot express (it skips that piece and warns),
    /// as opposed to a malformed document (it stops).
    pub unsupported: bool,
}

impl Error {
    /// An error about `file` at `location` (empty when the whole file is meant).
    pub fn new(file: impl Into<PathBuf>, location: impl Into<String>, message: impl Into<String>) -> Self {
        Error { file: file.into(), location: location.into(), message: message.into(), unsupported: false }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(f, "{}: at {}: {}", self.file.display(), self.location, self.message)
        }
    }
}

impl std::error::Error for Error {}

/// Something the generator could not express and skipped, so the rest still generates.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// JSON pointer of what was skipped or changed.
    pub location: String,
    /// What happened, and (after `; help: `) how to avoid it.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.location, self.message)
    }
}
