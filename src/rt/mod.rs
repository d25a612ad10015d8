//! The real-time check: SEAPATH's rules for real-time guests, judged for every VM of a host
//! that runs in a partition (cgroup slice) or has a real-time vCPU scheduler. Pure: the caller
//! gives each host's topology, VMs and placement, and the pool's slices.
//!
//! The rules: every pin lies inside the CPUs the slice allows; a real-time VM pins its
//! emulator, away from every real-time vCPU's core; each real-time vCPU is pinned and has its
//! physical core to itself (no other vCPU of any VM, no emulator thread, no busy hyperthread
//! sibling); its memory is bound to its vCPUs' NUMA node; hugepages back it where its type
//! asks for them.

pub mod headless;
mod rules;
mod usage;

#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::config::{Partition, VmType};
use crate::model::{NumaCell, Vm, VmPlacement, VmState};

/// One rule of the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    PinsInSlice,
    EmulatorPinned,
    EmulatorApart,
    CoreAlone,
    VcpusPinned,
    MemoryLocal,
    Hugepages,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::PinsInSlice => "pins-in-slice",
            Rule::EmulatorPinned => "emulator-pinned",
            Rule::EmulatorApart => "emulator-apart",
            Rule::CoreAlone => "core-alone",
            Rule::VcpusPinned => "vcpus-pinned",
            Rule::MemoryLocal => "memory-local",
            Rule::Hugepages => "hugepages",
        }
    }
}

/// How a VM stands for one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ok,
    Violation,
    /// The rule cannot be judged from what is known (a slice the config does not describe).
    Unknown,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Violation => "violation",
            Verdict::Unknown => "unknown",
        }
    }
}

/// A rule's verdict for a VM, with what it saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub verdict: Verdict,
    pub detail: String,
}

/// Every rule that applies to one VM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VmCheck {
    pub vm: String,
    pub uuid: String,
    pub state: VmState,
    pub partition: Option<String>,
    /// Some vCPU runs under fifo or rr.
    pub realtime: bool,
    pub rules: Vec<Finding>,
}

impl VmCheck {
    pub fn violations(&self) -> impl Iterator<Item = &Finding> {
        self.rules
            .iter()
            .filter(|f| f.verdict == Verdict::Violation)
    }

    pub fn is_clean(&self) -> bool {
        self.violations().next().is_none()
    }
}

/// What the check reads of one host.
pub struct RtHost<'a> {
    pub name: &'a str,
    pub cells: &'a [NumaCell],
    pub vms: &'a [Vm],
    pub placement: &'a [VmPlacement],
    /// The slices of the host's pool.
    pub partitions: &'a [Partition],
    /// The configured VM types, for what a VM's stamped type asks (hugepages).
    pub vm_types: &'a [VmType],
}

/// The check of every VM of the host that runs in a slice or under a real-time scheduler,
/// by VM name.
pub fn check_host(host: &RtHost) -> Vec<VmCheck> {
    let usage = usage::Usage::of(host);
    let mut checks: Vec<VmCheck> = host
        .placement
        .iter()
        .filter(|p| p.partition.is_some() || p.tuning.has_realtime())
        .map(|p| check_vm(host, &usage, p))
        .collect();
    checks.sort_by(|a, b| a.vm.cmp(&b.vm));
    checks
}

fn check_vm(host: &RtHost, usage: &usage::Usage, placed: &VmPlacement) -> VmCheck {
    let vm = host.vms.iter().find(|v| v.uuid == placed.uuid);
    VmCheck {
        vm: vm.map_or_else(|| placed.uuid.clone(), |v| v.name.clone()),
        uuid: placed.uuid.clone(),
        state: vm.map_or(VmState::Unknown, |v| v.state),
        partition: placed.partition.clone(),
        realtime: placed.tuning.has_realtime(),
        rules: rules::judge(host, usage, placed, vm),
    }
}

/// VMs checked and VMs with a violation, for a one-line summary.
pub fn tally(checks: &[VmCheck]) -> (usize, usize) {
    (
        checks.len(),
        checks.iter().filter(|c| !c.is_clean()).count(),
    )
}
