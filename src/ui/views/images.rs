//! A pool's images: the volumes of its image pool on each libvirt host, or the Incus server's
//! (or cluster's) images by alias.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::State;
use crate::app::state::HostState;
use crate::model::Driver;
use crate::model::compose::Image;
use crate::model::units::bytes;
use crate::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, state: &State, pool: usize) {
    let theme = state.theme();
    let pool_state = &state.pools[pool];
    let incus = pool_state.driver == Driver::Incus;
    // Incus images are the server's (or cluster's): its first host holds the list.
    let hosts: Vec<&HostState> = match incus {
        true => pool_state.hosts.iter().take(1).collect(),
        false => pool_state.hosts.iter().collect(),
    };
    let listed = || {
        hosts
            .iter()
            .filter_map(|h| h.images.as_ref()?.as_ref().ok())
            .flatten()
    };
    let name_width = listed().map(|i| i.name.chars().count()).max().unwrap_or(0);
    let name_width = name_width.clamp(5, 40);
    let host_width = hosts
        .iter()
        .map(|h| h.name.chars().count())
        .max()
        .unwrap_or(0);
    let widths = (name_width, host_width.max(4));
    let header = if incus {
        format!(
            "{:<name_width$} {:<16} {:>10}  FINGERPRINT",
            "ALIAS", "TYPE", "SIZE"
        )
    } else {
        format!(
            "{:<name_width$} {:<host_width$} {:<8} {:>10}  LOCATION",
            "IMAGE",
            "HOST",
            "FORMAT",
            "SIZE",
            host_width = widths.1
        )
    };
    let mut lines = vec![Line::from(Span::styled(header, theme.style("header")))];
    for host in &hosts {
        lines.extend(host_lines(host, incus, widths, theme));
    }
    let title = match incus {
        true => format!(
            " images of {} (Incus aliases; n composes) ",
            pool_state.name
        ),
        false => format!(
            " images of {} (storage pool {}; n composes) ",
            pool_state.name, pool_state.compose.image_pool
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
/// `widths`: of the image names and of the host names.
fn host_lines<'a>(
    host: &HostState,
    incus: bool,
    widths: (usize, usize),
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
                Line::from(Span::styled(
                    image_row(image, &host.name, incus, widths),
                    theme.style("text"),
                ))
            })
            .collect(),
    }
}

fn image_row(image: &Image, host: &str, incus: bool, widths: (usize, usize)) -> String {
    let size = bytes(image.size_bytes);
    let (width, host_width) = widths;
    if incus {
        format!(
            "{:<width$} {:<16} {size:>10}  {}",
            image.name, image.format, image.location
        )
    } else {
        format!(
            "{:<width$} {host:<host_width$} {:<8} {size:>10}  {}",
            image.name, image.format, image.location
        )
    }
}
