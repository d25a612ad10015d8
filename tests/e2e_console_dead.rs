//! End-to-end on the lab: a console whose host's daemon is killed says so within 5 s, in the
//! pane and headless. Uses lab3 (the host kill tests may take down); the daemon is always
//! started again.

mod pty;

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use pty::{Tui, lab_config, lab_ctl};

const LONG: Duration = Duration::from_secs(30);

/// The tests of this file kill the same daemon: one at a time.
static LAB3: Mutex<()> = Mutex::new(());

fn lab3() -> MutexGuard<'static, ()> {
    LAB3.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

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
    let _one_at_a_time = lab3();
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

#[test]
fn a_headless_console_whose_host_is_killed_exits_non_zero_with_the_reason() {
    let Some(lab) = lab_config() else { return };
    let _one_at_a_time = lab3();
    let args = ["--config", lab.to_str().unwrap(), "console", "lab3-web"];
    let mut tui = Tui::spawn(&args, 100, 30);
    let screen = tui.wait_for("connected or asked", LONG, |s| {
        s.contains("Connected to lab3-web") || s.contains("Take it over?")
    });
    if !screen.contains("Connected to lab3-web") {
        tui.send("y\r");
        tui.wait_text("Connected to lab3-web");
    }
    let _restart = Restart;
    lab_ctl(&["host-kill", "3"]);
    let killed = Instant::now();
    let status = tui
        .wait_exit(Duration::from_secs(5))
        .expect("vmdeck console exits within 5 s of its host's death");
    assert!(killed.elapsed() <= Duration::from_secs(5));
    assert!(!status.success(), "a lost host is not a detach");
    let screen = tui.screen();
    assert!(screen.contains("vmdeck: the host was lost"), "{screen}");
}
