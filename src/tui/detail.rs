//! The detail pane's text for one capture, built once when the capture is
//! read (not at every frame): the header fields, the body made readable
//! (coloured JSON, form fields, a hex dump), the verdict and the attempts.
//! Every piece of request data passes through [`crate::sanitize`] here.

use std::sync::Arc;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::capture::{Attempt, AttemptKind, Capture, Headers, content_type, format_time};
use crate::pretty::{self, JsonToken, Rendered};
use crate::sanitize::{sanitize, sanitize_bytes, sanitize_multiline};
use crate::units::{format_latency, format_size};

use super::app::Tab;
use super::ui::{Theme, verdict_mark};

/// Most body bytes shown; the rest is there with `y`, `whisper show --body`.
pub const BODY_LIMIT: usize = 1 << 20;
/// Most bytes of an attempt's response body shown.
const RESPONSE_LIMIT: usize = 64 << 10;

/// A capture prepared for the detail pane.
#[derive(Debug, Clone)]
pub struct DetailView {
    /// The capture, with its body and attempts.
    pub capture: Arc<Capture>,
    tabs: [Vec<Line<'static>>; 4],
}

impl DetailView {
    /// The lines of a tab.
    pub fn tab(&self, tab: Tab) -> &[Line<'static>] {
        &self.tabs[tab.index()]
    }
}

/// Prepares a capture for display.
pub fn build(capture: Arc<Capture>, theme: Theme) -> DetailView {
    let tabs = [
        headers(&capture, theme),
        body_tab(&capture, theme),
        verification(&capture, theme),
        attempts(&capture, theme),
    ];
    DetailView { capture, tabs }
}

fn label(text: &str, theme: Theme) -> Span<'static> {
    Span::styled(format!("{text:<10} "), theme.dim())
}

fn headers(capture: &Capture, theme: Theme) -> Vec<Line<'static>> {
    let r = &capture.request;
    let mut lines = vec![
        Line::from(vec![
            Span::styled(sanitize(&r.method).into_owned(), theme.method()),
            Span::raw(" "),
            Span::styled(sanitize(&r.target).into_owned(), theme.bold()),
            Span::raw(" "),
            Span::styled(sanitize(&r.http_version).into_owned(), theme.dim()),
        ]),
        Line::from(vec![
            label("received", theme),
            Span::raw(format_time(r.received_at)),
        ]),
        Line::from(vec![
            label("from", theme),
            Span::raw(format!(
                "{} ({})",
                sanitize(&r.remote_addr),
                r.source.as_str()
            )),
        ]),
        Line::from(vec![
            label("answered", theme),
            Span::styled(r.status.to_string(), theme.status(r.status)),
        ]),
        Line::default(),
    ];
    header_lines(&mut lines, &r.headers, theme, "");
    lines
}

fn header_lines(lines: &mut Vec<Line<'static>>, headers: &Headers, theme: Theme, indent: &str) {
    for (name, value) in headers {
        lines.push(Line::from(vec![
            Span::raw(indent.to_owned()),
            Span::styled(sanitize(name).into_owned(), theme.key()),
            Span::styled(": ", theme.dim()),
            Span::raw(sanitize_bytes(value).into_owned()),
        ]));
    }
}

fn body_tab(capture: &Capture, theme: Theme) -> Vec<Line<'static>> {
    let r = &capture.request;
    let ct = content_type(&r.headers);
    let mut lines = Vec::new();
    if r.status == 413 {
        lines.push(Line::styled(
            format!(
                "body of {} refused unread (over --max-body-size)",
                format_size(r.body_size)
            ),
            theme.bad(),
        ));
        return lines;
    }
    let mut about = match &ct {
        Some(ct) => format!("{} · {}", sanitize(ct), format_size(r.body_size)),
        None => format_size(r.body_size),
    };
    if r.body.len() > BODY_LIMIT {
        about.push_str(&format!(
            " · showing the first {} (y copies it all)",
            format_size(BODY_LIMIT as u64)
        ));
    }
    if !r.body.is_empty() {
        lines.push(Line::styled(about, theme.dim()));
        lines.push(Line::default());
    }
    body_lines(
        &mut lines,
        cut(&r.body, BODY_LIMIT),
        ct.as_deref(),
        theme,
        "",
    );
    lines
}

/// The first `limit` bytes of a body, ending on a whole UTF-8 character when
/// the body is text (so that a cut text body is not taken for binary).
fn cut(body: &[u8], limit: usize) -> &[u8] {
    let shown = &body[..body.len().min(limit)];
    match std::str::from_utf8(shown) {
        Err(e) if shown.len() < body.len() && e.error_len().is_none() => &shown[..e.valid_up_to()],
        _ => shown,
    }
}

/// Appends a body in its most readable form.
fn body_lines(
    lines: &mut Vec<Line<'static>>,
    body: &[u8],
    content_type: Option<&str>,
    theme: Theme,
    indent: &str,
) {
    // Binary goes straight to the narrow dump (render would make a wide one).
    let rendered = if std::str::from_utf8(body).is_err() {
        Rendered::Binary(String::new())
    } else {
        pretty::render(body, content_type)
    };
    match rendered {
        Rendered::Empty => lines.push(Line::styled(format!("{indent}(no body)"), theme.dim())),
        Rendered::Json(text) => {
            for line in text.lines() {
                let mut spans = vec![Span::raw(indent.to_owned())];
                for (kind, token) in pretty::json_tokens(line) {
                    let style = match kind {
                        JsonToken::Key => theme.key(),
                        JsonToken::String => theme.string(),
                        JsonToken::Number => theme.number(),
                        JsonToken::Literal => theme.literal(),
                        JsonToken::Punct => Style::default(),
                    };
                    spans.push(Span::styled(sanitize(token).into_owned(), style));
                }
                lines.push(Line::from(spans));
            }
        }
        Rendered::Form(fields) => {
            let width = fields
                .iter()
                .map(|(k, _)| sanitize(k).chars().count())
                .max()
                .unwrap_or(0);
            for (key, value) in fields {
                let key = sanitize(&key).into_owned();
                let pad = width.saturating_sub(key.chars().count());
                lines.push(Line::from(vec![
                    Span::raw(indent.to_owned()),
                    Span::styled(key, theme.key()),
                    Span::raw(" ".repeat(pad + 2)),
                    Span::raw(sanitize(&value).into_owned()),
                ]));
            }
        }
        Rendered::Text(text) => {
            for line in sanitize_multiline(&text).split('\n') {
                lines.push(Line::raw(format!("{indent}{}", line.replace('\t', "    "))));
            }
        }
        Rendered::Binary(_) => {
            lines.push(Line::styled(
                format!("{indent}binary body, {}", format_size(body.len() as u64)),
                theme.dim(),
            ));
            // 8 bytes a row: fits the pane beside the list without wrapping.
            for line in pretty::hex_dump_rows(body, 8).lines() {
                lines.push(Line::raw(format!("{indent}{line}")));
            }
        }
    }
}

fn verification(capture: &Capture, theme: Theme) -> Vec<Line<'static>> {
    let Some(v) = &capture.request.verification else {
        return vec![
            Line::styled("not checked", theme.dim()),
            Line::default(),
            Line::raw("No provider was recognised from the headers and no secret applies."),
            Line::raw("Configure one with --secret PROVIDER=SECRET."),
        ];
    };
    let (mark, style) = verdict_mark(Some(v), theme);
    let mut lines = vec![
        Line::from(vec![
            label("provider", theme),
            Span::raw(
                v.provider
                    .as_deref()
                    .map_or_else(|| "-".to_owned(), |p| sanitize(p).into_owned()),
            ),
        ]),
        Line::from(vec![
            label("verdict", theme),
            Span::styled(format!("{mark} {}", v.verdict.as_str()), style),
        ]),
    ];
    if let Some(reason) = &v.reason {
        let mut first = true;
        for part in sanitize_multiline(reason).split('\n') {
            lines.push(Line::from(vec![
                label(if first { "reason" } else { "" }, theme),
                Span::raw(part.replace('\t', "    ")),
            ]));
            first = false;
        }
    }
    lines
}

fn attempts(capture: &Capture, theme: Theme) -> Vec<Line<'static>> {
    if capture.attempts.is_empty() {
        return vec![Line::styled(
            "no forward or replay yet (r replays this capture)",
            theme.dim(),
        )];
    }
    let mut lines = Vec::new();
    for attempt in &capture.attempts {
        attempt_lines(&mut lines, attempt, theme);
        lines.push(Line::default());
    }
    lines.pop();
    lines
}

fn attempt_lines(lines: &mut Vec<Line<'static>>, a: &Attempt, theme: Theme) {
    let kind = match a.kind {
        AttemptKind::Forward => "forward",
        AttemptKind::Replay => "replay",
    };
    lines.push(Line::from(vec![
        Span::styled(format!("#{} {kind}", a.id), theme.bold()),
        Span::raw(" → "),
        Span::raw(sanitize(&a.target).into_owned()),
    ]));
    let outcome = match (&a.error, a.status) {
        (Some(error), _) => Span::styled(sanitize(error).into_owned(), theme.bad()),
        (None, Some(status)) => Span::styled(status.to_string(), theme.status(status)),
        (None, None) => Span::styled("no answer", theme.bad()),
    };
    lines.push(Line::from(vec![
        Span::raw("  "),
        outcome,
        Span::styled(
            format!(
                " in {} · started {}",
                format_latency(a.duration),
                format_time(a.started_at)
            ),
            theme.dim(),
        ),
    ]));
    if a.status.is_none() {
        return;
    }
    let mut about = format!("  response body, {}", format_size(a.response_body_size));
    if a.response_body.len() > RESPONSE_LIMIT {
        about.push_str(&format!(
            ", showing the first {}",
            format_size(RESPONSE_LIMIT as u64)
        ));
    }
    lines.push(Line::styled(about, theme.dim()));
    body_lines(
        lines,
        cut(&a.response_body, RESPONSE_LIMIT),
        content_type(&a.response_headers).as_deref(),
        theme,
        "    ",
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cut_text_body_stays_text() {
        let body = "aé".repeat(10);
        let cut = super::cut(body.as_bytes(), 5);
        assert_eq!(cut, "aéa".as_bytes());
        assert_eq!(super::cut(b"\xff\xfe", 1), b"\xff");
    }
}
