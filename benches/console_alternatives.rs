//! The console emulator against the one it replaced, on the same input: vt100 0.16 (what
//! tui-term rendered) and vmdeck's ConsoleScreen (alacritty_terminal), each with no history
//! and with vmdeck's default 10 000 lines, already full (a console that has run a while).
//! Target: ≥ 50 MB/s.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use vmdeck::console::screen::ConsoleScreen;

#[path = "common/boot_log.rs"]
mod boot_log;
use boot_log::boot_log;

fn compare(c: &mut Criterion) {
    let log = boot_log();
    let mut group = c.benchmark_group("console emulators");
    group.throughput(Throughput::Bytes(log.len() as u64));
    for history in [0, 10_000] {
        let mut vt100 = vt100::Parser::new(48, 160, history);
        vt100.process(&log);
        group.bench_function(format!("vt100, {history}-line history full"), |b| {
            b.iter(|| vt100.process(&log))
        });
        let mut alacritty = ConsoleScreen::new(48, 160, history);
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
