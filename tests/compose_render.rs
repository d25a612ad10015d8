//! Render snapshots of the compose form with its placement preview, wide and narrow.

mod common;

use common::compose_lab::{CONFIG, lab, lab_with};
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
    let effects = key(&mut s, KeyCode::Enter);
    common::read_files(&mut s, effects);
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

/// A read-only pool whose hosts have not listed their images yet; the user-data focused.
#[test]
fn read_only_form_while_images_load_at_80x24() {
    let config = CONFIG.replace("name = \"lab\"\n", "name = \"lab\"\nread_only = true\n");
    let mut s = lab_with(&config, false);
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    key(&mut s, KeyCode::Char('n'));
    typed(&mut s, "web");
    for _ in 0..6 {
        key(&mut s, KeyCode::Tab);
    }
    insta::assert_snapshot!(draw(&s, 80, 24));
}

#[test]
fn images_view_lists_each_hosts_volumes() {
    let mut s = lab(CONFIG);
    update(
        &mut s,
        Msg::Resize {
            width: 100,
            height: 10,
        },
    );
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "images");
    key(&mut s, KeyCode::Enter);
    insta::assert_snapshot!(draw(&s, 100, 10));
}
