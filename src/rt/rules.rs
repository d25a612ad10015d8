//! Each rule of the real-time check, judged for one VM against what every VM of its host
//! uses. A rule that does not apply to the VM gives no finding.

use std::collections::BTreeSet;

use super::usage::{PinnedVcpu, Usage};
use super::{Finding, RtHost, Rule, Verdict};
use crate::model::tuning::cpu_list;
use crate::model::{Vm, VmPlacement};

/// Every rule that applies to `placed` (the VM `vm`, when the inventory knows it).
pub(super) fn judge(
    host: &RtHost,
    usage: &Usage,
    placed: &VmPlacement,
    vm: Option<&Vm>,
) -> Vec<Finding> {
    [
        pins_in_slice(host, placed),
        emulator_pinned(placed),
        emulator_apart(usage, placed),
        core_alone(usage, placed),
        vcpus_pinned(placed),
        memory_local(usage, placed),
        hugepages(host, placed, vm),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn finding(rule: Rule, verdict: Verdict, detail: String) -> Option<Finding> {
    Some(Finding {
        rule,
        verdict,
        detail,
    })
}

fn ok_or(rule: Rule, problems: Vec<String>, fine: String) -> Option<Finding> {
    if problems.is_empty() {
        finding(rule, Verdict::Ok, fine)
    } else {
        finding(rule, Verdict::Violation, problems.join("; "))
    }
}

/// Every vCPU pin, the emulator pin and the I/O thread pins inside the slice's CPUs.
fn pins_in_slice(host: &RtHost, placed: &VmPlacement) -> Option<Finding> {
    let name = placed.partition.as_deref()?;
    let rule = Rule::PinsInSlice;
    let Some(allowed) = host
        .partitions
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.cpus_for(host.name))
    else {
        return finding(
            rule,
            Verdict::Unknown,
            format!(
                "no [[pool.partition]] says which CPUs {name} allows on {}",
                host.name
            ),
        );
    };
    let outside = |cpus: &[u32]| -> Vec<u32> {
        cpus.iter()
            .copied()
            .filter(|c| !allowed.contains(c))
            .collect()
    };
    let mut problems: Vec<String> = placed
        .tuning
        .pins
        .iter()
        .filter(|p| !outside(&p.cpus).is_empty())
        .map(|p| format!("vCPU {} on {}", p.vcpu, cpu_list(&p.cpus)))
        .collect();
    if !outside(&placed.emulator_cpus).is_empty() {
        problems.push(format!("emulator on {}", cpu_list(&placed.emulator_cpus)));
    }
    let within = format!("{name} ({})", cpu_list(allowed));
    if problems.is_empty() {
        finding(rule, Verdict::Ok, format!("inside {within}"))
    } else {
        finding(
            rule,
            Verdict::Violation,
            format!("outside {within}: {}", problems.join(", ")),
        )
    }
}

/// A real-time VM pins its emulator, or the emulator may preempt its vCPUs.
fn emulator_pinned(placed: &VmPlacement) -> Option<Finding> {
    let tuning = &placed.tuning;
    if !tuning.has_realtime() {
        return None;
    }
    match &tuning.emulatorpin {
        Some(cpus) => finding(
            Rule::EmulatorPinned,
            Verdict::Ok,
            format!("emulator on {}", cpu_list(cpus)),
        ),
        None => finding(
            Rule::EmulatorPinned,
            Verdict::Violation,
            "real-time vCPUs without <emulatorpin>: the emulator may run on their cores".into(),
        ),
    }
}

/// The emulator of a real-time VM is on no core of its own vCPUs nor of any real-time vCPU.
fn emulator_apart(usage: &Usage, placed: &VmPlacement) -> Option<Finding> {
    let emulator = placed.tuning.emulatorpin.as_ref()?;
    if !placed.tuning.has_realtime() {
        return None;
    }
    let cores = usage.topology.cores_of(emulator);
    let problems = usage
        .vcpus
        .iter()
        .filter(|v| v.uuid == placed.uuid || v.realtime)
        .filter(|v| !v.cores.is_disjoint(&cores))
        .map(|v| {
            let shared = v.cores.intersection(&cores).copied().collect();
            format!(
                "emulator on core {} with {} vCPU {}",
                usage.threads(&shared),
                owner(v, placed),
                v.vcpu
            )
        })
        .collect();
    ok_or(
        Rule::EmulatorApart,
        problems,
        format!(
            "emulator cores ({}) hold no real-time vCPU",
            usage.threads(&cores)
        ),
    )
}

/// Each real-time vCPU has its cores to itself: no other vCPU of any VM on them or on their
/// hyperthread siblings, and no other VM's emulator or I/O threads.
fn core_alone(usage: &Usage, placed: &VmPlacement) -> Option<Finding> {
    let mine: Vec<&PinnedVcpu> = usage
        .vcpus
        .iter()
        .filter(|v| v.uuid == placed.uuid && v.realtime)
        .collect();
    if !placed.tuning.has_realtime() || mine.is_empty() {
        return None;
    }
    let mut problems = Vec::new();
    for vcpu in &mine {
        for other in usage.vcpus.iter().filter(|o| !same(o, vcpu)) {
            if !other.cores.is_disjoint(&vcpu.cores) {
                let shared = other.cores.intersection(&vcpu.cores).copied().collect();
                problems.push(format!(
                    "vCPU {} shares core {} with {} vCPU {}",
                    vcpu.vcpu,
                    usage.threads(&shared),
                    owner(other, placed),
                    other.vcpu
                ));
            }
        }
        for (_, name, cores) in usage.emulators.iter().filter(|e| e.0 != placed.uuid) {
            if !cores.is_disjoint(&vcpu.cores) {
                let shared = cores.intersection(&vcpu.cores).copied().collect();
                problems.push(format!(
                    "vCPU {} shares core {} with the emulator of {name}",
                    vcpu.vcpu,
                    usage.threads(&shared)
                ));
            }
        }
    }
    let cores: BTreeSet<usize> = mine.iter().flat_map(|v| v.cores.iter().copied()).collect();
    ok_or(
        Rule::CoreAlone,
        problems,
        format!(
            "each real-time vCPU alone on its core ({})",
            usage.threads(&cores)
        ),
    )
}

fn same(a: &PinnedVcpu, b: &PinnedVcpu) -> bool {
    a.uuid == b.uuid && a.vcpu == b.vcpu
}

/// "its" for the VM judged, else the other VM's name.
fn owner(vcpu: &PinnedVcpu, placed: &VmPlacement) -> String {
    if vcpu.uuid == placed.uuid {
        "its".into()
    } else {
        vcpu.name.clone()
    }
}

/// Every vCPU of a real-time VM is pinned.
fn vcpus_pinned(placed: &VmPlacement) -> Option<Finding> {
    let tuning = &placed.tuning;
    if !tuning.has_realtime() {
        return None;
    }
    let floating: Vec<String> = tuning
        .pins
        .iter()
        .filter(|p| p.cpus.is_empty())
        .map(|p| p.vcpu.to_string())
        .collect();
    let problems = if floating.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "vCPU {} not pinned (no <vcpupin> or <vcpu cpuset>)",
            floating.join(", ")
        )]
    };
    ok_or(Rule::VcpusPinned, problems, "every vCPU pinned".into())
}

/// The memory is bound (`<numatune>`) to the NUMA nodes of the vCPUs' CPUs.
fn memory_local(usage: &Usage, placed: &VmPlacement) -> Option<Finding> {
    let pins = &placed.tuning.pins;
    if pins.is_empty() || pins.iter().any(|p| p.cpus.is_empty()) {
        return None;
    }
    let rule = Rule::MemoryLocal;
    let all: Vec<u32> = pins.iter().flat_map(|p| p.cpus.iter().copied()).collect();
    let vcpu_nodes = usage.topology.nodes_of(&all);
    let nodes = |set: &BTreeSet<u32>| {
        let ids: Vec<u32> = set.iter().copied().collect();
        cpu_list(&ids)
    };
    if usage.topology.nodes().len() <= 1 {
        return finding(rule, Verdict::Ok, "the host has one NUMA node".into());
    }
    let memory: BTreeSet<u32> = placed.memory_nodes.iter().copied().collect();
    let mode = placed.tuning.memory_mode.as_deref().unwrap_or("strict");
    if memory.is_empty() {
        return finding(
            rule,
            Verdict::Violation,
            format!(
                "memory not bound (no <numatune>), vCPUs on node {}",
                nodes(&vcpu_nodes)
            ),
        );
    }
    if memory.is_subset(&vcpu_nodes) {
        finding(
            rule,
            Verdict::Ok,
            format!("memory on node {} ({mode})", nodes(&memory)),
        )
    } else {
        finding(
            rule,
            Verdict::Violation,
            format!(
                "memory on node {} ({mode}), vCPUs on node {}",
                nodes(&memory),
                nodes(&vcpu_nodes)
            ),
        )
    }
}

/// Hugepages back the memory when the VM's type asks for them.
fn hugepages(host: &RtHost, placed: &VmPlacement, vm: Option<&Vm>) -> Option<Finding> {
    let type_name = vm?.stamp.vm_type.as_deref()?;
    let vm_type = host.vm_types.iter().find(|t| t.name == type_name)?;
    let kib = vm_type.hugepage_kib?;
    let size = crate::model::units::bytes(kib.saturating_mul(1024));
    if placed.hugepages {
        finding(
            Rule::Hugepages,
            Verdict::Ok,
            format!("hugepage-backed, as type {type_name} asks ({size})"),
        )
    } else {
        finding(
            Rule::Hugepages,
            Verdict::Violation,
            format!("type {type_name} asks for {size} hugepages; its memory is on ordinary pages"),
        )
    }
}
