//! End-to-end on the lab: a console whose host's daemon is killed says so within 5 s.
//! Uses lab3 (the host kill tests may take down); the daemon is always started again.

mod pty;

use std::time::{Duration, Instant};

use pty::{Tui, lab_config, lab_ctl};

const LONG: Duration = Duration::from_secs(30);

/// Starts lab3's daemon again when the test ends, however it ends.
struct Restart;

impl Drop for Restart {
    fn drop(&mut self) {
        lab_ctl(&["host-start", "3"]);
    }
}

#[test]
fn a_console_whose_host_is_killed_is_closed_within_5_s() {
    let Some(lab) = lab_config() else { return };
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 48);
    tui.wait_text("lab3-db");
    tui.send("/lab3-db\r");
    tui.send("c");
    let attached = |s: &str| s.contains("lab3-db @") && s.contains("attached");
    let screen = tui.wait_for("attached or asked", LONG, |s| {
        attached(s) || s.contains("Take it over?")
    });
    if !attached(&screen) {
        tui.send("y");
        tui.wait_for("attached", LONG, attached);
    }
    let _restart = Restart;
    lab_ctl(&["host-kill", "3"]);
    let killed = Instant::now();
    tui.wait_for("the console closed", Duration::from_secs(5), |s| {
        s.contains("lab3-db @ lab3 · closed") && s.contains("the host was lost")
    });
    assert!(killed.elapsed() <= Duration::from_secs(5));
}
