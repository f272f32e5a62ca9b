//! Drawing: a pure function of the [`App`] onto a ratatui frame, so that any
//! backend (the real terminal, or `TestBackend` in the snapshot tests) shows
//! the same screen. Only the visible rows and lines are turned into widgets,
//! so a frame costs the same with ten captures or a hundred thousand.

use ratatui::Frame;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::layout::{Alignment, Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};

use crate::capture::{Summary, Verdict, Verification};
use crate::feed::Level;
use crate::sanitize::sanitize;
use crate::units::format_size;

use super::app::{App, Areas, Focus, Tab};

/// The styles of the screen; with colours off only bold and reverse remain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Colours on.
    pub color: bool,
}

impl Theme {
    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::default().fg(color)
        } else {
            Style::default()
        }
    }

    /// Secondary text.
    pub fn dim(self) -> Style {
        self.fg(Color::DarkGray)
    }

    /// Emphasis.
    pub fn bold(self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    /// Header names and object keys.
    pub fn key(self) -> Style {
        self.fg(Color::Cyan)
    }

    /// JSON strings.
    pub fn string(self) -> Style {
        self.fg(Color::Green)
    }

    /// JSON numbers.
    pub fn number(self) -> Style {
        self.fg(Color::Yellow)
    }

    /// `true`, `false`, `null`.
    pub fn literal(self) -> Style {
        self.fg(Color::Magenta)
    }

    /// HTTP methods.
    pub fn method(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Good news.
    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }

    /// Bad news.
    pub fn bad(self) -> Style {
        self.fg(Color::Red)
    }

    /// Attention.
    pub fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }

    /// A status code, by class.
    pub fn status(self, status: u16) -> Style {
        match status {
            200..=399 => self.good(),
            400..=499 => self.warn(),
            _ => self.bad(),
        }
    }

    fn border(self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan)
        } else {
            self.dim()
        }
    }
}

/// The mark and style of a verdict in the list: ✓ valid, ✗ invalid,
/// ⏱ expired, ? unsigned or unknown, blank when not checked.
pub fn verdict_mark(v: Option<&Verification>, theme: Theme) -> (&'static str, Style) {
    match v.map(|v| v.verdict) {
        Some(Verdict::Valid) => ("✓", theme.good()),
        Some(Verdict::Invalid) => ("✗", theme.bad()),
        Some(Verdict::Expired) => ("⏱", theme.warn()),
        Some(Verdict::Unsigned) => ("?", theme.warn()),
        Some(Verdict::Unknown) => ("?", theme.dim()),
        None => (" ", Style::default()),
    }
}

/// The screen's regions.
struct Panes {
    header: Rect,
    list: Rect,
    detail: Rect,
    status: Rect,
}

fn panes(area: Rect) -> Panes {
    let [header, main, status] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let [list, detail] = if area.width >= 120 {
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(main)
    } else {
        Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(main)
    };
    Panes {
        header,
        list,
        detail,
        status,
    }
}

fn inner(area: Rect) -> Rect {
    Block::default().borders(Borders::ALL).inner(area)
}

/// Where the list rows, the tab titles and the detail text are for a screen
/// of this size.
pub fn areas(area: Rect) -> Areas {
    let p = panes(area);
    let list = inner(p.list);
    let detail = inner(p.detail);
    let [_, rows] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(list);
    let [tabs, text] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(detail);
    Areas {
        list: rows,
        tabs,
        detail: text,
    }
}

/// Which tab title is at column `x` of the tab row.
pub fn tab_at(tabs: Rect, x: u16) -> Option<Tab> {
    let mut left = tabs.x;
    for tab in Tab::ALL {
        let width = tab.title().len() as u16 + 2;
        if x >= left && x < left + width {
            return Some(tab);
        }
        left += width + 1;
    }
    None
}

/// Draws the app on a terminal of any backend.
pub fn draw<B: Backend>(terminal: &mut Terminal<B>, app: &mut App) -> Result<(), B::Error> {
    terminal.draw(|frame| {
        app.set_areas(areas(frame.area()));
        render(app, frame);
    })?;
    Ok(())
}

/// Renders the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let p = panes(frame.area());
    render_header(app, frame, p.header);
    render_list(app, frame, p.list);
    render_detail(app, frame, p.detail);
    render_status(app, frame, p.status);
    if app.help {
        render_help(app, frame);
    }
}

fn render_header(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let h = &app.header;
    let mut count = format!(
        "{} capture{}",
        app.total,
        if app.total == 1 { "" } else { "s" }
    );
    if !app.filter_text.is_empty() {
        count.push_str(&format!(", {} shown", app.matching));
    }
    let first = Line::from(vec![
        Span::styled(" whisper ", t.bold().add_modifier(Modifier::REVERSED)),
        Span::raw(" "),
        Span::styled(count, t.bold()),
        Span::styled("  receiver ", t.dim()),
        Span::styled(h.receiver.clone(), t.key()),
        Span::styled("  inspector ", t.dim()),
        Span::raw(h.inspector.clone()),
    ]);
    let names = |list: &[String]| {
        if list.is_empty() {
            "none".to_owned()
        } else {
            list.iter()
                .map(|s| sanitize(s).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let mut second = vec![
        Span::styled(" forward ", t.dim()),
        Span::raw(names(&h.forward)),
        Span::styled("  secrets ", t.dim()),
        Span::raw(names(&h.secrets)),
    ];
    if let Some((url, connected)) = &app.relay {
        second.push(Span::styled("  source ", t.dim()));
        second.push(Span::raw(url.clone()));
        second.push(if *connected {
            Span::styled(" connected", t.good())
        } else {
            Span::styled(" reconnecting", t.warn())
        });
    }
    let second = Line::from(second);
    frame.render_widget(Paragraph::new(vec![first, second]), area);
}

fn render_list(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let focused = app.focus == Focus::List;
    let mut title = vec![Span::styled(" Captures ", t.bold())];
    if !app.filter_text.is_empty() {
        title.push(Span::styled(
            format!("filter: {} ", sanitize(&app.filter_text)),
            t.warn(),
        ));
    }
    let follow = if app.follow {
        Span::styled(" follow ", t.good())
    } else {
        Span::styled(" paused (f follows) ", t.dim())
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(t.border(focused))
        .title(Line::from(title))
        .title_top(Line::from(follow).alignment(Alignment::Right));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    if app.rows.is_empty() {
        let text = if !app.loaded {
            vec![Line::styled("reading the store…", t.dim())]
        } else if !app.filter_text.is_empty() {
            vec![
                Line::raw("No capture matches the filter."),
                Line::styled("/ changes it; an empty filter shows all.", t.dim()),
            ]
        } else {
            vec![
                Line::raw("Waiting for webhooks. Send one:"),
                Line::default(),
                Line::styled(
                    format!(
                        "curl -d '{{\"hello\":\"world\"}}' {}/hooks/test",
                        app.header.receiver
                    ),
                    t.key(),
                ),
            ]
        };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
        return;
    }

    let rows = app.visible_rows();
    let id_width = rows
        .iter()
        .map(|r| r.id.to_string().len())
        .max()
        .unwrap_or(2)
        .max(2) as u16;
    let widths = [
        Constraint::Length(id_width),
        Constraint::Length(8),
        Constraint::Length(6),
        Constraint::Fill(1),
        Constraint::Length(9),
        Constraint::Length(1),
        Constraint::Length(4),
    ];
    let selected_style = if focused {
        Style::default().add_modifier(Modifier::REVERSED)
    } else {
        Style::default().add_modifier(Modifier::REVERSED | Modifier::DIM)
    };
    let table_rows = rows.iter().map(|r| {
        let row = list_row(app, r);
        if Some(r.id) == app.selected {
            row.style(selected_style)
        } else {
            row
        }
    });
    let head = Row::new(vec![
        Cell::from(Line::from("id").alignment(Alignment::Right)),
        Cell::from("time"),
        Cell::from("method"),
        Cell::from("path"),
        Cell::from(Line::from("size").alignment(Alignment::Right)),
        Cell::from(" "),
        Cell::from("fwd"),
    ])
    .style(t.dim());
    let table = Table::new(table_rows, widths)
        .header(head)
        .column_spacing(1);
    frame.render_widget(table, inner);
}

fn list_row<'a>(app: &App, r: &'a Summary) -> Row<'a> {
    let t = app.theme;
    let (mark, mark_style) = verdict_mark(r.verification.as_ref(), t);
    let fwd = match &r.last_attempt {
        Some(a) if a.error.is_some() => Span::styled("err", t.bad()),
        Some(a) => match a.status {
            Some(s) => Span::styled(s.to_string(), t.status(s)),
            None => Span::styled("—", t.dim()),
        },
        None => Span::raw(""),
    };
    let mut path = Span::raw(sanitize(&r.target).into_owned());
    if r.status == 413 {
        path = path.style(t.bad());
    }
    Row::new(vec![
        Cell::from(Line::from(r.id.to_string()).alignment(Alignment::Right)),
        Cell::from(Span::styled((app.time_format)(r.received_at), t.dim())),
        Cell::from(Span::styled(sanitize(&r.method).into_owned(), t.method())),
        Cell::from(path),
        Cell::from(Line::from(format_size(r.body_size)).alignment(Alignment::Right)),
        Cell::from(Span::styled(mark, mark_style)),
        Cell::from(fwd),
    ])
}

fn render_detail(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let focused = app.focus == Focus::Detail;
    let view = app.current_detail();
    let title = match view {
        Some(v) => Line::from(vec![
            Span::styled(format!(" #{} ", v.capture.id), t.bold()),
            Span::styled(sanitize(&v.capture.request.method).into_owned(), t.method()),
            Span::raw(" "),
            Span::raw(sanitize(v.capture.request.path()).into_owned()),
            Span::raw(" "),
        ]),
        None => Line::styled(" Detail ", t.bold()),
    };
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(t.border(focused))
        .title(title);
    let (tabs_area, text_area) = areas_of_detail(area);
    if let Some(v) = view {
        let len = v.tab(app.tab).len();
        if len > text_area.height as usize {
            block = block.title_bottom(
                Line::from(format!(" {}/{} ", (app.detail_scroll + 1).min(len), len))
                    .alignment(Alignment::Right),
            );
        }
    }
    frame.render_widget(block, area);

    let mut tabs = Vec::new();
    for (i, tab) in Tab::ALL.into_iter().enumerate() {
        if i > 0 {
            tabs.push(Span::styled("│", t.dim()));
        }
        let style = if tab == app.tab {
            if focused {
                t.bold().add_modifier(Modifier::REVERSED)
            } else {
                t.bold().add_modifier(Modifier::UNDERLINED)
            }
        } else {
            t.dim()
        };
        tabs.push(Span::styled(format!(" {} ", tab.title()), style));
    }
    frame.render_widget(Paragraph::new(Line::from(tabs)), tabs_area);

    let lines: Vec<Line> = match view {
        Some(v) => {
            let all = v.tab(app.tab);
            let start = app.detail_scroll.min(all.len());
            let end = (start + text_area.height as usize).min(all.len());
            all[start..end].to_vec()
        }
        None if app.selected.is_some() => vec![Line::styled("reading…", t.dim())],
        None => vec![Line::styled(
            "Select a capture to see its headers, body, verdict and attempts.",
            t.dim(),
        )],
    };
    frame.render_widget(
        Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false }),
        text_area,
    );
}

fn areas_of_detail(area: Rect) -> (Rect, Rect) {
    let [tabs, text] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner(area));
    (tabs, text)
}

fn render_status(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let line = if let Some(input) = &app.input {
        let prompt = "filter /";
        let x = area.x + (prompt.len() + input.chars().count()) as u16;
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
        Line::from(vec![
            Span::styled(prompt, t.warn()),
            Span::raw(sanitize(input).into_owned()),
            Span::styled(
                "   method:POST provider:stripe verdict:invalid /path/*   ⏎ apply  esc cancel",
                t.dim(),
            ),
        ])
    } else if let Some(status) = &app.status {
        let style = match status.level {
            Level::Error => t.bad().add_modifier(Modifier::BOLD),
            Level::Warn => t.warn(),
            Level::Info | Level::Debug => Style::default(),
        };
        Line::styled(format!(" {}", sanitize(&status.text)), style)
    } else {
        let hint = match app.focus {
            Focus::List => {
                " ? help  j/k move  ⏎ open  / filter  f follow  r replay  c curl  y body  q quit"
            }
            Focus::Detail => {
                " ? help  ⏎/tab next tab  j/k scroll  esc back  r replay  c curl  y body  q quit"
            }
        };
        Line::styled(hint, t.dim())
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The keys, for the help overlay and the README.
pub const KEYS: &[(&str, &str)] = &[
    ("j k ↑ ↓", "move in the list, scroll the detail"),
    ("g G", "oldest / newest (G follows again)"),
    ("PgUp PgDn", "a page up / down"),
    ("⏎ tab", "open the detail; next tab"),
    ("1-4 h l", "Headers, Body, Verification, Attempts"),
    ("esc", "back to the list"),
    (
        "/",
        "filter: /path/* method:POST provider:stripe verdict:invalid",
    ),
    ("f", "follow the newest capture on / off"),
    ("r", "replay the capture"),
    ("R", "replay it re-signed"),
    ("e", "edit in $EDITOR, then replay"),
    ("c", "copy as a curl command (OSC 52)"),
    ("y", "copy the body (OSC 52)"),
    ("?", "this help"),
    ("q ctrl-c", "quit (stops the listener)"),
];

fn render_help(app: &App, frame: &mut Frame) {
    let t = app.theme;
    let area = frame.area();
    let width = 76.min(area.width.saturating_sub(2));
    let height = (KEYS.len() as u16 + 4).min(area.height.saturating_sub(2));
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let mut lines: Vec<Line> = KEYS
        .iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(
                    format!(" {keys:<10} "),
                    t.key().add_modifier(Modifier::BOLD),
                ),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::styled(" any key closes this help", t.dim()));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_type(BorderType::Rounded)
                .border_style(t.border(true))
                .title(Line::styled(" Keys ", t.bold())),
        ),
        popup,
    );
}
