//! Errors that stop the whole run, and diagnostics that do not.
//!
//! A fatal [`Error`] means no output is written. A [`Diagnostic`] is attached
//! to the [`crate::Report`]: the tool carried on (usually by falling back to
//! the generic function) and tells the user what happened and what to do.

use std::fmt;

/// Why pweval could not produce an output module at all.
#[derive(Debug)]
pub enum Error {
    /// The input is not a well-formed or valid Wasm module.
    BadInput { message: String, offset: Option<usize> },
    /// The input is a valid Wasm binary of a kind pweval does not handle.
    Unsupported(String),
    /// `--strict` was given and something was skipped.
    /// `diagnostics`: the run's warnings, which say why (the caller prints
    /// them; there is no report without an output).
    Strict { skipped: usize, diagnostics: Vec<Diagnostic> },
    /// pweval produced an invalid module: always a pweval bug.
    InvalidOutput { message: String, offset: usize },
    /// Wizer (the pre-initialisation step) failed.
    Wizer(String),
    /// Anything else (I/O and the like), already worded for the user.
    Other(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadInput { message, offset: Some(offset) } => {
                write!(f, "{message}, at byte offset {offset}")
            }
            Error::BadInput { message, offset: None } => write!(f, "{message}"),
            Error::Unsupported(message) => write!(f, "unsupported input: {message}"),
            Error::Strict { skipped, .. } => write!(
                f,
                "--strict: {skipped} request(s) could not be specialized (see the warnings above)"
            ),
            Error::InvalidOutput { message, offset } => write!(
                f,
                "internal error: pweval produced an invalid module ({message}, at byte offset \
                 {offset}); no output was written. Please report this with the input module"
            ),
            Error::Wizer(message) => write!(f, "{message}"),
            Error::Other(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<wasmparser::BinaryReaderError> for Error {
    fn from(err: wasmparser::BinaryReaderError) -> Self {
        // Some wasmparser messages embed multi-line debug output; a
        // diagnostic is one line.
        let message = err.message().split_whitespace().collect::<Vec<_>>().join(" ");
        Error::BadInput { message, offset: Some(err.offset()) }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Note,
    Warning,
}

/// A one-line message about one request or one function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// What the message is about, e.g. `request 3 (user_id 7, func interpret)`.
    pub subject: String,
    pub message: String,
}

impl Diagnostic {
    pub fn warning(subject: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, subject: subject.into(), message: message.into() }
    }
    pub fn note(subject: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Note, subject: subject.into(), message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Note => "note",
            Severity::Warning => "warning",
        };
        if self.subject.is_empty() {
            write!(f, "{level}: {}", self.message)
        } else {
            write!(f, "{level}: {}: {}", self.subject, self.message)
        }
    }
}
