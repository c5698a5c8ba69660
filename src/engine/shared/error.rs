//! Errors that stop a step from running, and their class (which exit code a
//! front end reports). A failed *check* is not an error: it is a
//! [`crate::engine::shared::check::Check`] with status `fail`.

use std::path::{Path, PathBuf};

/// Why a step could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A feed (or other configuration file) is malformed; points at the spot.
    #[error("{path}:{line}:{column}: {field}: {message}", path = path.display())]
    Config {
        path: PathBuf,
        line: usize,
        column: usize,
        field: String,
        message: String,
    },
    /// A file the review rests on cannot be used as it is.
    #[error("{path}: {message}", path = path.display())]
    File { path: PathBuf, message: String },
    /// Bad arguments: unknown release or platform, a refused waiver, a
    /// missing sign-off name.
    #[error("{0}")]
    Usage(String),
    /// Nothing could be fetched from any source.
    #[error("could not fetch {what} from any source: {detail}")]
    Fetch { what: String, detail: String },
    /// The operator cancelled the step.
    #[error("cancelled")]
    Cancelled,
}

/// What kind of failure an [`Error`] is, for exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The input could not be used (exit code 2).
    Input,
    /// The artifact could not be fetched from any source (exit code 3).
    Fetch,
    /// The operator stopped the work.
    Cancelled,
}

impl ErrorClass {
    /// SPEC's exit code: 2 for input that cannot be used (or a review the
    /// operator stopped), 3 when no source served the artifact.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorClass::Input | ErrorClass::Cancelled => 2,
            ErrorClass::Fetch => 3,
        }
    }
}

impl Error {
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::Config { .. } | Error::File { .. } | Error::Usage(_) => ErrorClass::Input,
            Error::Fetch { .. } => ErrorClass::Fetch,
            Error::Cancelled => ErrorClass::Cancelled,
        }
    }

    /// A file-level error with a message.
    pub fn file(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Error::File {
            path: path.as_ref().to_path_buf(),
            message: message.into(),
        }
    }

    /// A file-level error from an I/O failure, worded for a person.
    pub fn io(path: impl AsRef<Path>, err: &std::io::Error) -> Self {
        Error::file(path, describe_io(err))
    }
}

/// An I/O error in the words an operator would use.
pub fn describe_io(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::NotFound => "no such file".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::IsADirectory => "is a folder, not a file".to_string(),
        ErrorKind::UnexpectedEof => "file ends too early (truncated)".to_string(),
        ErrorKind::TimedOut => "timed out (no data arrived in time)".to_string(),
        ErrorKind::InvalidData => format!("unreadable: {err}"),
        _ if err.to_string().starts_with("timeout") => {
            "timed out (no data arrived in time)".to_string()
        }
        _ => err.to_string(),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
