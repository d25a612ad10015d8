//! `vmdeck sets spec SET`: changes how the watcher treats a set (min, max, autoscale
//! target, cooldown, heal) by restamping every member with the changed spec and a new
//! generation, so every admin's vmdeck and watcher read the same. The count itself is
//! `vmdeck sets scale`'s.

use super::execute::restamp;
use super::headless::{read_pool, sets_of};
use crate::config::Config;
use crate::headless::selected_pools;
use crate::model::action::AuditRecord;
use crate::model::set::{SetSpec, generation_at};

/// What to change; None leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct SpecEdit {
    pub min: Option<u32>,
    pub max: Option<u32>,
    /// `Some(None)`: autoscaling off.
    pub autoscale_cpu: Option<Option<u32>>,
    pub cooldown_secs: Option<u32>,
    pub heal: Option<bool>,
}

impl SpecEdit {
    fn is_empty(&self) -> bool {
        self.min.is_none()
            && self.max.is_none()
            && self.autoscale_cpu.is_none()
            && self.cooldown_secs.is_none()
            && self.heal.is_none()
    }
}

/// The edited spec, or why it can't be: min ≤ replicas ≤ max, a target of 1..=100 %.
pub fn edited(spec: &SetSpec, edit: &SpecEdit, generation: u64) -> Result<SetSpec, String> {
    let next = SetSpec {
        min: edit.min.or(spec.min),
        max: edit.max.or(spec.max),
        autoscale_cpu: edit.autoscale_cpu.unwrap_or(spec.autoscale_cpu),
        cooldown_secs: edit.cooldown_secs.or(spec.cooldown_secs),
        heal: edit.heal.unwrap_or(spec.heal),
        generation,
        ..spec.clone()
    };
    let n = next.replicas;
    if let Some(min) = next.min.filter(|min| *min > n) {
        return Err(format!(
            "min {min} is above the set's {n} replicas: scale it first (vmdeck sets scale)"
        ));
    }
    if let Some(max) = next.max.filter(|max| *max < n) {
        return Err(format!(
            "max {max} is below the set's {n} replicas: scale it first (vmdeck sets scale)"
        ));
    }
    if next.min == Some(0) {
        return Err("min 0: a set keeps at least one member".into());
    }
    if let Some(pct) = next.autoscale_cpu.filter(|p| !(1..=100).contains(p)) {
        return Err(format!("autoscale target {pct} %: give 1 to 100"));
    }
    Ok(next)
}

/// Restamps every member of `set` in the pool with the edited spec. Ok(false) when a
/// member could not be restamped or a host did not answer.
pub fn run_spec(
    config: &Config,
    pool: Option<&str>,
    set: &str,
    edit: &SpecEdit,
    audit: &std::path::Path,
) -> Result<bool, String> {
    if edit.is_empty() {
        return Err(
            "nothing to change: give --min, --max, --autoscale-cpu, --cooldown or --heal".into(),
        );
    }
    for pool in selected_pools(config, pool)? {
        let read = read_pool(pool, config.read_only);
        let Some(status) = sets_of(pool, &read).into_iter().find(|s| s.name == set) else {
            continue;
        };
        if config.read_only || pool.read_only {
            return Err(format!("refused: pool {} is read-only", pool.name));
        }
        let spec = status
            .spec
            .as_ref()
            .ok_or(format!("set {set}: no member carries its spec"))?;
        let next = edited(spec, edit, generation_at(std::time::SystemTime::now()))?;
        let mut ok = read.hosts.iter().all(|(_, up, _)| *up);
        for member in &status.members {
            let result = restamp(pool, &member.host, &member.name, &next);
            match &result {
                Ok(()) => println!("{}: restamped on {}", member.name, member.host),
                Err(e) => eprintln!("vmdeck: {}: restamp on {}: {e}", member.name, member.host),
            }
            ok &= result.is_ok();
            let record = AuditRecord {
                time: crate::effects::now_secs(),
                user: crate::effects::local_user(),
                pool: pool.name.clone(),
                host: member.host.clone(),
                vm: member.name.clone(),
                action: "restamp".into(),
                params: format!("set={set} spec {}", describe(&next)),
                result: result.err().map_or("ok".into(), |e| format!("error: {e}")),
                prev: None,
            };
            if let Err(e) = crate::audit::append(audit, &record) {
                eprintln!("vmdeck: {e}");
            }
        }
        println!("set {set} in pool {}: {}", pool.name, describe(&next));
        return Ok(ok);
    }
    Err(format!("no set named '{set}'"))
}

/// The watcher's part of a spec in words: `replicas=2 min=1 max=3 autoscale-cpu=50 …`.
fn describe(spec: &SetSpec) -> String {
    let opt = |v: Option<u32>| v.map_or("-".to_string(), |n| n.to_string());
    format!(
        "replicas={} min={} max={} autoscale-cpu={} cooldown={} heal={}",
        spec.replicas,
        opt(spec.min),
        opt(spec.max),
        opt(spec.autoscale_cpu),
        opt(spec.cooldown_secs),
        if spec.heal { "auto" } else { "off" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> SetSpec {
        SetSpec {
            replicas: 2,
            vm_type: "small".into(),
            image: "busybox".into(),
            decision: Some("kept".into()),
            generation: 1,
            ..SetSpec::default()
        }
    }

    #[test]
    fn an_edit_changes_only_what_it_names_and_writes_a_new_generation() {
        let edit = SpecEdit {
            min: Some(1),
            max: Some(3),
            autoscale_cpu: Some(Some(50)),
            heal: Some(true),
            ..SpecEdit::default()
        };
        let next = edited(&spec(), &edit, 7).unwrap();
        assert_eq!(
            (next.min, next.max, next.autoscale_cpu),
            (Some(1), Some(3), Some(50))
        );
        assert!(next.heal);
        assert_eq!((next.replicas, next.generation), (2, 7));
        assert_eq!(next.decision.as_deref(), Some("kept"));
        let off = SpecEdit {
            autoscale_cpu: Some(None),
            heal: Some(false),
            ..SpecEdit::default()
        };
        let plain = edited(&next, &off, 8).unwrap();
        assert_eq!(
            (plain.autoscale_cpu, plain.heal, plain.max),
            (None, false, Some(3))
        );
    }

    #[test]
    fn bounds_that_exclude_the_count_or_a_bad_target_are_refused() {
        let bad = |edit: SpecEdit| edited(&spec(), &edit, 2).unwrap_err();
        let min = bad(SpecEdit {
            min: Some(3),
            ..SpecEdit::default()
        });
        assert!(min.contains("min 3 is above the set's 2 replicas"), "{min}");
        let max = bad(SpecEdit {
            max: Some(1),
            ..SpecEdit::default()
        });
        assert!(max.contains("max 1 is below"), "{max}");
        let pct = bad(SpecEdit {
            autoscale_cpu: Some(Some(150)),
            ..SpecEdit::default()
        });
        assert_eq!(pct, "autoscale target 150 %: give 1 to 100");
        assert!(
            bad(SpecEdit {
                min: Some(0),
                ..SpecEdit::default()
            })
            .contains("min 0")
        );
    }
}
