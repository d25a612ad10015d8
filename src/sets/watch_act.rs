//! One watcher pass over one pool: the pool read with its members' CPU %, and what is done
//! about each set — heal it (`heal = "auto"`), scale it out or in by one, or hold — each
//! action followed by a restamp of every member with the set's new spec and the decision in
//! words, and an audit line.

use std::collections::HashMap;
use std::path::Path;

use super::autoscale::{Change, Inputs, decide};
use super::execute::{Act, carry_out, delete, restamp};
use super::headless::{PoolRead, place, print_heal, read_pool, sets_of};
use super::heal::{Step, plan};

use super::meter::measure;
use super::status::SetStatus;
use super::watch::{PoolMemory, say};
use crate::compose::PoolView;
use crate::compose::headless::{compose_one, pool_view};
use crate::config::{Config, PoolConfig};
use crate::model::action::AuditRecord;
use crate::model::set::{SetSpec, generation_at};

/// The pool as one pass sees it.
pub(super) struct PoolPass<'a> {
    config: &'a Config,
    pool: &'a PoolConfig,
    memory: &'a mut PoolMemory,
    audit: &'a Path,
    pub all_up: bool,
    pub sets: Vec<SetStatus>,
    /// CPU % by VM uuid, where a figure exists.
    cpu: HashMap<String, f64>,
    /// Each member's uuid, by (host, name).
    uuids: HashMap<(String, String), String>,
    read: Option<PoolRead>,
    /// Built when an action needs placement (it reads the hosts' images).
    view: Option<PoolView<'a>>,
}

impl<'a> PoolPass<'a> {
    pub fn read(
        config: &'a Config,
        pool: &'a PoolConfig,
        memory: &'a mut PoolMemory,
        audit: &'a Path,
    ) -> PoolPass<'a> {
        let read = read_pool(pool, false);
        let cpu = measure(pool, memory);
        let uuids = read
            .hosts
            .iter()
            .flat_map(|(host, _, vms)| {
                vms.iter()
                    .map(move |vm| ((host.clone(), vm.name.clone()), vm.uuid.clone()))
            })
            .collect();
        PoolPass {
            config,
            pool,
            memory,
            audit,
            all_up: read.hosts.iter().all(|(_, up, _)| *up),
            sets: sets_of(pool, &read),
            cpu,
            uuids,
            read: Some(read),
            view: None,
        }
    }

    fn view(&mut self) -> &mut PoolView<'a> {
        let pool = self.pool;
        let rows = self.read.take().map(|r| r.rows).unwrap_or_default();
        self.view
            .get_or_insert_with(|| pool_view(pool, rows, false))
    }

    /// The CPU % of the set's running members on hosts that answer.
    fn cpu_of(&self, set: &SetStatus) -> Vec<f64> {
        set.members
            .iter()
            .filter(|m| m.host_up && m.state == crate::model::VmState::Running)
            .filter_map(|m| self.uuids.get(&(m.host.clone(), m.name.clone())))
            .filter_map(|uuid| self.cpu.get(uuid).copied())
            .collect()
    }

    /// Says `text` about the set unless it was the last thing said about it.
    fn tell(&mut self, set: &str, text: &str) {
        if self.memory.said.get(set).map(String::as_str) != Some(text) {
            say(text);
            self.memory.said.insert(set.to_string(), text.to_string());
        }
    }

    fn audit(
        &self,
        host: &str,
        vm: &str,
        action: &str,
        params: String,
        result: &Result<(), String>,
    ) {
        let record = AuditRecord {
            time: crate::effects::now_secs(),
            user: crate::effects::local_user(),
            pool: self.pool.name.clone(),
            host: host.to_string(),
            vm: vm.to_string(),
            action: action.to_string(),
            params,
            result: result
                .as_ref()
                .err()
                .map_or("ok".into(), |e| format!("error: {e}")),
            prev: None,
        };
        if let Err(e) = crate::audit::append(self.audit, &record) {
            eprintln!("vmdeck: {e}");
        }
    }
}

/// Heals or scales `set` if it asks for it; false when an action failed.
pub(super) fn act_on_set(pass: &mut PoolPass, set: &SetStatus, now: u64) -> bool {
    let Some(spec) = set.spec.clone() else {
        return true;
    };
    if spec.heal {
        let steps = plan(set, pass.all_up, false);
        if steps.iter().any(|s| !matches!(s, Step::Skip { .. })) {
            return heal(pass, set, &spec, &steps);
        }
    }
    let cpu = pass.cpu_of(set);
    let inputs = Inputs {
        set,
        cpu: &cpu,
        // Every action restamps the set, so its newest spec was written at the last one
        // (or by an admin's edit, which deserves the same settling time).
        last_action: Some(spec.generation / 1000),
        now,
    };
    let Some(decision) = decide(&inputs) else {
        return true;
    };
    match decision.change {
        Change::Hold => {
            pass.tell(&set.name, &decision.text);
            true
        }
        Change::Out { to, .. } => scale_out(pass, set, &spec, to, &decision.text),
        Change::In { to, .. } => scale_in(pass, set, &spec, to, &decision.text),
    }
}

/// The spec after an action: the same set with `replicas` and the decision, written now.
fn next_spec(spec: &SetSpec, replicas: u32, text: &str) -> SetSpec {
    let now = std::time::SystemTime::now();
    let secs = generation_at(now) / 1000;
    SetSpec {
        replicas,
        decision: Some(format!("{} {text}", crate::model::units::utc(secs as i64))),
        generation: generation_at(now),
        ..spec.clone()
    }
}

fn heal(pass: &mut PoolPass, set: &SetStatus, spec: &SetSpec, steps: &[Step]) -> bool {
    let words: Vec<String> = steps.iter().map(Step::text).collect();
    let text = format!("{}: heal = auto: {}", set.name, words.join(", "));
    say(&text);
    pass.memory.said.insert(set.name.clone(), text.clone());
    let (config, pool, audit) = (pass.config, pass.pool, pass.audit);
    let (placed_all, acts) = print_heal(config, pass.view(), set, steps);
    let mut ok = placed_all;
    if !placed_all {
        say(&format!(
            "{}: not healed: a member can't be placed",
            set.name
        ));
    }
    let mut targets = members_of(set);
    for act in acts.iter().filter(|_| placed_all) {
        ok &= carry_out(pool, &set.name, act, audit);
        if let Act::Compose { host, spec } = act {
            targets.push((host.clone(), spec.name.clone()));
        }
    }
    ok && restamp_all(pass, &targets, &next_spec(spec, spec.replicas, &text))
}

/// Every member where it is, as (host, name).
fn members_of(set: &SetStatus) -> Vec<(String, String)> {
    set.members
        .iter()
        .map(|m| (m.host.clone(), m.name.clone()))
        .collect()
}

fn restamp_all(pass: &PoolPass, targets: &[(String, String)], spec: &SetSpec) -> bool {
    let mut ok = true;
    for (host, name) in targets {
        if let Err(e) = restamp(pass.pool, host, name, spec) {
            eprintln!("vmdeck: {name}: restamp on {host}: {e}");
            ok = false;
        }
    }
    ok
}

/// Composes the member of the next index, placed under the set's group, with the new spec;
/// then restamps the others with it.
fn scale_out(pass: &mut PoolPass, set: &SetStatus, spec: &SetSpec, to: u32, text: &str) -> bool {
    say(text);
    pass.memory.said.insert(set.name.clone(), text.to_string());
    let new_spec = next_spec(spec, to, text);
    let config = pass.config;
    let placed = place(config, pass.view(), set, to - 1);
    let (host, mut made) = match placed {
        Ok(placed) => placed,
        Err(why) => {
            say(&format!(
                "{}: not scaled out: {}-{} can't be placed: {why}",
                set.name,
                set.name,
                to - 1
            ));
            return false;
        }
    };
    made.set_spec = Some(new_spec.clone());
    let result = compose_one(pass.pool, &host, &made);
    report(pass, set, &host, &made.name, "compose", text, &result);
    result.is_ok() && restamp_all(pass, &members_of(set), &new_spec)
}

/// Restamps the members that stay with the new count (so the one leaving is surplus at
/// once, should its removal fail), then removes the highest index with its disks.
fn scale_in(pass: &mut PoolPass, set: &SetStatus, spec: &SetSpec, to: u32, text: &str) -> bool {
    let Some(leaving) = set.members.iter().rfind(|m| m.index.is_some()).cloned() else {
        return true;
    };
    say(text);
    pass.memory.said.insert(set.name.clone(), text.to_string());
    let staying: Vec<(String, String)> = members_of(set)
        .into_iter()
        .filter(|(_, name)| *name != leaving.name)
        .collect();
    if !restamp_all(pass, &staying, &next_spec(spec, to, text)) {
        return false;
    }
    let result = delete(pass.pool, &leaving.host, &leaving.name);
    report(
        pass,
        set,
        &leaving.host,
        &leaving.name,
        "delete",
        text,
        &result,
    );
    result.is_ok()
}

/// Prints how an autoscale action went and audits it.
fn report(
    pass: &PoolPass,
    set: &SetStatus,
    host: &str,
    name: &str,
    action: &str,
    text: &str,
    result: &Result<(), String>,
) {
    match result {
        Ok(()) => println!("{name}: {action} on {host}: done"),
        Err(e) => eprintln!("vmdeck: {name}: {action} on {host}: {e}"),
    }
    let params = format!("set={} autoscale: {text}", set.name);
    pass.audit(host, name, action, params, result);
}
