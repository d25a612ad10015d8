//! The `<cputune>` of a real-time VM placed on cores: one `<vcpupin>` per vCPU on its own
//! core, `<emulatorpin>` on the housekeeping CPUs, a `<vcpusched>` per vCPU as SEAPATH's
//! template writes them, and the memory strictly on the cores' node.

use super::{cpuset, xml_escape};
use crate::model::compose::CorePins;

/// The cores placement chose, with the type's scheduler.
#[derive(Debug, Clone, Copy)]
pub struct CoreTune<'a> {
    pub pins: &'a CorePins,
    /// `fifo` or `rr` with its priority; None for a type that only isolates cores.
    pub scheduler: Option<(&'a str, u32)>,
}

pub(super) fn core_tuning(tune: &CoreTune) -> String {
    let mut xml = String::from("  <cputune>\n");
    for (vcpu, cpus) in tune.pins.vcpus.iter().enumerate() {
        xml.push_str(&format!(
            "    <vcpupin vcpu='{vcpu}' cpuset='{}'/>\n",
            cpuset(cpus)
        ));
    }
    xml.push_str(&format!(
        "    <emulatorpin cpuset='{}'/>\n",
        cpuset(&tune.pins.emulator)
    ));
    if let Some((scheduler, priority)) = tune.scheduler {
        for vcpu in 0..tune.pins.vcpus.len() {
            xml.push_str(&format!(
                "    <vcpusched vcpus='{vcpu}' scheduler='{}' priority='{priority}'/>\n",
                xml_escape(scheduler)
            ));
        }
    }
    xml.push_str("  </cputune>\n");
    xml.push_str(&format!(
        "  <numatune><memory mode='strict' nodeset='{}'/></numatune>\n",
        tune.pins.node
    ));
    xml
}
