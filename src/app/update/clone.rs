//! `:clone [NEWNAME] [--linked|--full|--instant-full] [--host HOST] [--with-snapshots]` on the
//! selected VM (default name `<name>-clone`, default mode linked; `--host` and
//! `--with-snapshots` for Incus). It asks, like every change (unless `[confirm] clone =
//! false`), and a name already taken or invalid is refused first.

use super::actions::single_target;
use super::ask::{ask, vms_phrase};
use super::set_status;
use crate::app::msg::Effect;
use crate::app::ops::{OpKind, OpRequest};
use crate::app::state::{Level, State};
use crate::model::Driver;
use crate::model::action::{CloneMode, CloneRequest};

const USAGE: &str =
    "usage: :clone [NEWNAME] [--linked|--full|--instant-full] [--host HOST] [--with-snapshots]";

/// The words after `:clone`; the name is filled in later when none was given.
fn parse(args: &[&str]) -> Result<CloneRequest, String> {
    let mut request = CloneRequest {
        name: String::new(),
        mode: CloneMode::Linked,
        to_host: None,
        with_snapshots: false,
    };
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match *word {
            "--host" => request.to_host = Some(words.next().ok_or(USAGE)?.to_string()),
            "--with-snapshots" => request.with_snapshots = true,
            flag if flag.starts_with("--") => {
                request.mode = CloneMode::from_flag(flag).ok_or(USAGE)?;
            }
            name if request.name.is_empty() => request.name = name.to_string(),
            _ => return Err(USAGE.into()),
        }
    }
    Ok(request)
}

pub fn command(state: &mut State, args: &[&str]) -> Vec<Effect> {
    let mut request = match parse(args) {
        Ok(request) => request,
        Err(usage) => {
            set_status(state, Level::Error, usage);
            return Vec::new();
        }
    };
    let Some(target) = single_target(state, "clone") else {
        return Vec::new();
    };
    if let Err(why) = check_incus_options(state, target.pool, &request) {
        set_status(state, Level::Error, why);
        return Vec::new();
    }
    if request.name.is_empty() {
        request.name = format!("{}-clone", target.name);
    }
    let (name, flag) = (request.name.clone(), request.mode.flag());
    let request = OpRequest {
        target,
        kind: OpKind::Clone(request),
    };
    ask(state, vec![request], move |state, eligible| {
        format!("Clone {} as {name} ({flag})?", vms_phrase(state, eligible))
    })
}

/// `--host` and `--with-snapshots` are Incus's; the host must be an up member of the pool.
fn check_incus_options(state: &State, pool: usize, request: &CloneRequest) -> Result<(), String> {
    let pool = &state.pools[pool];
    if pool.driver != Driver::Incus {
        if request.to_host.is_some() || request.with_snapshots {
            return Err("--host and --with-snapshots are for Incus pools; a libvirt clone stays on its source's host".into());
        }
        return Ok(());
    }
    let Some(host) = &request.to_host else {
        return Ok(());
    };
    match pool.hosts.iter().find(|h| &h.name == host) {
        Some(found) if found.is_up() => Ok(()),
        Some(_) => Err(format!("{host} is not up")),
        None => {
            let names: Vec<&str> = pool.hosts.iter().map(|h| h.name.as_str()).collect();
            Err(format!(
                "pool {} has no host '{host}' (hosts: {})",
                pool.name,
                names.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_modes_hosts_and_snapshots() {
        let request = parse(&["web2", "--full", "--host", "node2", "--with-snapshots"]).unwrap();
        assert_eq!(request.name, "web2");
        assert_eq!(request.mode, CloneMode::Full);
        assert_eq!(request.to_host.as_deref(), Some("node2"));
        assert!(request.with_snapshots);
        assert_eq!(parse(&[]).unwrap().mode, CloneMode::Linked);
        assert!(parse(&["--host"]).is_err());
        assert!(parse(&["a", "b"]).is_err());
        assert!(parse(&["--sideways"]).is_err());
    }
}
