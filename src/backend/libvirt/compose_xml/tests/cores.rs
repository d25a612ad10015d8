//! A real-time VM's `<cputune>` read back as the inventory reads it, and accepted by
//! libvirt's test driver.

use virt::connect::Connect;

use super::full;
use crate::backend::libvirt::compose_xml::{CoreTune, domain_xml};
use crate::backend::libvirt::placement_xml::parse_placement;
use crate::model::compose::CorePins;

/// On the test driver's host (CPUs 0-15): vCPU 1 on two sibling threads.
fn pins() -> CorePins {
    CorePins {
        node: 0,
        vcpus: vec![vec![5], vec![6, 14]],
        emulator: vec![4, 12],
    }
}

#[test]
fn each_vcpu_on_its_core_under_fifo_with_the_emulator_apart() {
    let stamp = super::stamp();
    let pins = pins();
    let xml = domain_xml(&crate::backend::libvirt::compose_xml::DomainSpec {
        vcpus: 2,
        numa_pin: None,
        cores: Some(CoreTune {
            pins: &pins,
            scheduler: Some(("fifo", 1)),
        }),
        ..full("rt-0", &stamp)
    });
    let placed = parse_placement(&xml);
    let tuning = &placed.tuning;
    assert_eq!(
        (tuning.pin_of(0), tuning.pin_of(1)),
        (&[5][..], &[6, 14][..])
    );
    assert_eq!(tuning.emulatorpin.as_deref(), Some(&[4, 12][..]));
    assert_eq!(tuning.realtime_vcpus(), [0, 1]);
    assert_eq!(tuning.sched_of(1).unwrap().priority, Some(1));
    assert_eq!(
        (placed.memory_nodes, tuning.memory_mode.as_deref()),
        (vec![0], Some("strict"))
    );
    assert_eq!(placed.partition.as_deref(), Some("/machine/rt"));
}

/// The test driver validates the tuning as every driver does, and stores it as written.
#[test]
fn libvirt_defines_the_real_time_domain() {
    let conn = Connect::open(Some("test:///default")).unwrap();
    let stamp = super::stamp();
    let pins = pins();
    for scheduler in [Some(("rr", 50)), None] {
        let xml = domain_xml(&crate::backend::libvirt::compose_xml::DomainSpec {
            vcpus: 2,
            numa_pin: None,
            hugepage_kib: None,
            cores: Some(CoreTune {
                pins: &pins,
                scheduler,
            }),
            ..full("compose-xml-rt", &stamp)
        });
        let dom = conn.define_domain_xml(&xml).unwrap();
        let stored = parse_placement(&dom.xml_desc(0).unwrap());
        assert_eq!(stored.tuning.pin_of(1), [6, 14]);
        assert_eq!(stored.tuning.emulatorpin.as_deref(), Some(&[4, 12][..]));
        let realtime = stored.tuning.realtime_vcpus();
        assert_eq!(realtime.len(), if scheduler.is_some() { 2 } else { 0 });
        dom.undefine().unwrap();
    }
}
