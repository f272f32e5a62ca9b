//! Secrets (webhook signing keys, tokens) kept out of every log, reason and debug print.
//!
//! A [`Secret`] only hands out its value through [`Secret::expose`], so a stray `{:?}` or `{}`
//! prints `(redacted)` instead of the key. [`resolve`] turns a command-line or config value
//! (`literal`, `@path`, `env:VAR`) into a `Secret`, and [`ct_eq`] is the one comparison every
//! verifier uses, so no signature check can leak timing.

use std::fmt;

use subtle::ConstantTimeEq;

/// A secret string (signing key, token) whose `Debug` and `Display` print `(redacted)`.
// No `PartialEq`: comparing secrets goes through `ct_eq`, never `==`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    /// The secret value itself: only for computing or comparing signatures, never for printing.
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

/// Why a secret specification could not be resolved. Messages name the file or variable, never the value.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The `@path` file could not be read.
    #[error("cannot read secret file {path}: {source}")]
    File {
        /// The path after `@`.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The `@path` file is not UTF-8.
    #[error("secret file {path} is not valid UTF-8; store the secret as text")]
    FileNotUtf8 {
        /// The path after `@`.
        path: String,
    },
    /// The `env:VAR` variable is not set.
    #[error("environment variable {var} is not set; export it or pass the secret another way")]
    EnvMissing {
        /// The variable name.
        var: String,
    },
    /// The `env:VAR` variable is not UTF-8.
    #[error("environment variable {var} is not valid UTF-8")]
    EnvNotUtf8 {
        /// The variable name.
        var: String,
    },
    /// The resolved secret is empty (an empty literal, file or variable).
    #[error("the secret from {origin} is empty; give a non-empty secret")]
    Empty {
        /// Where the secret came from: "the command line", "file PATH" or "environment variable VAR".
        origin: String,
    },
}

/// Resolves a secret specification: a literal, `@path` (the file's contents with one trailing
/// newline trimmed) or `env:VAR` (the variable's value, untouched).
pub fn resolve(spec: &str) -> Result<Secret, SecretError> {
    let (value, origin) = if let Some(path) = spec.strip_prefix('@') {
        let raw = std::fs::read(path).map_err(|source| SecretError::File {
            path: path.to_string(),
            source,
        })?;
        let mut text = String::from_utf8(raw).map_err(|_| SecretError::FileNotUtf8 {
            path: path.to_string(),
        })?;
        // Exactly one line ending goes: editors add it, but any other whitespace may be part
        // of the secret, and the verifier hints when stray whitespace is the likely problem.
        if text.ends_with("\r\n") {
            text.truncate(text.len() - 2);
        } else if text.ends_with('\n') {
            text.truncate(text.len() - 1);
        }
        (text, format!("file {path}"))
    } else if let Some(var) = spec.strip_prefix("env:") {
        let value = match std::env::var(var) {
            Ok(value) => value,
            Err(std::env::VarError::NotPresent) => {
                return Err(SecretError::EnvMissing {
                    var: var.to_string(),
                });
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(SecretError::EnvNotUtf8 {
                    var: var.to_string(),
                });
            }
        };
        (value, format!("environment variable {var}"))
    } else {
        (spec.to_string(), "the command line".to_string())
    };
    if value.is_empty() {
        return Err(SecretError::Empty { origin });
    }
    Ok(Secret(value))
}

/// Constant-time equality of two byte strings (the length itself is not hidden).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let secret = Secret::new("whsec_topsecretvalue".to_string());
        assert_eq!(format!("{secret:?}"), "(redacted)");
        assert_eq!(format!("{secret}"), "(redacted)");
        assert!(!format!("{:?}", Some(secret.clone())).contains("topsecret"));
        assert_eq!(secret.expose(), "whsec_topsecretvalue");
    }

    #[test]
    fn resolve_literal_file_and_env() {
        assert_eq!(resolve("abc").unwrap().expose(), "abc");

        let dir = std::env::temp_dir().join(format!("whisper-secret-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("s");
        std::fs::write(&file, "line-secret\n").unwrap();
        let spec = format!("@{}", file.display());
        assert_eq!(resolve(&spec).unwrap().expose(), "line-secret");
        std::fs::write(&file, "crlf\r\n").unwrap();
        assert_eq!(resolve(&spec).unwrap().expose(), "crlf");
        // Only one newline is trimmed: a second is kept (and the verifier will hint about it).
        std::fs::write(&file, "two\n\n").unwrap();
        assert_eq!(resolve(&spec).unwrap().expose(), "two\n");
        std::fs::write(&file, "").unwrap();
        assert!(matches!(resolve(&spec), Err(SecretError::Empty { .. })));
        std::fs::remove_dir_all(&dir).unwrap();

        let missing = resolve("@/nonexistent/whisper/secret")
            .unwrap_err()
            .to_string();
        assert!(missing.contains("/nonexistent/whisper/secret"), "{missing}");

        // PATH is always set; its value must not appear in any error, and it resolves as is.
        let path = std::env::var("PATH").unwrap();
        assert_eq!(resolve("env:PATH").unwrap().expose(), path);
        let err = resolve("env:WHISPER_SURELY_UNSET_VARIABLE_42")
            .unwrap_err()
            .to_string();
        assert!(err.contains("WHISPER_SURELY_UNSET_VARIABLE_42"), "{err}");
        assert!(matches!(resolve(""), Err(SecretError::Empty { .. })));
    }

    #[test]
    fn constant_time_equality() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"abcd"));
        assert!(ct_eq(b"", b""));
    }
}
