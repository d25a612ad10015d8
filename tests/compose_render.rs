//! Render snapshots of the compose form with its placement preview, wide and narrow.

mod common;

use common::compose_lab::{CONFIG, lab};
use common::{key, typed};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vmdeck::app::{Msg, State, update};

fn draw(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, state)).unwrap();
    terminal.backend().to_string()
}

/// A set of 4 under hard anti-affinity over 3 hosts: three placed, the fourth refused.
fn form(width: u16, height: u16) -> State {
    let mut s = lab(CONFIG);
    update(&mut s, Msg::Resize { width, height });
    let dir = tempfile::tempdir().unwrap();
    let user_data = dir.path().join("ud.yaml");
    std::fs::write(&user_data, "#cloud-config\nhostname: {{name}}\n").unwrap();
    key(&mut s, KeyCode::Char(':'));
    typed(
        &mut s,
        &format!(
            "compose db --type small --image deb --count 4 --group apart --user-data {}",
            user_data.display()
        ),
    );
    key(&mut s, KeyCode::Enter);
    s
}

#[test]
fn compose_form_and_preview_at_160x48() {
    insta::assert_snapshot!(draw(&form(160, 48), 160, 48));
}

#[test]
fn compose_form_and_preview_at_80x24() {
    insta::assert_snapshot!(draw(&form(80, 24), 80, 24));
}
