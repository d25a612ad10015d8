//! Help, generated from the live keymap and the command table (so it is right after the user
//! rebinds keys, and never offers what read-only mode refuses). Wide terminals get two or
//! three columns; every column scrolls together.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::State;
use crate::app::commands::{Command, Scope, offered, read_only_here};
use crate::theme::Theme;

/// A heading and its lines, kept together in one column.
type Section = Vec<Line<'static>>;

const SCOPES: [Scope; 6] = [
    Scope::Anywhere,
    Scope::Lists,
    Scope::Vms,
    Scope::OneVm,
    Scope::Detail,
    Scope::Consoles,
];

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = state.theme();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(" help ", theme.style("title")));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let count = column_count(inner.width);
    let areas = Layout::horizontal(vec![Constraint::Fill(1); count]).split(inner);
    let width = areas.first().map_or(1, |a| a.width.max(1));
    let columns = balance(sections(state, theme), count, width);
    let scroll = state.screen().scroll;
    for (lines, area) in columns.into_iter().zip(areas.iter()) {
        let text = Paragraph::new(lines).wrap(Wrap { trim: false });
        frame.render_widget(text.scroll((scroll, 0)), *area);
    }
}

fn column_count(width: u16) -> usize {
    match width {
        0..=139 => 1,
        140..=209 => 2,
        _ => 3,
    }
}

fn sections(state: &State, theme: &Theme) -> Vec<Section> {
    let read_only = read_only_here(state);
    let mut sections: Vec<Section> = state
        .keymap
        .contexts()
        .map(|(context, bindings)| {
            let mut lines = vec![heading(context.title(), theme)];
            // In read-only mode, what changes VMs is not offered at all.
            for binding in bindings
                .iter()
                .filter(|b| !(read_only && b.action.mutates()))
            {
                let keys = crate::keymap::describe_keys(binding);
                lines.push(Line::from(vec![
                    Span::styled(format!("  {keys:<22}"), theme.style("title")),
                    Span::styled(binding.desc.clone(), theme.style("text")),
                ]));
            }
            lines
        })
        .collect();
    for scope in SCOPES {
        let commands: Vec<&Command> = offered(state).filter(|c| c.scope == scope).collect();
        if commands.is_empty() {
            continue;
        }
        let mut lines = vec![heading(scope.title(), theme)];
        lines.extend(commands.iter().flat_map(|c| command_lines(c, theme)));
        if scope == Scope::Lists {
            let filter =
                "  Filter: text (any case); ~regex, %fuzzy; ! first shows what does not match.";
            lines.push(Line::from(Span::styled(filter, theme.style("text"))));
        }
        sections.push(lines);
    }
    sections
}

fn heading(title: &str, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(title.to_string(), theme.style("header")))
}

/// `  :dashboard [POOL]  (dash, types)` and, indented below, what it does.
fn command_lines(command: &Command, theme: &Theme) -> [Line<'static>; 2] {
    let aliases = match command.aliases {
        [] => String::new(),
        aliases => format!("  ({})", aliases.join(", ")),
    };
    [
        Line::from(vec![
            Span::styled(format!("  {}", command.usage_line()), theme.style("title")),
            Span::styled(aliases, theme.style("text")),
        ]),
        Line::from(Span::styled(
            format!("      {}", command.desc),
            theme.style("text"),
        )),
    ]
}

/// Sections into `count` columns in order, each about as tall as the others.
fn balance(sections: Vec<Section>, count: usize, width: u16) -> Vec<Vec<Line<'static>>> {
    let height = |s: &Section| s.iter().map(|l| rows(l, width)).sum::<usize>() + 1;
    let total: usize = sections.iter().map(height).sum();
    let target = total.div_ceil(count);
    let mut columns: Vec<Vec<Line<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for section in sections {
        let h = height(&section);
        let full = used > 0 && used + h > target;
        if full && columns.len() < count {
            columns.push(Vec::new());
            used = 0;
        }
        used += h;
        if let Some(column) = columns.last_mut() {
            column.extend(section);
            column.push(Line::default());
        }
    }
    columns
}

/// How many rows a line takes once wrapped.
fn rows(line: &Line, width: u16) -> usize {
    line.width().div_ceil(usize::from(width)).max(1)
}
