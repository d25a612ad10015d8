//! The pools, hosts and VMs lists. Only the rows on screen are formatted, so the cost of a
//! frame does not grow with the number of VMs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

use crate::app::State;
use crate::app::columns::fit;
use crate::app::sheets;
use crate::app::state::{HostStatus, View};
use crate::app::table::{RowId, VM_RT_COLUMN, columns, host_status_text};
use crate::theme::Theme;
use crate::ui::widgets::header::crumb;
use crate::ui::widgets::highlight::marked;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = state.theme();
    let screen = state.screen();
    let cols = columns(&screen.view);
    let nav = &screen.table;
    let sheet = sheets::layout_for(state, usize::from(area.width.saturating_sub(2)));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(
            title(state, &sheet.hidden_note()),
            theme.style("title"),
        ));
    let inner_rows = usize::from(area.height.saturating_sub(3));
    let start = nav.offset.min(state.rows.len());
    let end = (start + inner_rows).min(state.rows.len());
    let shown: Vec<(usize, usize)> = sheet.layout.shown().collect();

    let header = Row::new(shown.iter().map(|&(i, width)| {
        let mark = if i == nav.sort_column {
            if nav.sort_descending { "↓" } else { "↑" }
        } else {
            ""
        };
        let title = format!("{}{mark}", cols[i].title);
        Cell::from(fit(&title, width, cols[i].align))
    }))
    .style(theme.style("header"));
    let filter = state.row_cache.filter();
    let rows = state.rows[start..end].iter().enumerate().map(|(i, row)| {
        let selected = start + i == nav.selected;
        let cells = shown.iter().map(|&(c, width)| {
            // The match is found in the text as drawn: a cut cell marks what is left of it.
            let text = fit(&sheets::list_cell(state, *row, c), width, cols[c].align);
            let found = filter.map(|f| f.ranges(&text)).unwrap_or_default();
            let text = marked(text, &found, theme.style("filter_match"));
            Cell::from(text).style(cell_style(state, theme, *row, c))
        });
        let style = if selected {
            theme.style("selected")
        } else {
            theme.style("text")
        };
        Row::new(cells).style(style)
    });
    let widths = shown.iter().map(|&(_, w)| Constraint::Length(to_u16(w)));

    // The room left over stays at the right, not in any one column.
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .flex(Flex::Start)
        .column_spacing(to_u16(sheets::GAP));
    frame.render_widget(table, area);

    if state.rows.is_empty() {
        let empty = Rect {
            x: area.x + 2,
            y: area.y + 2,
            width: area.width.saturating_sub(4),
            height: 1,
        };
        let text = empty_text(state);
        frame.render_widget(Line::from(Span::styled(text, theme.style("dim"))), empty);
    }
}

fn to_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

fn cell_style(state: &State, theme: &Theme, row: RowId, column: usize) -> Style {
    match (row, column) {
        (RowId::Vm(p, h, v), 1) => {
            let host = &state.pools[p].hosts[h];
            if host.is_up() {
                theme.vm_state(host.vms[v].state)
            } else {
                theme.style("dim")
            }
        }
        (RowId::Host(p, h), 2) => host_style(theme, &state.pools[p].hosts[h].status),
        (RowId::Vm(p, h, v), VM_RT_COLUMN) => {
            let flag = state.rt.flag(p, h, &state.pools[p].hosts[h].vms[v].uuid);
            flag.map_or(Style::default(), |f| theme.style(f.style()))
        }
        _ => Style::default(),
    }
}

pub fn host_style(theme: &Theme, status: &HostStatus) -> Style {
    match status {
        HostStatus::Up => theme.style("host_up"),
        HostStatus::Connecting => theme.style("host_connecting"),
        HostStatus::Down { .. } | HostStatus::Unsupported(_) => theme.style("host_down"),
    }
}

/// `vms [12 of 300] /web +2 cols` — the screen, the count shown of all, the filter, and how
/// many columns are not on screen (too narrow, or not chosen with `:columns`).
fn title(state: &State, hidden: &str) -> String {
    let screen = state.screen();
    let filter = &screen.table.filter;
    let shown = state.rows.len();
    let (count, filter) = if filter.is_empty() {
        (shown.to_string(), String::new())
    } else {
        let total = state.row_cache.total();
        (format!("{shown} of {total}"), format!(" /{filter}"))
    };
    format!(" {} [{count}]{filter}{hidden} ", crumb(state, &screen.view))
}

/// Why a list is empty: nothing there, the filter hides everything, or hosts are down.
fn empty_text(state: &State) -> String {
    let screen = state.screen();
    if !screen.table.filter.is_empty() {
        return "nothing matches the filter (Esc clears it)".into();
    }
    let hosts: Vec<_> = match &screen.view {
        View::Vms {
            pool: Some(p),
            host: Some(h),
        } => state.host(*p, *h).into_iter().collect(),
        _ => state.pools.iter().flat_map(|p| &p.hosts).collect(),
    };
    match hosts.iter().find(|h| !h.is_up()) {
        Some(host) if hosts.len() == 1 => {
            format!("{}: {}", host.name, host_status_text(&host.status))
        }
        _ => "nothing here yet".into(),
    }
}
