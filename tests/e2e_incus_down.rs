//! End-to-end: the lab's incusd stops and starts again while vmdeck runs, once while an
//! operation is under way. In its own test binary because it takes the Incus server away
//! from every other test.

mod pty;

use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl};

#[test]
fn a_stopped_incus_is_marked_down_and_recovers_without_a_restart() {
    let _one = one_at_a_time();
    let Some(lab) = lab_config() else { return };
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 40);
    tui.wait_text("hosts 6/6 up");
    tui.send("H");
    let row = |tui: &Tui| tui.line_with("lab-incu").unwrap_or_default();
    tui.wait_for("the Incus host", Duration::from_secs(10), |_| {
        row(&tui).contains(" up ")
    });
    without_incus("incus-stop", || {
        tui.wait_for("Incus down", Duration::from_secs(30), |_| {
            row(&tui).contains("down")
        });
        assert!(tui.screen().contains("hosts 5/6 up"), "{}", tui.screen());
    });
    tui.wait_for("Incus back", Duration::from_secs(60), |s| {
        s.contains("hosts 6/6 up")
    });
    tui.send("V");
    tui.wait_for("containers listed again", Duration::from_secs(10), |_| {
        tui.line_with("│c1 ").is_some_and(|l| l.contains("running"))
    });
}

/// An operation the server was carrying out when its connection dropped still ends in the
/// operations view once the server is back (its result does not go with the lost
/// connection); c2 is started again whatever happens.
#[test]
fn an_operation_cut_off_by_a_lost_connection_still_ends() {
    let _one = one_at_a_time();
    let Some(lab) = lab_config() else { return };
    let _restart = StartAgain("c2");
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 160, 40);
    tui.wait_text("hosts 6/6 up");
    tui.send(":vm c2\r");
    tui.wait_text("kind");
    tui.send("d");
    tui.wait_text("[y/N]");
    tui.send("y");
    // The graceful stop takes the busybox container two seconds: incusd dies in the middle
    // (a stopped one would finish its operations first).
    without_incus("incus-kill", || {
        tui.wait_text("hosts 5/6 up");
    });
    tui.wait_for("Incus back", Duration::from_secs(60), |s| {
        s.contains("hosts 6/6 up")
    });
    tui.send("O");
    let ended = |line: &str| line.contains("done") || line.contains("failed");
    let screen = tui.wait_for("the shutdown's end", Duration::from_secs(60), |_| {
        tui.line_with(" c2 ").is_some_and(|l| ended(&l))
    });
    assert!(!screen.contains("[1 running"), "{screen}");
}

/// Takes incusd away (`how`: `incus-stop` or `incus-kill`) while `away` runs; whatever
/// happens there, the lab gets its Incus back.
fn without_incus(how: &str, away: impl FnOnce()) {
    lab_ctl(&[how]);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(away));
    lab_ctl(&["incus-start"]);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

/// Starts the container when dropped (it may be stopped or running: an error is fine).
struct StartAgain(&'static str);

impl Drop for StartAgain {
    fn drop(&mut self) {
        let _ = std::process::Command::new("incus")
            .args(["start", self.0])
            .output();
    }
}

/// Both tests take incusd away: one at a time (a test that fails does not stop the next).
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ONE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
