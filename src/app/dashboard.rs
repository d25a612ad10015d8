//! A pool at a glance: capacity of its hosts that are up, how many more VMs of each type fit,
//! hosts by free room, the top consumers and the hosts that are down. Pure figures from the
//! state, for the dashboard view.

use crate::app::capacity::{Capacity, host_capacity};
use crate::app::rooms::{host_room, request};
use crate::app::state::{HostStatus, PoolState};
use crate::config::VmType;
use crate::placement::{self, place};

/// One host's room under the pool's ratios.
#[derive(Debug, Clone, PartialEq)]
pub struct HostRoom {
    pub host: String,
    /// Negative when the host is over; i128 so 8 EiB domains cannot wrap it.
    pub free_vcpus: i128,
    pub free_memory_bytes: i128,
    pub vms: usize,
}

/// How many more VMs of a type fit, in all and per host, and where the placement engine
/// would put the next one.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeFit {
    pub vm_type: VmType,
    pub total: u64,
    pub per_host: Vec<(String, u64)>,
    /// Hosts where one more fits now, by the placement engine.
    pub hosts_fitting: usize,
    pub next_on: Option<String>,
}

/// A VM and its host, with one figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Consumer<T> {
    pub vm: String,
    pub host: String,
    pub value: T,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PoolSummary {
    pub hosts: usize,
    pub hosts_up: usize,
    pub vms: usize,
    pub vms_running: usize,
    /// The hosts that are up and have told their size, added up.
    pub capacity: Capacity,
    /// Most free memory first.
    pub by_room: Vec<HostRoom>,
    pub fits: Vec<TypeFit>,
    pub top_cpu: Vec<Consumer<f64>>,
    pub top_memory: Vec<Consumer<u64>>,
    /// Host name and why.
    pub down: Vec<(String, String)>,
}

const TOP: usize = 5;

pub fn summarize(pool: &PoolState, vm_types: &[VmType]) -> PoolSummary {
    let measured: Vec<_> = pool
        .hosts
        .iter()
        .filter(|h| h.is_up())
        .filter_map(|h| Some((h, host_capacity(h, pool.overcommit)?)))
        .collect();
    let mut by_room: Vec<HostRoom> = measured
        .iter()
        .map(|(h, c)| HostRoom {
            host: h.name.clone(),
            free_vcpus: i128::from(c.vcpus_capacity) - i128::from(c.vcpus_allocated),
            free_memory_bytes: i128::from(c.memory_capacity_bytes)
                - i128::from(c.memory_allocated_bytes),
            vms: h.vms.len(),
        })
        .collect();
    by_room.sort_by(|a, b| {
        (b.free_memory_bytes, b.free_vcpus, &a.host).cmp(&(
            a.free_memory_bytes,
            a.free_vcpus,
            &b.host,
        ))
    });
    let rooms: Vec<placement::HostRoom> = pool.hosts.iter().map(host_room).collect();
    // Only the types the pool offers: the others can't be composed there.
    let fits = vm_types
        .iter()
        .filter(|t| pool.compose.offers(&t.name))
        .map(|t| {
            let per_host: Vec<(String, u64)> = measured
                .iter()
                .map(|(h, c)| (h.name.clone(), c.room_for(t.vcpus.into(), t.memory_bytes)))
                .collect();
            let decision = place(&rooms, pool.overcommit, &[], &request(t, &t.name, None));
            TypeFit {
                vm_type: t.clone(),
                total: per_host
                    .iter()
                    .fold(0, |sum, (_, n)| sum.saturating_add(*n)),
                per_host,
                hosts_fitting: decision.verdicts.iter().filter(|v| v.fits).count(),
                next_on: decision.chosen,
            }
        })
        .collect();
    let vms = pool
        .hosts
        .iter()
        .flat_map(|h| h.vms.iter().map(move |v| (h, v)));
    // Live figures only: a host that is down has none.
    let live = vms.clone().filter(|(h, _)| h.is_up());
    let mut top_cpu: Vec<Consumer<f64>> = live
        .clone()
        .filter_map(|(h, v)| {
            Some(Consumer {
                vm: v.name.clone(),
                host: h.name.clone(),
                value: v.cpu_percent?,
            })
        })
        .collect();
    top_cpu.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.vm.cmp(&b.vm)));
    top_cpu.truncate(TOP);
    let mut top_memory: Vec<Consumer<u64>> = live
        .filter_map(|(h, v)| {
            Some(Consumer {
                vm: v.name.clone(),
                host: h.name.clone(),
                value: v.memory_used_bytes?,
            })
        })
        .collect();
    top_memory.sort_by(|a, b| b.value.cmp(&a.value).then(a.vm.cmp(&b.vm)));
    top_memory.truncate(TOP);
    PoolSummary {
        hosts: pool.hosts.len(),
        hosts_up: pool.hosts.iter().filter(|h| h.is_up()).count(),
        vms: vms.clone().count(),
        vms_running: vms.filter(|(_, v)| v.state.is_active()).count(),
        capacity: measured
            .iter()
            .map(|(_, c)| *c)
            .fold(Capacity::default(), Capacity::sum),
        by_room,
        fits,
        top_cpu,
        top_memory,
        down: pool
            .hosts
            .iter()
            .filter_map(|h| match &h.status {
                HostStatus::Down { reason, .. } => Some((h.name.clone(), reason.clone())),
                HostStatus::Unsupported(reason) => Some((h.name.clone(), reason.clone())),
                HostStatus::Connecting | HostStatus::Up => None,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::{HostState, PoolState};
    use crate::config::Overcommit;
    use crate::model::{Driver, HostFacts, Vm, VmStamp, VmState};

    fn vm(name: &str, vcpus: u32, gib: u64, cpu: f64) -> Vm {
        Vm {
            name: name.into(),
            uuid: name.into(),
            state: VmState::Running,
            vcpus,
            memory_bytes: gib << 30,
            autostart: false,
            persistent: true,
            stamp: VmStamp::default(),
            cpu_percent: Some(cpu),
            guest_used_bytes: None,
            memory_used_bytes: Some(gib << 29),
            kind: None,
            location: None,
            booted: None,
        }
    }

    fn host(name: &str, cpus: u32, gib: u64, vms: Vec<Vm>, status: HostStatus) -> HostState {
        HostState {
            name: name.into(),
            uri: String::new(),
            migration_uri: None,
            allocation: Default::default(),
            status,
            facts: Some(HostFacts {
                cpus,
                memory_bytes: gib << 30,
                ..HostFacts::default()
            }),
            vms,
            details: Default::default(),
            placement: Vec::new(),
            volumes: Vec::new(),
            history: Default::default(),
            load: Default::default(),
            images: None,
            live: Default::default(),
        }
    }

    #[test]
    fn room_fits_consumers_and_down_hosts_by_hand() {
        let down = HostStatus::Down {
            reason: "refused".into(),
            retry_in_secs: 2,
        };
        let pool = PoolState {
            name: "p".into(),
            driver: Driver::Libvirt,
            read_only: false,
            theme: None,
            overcommit: Overcommit {
                cpu: 2.0,
                memory: 1.0,
            },
            hosts: vec![
                // 8 × 2 = 16 vCPUs, 32 GiB: 4 vCPUs and 8 GiB given.
                host("a", 8, 32, vec![vm("a1", 4, 8, 50.0)], HostStatus::Up),
                // 4 × 2 = 8 vCPUs, 64 GiB: 6 vCPUs and 4 GiB given.
                host("b", 4, 64, vec![vm("b1", 6, 4, 90.0)], HostStatus::Up),
                host("c", 64, 512, vec![vm("c1", 1, 1, 99.0)], down),
            ],
            cluster: false,
            compose: Default::default(),
            allocation: Default::default(),
        };
        let small = VmType {
            name: "small".into(),
            vcpus: 2,
            memory_bytes: 4 << 30,
            ..VmType::default()
        };
        let s = summarize(&pool, &[small]);
        assert_eq!((s.hosts, s.hosts_up, s.vms, s.vms_running), (3, 2, 3, 3));
        assert_eq!(s.capacity.vcpus_capacity, 24);
        assert_eq!(s.capacity.vcpus_allocated, 10);
        assert_eq!(s.capacity.memory_capacity_bytes, 96 << 30);
        // b has the most free memory (60 GiB) but only 2 vCPUs; a: 12 vCPUs, 24 GiB.
        let rooms: Vec<_> = s
            .by_room
            .iter()
            .map(|r| (r.host.as_str(), r.free_vcpus))
            .collect();
        assert_eq!(rooms, [("b", 2), ("a", 12)]);
        // small (2 vCPUs, 4 GiB): a fits min(6, 6) = 6, b fits min(1, 15) = 1.
        assert_eq!(
            s.fits[0].per_host,
            [("a".to_string(), 6), ("b".to_string(), 1)]
        );
        assert_eq!(s.fits[0].total, 7);
        // The engine agrees: both up hosts take one more; the emptiest (b, by memory) next.
        assert_eq!(s.fits[0].hosts_fitting, 2);
        assert_eq!(s.fits[0].next_on.as_deref(), Some("b"));
        // The down host's VM is not a live consumer.
        let top: Vec<&str> = s.top_cpu.iter().map(|c| c.vm.as_str()).collect();
        assert_eq!(top, ["b1", "a1"]);
        assert_eq!(s.down, [("c".to_string(), "refused".to_string())]);
    }
}
