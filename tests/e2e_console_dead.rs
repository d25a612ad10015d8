//! End-to-end on the lab: a console whose host's daemon is killed says so within 5 s, in the
//! pane and headless; an Incus console whose server stops or hangs says so too. Uses lab3
//! (the host kill tests may take down) and the standalone incusd; both are always started
//! (or resumed) again.

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
    // Filtered first: with many bulk domains (LAB_VMS) it is not on the first screen.
    tui.wait_text("hosts 6/6 up");
    tui.send("/lab3-db\r");
    tui.wait_for("lab3-db listed", LONG, |_| {
        tui.line_with("│lab3-db ").is_some()
    });
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

/// The Incus tests of this file stop the same server: one at a time.
static INCUSD: Mutex<()> = Mutex::new(());

fn incusd() -> MutexGuard<'static, ()> {
    INCUSD
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starts incusd again when the test ends, however it ends.
struct RestartIncus;

impl Drop for RestartIncus {
    fn drop(&mut self) {
        lab_ctl(&["incus-start"]);
    }
}

#[test]
fn an_incus_console_whose_server_stops_is_closed_within_5_s() {
    let Some(lab) = lab_config() else { return };
    let _one_at_a_time = incusd();
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 48);
    tui.wait_text("hosts 6/6 up");
    tui.send("/c1\r");
    tui.wait_for("c1 listed", LONG, |_| tui.line_with("│c1 ").is_some());
    tui.send("c");
    let attached = |s: &str| s.contains("c1 @") && s.contains("attached");
    tui.wait_for("attached", LONG, attached);
    let _restart = RestartIncus;
    lab_ctl(&["incus-stop"]);
    let stopped = Instant::now();
    let screen = tui.wait_for("the console closed", Duration::from_secs(5), |s| {
        s.contains("c1 @ vm · closed") && s.contains("the Incus server was lost")
    });
    assert!(stopped.elapsed() <= Duration::from_secs(5), "{screen}");
}

/// A server that stops answering without closing anything (SIGSTOP: a hung incusd) is found
/// by the console's own probe within its 4 s silence limit and a probe interval, and the
/// server by the call timeout.
#[test]
fn an_incus_console_and_server_that_hang_are_closed_and_marked_down() {
    let Some(lab) = lab_config() else { return };
    let _one_at_a_time = incusd();
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 48);
    tui.wait_text("hosts 6/6 up");
    tui.send("/c2\r");
    tui.wait_for("c2 listed", LONG, |_| tui.line_with("│c2 ").is_some());
    tui.send("c");
    tui.wait_for("attached", LONG, |s| {
        s.contains("c2 @") && s.contains("attached")
    });
    let pid = incusd_pid(&lab);
    let _resume = Resume(pid);
    signal(pid, "-STOP");
    let stopped = Instant::now();
    let screen = tui.wait_for("the console closed", Duration::from_secs(8), |s| {
        s.contains("c2 @ vm · closed") && s.contains("the Incus server stopped answering")
    });
    assert!(stopped.elapsed() <= Duration::from_secs(8), "{screen}");
    // The server itself is marked down once a call has gone unanswered for 15 s.
    tui.send("\x1d:hosts lab-incus\r");
    tui.wait_for("the server down", Duration::from_secs(30), |s| {
        s.contains("not answering: no reply within 15 s")
    });
}

/// The lab's standalone incusd, from the lab's pid file (`incusd fork…` helpers of the
/// containers run under the same program name, so the process list cannot tell them apart).
fn incusd_pid(lab: &std::path::Path) -> u32 {
    // The lab's config is `$LAB_DIR/vmdeck.toml`; its pid files are in `$LAB_DIR/run`.
    let lab_dir = lab.parent().expect("the lab config is in the lab dir");
    let path = lab_dir.join("run/incusd.pid");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.trim().parse().expect("a pid in the lab's incusd.pid")
}

fn signal(pid: u32, signal: &str) {
    let _ = std::process::Command::new("kill")
        .args([signal, &pid.to_string()])
        .status();
}

/// Lets incusd run again when the test ends, however it ends.
struct Resume(u32);

impl Drop for Resume {
    fn drop(&mut self) {
        signal(self.0, "-CONT");
    }
}
