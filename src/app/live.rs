//! How old a host's live figures (NUMA free memory and hugepages, storage pool use) are, and
//! asking for them again while a host view or pool dashboard shows them. `update` has no
//! clock and no timer: the host's stats samples carry the time and pace the refresh.

use std::time::{Duration, SystemTime};

use crate::app::msg::Effect;
use crate::app::state::{HostState, HostStatus, State, View};
use crate::backend::HostCommand;
use crate::model::Driver;
use crate::model::live::LiveFigures;

/// How the figures on screen relate to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FigureAge {
    /// Younger than two stats intervals (or never timed yet): nothing to say.
    #[default]
    Fresh,
    /// Older than two intervals; the seconds since they were read.
    Old { secs: u64 },
    /// The host is down: they are what it said last.
    Stale,
}

impl FigureAge {
    /// What a block says after its title, if anything.
    pub fn label(self) -> Option<String> {
        match self {
            FigureAge::Fresh => None,
            FigureAge::Stale => Some("stale".into()),
            FigureAge::Old { secs } if secs < 120 => Some(format!("as of {secs} s ago")),
            FigureAge::Old { secs } if secs < 7200 => Some(format!("as of {} min ago", secs / 60)),
            FigureAge::Old { secs } => Some(format!("as of {} h ago", secs / 3600)),
        }
    }
}

/// Per host: when its figures were read, whether a read is on its way, and their age.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Freshness {
    pub taken_at: Option<SystemTime>,
    pub in_flight: bool,
    pub age: FigureAge,
}

/// A stats sample of `host` came: time moves on, and its figures are asked for again while
/// they are on screen.
pub fn on_samples(
    state: &mut State,
    pool: usize,
    host: usize,
    taken_at: SystemTime,
) -> Vec<Effect> {
    advance(state, taken_at);
    if let Some(h) = host_mut(state, pool, host) {
        // The first sample follows the connect-time snapshot at once: that is their time.
        h.taken_at.get_or_insert(taken_at);
    }
    if shown(state, pool, host) {
        request(state, pool, host).into_iter().collect()
    } else {
        Vec::new()
    }
}

/// The answer to `LoadLiveFigures`; an error keeps the old figures, which then show their age.
pub fn on_figures(
    state: &mut State,
    pool: usize,
    host: usize,
    result: Result<LiveFigures, String>,
) {
    if let Ok(figures) = &result {
        advance(state, figures.taken_at);
    }
    let Some(host_state) = state
        .pools
        .get_mut(pool)
        .and_then(|p| p.hosts.get_mut(host))
    else {
        return;
    };
    host_state.live.in_flight = false;
    if let (Ok(figures), Some(facts)) = (result, host_state.facts.as_mut()) {
        facts.numa = figures.numa;
        facts.storage = figures.storage;
        host_state.live.taken_at = Some(figures.taken_at);
    }
}

/// `r` in a host view or a pool dashboard: its hosts' figures now (and a down host retried).
/// None in other views.
pub fn refresh_now(state: &mut State) -> Option<Vec<Effect>> {
    let hosts: Vec<(usize, usize)> = match state.screen().view {
        View::Host { pool, host } => vec![(pool, host)],
        View::Dashboard { pool } => (0..state.pools.get(pool)?.hosts.len())
            .map(|h| (pool, h))
            .collect(),
        _ => return None,
    };
    let mut effects = Vec::new();
    for (pool, host) in hosts {
        let down = state
            .host(pool, host)
            .is_some_and(|h| matches!(h.status, HostStatus::Down { .. }));
        if down {
            effects.push(host_effect(pool, host, HostCommand::ReconnectNow));
        }
        effects.extend(request(state, pool, host));
    }
    Some(effects)
}

/// Recomputes the `FigureAge` of the hosts an event of `pool`/`host` touched, and of every
/// host once `state.now` reached a new second (ages count whole seconds): with 1 000 hosts
/// sampled every 5 s, every host on every sample would be 200 000 a second.
pub fn refresh_ages(state: &mut State, pool: usize, host: usize) {
    let second = state
        .now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let every = state.derived.ages_second != Some(second);
    state.derived.ages_second = Some(second);
    let now = state.now;
    let limit = Duration::from_secs(state.stats_interval_secs.saturating_mul(2));
    for (p, pool_state) in state.pools.iter_mut().enumerate() {
        let pool_wide = pool_state.driver == Driver::Incus;
        for (h, host_state) in pool_state.hosts.iter_mut().enumerate() {
            if every || (p == pool && (pool_wide || h == host)) {
                host_state.live.age = age(host_state, now, limit);
            }
        }
    }
}

fn age(host: &HostState, now: SystemTime, limit: Duration) -> FigureAge {
    match (&host.status, host.live.taken_at) {
        (HostStatus::Down { .. }, _) if host.facts.is_some() => FigureAge::Stale,
        (_, Some(at)) => match now.duration_since(at) {
            Ok(age) if age > limit => FigureAge::Old {
                secs: age.as_secs(),
            },
            _ => FigureAge::Fresh,
        },
        _ => FigureAge::Fresh,
    }
}

/// Asks for one host's figures unless it is not up or a read is already on its way. A member
/// of an Incus cluster is named: the cluster's one supervisor reads every member.
fn request(state: &mut State, pool: usize, host: usize) -> Option<Effect> {
    let pool_state = state.pools.get_mut(pool)?;
    let clustered = pool_state.driver == Driver::Incus && pool_state.cluster;
    let host_state = pool_state.hosts.get_mut(host)?;
    if !host_state.is_up() || host_state.live.in_flight {
        return None;
    }
    host_state.live.in_flight = true;
    let member = clustered.then(|| host_state.name.clone());
    Some(host_effect(
        pool,
        host,
        HostCommand::LoadLiveFigures { member },
    ))
}

fn host_effect(pool: usize, host: usize, command: HostCommand) -> Effect {
    Effect::Host {
        pool,
        host,
        command,
    }
}

/// Whether the screen on top shows this host's figures.
fn shown(state: &State, pool: usize, host: usize) -> bool {
    match state.screen().view {
        View::Host { pool: p, host: h } => (p, h) == (pool, host),
        View::Dashboard { pool: p } => p == pool,
        _ => false,
    }
}

/// Time only moves forward: a late message from a slow host must not turn the clock back.
fn advance(state: &mut State, at: SystemTime) {
    state.now = state.now.max(at);
}

fn host_mut(state: &mut State, pool: usize, host: usize) -> Option<&mut Freshness> {
    Some(&mut state.pools.get_mut(pool)?.hosts.get_mut(host)?.live)
}

#[cfg(test)]
mod tests {
    use super::FigureAge;

    #[test]
    fn ages_read_in_seconds_minutes_and_hours() {
        let old = |secs| FigureAge::Old { secs }.label();
        assert_eq!(old(11).as_deref(), Some("as of 11 s ago"));
        assert_eq!(old(185).as_deref(), Some("as of 3 min ago"));
        assert_eq!(old(3 * 3600).as_deref(), Some("as of 3 h ago"));
        assert_eq!(FigureAge::Fresh.label(), None);
    }
}
