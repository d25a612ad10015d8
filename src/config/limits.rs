//! Values that parse but cannot be used (they would panic or exhaust something later): control
//! characters in URIs and names, intervals no clock can add, sizes beyond any machine. Each
//! check says what range is allowed.

use toml::Spanned;

use super::VmType;
use super::file::{HostEntry, PoolFile};

/// A stats pass at most once an hour: a longer interval is a typo, and a huge one overflows
/// the clock.
pub const MAX_STATS_INTERVAL_SECS: u64 = 3600;
/// Lines of console history; each costs a terminal row of memory.
pub const MAX_SCROLLBACK: usize = 1_000_000;
const MAX_VCPUS: u32 = 4096;
const MIN_MEMORY: u64 = 1 << 20;
const MAX_MEMORY: u64 = 64 << 40;
const MAX_DISK: u64 = 1 << 50;
const MAX_OVERCOMMIT: f64 = 1000.0;

pub fn stats_interval(secs: u64) -> Result<u64, String> {
    if (1..=MAX_STATS_INTERVAL_SECS).contains(&secs) {
        Ok(secs)
    } else {
        Err(format!(
            "stats_interval_secs = {secs} is out of range (1 to {MAX_STATS_INTERVAL_SECS})"
        ))
    }
}

pub fn scrollback(lines: usize) -> Result<usize, String> {
    if lines <= MAX_SCROLLBACK {
        Ok(lines)
    } else {
        Err(format!(
            "console_scrollback = {lines} is out of range (0 to {MAX_SCROLLBACK})"
        ))
    }
}

/// A pool's strings that reach libvirt, Incus or the screen carry no control characters (a NUL
/// cannot even be passed to C); the error is at the host entry that has one.
pub fn pool_text(pool: &PoolFile, pool_offset: usize) -> Result<(), (usize, String)> {
    let top = [
        ("name", &pool.name),
        ("url", &pool.url),
        ("remote", &pool.remote),
    ];
    for (key, value) in top {
        if let Some(value) = value {
            plain(key, value).map_err(|r| (pool_offset, r))?;
        }
    }
    for host in pool.hosts.iter().flatten() {
        host_text(host)?;
    }
    Ok(())
}

fn host_text(host: &Spanned<HostEntry>) -> Result<(), (usize, String)> {
    let at = host.span().start;
    match host.get_ref() {
        HostEntry::Uri(uri) => plain("host URI", uri),
        HostEntry::Named(named) => plain("host URI", &named.uri)
            .and_then(|()| {
                named
                    .name
                    .as_deref()
                    .map_or(Ok(()), |n| plain("host name", n))
            })
            .and_then(|()| {
                let migration = named.migration_uri.as_deref();
                migration.map_or(Ok(()), |m| plain("migration_uri", m))
            }),
    }
    .map_err(|r| (at, r))
}

fn plain(what: &str, value: &str) -> Result<(), String> {
    match value.chars().find(|c| c.is_control()) {
        None => Ok(()),
        Some(c) => Err(format!(
            "{what} {:?} contains the control character U+{:04X}",
            value,
            u32::from(c)
        )),
    }
}

/// A VM type no host could have: too many vCPUs, too little or too much memory or disk.
pub fn vm_type(t: &VmType) -> Result<(), String> {
    let name = &t.name;
    if t.vcpus > MAX_VCPUS {
        return Err(format!(
            "vm_type '{name}': vcpus = {} is out of range (1 to {MAX_VCPUS})",
            t.vcpus
        ));
    }
    if !(MIN_MEMORY..=MAX_MEMORY).contains(&t.memory_bytes) {
        return Err(format!(
            "vm_type '{name}': memory = {} bytes is out of range (1 MiB to 64 TiB)",
            t.memory_bytes
        ));
    }
    if t.disk_bytes > MAX_DISK {
        return Err(format!(
            "vm_type '{name}': disk = {} bytes is out of range (at most 1 PiB)",
            t.disk_bytes
        ));
    }
    Ok(())
}

/// Overcommit ratios are finite, above 0 and at most 1000.
pub fn overcommit(pool: &str, cpu: f64, memory: f64) -> Result<(), String> {
    let fits = |r: f64| r.is_finite() && r > 0.0 && r <= MAX_OVERCOMMIT;
    if fits(cpu) && fits(memory) {
        Ok(())
    } else {
        Err(format!(
            "pool '{pool}': overcommit ratios must be greater than 0 and at most {MAX_OVERCOMMIT}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_control_characters() {
        assert!(stats_interval(0).is_err());
        assert!(stats_interval(u64::MAX).is_err());
        assert_eq!(stats_interval(5), Ok(5));
        assert!(scrollback(usize::MAX).is_err());
        assert!(plain("host URI", "qemu:///system\0").is_err());
        assert!(plain("host URI", "qemu+ssh://kvm1/system").is_ok());
        assert!(overcommit("p", f64::NAN, 1.0).is_err());
        assert!(overcommit("p", 4.0, 1.0).is_ok());
    }
}
