//! One operation's details (Enter in `O`): what, where, when and how long, every step with
//! its time, the full error in the hypervisor's words, and the audit entry written.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::ops::{bar, clock, duration, place};
use crate::app::State;
use crate::app::ops::{Op, OpStatus};
use crate::app::update::describe_progress;
use crate::model::op::OpId;
use crate::model::units;
use crate::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, state: &State, id: OpId) {
    let theme = state.theme();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(
            format!(" operation {id} "),
            theme.style("title"),
        ));
    let lines = match state.ops.get(id) {
        Some(op) => details(op, state, theme),
        None => vec![Line::from(Span::styled(
            "no such operation",
            theme.style("dim"),
        ))],
    };
    let text = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((state.screen().scroll, 0));
    frame.render_widget(text, area);
}

fn details(op: &Op, state: &State, theme: &Theme) -> Vec<Line<'static>> {
    let text = theme.style("text");
    let mut lines = vec![
        field(
            "what",
            format!("{} {}", op.kind.command(), op.target.name),
            text,
            theme,
        ),
        field("where", place(op), text, theme),
        field("state", status(op), status_style(op, theme), theme),
        field("started", when(op.started), text, theme),
    ];
    if let Some(ended) = op.ended {
        lines.push(field("ended", when(ended), text, theme));
    }
    lines.push(field(
        "duration",
        duration(op.duration(state.now)),
        text,
        theme,
    ));
    let params = op.kind.params();
    if !params.is_empty() {
        lines.push(field("options", params, text, theme));
    }
    if let Some(progress) = &op.progress {
        let figures = describe_progress(&op.kind, progress);
        lines.push(field("figures", figures, text, theme));
    }
    lines.push(Line::default());
    lines.push(heading("steps", theme));
    for step in &op.steps {
        lines.push(Line::from(vec![
            Span::styled(format!("  {}  ", clock(step.at)), theme.style("dim")),
            Span::styled(step.text.clone(), text),
        ]));
    }
    if let Some(detail) = &op.detail {
        lines.push(Line::default());
        lines.push(heading("error, in the hypervisor's words", theme));
        let style = theme.style("state_crashed");
        lines.extend(
            detail
                .lines()
                .map(|l| Line::from(Span::styled(format!("  {l}"), style))),
        );
    }
    lines.push(Line::default());
    lines.push(heading("audit log", theme));
    let audit = op
        .audit
        .clone()
        .unwrap_or_else(|| "written when it ends".into());
    lines.push(Line::from(Span::styled(format!("  {audit}"), text)));
    lines
}

fn field(name: &str, value: String, style: Style, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{name:<10}"), theme.style("dim")),
        Span::styled(value, style),
    ])
}

fn heading(text: &str, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(text.to_string(), theme.style("header")))
}

/// `running 45% █████░░░░░░░░░░`, `done`, `failed: …` (the whole sentence).
fn status(op: &Op) -> String {
    match (&op.status, op.percent()) {
        (OpStatus::Running, Some(p)) => format!("running {p:.0}% {}", bar(p, 20)),
        (OpStatus::Running, None) => op.note.clone().unwrap_or_else(|| "running".into()),
        (OpStatus::Done, _) => "done".into(),
        (OpStatus::Failed(e), _) => format!("failed: {e}"),
    }
}

fn status_style(op: &Op, theme: &Theme) -> Style {
    match op.status {
        OpStatus::Running => theme.style("status_info"),
        OpStatus::Done => theme.style("state_running"),
        OpStatus::Failed(_) => theme.style("state_crashed"),
    }
}

/// `16:42:05 UTC, 2026-12-01`.
fn when(at: std::time::SystemTime) -> String {
    let secs = at
        .duration_since(std::time::SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let date = units::utc(secs as i64);
    let day = date.split(' ').next().unwrap_or_default();
    format!("{} UTC, {day}", clock(at))
}
