//! The watcher's CPU figures: one meter per libvirt host (or per Incus server), kept between
//! passes, since a VM's CPU % is the growth of its CPU time between two readings; a member
//! seen for the first time has no figure until the next pass.

use std::collections::HashMap;

use super::watch::PoolMemory;
use crate::backend::{incus, libvirt};
use crate::config::PoolConfig;

/// A CPU meter of one host (libvirt) or server (Incus).
pub(super) enum Meter {
    Libvirt(libvirt::CpuSampler),
    Incus(incus::CpuSampler),
}

/// Reads every host's CPU meter once: the figures of VMs read at the last pass too.
pub(super) fn measure(pool: &PoolConfig, memory: &mut PoolMemory) -> HashMap<String, f64> {
    let mut samples = Vec::new();
    match &pool.incus {
        Some(config) => {
            let meter = memory
                .meters
                .entry(pool.name.clone())
                .or_insert_with(|| Meter::Incus(Default::default()));
            if let Meter::Incus(meter) = meter {
                samples.extend(incus::cpu_once(config, meter, pool.deadlines).unwrap_or_default());
            }
        }
        None => {
            for host in &pool.hosts {
                let meter = memory
                    .meters
                    .entry(host.name.clone())
                    .or_insert_with(|| Meter::Libvirt(Default::default()));
                if let Meter::Libvirt(meter) = meter {
                    let read = libvirt::cpu_once(&host.uri, meter, pool.deadlines);
                    samples.extend(read.unwrap_or_default());
                }
            }
        }
    }
    samples
        .into_iter()
        .filter_map(|s| Some((s.uuid, s.cpu_percent?)))
        .collect()
}
