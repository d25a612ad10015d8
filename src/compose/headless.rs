//! `vmdeck compose`: reads the pool, prints the placement table and, with `--yes`, composes
//! each VM on its host, one after the other, saying each step.

use std::io::Write;

use super::plan::{HostView, Plan, PoolView};
use super::{ComposeArgs, UserData, plan_from, template_for};
use crate::app::rooms::room;
use crate::backend::{incus, libvirt};
use crate::config::{Config, PoolConfig};
use crate::headless::{HostRead, Skip, read_all, selected_pools};
use crate::model::Driver;
use crate::model::compose::{ComposeSpec, Image};
use crate::model::tuning::cpu_list;
use crate::placement::HostCores;

/// Places (and with `yes` composes) what `args` asks for in `pool`. Ok(false) when a VM
/// found no host or could not be made.
pub fn run_headless(
    config: &Config,
    pool: &str,
    args: &ComposeArgs,
    yes: bool,
) -> Result<bool, String> {
    let pool = *selected_pools(config, Some(pool))?
        .first()
        .ok_or("no such pool")?;
    if yes && (config.read_only || pool.read_only) {
        return Err(format!("refused: pool {} is read-only", pool.name));
    }
    let user_data = match &args.user_data {
        Some(path) => UserData::read(path)?,
        None => UserData::text(&template_for(&args.name, args.count.is_some())),
    };
    let view = read_pool(pool, config.read_only || pool.read_only);
    let plan = plan_from(args, &view, &config.vm_types, &user_data)?;
    print_plan(&plan).map_err(|e| e.to_string())?;
    if !plan.ready() {
        if yes {
            eprintln!("vmdeck: nothing composed: not every VM has a host");
        }
        return Ok(false);
    }
    if !yes {
        println!("(placement only: add --yes to compose)");
        return Ok(true);
    }
    let mut all_made = true;
    let generation = crate::model::set::generation_at(std::time::SystemTime::now());
    for vm in &plan.vms {
        let (Some(spec), Some(host)) = (&vm.spec, &vm.decision.chosen) else {
            continue;
        };
        let mut spec = spec.clone();
        if let Some(set_spec) = spec.set_spec.as_mut() {
            set_spec.generation = generation;
        }
        match compose_one(pool, host, &spec) {
            Ok(()) if spec.start => println!("{}: composed on {host} and started", vm.name),
            Ok(()) => println!("{}: composed on {host} (not started)", vm.name),
            Err(e) => {
                all_made = false;
                eprintln!("vmdeck: {}: {e}", vm.name);
            }
        }
    }
    Ok(all_made)
}

/// Every host of the pool with its room, images and NUMA nodes' CPUs.
fn read_pool(pool: &PoolConfig, read_only: bool) -> PoolView<'_> {
    // With placement: real-time types need to know which cores VMs are pinned to.
    pool_view(pool, read_all(&[pool], true, read_only), read_only)
}

/// The pool as compose sees it, from its hosts as read (with placement).
pub(crate) fn pool_view(
    pool: &PoolConfig,
    rows: Vec<(String, String, Result<HostRead, Skip>)>,
    read_only: bool,
) -> PoolView<'_> {
    let cluster = pool.driver == Driver::Incus
        && rows
            .iter()
            .any(|(_, host, _)| pool.hosts.iter().all(|h| &h.name != host));
    // Incus images are the whole server's (or cluster's): read once for every member.
    let incus_images = pool
        .incus
        .as_ref()
        .map(|incus| incus::images_once(incus, "", pool.deadlines));
    let hosts = rows
        .into_iter()
        .map(|(_, host, read)| host_view(pool, &host, read, incus_images.clone(), read_only))
        .collect();
    PoolView {
        name: &pool.name,
        driver: pool.driver,
        settings: &pool.compose,
        overcommit: pool.overcommit,
        cluster,
        hosts,
    }
}

fn host_view(
    pool: &PoolConfig,
    host: &str,
    read: Result<HostRead, Skip>,
    incus_images: Option<Result<Vec<Image>, String>>,
    read_only: bool,
) -> HostView {
    match read {
        Ok(read) => {
            let facts = &read.inventory.facts;
            let images = incus_images.or_else(|| {
                let uri = &pool.hosts.iter().find(|h| h.name == host)?.uri;
                Some(libvirt::images_once(
                    uri,
                    &pool.compose.image_pool,
                    host,
                    read_only,
                    pool.deadlines,
                ))
            });
            HostView {
                room: room(
                    host,
                    None,
                    Some(facts),
                    &read.inventory.vms,
                    pool.allocation_for(host),
                ),
                images,
                node_cpus: facts.numa.iter().map(|c| (c.id, c.cpus.clone())).collect(),
                cores: HostCores::of(&facts.numa, &read.placement),
            }
        }
        Err(Skip::Failed(why) | Skip::Unsupported(why)) => HostView {
            room: room(host, Some(why), None, &[], pool.allocation_for(host)),
            images: None,
            node_cpus: Vec::new(),
            cores: HostCores::default(),
        },
    }
}

/// For a heal plan: what recreating `spec` on `host` of pool `pool` meets, each as `; …`
/// (empty when nothing): disks an earlier VM of its name left there (libvirt: reused, or why
/// the compose will fail), and user-data that is not the set's own template.
pub(crate) fn recreate_note(config: &Config, pool: &str, host: &str, spec: &ComposeSpec) -> String {
    let uri = config
        .pools
        .iter()
        .find(|p| p.name == pool && p.incus.is_none())
        .and_then(|p| Some((p.hosts.iter().find(|h| h.name == host)?, p.deadlines)));
    let leftovers = uri.and_then(|(h, deadlines)| libvirt::leftovers_once(&h.uri, spec, deadlines));
    [leftovers, default_user_data_note(spec)]
        .into_iter()
        .flatten()
        .map(|note| format!("; {note}"))
        .collect()
}

/// A set stamped before its template was (only its digest is known) is healed and scaled
/// from vmdeck's default template: such a set made from another template is told so.
fn default_user_data_note(spec: &ComposeSpec) -> Option<String> {
    let set = spec.set.as_deref()?;
    let set_spec = spec.set_spec.as_ref()?;
    if set_spec.user_data.is_some() {
        return None;
    }
    let stamped = set_spec.user_data_digest.as_deref()?;
    let default = crate::model::set::user_data_digest(&template_for(set, true));
    (stamped != default).then(|| {
        "user-data from vmdeck's default template: the set's own is known only by its digest"
            .to_string()
    })
}

pub(crate) fn compose_one(pool: &PoolConfig, host: &str, spec: &ComposeSpec) -> Result<(), String> {
    let name = spec.name.clone();
    match (&pool.incus, pool.hosts.iter().find(|h| h.name == host)) {
        (Some(incus), _) => incus::compose_once(incus, spec, pool.deadlines, move |step| {
            println!("{name}: {step}")
        }),
        (None, Some(h)) => libvirt::compose_once(&h.uri, spec, pool.deadlines, &|step| {
            println!("{}: {step}", spec.name)
        }),
        (None, None) => Err(format!("pool {} has no host {host}", pool.name)),
    }
}

/// For each VM: where it goes, then every host with its verdict, score and reasons.
fn print_plan(plan: &Plan) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for vm in &plan.vms {
        let group = plan
            .group
            .as_ref()
            .map_or(String::new(), |g| format!(", group {g}"));
        let head = match (&vm.decision.chosen, &vm.spec) {
            (Some(host), Some(spec)) => {
                let node = spec
                    .numa_node
                    .as_ref()
                    .map_or(String::new(), |(n, _)| format!(" (NUMA node {n})"));
                format!("→ {host}{node}{}", cores_text(spec))
            }
            _ => "→ refused".to_string(),
        };
        writeln!(
            out,
            "{} {head}   type {}, image {}{group}",
            vm.name, plan.vm_type.name, plan.image
        )?;
        writeln!(
            out,
            "    {:<14} {:<9} {:>6}  WHY",
            "HOST", "VERDICT", "SCORE"
        )?;
        for verdict in &vm.decision.verdicts {
            let chosen = vm.decision.chosen.as_deref() == Some(verdict.host.as_str());
            let score = if verdict.fits {
                format!("{:.3}", verdict.score)
            } else {
                "—".into()
            };
            writeln!(
                out,
                "  {} {:<14} {:<9} {:>6}  {}",
                if chosen { "*" } else { " " },
                verdict.host,
                if verdict.fits { "fits" } else { "rejected" },
                score,
                verdict.reasons.join("; ")
            )?;
        }
        if let Some(why) = &vm.decision.why_none {
            writeln!(out, "  {why}")?;
        }
    }
    Ok(())
}

/// Where a real-time VM's vCPUs and emulator go: ` vCPUs on 5, 6; emulator on 4`.
fn cores_text(spec: &ComposeSpec) -> String {
    spec.cores.as_ref().map_or(String::new(), |cores| {
        let vcpus: Vec<String> = cores.vcpus.iter().map(|c| cpu_list(c)).collect();
        format!(
            " vCPUs on {}; emulator on {}",
            vcpus.join(", "),
            cpu_list(&cores.emulator)
        )
    })
}
