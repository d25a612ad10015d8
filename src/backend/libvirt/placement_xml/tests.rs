//! The placement and tuning of domain XML as libvirt applies it.

use super::*;

fn cpus(xml: &str) -> Vec<u32> {
    parse_placement(xml).cpus
}

#[test]
fn each_vcpu_by_its_pin_else_the_domain_cpuset() {
    let both = "<domain><vcpu cpuset='4-5'>2</vcpu><cputune><vcpupin vcpu='0' cpuset='0'/>\
                <vcpupin vcpu='1' cpuset='1'/></cputune>\
                <numatune><memory mode='strict' nodeset='0'/></numatune></domain>";
    let placed = parse_placement(both);
    assert_eq!((placed.cpus, placed.memory_nodes), (vec![0, 1], vec![0]));
    assert_eq!(cpus("<domain><vcpu cpuset='4-5'>2</vcpu></domain>"), [4, 5]);
    assert_eq!(cpus("<domain><vcpu>2</vcpu></domain>"), Vec::<u32>::new());
    // Partial vcpupin: vCPU 1 keeps the domain's cpuset.
    let partial = "<domain><vcpu cpuset='8-9'>2</vcpu><cputune><vcpupin vcpu='0' cpuset='2'/>\
                   </cputune></domain>";
    assert_eq!(cpus(partial), [2, 8, 9]);
    // 2 of 240 vCPUs pinned and no cpuset: the rest float, so the VM is not on one node.
    let few = "<domain><vcpu>240</vcpu><cputune><vcpupin vcpu='0' cpuset='2'/>\
               <vcpupin vcpu='1' cpuset='3'/></cputune></domain>";
    assert_eq!(cpus(few), Vec::<u32>::new());
    // placement='auto' without pins: numad decides; nothing in the XML says where.
    let auto = "<domain><vcpu placement='auto'>4</vcpu><numatune><memory mode='strict' \
                placement='auto'/></numatune></domain>";
    let auto = parse_placement(auto);
    assert!(
        auto.cpus.is_empty() && auto.memory_nodes.is_empty(),
        "{auto:?}"
    );
}

#[test]
fn emulator_and_iothread_pins_are_apart_from_the_vcpus() {
    // SEAPATH's RT guests: vCPUs on 20-23, the emulator on 0-1.
    let rt = "<domain><vcpu cpuset='20-23'>4</vcpu><cputune><emulatorpin cpuset='0-1'/>\
              <iothreadpin iothread='1' cpuset='2'/></cputune>\
              <resource><partition>/machine/rt</partition></resource></domain>";
    let placed = parse_placement(rt);
    assert_eq!(placed.cpus, [20, 21, 22, 23]);
    assert_eq!(placed.emulator_cpus, [0, 1, 2]);
    assert_eq!(placed.partition.as_deref(), Some("/machine/rt"));
    // Emulator pinning alone says nothing about the vCPUs.
    let only = "<domain><vcpu>2</vcpu><cputune><emulatorpin cpuset='9'/></cputune>\
                <numatune><memnode cellid='0' mode='strict' nodeset='1'/></numatune></domain>";
    let placed = parse_placement(only);
    assert_eq!((placed.cpus, placed.memory_nodes), (vec![], vec![1]));
    assert_eq!(placed.emulator_cpus, [9]);
}

/// The `<cputune>` of SEAPATH's guest template (seapath/ansible templates/vm/guest.xml.j2,
/// Apache-2.0) rendered for a 2-vCPU real-time guest on CPUs 4 and 5, its emulator on
/// housekeeping CPU 2.
const SEAPATH_RT: &str = r#"<domain type="kvm"><name>guest0</name>
    <resource><partition>/machine/rt</partition></resource>
    <vcpu placement="static">2</vcpu>
    <cputune>
        <vcpupin vcpu="0" cpuset="4"/>
        <vcpusched vcpus="0" scheduler="fifo" priority="1" />
        <vcpupin vcpu="1" cpuset="5"/>
        <vcpusched vcpus="1" scheduler="fifo" priority="1" />
        <emulatorpin cpuset="2"/>
    </cputune></domain>"#;

#[test]
fn seapath_guest_tuning_per_vcpu() {
    let placed = parse_placement(SEAPATH_RT);
    let tuning = &placed.tuning;
    assert_eq!(tuning.vcpus, 2);
    assert_eq!((tuning.pin_of(0), tuning.pin_of(1)), (&[4][..], &[5][..]));
    assert_eq!(tuning.realtime_vcpus(), [0, 1]);
    let sched = tuning.sched_of(1).unwrap();
    assert_eq!(
        (sched.scheduler.as_str(), sched.priority),
        ("fifo", Some(1))
    );
    assert_eq!(tuning.emulatorpin.as_deref(), Some(&[2][..]));
    assert_eq!(tuning.memory_mode, None);
    assert_eq!(placed.partition.as_deref(), Some("/machine/rt"));
    assert_eq!(placed.cpus, [4, 5]);
}

#[test]
fn iothread_pins_are_not_the_emulator_pin_and_ranges_of_vcpus_are_read() {
    let xml = "<domain><vcpu>4</vcpu><cputune><vcpupin vcpu='0' cpuset='8'/>\
               <vcpusched vcpus='0-3,^2' scheduler='rr' priority='10'/>\
               <iothreadpin iothread='1' cpuset='1'/></cputune>\
               <numatune><memory mode='preferred' nodeset='1'/></numatune></domain>";
    let placed = parse_placement(xml);
    let tuning = &placed.tuning;
    assert_eq!(tuning.emulatorpin, None);
    assert_eq!(placed.emulator_cpus, [1]);
    assert_eq!(tuning.realtime_vcpus(), [0, 1, 3]);
    // vCPUs 1-3 float, so the VM as a whole is not confined.
    assert!(tuning.pin_of(1).is_empty() && placed.cpus.is_empty());
    assert_eq!(tuning.memory_mode.as_deref(), Some("preferred"));
}
