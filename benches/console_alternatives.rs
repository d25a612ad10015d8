//! The console emulator against an alternative on the same input: vt100 0.16 (what vmdeck's
//! pane and tui-term use) and alacritty_terminal, each with no history and with vmdeck's
//! default 10 000 lines, already full (a console that has run a while). Target: ≥ 50 MB/s.

use alacritty_terminal::event::VoidListener;
use alacritty_terminal::term::test::TermSize;
use alacritty_terminal::term::{Config, Term};
use alacritty_terminal::vte::ansi::Processor;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use vmdeck::console::screen::ConsoleScreen;

#[path = "common/boot_log.rs"]
mod boot_log;
use boot_log::boot_log;

/// An alacritty terminal of the pane's size and a parser feeding it.
struct Alacritty {
    term: Term<VoidListener>,
    parser: Processor,
}

impl Alacritty {
    fn new(history: usize) -> Alacritty {
        let config = Config {
            scrolling_history: history,
            ..Config::default()
        };
        Alacritty {
            term: Term::new(config, &TermSize::new(160, 48), VoidListener),
            parser: Processor::new(),
        }
    }

    fn feed(&mut self, data: &[u8]) {
        self.parser.advance(&mut self.term, data);
    }
}

fn compare(c: &mut Criterion) {
    let log = boot_log();
    let mut group = c.benchmark_group("console emulators");
    group.throughput(Throughput::Bytes(log.len() as u64));
    for history in [0, 10_000] {
        let mut vt100 = ConsoleScreen::new(48, 160, history);
        vt100.feed(&log);
        group.bench_function(format!("vt100, {history}-line history full"), |b| {
            b.iter(|| vt100.feed(&log))
        });
        let mut alacritty = Alacritty::new(history);
        alacritty.feed(&log);
        group.bench_function(
            format!("alacritty_terminal, {history}-line history full"),
            |b| b.iter(|| alacritty.feed(&log)),
        );
    }
    group.finish();
}

criterion_group!(emulators, compare);
criterion_main!(emulators);
