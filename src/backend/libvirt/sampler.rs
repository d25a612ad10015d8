//! The periodic stats pass: CPU %, guest memory use and RSS of the running domains, in one
//! bulk call per host.

use std::collections::HashMap;
use std::time::Instant;

use virt::connect::Connect;
use virt::sys;

use super::ffi::{StatsRecord, all_domain_stats};
use crate::model::VmSample;

const SAMPLE_STATS: u32 =
    sys::VIR_DOMAIN_STATS_CPU_TOTAL | sys::VIR_DOMAIN_STATS_BALLOON | sys::VIR_DOMAIN_STATS_VCPU;

/// CPU % from the difference of two cumulative CPU-time readings.
#[derive(Debug, Default)]
pub struct CpuSampler {
    last: HashMap<String, (u64, Instant)>,
}

impl CpuSampler {
    /// One bulk stats call over the running domains.
    pub fn sample(&mut self, conn: &Connect) -> Result<Vec<VmSample>, String> {
        let records = all_domain_stats(
            conn,
            SAMPLE_STATS,
            sys::VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE,
            false,
        )?;
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
        Ok(samples)
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
