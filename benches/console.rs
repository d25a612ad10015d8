//! Console budgets (release build): bytes/s through the console emulator for a boot log and
//! for a full-screen program (target ≥ 50 MB/s parse), and the cost of drawing the pane with
//! an empty versus a full 10 000-line history (it must not grow with history).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vmdeck::console::screen::ConsoleScreen;
use vmdeck::ui::TerminalView;

#[path = "common/boot_log.rs"]
mod boot_log;
use boot_log::boot_log;

/// Screens of a top-like program: home, clear, cursor moves, reverse video, full redraws.
fn full_screen() -> Vec<u8> {
    let mut out = Vec::new();
    for frame in 0..200 {
        out.extend_from_slice(b"\x1b[H\x1b[2J\x1b[7m  PID USER     %CPU COMMAND\x1b[0m");
        for row in 2..48 {
            let line = format!(
                "\x1b[{row};1H{:5} root     {:4.1} proc-{frame}-{row}\x1b[K",
                row * 7,
                (row * frame % 100) as f64 / 3.0
            );
            out.extend_from_slice(line.as_bytes());
        }
    }
    out
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("console parse");
    let inputs = [
        ("boot log", boot_log()),
        ("full-screen program", full_screen()),
    ];
    // With no history and with the default 10 000 lines: keeping history is what costs.
    for history in [0, 10_000] {
        for (name, data) in &inputs {
            group.throughput(Throughput::Bytes(data.len() as u64));
            group.bench_function(format!("{name}, {history}-line history"), |b| {
                b.iter(|| {
                    let mut screen = ConsoleScreen::new(48, 160, history);
                    screen.feed(data)
                })
            });
        }
    }
    // A console that has run for a while: its history is full, so each line scrolled in
    // reuses the memory of the line that falls out instead of growing the heap.
    for (name, data) in &inputs {
        let mut screen = ConsoleScreen::new(48, 160, 10_000);
        screen.feed(&boot_log());
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_function(format!("{name}, 10000-line history already full"), |b| {
            b.iter(|| screen.feed(data))
        });
    }
    group.finish();
}

fn render(c: &mut Criterion) {
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let empty = ConsoleScreen::new(46, 158, 10_000);
    let mut full = ConsoleScreen::new(46, 158, 10_000);
    full.feed(&boot_log());
    for (name, screen) in [
        ("render pane, empty history", &empty),
        ("render pane, 10k-line history", &full),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| {
                terminal
                    .draw(|f| f.render_widget(TerminalView::new(screen), f.area()))
                    .unwrap();
            })
        });
    }
}

criterion_group!(console, parse, render);
criterion_main!(console);
