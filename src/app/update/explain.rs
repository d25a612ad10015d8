//! Hypervisor errors in a sentence an admin can act on. The raw text stays in the
//! operation's details and in the log.

use crate::app::ops::Op;
use crate::model::op::OpKind;

/// Known texts of libvirt and Incus, and what they mean (`{vm}` and `{host}` filled in).
const KNOWN: [(&str, &str); 9] = [
    ("domain is not running", "{vm} is not running"),
    ("domain is already running", "{vm} is already running"),
    ("Instance is running", "{vm} is running: stop it first"),
    ("Instance is not running", "{vm} is not running"),
    ("Instance is already running", "{vm} is already running"),
    ("already in use", "the name is already taken on {host}"),
    ("already exists", "the name is already taken on {host}"),
    (
        "Cannot access backing file",
        "a disk's base image is missing on {host}",
    ),
    ("not connected", "{host} stopped answering"),
];

/// `raw` from the hypervisor, as one sentence for operation `op`.
pub fn sentence(op: &Op, raw: &str, aborted: bool) -> String {
    if aborted && cancelled(raw) {
        return match &op.kind {
            OpKind::Migrate { .. } => {
                format!(
                    "cancelled by the admin; {} stays on {}",
                    op.target.name, op.host_name
                )
            }
            _ => "cancelled by the admin".into(),
        };
    }
    match KNOWN.iter().find(|(needle, _)| raw.contains(needle)) {
        Some((_, meaning)) => format!(
            "{} ({raw})",
            meaning
                .replace("{vm}", &op.target.name)
                .replace("{host}", &op.host_name)
        ),
        None => raw.to_string(),
    }
}

/// Why an abort did not happen.
pub fn abort_refusal(raw: &str) -> String {
    if raw.contains("no job is active") || raw.contains("no Incus operation is running") {
        "the job had already finished".into()
    } else if raw.contains("can't be cancelled") || raw.contains("cannot be cancelled") {
        format!("the server cannot cancel this job ({raw})")
    } else {
        format!("could not cancel: {raw}")
    }
}

/// libvirt ("operation aborted: migration out job: canceled by client") and Incus
/// ("Operation canceled") say a job was cancelled.
fn cancelled(raw: &str) -> bool {
    let raw = raw.to_lowercase();
    raw.contains("cancel") || raw.contains("abort")
}
