//! `vmdeck sets watch`: in the foreground (or as the systemd service of
//! `assets/vmdeck-sets-watch.service`), every interval it takes the pool's lock, reads the
//! pool, heals the sets that have `heal = "auto"` and scales the sets that have an autoscale
//! target between their min and max (`autoscale::decide`). Every decision is printed and
//! logged when it changes, every action is audited. SIGINT or SIGTERM ends it after the pass
//! under way, and its lease is cleared.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::lock;
use super::watch_act::{PoolPass, act_on_set};
use crate::config::{Config, PoolConfig};
use crate::headless::selected_pools;

/// Options of `vmdeck sets watch`.
pub struct WatchArgs<'a> {
    pub pool: Option<&'a str>,
    /// Only this set.
    pub set: Option<&'a str>,
    pub interval: Duration,
    /// How long a lease lasts unless renewed.
    pub lease: Duration,
    /// One pass, then exit.
    pub once: bool,
    pub audit: PathBuf,
}

/// What the watcher remembers of one pool between passes.
#[derive(Default)]
pub(super) struct PoolMemory {
    /// CPU meters per host (each needs two readings for a figure).
    pub meters: HashMap<String, super::meter::Meter>,
    /// The last thing said about each set, so a hold is not repeated every pass.
    pub said: HashMap<String, String>,
    /// Who held the lock at the last pass when it was not us (said once).
    pub refused_by: Option<String>,
    /// The lock was ours at the last pass.
    pub holding: bool,
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// SIGINT and SIGTERM end the watcher at its next check instead of killing it mid-action.
fn catch_signals() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe {
            libc::signal(signal, on_signal as *const () as libc::sighandler_t);
        }
    }
}

fn stopped() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Runs the watcher until a signal (or one pass with `once`). With `once`, Ok(false) when
/// the pass could not read a host or an action failed; a watcher ended by a signal ends
/// well (its failures were said as they came, and the next pass tried again).
pub fn run_watch(config: &Config, args: &WatchArgs) -> Result<bool, String> {
    if args.lease <= args.interval {
        return Err(format!(
            "--lease {} must be longer than --interval {}: the lock would lapse between passes",
            args.lease.as_secs(),
            args.interval.as_secs()
        ));
    }
    let pools = selected_pools(config, args.pool)?;
    if let Some(pool) = pools.iter().find(|p| config.read_only || p.read_only) {
        return Err(format!("refused: pool {} is read-only", pool.name));
    }
    catch_signals();
    let me = lock::me();
    let mut memory: Vec<PoolMemory> = pools.iter().map(|_| PoolMemory::default()).collect();
    say(&format!(
        "vmdeck sets watch as {me}: every {} s, lease {} s",
        args.interval.as_secs(),
        args.lease.as_secs()
    ));
    let mut ok = true;
    loop {
        let started = Instant::now();
        for (pool, memory) in pools.iter().zip(memory.iter_mut()) {
            ok &= pass(config, pool, memory, &me, args);
        }
        if args.once || stopped() || !sleep_until(started + args.interval) {
            break;
        }
    }
    for pool in &pools {
        lock::release(pool, &me);
    }
    say("vmdeck sets watch: stopped, lock released");
    Ok(ok || !args.once)
}

/// Sleeps in short steps; false when a signal came meanwhile.
fn sleep_until(deadline: Instant) -> bool {
    while Instant::now() < deadline {
        if stopped() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100).min(deadline - Instant::now()));
    }
    !stopped()
}

/// One pass over one pool, under its lock.
fn pass(
    config: &Config,
    pool: &PoolConfig,
    memory: &mut PoolMemory,
    me: &str,
    args: &WatchArgs,
) -> bool {
    let now = crate::effects::now_secs();
    match lock::acquire(pool, me, now, args.lease.as_secs()) {
        Err(e) => {
            say(&format!("pool {}: not acting: {e}", pool.name));
            return false;
        }
        Ok(Some(theirs)) => {
            memory.holding = false;
            if memory.refused_by.as_deref() != Some(theirs.holder.as_str()) {
                say(&format!(
                    "pool {}: not acting: the lock is held by {} (lease until {})",
                    pool.name,
                    theirs.holder,
                    crate::model::units::utc(theirs.expires as i64)
                ));
                memory.refused_by = Some(theirs.holder);
            }
            return true;
        }
        Ok(None) => {
            memory.refused_by = None;
            if !memory.holding {
                say(&format!(
                    "pool {}: lock taken (lease {} s, renewed every pass)",
                    pool.name,
                    args.lease.as_secs()
                ));
                memory.holding = true;
            }
        }
    }
    let mut pool_pass = PoolPass::read(config, pool, memory, &args.audit);
    let mut ok = pool_pass.all_up;
    for set in pool_pass.sets.clone() {
        if args.set.is_some_and(|want| set.name != want) {
            continue;
        }
        ok &= act_on_set(&mut pool_pass, &set, now);
    }
    ok
}

/// A line on stdout and in the log.
pub(super) fn say(text: &str) {
    println!("{text}");
    tracing::info!("{text}");
}
