//! The console's history (copy mode) through key sequences: `S-PgUp` enters one page back,
//! PgUp/PgDn page by the pane's height, `g`/`G` go to the ends, the position is counted,
//! output while reading keeps the view, and a search says when it runs out of matches.

mod common;

use common::{keys, state, status};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vmdeck::app::console::ConsoleTab;
use vmdeck::app::{Msg, State, update};
use vmdeck::backend::console::ConsoleEvent;

fn output(s: &mut State, text: &str) {
    let event = ConsoleEvent::Data(text.as_bytes().to_vec());
    update(s, Msg::Console { id: 0, event });
}

/// db-1's console, attached, after `count` lines `line 0` … (with `marker` at 100 and 700).
fn with_history(count: usize) -> State {
    let mut s = state();
    keys(&mut s, "jc");
    update(
        &mut s,
        Msg::Console {
            id: 0,
            event: ConsoleEvent::Opened,
        },
    );
    let text: String = (0..count)
        .map(|i| match i {
            100 | 700 => format!("line {i} marker\r\n"),
            _ => format!("line {i}\r\n"),
        })
        .collect();
    output(&mut s, &text);
    s
}

fn tab(s: &State) -> &ConsoleTab {
    s.consoles.active().expect("a console")
}

fn rows(s: &State) -> usize {
    usize::from(tab(s).screen.size().0)
}

/// The first line of the pane as shown.
fn top_line(s: &State) -> String {
    tab(s).screen.row_text(0)
}

fn position(s: &State) -> String {
    tab(s)
        .copy
        .as_ref()
        .map(|c| c.position())
        .unwrap_or_default()
}

#[test]
fn shift_page_up_enters_one_page_back_and_pages_go_by_the_panes_height() {
    let mut s = with_history(1000);
    let r = rows(&s);
    assert!(r > 5, "a pane of {r} rows");
    // 1000 lines and the empty prompt line below them: 1001 lines.
    assert_eq!(top_line(&s), format!("line {}", 1001 - r));
    keys(&mut s, "<S-PageUp>");
    assert!(tab(&s).copy.is_some(), "in history");
    assert_eq!(
        tab(&s).screen.scrollback(),
        r,
        "one whole page back at once"
    );
    assert_eq!(top_line(&s), format!("line {}", 1001 - 2 * r));
    assert_eq!(tab(&s).copy.as_ref().map(|c| c.lines), Some(1001));
    keys(&mut s, "<PageUp>");
    assert_eq!(
        tab(&s).screen.scrollback(),
        2 * r,
        "every page is the pane's height"
    );
    keys(&mut s, "<PageUp><PageDown>");
    assert_eq!(tab(&s).screen.scrollback(), 2 * r);
    keys(&mut s, "<PageDown><PageDown><PageDown>");
    assert_eq!(
        tab(&s).screen.scrollback(),
        0,
        "newest page; still in history"
    );
    assert!(tab(&s).copy.is_some());
}

#[test]
fn g_and_shift_g_go_to_the_ends_and_the_position_follows() {
    let mut s = with_history(1000);
    let r = rows(&s);
    keys(&mut s, "<S-PageUp>");
    let total = 1001;
    assert_eq!(
        position(&s),
        format!("line {} of {}", 1001 - r, group(total))
    );
    keys(&mut s, "g");
    assert_eq!(top_line(&s), "line 0");
    assert_eq!(position(&s), format!("line 1 of {}", group(total)));
    keys(&mut s, "G");
    assert_eq!(tab(&s).screen.scrollback(), 0);
    assert_eq!(position(&s), format!("line {0} of {0}", group(total)));
    keys(&mut s, "k");
    let up_one = format!("line {} of {}", group(total - 1), group(total));
    assert_eq!(position(&s), up_one);
}

#[test]
fn output_while_reading_history_keeps_the_view_and_the_cursor_line() {
    let mut s = with_history(300);
    keys(&mut s, "<S-PageUp>");
    let (top, at) = (top_line(&s), position(&s));
    output(&mut s, "new 1\r\nnew 2\r\nnew 3\r\n");
    assert_eq!(top_line(&s), top, "the view did not move");
    let cursor_line = |p: &str| p.split(" of ").next().unwrap_or_default().to_string();
    assert_eq!(cursor_line(&position(&s)), cursor_line(&at));
    // At the newest page too (the emulator itself only keeps a view that is scrolled back).
    keys(&mut s, "G");
    let top = top_line(&s);
    output(&mut s, "new 4\r\n");
    assert_eq!(top_line(&s), top);
    keys(&mut s, "q");
    assert!(tab(&s).copy.is_none());
    assert_eq!(tab(&s).screen.scrollback(), 0, "back to live");
}

#[test]
fn a_search_says_when_there_are_no_more_matches() {
    let mut s = with_history(1000);
    keys(&mut s, "<S-PageUp>/marker<Enter>");
    assert!(screen_has(&s, "line 700 marker"), "the newest match first");
    keys(&mut s, "n");
    assert!(screen_has(&s, "line 100 marker"));
    assert_eq!(status(&s), "");
    keys(&mut s, "n");
    assert_eq!(
        status(&s),
        "no more matches for 'marker' (the oldest line is reached)"
    );
    assert!(
        screen_has(&s, "line 100 marker"),
        "the view stays on the last match"
    );
    keys(&mut s, "N");
    assert!(screen_has(&s, "line 700 marker"));
    keys(&mut s, "N");
    assert_eq!(
        status(&s),
        "no more matches for 'marker' (the newest line is reached)"
    );
    keys(&mut s, "/nowhere<Enter>");
    assert_eq!(status(&s), "'nowhere' not found");
}

#[test]
fn the_history_pane_shows_where_it_is() {
    let mut s = state();
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    keys(&mut s, "jc");
    let opened = ConsoleEvent::Opened;
    update(
        &mut s,
        Msg::Console {
            id: 0,
            event: opened,
        },
    );
    keys(&mut s, "<Enter>~z");
    let text: String = (0..10_000)
        .map(|i| format!("boot message {i}\r\n"))
        .collect();
    output(&mut s, &text);
    keys(&mut s, "<S-PageUp><PageUp>k");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, &s)).unwrap();
    insta::assert_snapshot!(terminal.backend().to_string());
}

fn screen_has(s: &State, text: &str) -> bool {
    tab(s).screen.contents().contains(text)
}

fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(d);
    }
    out
}
