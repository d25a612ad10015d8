//! Crafted capabilities with sparse node ids and a memory-only node, with the figures
//! `virsh freecell --cellno N` and `virsh freepages --cellno N` would print for them. (libvirt's
//! test driver numbers its cells 0..n by position, so it cannot describe such a host.)

use super::fill_by_id;
use crate::backend::libvirt::xml::parse_capabilities;

const GIB: u64 = 1 << 30;

/// A POWER8-like host (with 4 KiB base pages, as x86 has): nodes 0, 1, 16, 17 with CPUs, and node 2, memory only (CXL/HBM).
fn capabilities() -> String {
    let cell = |id: u32, cpus: std::ops::Range<u32>, gib: u64| {
        let cpus: String = cpus
            .map(|c| format!("<cpu id='{c}' socket_id='0' core_id='{c}' siblings='{c}'/>"))
            .collect();
        let count = cpus.matches("<cpu ").count();
        format!(
            "<cell id='{id}'><memory unit='KiB'>{}</memory>\
             <pages unit='KiB' size='4'>0</pages><pages unit='KiB' size='16384'>{}</pages>\
             <cpus num='{count}'>{cpus}</cpus></cell>",
            gib * GIB / 1024,
            id + 10
        )
    };
    format!(
        "<capabilities><host><cpu><model>POWER8</model></cpu><topology><cells num='5'>\
         {}{}{}{}{}</cells></topology></host></capabilities>",
        cell(0, 0..40, 64),
        cell(1, 40..80, 64),
        cell(2, 0..0, 128),
        cell(16, 80..120, 64),
        cell(17, 120..160, 64),
    )
}

/// What the host says per node id; any other id (a position mistaken for an id) is refused,
/// as libvirt refuses a cell that does not exist.
fn freecell(id: u32) -> Option<u64> {
    match id {
        0 => Some(3 * GIB),
        1 => Some(5 * GIB),
        2 => Some(100 * GIB),
        16 => Some(41 * GIB),
        17 => Some(7 * GIB),
        _ => None,
    }
}

fn freepages(id: u32, sizes: &[u32]) -> Option<Vec<u64>> {
    freecell(id)?;
    Some(
        sizes
            .iter()
            .map(|&s| if s == 16384 { u64::from(id) } else { 0 })
            .collect(),
    )
}

#[test]
fn free_memory_and_pages_are_matched_by_node_id() {
    let (model, mut cells) = parse_capabilities(&capabilities()).expect("parsed");
    assert_eq!(model, "POWER8");
    let ids: Vec<u32> = cells.iter().map(|c| c.id).collect();
    assert_eq!(ids, [0, 1, 2, 16, 17]);
    fill_by_id(&mut cells, freecell, freepages);
    let free: Vec<Option<u64>> = cells.iter().map(|c| c.free_bytes).collect();
    assert_eq!(
        free,
        [0, 1, 2, 16, 17].map(freecell),
        "node 16 has 41 GiB free, as freecell --cellno 16 says"
    );
    let node16 = &cells[3];
    let huge = node16
        .pages
        .iter()
        .find(|p| p.size_kib == 16384)
        .expect("16M pages");
    assert_eq!((huge.total, huge.free), (26, Some(16)));
    // The base page size is not a hugepage and is not asked for.
    assert_eq!(
        node16
            .pages
            .iter()
            .find(|p| p.size_kib == 4)
            .and_then(|p| p.free),
        None
    );
    // The memory-only node: no CPUs, its memory and pages all the same.
    let memory_only = &cells[2];
    assert!(memory_only.cpus.is_empty());
    assert_eq!(memory_only.memory_bytes, 128 * GIB);
    assert_eq!(memory_only.free_bytes, Some(100 * GIB));
}

#[test]
fn a_node_the_host_says_nothing_about_stays_unknown() {
    let (_, mut cells) = parse_capabilities(&capabilities()).expect("parsed");
    fill_by_id(&mut cells, |id| (id < 16).then_some(GIB), |_, _| None);
    assert_eq!(cells[3].free_bytes, None, "unknown, not 0 free");
    assert!(cells[3].pages.iter().all(|p| p.free.is_none()));
}
