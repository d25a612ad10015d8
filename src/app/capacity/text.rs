//! Capacity figures as words, alike in every view and in `vmdeck capacity`: what placement
//! counts, and the running and the defined figure beside it where they differ.

use super::Capacity;
use crate::model::units::bytes;

/// `6 running · 909 defined`, or None when the two agree (nothing stopped is defined).
pub fn running_defined_text(running: u64, defined: u64, unit: fn(u64) -> String) -> Option<String> {
    (running != defined).then(|| {
        format!(
            "{} running · {} defined",
            sized(running, unit),
            sized(defined, unit)
        )
    })
}

/// `12 GiB free`, or `over by 3 GiB` when more is given out than there is.
pub fn free_text(capacity: u64, used: u64, unit: fn(u64) -> String) -> String {
    if used > capacity {
        format!("over by {}", sized(used - capacity, unit))
    } else {
        format!("{} free", unit(capacity - used))
    }
}

/// A figure that may have saturated: the largest u64 means "at least this much".
pub fn sized(value: u64, unit: fn(u64) -> String) -> String {
    if value == u64::MAX {
        format!("more than {}", unit(value))
    } else {
        unit(value)
    }
}

impl Capacity {
    pub fn vcpus_running_defined(&self) -> Option<String> {
        running_defined_text(self.vcpus_running, self.vcpus_defined, |n| n.to_string())
    }

    pub fn memory_running_defined(&self) -> Option<String> {
        running_defined_text(self.memory_running_bytes, self.memory_defined_bytes, bytes)
    }

    /// What placement measures against capacity, for a header: `counts running+autostart`.
    pub fn policy_text(&self) -> String {
        format!("placement counts {}", self.allocation.as_str())
    }
}
