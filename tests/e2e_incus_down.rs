//! End-to-end: the lab's incusd stops and starts again while vmdeck runs. In its own test
//! binary because it takes the Incus server away from every other test.

mod pty;

use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl};

#[test]
fn a_stopped_incus_is_marked_down_and_recovers_without_a_restart() {
    let Some(lab) = lab_config() else { return };
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 40);
    tui.wait_text("hosts 6/6 up");
    tui.send("H");
    let row = |tui: &Tui| tui.line_with("lab-incu").unwrap_or_default();
    tui.wait_for("the Incus host", Duration::from_secs(10), |_| {
        row(&tui).contains(" up ")
    });
    lab_ctl(&["incus-stop"]);
    let stopped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        tui.wait_for("Incus down", Duration::from_secs(30), |_| {
            row(&tui).contains("down")
        });
        assert!(tui.screen().contains("hosts 5/6 up"), "{}", tui.screen());
    }));
    // Whatever happened above, the lab gets its Incus back.
    lab_ctl(&["incus-start"]);
    if let Err(panic) = stopped {
        std::panic::resume_unwind(panic);
    }
    tui.wait_for("Incus back", Duration::from_secs(60), |s| {
        s.contains("hosts 6/6 up")
    });
    tui.send("V");
    tui.wait_for("containers listed again", Duration::from_secs(10), |_| {
        tui.line_with("│c1 ").is_some_and(|l| l.contains("running"))
    });
}
