//! Live migration in its own thread (the call blocks until the move ends), with a second
//! thread reading the job's figures twice a second, and abort through `virDomainAbortJob`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::Duration;

use virt::connect::Connect;
use virt::domain::{Domain, MigrateParameters};
use virt::sys;

use super::ffi::last_error;
use super::ssh;
use super::worker::WorkerInput;
use crate::backend::{MigrationTarget, OpId};
use crate::model::action::{MigrateOptions, MigrationProgress};

fn flags(options: &MigrateOptions) -> u32 {
    let mut flags = sys::VIR_MIGRATE_PEER2PEER
        | sys::VIR_MIGRATE_PERSIST_DEST
        | sys::VIR_MIGRATE_UNDEFINE_SOURCE;
    flags |= if options.offline {
        sys::VIR_MIGRATE_OFFLINE
    } else {
        sys::VIR_MIGRATE_LIVE | sys::VIR_MIGRATE_ABORT_ON_ERROR
    };
    if options.copy_storage {
        flags |= sys::VIR_MIGRATE_NON_SHARED_DISK;
    }
    if options.auto_converge {
        flags |= sys::VIR_MIGRATE_AUTO_CONVERGE;
    }
    flags
}

/// Starts the migration of `uuid`; progress and the result come back to the worker as inputs.
pub fn spawn(
    conn: &Connect,
    uuid: &str,
    dest: MigrationTarget,
    options: MigrateOptions,
    op: OpId,
    tx: Sender<WorkerInput>,
) {
    let conn = conn.clone();
    let uuid = uuid.to_string();
    let spawned = std::thread::Builder::new()
        .name(format!("migrate {uuid}"))
        .spawn(move || {
            let result = migrate(&conn, &uuid, &dest, &options, op, &tx);
            let _ = tx.send(WorkerInput::OpDone { op, result });
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start a migration thread: {e}");
    }
}

fn migrate(
    conn: &Connect,
    uuid: &str,
    dest: &MigrationTarget,
    options: &MigrateOptions,
    op: OpId,
    tx: &Sender<WorkerInput>,
) -> Result<(), String> {
    let dom = conn
        .lookup_domain_by_uuid_string(uuid)
        .map_err(|e| e.message().to_string())?;
    let params = MigrateParameters {
        uri: dest.migration_uri.clone(),
        bandwidth: options.bandwidth_mib,
        ..MigrateParameters::default()
    };
    let running = Arc::new(AtomicBool::new(true));
    let poller = spawn_poller(
        dom.clone(),
        op,
        tx.clone(),
        running.clone(),
        options.max_downtime_ms,
    );
    let result = dom
        // The source daemon opens this URI: no ssh prompt there either.
        .migrate_to_uri3(Some(&ssh::without_tty(&dest.uri)), params, flags(options))
        .map_err(|e| e.message().to_string());
    running.store(false, Ordering::SeqCst);
    if let Some(poller) = poller {
        let _ = poller.join();
    }
    result
}

fn spawn_poller(
    dom: Domain,
    op: OpId,
    tx: Sender<WorkerInput>,
    running: Arc<AtomicBool>,
    max_downtime_ms: Option<u64>,
) -> Option<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("migration progress".into())
        .spawn(move || {
            let mut downtime = max_downtime_ms;
            while running.load(Ordering::SeqCst) {
                // A job that has not started moving data (or has ended) reports only zeros.
                // The downtime limit can only be set once the migration job exists.
                if downtime.is_some()
                    && job_progress(&dom).is_some()
                    && let Some(ms) = downtime.take()
                    && let Err(e) = dom.migrate_set_max_downtime(ms, 0)
                {
                    tracing::warn!("max downtime: {}", e.message());
                }
                if let Some(progress) = job_progress(&dom).filter(|p| p.total_bytes > 0) {
                    let _ = tx.send(WorkerInput::Progress { op, progress });
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        })
        .ok()
}

/// The running job's figures; None when there is no job.
fn job_progress(dom: &Domain) -> Option<MigrationProgress> {
    super::jobs::look(dom, false).map(|job| job.progress)
}

/// Aborts the domain's running job (a migration).
pub fn abort(conn: &Connect, uuid: &str) -> Result<(), String> {
    let dom = conn
        .lookup_domain_by_uuid_string(uuid)
        .map_err(|e| e.message().to_string())?;
    // SAFETY: valid domain.
    if unsafe { sys::virDomainAbortJob(dom.as_ptr()) } < 0 {
        return Err(last_error());
    }
    Ok(())
}
