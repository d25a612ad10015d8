//! The compose form (fields, the cloud-init text area, the Compose button) beside its
//! placement preview (see `compose_preview`); below it on narrow terminals.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::compose_preview::plan_lines;
use crate::app::State;
use crate::app::compose_form::{ComposeForm, Field, ImagesKnown, images_known, placement};
use crate::cloudinit::validate_user_data;
use crate::placement::{Enforcement, Policy};
use crate::theme::Theme;

/// Below this width the preview goes under the form and the fields take two columns.
const SIDE_BY_SIDE: u16 = 110;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let Some(form) = &state.compose else {
        return;
    };
    let theme = state.theme();
    let wide = area.width >= SIDE_BY_SIDE;
    let (fields, text, bottom, right) = if wide {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                .areas(area);
        let [fields, text, bottom] = Layout::vertical([
            Constraint::Length(Field::LINES.len() as u16 + 2),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .areas(left);
        (fields, text, bottom, right)
    } else {
        // The text area grows while it has focus; otherwise the preview has the room.
        let text_rows = if form.field == Field::UserData {
            area.height.saturating_sub(6 + 7).max(5)
        } else {
            5
        };
        let [fields, text, bottom, below] = Layout::vertical([
            Constraint::Length(5),
            Constraint::Length(text_rows),
            Constraint::Length(1),
            Constraint::Min(3),
        ])
        .areas(area);
        (fields, text, bottom, below)
    };
    render_fields(frame, fields, state, form, wide);
    render_user_data(frame, text, form, theme);
    render_bottom(frame, bottom, state, form);
    let preview_block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border"))
        .title(Span::styled(" placement preview ", theme.style("title")));
    // Derived by `update`; computed here only for a state no message has reached yet.
    let computed;
    let plan = match &state.derived.compose_plan {
        Some(plan) => plan,
        None => {
            computed = placement(state, form);
            &computed
        }
    };
    let lines = match plan {
        Ok(plan) => plan_lines(plan, theme),
        Err(e) => vec![Line::from(Span::styled(
            e.clone(),
            theme.style("status_error"),
        ))],
    };
    frame.render_widget(
        Paragraph::new(lines)
            .block(preview_block)
            .wrap(Wrap { trim: false })
            .scroll((state.screen().scroll, 0)),
        right,
    );
}

fn render_fields(frame: &mut Frame, area: Rect, state: &State, form: &ComposeForm, wide: bool) {
    let theme = state.theme();
    let pool = &state.pools[form.pool];
    let mut title = vec![Span::styled(
        format!(" compose in {} ", pool.name),
        theme.style("title"),
    )];
    if pool.read_only {
        title.push(Span::styled(
            " read-only: preview only ",
            theme.style("status_warn"),
        ));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let line = |field: Field| field_line(state, form, field, wide);
    if wide {
        let lines: Vec<Line> = Field::LINES.iter().map(|f| line(*f)).collect();
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    // Two columns, read across: name count / type image / group host (the Tab order).
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
    let column = |start: usize| -> Vec<Line> {
        Field::LINES
            .iter()
            .skip(start)
            .step_by(2)
            .map(|f| line(*f))
            .collect()
    };
    frame.render_widget(Paragraph::new(column(0)), left);
    frame.render_widget(Paragraph::new(column(1)), right);
}

/// `▶ label   value` with a cursor on the focused text, `←/→` on a focused choice, and in
/// dim what the value means (a type's size, a group's policy: only where there is room).
fn field_line<'a>(state: &State, form: &ComposeForm, field: Field, wide: bool) -> Line<'a> {
    let theme = state.theme();
    let pool = &state.pools[form.pool];
    let focused = field == form.field;
    let dim = theme.style("dim");
    let style = if focused {
        theme.style("selected")
    } else {
        theme.style("text")
    };
    let (value, typed, choice, note): (String, bool, bool, Span) = match field {
        Field::Name => (form.name.clone(), true, false, Span::raw("")),
        Field::Count if form.is_set() => (
            form.count.clone(),
            true,
            false,
            Span::styled(format!(" (a set: {}-0 …)", form.name), dim),
        ),
        Field::Count => (String::new(), true, false, Span::styled("one VM", dim)),
        Field::Type => {
            let note = match wide {
                true => type_note(state, form, dim),
                false => Span::raw(""),
            };
            (form.vm_type.clone(), true, true, note)
        }
        Field::Image => {
            let note = match images_known(state, form.pool) {
                ImagesKnown::Loading => Span::styled(" loading…", dim),
                ImagesKnown::Failed(e) => {
                    Span::styled(format!(" {e}"), theme.style("status_error"))
                }
                ImagesKnown::Empty => Span::styled(
                    format!(" no images (image_pool {})", pool.compose.image_pool),
                    dim,
                ),
                ImagesKnown::Listed => Span::raw(""),
            };
            (form.image.clone(), true, true, note)
        }
        Field::Group => {
            let note = match &form.group {
                _ if pool.compose.placement_groups.is_empty() => {
                    Span::styled(" (no groups defined)", dim)
                }
                Some(name) if wide => Span::styled(group_note(state, form.pool, name), dim),
                Some(_) => Span::raw(""),
                None => Span::raw(""),
            };
            let value = form.group.clone().unwrap_or("none".into());
            (value, false, true, note)
        }
        Field::Host => {
            let value = form.host.clone().unwrap_or("automatic".into());
            (value, false, true, Span::raw(""))
        }
        Field::UserData | Field::Compose => (String::new(), false, false, Span::raw("")),
    };
    let marker = if focused { "▶ " } else { "  " };
    let value_empty = value.is_empty();
    let mut spans = vec![
        Span::styled(
            format!("{marker}{:<10}", field.label()),
            theme.style("header"),
        ),
        Span::styled(value, style),
    ];
    if focused && typed {
        spans.push(Span::styled(
            " ",
            Style::default().add_modifier(Modifier::REVERSED),
        ));
    }
    // An empty value: its note takes its place.
    let note = match value_empty && !(focused && typed) {
        true => Span::styled(note.content.trim_start().to_string(), note.style),
        false => note,
    };
    spans.push(note);
    if focused && choice {
        spans.push(Span::styled("  ←/→", dim));
    }
    Line::from(spans)
}

/// `  (1 vCPU, 128 MiB, 1 GiB disk)` for a type the pool offers.
fn type_note<'a>(state: &State, form: &ComposeForm, dim: Style) -> Span<'a> {
    use crate::model::units::bytes;
    let Some(vm_type) = state.vm_types.iter().find(|t| t.name == form.vm_type) else {
        return Span::raw("");
    };
    let cpus = match vm_type.vcpus {
        1 => "1 vCPU".to_string(),
        n => format!("{n} vCPUs"),
    };
    Span::styled(
        format!(
            "  ({cpus}, {}, {} disk)",
            bytes(vm_type.memory_bytes),
            bytes(vm_type.disk_bytes)
        ),
        dim,
    )
}

/// `  (vm-anti-affinity, hard)` for a group of the pool.
fn group_note(state: &State, pool: usize, name: &str) -> String {
    let Some(group) = state.pools[pool].compose.group(name) else {
        return String::new();
    };
    let policy = match group.policy {
        Policy::VmAffinity => "vm-affinity",
        Policy::VmAntiAffinity => "vm-anti-affinity",
        Policy::HostAffinity => "host-affinity",
        Policy::HostAntiAffinity => "host-anti-affinity",
    };
    let enforcement = match group.enforcement {
        Enforcement::Hard => "hard",
        Enforcement::Soft => "soft",
    };
    format!("  ({policy}, {enforcement})")
}

fn render_user_data(frame: &mut Frame, area: Rect, form: &ComposeForm, theme: &Theme) {
    let focused = form.field == Field::UserData;
    let mut text = form.user_data.clone();
    text.set_block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.style(if focused { "border_focus" } else { "border" }))
            .title(Span::styled(
                " cloud-init user-data ({{name}} {{index}} {{set}}: each VM's own) ",
                theme.style("title"),
            )),
    );
    text.set_style(theme.style("text"));
    if !focused {
        text.set_cursor_style(theme.style("text"));
    }
    frame.render_widget(&text, area);
}

/// The user-data's check, as the first VM will get it, and the Compose button.
fn render_bottom(frame: &mut Frame, area: Rect, state: &State, form: &ComposeForm) {
    let theme = state.theme();
    let label = if state.pools[form.pool].read_only {
        "[ read-only ]".to_string()
    } else {
        let verb = if form.no_start {
            "Define (not started)"
        } else {
            "Compose"
        };
        match form.count.trim().parse::<u32>() {
            Ok(n) if form.is_set() => format!("[ {verb} {n} VMs ]"),
            _ => format!("[ {verb} ]"),
        }
    };
    let button_style = match (
        form.field == Field::Compose,
        state.pools[form.pool].read_only,
    ) {
        (_, true) => theme.style("dim"),
        (true, false) => theme.style("selected"),
        (false, false) => theme.style("hint_key"),
    };
    let [check, button] = Layout::horizontal([
        Constraint::Min(0),
        Constraint::Length(label.chars().count() as u16 + 1),
    ])
    .areas(area);
    // Placeholders are not YAML until they are replaced: check what the first VM gets.
    let (first, member) = form.first_vm();
    let checked = form
        .user_data()
        .for_vm(&first, member)
        .and_then(|text| validate_user_data(&text));
    let verdict = match checked {
        Ok(()) => Span::styled(" user-data: valid YAML", theme.style("dim")),
        Err(e) => Span::styled(format!(" {e}"), theme.style("status_error")),
    };
    frame.render_widget(Paragraph::new(Line::from(verdict)), check);
    frame.render_widget(Paragraph::new(Span::styled(label, button_style)), button);
}
