//! Placement groups: which hosts a group prefers for the VM being placed, and what to say
//! about the others.

use super::types::{Enforcement, HostRoom, PlacedVm, PlacementGroup, Policy, VmRequest};

/// The group of the VM being placed, with the members already placed across the pool.
pub(super) struct GroupRule<'a> {
    group: &'a PlacementGroup,
    members: Vec<Member<'a>>,
}

/// A VM of the group already on a host.
struct Member<'a> {
    host: &'a str,
    vm: &'a str,
}

/// A host the group does not prefer: whether that rejects it, and the words for it.
pub(super) struct Breach {
    pub(super) rejects: bool,
    pub(super) note: String,
}

impl<'a> GroupRule<'a> {
    /// The rule for the VM's group. None when the VM has no group, or names one the pool does
    /// not define: names are checked where groups are configured, and an unknown group
    /// constrains nothing.
    pub(super) fn for_vm(
        groups: &'a [PlacementGroup],
        hosts: &'a [HostRoom],
        vm: &VmRequest,
    ) -> Option<GroupRule<'a>> {
        let name = vm.group.as_deref()?;
        let group = groups.iter().find(|group| group.name == name)?;
        let members = hosts
            .iter()
            .flat_map(|host| {
                host.vms
                    .iter()
                    .filter(|placed| placed.group.as_deref() == Some(name))
                    .map(|placed| Member {
                        host: &host.name,
                        vm: &placed.name,
                    })
            })
            .collect();
        Some(GroupRule { group, members })
    }

    /// Why the group does not prefer `host`; None when it does.
    pub(super) fn breach(&self, host: &HostRoom) -> Option<Breach> {
        let detail = self.against(&host.name)?;
        let policy = policy_name(self.group.policy);
        Some(match self.group.enforcement {
            Enforcement::Hard => Breach {
                rejects: true,
                note: format!("hard {policy}: {detail}"),
            },
            Enforcement::Soft => Breach {
                rejects: false,
                note: format!("soft {policy} not met: {detail}"),
            },
        })
    }

    /// What about `host` goes against the policy, if anything.
    fn against(&self, host: &str) -> Option<String> {
        let group = &self.group.name;
        let listed = self.group.hosts.iter().any(|h| h == host);
        match self.group.policy {
            Policy::VmAffinity => {
                // The first member may go anywhere; the others follow it.
                let followed = self.members.is_empty() || !self.members_on(host).is_empty();
                (!followed)
                    .then(|| format!("holds no VM of group {group} ({})", self.members_where()))
            }
            Policy::VmAntiAffinity => {
                let here = self.members_on(host);
                (!here.is_empty()).then(|| format!("holds {} of group {group}", here.join(", ")))
            }
            Policy::HostAffinity => (!listed).then(|| {
                let hosts = if self.group.hosts.is_empty() {
                    "none".to_string()
                } else {
                    self.group.hosts.join(", ")
                };
                format!("not among the hosts of group {group} ({hosts})")
            }),
            Policy::HostAntiAffinity => listed.then(|| format!("excluded by group {group}")),
        }
    }

    fn members_on(&self, host: &str) -> Vec<&str> {
        self.members
            .iter()
            .filter(|member| member.host == host)
            .map(|member| member.vm)
            .collect()
    }

    /// `db-0 on h1, db-1 on h2`
    fn members_where(&self) -> String {
        self.members
            .iter()
            .map(|member| format!("{} on {}", member.vm, member.host))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Why `vm`, where it runs on `host`, goes against its group given where the group's
/// other VMs are (`placed`: host and VM): whether the group is hard, and the words. None
/// when it keeps its group, or has none the pool defines.
pub fn placed_breach(
    groups: &[PlacementGroup],
    placed: &[(&str, PlacedVm)],
    vm: &PlacedVm,
    host: &str,
) -> Option<(bool, String)> {
    let name = vm.group.as_deref()?;
    let group = groups.iter().find(|group| group.name == name)?;
    let members = placed
        .iter()
        .filter(|(_, other)| other.group.as_deref() == Some(name) && other.name != vm.name)
        .map(|(host, other)| Member {
            host,
            vm: &other.name,
        })
        .collect();
    let rule = GroupRule { group, members };
    let detail = rule.against(host)?;
    let hard = group.enforcement == Enforcement::Hard;
    let how = if hard { "hard" } else { "soft" };
    Some((
        hard,
        format!("{how} {}: {detail}", policy_name(group.policy)),
    ))
}

fn policy_name(policy: Policy) -> &'static str {
    match policy {
        Policy::VmAffinity => "affinity",
        Policy::VmAntiAffinity => "anti-affinity",
        Policy::HostAffinity => "host affinity",
        Policy::HostAntiAffinity => "host anti-affinity",
    }
}
