//! Render snapshots of live figures that are old (their age after the block's title) and of a
//! host that went down (stale).

mod common;

use std::time::{Duration, UNIX_EPOCH};

use common::{command, host, state};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vmdeck::app::State;
use vmdeck::backend::HostEvent;

fn draw(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, state)).unwrap();
    terminal.backend().to_string()
}

fn samples(secs: u64) -> HostEvent {
    HostEvent::Samples {
        samples: Vec::new(),
        taken_at: UNIX_EPOCH + Duration::from_secs(secs),
    }
}

/// kvm1's figures were read at 0 s; its reads failed since, and samples go on to 3 min.
fn three_minutes_old() -> State {
    let mut s = state();
    host(&mut s, 0, 0, samples(0));
    host(
        &mut s,
        0,
        0,
        HostEvent::LiveFigures(Err("timed out".into())),
    );
    host(&mut s, 0, 0, samples(185));
    s
}

#[test]
fn host_view_with_figures_three_minutes_old() {
    let mut s = three_minutes_old();
    command(&mut s, "host kvm1");
    insta::assert_snapshot!(draw(&s, 100, 36));
}

#[test]
fn host_view_of_a_host_that_went_down_says_stale() {
    let mut s = state();
    command(&mut s, "host kvm1");
    host(&mut s, 0, 0, samples(0));
    let down = HostEvent::Down {
        reason: "Connection reset".into(),
        retry_in_secs: 5,
    };
    host(&mut s, 0, 0, down);
    insta::assert_snapshot!(draw(&s, 100, 36));
}

#[test]
fn dashboard_names_hosts_with_old_figures() {
    let mut s = three_minutes_old();
    command(&mut s, "dashboard prod");
    insta::assert_snapshot!(draw(&s, 100, 12));
}
