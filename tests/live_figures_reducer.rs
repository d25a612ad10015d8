//! Live NUMA and storage figures: asked for while a host view or dashboard is open, paced by
//! the stats samples, replaced by the answer, and aged from the time the messages carry.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{command, facts, host, key, state};
use crossterm::event::KeyCode;
use vmdeck::app::live::FigureAge;
use vmdeck::app::{Effect, State};
use vmdeck::backend::{HostCommand, HostEvent};
use vmdeck::model::live::LiveFigures;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_000_000 + secs)
}

fn samples(secs: u64) -> HostEvent {
    HostEvent::Samples {
        samples: Vec::new(),
        taken_at: at(secs),
    }
}

fn asks_live(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::Host {
                    pool: 0,
                    host: 0,
                    command: HostCommand::LoadLiveFigures { member: None }
                }
            )
        })
        .count()
}

fn with_host_view() -> State {
    let mut s = state();
    command(&mut s, "host kvm1");
    s
}

fn figures(free_gib: u64, secs: u64) -> HostEvent {
    let mut f = facts("kvm1");
    f.numa[0].free_bytes = Some(free_gib << 30);
    f.storage[0].allocation_bytes = 77 << 30;
    HostEvent::LiveFigures(Ok(LiveFigures {
        numa: f.numa,
        storage: f.storage,
        taken_at: at(secs),
    }))
}

#[test]
fn a_sample_while_the_host_view_is_open_asks_for_live_figures_once() {
    let mut s = with_host_view();
    assert_eq!(asks_live(&host(&mut s, 0, 0, samples(0))), 1);
    // One read in flight per host: the next sample waits for its answer.
    assert_eq!(asks_live(&host(&mut s, 0, 0, samples(5))), 0);
    host(&mut s, 0, 0, figures(3, 6));
    assert_eq!(asks_live(&host(&mut s, 0, 0, samples(10))), 1);
}

#[test]
fn no_live_figures_are_asked_for_in_other_views() {
    let mut s = state();
    assert_eq!(asks_live(&host(&mut s, 0, 0, samples(0))), 0);
    command(&mut s, "host kvm1");
    key(&mut s, KeyCode::Esc);
    assert_eq!(asks_live(&host(&mut s, 0, 0, samples(5))), 0);
}

#[test]
fn the_dashboard_asks_for_the_figures_of_its_hosts() {
    let mut s = state();
    command(&mut s, "dashboard prod");
    assert_eq!(asks_live(&host(&mut s, 0, 0, samples(0))), 1);
}

#[test]
fn r_in_the_host_view_asks_at_once() {
    let mut s = with_host_view();
    assert_eq!(asks_live(&key(&mut s, KeyCode::Char('r'))), 1);
}

#[test]
fn the_answer_replaces_numa_and_storage_figures() {
    let mut s = with_host_view();
    host(&mut s, 0, 0, samples(0));
    host(&mut s, 0, 0, figures(3, 1));
    let kvm1 = &s.pools[0].hosts[0];
    let f = kvm1.facts.as_ref().expect("facts");
    assert_eq!(f.numa[0].free_bytes, Some(3 << 30));
    assert_eq!(f.storage[0].allocation_bytes, 77 << 30);
    assert_eq!(kvm1.live.taken_at, Some(at(1)));
    assert_eq!(s.now, at(1));
}

#[test]
fn figures_older_than_two_intervals_show_their_age() {
    let mut s = with_host_view();
    host(&mut s, 0, 0, samples(0));
    host(&mut s, 0, 0, samples(10));
    assert_eq!(s.pools[0].hosts[0].live.age, FigureAge::Fresh);
    // The read failed: the old figures stay, and grow old.
    host(
        &mut s,
        0,
        0,
        HostEvent::LiveFigures(Err("timed out".into())),
    );
    host(&mut s, 0, 0, samples(130));
    let age = s.pools[0].hosts[0].live.age;
    assert_eq!(age, FigureAge::Old { secs: 130 });
    assert_eq!(age.label().as_deref(), Some("as of 2 min ago"));
    // A late message from a slow host does not turn the clock back.
    host(&mut s, 0, 0, samples(20));
    assert_eq!(s.now, at(130));
}

#[test]
fn figures_of_a_host_that_went_down_are_stale() {
    let mut s = with_host_view();
    host(&mut s, 0, 0, samples(0));
    let down = HostEvent::Down {
        reason: "gone".into(),
        retry_in_secs: 5,
    };
    host(&mut s, 0, 0, down);
    let age = s.pools[0].hosts[0].live.age;
    assert_eq!(age, FigureAge::Stale);
    assert_eq!(age.label().as_deref(), Some("stale"));
    assert!(!s.pools[0].hosts[0].live.in_flight);
}

#[test]
fn an_incus_cluster_member_is_asked_for_by_name_and_gets_its_own_figures() {
    use vmdeck::model::{HostInventory, MemberInventory};
    let mut s = state();
    let member = |name: &str| MemberInventory {
        name: name.into(),
        down: None,
        inventory: HostInventory {
            facts: facts(name),
            vms: Vec::new(),
        },
    };
    host(
        &mut s,
        1,
        0,
        HostEvent::Members(vec![member("node1"), member("node2")]),
    );
    command(&mut s, "host node2");

    // The cluster's samples come as the endpoint's; the member on screen is asked for.
    let effects = host(&mut s, 1, 0, samples(0));
    let asked: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Host {
                pool: 1,
                host,
                command: HostCommand::LoadLiveFigures { member },
            } => Some((*host, member.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(asked, [(1, Some("node2".to_string()))]);

    // The answer names its member, and only that member's figures change.
    let mut f = facts("node2");
    f.numa[0].free_bytes = Some(3 << 30);
    let answer = HostEvent::MemberFigures {
        member: "node2".into(),
        result: Ok(LiveFigures {
            numa: f.numa,
            storage: f.storage,
            taken_at: at(1),
        }),
    };
    host(&mut s, 1, 0, answer);
    let free = |h: usize| s.pools[1].hosts[h].facts.as_ref().unwrap().numa[0].free_bytes;
    assert_eq!(free(1), Some(3 << 30));
    assert_ne!(free(0), Some(3 << 30));
    assert!(!s.pools[1].hosts[1].live.in_flight);
}
