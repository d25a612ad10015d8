//! The columns and cell text of the tables that are not lists (operations, audit, images),
//! and a list's cell as shown.

use std::time::{Duration, SystemTime};

use crate::app::columns::{NAME_MIN, Spec, number, text};
use crate::app::ops::{Op, OpKind, OpStatus};
use crate::app::state::State;
use crate::app::table::{self, RowId};
use crate::model::Driver;
use crate::model::action::AuditRecord;
use crate::model::compose::Image;
use crate::model::units::{self, bytes};

// What became of an operation is why the view is open: RESULT stays at every width and
// grows first.
pub const OP_COLUMNS: [Spec; 7] = [
    number("ID", 2),
    text("ACTION", 7, 2),
    text("VM", NAME_MIN, 1),
    text("HOST", 10, 3),
    text("STARTED", 8, 5),
    number("TIME", 4),
    text("RESULT", 12, 0),
];

/// The operations table's RESULT column.
pub const OP_RESULT_COLUMN: usize = 6;

pub const AUDIT_COLUMNS: [Spec; 7] = [
    text("TIME", 20, 2),
    text("USER", 6, 5),
    text("POOL", 6, 4),
    text("HOST/VM", NAME_MIN, 1),
    text("ACTION", 7, 3),
    text("PARAMS", 8, 6),
    text("RESULT", 8, 0),
];

pub const IMAGE_COLUMNS: [Spec; 5] = [
    text("IMAGE", NAME_MIN, 0),
    text("HOST", 8, 2),
    text("FORMAT", 6, 3),
    number("SIZE", 1),
    text("LOCATION", 12, 4),
];

/// The same columns under Incus's words (an Incus image has no host of its own).
pub const INCUS_IMAGE_COLUMNS: [Spec; 5] = [
    text("ALIAS", NAME_MIN, 0),
    text("HOST", 8, 2),
    text("TYPE", 6, 3),
    number("SIZE", 1),
    text("FINGERPRINT", 12, 4),
];

/// A list's cell as shown: a marked VM's name carries the mark.
pub fn list_cell(state: &State, row: RowId, column: usize) -> String {
    let text = table::cell(state, row, column);
    if column == 0 && is_marked(state, row) {
        format!("● {text}")
    } else {
        text
    }
}

fn is_marked(state: &State, row: RowId) -> bool {
    let RowId::Vm(p, h, v) = row else {
        return false;
    };
    let uuid = &state.pools[p].hosts[h].vms[v].uuid;
    let mut marked = state.marked.iter();
    marked.any(|t| t.pool == p && t.host == h && &t.uuid == uuid)
}

/// The text of an operation's cell.
pub fn op_cell(op: &Op, column: usize, now: SystemTime) -> String {
    match column {
        0 => op.id.to_string(),
        1 => op.kind.command().to_string(),
        2 => op.target.name.clone(),
        3 => match &op.kind {
            OpKind::Migrate { to, .. } => format!("{} → {}", op.host_name, to.host_name),
            _ => op.host_name.clone(),
        },
        4 => clock(op.started),
        5 => duration(op.duration(now)),
        _ => match &op.status {
            OpStatus::Running => {
                let words = op.note.clone().unwrap_or_else(|| "running".into());
                match op.percent() {
                    // Progress, not load: one colour all the way.
                    Some(percent) => format!("{} {percent:.0}% {words}", bar(percent, 10)),
                    None => words,
                }
            }
            OpStatus::Done => "done".into(),
            OpStatus::Failed(e) => format!("failed: {e}"),
        },
    }
}

/// `█████░░░░░`: `percent` of `width` cells.
pub fn bar(percent: f64, width: usize) -> String {
    let filled = ((percent.clamp(0.0, 100.0) / 100.0) * width as f64).round() as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// `16:42:05`, UTC (the audit log's zone).
pub fn clock(at: SystemTime) -> String {
    let secs = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}

/// `<1 s`, `42 s`, `3 m 07 s`, `2 h 05 m` (whole seconds: the clock ticks once a second).
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => "<1 s".into(),
        1..60 => format!("{secs} s"),
        60..3600 => format!("{} m {:02} s", secs / 60, secs % 60),
        _ => format!("{} h {:02} m", secs / 3600, secs % 3600 / 60),
    }
}

/// The text of an audit line's cell.
pub fn audit_cell(record: &AuditRecord, column: usize) -> String {
    match column {
        0 => units::utc(i64::try_from(record.time).unwrap_or(i64::MAX)),
        1 => record.user.clone(),
        2 => record.pool.clone(),
        3 => format!("{}/{}", record.host, record.vm),
        4 => record.action.clone(),
        5 => record.params.clone(),
        _ => record.result.clone(),
    }
}

/// The images a pool's view lists, with the host each is on (Incus: the server's, once).
pub fn images_of(state: &State, pool: usize) -> Vec<(&Image, &str)> {
    let pool = &state.pools[pool];
    let take = if pool.driver == Driver::Incus {
        1
    } else {
        usize::MAX
    };
    let hosts = pool.hosts.iter().take(take);
    hosts
        .filter_map(|h| Some((h.images.as_ref()?.as_ref().ok()?, h.name.as_str())))
        .flat_map(|(images, host)| images.iter().map(move |i| (i, host)))
        .collect()
}

/// The text of an image's cell.
pub fn image_cell(image: &Image, host: &str, column: usize) -> String {
    match column {
        0 => image.name.clone(),
        1 => host.to_string(),
        2 => image.format.clone(),
        3 => bytes(image.size_bytes),
        _ => image.location.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::{bar, clock, duration};

    #[test]
    fn bars_clocks_and_durations() {
        assert_eq!(bar(45.0, 10), "█████░░░░░");
        assert_eq!(bar(120.0, 4), "████");
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_005);
        assert_eq!(clock(at), "22:13:25");
        assert_eq!(duration(Duration::from_millis(400)), "<1 s");
        assert_eq!(duration(Duration::from_millis(5_900)), "5 s");
        assert_eq!(duration(Duration::from_secs(187)), "3 m 07 s");
        assert_eq!(duration(Duration::from_secs(7_500)), "2 h 05 m");
    }
}
