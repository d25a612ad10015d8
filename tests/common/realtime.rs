//! A real-time VM's placement as libvirt reports it, for the real-time tests.

use vmdeck::model::VmPlacement;
use vmdeck::model::tuning::{VcpuPin, VcpuSched, VmTuning};

/// A fifo VM in /machine/rt with its vCPUs on `cpus`, its memory on `node`, its emulator on
/// `emulator`.
pub fn realtime(name: &str, cpus: &[u32], node: u32, emulator: Option<Vec<u32>>) -> VmPlacement {
    let vcpus: Vec<u32> = (0..cpus.len() as u32).collect();
    VmPlacement {
        uuid: format!("uuid-{name}"),
        cpus: cpus.to_vec(),
        memory_nodes: vec![node],
        hugepages: false,
        emulator_cpus: emulator.clone().unwrap_or_default(),
        partition: Some("/machine/rt".into()),
        tuning: VmTuning {
            vcpus: vcpus.len() as u32,
            pins: cpus
                .iter()
                .zip(&vcpus)
                .map(|(cpu, vcpu)| VcpuPin {
                    vcpu: *vcpu,
                    cpus: vec![*cpu],
                })
                .collect(),
            scheds: vec![VcpuSched {
                vcpus,
                scheduler: "fifo".into(),
                priority: Some(1),
            }],
            emulatorpin: emulator,
            memory_mode: Some("strict".into()),
        },
    }
}
