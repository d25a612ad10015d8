//! Jobs that run on a host's domains without a watcher in this process: found at connect
//! (a migration a stopped vmdeck started, or `virsh migrate`), then watched until they end.
//! The job's figures come from `virDomainGetJobStats` through `virt::sys`, as for vmdeck's
//! own migrations (virt's `job_stats()` is unsound when no job runs).

use std::collections::HashMap;
use std::ffi::c_int;
use std::sync::mpsc::Sender;
use std::time::Duration;

use virt::connect::Connect;
use virt::domain::Domain;
use virt::sys;

use super::ffi::{Param, read_params};
use super::worker::WorkerInput;
use crate::backend::{FoundJob, OpId};
use crate::model::action::MigrationProgress;

/// One look at a domain's job.
pub struct Job {
    /// `virDomainJobType`: none, bounded, unbounded, or (completed stats) how it ended.
    pub kind: u32,
    /// `virDomainJobOperation`, 0 when the hypervisor does not say.
    pub operation: u64,
    pub progress: MigrationProgress,
}

/// The domain's job (`completed`: the last one that ended); None when libvirt says nothing
/// (no job, or the incoming side of a migration, whose figures only the source has).
pub fn look(dom: &Domain, completed: bool) -> Option<Job> {
    let flags = if completed {
        sys::VIR_DOMAIN_JOB_STATS_COMPLETED
    } else {
        0
    };
    let mut kind: c_int = 0;
    let mut params: sys::virTypedParameterPtr = std::ptr::null_mut();
    let mut count: c_int = 0;
    // SAFETY: valid domain and out-pointers; libvirt allocates params, freed below.
    let rc = unsafe {
        sys::virDomainGetJobStats(dom.as_ptr(), &mut kind, &mut params, &mut count, flags)
    };
    if rc < 0 || params.is_null() || count == 0 {
        // SAFETY: clears this thread's error; a missing job is not worth reporting.
        unsafe { sys::virResetLastError() };
        return None;
    }
    let map = read_params(params, count);
    // SAFETY: frees what libvirt allocated.
    unsafe { sys::virTypedParamsFree(params, count) };
    Some(Job {
        kind: kind as u32,
        operation: map.get("operation").and_then(Param::as_u64).unwrap_or(0),
        progress: progress(&map),
    })
}

fn progress(map: &HashMap<String, Param>) -> MigrationProgress {
    let get = |key: &str| map.get(key).and_then(Param::as_u64).unwrap_or(0);
    MigrationProgress {
        total_bytes: get("data_total"),
        processed_bytes: get("data_processed"),
        remaining_bytes: get("data_remaining"),
        bytes_per_sec: get("memory_bps"),
        dirty_pages_per_sec: get("memory_dirty_rate"),
        iteration: get("memory_iteration"),
        expected_downtime_ms: get("downtime"),
        elapsed_ms: get("time_elapsed"),
    }
}

impl Job {
    fn running(&self) -> bool {
        matches!(
            self.kind,
            sys::VIR_DOMAIN_JOB_BOUNDED | sys::VIR_DOMAIN_JOB_UNBOUNDED
        )
    }
}

/// The operation in words (libvirt's `virDomainJobOperation`).
fn operation_words(operation: u64) -> &'static str {
    match operation as u32 {
        sys::VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT => "outgoing migration",
        sys::VIR_DOMAIN_JOB_OPERATION_MIGRATION_IN => "incoming migration",
        sys::VIR_DOMAIN_JOB_OPERATION_SAVE => "save",
        sys::VIR_DOMAIN_JOB_OPERATION_RESTORE => "restore",
        sys::VIR_DOMAIN_JOB_OPERATION_SNAPSHOT => "snapshot",
        sys::VIR_DOMAIN_JOB_OPERATION_SNAPSHOT_REVERT => "snapshot revert",
        sys::VIR_DOMAIN_JOB_OPERATION_SNAPSHOT_DELETE => "snapshot delete",
        sys::VIR_DOMAIN_JOB_OPERATION_DUMP => "memory dump",
        sys::VIR_DOMAIN_JOB_OPERATION_BACKUP => "backup",
        _ => "job",
    }
}

/// Every running job on the host's active domains, by domain uuid, each domain asked side by
/// side. The incoming side of a migration has no figures here; its source reports the job.
pub fn found(conn: &Connect) -> Vec<(String, FoundJob)> {
    let Ok(domains) = conn.list_all_domains(sys::VIR_CONNECT_LIST_DOMAINS_ACTIVE) else {
        return Vec::new();
    };
    super::fanout::map(domains, |dom| {
        let job = look(&dom, false).filter(Job::running)?;
        let uuid = dom.uuid_string().ok()?;
        let figures = (job.progress.total_bytes > 0).then_some(job.progress);
        let what = operation_words(job.operation).to_string();
        Some((
            uuid,
            FoundJob {
                what,
                progress: figures,
            },
        ))
    })
    .into_iter()
    .flatten()
    .collect()
}

/// Watches the job on `uuid` in its own thread: figures twice a second, then one result.
pub fn watch(conn: &Connect, uuid: &str, op: OpId, tx: Sender<WorkerInput>) {
    let conn = conn.clone();
    let uuid = uuid.to_string();
    let spawned = std::thread::Builder::new()
        .name(format!("job {uuid}"))
        .spawn(move || {
            let result = follow(&conn, &uuid, op, &tx);
            let _ = tx.send(WorkerInput::OpDone { op, result });
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start a job watcher thread: {e}");
    }
}

fn follow(conn: &Connect, uuid: &str, op: OpId, tx: &Sender<WorkerInput>) -> Result<(), String> {
    let mut operation = 0;
    loop {
        let Ok(dom) = conn.lookup_domain_by_uuid_string(uuid) else {
            return gone(conn, operation);
        };
        match look(&dom, false) {
            Some(job) if job.running() => {
                operation = job.operation;
                if job.progress.total_bytes > 0 {
                    let progress = job.progress;
                    let _ = tx.send(WorkerInput::Progress { op, progress });
                }
            }
            _ => return ended(&dom, operation),
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// The domain left the host while its job ran: an outgoing migration that finished (with
/// the source undefined), else the VM was removed.
fn gone(conn: &Connect, operation: u64) -> Result<(), String> {
    if !conn.is_alive().unwrap_or(false) {
        return Err("lost the connection to the host; how the job ended is unknown".into());
    }
    if operation as u32 == sys::VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT {
        Ok(())
    } else {
        Err("the VM is gone from the host".into())
    }
}

/// The job ended with the domain still here: libvirt's completed-job record says how.
fn ended(dom: &Domain, operation: u64) -> Result<(), String> {
    let last = look(dom, true).map(|job| job.kind);
    match last {
        Some(sys::VIR_DOMAIN_JOB_COMPLETED) => Ok(()),
        Some(sys::VIR_DOMAIN_JOB_CANCELLED) => {
            Err("operation aborted: the job was cancelled".into())
        }
        Some(sys::VIR_DOMAIN_JOB_FAILED) => Err("the job failed".into()),
        // An outgoing migration that finished would have taken the domain away.
        _ if operation as u32 == sys::VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT => {
            Err("the migration ended and the VM is still on this host (cancelled or failed)".into())
        }
        _ => Ok(()),
    }
}

/// Whether a domain paused for a migration is its incoming half: the source, paused for the
/// switch-over, still has an outgoing job; the destination has none it will report.
pub fn is_incoming(dom: &Domain) -> bool {
    paused_for_migration(dom)
        && look(dom, false)
            .is_none_or(|job| job.operation as u32 != sys::VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT)
}

/// Whether the domain is paused by a migration (`virDomainGetState`'s reason).
fn paused_for_migration(dom: &Domain) -> bool {
    let (mut state, mut reason): (c_int, c_int) = (0, 0);
    // SAFETY: valid domain and out-pointers.
    let rc = unsafe { sys::virDomainGetState(dom.as_ptr(), &mut state, &mut reason, 0) };
    rc == 0
        && state as u32 == sys::VIR_DOMAIN_PAUSED
        && reason as u32 == sys::VIR_DOMAIN_PAUSED_MIGRATION
}
