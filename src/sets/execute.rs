//! `vmdeck sets heal --yes` and `vmdeck sets scale --yes`: carry out a plan step by step,
//! each with a line saying how it went and an audit line (`start` / `compose` / `delete` /
//! `restamp`, params naming the set and `heal` or `scale`).

use std::path::Path;

use crate::backend::{incus, libvirt};
use crate::compose::headless::compose_one;
use crate::config::PoolConfig;
use crate::model::action::AuditRecord;
use crate::model::compose::ComposeSpec;
use crate::model::op::OpKind;
use crate::model::set::SetSpec;

/// One step to carry out: start a member where it is, or compose one on its placed host.
pub enum Act {
    Start {
        name: String,
        host: String,
    },
    Compose {
        host: String,
        spec: Box<ComposeSpec>,
    },
    /// Delete the member with its disks, forced off first if it runs.
    Delete {
        name: String,
        host: String,
    },
    /// Rewrite the member's set spec.
    Restamp {
        name: String,
        host: String,
        spec: Box<SetSpec>,
    },
}

/// Carries out `act` in `pool` for `set`, prints how it went and audits it; whether it
/// succeeded.
pub fn carry_out(pool: &PoolConfig, set: &str, act: &Act, audit: &Path) -> bool {
    carry_out_for(pool, (set, "heal"), act, audit)
}

/// [`carry_out`] for `(set, why)`: `why` (heal, scale) goes into the audit line's params.
pub fn carry_out_for(pool: &PoolConfig, (set, why): (&str, &str), act: &Act, audit: &Path) -> bool {
    let (host, name, action, params, result) = match act {
        Act::Start { name, host } => (host, name, "start", String::new(), start(pool, host, name)),
        Act::Compose { host, spec } => (
            host,
            &spec.name,
            "compose",
            spec.params(),
            compose_one(pool, host, spec),
        ),
        Act::Delete { name, host } => {
            let kind = OpKind::Delete {
                with_storage: true,
                force: true,
            };
            (
                host,
                name,
                "delete",
                kind.params(),
                delete(pool, host, name),
            )
        }
        Act::Restamp { name, host, spec } => {
            let params = OpKind::Restamp(spec.clone()).params();
            let result = restamp(pool, host, name, spec);
            (host, name, "restamp", params, result)
        }
    };
    let done = result.is_ok();
    match &result {
        Ok(()) => println!("{name}: {action} on {host}: done"),
        Err(e) => eprintln!("vmdeck: {name}: {action} on {host}: {e}"),
    }
    let record = AuditRecord {
        time: crate::effects::now_secs(),
        user: crate::effects::local_user(),
        pool: pool.name.clone(),
        host: host.clone(),
        vm: name.clone(),
        action: action.to_string(),
        params: format!("set={set} {why} {params}").trim().to_string(),
        result: result.err().map_or("ok".into(), |e| format!("error: {e}")),
        prev: None,
    };
    if let Err(e) = crate::audit::append(audit, &record) {
        eprintln!("vmdeck: {e}");
    }
    done
}

/// Rewrites the set spec stamped on member `name` on `host` of `pool`.
pub fn restamp(
    pool: &PoolConfig,
    host: &str,
    name: &str,
    spec: &crate::model::set::SetSpec,
) -> Result<(), String> {
    match (&pool.incus, pool.hosts.iter().find(|h| h.name == host)) {
        (Some(incus), _) => incus::restamp_set_once(incus, name, spec, pool.deadlines),
        (None, Some(h)) => libvirt::restamp_set_once(&h.uri, name, spec, pool.deadlines),
        (None, None) => Err(format!("pool {} has no host {host}", pool.name)),
    }
}

fn start(pool: &PoolConfig, host: &str, name: &str) -> Result<(), String> {
    match (&pool.incus, pool.hosts.iter().find(|h| h.name == host)) {
        (Some(incus), _) => incus::start_once(incus, name, pool.deadlines),
        (None, Some(h)) => libvirt::start_once(&h.uri, name, pool.deadlines),
        (None, None) => Err(format!("pool {} has no host {host}", pool.name)),
    }
}

fn delete(pool: &PoolConfig, host: &str, name: &str) -> Result<(), String> {
    match (&pool.incus, pool.hosts.iter().find(|h| h.name == host)) {
        (Some(incus), _) => incus::delete_once(incus, name, pool.deadlines),
        (None, Some(h)) => libvirt::delete_forced_once(&h.uri, name, pool.deadlines),
        (None, None) => Err(format!("pool {} has no host {host}", pool.name)),
    }
}
