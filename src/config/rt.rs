//! Real-time settings of a VM type: its vCPU scheduler and priority, where its emulator
//! runs, core isolation. Each error is at the key it is about. (The pool's slices are in
//! `partition.rs`.)

use toml::Spanned;

use super::file::VmTypeFile;
use crate::model::tuning::parse_cpu_list;

/// A real-time vCPU scheduling policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheduler {
    Fifo,
    Rr,
}

impl Scheduler {
    /// As libvirt's `<vcpusched scheduler=…>` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheduler::Fifo => "fifo",
            Scheduler::Rr => "rr",
        }
    }
}

/// Where a real-time VM's emulator threads run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Emulator {
    /// On the housekeeping CPUs of its slice.
    #[default]
    Housekeeping,
    /// On these CPUs.
    Cpus(Vec<u32>),
}

/// What a VM type asks for its vCPUs beyond a count.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RtSettings {
    pub scheduler: Option<Scheduler>,
    /// 1 to 99; SEAPATH's default is 1.
    pub priority: u32,
    pub emulator: Emulator,
    /// Each vCPU alone on a physical core, its hyperthread siblings left idle.
    pub isolate_core: bool,
}

impl RtSettings {
    /// Whether placement must give each vCPU a whole core of its own.
    pub fn needs_cores(&self) -> bool {
        self.scheduler.is_some() || self.isolate_core
    }
}

pub(super) type Located = (Option<usize>, String);

pub(super) fn at<T>(spanned: &Spanned<T>, reason: String) -> Located {
    (Some(spanned.span().start), reason)
}

/// The real-time keys of the VM type `name`; an error carries the offset of its key (None:
/// the table itself).
pub(super) fn rt_settings(name: &str, t: &VmTypeFile) -> Result<RtSettings, Located> {
    let scheduler = match &t.vcpusched {
        None => None,
        Some(s) => Some(match s.get_ref().as_str() {
            "fifo" => Scheduler::Fifo,
            "rr" => Scheduler::Rr,
            other => {
                return Err(at(
                    s,
                    format!(
                        "vm_type '{name}': vcpusched = \"{other}\" (expected \"fifo\" or \"rr\")"
                    ),
                ));
            }
        }),
    };
    let isolate_core = match &t.isolate {
        None => false,
        Some(s) if s.get_ref() == "core" => true,
        Some(s) => {
            let other = s.get_ref();
            return Err(at(
                s,
                format!("vm_type '{name}': isolate = \"{other}\" (expected \"core\")"),
            ));
        }
    };
    let priority = match &t.priority {
        None => 1,
        Some(p) if scheduler.is_none() => {
            return Err(at(
                p,
                format!("vm_type '{name}': priority needs vcpusched = \"fifo\" or \"rr\""),
            ));
        }
        Some(p) => match u32::try_from(*p.get_ref()) {
            Ok(value @ 1..=99) => value,
            _ => {
                return Err(at(
                    p,
                    format!(
                        "vm_type '{name}': priority = {} is out of range (1 to 99)",
                        p.get_ref()
                    ),
                ));
            }
        },
    };
    let emulator = match &t.emulator {
        None => Emulator::Housekeeping,
        Some(e) if scheduler.is_none() && !isolate_core => {
            return Err(at(
                e,
                format!("vm_type '{name}': emulator goes with vcpusched or isolate"),
            ));
        }
        Some(e) if e.get_ref() == "housekeeping" => Emulator::Housekeeping,
        Some(e) => Emulator::Cpus(parse_cpu_list(e.get_ref()).map_err(|why| {
            at(
                e,
                format!("vm_type '{name}': emulator = {why}, or \"housekeeping\""),
            )
        })?),
    };
    let settings = RtSettings {
        scheduler,
        priority,
        emulator,
        isolate_core,
    };
    if settings.needs_cores() && t.partition.is_none() {
        let key = t.vcpusched.as_ref().or(t.isolate.as_ref());
        return Err((
            key.map(|k| k.span().start),
            format!(
                "vm_type '{name}': a real-time type needs partition = \"/machine/rt\" (the slice whose CPUs its vCPUs get)"
            ),
        ));
    }
    Ok(settings)
}

#[cfg(test)]
mod tests;
