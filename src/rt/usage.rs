//! What every VM of a host uses, by physical core: its pinned vCPUs (real-time or not) and
//! its emulator and I/O threads. A pin on every CPU of the host floats and uses nothing.

use std::collections::BTreeSet;

use super::RtHost;
use crate::model::topology::Topology;
use crate::model::tuning::cpu_list;

/// One pinned vCPU of some VM on the host, by the cores it may run on.
pub(super) struct PinnedVcpu {
    pub(super) uuid: String,
    pub(super) name: String,
    pub(super) vcpu: u32,
    pub(super) cores: BTreeSet<usize>,
    pub(super) realtime: bool,
}

/// What every VM of the host uses: pinned vCPUs and emulator (and I/O) threads, by core.
pub(super) struct Usage {
    pub(super) topology: Topology,
    pub(super) vcpus: Vec<PinnedVcpu>,
    /// Each VM's emulator and I/O thread cores, with its uuid and name.
    pub(super) emulators: Vec<(String, String, BTreeSet<usize>)>,
}

impl Usage {
    pub(super) fn of(host: &RtHost) -> Usage {
        let topology = Topology::of(host.cells);
        let name = |uuid: &str| {
            host.vms
                .iter()
                .find(|v| v.uuid == uuid)
                .map_or_else(|| uuid.to_string(), |v| v.name.clone())
        };
        let mut vcpus = Vec::new();
        let mut emulators = Vec::new();
        for placed in host.placement {
            let tuning = &placed.tuning;
            let realtime = tuning.realtime_vcpus();
            let pinned = |cpus: &[u32]| !cpus.is_empty() && !topology.is_everywhere(cpus);
            for pin in tuning.pins.iter().filter(|p| pinned(&p.cpus)) {
                vcpus.push(PinnedVcpu {
                    uuid: placed.uuid.clone(),
                    name: name(&placed.uuid),
                    vcpu: pin.vcpu,
                    cores: topology.cores_of(&pin.cpus),
                    realtime: realtime.contains(&pin.vcpu),
                });
            }
            if pinned(&placed.emulator_cpus) {
                let cores = topology.cores_of(&placed.emulator_cpus);
                emulators.push((placed.uuid.clone(), name(&placed.uuid), cores));
            }
        }
        Usage {
            topology,
            vcpus,
            emulators,
        }
    }

    /// The host CPUs of `cores`, as a list.
    pub(super) fn threads(&self, cores: &BTreeSet<usize>) -> String {
        let cpus: Vec<u32> = cores
            .iter()
            .flat_map(|c| self.topology.cores[*c].threads.iter().copied())
            .collect();
        cpu_list(&cpus)
    }
}
