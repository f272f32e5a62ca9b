//! Secrets: signing keys, tokens. A [`Secret`] can be used but never shown:
//! `Debug` and `Display` print `(redacted)`, so a secret cannot leak through a
//! log line, an error message or a panic.

use std::fmt;

/// A secret value. Compare with [`ct_eq`], print never.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    /// The secret itself, for computing a MAC or building a header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// Why a secret could not be read. Names the file or variable, never the value.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// `@path` could not be read.
    #[error("cannot read secret file {path}: {source}")]
    File {
        /// The file named after `@`.
        path: String,
        /// What the file system said.
        source: std::io::Error,
    },
    /// `env:VAR` is not set or not UTF-8.
    #[error("secret variable {0} is not set")]
    Env(String),
    /// The value is empty.
    #[error("the secret is empty")]
    Empty,
}

/// Reads a secret given as a literal, `@path` (the file's contents, one trailing
/// newline removed) or `env:VAR`.
pub fn resolve(spec: &str) -> Result<Secret, SecretError> {
    let value = if let Some(path) = spec.strip_prefix('@') {
        let mut text = std::fs::read_to_string(path).map_err(|source| SecretError::File {
            path: path.to_owned(),
            source,
        })?;
        if text.ends_with('\n') {
            text.pop();
            if text.ends_with('\r') {
                text.pop();
            }
        }
        text
    } else if let Some(var) = spec.strip_prefix("env:") {
        std::env::var(var).map_err(|_| SecretError::Env(var.to_owned()))?
    } else {
        spec.to_owned()
    };
    if value.is_empty() {
        return Err(SecretError::Empty);
    }
    Ok(Secret(value))
}

/// Constant-time equality of two byte strings (the length is not hidden).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let secret = Secret::new("whsec_hunter2".into());
        assert_eq!(format!("{secret:?} {secret}"), "(redacted) (redacted)");
    }

    #[test]
    fn resolves_literal_file_and_env() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        std::fs::write(&path, "from-file\n").unwrap();
        assert_eq!(resolve("lit").unwrap().expose(), "lit");
        assert_eq!(
            resolve(&format!("@{}", path.display())).unwrap().expose(),
            "from-file"
        );
        assert!(matches!(
            resolve("env:WHISPER_TEST_SURELY_UNSET"),
            Err(SecretError::Env(_))
        ));
        assert!(resolve("@/nonexistent/secret").is_err());
    }

    #[test]
    fn constant_time_compare() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"abcd"));
    }
}
