//! Colours for the text output, switched off by `--color never`, `NO_COLOR` or
//! a pipe. Only whisper's own words and marks are coloured; request data is
//! sanitised before it is wrapped.

use std::fmt::Display;

/// Wraps text in ANSI colours when enabled.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    on: bool,
}

impl Paint {
    /// Colours on or off.
    pub fn new(on: bool) -> Paint {
        Paint { on }
    }

    /// Whether colours are on.
    pub fn enabled(&self) -> bool {
        self.on
    }

    fn wrap(&self, code: &str, text: impl Display) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Bold.
    pub fn bold(&self, text: impl Display) -> String {
        self.wrap("1", text)
    }

    /// Dimmed.
    pub fn dim(&self, text: impl Display) -> String {
        self.wrap("2", text)
    }

    /// Green (good).
    pub fn green(&self, text: impl Display) -> String {
        self.wrap("32", text)
    }

    /// Red (bad).
    pub fn red(&self, text: impl Display) -> String {
        self.wrap("31", text)
    }

    /// Yellow (attention).
    pub fn yellow(&self, text: impl Display) -> String {
        self.wrap("33", text)
    }

    /// Cyan (names, methods).
    pub fn cyan(&self, text: impl Display) -> String {
        self.wrap("36", text)
    }

    /// A verdict as a coloured mark and word: `✓ stripe`, `✗ github invalid`.
    pub fn verdict(&self, v: Option<&crate::capture::Verification>) -> String {
        use crate::capture::Verdict;
        let Some(v) = v else {
            return self.dim("-");
        };
        let provider = v.provider.as_deref().unwrap_or("?");
        match v.verdict {
            Verdict::Valid => self.green(format!("✓ {provider}")),
            Verdict::Invalid => self.red(format!("✗ {provider} invalid")),
            Verdict::Expired => self.red(format!("✗ {provider} expired")),
            Verdict::Unsigned => self.yellow(format!("! {provider} unsigned")),
            Verdict::Unknown => self.dim(format!("? {provider}")),
        }
    }

    /// The visible width of [`Paint::verdict`]'s text.
    pub fn verdict_width(v: Option<&crate::capture::Verification>) -> usize {
        use crate::capture::Verdict;
        let Some(v) = v else { return 1 };
        let provider = v.provider.as_deref().unwrap_or("?").chars().count();
        2 + provider
            + match v.verdict {
                Verdict::Valid | Verdict::Unknown => 0,
                Verdict::Invalid => 8,
                Verdict::Expired => 8,
                Verdict::Unsigned => 9,
            }
    }

    /// A status code coloured by class.
    pub fn status(&self, status: u16) -> String {
        match status {
            200..=399 => self.green(status),
            400..=499 => self.yellow(status),
            _ => self.red(status),
        }
    }
}
