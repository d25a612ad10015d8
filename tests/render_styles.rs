//! Style snapshots: the VM list, the host view and a question in every shipped theme, as text
//! and as each row's runs of style (foreground, background, modifiers), so a test sees what the
//! admin sees — not only the characters. NO_COLOR's mono theme included.

mod common;

use common::{command, key, state};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};
use vmdeck::app::State;
use vmdeck::theme::{BUILTIN_THEMES, Theme};

/// The screen as text, then each row's style runs: `row 3: 0-79 #e4e6eb/#1c1f26 · 2-8 …`.
fn styled(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, state)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = terminal.backend().to_string();
    out.push_str("\nstyles:\n");
    for y in 0..height {
        out.push_str(&format!("{y:>2}: {}\n", runs(&buffer, y).join(" · ")));
    }
    out
}

fn runs(buffer: &Buffer, y: u16) -> Vec<String> {
    let width = buffer.area.width;
    let style_at = |x: u16| buffer[(x, y)].style();
    let mut runs = Vec::new();
    let mut start = 0;
    for x in 1..=width {
        if x == width || style_at(x) != style_at(start) {
            runs.push(format!("{start}-{} {}", x - 1, describe(style_at(start))));
            start = x;
        }
    }
    runs
}

fn describe(style: Style) -> String {
    let colour = |c: Option<Color>| match c {
        Some(Color::Rgb(r, g, b)) => format!("#{r:02x}{g:02x}{b:02x}"),
        Some(Color::Reset) | None => "-".into(),
        Some(other) => format!("{other:?}"),
    };
    let mut text = format!("{}/{}", colour(style.fg), colour(style.bg));
    for (modifier, name) in [
        (Modifier::BOLD, "b"),
        (Modifier::UNDERLINED, "u"),
        (Modifier::REVERSED, "r"),
        (Modifier::ITALIC, "i"),
    ] {
        if style.add_modifier.contains(modifier) {
            text.push_str(name);
        }
    }
    text
}

fn themed(name: &str) -> State {
    let mut s = state();
    s.themes.global = Theme::named_builtin(name).unwrap();
    s.themes.by_name.clear();
    s
}

#[test]
fn the_vm_list_in_every_theme() {
    for (name, _) in BUILTIN_THEMES {
        let mut s = themed(name);
        key(&mut s, KeyCode::Down);
        insta::assert_snapshot!(format!("vms_{name}"), styled(&s, 80, 12));
    }
}

#[test]
fn the_host_view_in_every_theme() {
    for (name, _) in BUILTIN_THEMES {
        let mut s = themed(name);
        command(&mut s, "host kvm1");
        insta::assert_snapshot!(format!("host_{name}"), styled(&s, 100, 20));
    }
}

#[test]
fn a_question_in_every_theme() {
    for (name, _) in BUILTIN_THEMES {
        let mut s = themed(name);
        command(&mut s, "vm api-1");
        command(&mut s, "reboot");
        insta::assert_snapshot!(format!("question_{name}"), styled(&s, 80, 16));
    }
}

/// In a coloured theme no cell shows the terminal's own background: every one is painted.
#[test]
fn no_cell_is_left_with_the_terminals_background() {
    for (name, _) in BUILTIN_THEMES.iter().filter(|(n, _)| *n != "mono") {
        let s = themed(name);
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal.draw(|f| vmdeck::ui::render(f, &s)).unwrap();
        let buffer = terminal.backend().buffer();
        for y in 0..24 {
            for x in 0..80 {
                let bg = buffer[(x, y)].style().bg;
                assert!(
                    matches!(bg, Some(Color::Rgb(..))),
                    "{name}: cell {x},{y} has background {bg:?}"
                );
            }
        }
    }
}
