//! The operations view (`O`): rows selected with j/k under a header that stays, Enter for
//! one's details (steps with their times, the full error, the audit entry), start times,
//! durations and a progress bar for what runs.

mod common;

use std::time::{Duration, SystemTime};

use common::{host, keys, state};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vmdeck::app::state::View;
use vmdeck::app::{Msg, State, update};
use vmdeck::backend::HostEvent;
use vmdeck::model::action::MigrationProgress;

/// 2026-12-01 16:40:00 UTC.
const T0: u64 = 1_796_143_200;

fn clock(s: &mut State, secs: u64) {
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(T0 + secs);
    update(s, Msg::Clock(at));
}

fn finished(s: &mut State, op: u64, result: Result<(), String>) {
    host(s, 0, 0, HostEvent::OpFinished { op, result });
}

fn progress(s: &mut State, op: u64, processed: u64, iteration: u64) {
    let progress = MigrationProgress {
        total_bytes: 1000,
        processed_bytes: processed,
        remaining_bytes: 1000 - processed,
        iteration,
        ..MigrationProgress::default()
    };
    host(s, 0, 0, HostEvent::OpProgress { op, progress });
}

/// Reboots of api-1 (op 0, done) and db-1 (op 1, failed), then a live migration of api-1
/// to kvm2 (op 2) at 45%, its second memory pass under way.
fn with_ops() -> State {
    let mut s = state();
    let kvm2 = vmdeck::model::HostInventory {
        facts: common::facts("kvm2"),
        vms: vec![],
    };
    host(&mut s, 0, 1, HostEvent::Connected(kvm2));
    clock(&mut s, 0);
    keys(&mut s, "<Space><Space>:reboot<Enter>y");
    clock(&mut s, 3);
    finished(&mut s, 0, Ok(()));
    clock(&mut s, 5);
    finished(&mut s, 1, Err("domain is not running".into()));
    clock(&mut s, 10);
    keys(&mut s, "gMkvm2<Enter>y");
    clock(&mut s, 12);
    progress(&mut s, 2, 200, 1);
    clock(&mut s, 14);
    progress(&mut s, 2, 450, 2);
    clock(&mut s, 20);
    s
}

fn draw(s: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, s)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn rows_are_selected_and_enter_opens_the_details() {
    let mut s = with_ops();
    assert_eq!(s.ops.list.len(), 3);
    keys(&mut s, "O");
    assert_eq!(s.screen().view, View::Ops);
    assert_eq!(s.screen().table.selected, 0, "the newest first");
    keys(&mut s, "jj");
    assert_eq!(s.screen().table.selected, 2);
    keys(&mut s, "j");
    assert_eq!(s.screen().table.selected, 2, "the last row holds");
    keys(&mut s, "k<Enter>");
    assert_eq!(
        s.screen().view,
        View::Op { id: 1 },
        "the failed reboot of db-1"
    );
    keys(&mut s, "<Esc>");
    assert_eq!(s.screen().view, View::Ops);
    assert_eq!(s.screen().table.selected, 1, "back on the same row");
}

#[test]
fn an_operations_steps_are_timed_and_it_gets_one_audit_entry() {
    let s = with_ops();
    let failed = s.ops.get(1).expect("op 1");
    let steps: Vec<(u64, &str)> = failed
        .steps
        .iter()
        .map(|st| (secs(st.at), st.text.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            (0, "asked: reboot"),
            (5, "failed: db-1 is not running (domain is not running)")
        ]
    );
    assert_eq!(failed.duration(s.now), Duration::from_secs(5));
    assert_eq!(
        failed.audit.as_deref(),
        Some(
            "reboot · vm db-1 · prod/kvm1 · result: failed: db-1 is not running (domain is not running)"
        )
    );
    let migration = s.ops.get(2).expect("op 2");
    let texts: Vec<&str> = migration.steps.iter().map(|st| st.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "asked: migrate to=kvm2 live",
            "the hypervisor's job is under way",
            "memory pass 2"
        ]
    );
    assert_eq!(
        migration.duration(s.now),
        Duration::from_secs(10),
        "still running"
    );
    assert!(migration.audit.is_none());
}

#[test]
fn the_header_stays_while_many_rows_scroll() {
    let mut s = state();
    for _ in 0..40 {
        keys(&mut s, ":reboot<Enter>y");
    }
    keys(&mut s, "O");
    for _ in 0..35 {
        keys(&mut s, "j");
    }
    let screen = draw(&s, 100, 30);
    let lines: Vec<&str> = screen.lines().collect();
    assert!(
        lines[2].contains("ID") && lines[2].contains("RESULT"),
        "{screen}"
    );
    assert!(s.screen().table.offset > 0);
    // Row 35 from the top is operation 4 (the newest is 39), selected and on screen.
    assert!(screen.contains("│   4 reboot"), "{screen}");
}

#[test]
fn the_clock_redraws_only_a_running_operations_time_on_screen() {
    let mut s = with_ops();
    s.take_dirty();
    clock(&mut s, 21);
    assert!(!s.take_dirty().any(), "the list does not show durations");
    keys(&mut s, "O");
    s.take_dirty();
    clock(&mut s, 22);
    assert!(s.take_dirty().screen, "the migration's time counts");
    finished(&mut s, 2, Ok(()));
    s.take_dirty();
    clock(&mut s, 23);
    assert!(!s.take_dirty().any(), "nothing runs: nothing to redraw");
}

#[test]
fn the_operations_view_and_details_render() {
    let mut s = with_ops();
    keys(&mut s, "O");
    insta::assert_snapshot!("ops_160", draw(&s, 160, 12));
    insta::assert_snapshot!("ops_80", draw(&s, 80, 12));
    keys(&mut s, "j<Enter>");
    insta::assert_snapshot!("op_failed_details", draw(&s, 100, 24));
    keys(&mut s, "<Esc>k<Enter>");
    insta::assert_snapshot!("op_running_details", draw(&s, 100, 24));
}

fn secs(at: SystemTime) -> u64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        - T0
}

#[test]
fn x_aborts_the_operation_selected() {
    let mut s = with_ops();
    keys(&mut s, "Oj");
    let refused = keys(&mut s, "x");
    assert!(refused.is_empty());
    assert_eq!(
        common::status(&s),
        "operation 1 is not a running migration or Incus operation"
    );
    keys(&mut s, "k<Enter>");
    let effects = keys(&mut s, "x");
    assert_eq!(effects.len(), 1, "{effects:?}");
    let migration = s.ops.get(2).expect("op 2");
    assert!(migration.abort_requested);
    let last = migration.steps.last().map(|st| st.text.as_str());
    assert_eq!(last, Some("cancel asked for (operation 3)"));
}

#[test]
fn a_new_operation_does_not_move_the_selection_to_another() {
    let mut s = with_ops();
    // The migration's abort is a new row on top: the cursor stays on the migration.
    keys(&mut s, "Ox");
    assert_eq!(s.ops.list.len(), 4);
    assert_eq!(s.screen().table.selected, 1);
    keys(&mut s, "<Enter>");
    assert_eq!(s.screen().view, View::Op { id: 2 });
}
