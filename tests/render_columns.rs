//! Every table at 80×24, 160×48 and 240×60, with and without a console pane beside (or
//! below) the list, on an inventory with long pool and host names, CJK and emoji names and
//! 300 VMs on one host: no text is cut without `…`, no number is cut, NAME stays readable,
//! RESULT stays in the operations and audit views, and a NUMA card with many VMs ends its
//! list with "+N more". Snapshots of each screen keep the text; one style snapshot per
//! list keeps the colours.

mod common;

use common::columns_lab::{inventory, record};
use common::{command, key, keys};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use vmdeck::app::columns::{NAME_MIN, width};
use vmdeck::app::sheets::{self, Sheet};
use vmdeck::app::{Msg, State, update};
use vmdeck::backend::console::ConsoleEvent;

const SIZES: [(u16, u16); 3] = [(80, 24), (160, 48), (240, 60)];

/// The screen after `:line`, at `width`×`height`, with a console open when `console`.
fn screen(line: &str, width: u16, height: u16, console: bool) -> (State, Buffer) {
    let mut s = inventory();
    update(&mut s, Msg::Resize { width, height });
    if console {
        command(&mut s, "vms");
        key(&mut s, KeyCode::Char('c'));
        let opened = Msg::Console {
            id: 0,
            event: ConsoleEvent::Opened,
        };
        update(&mut s, opened);
        // The list keeps the focus, as after a detach.
        keys(&mut s, "<C-]>");
    }
    command(&mut s, line);
    if line.starts_with("host ") {
        // To the NUMA cards, which a console below the list would leave out of sight.
        keys(&mut s, "jjjjjjjj");
    }
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, &s)).unwrap();
    (s, terminal.backend().buffer().clone())
}

/// The screen's lines as text, a wide character once (not followed by its second cell).
fn lines(buffer: &Buffer) -> Vec<String> {
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            let mut line = String::new();
            let mut x = 0;
            while x < area.width {
                let symbol = buffer[(x, y)].symbol();
                line.push_str(symbol);
                x += u16::try_from(width(symbol).max(1)).unwrap();
            }
            line
        })
        .collect()
}

/// `full` is on `line` whole, or cut with `…` after at least `least` characters.
fn shown_or_cut(line: &str, full: &str, least: usize) -> bool {
    if line.contains(full) {
        return true;
    }
    let chars: Vec<char> = full.chars().collect();
    (least.min(chars.len())..chars.len()).any(|n| {
        let prefix: String = chars[..n].iter().collect();
        line.contains(&format!("{prefix}…"))
    })
}

/// Every cell of every row on screen of a list: numbers whole, text whole or cut with `…`,
/// NAME at least readable; the first column is never dropped.
fn check_list(s: &State, buffer: &Buffer, what: &str) {
    let text = lines(buffer);
    let sheet = Sheet::of(&s.screen().view).unwrap();
    let specs = sheet.specs();
    let at = text
        .iter()
        .position(|l| l.contains(specs[0].title))
        .unwrap();
    let layout = s.derived.table.as_ref().expect("a derived layout");
    assert!(
        layout.layout.widths[0].is_some(),
        "{what}: the first column dropped"
    );
    let nav = &s.screen().table;
    for (i, row) in s.rows.iter().skip(nav.offset).take(s.page_rows).enumerate() {
        let line = &text[at + 1 + i];
        for (c, _) in layout.layout.shown() {
            let full = sheets::list_cell(s, *row, c);
            let ok = if specs[c].numeric {
                line.contains(&full)
            } else {
                let least = if c == 0 { NAME_MIN - 1 } else { 1 };
                shown_or_cut(line, &full, least)
            };
            assert!(
                ok,
                "{what}: column {} cut: '{full}' in\n{line}",
                specs[c].title
            );
        }
    }
}

fn check_ops(s: &State, buffer: &Buffer, what: &str) {
    let text = lines(buffer).join("\n");
    assert!(text.contains("RESULT"), "{what}: RESULT dropped\n{text}");
    for op in &s.ops.list {
        let result = sheets::op_cell(op, sheets::OP_RESULT_COLUMN, s.now);
        let found = text.lines().any(|l| shown_or_cut(l, &result, 6));
        assert!(found, "{what}: '{result}' cut\n{text}");
        let vm = &op.target.name;
        let found = text.lines().any(|l| shown_or_cut(l, vm, NAME_MIN - 1));
        assert!(found, "{what}: '{vm}' cut\n{text}");
    }
}

fn check_audit(buffer: &Buffer, what: &str) {
    let text = lines(buffer).join("\n");
    assert!(text.contains("RESULT"), "{what}: RESULT dropped\n{text}");
    for n in 0..4 {
        let r = record(n);
        let time = vmdeck::model::units::utc(r.time as i64);
        let row = text.lines().find(|l| l.contains(&time));
        let row = row.unwrap_or_else(|| panic!("{what}: no row for {n}\n{text}"));
        assert!(shown_or_cut(row, &r.result, 6), "{what}: result cut\n{row}");
    }
}

/// The node 0 card lists the VMs that fit and says how many more, inside the pane.
fn check_numa(buffer: &Buffer, what: &str) {
    let text = lines(buffer);
    let line = text.iter().find(|l| l.contains("VMs ")).expect("a VM list");
    let inner = line.trim_end_matches(['│', ' ']);
    assert!(inner.ends_with(" more"), "{what}: {line}");
}

fn each_screen(line: &str, check: impl Fn(&State, &Buffer, &str)) {
    for (width, height) in SIZES {
        for console in [false, true] {
            let (s, buffer) = screen(line, width, height, console);
            let what = format!("{line} at {width}x{height}, console {console}");
            check(&s, &buffer, &what);
            let name = format!(
                "{}_{width}x{height}{}",
                line.split_whitespace().next().unwrap(),
                if console { "_console" } else { "" }
            );
            insta::assert_snapshot!(name, lines(&buffer).join("\n"));
        }
    }
}

#[test]
fn vms_at_every_size() {
    each_screen("vms", check_list);
}

#[test]
fn hosts_at_every_size() {
    each_screen("hosts", check_list);
}

#[test]
fn pools_at_every_size() {
    each_screen("pools", check_list);
}

#[test]
fn operations_at_every_size() {
    each_screen("ops", check_ops);
}

#[test]
fn audit_at_every_size() {
    each_screen("audit", |_, b, what| check_audit(b, what));
}

#[test]
fn a_numa_card_with_many_vms_at_every_size() {
    each_screen("host opteron-north-1234", |_, b, what| check_numa(b, what));
}

/// The host's allocation keeps its leading digits: 305 vCPUs of 8 + 302.
#[test]
fn the_hosts_alloc_keeps_every_digit() {
    let (_, buffer) = screen("hosts", 80, 24, false);
    let text = lines(&buffer).join("\n");
    assert!(text.contains("326 / "), "{text}");
}

/// The list's style runs: selection bar, state colours and header at 160×48 with a console.
#[test]
fn list_styles_beside_a_console() {
    for line in ["vms", "hosts", "pools"] {
        let (_, buffer) = screen(line, 160, 48, true);
        let mut out = lines(&buffer)[..8].join("\n");
        for y in 1..8 {
            out.push_str(&format!("\n{y}: {}", runs(&buffer, y, 64)));
        }
        insta::assert_snapshot!(format!("styles_{line}_160x48_console"), out);
    }
}

fn runs(buffer: &Buffer, y: u16, width: u16) -> String {
    let style = |x: u16| {
        let s = buffer[(x, y)].style();
        format!("{:?}/{:?}/{:?}", s.fg, s.bg, s.add_modifier)
    };
    let mut out = Vec::new();
    let mut start = 0;
    for x in 1..=width {
        if x == width || style(x) != style(start) {
            out.push(format!("{start}-{} {}", x - 1, style(start)));
            start = x;
        }
    }
    out.join(" · ")
}
