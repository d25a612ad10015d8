//! End-to-end: `:` commands on the lab in a PTY — consoles opened by name from the pools
//! view, Tab completion, and a suggestion for a typo.

mod pty;

use std::time::Duration;

use pty::{Tui, lab_config};

const LONG: Duration = Duration::from_secs(30);

/// vmdeck on the lab, on the pools view with the lab's VMs known.
fn pools_view() -> Option<Tui> {
    let lab = lab_config()?;
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 48);
    tui.wait_text("lab2-web");
    tui.send(":pools\r");
    tui.wait_for("the pools list", LONG, |s| {
        s.contains("pools [") && s.contains("lab-incus")
    });
    Some(tui)
}

/// Waits for `vm`'s console tab to attach, taking it over if an earlier vmdeck still holds it.
fn attached(tui: &mut Tui, vm: &str) -> String {
    let title = format!("{vm} @");
    let done = |s: &str| s.contains(&title) && s.contains("attached");
    let screen = tui.wait_for("attached or asked", LONG, |s| {
        done(s) || s.contains("Take it over?")
    });
    if done(&screen) {
        return screen;
    }
    tui.send("y");
    tui.wait_for("attached", LONG, done)
}

#[test]
fn console_and_watch_by_name_from_the_pools_view() {
    let Some(mut tui) = pools_view() else {
        return;
    };
    tui.send(":console lab1-web\r");
    let screen = attached(&mut tui, "lab1-web");
    assert!(
        screen.contains("pools ["),
        "the pools list stays beside the console"
    );
    assert!(!screen.contains("WATCH-ONLY"));
    tui.send("\x1d");
    tui.wait_text("c attach");
    tui.send(":watch lab2-web\r");
    tui.wait_for("lab2-web watch-only", LONG, |s| {
        s.contains("lab2-web @") && s.contains("attached") && s.contains("WATCH-ONLY")
    });
}

#[test]
fn tab_completes_the_command_and_the_vm() {
    let Some(mut tui) = pools_view() else {
        return;
    };
    tui.send(":con\t");
    tui.wait_for("command completed", LONG, |s| s.contains(":console"));
    tui.send(" lab1-w\t");
    tui.wait_for("VM completed", LONG, |s| {
        s.lines().any(|l| l.trim_end() == ":console lab1-web")
    });
    tui.send("\r");
    attached(&mut tui, "lab1-web");
}

#[test]
fn a_typo_gets_a_suggestion() {
    let Some(mut tui) = pools_view() else {
        return;
    };
    tui.send(":strat\r");
    tui.wait_text("unknown command ':strat' — did you mean :start?");
    tui.send(":vm lab2\r");
    tui.wait_for("VM suggestions", LONG, |s| {
        s.contains("no VM named 'lab2' —") && s.contains("lab2-web")
    });
}
