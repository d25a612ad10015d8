//! The top line: breadcrumbs of the navigation stack and a summary of host health.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::State;
use crate::app::state::View;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = state.theme();
    let mut spans = vec![Span::styled(" vmdeck ", theme.style("title"))];
    for screen in state.screens() {
        spans.push(Span::styled(" › ", theme.style("dim")));
        spans.push(Span::styled(
            crumb(state, &screen.view),
            theme.style("breadcrumb"),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);

    let hosts = state.pools.iter().flat_map(|p| &p.hosts);
    let total = hosts.clone().count();
    let up = hosts.filter(|h| h.is_up()).count();
    let mut right = Vec::new();
    if state.read_only {
        right.push(Span::styled(" READ-ONLY ", theme.style("status_warn")));
    }
    let style = if up == total {
        theme.style("host_up")
    } else {
        theme.style("host_down")
    };
    right.push(Span::styled(format!(" hosts {up}/{total} up "), style));
    frame.render_widget(
        Paragraph::new(Line::from(right)).alignment(Alignment::Right),
        area,
    );
}

/// What a screen is called in the breadcrumbs.
pub fn crumb(state: &State, view: &View) -> String {
    let pool_name = |p: usize| {
        state
            .pools
            .get(p)
            .map_or("?", |p| p.name.as_str())
            .to_string()
    };
    match view {
        View::Pools => "pools".into(),
        View::Hosts { pool: None } => "hosts".into(),
        View::Hosts { pool: Some(p) } => format!("{} hosts", pool_name(*p)),
        View::Vms { pool: None, .. } => "vms".into(),
        View::Vms {
            pool: Some(p),
            host: None,
        } => format!("{} vms", pool_name(*p)),
        View::Vms {
            pool: Some(p),
            host: Some(h),
        } => {
            let host = state.host(*p, *h).map_or("?", |h| h.name.as_str());
            format!("{host} vms")
        }
        View::Vm { pool, host, uuid } => state
            .vm(*pool, *host, uuid)
            .map_or("vm".into(), |v| v.name.clone()),
        View::Help => "help".into(),
        View::Ops => "operations".into(),
        View::Op { id } => format!("operation {id}"),
        View::Audit => "audit log".into(),
        View::Host { pool, host } => state
            .host(*pool, *host)
            .map_or("host".into(), |h| h.name.clone()),
        View::Dashboard { pool } => format!("{} dashboard", pool_name(*pool)),
        View::Compose { pool } => format!("{} compose", pool_name(*pool)),
        View::Images { pool } => format!("{} images", pool_name(*pool)),
        View::Rt { pool: None } => "real-time check".into(),
        View::Rt { pool: Some(p) } => format!("{} real-time check", pool_name(*p)),
        View::Sets { pool: None } => "sets".into(),
        View::Sets { pool: Some(p) } => format!("{} sets", pool_name(*p)),
    }
}
