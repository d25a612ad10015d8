//! A pool's slices: `[[pool.partition]]`, the CPUs each cgroup slice allows on the pool's
//! hosts (libvirt does not report them) and those kept for housekeeping. Each error is at the
//! table or key it is about.

use std::collections::{BTreeMap, HashSet};

use toml::Spanned;

use super::file::{HostSliceFile, PartitionFile};
use super::rt::{Located, at};
use crate::model::tuning::{cpu_list, parse_cpu_list};

/// The CPUs a slice allows on a host, and those of them kept for housekeeping: the emulator
/// threads of its real-time VMs, which must run inside the slice but off the vCPUs' cores.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SliceCpus {
    pub cpus: Vec<u32>,
    pub housekeeping: Vec<u32>,
}

/// A cgroup slice VMs may run in, with the CPUs it allows on the pool's hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// The partition path, as in `<resource><partition>` (`/machine/rt`).
    pub name: String,
    /// Its CPUs on hosts that have no line of their own.
    pub default: Option<SliceCpus>,
    /// Hosts whose slice allows other CPUs, by host name.
    pub hosts: BTreeMap<String, SliceCpus>,
}

impl Partition {
    /// What the slice allows on `host`; None when the config does not say.
    pub fn on(&self, host: &str) -> Option<&SliceCpus> {
        self.hosts.get(host).or(self.default.as_ref())
    }

    /// The CPUs the slice allows on `host`; None when the config does not say.
    pub fn cpus_for(&self, host: &str) -> Option<&[u32]> {
        self.on(host).map(|s| s.cpus.as_slice())
    }
}

/// A pool's `[[pool.partition]]` tables; `hosts` names the pool's hosts (empty for Incus,
/// which has no slices and refuses them). Errors carry the offset of the table or key.
pub(super) fn partitions(
    pool: &str,
    hosts: Option<&[&str]>,
    files: &[Spanned<PartitionFile>],
) -> Result<Vec<Partition>, (usize, String)> {
    let mut names = HashSet::new();
    let mut out = Vec::new();
    for spanned in files {
        let table = spanned.span().start;
        let Some(hosts) = hosts else {
            return Err((
                table,
                format!(
                    "pool '{pool}': partitions are a libvirt setting; this pool's driver is incus"
                ),
            ));
        };
        let partition = partition(pool, hosts, spanned.get_ref())
            .map_err(|(offset, why)| (offset.unwrap_or(table), why))?;
        if !names.insert(partition.name.clone()) {
            return Err((
                table,
                format!(
                    "pool '{pool}': partition '{}' is defined twice",
                    partition.name
                ),
            ));
        }
        out.push(partition);
    }
    Ok(out)
}

fn partition(pool: &str, hosts: &[&str], file: &PartitionFile) -> Result<Partition, Located> {
    let name = file.name.clone().ok_or((
        None,
        format!("pool '{pool}': a [[pool.partition]] needs a name"),
    ))?;
    if !name.starts_with('/') || name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err((
            None,
            format!(
                "pool '{pool}': partition name \"{}\" must be a path such as \"/machine/rt\"",
                name.escape_debug()
            ),
        ));
    }
    let at_slice = format!("pool '{pool}', partition '{name}'");
    let located = |value: &Spanned<String>, what: &str| {
        cpus_of(&at_slice, value.get_ref(), what).map_err(|why| at(value, why))
    };
    let cpus = file.cpus.as_ref().map(|c| located(c, "cpus")).transpose()?;
    let housekeeping = file
        .housekeeping
        .as_ref()
        .map(|h| located(h, "housekeeping"))
        .transpose()?
        .unwrap_or_default();
    let default = cpus.map(|cpus| SliceCpus {
        cpus,
        housekeeping: housekeeping.clone(),
    });
    if let Some(slice) = &default {
        let key = file.housekeeping.as_ref().map(|h| h.span().start);
        inside(&at_slice, slice).map_err(|why| (key, why))?;
    }
    let per_host = host_slices(&at_slice, hosts, file, default.as_ref(), &housekeeping)?;
    let missing = hosts.iter().find(|h| !per_host.contains_key(**h));
    if let (None, Some(missing)) = (&default, missing) {
        return Err((
            None,
            format!("{at_slice} needs cpus = \"…\" (host '{missing}' has no line in hosts)"),
        ));
    }
    Ok(Partition {
        name,
        default,
        hosts: per_host,
    })
}

fn cpus_of(at_slice: &str, value: &str, what: &str) -> Result<Vec<u32>, String> {
    parse_cpu_list(value).map_err(|why| format!("{at_slice}: {what} = {why}"))
}

/// The `hosts = { … }` lines: each host's CPUs (else the slice's) and housekeeping CPUs
/// (else the slice's).
fn host_slices(
    at_slice: &str,
    hosts: &[&str],
    file: &PartitionFile,
    default: Option<&SliceCpus>,
    housekeeping: &[u32],
) -> Result<BTreeMap<String, SliceCpus>, Located> {
    let mut per_host = BTreeMap::new();
    for (host, value) in file.hosts.iter().flatten() {
        let located = |why: String| at(value, why);
        if !hosts.contains(&host.as_str()) {
            return Err(located(format!(
                "{at_slice}: '{host}' is not a host of the pool"
            )));
        }
        let (own_cpus, own_housekeeping) = match value.get_ref() {
            HostSliceFile::Cpus(cpus) => (Some(cpus), None),
            HostSliceFile::Table(table) => (table.cpus.as_ref(), table.housekeeping.as_ref()),
        };
        let cpus = match (own_cpus, default) {
            (Some(text), _) => cpus_of(at_slice, text, host).map_err(located)?,
            (None, Some(slice)) => slice.cpus.clone(),
            (None, None) => {
                return Err(located(format!(
                    "{at_slice}: host '{host}' needs cpus = \"…\""
                )));
            }
        };
        let housekeeping = match own_housekeeping {
            Some(text) => cpus_of(at_slice, text, "housekeeping").map_err(located)?,
            None => housekeeping.to_vec(),
        };
        let slice = SliceCpus { cpus, housekeeping };
        inside(&format!("{at_slice} on {host}"), &slice).map_err(located)?;
        per_host.insert(host.clone(), slice);
    }
    Ok(per_host)
}

/// Housekeeping CPUs are some of the slice's own: the emulator threads live in its cgroup.
fn inside(at_slice: &str, slice: &SliceCpus) -> Result<(), String> {
    let outside: Vec<u32> = slice
        .housekeeping
        .iter()
        .copied()
        .filter(|c| !slice.cpus.contains(c))
        .collect();
    if outside.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{at_slice}: housekeeping CPUs {} are not in the slice's cpus {} (the emulator threads run inside the slice)",
            cpu_list(&outside),
            cpu_list(&slice.cpus)
        ))
    }
}
