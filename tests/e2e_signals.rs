//! End-to-end on the lab: SIGINT, SIGQUIT and SIGUSR1 end vmdeck in the list, with a console
//! open and with a question asked, and each time the terminal is given back as it was: line
//! mode with echo (`stty -a` shows `icanon echo`), the main screen, a visible cursor, no mouse
//! reporting and no bracketed paste.

mod pty;

use std::time::Duration;

use pty::{Tui, lab_config};

const LONG: Duration = Duration::from_secs(30);
const SIGNALS: [(i32, &str); 3] = [
    (libc::SIGINT, "SIGINT"),
    (libc::SIGQUIT, "SIGQUIT"),
    (libc::SIGUSR1, "SIGUSR1"),
];

/// vmdeck on the lab with `lab1-db` selected.
fn on_lab1_db() -> Option<Tui> {
    let lab = lab_config()?;
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 48);
    tui.wait_text("lab1-db");
    tui.send("/lab1-db\r");
    Some(tui)
}

/// Sends `signal`; vmdeck must exit with 128 + its number and the terminal be restored.
fn end_with(mut tui: Tui, signal: i32, name: &str, context: &str) {
    let pid = tui.pid().expect("pid") as libc::pid_t;
    // SAFETY: signals our own child.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    let status = tui
        .wait_exit(LONG)
        .unwrap_or_else(|| panic!("{name} {context}: vmdeck did not exit"));
    assert_eq!(status.exit_code(), 128 + signal as u32, "{name} {context}");
    assert_eq!(
        tui.canonical_with_echo(),
        (true, true),
        "{name} {context}: icanon echo"
    );
    assert!(
        !tui.alternate_screen(),
        "{name} {context}: alternate screen"
    );
    assert!(!tui.cursor_hidden(), "{name} {context}: cursor hidden");
    assert!(!tui.mouse_or_paste_on(), "{name} {context}: mouse/paste");
}

#[test]
fn ending_signals_restore_the_terminal_in_the_list() {
    for (signal, name) in SIGNALS {
        let Some(tui) = on_lab1_db() else { return };
        end_with(tui, signal, name, "in the list");
    }
}

#[test]
fn ending_signals_restore_the_terminal_in_a_console() {
    for (signal, name) in SIGNALS {
        let Some(mut tui) = on_lab1_db() else { return };
        tui.send("c");
        let attached = |s: &str| s.contains("lab1-db @") && s.contains("attached");
        let screen = tui.wait_for("attached or asked", LONG, |s| {
            attached(s) || s.contains("Take it over?")
        });
        if !attached(&screen) {
            tui.send("y");
            tui.wait_for("attached", LONG, attached);
        }
        // The pane turns mouse reporting on: the restore must turn it off again.
        assert!(tui.mouse_or_paste_on());
        end_with(tui, signal, name, "in a console");
    }
}

#[test]
fn ending_signals_restore_the_terminal_in_a_question() {
    for (signal, name) in SIGNALS {
        let Some(mut tui) = on_lab1_db() else { return };
        tui.send("R");
        tui.wait_text("Reboot lab1-db on lab1? [y/N]");
        end_with(tui, signal, name, "in a question");
    }
}

#[test]
fn an_alarm_does_not_end_vmdeck() {
    let Some(mut tui) = on_lab1_db() else { return };
    let pid = tui.pid().expect("pid") as libc::pid_t;
    // SAFETY: signals our own child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGALRM) }, 0);
    assert!(
        tui.wait_exit(Duration::from_secs(2)).is_none(),
        "SIGALRM ended vmdeck"
    );
    tui.send("q");
    tui.wait_exit(LONG).expect("q quits after the alarm");
    assert_eq!(tui.canonical_with_echo(), (true, true));
}
