//! Capacity figures as words, alike in every view and in `vmdeck capacity`: both the running
//! and the defined figure where they differ, and which one placement counts.

use super::Capacity;
use crate::config::Allocation;
use crate::model::units::bytes;

/// `6 running · 909 defined`, with the figure the policy counts added when it is neither
/// (`· 8 with autostart`); a single number when running and defined agree.
pub fn allocated_text(
    running: u64,
    counted: u64,
    defined: u64,
    allocation: Allocation,
    unit: fn(u64) -> String,
) -> String {
    if running == defined {
        return unit(counted);
    }
    let mut text = format!("{} running · {} defined", unit(running), unit(defined));
    if counted != running && counted != defined {
        text.push_str(&format!(
            " · {} counted ({})",
            unit(counted),
            allocation.as_str()
        ));
    }
    text
}

/// `12 GiB free`, or `over by 3 GiB` when more is given out than there is.
pub fn free_text(capacity: u64, used: u64, unit: fn(u64) -> String) -> String {
    if used > capacity {
        format!("over by {}", unit(used - capacity))
    } else {
        format!("{} free", unit(capacity - used))
    }
}

impl Capacity {
    pub fn vcpus_text(&self) -> String {
        allocated_text(
            self.vcpus_running,
            self.vcpus_allocated,
            self.vcpus_defined,
            self.allocation,
            |n| n.to_string(),
        )
    }

    pub fn memory_text(&self) -> String {
        allocated_text(
            self.memory_running_bytes,
            self.memory_allocated_bytes,
            self.memory_defined_bytes,
            self.allocation,
            bytes,
        )
    }

    /// What placement measures against capacity, for a header: `counts running+autostart`.
    pub fn policy_text(&self) -> String {
        format!("placement counts {}", self.allocation.as_str())
    }
}
