//! Disks an earlier VM of the same name left behind: `virsh undefine` without
//! `--remove-all-storage` leaves `NAME.qcow2` and `NAME-cidata.img` in the disk pool. When a
//! set's member is recreated under its old name, its root disk is reused as it is (like a
//! StatefulSet's claim: the member comes back with its data) and its seed is written afresh
//! (it is vmdeck's, and carries the current per-instance data) — but only when no domain uses
//! them and the root disk is on the set's image; anything else is refused and left alone.

use virt::connect::Connect;
use virt::storage_pool::StoragePool;
use virt::storage_vol::StorageVol;

use super::volumes::{parse_volume, users_by_path};
use crate::model::StorageVolume;
use crate::model::compose::ComposeSpec;

/// The volumes a compose names after the VM.
pub(super) fn volume_names(vm: &str) -> [String; 2] {
    [format!("{vm}.qcow2"), format!("{vm}-cidata.img")]
}

/// What a compose finds of an earlier VM of its name.
#[derive(Default)]
pub(super) struct Leftovers {
    /// The root disk, to reuse.
    pub root: Option<StorageVol>,
    /// The seed, to write afresh.
    pub seed: Option<StorageVol>,
}

/// The leftovers in `disks` for `spec`, or why they must stay as they are.
pub(super) fn find(
    conn: &Connect,
    disks: &StoragePool,
    spec: &ComposeSpec,
    image_path: &str,
) -> Result<Leftovers, String> {
    let [root_name, seed_name] = volume_names(&spec.name);
    let root = disks.lookup_storage_vol_by_name(&root_name).ok();
    let seed = disks.lookup_storage_vol_by_name(&seed_name).ok();
    if root.is_none() && seed.is_none() {
        return Ok(Leftovers::default());
    }
    let pool = disks.name().unwrap_or_default();
    let found: Vec<StorageVolume> = [&root, &seed]
        .into_iter()
        .flatten()
        .map(|vol| describe(vol, &pool))
        .collect();
    let users = users_by_path(conn);
    let used_by = |v: &StorageVolume| users.get(&v.path).cloned().unwrap_or_default();
    let verdict = judge(spec, &found, &used_by, image_path);
    verdict.map(|()| Leftovers { root, seed })
}

/// Whether a compose of `spec` may reuse the root disk and rewrite the seed it found.
fn judge(
    spec: &ComposeSpec,
    found: &[StorageVolume],
    used_by: &dyn Fn(&StorageVolume) -> Vec<String>,
    image_path: &str,
) -> Result<(), String> {
    let Some(first) = found.first() else {
        return Ok(());
    };
    let pool = &first.pool;
    if spec.set.is_none() {
        return Err(format!(
            "a volume {} exists already in storage pool '{pool}'; it is left alone",
            first.name
        ));
    }
    for volume in found {
        let users = used_by(volume);
        if !users.is_empty() {
            return Err(format!(
                "volume {} in storage pool '{pool}' is a disk of {}; it is left alone",
                volume.name,
                users.join(", ")
            ));
        }
    }
    let [root_name, _] = volume_names(&spec.name);
    let Some(root) = found.iter().find(|v| v.name == root_name) else {
        return Ok(());
    };
    let wanted: Vec<String> = match spec.vm_type.full_copy {
        true => Vec::new(),
        false => vec![image_path.to_string()],
    };
    if root.backing.first() != wanted.first() {
        let on = root
            .backing
            .first()
            .map_or("no backing image".to_string(), |b| format!("backed by {b}"));
        return Err(format!(
            "{root_name} left in storage pool '{pool}' by an earlier {} is {on}, not the set's image {}: \
             it is left alone (remove it with virsh vol-delete --pool {pool} {root_name} to recreate {} afresh)",
            spec.name, spec.image, spec.name
        ));
    }
    Ok(())
}

fn describe(vol: &StorageVol, pool: &str) -> StorageVolume {
    let mut volume = parse_volume(&vol.xml_desc(0).unwrap_or_default(), pool);
    volume.path = vol.path().unwrap_or_default();
    volume
}

/// The leftovers of `vm` on the host at `conn`, in words for a heal plan: what the compose
/// will do with them, or why it will refuse. None when there are none.
pub(super) fn note(conn: &Connect, disk_pool: &str, spec: &ComposeSpec) -> Option<String> {
    let disks = conn.lookup_storage_pool_by_name(disk_pool).ok()?;
    let names = volume_names(&spec.name);
    let left: Vec<&String> = names
        .iter()
        .filter(|name| disks.lookup_storage_vol_by_name(name).is_ok())
        .collect();
    if left.is_empty() {
        return None;
    }
    let image_path = super::images::find(conn, &spec.storage.as_ref()?.image_pool, &spec.image)
        .map(|(_, image)| image.location)
        .unwrap_or_default();
    let listed = left
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    Some(match find(conn, &disks, spec, &image_path) {
        Ok(_) => format!(
            "{listed} left by an earlier {}: its root disk is reused, its seed written afresh",
            spec.name
        ),
        Err(why) => format!("will fail: {why}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::VmType;

    fn volume(name: &str, backing: Option<&str>) -> StorageVolume {
        StorageVolume {
            pool: "default".into(),
            name: name.into(),
            path: format!("/p/{name}"),
            format: "qcow2".into(),
            capacity_bytes: 0,
            allocation_bytes: 0,
            backing: backing.map(str::to_string).into_iter().collect(),
            used_by: Vec::new(),
            location: None,
        }
    }

    fn member(set: Option<&str>) -> ComposeSpec {
        ComposeSpec {
            name: "web-1".into(),
            image: "lab-busybox".into(),
            set: set.map(str::to_string),
            vm_type: VmType::default(),
            ..ComposeSpec::default()
        }
    }

    #[test]
    fn a_members_unused_leftovers_on_its_image_are_taken_up() {
        let nobody = |_: &StorageVolume| Vec::new();
        let found = [
            volume("web-1.qcow2", Some("/img/lab-busybox.qcow2")),
            volume("web-1-cidata.img", None),
        ];
        let spec = member(Some("web"));
        assert_eq!(
            judge(&spec, &found, &nobody, "/img/lab-busybox.qcow2"),
            Ok(())
        );
        assert_eq!(judge(&spec, &found[1..], &nobody, "/img/x"), Ok(()));
        let other = judge(&spec, &found, &nobody, "/img/other.qcow2").unwrap_err();
        assert!(
            other.contains("backed by /img/lab-busybox.qcow2, not the set's image lab-busybox")
                && other.contains("virsh vol-delete --pool default web-1.qcow2"),
            "{other}"
        );
    }

    #[test]
    fn leftovers_in_use_or_of_a_lone_vm_are_left_alone() {
        let found = [volume("web-1.qcow2", Some("/img/a"))];
        let used = |_: &StorageVolume| vec!["web-9".to_string()];
        let err = judge(&member(Some("web")), &found, &used, "/img/a").unwrap_err();
        assert_eq!(
            err,
            "volume web-1.qcow2 in storage pool 'default' is a disk of web-9; it is left alone"
        );
        let nobody = |_: &StorageVolume| Vec::new();
        let lone = judge(&member(None), &found, &nobody, "/img/a").unwrap_err();
        assert!(lone.contains("exists already"), "{lone}");
    }
}
