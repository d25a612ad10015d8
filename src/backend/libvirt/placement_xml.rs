//! Where a domain runs, read as libvirt applies its XML: each vCPU's `<vcpupin>`, else the
//! domain's `<vcpu cpuset>`, else nowhere in particular. The emulator and I/O threads'
//! pinning is kept apart: it is not where the guest runs. The real-time tuning (each vCPU's
//! pin and scheduler, `<emulatorpin>` alone, the memory mode) is read alongside.

use roxmltree::{Document, Node};

use super::xml::{child, dedup, parse_cpuset};
use crate::model::tuning::{VcpuPin, VcpuSched, VmTuning};

/// The pinning of a domain as its XML says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct XmlPlacement {
    /// The host CPUs the vCPUs may run on; empty when any vCPU floats (is not confined), so a
    /// VM with 2 of 240 vCPUs pinned does not read as living on one node.
    pub cpus: Vec<u32>,
    /// The NUMA nodes its memory is bound to.
    pub memory_nodes: Vec<u32>,
    /// `<emulatorpin>` and `<iothreadpin>` CPUs.
    pub emulator_cpus: Vec<u32>,
    /// `<resource><partition>`: the cgroup slice it runs in (`/machine/rt`).
    pub partition: Option<String>,
    /// Per-vCPU pins and schedulers, the emulator's own pin, the memory mode.
    pub tuning: VmTuning,
}

pub fn parse_placement(xml: &str) -> XmlPlacement {
    let Ok(doc) = Document::parse(xml) else {
        return XmlPlacement::default();
    };
    let root = doc.root_element();
    let tune = child(root, "cputune");
    let numatune = child(root, "numatune");
    let pins = vcpu_pins(root, tune);
    XmlPlacement {
        // Any vCPU that floats may run anywhere, so the VM is not confined at all.
        cpus: if pins.iter().any(|p| p.cpus.is_empty()) {
            Vec::new()
        } else {
            dedup(pins.iter().flat_map(|p| p.cpus.iter().copied()).collect())
        },
        memory_nodes: numatune.map_or_else(Vec::new, |t| {
            dedup(cpusets(t, &["memory", "memnode"], "nodeset"))
        }),
        emulator_cpus: tune.map_or_else(Vec::new, |t| {
            dedup(cpusets(t, &["emulatorpin", "iothreadpin"], "cpuset"))
        }),
        partition: child(root, "resource")
            .and_then(|r| child(r, "partition"))
            .and_then(|p| p.text())
            .map(|t| t.trim().to_string()),
        tuning: VmTuning {
            vcpus: u32::try_from(pins.len()).unwrap_or(u32::MAX),
            scheds: tune.map_or_else(Vec::new, vcpu_scheds),
            emulatorpin: tune
                .and_then(|t| child(t, "emulatorpin"))
                .and_then(|e| e.attribute("cpuset"))
                .map(|set| dedup(parse_cpuset(set))),
            memory_mode: numatune
                .and_then(|t| child(t, "memory"))
                .map(|m| m.attribute("mode").unwrap_or("strict").to_string()),
            pins,
        },
    }
}

/// Each vCPU's CPUs: its own `<vcpupin>`, else `<vcpu cpuset>`, else none (it floats).
fn vcpu_pins(root: Node, tune: Option<Node>) -> Vec<VcpuPin> {
    let vcpu = child(root, "vcpu");
    let count: u32 = vcpu
        .and_then(|v| v.text())
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(0);
    let default = vcpu
        .and_then(|v| v.attribute("cpuset"))
        .map(|set| dedup(parse_cpuset(set)));
    let pinned: Vec<(u32, Vec<u32>)> = tune
        .map(|t| {
            t.children()
                .filter(|n| n.has_tag_name("vcpupin"))
                .filter_map(|n| {
                    Some((
                        n.attribute("vcpu")?.parse().ok()?,
                        dedup(parse_cpuset(n.attribute("cpuset")?)),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    // Without a vCPU count, the pins are all there is to go by.
    let count = count.max(pinned.iter().map(|(id, _)| id + 1).max().unwrap_or(0));
    (0..count)
        .map(|id| VcpuPin {
            vcpu: id,
            cpus: pinned
                .iter()
                .find(|(pin, _)| *pin == id)
                .map(|(_, set)| set.clone())
                .or_else(|| default.clone())
                .unwrap_or_default(),
        })
        .collect()
}

/// `<vcpusched vcpus='0-1' scheduler='fifo' priority='1'/>`, each as written.
fn vcpu_scheds(tune: Node) -> Vec<VcpuSched> {
    tune.children()
        .filter(|n| n.has_tag_name("vcpusched"))
        .filter_map(|n| {
            Some(VcpuSched {
                vcpus: dedup(parse_cpuset(n.attribute("vcpus")?)),
                scheduler: n.attribute("scheduler")?.to_string(),
                priority: n.attribute("priority").and_then(|p| p.trim().parse().ok()),
            })
        })
        .collect()
}

fn cpusets(parent: Node, tags: &[&str], attribute: &str) -> Vec<u32> {
    parent
        .children()
        .filter(|n| tags.iter().any(|t| n.has_tag_name(*t)))
        .filter_map(|n| n.attribute(attribute))
        .flat_map(parse_cpuset)
        .collect()
}

#[cfg(test)]
mod tests;
