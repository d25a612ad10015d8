//! What the watcher does about a set's size: scale out by one, scale in by one, or hold,
//! from the set's spec (min, max, target CPU %, cooldown), its running members' average CPU
//! use and when it last acted. Pure: `vmdeck sets watch` reads the figures and carries the
//! answer out.
//!
//! Hysteresis: scaling out happens as soon as the average is above the target, but scaling
//! in only when the load of the members, spread over one member fewer, would still stay
//! below 90 % of the target (`avg · n / (n − 1) < 0.9 · target`). A set at 2 × 40 % with a
//! 70 % target therefore stays at 2 (80 % on one member would be above the target at once,
//! and the next pass would scale out again); at 2 × 20 % it goes to 1 (40 % < 63 %).

use super::status::SetStatus;
use crate::model::set::SetSpec;

/// The cooldown when the spec names none: the watcher waits this long after every action,
/// so a new member's boot (and the load moving onto it) is seen before the next one.
pub const DEFAULT_COOLDOWN_SECS: u32 = 300;

/// The share of the target the load of one member fewer must stay under to scale in.
const SCALE_IN_MARGIN: f64 = 0.9;

/// What to do with the set's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Add the member of index `to − 1`.
    Out {
        from: u32,
        to: u32,
    },
    /// Remove the member of the highest index, `from − 1`.
    In {
        from: u32,
        to: u32,
    },
    Hold,
}

/// A decision and its words ("web: avg CPU 91 % > 70 % target, 2 → 3").
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub change: Change,
    pub text: String,
}

/// What the decision is taken from.
pub struct Inputs<'a> {
    pub set: &'a SetStatus,
    /// The CPU % of each running member on a host that answers, where a figure exists (a
    /// member needs two readings of its CPU time before it has one).
    pub cpu: &'a [f64],
    /// When the set last changed size or was healed (seconds since the Unix epoch).
    pub last_action: Option<u64>,
    /// Now, in the same seconds.
    pub now: u64,
}

/// The decision for the set, or None when its spec asks for no autoscaling (no target).
pub fn decide(inputs: &Inputs) -> Option<Decision> {
    let spec = inputs.set.spec.as_ref()?;
    let target = spec.autoscale_cpu?;
    let name = &inputs.set.name;
    let hold = |why: String| Decision {
        change: Change::Hold,
        text: format!("{name}: {why}, hold at {}", spec.replicas),
    };
    if let Some(why) = not_whole(inputs.set) {
        return Some(hold(why));
    }
    if inputs.cpu.is_empty() {
        let why = if inputs.set.ready == 0 {
            "no running members"
        } else {
            "no CPU figures yet"
        };
        return Some(hold(why.to_string()));
    }
    if let Some(ends) = cooldown_end(spec, inputs.last_action, inputs.now) {
        // The end time, not the seconds left: the same words every pass, said once.
        return Some(hold(format!("cooling down until {}", clock(ends))));
    }
    let avg = inputs.cpu.iter().sum::<f64>() / inputs.cpu.len() as f64;
    Some(by_load(name, spec, avg, f64::from(target)))
}

/// Why the set is not judged on its load: it is not whole (healing comes first, and a new
/// index would collide with a missing one).
fn not_whole(set: &SetStatus) -> Option<String> {
    (set.present != set.desired).then(|| {
        format!(
            "{} present of {} desired: waits for the set to be whole",
            set.present, set.desired
        )
    })
}

/// When the cooldown after the last action ends, if it has not yet.
fn cooldown_end(spec: &SetSpec, last_action: Option<u64>, now: u64) -> Option<u64> {
    let cooldown = u64::from(spec.cooldown_secs.unwrap_or(DEFAULT_COOLDOWN_SECS));
    let ends = last_action?.saturating_add(cooldown);
    (now < ends).then_some(ends)
}

/// `20:01:30 UTC`: the time of day of `secs` since the Unix epoch.
fn clock(secs: u64) -> String {
    let day = secs % 86_400;
    format!(
        "{:02}:{:02}:{:02} UTC",
        day / 3600,
        day % 3600 / 60,
        day % 60
    )
}

/// The bounds: min 1 unless the spec says otherwise, max the current count when it names
/// none (no scaling out without a max).
fn bounds(spec: &SetSpec) -> (u32, u32) {
    let min = spec.min.unwrap_or(1).max(1);
    (min, spec.max.unwrap_or(spec.replicas).max(min))
}

fn by_load(name: &str, spec: &SetSpec, avg: f64, target: f64) -> Decision {
    let (min, max) = bounds(spec);
    let n = spec.replicas;
    let figures = format!("avg CPU {avg:.0} %");
    if avg > target {
        if n >= max {
            return decision(
                Change::Hold,
                format!("{name}: {figures} > {target:.0} % target, at max {max}, hold at {n}"),
            );
        }
        let to = n + 1;
        let change = Change::Out { from: n, to };
        return decision(
            change,
            format!("{name}: {figures} > {target:.0} % target, {n} → {to}"),
        );
    }
    let floor = target * SCALE_IN_MARGIN;
    let spread = (n > 1).then(|| avg * f64::from(n) / f64::from(n - 1));
    match spread {
        Some(spread) if spread < floor && n > min => {
            let to = n - 1;
            decision(
                Change::In { from: n, to },
                format!(
                    "{name}: {figures} < {target:.0} % target ({spread:.0} % on {to} < {floor:.0} %), {n} → {to}"
                ),
            )
        }
        Some(_) | None if n <= min => decision(
            Change::Hold,
            format!("{name}: {figures} ≤ {target:.0} % target, at min {min}, hold at {n}"),
        ),
        _ => decision(
            Change::Hold,
            format!("{name}: {figures} near the {target:.0} % target, hold at {n}"),
        ),
    }
}

fn decision(change: Change, text: String) -> Decision {
    Decision { change, text }
}

#[cfg(test)]
#[path = "autoscale_tests.rs"]
mod tests;
