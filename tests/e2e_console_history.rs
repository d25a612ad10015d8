//! End-to-end: the history (copy mode) of a real lab guest's serial console in vmdeck, in a
//! PTY: `S-PgUp` enters one page back, PgUp pages by the pane's height, `g`/`G` go to the
//! ends with the position shown, and a search says when it runs out of matches.

mod pty;

use std::time::Duration;

use pty::{Tui, lab_config};

const LONG: Duration = Duration::from_secs(30);
const VM: &str = "lab3-web";
const SHIFT_PAGE_UP: &str = "\x1b[5;2~";
const PAGE_UP: &str = "\x1b[5~";

/// vmdeck on the lab with `VM`'s console attached (taken over if another client has it).
fn console() -> Option<Tui> {
    let lab = lab_config()?;
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 48);
    tui.wait_text("vms [");
    tui.send(&format!("/{VM}\r"));
    tui.wait_for("the guest listed", LONG, |s| s.contains(&format!("│{VM} ")));
    tui.send("c");
    let attached = |s: &str| s.contains(&format!("{VM} @")) && s.contains("attached");
    let screen = tui.wait_for("attached or asked", LONG, |s| {
        attached(s) || s.contains("Take it over?")
    });
    if !attached(&screen) {
        tui.send("y");
        tui.wait_for("attached", LONG, attached);
    }
    Some(tui)
}

/// `(line, of)` from the pane title's `HISTORY line 1 234 of 10 000`.
fn position(screen: &str) -> Option<(usize, usize)> {
    let at = screen.find("HISTORY line ")? + "HISTORY line ".len();
    let rest = &screen[at..];
    let (line, rest) = rest.split_once(" of ")?;
    let total: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ' ')
        .collect();
    let number = |t: &str| t.replace(' ', "").trim().parse().ok();
    Some((number(line)?, number(&total)?))
}

fn wait_position(tui: &Tui, what: &str, pred: impl Fn(usize, usize) -> bool) -> (usize, usize) {
    let screen = tui.wait_for(what, LONG, |s| position(s).is_some_and(|(l, t)| pred(l, t)));
    position(&screen).unwrap_or_default()
}

#[test]
fn history_pages_by_the_pane_and_searches_to_the_end() {
    let Some(mut tui) = console() else { return };
    tui.send("\r");
    tui.send(
        "i=0; while [ $i -lt 1500 ]; do echo hist-$i; i=$((i+1)); done; echo done-$((2*21))\r",
    );
    tui.wait_text("done-42");

    tui.send(SHIFT_PAGE_UP);
    let (first, total) = wait_position(&tui, "history, one page back", |l, t| l < t);
    let page = total - first;
    assert!(
        page > 5,
        "one page is the pane's height, not one line: {page}"
    );
    tui.send(PAGE_UP);
    let (second, _) = wait_position(&tui, "a second page", |l, _| l < first);
    assert_eq!(first - second, page, "every page the same height");

    tui.send("g");
    wait_position(&tui, "the oldest line", |l, _| l == 1);
    tui.send("G");
    wait_position(&tui, "the newest line", |l, t| l == t);

    tui.send("/hist-700\r");
    tui.wait_for("the match shown", LONG, |s| {
        s.lines().any(|l| l.contains("│hist-700 "))
    });
    tui.send("n");
    tui.wait_text("no more matches for 'hist-700'");
    tui.send("q");
    tui.wait_for("live again", LONG, |s| !s.contains("HISTORY"));
    tui.send("echo live-$((3*3))\r");
    tui.wait_text("live-9");
}
