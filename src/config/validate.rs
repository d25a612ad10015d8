//! Turns the file model into a [`Config`], with errors that name the file, the line and why.

use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;

use toml::Spanned;

use super::compose::compose_settings;
use super::file::{ConfigFile, HostEntry, PoolFile};
use super::vm_types::validate_vm_types;
use super::{Config, HostConfig, IncusConfig, Overcommit, PoolConfig};
use super::{incus_remote, limits};
use crate::model::Driver;

/// A config that can't be used, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub reason: String,
}

impl ConfigError {
    /// An error at byte `offset` of `text` (its 1-based line and column), or of the whole file.
    pub fn at(file: &str, text: &[u8], offset: Option<usize>, reason: String) -> ConfigError {
        let place = offset.map(|offset| {
            let before = &text[..offset.min(text.len())];
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count()
                + 1;
            (before.iter().filter(|&&b| b == b'\n').count() + 1, column)
        });
        ConfigError {
            file: file.to_string(),
            line: place.map(|p| p.0),
            column: place.map(|p| p.1),
            reason,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "{}:{line}:{column}: {}", self.file, self.reason)
            }
            (Some(line), None) => write!(f, "{}:{line}: {}", self.file, self.reason),
            _ => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Parses and validates config text; `file` names it in errors.
pub fn parse_config(text: &str, file: &str) -> Result<Config, ConfigError> {
    let error = |offset: Option<usize>, reason: String| {
        ConfigError::at(file, text.as_bytes(), offset, reason)
    };
    let parsed: ConfigFile = toml::from_str(text).map_err(|e| {
        let reason = e.message().to_string();
        error(e.span().map(|s| s.start), reason)
    })?;

    let mut config = Config {
        read_only: parsed.read_only.unwrap_or(false),
        ..Config::default()
    };
    if let Some(theme) = parsed.theme {
        config.theme = theme;
    }
    if let Some(secs) = &parsed.stats_interval_secs {
        config.stats_interval_secs = limits::stats_interval(*secs.get_ref())
            .map_err(|r| error(Some(secs.span().start), r))?;
    }
    if let Some(lines) = &parsed.console_scrollback {
        config.console_scrollback =
            limits::scrollback(*lines.get_ref()).map_err(|r| error(Some(lines.span().start), r))?;
    }
    config.console_log = parsed.console_log.unwrap_or(false);
    if let Some(table) = &parsed.confirm {
        config.unasked = super::confirm::unasked(table.get_ref())
            .map_err(|r| error(Some(table.span().start), r))?;
    }
    if let Some(table) = &parsed.columns {
        config.columns = super::columns::columns(table).map_err(|(o, r)| error(Some(o), r))?;
    }
    let mut pool_names = HashSet::new();
    let mut pool_offsets = Vec::new();
    for mut spanned in parsed.pool {
        let offset = spanned.span().start;
        limits::pool_text(spanned.get_ref(), offset).map_err(|(o, r)| error(Some(o), r))?;
        pool_offsets.push(offset);
        let partitions = std::mem::take(&mut spanned.get_mut().partition);
        let file = spanned.get_ref();
        let deadlines = super::deadlines::pool_deadlines(
            file.name.as_deref().unwrap_or_default(),
            file.connect_timeout_secs.as_ref(),
            file.call_timeout_secs.as_ref(),
        )
        .map_err(|(o, r)| error(Some(o), r))?;
        let mut pool = validate_pool(spanned.into_inner()).map_err(|r| error(Some(offset), r))?;
        pool.deadlines = deadlines;
        let hosts: Vec<&str> = pool.hosts.iter().map(|h| h.name.as_str()).collect();
        let libvirt = (pool.driver == Driver::Libvirt).then_some(hosts.as_slice());
        pool.compose.partitions = super::partition::partitions(&pool.name, libvirt, &partitions)
            .map_err(|(o, r)| error(Some(o), r))?;
        if !pool_names.insert(pool.name.clone()) {
            return Err(error(
                Some(offset),
                format!("pool '{}' is defined twice", pool.name),
            ));
        }
        config.pools.push(pool);
    }
    config.vm_types = validate_vm_types(&parsed.vm_type).map_err(|(o, r)| error(Some(o), r))?;
    // A reference between sections is reported at the pool that refers.
    check_offered_types(&config).map_err(|(p, r)| error(pool_offsets.get(p).copied(), r))?;
    Ok(config)
}

/// Every type a pool offers is a configured `[[vm_type]]`; else the pool's index and why.
fn check_offered_types(config: &Config) -> Result<(), (usize, String)> {
    for (index, pool) in config.pools.iter().enumerate() {
        for name in &pool.compose.vm_types {
            if !config.vm_types.iter().any(|t| &t.name == name) {
                return Err((
                    index,
                    format!(
                        "pool '{}': vm_types names '{name}', which no [[vm_type]] defines",
                        pool.name
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn validate_pool(mut pool: PoolFile) -> Result<PoolConfig, String> {
    let name = pool.name.clone().ok_or("a [[pool]] needs a name")?;
    let driver = match pool.driver.as_deref() {
        Some("libvirt") | None => Driver::Libvirt,
        Some("incus") => Driver::Incus,
        Some(other) => {
            return Err(format!(
                "pool '{name}': unknown driver '{other}' (expected \"libvirt\" or \"incus\")"
            ));
        }
    };
    let (hosts, incus) = match driver {
        Driver::Libvirt => {
            refuse_incus_keys(&name, &pool)?;
            (libvirt_hosts(&name, pool.hosts.take())?, None)
        }
        Driver::Incus => {
            if pool.hosts.is_some() {
                return Err(format!(
                    "pool '{name}': an incus pool takes url = \"…\"; its hosts are the cluster members"
                ));
            }
            let incus = incus_pool(&name, &pool)?;
            let host = HostConfig {
                name: default_host_name(&incus.url),
                uri: incus.url.clone(),
                migration_uri: None,
                allocation: None,
            };
            (vec![host], Some(incus))
        }
    };
    let compose = compose_settings(&name, driver, &hosts, &mut pool)?;
    let overcommit = pool.overcommit.map_or(Ok(Overcommit::default()), |o| {
        let defaults = Overcommit::default();
        let cpu = o.cpu.unwrap_or(defaults.cpu);
        let memory = o.memory.unwrap_or(defaults.memory);
        limits::overcommit(&name, cpu, memory).map(|()| Overcommit { cpu, memory })
    })?;
    let allocation = super::allocation::pool_allocation(&name, pool.allocation.as_deref())?;
    Ok(PoolConfig {
        allocation,
        name,
        driver,
        hosts,
        read_only: pool.read_only.unwrap_or(false),
        theme: pool.theme,
        overcommit,
        incus,
        compose,
        deadlines: Default::default(),
    })
}

fn libvirt_hosts(
    pool: &str,
    hosts: Option<Vec<Spanned<HostEntry>>>,
) -> Result<Vec<HostConfig>, String> {
    let hosts = hosts.unwrap_or_default();
    if hosts.is_empty() {
        return Err(format!(
            "pool '{pool}': a libvirt pool needs hosts = [\"qemu+ssh://…\", …]"
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for entry in hosts {
        let (name, uri, migration_uri, allocation) = match entry.into_inner() {
            HostEntry::Uri(uri) => (None, uri, None, None),
            HostEntry::Named(host) => (host.name, host.uri, host.migration_uri, host.allocation),
        };
        if !uri.contains(':') {
            return Err(format!("pool '{pool}': '{uri}' is not a libvirt URI"));
        }
        let name = name.unwrap_or_else(|| default_host_name(&uri));
        if !seen.insert(name.clone()) {
            return Err(format!(
                "pool '{pool}': two hosts are named '{name}'; give each a name = \"…\""
            ));
        }
        let allocation = super::allocation::host_allocation(pool, &name, allocation)?;
        out.push(HostConfig {
            name,
            uri,
            migration_uri,
            allocation,
        });
    }
    Ok(out)
}

/// Keys that only mean something for Incus are refused on libvirt pools rather than ignored.
fn refuse_incus_keys(pool: &str, file: &PoolFile) -> Result<(), String> {
    let given = [
        ("url", file.url.is_some()),
        ("remote", file.remote.is_some()),
        ("client_cert", file.client_cert.is_some()),
        ("client_key", file.client_key.is_some()),
        ("server_cert", file.server_cert.is_some()),
        ("project", file.project.is_some()),
    ];
    match given.iter().find(|(_, set)| *set) {
        Some((key, _)) => Err(format!(
            "pool '{pool}': '{key}' is an incus setting; this pool's driver is libvirt"
        )),
        None => Ok(()),
    }
}

fn incus_pool(pool: &str, file: &PoolFile) -> Result<IncusConfig, String> {
    let remote = match (&file.url, &file.remote) {
        (Some(_), Some(_)) => {
            return Err(format!("pool '{pool}': give url or remote, not both"));
        }
        (_, Some(name)) => {
            Some(incus_remote::resolve(name).map_err(|e| format!("pool '{pool}': {e}"))?)
        }
        (_, None) => None,
    };
    let url = match (&remote, &file.url) {
        (Some(remote), _) => remote.url.clone(),
        (None, Some(url)) => url.clone(),
        (None, None) => incus_remote::DEFAULT_SOCKET_URL.into(),
    };
    if !(url.starts_with("unix://") || url.starts_with("https://")) {
        return Err(format!(
            "pool '{pool}': url must start with unix:// or https://"
        ));
    }
    let mut config = incus_config(url);
    if let Some(cert) = &file.client_cert {
        config.client_cert = expand_home(cert);
    }
    if let Some(key) = &file.client_key {
        config.client_key = expand_home(key);
    }
    config.server_cert = file
        .server_cert
        .as_deref()
        .map(expand_home)
        .or_else(|| remote.and_then(|r| r.server_cert));
    config.project = file.project.clone();
    Ok(config)
}

/// An Incus endpoint with the defaults of the `incus` client: its certificate and key in its
/// config directory (`$INCUS_CONF`, else `~/.config/incus/`), all projects.
pub fn incus_config(url: String) -> IncusConfig {
    let client = incus_remote::client_dir();
    IncusConfig {
        url,
        client_cert: client.join("client.crt"),
        client_key: client.join("client.key"),
        server_cert: None,
        project: None,
    }
}

fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// The host part of a URI (`qemu+ssh://kvm1/system` → `kvm1`), else this machine's name,
/// which is what libvirt reports for a local URI.
pub fn default_host_name(uri: &str) -> String {
    let after_scheme = uri.split_once("://").map_or("", |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    if host.is_empty() {
        local_hostname()
    } else {
        host.to_string()
    }
}

fn local_hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

#[cfg(test)]
mod tests;
