//! A compose request checked against the pool and placed: a verdict on every host for each VM,
//! and for each VM that found a host, what the backend needs to make it.

use super::args::ComposeArgs;
use super::attach::Taken;
use super::user_data::UserData;
use crate::cloudinit;
use crate::config::{ComposeSettings, Overcommit, VmType};
use crate::model::Driver;
use crate::model::compose::CorePins;
use crate::model::compose::{ComposeSpec, Image, LibvirtStorage};
use crate::model::set::{SetSpec, member_index, user_data_digest};
use crate::placement::{Decision, HostCores, HostRoom};

/// A pool as compose sees it.
pub struct PoolView<'a> {
    pub name: &'a str,
    pub driver: Driver,
    pub settings: &'a ComposeSettings,
    pub overcommit: Overcommit,
    /// An Incus cluster: VMs are created on the member placement chose.
    pub cluster: bool,
    pub hosts: Vec<HostView>,
}

/// One host: its room, its images (None while not known), each NUMA node's CPUs, and its
/// cores with those VMs are pinned to (for real-time types).
pub struct HostView {
    pub room: HostRoom,
    pub images: Option<Result<Vec<Image>, String>>,
    pub node_cpus: Vec<(u32, Vec<u32>)>,
    pub cores: HostCores,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedVm {
    pub name: String,
    pub decision: Decision,
    /// What to make, when a host was found.
    pub spec: Option<ComposeSpec>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub pool: String,
    pub vm_type: VmType,
    pub image: String,
    pub group: Option<String>,
    pub vms: Vec<PlannedVm>,
}

impl Plan {
    /// The VMs no host takes.
    pub fn refused(&self) -> impl Iterator<Item = &PlannedVm> {
        self.vms.iter().filter(|vm| vm.spec.is_none())
    }

    /// Every VM has a host.
    pub fn ready(&self) -> bool {
        self.refused().next().is_none()
    }
}

/// Checks `args` against the pool and `vm_types`, and places each VM asked for in turn.
/// `user_data` is the template for every VM (its placeholders becoming each one's own).
pub fn plan(
    args: &ComposeArgs,
    pool: PoolView,
    vm_types: &[VmType],
    user_data: &str,
) -> Result<Plan, String> {
    plan_in(args, &pool, vm_types, user_data)
}

/// [`plan`] on a pool the caller keeps (to place more after it).
pub fn plan_in(
    args: &ComposeArgs,
    pool: &PoolView,
    vm_types: &[VmType],
    user_data: &str,
) -> Result<Plan, String> {
    plan_from(args, pool, vm_types, &UserData::text(user_data))
}

/// [`plan_in`] with user-data that may come from a file and files per index.
pub fn plan_from(
    args: &ComposeArgs,
    pool: &PoolView,
    vm_types: &[VmType],
    user_data: &UserData,
) -> Result<Plan, String> {
    args.check()?;
    let vm_type = vm_type(args, pool, vm_types)?;
    if let Some(group) = &args.group {
        check_group(group, pool.name, pool.settings)?;
    }
    let names = args.names();
    for (name, _) in &names {
        check_new_name(name, &pool.hosts)?;
    }
    let texts = each_user_data(&names, user_data)?;
    let rooms: Vec<HostRoom> = pool
        .hosts
        .iter()
        .map(|host| mark(host, &args.image, args.host.as_deref()))
        .collect();
    let known = |wanted: &String| rooms.iter().any(|r| &r.name == wanted);
    if let Some(wanted) = args.host.as_ref().filter(|h| !known(h)) {
        return Err(format!("pool {} has no host {wanted}", pool.name));
    }
    let requests: Vec<_> = names
        .iter()
        .map(|(name, _)| crate::app::rooms::request(&vm_type, name, args.group.as_deref()))
        .collect();
    let decisions = super::rt::place(pool, &vm_type, &rooms, &requests)?;
    let mut taken = Taken::default();
    let vms = names
        .into_iter()
        .zip(texts)
        .zip(decisions)
        .map(|(((name, set), text), (decision, cores))| {
            let spec = decision.chosen.as_ref().map(|host| {
                let node = decision
                    .verdicts
                    .iter()
                    .find(|v| &v.host == host)
                    .and_then(|v| v.numa_node);
                let room = rooms.iter().find(|r| &r.name == host);
                let attach = room.map_or_else(Default::default, |r| {
                    taken.pick(host, &r.devices, &vm_type.devices, node)
                });
                let placed = (node, cores);
                let texts = (user_data, text.clone());
                let mut spec = spec(pool, host, placed, (&name, set), args, &vm_type, texts);
                spec.attach = attach;
                spec
            });
            PlannedVm {
                name,
                decision,
                spec,
            }
        })
        .collect();
    Ok(Plan {
        pool: pool.name.to_string(),
        vm_type,
        image: args.image.clone(),
        group: args.group.clone(),
        vms,
    })
}

/// Each VM's own user-data, checked: a mistake in member 5's file is found before anything
/// is made.
fn each_user_data(
    names: &[(String, Option<String>)],
    user_data: &UserData,
) -> Result<Vec<String>, String> {
    names
        .iter()
        .map(|(name, set)| {
            let member = set
                .as_deref()
                .and_then(|set| Some((set, member_index(set, name)?)));
            let text = user_data.for_vm(name, member)?;
            cloudinit::validate_user_data(&text).map_err(|e| match names.len() {
                1 => e,
                _ => format!("{name}: {e}"),
            })?;
            Ok(text)
        })
        .collect()
}

fn vm_type(args: &ComposeArgs, pool: &PoolView, vm_types: &[VmType]) -> Result<VmType, String> {
    let offered: Vec<&str> = vm_types
        .iter()
        .filter(|t| pool.settings.offers(&t.name))
        .map(|t| t.name.as_str())
        .collect();
    vm_types
        .iter()
        .find(|t| t.name == args.vm_type && pool.settings.offers(&t.name))
        .cloned()
        .ok_or_else(|| {
            let list = if offered.is_empty() {
                "none: add [[vm_type]] tables to the config".to_string()
            } else {
                offered.join(", ")
            };
            format!(
                "unknown VM type '{}' for pool {} (it offers: {list})",
                args.vm_type, pool.name
            )
        })
}

fn check_group(group: &str, pool: &str, settings: &ComposeSettings) -> Result<(), String> {
    if settings.group(group).is_some() {
        return Ok(());
    }
    let names: Vec<&str> = settings
        .placement_groups
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    Err(format!(
        "pool {pool} has no placement group '{group}' (groups: {})",
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    ))
}

/// A new VM must not take the name of one the pool has: names address VMs in commands.
fn check_new_name(name: &str, hosts: &[HostView]) -> Result<(), String> {
    match hosts
        .iter()
        .find(|h| h.room.vms.iter().any(|vm| vm.name == name))
    {
        Some(host) => Err(format!(
            "a VM named {name} exists already (on {})",
            host.room.name
        )),
        None => Ok(()),
    }
}

/// The host's room, with what keeps it from taking this VM: the image is not there, or the
/// admin asked for another host.
fn mark(host: &HostView, image: &str, only: Option<&str>) -> HostRoom {
    let mut room = host.room.clone();
    room.lacks = match (only, &host.images) {
        (Some(wanted), _) if wanted != room.name => {
            Some(format!("not the host asked for ({wanted})"))
        }
        (_, Some(Ok(images))) if !images.iter().any(|i| i.is_named(image)) => {
            Some(format!("no image {image} on it"))
        }
        (_, Some(Err(e))) => Some(format!("its images can't be read: {e}")),
        _ => None,
    };
    room
}

fn spec(
    pool: &PoolView,
    host: &str,
    (node, cores): (Option<u32>, Option<CorePins>),
    (name, set): (&str, Option<String>),
    args: &ComposeArgs,
    vm_type: &VmType,
    (template, user_data): (&UserData, String),
) -> ComposeSpec {
    let cpus = pool
        .hosts
        .iter()
        .find(|h| h.room.name == host)
        .and_then(|h| h.node_cpus.iter().find(|(id, _)| Some(*id) == node))
        .map(|(_, cpus)| super::rt::inside_slice(pool, vm_type, host, cpus.clone()))
        .unwrap_or_default();
    ComposeSpec {
        name: name.to_string(),
        vm_type: vm_type.clone(),
        image: args.image.clone(),
        group: args.group.clone(),
        set,
        user_data,
        numa_node: node.map(|id| (id, cpus)),
        member: (pool.driver == Driver::Incus && pool.cluster).then(|| host.to_string()),
        storage: (pool.driver == Driver::Libvirt).then(|| LibvirtStorage {
            image_pool: pool.settings.image_pool.clone(),
            disk_pool: pool.settings.disk_pool.clone(),
            virt_type: pool.settings.virt_type.clone(),
            network: pool.settings.network.clone(),
        }),
        cores,
        start: !args.no_start,
        attach: Default::default(),
        set_spec: set_spec(args, vm_type, template),
    }
}

/// The spec a set's members carry: how many the set should have (after this request), what
/// they are made of. Its generation is stamped when the VMs are made.
fn set_spec(args: &ComposeArgs, vm_type: &VmType, user_data: &UserData) -> Option<SetSpec> {
    let count = args.count?;
    Some(SetSpec {
        replicas: args.replicas.unwrap_or(args.first_index + count),
        vm_type: vm_type.name.clone(),
        image: args.image.clone(),
        group: args.group.clone(),
        user_data_digest: Some(user_data_digest(&user_data.template)),
        user_data: Some(user_data.template.clone()),
        ..SetSpec::default()
    })
}
