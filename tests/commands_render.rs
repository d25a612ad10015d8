//! Render snapshots of help (generated from the keymap and the command table) and of the
//! completion candidates above the `:` line.

mod common;

use common::{key, state, typed};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use vmdeck::app::State;

fn buffer(state: &State, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, state)).unwrap();
    terminal.backend().buffer().clone()
}

fn draw(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, state)).unwrap();
    terminal.backend().to_string()
}

fn help() -> State {
    let mut s = state();
    key(&mut s, KeyCode::Char('?'));
    s
}

#[test]
fn help_80x24() {
    insta::assert_snapshot!(draw(&help(), 80, 24));
}

#[test]
fn help_160x48_in_columns() {
    insta::assert_snapshot!(draw(&help(), 160, 48));
}

#[test]
fn help_scrolls() {
    let mut s = help();
    for _ in 0..40 {
        key(&mut s, KeyCode::Char('j'));
    }
    insta::assert_snapshot!(draw(&s, 80, 24));
}

#[test]
fn completion_candidates_above_the_input_line() {
    let mut s = state();
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "console ");
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Tab);
    insta::assert_snapshot!(draw(&s, 80, 24));
    // The candidate Tab chose is drawn selected, the others as text.
    let buf = buffer(&s, 80, 24);
    let theme = vmdeck::theme::Theme::builtin();
    // The box is the four rows above the input line; its third row holds the candidates.
    let row = 20;
    let at = |word: &str| {
        let line: String = (0..80)
            .map(|x| buf[(x, row)].symbol().to_string())
            .collect();
        line[..line.find(word).unwrap()].chars().count() as u16
    };
    let x = at("db-1");
    assert_eq!(buf[(x, row)].bg, theme.style("selected").bg.unwrap());
    let api = at("api-1");
    assert_ne!(buf[(api, row)].bg, theme.style("selected").bg.unwrap());
}

#[test]
fn completion_of_a_command_name() {
    let mut s = state();
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "s");
    insta::assert_snapshot!(draw(&s, 80, 12));
}
