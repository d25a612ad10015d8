//! A pool's images: the volumes of its image pool on each libvirt host, or the Incus server's
//! (or cluster's) images by alias.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::State;
use crate::app::columns::{Layout, Spec};
use crate::app::sheets;
use crate::app::state::HostState;
use crate::model::Driver;
use crate::theme::Theme;
use crate::ui::widgets::sheet_row;

pub fn render(frame: &mut Frame, area: Rect, state: &State, pool: usize) {
    let theme = state.theme();
    let pool_state = &state.pools[pool];
    let incus = pool_state.driver == Driver::Incus;
    // Incus images are the server's (or cluster's): its first host holds the list.
    let hosts: Vec<&HostState> = match incus {
        true => pool_state.hosts.iter().take(1).collect(),
        false => pool_state.hosts.iter().collect(),
    };
    let sheet = sheets::layout_for(state, usize::from(area.width.saturating_sub(2)));
    let specs = sheets::specs_of(state, &state.screen().view);
    let mut lines = vec![sheet_row::header(
        &sheet.layout,
        specs,
        theme.style("header"),
    )];
    for host in &hosts {
        lines.extend(host_lines(host, &sheet.layout, specs, theme));
    }
    let title = match incus {
        true => format!(
            " images of {} (Incus aliases; n composes){} ",
            pool_state.name,
            sheet.hidden_note()
        ),
        false => format!(
            " images of {} (storage pool {}; n composes){} ",
            pool_state.name,
            pool_state.compose.image_pool,
            sheet.hidden_note()
        ),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(title, theme.style("title")));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((state.screen().scroll, 0)),
        area,
    );
}

/// A host's images, or what it said instead (still loading, down, an error, none).
fn host_lines<'a>(
    host: &HostState,
    layout: &Layout,
    specs: &[Spec],
    theme: &Theme,
) -> Vec<Line<'a>> {
    let said = |text: String, style: &str| vec![Line::from(Span::styled(text, theme.style(style)))];
    match &host.images {
        None if host.is_up() => said(format!("{}: loading…", host.name), "dim"),
        None => said(
            format!("{}: {}", host.name, host.status.label()),
            "host_down",
        ),
        Some(Err(e)) => said(format!("{}: {e}", host.name), "status_error"),
        Some(Ok(images)) if images.is_empty() => said(format!("{}: no images", host.name), "dim"),
        Some(Ok(images)) => images
            .iter()
            .map(|image| {
                let cell = |c| sheets::image_cell(image, &host.name, c);
                sheet_row::line(layout, specs, cell, |_| theme.style("text"))
            })
            .collect(),
    }
}
