//! An operation under way: the figures and words its host reports, kept on the operation
//! (with a step when something new begins) and echoed on the status line.

use super::set_status;
use crate::app::state::{Level, State};
use crate::backend::OpId;
use crate::model::action::MigrationProgress;
use crate::model::op::OpKind;
use crate::model::units::bytes;

/// Live figures from the source host.
pub fn progress(state: &mut State, op: OpId, figures: MigrationProgress) {
    let now = state.now;
    let Some(entry) = state.ops.get_mut(op) else {
        return;
    };
    // A step when the job starts copying, and at each new pass over a migrating guest's memory.
    let pass = entry.progress.map(|p| p.iteration);
    match pass {
        None => entry.step(now, "the hypervisor's job is under way"),
        Some(before) if figures.iteration > before && figures.iteration > 1 => {
            entry.step(now, format!("memory pass {}", figures.iteration));
        }
        _ => {}
    }
    entry.progress = Some(figures);
    let text = format!(
        "{} {}: {}",
        entry.kind.command(),
        entry.target.name,
        describe_progress(&entry.kind, &figures)
    );
    set_status(state, Level::Info, text);
}

/// Words on an operation's state (Incus), shown like figures.
pub fn note(state: &mut State, op: OpId, text: String) {
    let now = state.now;
    let Some(entry) = state.ops.get_mut(op) else {
        return;
    };
    let line = format!("{} {}: {text}", entry.kind.command(), entry.target.name);
    entry.step(now, text.clone());
    entry.note = Some(text);
    set_status(state, Level::Info, line);
}

/// Figures as fit the operation: a migration's whole set, a copy's share done.
pub fn describe_progress(kind: &OpKind, p: &MigrationProgress) -> String {
    match kind {
        OpKind::Migrate { .. } => migration_figures(p),
        OpKind::Adopted { job } => format!("{job} · {}", migration_figures(p)),
        _ => format!(
            "{:.0}% · {} of {}",
            p.percent(),
            bytes(p.processed_bytes),
            bytes(p.total_bytes)
        ),
    }
}

/// `45% · 120 MiB of 260 MiB, 140 MiB left · 30 MiB/s · dirty 1200 pages/s · pass 2 · downtime ~300 ms · 4.1 s`
fn migration_figures(p: &MigrationProgress) -> String {
    format!(
        "{:.0}% · {} of {}, {} left · {}/s · dirty {} pages/s · pass {} · downtime ~{} ms · {:.1} s",
        p.percent(),
        bytes(p.processed_bytes),
        bytes(p.total_bytes),
        bytes(p.remaining_bytes),
        bytes(p.bytes_per_sec),
        p.dirty_pages_per_sec,
        p.iteration,
        p.expected_downtime_ms,
        p.elapsed_ms as f64 / 1000.0
    )
}
