//! Every policy, hard and soft, on a ZStack-style pool: h1 holds web-0 and db-0, h2 holds
//! web-1, h3 is empty. With nothing else said, h3 is the roomiest, then h2, then h1.

use super::*;

fn pool() -> Vec<HostRoom> {
    vec![
        HostRoom {
            vcpus_allocated: 8,
            memory_allocated_bytes: 32 * GIB,
            vms: vec![placed("web-0", "web"), placed("db-0", "db")],
            ..host("h1", 16, 64)
        },
        HostRoom {
            vcpus_allocated: 4,
            memory_allocated_bytes: 16 * GIB,
            vms: vec![placed("web-1", "web")],
            ..host("h2", 16, 64)
        },
        host("h3", 16, 64),
    ]
}

/// The pool with every vCPU of `names` given out, so the new VM fits there no more.
fn pool_with_full(names: &[&str]) -> Vec<HostRoom> {
    pool()
        .into_iter()
        .map(|host| {
            if names.contains(&host.name.as_str()) {
                HostRoom {
                    vcpus_allocated: u64::from(host.cpus),
                    ..host
                }
            } else {
                host
            }
        })
        .collect()
}

const FULL: &str = "no room after overcommit: needs 2 vCPUs, 0 free of 16 × 1.0 (allocation = \"running+autostart\")";

fn group(name: &str, policy: Policy, enforcement: Enforcement, hosts: &[&str]) -> PlacementGroup {
    PlacementGroup {
        name: name.into(),
        policy,
        enforcement,
        hosts: hosts.iter().map(|host| host.to_string()).collect(),
    }
}

/// A new VM of 2 vCPUs and 4 GiB in `group`.
fn member_of(group: &str) -> VmRequest {
    VmRequest {
        group: Some(group.into()),
        ..vm("new", 2, 4)
    }
}

fn place_in(hosts: &[HostRoom], group: PlacementGroup) -> Decision {
    let vm = member_of(&group.name);
    place(hosts, NO_OVERCOMMIT, &[group], &vm)
}

#[test]
fn hard_anti_affinity_rejects_hosts_holding_members() {
    let web = group("web", Policy::VmAntiAffinity, Enforcement::Hard, &[]);
    let decision = place_in(&pool(), web.clone());
    assert_eq!(decision.chosen.as_deref(), Some("h3"));
    let h1 = verdict(&decision, "h1");
    assert!(!h1.fits);
    assert_eq!(h1.reasons, ["hard anti-affinity: holds web-0 of group web"]);
    assert_eq!(
        verdict(&decision, "h2").reasons,
        ["hard anti-affinity: holds web-1 of group web"]
    );

    let decision = place_in(&pool_with_full(&["h3"]), web);
    assert_eq!(decision.chosen, None);
    assert_eq!(
        decision.why_none.as_deref(),
        Some(
            "no host fits: h1: hard anti-affinity: holds web-0 of group web; \
             h2: hard anti-affinity: holds web-1 of group web; h3: no room after overcommit: \
             needs 2 vCPUs, 0 free of 16 × 1.0 (allocation = \"running+autostart\")"
        )
    );
}

#[test]
fn soft_anti_affinity_prefers_a_host_without_members_then_falls_back() {
    let web = group("web", Policy::VmAntiAffinity, Enforcement::Soft, &[]);
    // h3 made fuller than h2 shows preference outweighs balance.
    let mut hosts = pool();
    hosts[2].memory_allocated_bytes = 56 * GIB;
    let decision = place_in(&hosts, web.clone());
    assert_eq!(decision.chosen.as_deref(), Some("h3"));
    let h2 = verdict(&decision, "h2");
    assert!(h2.fits);
    assert_eq!(
        h2.reasons,
        ["soft anti-affinity not met: holds web-1 of group web"]
    );
    assert!(verdict(&decision, "h3").score > h2.score);

    // No member-free host has room: the roomiest of the others, with the note.
    let decision = place_in(&pool_with_full(&["h3"]), web);
    assert_eq!(decision.chosen.as_deref(), Some("h2"));
    assert_eq!(
        verdict(&decision, "h2").reasons,
        ["soft anti-affinity not met: holds web-1 of group web"]
    );
    assert_eq!(verdict(&decision, "h3").reasons, [FULL]);
}

#[test]
fn hard_affinity_keeps_the_vm_with_its_group() {
    let db = group("db", Policy::VmAffinity, Enforcement::Hard, &[]);
    let decision = place_in(&pool(), db.clone());
    assert_eq!(decision.chosen.as_deref(), Some("h1"));
    for other in ["h2", "h3"] {
        let rejected = verdict(&decision, other);
        assert!(!rejected.fits);
        assert_eq!(
            rejected.reasons,
            ["hard affinity: holds no VM of group db (db-0 on h1)"]
        );
    }

    let decision = place_in(&pool_with_full(&["h1"]), db);
    assert_eq!(decision.chosen, None);
    assert_eq!(verdict(&decision, "h1").reasons, [FULL]);
}

#[test]
fn soft_affinity_prefers_the_members_host_then_falls_back() {
    let db = group("db", Policy::VmAffinity, Enforcement::Soft, &[]);
    // h1 is the fullest host, yet the group's.
    let decision = place_in(&pool(), db.clone());
    assert_eq!(decision.chosen.as_deref(), Some("h1"));
    let h3 = verdict(&decision, "h3");
    assert!(h3.fits);
    assert_eq!(
        h3.reasons,
        ["soft affinity not met: holds no VM of group db (db-0 on h1)"]
    );
    assert!(verdict(&decision, "h1").score > h3.score);

    let decision = place_in(&pool_with_full(&["h1"]), db);
    assert_eq!(decision.chosen.as_deref(), Some("h3"));
}

#[test]
fn affinity_without_members_prefers_every_host() {
    let fresh = group("fresh", Policy::VmAffinity, Enforcement::Hard, &[]);
    let decision = place_in(&pool(), fresh);
    assert_eq!(decision.chosen.as_deref(), Some("h3"));
    assert!(decision.verdicts.iter().all(|verdict| verdict.fits));
    assert!(decision.verdicts.iter().all(|v| v.reasons.is_empty()));
}

#[test]
fn hard_host_affinity_rejects_unlisted_hosts() {
    let pin = group("pin", Policy::HostAffinity, Enforcement::Hard, &["h2"]);
    let decision = place_in(&pool(), pin.clone());
    assert_eq!(decision.chosen.as_deref(), Some("h2"));
    assert_eq!(
        verdict(&decision, "h3").reasons,
        ["hard host affinity: not among the hosts of group pin (h2)"]
    );
    assert!(!verdict(&decision, "h1").fits);

    let decision = place_in(&pool_with_full(&["h2"]), pin);
    assert_eq!(decision.chosen, None);
}

#[test]
fn soft_host_affinity_prefers_listed_hosts_then_falls_back() {
    let pin = group("pin", Policy::HostAffinity, Enforcement::Soft, &["h2"]);
    // h2 over the roomier h3.
    let decision = place_in(&pool(), pin.clone());
    assert_eq!(decision.chosen.as_deref(), Some("h2"));

    let decision = place_in(&pool_with_full(&["h2"]), pin);
    assert_eq!(decision.chosen.as_deref(), Some("h3"));
    assert_eq!(
        verdict(&decision, "h3").reasons,
        ["soft host affinity not met: not among the hosts of group pin (h2)"]
    );
}

#[test]
fn hard_host_anti_affinity_rejects_listed_hosts() {
    let avoid = group(
        "avoid",
        Policy::HostAntiAffinity,
        Enforcement::Hard,
        &["h3"],
    );
    let decision = place_in(&pool(), avoid.clone());
    // h3 is out; h2 is the roomier of the rest.
    assert_eq!(decision.chosen.as_deref(), Some("h2"));
    let h3 = verdict(&decision, "h3");
    assert!(!h3.fits);
    assert_eq!(
        h3.reasons,
        ["hard host anti-affinity: excluded by group avoid"]
    );

    let decision = place_in(&pool_with_full(&["h1", "h2"]), avoid);
    assert_eq!(decision.chosen, None);
}

#[test]
fn soft_host_anti_affinity_avoids_listed_hosts_then_falls_back() {
    let avoid = group(
        "avoid",
        Policy::HostAntiAffinity,
        Enforcement::Soft,
        &["h3"],
    );
    let decision = place_in(&pool(), avoid.clone());
    assert_eq!(decision.chosen.as_deref(), Some("h2"));
    assert!(verdict(&decision, "h3").fits);

    let decision = place_in(&pool_with_full(&["h1", "h2"]), avoid);
    assert_eq!(decision.chosen.as_deref(), Some("h3"));
    assert_eq!(
        verdict(&decision, "h3").reasons,
        ["soft host anti-affinity not met: excluded by group avoid"]
    );
}

#[test]
fn hard_breach_and_shortfall_are_both_reported() {
    let web = group("web", Policy::VmAntiAffinity, Enforcement::Hard, &[]);
    let decision = place_in(&pool_with_full(&["h1"]), web);
    assert_eq!(
        verdict(&decision, "h1").reasons,
        [FULL, "hard anti-affinity: holds web-0 of group web"]
    );
}

#[test]
fn vm_without_a_group_or_with_an_unknown_one_ignores_groups() {
    let groups = [group(
        "pin",
        Policy::HostAffinity,
        Enforcement::Hard,
        &["h1"],
    )];
    let loose = vm("new", 2, 4);
    let stray = VmRequest {
        group: Some("nowhere".into()),
        ..loose.clone()
    };
    for request in [loose, stray] {
        let decision = place(&pool(), NO_OVERCOMMIT, &groups, &request);
        assert_eq!(decision.chosen.as_deref(), Some("h3"));
        assert!(decision.verdicts.iter().all(|v| v.reasons.is_empty()));
    }
}
