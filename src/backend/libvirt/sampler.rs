//! The periodic stats pass: CPU %, guest memory use and RSS of the running domains, in one
//! bulk call per host, off the host's thread.
//!
//! libvirt's no-wait flag skips a domain whose job is held, but the first call to reach a
//! guest whose QEMU stopped answering (SIGSTOP, a hung monitor) takes that job and waits on
//! the monitor for as long as QEMU is silent. On the host's thread that would stall every
//! event, command and console of the host. So a pass runs on the call pool and reports back;
//! a pass still out when the next is due is taken as stuck and another starts beside it,
//! which skips the stuck guest because the first pass holds its job.

use std::collections::HashMap;
use std::time::Instant;

use virt::connect::Connect;
use virt::sys;

use super::fanout;
use super::ffi::{StatsRecord, all_domain_stats};
use crate::model::VmSample;

pub(super) const SAMPLE_STATS: u32 =
    sys::VIR_DOMAIN_STATS_CPU_TOTAL | sys::VIR_DOMAIN_STATS_BALLOON | sys::VIR_DOMAIN_STATS_VCPU;

/// Passes out at once at most: each stuck one holds a guest that does not answer (and one
/// of libvirtd's workers); beyond this many the host is slow, not stuck, and more would pile up.
const MAX_PASSES_OUT: usize = 4;

/// What a pass brings back: its number and the records, or why the call failed.
pub type PassResult = (u64, Result<Vec<StatsRecord>, String>);

/// The passes of one connection: which are out, which answer is the newest on screen.
#[derive(Debug, Default)]
pub struct Sampling {
    cpu: CpuSampler,
    started: u64,
    delivered: u64,
    out: usize,
}

impl Sampling {
    /// Starts a pass on `conn` unless too many are out; `deliver` gets its result, from
    /// whichever thread ran it.
    pub fn start(&mut self, conn: &Connect, deliver: impl FnOnce(PassResult) + Send + 'static) {
        if self.out >= MAX_PASSES_OUT {
            return;
        }
        self.started += 1;
        self.out += 1;
        let (pass, conn) = (self.started, conn.clone());
        drop(fanout::spawn(move || {
            let flags = sys::VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE;
            deliver((pass, all_domain_stats(&conn, SAMPLE_STATS, flags, false)));
        }));
    }

    /// A pass came back: its samples, unless a later pass already answered (the late answer
    /// of a pass that was stuck would put old figures over newer ones).
    pub fn finish(&mut self, (pass, result): PassResult) -> Option<Result<Vec<VmSample>, String>> {
        self.out = self.out.saturating_sub(1);
        if pass < self.delivered {
            return None;
        }
        self.delivered = pass;
        Some(result.map(|records| self.cpu.samples(&records)))
    }
}

/// CPU % from the difference of two cumulative CPU-time readings.
#[derive(Debug, Default)]
pub struct CpuSampler {
    last: HashMap<String, (u64, Instant)>,
}

impl CpuSampler {
    /// The samples of one pass's records.
    pub(super) fn samples(&mut self, records: &[StatsRecord]) -> Vec<VmSample> {
        let now = Instant::now();
        let mut next = HashMap::with_capacity(records.len());
        let samples = records
            .iter()
            .map(|r| {
                let cpu_ns = r.u64("cpu.time").unwrap_or(0);
                let vcpus = r.u64("vcpu.current").unwrap_or(1).max(1);
                let cpu_percent = self.last.get(&r.uuid).and_then(|(prev_ns, prev_at)| {
                    let wall_ns = now.duration_since(*prev_at).as_nanos() as f64;
                    let used = cpu_ns.saturating_sub(*prev_ns) as f64;
                    (wall_ns > 0.0).then(|| (used * 100.0 / (wall_ns * vcpus as f64)).min(100.0))
                });
                next.insert(r.uuid.clone(), (cpu_ns, now));
                VmSample {
                    uuid: r.uuid.clone(),
                    cpu_percent,
                    guest_used_bytes: guest_used(r),
                    memory_used_bytes: r.u64("balloon.rss").map(|kib| kib.saturating_mul(1024)),
                }
            })
            .collect();
        self.last = next;
        samples
    }
}

/// The guest's own memory use, from its balloon's statistics (KiB): what it could use minus
/// what it leaves unused. Without a balloon stats period there are none.
fn guest_used(record: &StatsRecord) -> Option<u64> {
    let available = record.u64("balloon.available")?;
    let unused = record.u64("balloon.unused")?;
    Some(available.saturating_sub(unused).saturating_mul(1024))
}

#[cfg(test)]
mod guest_use {
    use super::super::ffi::{Param, StatsRecord};

    #[test]
    fn guest_use_is_available_minus_unused_when_the_balloon_says() {
        let record = |pairs: &[(&str, u64)]| StatsRecord {
            name: "g".into(),
            uuid: "u".into(),
            params: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Param::UInt(*v)))
                .collect(),
            dom: None,
        };
        let stats = record(&[("balloon.available", 94800), ("balloon.unused", 66572)]);
        assert_eq!(super::guest_used(&stats), Some((94800 - 66572) * 1024));
        assert_eq!(super::guest_used(&record(&[("balloon.rss", 1)])), None);
    }
}
