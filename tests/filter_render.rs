//! The filter on screen: the count `n of N`, the prefixes hinted in the filter line, an
//! invalid regex's error there, and what was found marked in the rows.

mod common;

use common::{keys, state};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;
use vmdeck::app::State;

fn draw(state: &State, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, state)).unwrap();
    terminal.backend().buffer().clone()
}

fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The characters of row `y` drawn with the filter's mark (bold and underlined).
fn marked(buffer: &Buffer, y: u16) -> String {
    let wanted = Modifier::BOLD | Modifier::UNDERLINED;
    (0..buffer.area.width)
        .map(|x| &buffer[(x, y)])
        .filter(|c| c.style().add_modifier.contains(wanted))
        .map(|c| c.symbol())
        .collect()
}

#[test]
fn a_regex_filter_being_typed() {
    let mut s = state();
    keys(&mut s, "/~^(api|spare)");
    let screen = draw(&s, 80, 24);
    insta::assert_snapshot!(text(&screen));
    assert_eq!(marked(&screen, 3), "api", "in the NAME cell only");
    assert_eq!(marked(&screen, 4), "spare");
}

#[test]
fn what_substring_and_fuzzy_found_is_marked() {
    let mut s = state();
    keys(&mut s, "/DB<Enter>");
    let screen = draw(&s, 80, 24);
    assert!(text(&screen).contains("vms [1 of 3] /DB"));
    assert_eq!(marked(&screen, 3), "db");
    keys(&mut s, "/<C-u>%sml<Enter>");
    let screen = draw(&s, 80, 24);
    assert_eq!(marked(&screen, 3), "sml", "the letters of small in TYPE");
    keys(&mut s, "/<C-u>!db<Enter>");
    let screen = draw(&s, 80, 24);
    assert_eq!(marked(&screen, 3), "", "an inverted filter marks nothing");
}

#[test]
fn an_invalid_regex_shows_its_error_in_the_filter_line() {
    let mut s = state();
    keys(&mut s, "/~db(");
    let screen = draw(&s, 80, 24);
    let lines = text(&screen);
    let line = lines.lines().nth(22).unwrap_or_default();
    assert_eq!(line.trim_end(), "/~db(  invalid regex: unclosed group");
    assert!(
        lines.contains("vms [1 of 3] /~db("),
        "the rows of ~db stay: {lines}"
    );
}
