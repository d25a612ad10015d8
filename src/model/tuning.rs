//! How a domain's vCPUs are tuned, as its XML says: each vCPU's pin, its scheduler, where
//! the emulator runs and how memory is bound. What the real-time check and core-aware
//! placement read; plain data, so any backend can fill it and tests can write it by hand.

use serde::Serialize;

/// The host CPUs one vCPU may run on: its `<vcpupin>`, else the domain's `<vcpu cpuset>`;
/// empty when it floats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VcpuPin {
    pub vcpu: u32,
    pub cpus: Vec<u32>,
}

/// One `<vcpusched>`: the vCPUs it names, their scheduler and priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VcpuSched {
    pub vcpus: Vec<u32>,
    /// `fifo`, `rr`, `batch`, `idle` or `other`, as libvirt writes it.
    pub scheduler: String,
    pub priority: Option<i32>,
}

impl VcpuSched {
    /// A real-time policy: `fifo` or `rr` (the kernel's SCHED_FIFO and SCHED_RR).
    pub fn is_realtime(&self) -> bool {
        matches!(self.scheduler.as_str(), "fifo" | "rr")
    }
}

/// Everything about a domain's CPU and memory tuning the real-time rules look at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VmTuning {
    /// Its vCPU count (`<vcpu>`).
    pub vcpus: u32,
    /// One entry per vCPU, in vCPU order.
    pub pins: Vec<VcpuPin>,
    pub scheds: Vec<VcpuSched>,
    /// `<emulatorpin>` alone (not the I/O threads): None when the emulator is not pinned.
    pub emulatorpin: Option<Vec<u32>>,
    /// `<numatune><memory mode=…>`: strict, preferred, interleave or restrictive.
    pub memory_mode: Option<String>,
}

impl VmTuning {
    /// The scheduling of vCPU `vcpu`, when a `<vcpusched>` names it.
    pub fn sched_of(&self, vcpu: u32) -> Option<&VcpuSched> {
        self.scheds.iter().find(|s| s.vcpus.contains(&vcpu))
    }

    /// The vCPUs that run under a real-time policy.
    pub fn realtime_vcpus(&self) -> Vec<u32> {
        (0..self.vcpus)
            .filter(|v| self.sched_of(*v).is_some_and(VcpuSched::is_realtime))
            .collect()
    }

    /// Whether any vCPU runs under a real-time policy.
    pub fn has_realtime(&self) -> bool {
        self.scheds.iter().any(VcpuSched::is_realtime)
    }

    /// The CPUs vCPU `vcpu` may run on (empty: anywhere).
    pub fn pin_of(&self, vcpu: u32) -> &[u32] {
        self.pins
            .iter()
            .find(|p| p.vcpu == vcpu)
            .map_or(&[], |p| p.cpus.as_slice())
    }
}

/// libvirt's and the kernel's CPU list syntax, compact: `[0, 1, 2, 3, 8]` → `0-3,8`.
pub fn cpu_list(cpus: &[u32]) -> String {
    let mut sorted = cpus.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for cpu in sorted {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == cpu => *end = cpu,
            _ => runs.push((cpu, cpu)),
        }
    }
    let parts: Vec<String> = runs
        .into_iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    parts.join(",")
}

/// A CPU list as an admin writes it (`4-15`, `2,3,8-9`), strictly: anything else is an
/// error that says what was expected.
pub fn parse_cpu_list(text: &str) -> Result<Vec<u32>, String> {
    let mut cpus = Vec::new();
    for part in text.split(',').map(str::trim) {
        let number = |s: &str| {
            s.trim().parse::<u32>().map_err(|_| {
                format!("\"{text}\" is not a CPU list (expected e.g. \"4-15\" or \"2,3,8-9\")")
            })
        };
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (number(a)?, number(b)?);
                if a > b || b - a > 65_535 {
                    return Err(format!(
                        "\"{text}\": the range {part} is backwards or too long"
                    ));
                }
                cpus.extend(a..=b);
            }
            None => cpus.push(number(part)?),
        }
    }
    cpus.sort_unstable();
    cpus.dedup();
    Ok(cpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists_both_ways() {
        assert_eq!(cpu_list(&[8, 0, 1, 2, 3]), "0-3,8");
        assert_eq!(parse_cpu_list("4-7, 2").unwrap(), [2, 4, 5, 6, 7]);
        assert!(parse_cpu_list("4-").is_err());
        assert!(parse_cpu_list("7-4").is_err());
        assert!(parse_cpu_list("").is_err());
        assert!(parse_cpu_list("0-4294967295").is_err());
    }

    #[test]
    fn realtime_vcpus_are_those_under_fifo_or_rr() {
        let tuning = VmTuning {
            vcpus: 3,
            scheds: vec![
                VcpuSched {
                    vcpus: vec![0, 1],
                    scheduler: "fifo".into(),
                    priority: Some(1),
                },
                VcpuSched {
                    vcpus: vec![2],
                    scheduler: "batch".into(),
                    priority: None,
                },
            ],
            ..VmTuning::default()
        };
        assert_eq!(tuning.realtime_vcpus(), [0, 1]);
        assert!(tuning.has_realtime());
        assert!(tuning.pin_of(0).is_empty());
    }
}
