//! Composing a VM on a libvirt host: the root disk as a linked overlay (or a full copy) of the
//! image, a cloud-init NoCloud seed uploaded as a small volume, the domain defined from the
//! VM type with vmdeck's stamp, then started. A failure part-way removes what was made, so no
//! orphan volume or half-defined domain is left behind.

use std::sync::mpsc::Sender;

use virt::connect::Connect;
use virt::domain::Domain;
use virt::storage_pool::StoragePool;
use virt::storage_vol::StorageVol;
use virt::stream::Stream;

use super::compose_xml::{
    CoreTune, DomainSpec, NumaPin, domain_xml, overlay_volume_xml, qcow2_volume_xml, raw_volume_xml,
};
use super::worker::WorkerInput;
use super::{images, leftover};
use crate::backend::OpId;
use crate::cloudinit;
use crate::model::VmStamp;
use crate::model::compose::{ComposeSpec, Image, LibvirtStorage};

fn message(e: virt::error::Error) -> String {
    e.message().to_string()
}

/// What was made so far, undone in reverse on failure.
enum Made {
    Volume(StorageVol, String),
    Domain(Domain),
}

/// Composes in a thread of its own, reporting through the worker like a clone.
pub fn spawn(conn: &Connect, spec: ComposeSpec, op: OpId, tx: Sender<WorkerInput>) {
    let conn = conn.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("compose {}", spec.name))
        .spawn(move || {
            let note = |text: String| {
                let _ = tx.send(WorkerInput::OpNote { op, text });
            };
            let result = compose(&conn, &spec, &note);
            let _ = tx.send(WorkerInput::OpDone { op, result });
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start a compose thread: {e}");
    }
}

/// Makes the VM `spec` describes and starts it; `note` hears each step.
pub fn compose(conn: &Connect, spec: &ComposeSpec, note: &dyn Fn(String)) -> Result<(), String> {
    let storage = spec
        .storage
        .as_ref()
        .ok_or("no libvirt storage settings for this pool")?;
    if conn.lookup_domain_by_name(&spec.name).is_ok() {
        return Err(format!("a VM named {} exists already", spec.name));
    }
    // The volumes are journaled too: when the host dies part-way, they go at its next connect.
    let uri = conn.uri().map_err(message)?;
    let mut journal = super::clone::Journaled::begin(conn, &uri, &spec.name);
    let mut made = Vec::new();
    let Err(e) = build(conn, spec, storage, note, (&mut made, &mut journal)) else {
        journal.keep();
        return Ok(());
    };
    let undone = undo(made);
    // What `undo` could not reach stays in the journal for the next connect.
    let _ = journal.undo();
    Err(if undone.is_empty() {
        e
    } else {
        format!("{e} (removed what was made: {})", undone.join(", "))
    })
}

fn build(
    conn: &Connect,
    spec: &ComposeSpec,
    storage: &LibvirtStorage,
    note: &dyn Fn(String),
    (made, journal): (&mut Vec<Made>, &mut super::clone::Journaled),
) -> Result<(), String> {
    note(format!("finding image {}", spec.image));
    let (image_vol, image) = images::find(conn, &storage.image_pool, &spec.image)?;
    let disks = images::storage_pool(conn, &storage.disk_pool, "disk_pool")?;
    let [root_name, seed_name] = leftover::volume_names(&spec.name);
    let leftovers = leftover::find(conn, &disks, spec, &image.location)?;
    if let Some(old) = leftovers.seed {
        note(format!(
            "removing {seed_name}, left by an earlier {}",
            spec.name
        ));
        old.delete(0).map_err(message)?;
    }
    // Noted before they exist; one that exists already is someone else's and refused.
    journal.will_make(&disks, &seed_name)?;
    let root_path = match leftovers.root {
        Some(old) => {
            // Not journaled: a failure part-way leaves the member's disk as it was found.
            note(format!(
                "reusing {root_name}, left by an earlier {}",
                spec.name
            ));
            old.path().map_err(message)?
        }
        None => {
            journal.will_make(&disks, &root_name)?;
            let root = new_root(&disks, &root_name, (&image_vol, &image), spec, note)?;
            let path = root.path().map_err(message)?;
            made.push(Made::Volume(root, root_name));
            path
        }
    };

    note("writing the cloud-init seed".into());
    let seed_bytes = seed(spec)?;
    let seed = StorageVol::create_xml(
        &disks,
        &raw_volume_xml(&seed_name, seed_bytes.len() as u64),
        0,
    )
    .map_err(message)?;
    let seed_path = seed.path().map_err(message)?;
    made.push(Made::Volume(seed.clone(), seed_name));
    upload(conn, &seed, &seed_bytes)?;

    note("defining the domain".into());
    let stamp = VmStamp {
        vm_type: Some(spec.vm_type.name.clone()),
        group: spec.group.clone(),
        set: spec.set.clone(),
        image: Some(image.name.clone()),
        clone_of: None,
        set_spec: spec.set_spec.clone(),
    };
    let xml = domain_xml(&DomainSpec {
        name: &spec.name,
        virt_type: &storage.virt_type,
        vcpus: spec.vm_type.vcpus,
        memory_bytes: spec.vm_type.memory_bytes,
        root_disk: &root_path,
        root_format: "qcow2",
        seed_disk: Some(&seed_path),
        numa_pin: spec
            .numa_node
            .as_ref()
            .filter(|_| spec.vm_type.needs_one_node())
            .map(|(node, cpus)| NumaPin { node: *node, cpus }),
        cores: spec.cores.as_ref().map(|pins| CoreTune {
            pins,
            scheduler: spec
                .vm_type
                .rt
                .scheduler
                .map(|s| (s.as_str(), spec.vm_type.rt.priority)),
        }),
        hugepage_kib: spec.vm_type.hugepage_kib,
        partition: spec.vm_type.partition.as_deref(),
        network: storage.network.as_deref(),
        attach: &spec.attach,
        stamp: &stamp,
    });
    let domain = conn.define_domain_xml(&xml).map_err(message)?;
    made.push(Made::Domain(domain.clone()));
    if !spec.start {
        return Ok(());
    }
    note("starting".into());
    domain.create().map_err(|e| start_error(spec, message(e)))?;
    Ok(())
}

/// Why the defined domain did not start; a real-time scheduler the host may not grant
/// (no CAP_SYS_NICE, as for a session libvirtd) is named as such.
fn start_error(spec: &ComposeSpec, why: String) -> String {
    let scheduler = spec
        .vm_type
        .rt
        .scheduler
        .filter(|_| why.contains("scheduler") && why.contains("Operation not permitted"));
    match scheduler {
        Some(s) => format!(
            "defined but could not start: {why} (the host refuses the {} vCPU scheduler: its libvirtd needs CAP_SYS_NICE, which a session daemon lacks)",
            s.as_str()
        ),
        None => format!("defined but could not start: {why}"),
    }
}

/// The root disk: a qcow2 overlay on the image, or a full copy when the type asks for one.
fn new_root(
    disks: &StoragePool,
    name: &str,
    (image_vol, image): (&StorageVol, &Image),
    spec: &ComposeSpec,
    note: &dyn Fn(String),
) -> Result<StorageVol, String> {
    let capacity = spec.vm_type.disk_bytes.max(image.size_bytes);
    if spec.vm_type.full_copy {
        note(format!("copying image {} into {name}", image.name));
        let xml = qcow2_volume_xml(name, capacity);
        StorageVol::create_xml_from(disks, &xml, image_vol, 0).map_err(message)
    } else {
        note(format!("creating {name} on image {}", image.name));
        let xml = overlay_volume_xml(name, capacity, &image.location, &image.format);
        StorageVol::create_xml(disks, &xml, 0).map_err(message)
    }
}

/// The NoCloud seed: meta-data naming the VM, and the admin's user-data.
fn seed(spec: &ComposeSpec) -> Result<Vec<u8>, String> {
    cloudinit::validate_user_data(&spec.user_data)?;
    let meta = cloudinit::meta_data(&format!("vmdeck-{}", spec.name), &spec.name);
    cloudinit::nocloud_seed(&meta, &spec.user_data)
}

/// Writes `bytes` into `vol` over a libvirt stream (`virStorageVolUpload`): the seed is
/// built here, and the host may be another machine.
pub(super) fn upload(conn: &Connect, vol: &StorageVol, bytes: &[u8]) -> Result<(), String> {
    let stream = Stream::new(conn, 0).map_err(message)?;
    vol.upload(&stream, 0, bytes.len() as u64, 0)
        .map_err(|e| format!("cannot upload the seed: {}", message(e)))?;
    let mut sent = 0;
    while sent < bytes.len() {
        match stream.send(&bytes[sent..]) {
            Ok(n) if n > 0 => sent += n as usize,
            Ok(_) => {
                let _ = stream.abort();
                return Err("the host stopped taking the seed".into());
            }
            Err(e) => {
                let _ = stream.abort();
                return Err(format!("cannot upload the seed: {}", message(e)));
            }
        }
    }
    stream
        .finish()
        .map_err(|e| format!("cannot upload the seed: {}", message(e)))
}

/// Removes what was made, newest first; returns what it removed.
fn undo(made: Vec<Made>) -> Vec<String> {
    let mut undone = Vec::new();
    for thing in made.into_iter().rev() {
        match thing {
            Made::Domain(domain) => {
                let _ = domain.destroy();
                if domain.undefine().is_ok() {
                    undone.push("the domain".to_string());
                }
            }
            Made::Volume(vol, name) => {
                if vol.delete(0).is_ok() {
                    undone.push(name);
                }
            }
        }
    }
    undone
}
