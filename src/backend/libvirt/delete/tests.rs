use virt::connect::Connect;
use virt::storage_vol::StorageVol;

use super::super::usage::{self, DomainFiles, VolumeBacking};
use super::{bases_in_use, delete};

fn dom(name: &str, disks: &[&str]) -> DomainFiles {
    DomainFiles {
        name: name.into(),
        uuid: format!("uuid-{name}"),
        disks: disks.iter().map(|d| d.to_string()).collect(),
        nvram: None,
    }
}

fn overlay(name: &str, backing: &str) -> VolumeBacking {
    VolumeBacking {
        name: name.into(),
        path: format!("/p/{name}"),
        backing: backing.into(),
    }
}

#[test]
fn a_disk_that_is_a_base_is_refused_naming_its_users() {
    let web = dom("web", &["/p/web.qcow2", "/p/image.qcow2"]);
    let clone = dom("web-clone", &["/p/web-clone-vda.qcow2"]);
    let overlays = [
        overlay("web.qcow2", "/p/image.qcow2"),
        overlay("web-clone-vda.qcow2", "/p/web.qcow2"),
        overlay("orphan.qcow2", "/p/web-clone-vda.qcow2"),
    ];
    let disks = ["/p/web.qcow2".to_string()];
    let refusal =
        bases_in_use("web", &disks, &web, std::slice::from_ref(&clone), &overlays).unwrap();
    assert_eq!(
        refusal,
        "web's disk web.qcow2 is the base of web-clone and volume orphan.qcow2; delete or flatten them first"
    );
    // The clone itself may go: nothing is built on its disk but an orphan volume.
    let clone_disks = ["/p/web-clone-vda.qcow2".to_string()];
    let refusal = bases_in_use(
        "web-clone",
        &clone_disks,
        &clone,
        std::slice::from_ref(&web),
        &overlays,
    );
    assert_eq!(
        refusal.as_deref(),
        Some(
            "web-clone's disk web-clone-vda.qcow2 is the base of volume orphan.qcow2; delete or flatten it first"
        )
    );
    // A domain's own chain (the image under its disk) never counts.
    assert_eq!(bases_in_use("web", &disks, &web, &[], &overlays[..1]), None);
}

#[test]
fn a_backing_store_in_another_domains_xml_counts_too() {
    let mine = dom("a", &["/p/a.img"]);
    let other = dom("b", &["/p/b.qcow2", "/p/a.img"]);
    let refusal = bases_in_use("a", &["/p/a.img".into()], &mine, &[other], &[]).unwrap();
    assert!(
        refusal.contains("a's disk a.img is the base of b;"),
        "{refusal}"
    );
}

/// On libvirt's test driver: a domain whose disk another domain's overlay is built on is not
/// deleted, and nothing changes.
#[test]
fn refused_on_a_test_host_before_anything_changes() {
    let conn = Connect::open(Some("test:///default")).unwrap();
    let pool = conn.lookup_storage_pool_by_name("default-pool").unwrap();
    let dir = "/default-pool";
    let base = StorageVol::create_xml(
        &pool,
        "<volume><name>del-base.img</name><capacity>1048576</capacity></volume>",
        0,
    )
    .unwrap();
    let base_path = base.path().unwrap();
    let overlay_xml = format!(
        "<volume><name>del-over.qcow2</name><capacity>1048576</capacity><target><format type='qcow2'/></target>\
         <backingStore><path>{base_path}</path><format type='raw'/></backingStore></volume>"
    );
    StorageVol::create_xml(&pool, &overlay_xml, 0).unwrap();
    let domain = |name: &str, disk: &str| {
        format!(
            "<domain type='test'><name>{name}</name><memory>65536</memory><os><type>hvm</type></os>\
             <devices><disk type='file' device='disk'><source file='{dir}/{disk}'/><target dev='vda'/></disk></devices></domain>"
        )
    };
    let src = conn
        .define_domain_xml(&domain("del-src", "del-base.img"))
        .unwrap();
    let clone = conn
        .define_domain_xml(&domain("del-clone", "del-over.qcow2"))
        .unwrap();
    let overlays = usage::overlays(&conn);
    assert!(
        overlays
            .iter()
            .any(|v| v.name == "del-over.qcow2" && v.backing == base_path),
        "{overlays:?}"
    );
    let err = delete(&conn, &src.uuid_string().unwrap(), true, true).unwrap_err();
    assert_eq!(
        err,
        "del-src's disk del-base.img is the base of del-clone; delete or flatten it first"
    );
    assert!(
        conn.lookup_domain_by_name("del-src").is_ok(),
        "still defined"
    );
    assert!(
        pool.lookup_storage_vol_by_name("del-base.img").is_ok(),
        "disk kept"
    );
    // The test driver takes no undefine flags: the rest is plain clean-up.
    for dom in [clone, src] {
        dom.undefine().unwrap();
    }
    for name in ["del-over.qcow2", "del-base.img"] {
        pool.lookup_storage_vol_by_name(name)
            .unwrap()
            .delete(0)
            .unwrap();
    }
}
