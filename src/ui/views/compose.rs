//! The compose form (fields and the cloud-init text area) beside its placement preview:
//! every VM with every host's verdict, score and reasons, the chosen host marked.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::State;
use crate::app::compose_form::{ComposeForm, Field, preview};
use crate::cloudinit::validate_user_data;
use crate::compose::{Plan, user_data_for};
use crate::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let Some(form) = &state.compose else {
        return;
    };
    let theme = state.theme();
    let [left, right] = if area.width >= 110 {
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area)
    } else {
        Layout::vertical([Constraint::Percentage(68), Constraint::Percentage(32)]).areas(area)
    };
    let fields_height = Field::ALL.len() as u16 - 1;
    let [fields, text, check] = Layout::vertical([
        Constraint::Length(fields_height + 2),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(left);
    let pool = &state.pools[form.pool];
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(
            format!(" compose in {} ", pool.name),
            theme.style("title"),
        ));
    frame.render_widget(
        Paragraph::new(field_lines(form, theme)).block(block),
        fields,
    );
    render_user_data(frame, text, form, theme);
    // Checked as the first VM will get it: `{{name}}` is not YAML until it is replaced.
    let first = if form.is_set() {
        format!("{}-0", form.name)
    } else {
        form.name.clone()
    };
    let text = user_data_for(&form.user_data_text(), &first);
    let verdict = match validate_user_data(&text) {
        Ok(()) => Span::styled(" user-data: valid YAML", theme.style("dim")),
        Err(e) => Span::styled(format!(" {e}"), theme.style("status_error")),
    };
    frame.render_widget(Paragraph::new(Line::from(verdict)), check);
    let preview_block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border"))
        .title(Span::styled(" placement preview ", theme.style("title")));
    let lines = match preview(state, form) {
        Ok(plan) => plan_lines(&plan, theme),
        Err(e) => vec![Line::from(Span::styled(e, theme.style("status_error")))],
    };
    frame.render_widget(
        Paragraph::new(lines)
            .block(preview_block)
            .wrap(Wrap { trim: false })
            .scroll((state.screen().scroll, 0)),
        right,
    );
}

fn field_lines<'a>(form: &ComposeForm, theme: &Theme) -> Vec<Line<'a>> {
    Field::ALL
        .iter()
        .filter(|f| **f != Field::UserData)
        .map(|field| {
            let focused = *field == form.field;
            let (value, choice) = match field {
                Field::Name => (form.name.clone(), false),
                Field::Count => (
                    if form.is_set() {
                        format!("{} (a set: {}-0 …)", form.count, form.name)
                    } else {
                        String::new()
                    },
                    false,
                ),
                Field::Type => (form.vm_type.clone(), true),
                Field::Image => (form.image.clone(), true),
                Field::Group => (form.group.clone().unwrap_or("none".into()), true),
                Field::Host => (form.host.clone().unwrap_or("automatic".into()), true),
                Field::UserData => (String::new(), false),
            };
            let marker = if focused { "▶ " } else { "  " };
            let style = if focused {
                theme.style("selected")
            } else {
                theme.style("text")
            };
            let mut spans = vec![
                Span::styled(
                    format!("{marker}{:<10}", field.label()),
                    theme.style("header"),
                ),
                Span::styled(value, style),
            ];
            if focused && choice {
                spans.push(Span::styled("  ←/→", theme.style("dim")));
            }
            Line::from(spans)
        })
        .collect()
}

fn render_user_data(frame: &mut Frame, area: Rect, form: &ComposeForm, theme: &Theme) {
    let focused = form.field == Field::UserData;
    let mut text = form.user_data.clone();
    text.set_block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.style(if focused { "border_focus" } else { "border" }))
            .title(Span::styled(
                " cloud-init user-data ({{name}} = each VM's name) ",
                theme.style("title"),
            )),
    );
    text.set_style(theme.style("text"));
    if !focused {
        text.set_cursor_style(theme.style("text"));
    }
    frame.render_widget(&text, area);
}

/// For each VM: where it goes, then every host's verdict.
fn plan_lines<'a>(plan: &Plan, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    for vm in &plan.vms {
        let head = match &vm.decision.chosen {
            Some(host) => Span::styled(format!("{} → {host}", vm.name), theme.style("title")),
            None => Span::styled(
                format!("{} → refused", vm.name),
                theme.style("status_error"),
            ),
        };
        lines.push(Line::from(head));
        for verdict in &vm.decision.verdicts {
            let chosen = vm.decision.chosen.as_deref() == Some(verdict.host.as_str());
            let (word, style) = match (chosen, verdict.fits) {
                (true, _) => ("chosen", theme.style("selected")),
                (false, true) => ("fits", theme.style("state_running")),
                (false, false) => ("rejected", theme.style("state_shutoff")),
            };
            let score = if verdict.fits {
                format!("{:.3}", verdict.score)
            } else {
                "—".into()
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<12}", verdict.host), style),
                Span::styled(format!("{word:<9}"), style),
                Span::raw(format!("{score:>6}  ")),
                Span::styled(verdict.reasons.join("; "), theme.style("dim")),
            ]));
        }
        if let Some(why) = &vm.decision.why_none {
            lines.push(Line::from(Span::styled(
                format!("  {why}"),
                theme.style("status_error"),
            )));
        }
    }
    lines
}
