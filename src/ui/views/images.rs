//! A pool's images: libvirt volumes of its image pool on each host, or the Incus server's
//! image aliases.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::State;
use crate::model::units::bytes;

pub fn render(frame: &mut Frame, area: Rect, state: &State, pool: usize) {
    let theme = state.theme();
    let pool_state = &state.pools[pool];
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:<12} {:<24} {:<16} {:>10}  LOCATION",
            "HOST", "IMAGE", "FORMAT", "SIZE"
        ),
        theme.style("header"),
    ))];
    // Incus images are the server's (or cluster's): its first host holds the list.
    let shown = match pool_state.driver {
        crate::model::Driver::Incus => 1,
        crate::model::Driver::Libvirt => pool_state.hosts.len(),
    };
    for host in pool_state.hosts.iter().take(shown) {
        match &host.images {
            None if host.is_up() => lines.push(Line::from(Span::styled(
                format!("{:<12} loading…", host.name),
                theme.style("dim"),
            ))),
            None => lines.push(Line::from(Span::styled(
                format!("{:<12} {}", host.name, host.status.label()),
                theme.style("host_down"),
            ))),
            Some(Err(e)) => lines.push(Line::from(Span::styled(
                format!("{:<12} {e}", host.name),
                theme.style("status_error"),
            ))),
            Some(Ok(images)) if images.is_empty() => lines.push(Line::from(Span::styled(
                format!("{:<12} no images", host.name),
                theme.style("dim"),
            ))),
            Some(Ok(images)) => lines.extend(images.iter().map(|image| {
                Line::from(Span::styled(
                    format!(
                        "{:<12} {:<24} {:<16} {:>10}  {}",
                        host.name,
                        image.name,
                        image.format,
                        bytes(image.size_bytes),
                        image.location
                    ),
                    theme.style("text"),
                ))
            })),
        }
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(
            format!(" images of {} (n composes) ", pool_state.name),
            theme.style("title"),
        ));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((state.screen().scroll, 0)),
        area,
    );
}
