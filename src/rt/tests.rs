//! The real-time rules on real topologies (libvirt's own capabilities test data) with the
//! shape of SEAPATH's guest template: a guest in /machine/rt, each vCPU pinned to a core of
//! its own under fifo priority 1, the emulator on a housekeeping CPU. It passes; each variant
//! that breaks one rule is flagged by that rule, with the reason.

use super::{RtHost, Rule, Verdict, VmCheck, check_host};
use crate::backend::libvirt::{hugepage_backed, parse_capabilities, parse_placement};
use crate::config::{Partition, SliceCpus, VmType};
use crate::model::{NumaCell, Vm, VmPlacement, VmStamp, VmState};

/// Two nodes of 16 cores × 2 threads (CPU n and n+32).
const TWO_NODES: &str = include_str!("../../tests/fixtures/caps/amd-2node-smt.xml");
/// One node, 4 cores × 2 threads: cores (0,4) (1,5) (2,6) (3,7).
const INTEL: &str = include_str!("../../tests/fixtures/caps/intel-1node-smt.xml");

fn cells(caps: &str) -> Vec<NumaCell> {
    parse_capabilities(caps).unwrap().1
}

/// `/machine/rt` allows cores 1-3 (with their siblings 5-7); CPU 1 is for housekeeping.
fn slice(cpus: Vec<u32>, housekeeping: Vec<u32>) -> Vec<Partition> {
    vec![Partition {
        name: "/machine/rt".into(),
        default: Some(SliceCpus { cpus, housekeeping }),
        hosts: Default::default(),
    }]
}

fn intel_slice() -> Vec<Partition> {
    slice(vec![1, 2, 3, 5, 6, 7], vec![1])
}

/// SEAPATH's guest.xml.j2 as rendered for an "rt" + "isolated" guest with cpuset [2, 3].
fn seapath(cputune: &str, extra: &str) -> String {
    format!(
        "<domain type='kvm'><name>guest0</name><resource><partition>/machine/rt</partition>\
         </resource><vcpu placement='static'>2</vcpu>{extra}<cputune>{cputune}</cputune></domain>"
    )
}

const PINS: &str = "<vcpupin vcpu='0' cpuset='2'/><vcpusched vcpus='0' scheduler='fifo' priority='1'/>\
                    <vcpupin vcpu='1' cpuset='3'/><vcpusched vcpus='1' scheduler='fifo' priority='1'/>";

fn placed(uuid: &str, xml: &str) -> VmPlacement {
    let p = parse_placement(xml);
    VmPlacement {
        uuid: uuid.into(),
        cpus: p.cpus,
        memory_nodes: p.memory_nodes,
        hugepages: hugepage_backed(xml),
        emulator_cpus: p.emulator_cpus,
        partition: p.partition,
        tuning: p.tuning,
    }
}

fn vm(uuid: &str, vm_type: Option<&str>) -> Vm {
    Vm {
        name: uuid.into(),
        uuid: uuid.into(),
        state: VmState::Running,
        stamp: VmStamp {
            vm_type: vm_type.map(str::to_string),
            ..VmStamp::default()
        },
        ..Vm::default()
    }
}

struct Case {
    cells: Vec<NumaCell>,
    partitions: Vec<Partition>,
    domains: Vec<(&'static str, String)>,
    types: Vec<VmType>,
}

impl Case {
    fn intel(domains: Vec<(&'static str, String)>) -> Case {
        Case {
            cells: cells(INTEL),
            partitions: intel_slice(),
            domains,
            types: Vec::new(),
        }
    }

    fn check(&self) -> Vec<VmCheck> {
        let vms: Vec<Vm> = self
            .domains
            .iter()
            .map(|(uuid, _)| vm(uuid, Some("rt")))
            .collect();
        let placement: Vec<VmPlacement> = self
            .domains
            .iter()
            .map(|(uuid, xml)| placed(uuid, xml))
            .collect();
        check_host(&RtHost {
            name: "h1",
            cells: &self.cells,
            vms: &vms,
            placement: &placement,
            partitions: &self.partitions,
            vm_types: &self.types,
        })
    }
}

fn verdict(check: &VmCheck, rule: Rule) -> (Verdict, String) {
    let finding = check
        .rules
        .iter()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| panic!("no {rule:?} in {check:#?}"));
    (finding.verdict, finding.detail.clone())
}

/// Only `rule` is violated, and its detail says `why`.
fn only_violation(check: &VmCheck, rule: Rule, why: &str) {
    let bad: Vec<Rule> = check.violations().map(|f| f.rule).collect();
    assert_eq!(bad, [rule], "{check:#?}");
    let (_, detail) = verdict(check, rule);
    assert!(detail.contains(why), "{rule:?}: {detail}");
}

#[test]
fn the_seapath_guest_passes_every_rule() {
    let xml = seapath(&format!("{PINS}<emulatorpin cpuset='1'/>"), "");
    let checks = Case::intel(vec![("guest0", xml)]).check();
    assert_eq!(checks.len(), 1);
    let check = &checks[0];
    assert!(check.is_clean(), "{check:#?}");
    assert!(check.realtime);
    let rules: Vec<Rule> = check.rules.iter().map(|f| f.rule).collect();
    assert_eq!(
        rules,
        [
            Rule::PinsInSlice,
            Rule::EmulatorPinned,
            Rule::EmulatorApart,
            Rule::CoreAlone,
            Rule::VcpusPinned,
            Rule::MemoryLocal
        ]
    );
    assert_eq!(
        verdict(check, Rule::CoreAlone).1,
        "each real-time vCPU alone on its core (2-3,6-7)"
    );
}

#[test]
fn a_pin_outside_the_slice() {
    let pins = PINS.replace("cpuset='3'", "cpuset='0'");
    let xml = seapath(&format!("{pins}<emulatorpin cpuset='1'/>"), "");
    let check = &Case::intel(vec![("guest0", xml)]).check()[0];
    only_violation(
        check,
        Rule::PinsInSlice,
        "outside /machine/rt (1-3,5-7): vCPU 1 on 0",
    );
}

#[test]
fn a_real_time_scheduler_without_emulatorpin() {
    let check = &Case::intel(vec![("guest0", seapath(PINS, ""))]).check()[0];
    only_violation(check, Rule::EmulatorPinned, "without <emulatorpin>");
}

/// CPU 6 is vCPU 0's hyperthread sibling: the emulator there shares its core.
#[test]
fn the_emulator_on_a_vcpus_sibling() {
    let xml = seapath(&format!("{PINS}<emulatorpin cpuset='6'/>"), "");
    let check = &Case::intel(vec![("guest0", xml)]).check()[0];
    only_violation(
        check,
        Rule::EmulatorApart,
        "emulator on core 2,6 with its vCPU 0",
    );
}

#[test]
fn another_vm_on_a_sibling_thread_or_its_emulator_on_the_core() {
    let guest = seapath(&format!("{PINS}<emulatorpin cpuset='1'/>"), "");
    // A non-real-time VM pinned to CPU 7, vCPU 1's sibling, its emulator on CPU 2.
    let web =
        "<domain><vcpu cpuset='7'>1</vcpu><cputune><emulatorpin cpuset='2'/></cputune></domain>";
    let checks = Case::intel(vec![("guest0", guest), ("web", web.into())]).check();
    assert_eq!(
        checks.len(),
        1,
        "web is in no slice and not real-time: not checked"
    );
    let (v, detail) = verdict(&checks[0], Rule::CoreAlone);
    assert_eq!(v, Verdict::Violation);
    assert!(
        detail.contains("vCPU 1 shares core 3,7 with web vCPU 0"),
        "{detail}"
    );
    assert!(
        detail.contains("vCPU 0 shares core 2,6 with the emulator of web"),
        "{detail}"
    );
}

#[test]
fn two_vcpus_of_one_vm_on_one_core() {
    let pins = PINS.replace("cpuset='3'", "cpuset='6'");
    let xml = seapath(&format!("{pins}<emulatorpin cpuset='1'/>"), "");
    let check = &Case::intel(vec![("guest0", xml)]).check()[0];
    only_violation(
        check,
        Rule::CoreAlone,
        "vCPU 0 shares core 2,6 with its vCPU 1",
    );
}

#[test]
fn a_floating_vcpu() {
    let pins = "<vcpupin vcpu='0' cpuset='2'/><vcpusched vcpus='0-1' scheduler='rr' priority='1'/>";
    let xml = seapath(&format!("{pins}<emulatorpin cpuset='1'/>"), "");
    let check = &Case::intel(vec![("guest0", xml)]).check()[0];
    only_violation(check, Rule::VcpusPinned, "vCPU 1 not pinned");
}

/// On libvirt's two-node AMD host, vCPUs on node 0's cores 5 and 6 (their siblings 37, 38).
fn amd(extra: &str) -> VmCheck {
    let pins = PINS
        .replace("cpuset='2'", "cpuset='5'")
        .replace("cpuset='3'", "cpuset='6'");
    let xml = seapath(&format!("{pins}<emulatorpin cpuset='4'/>"), extra);
    let case = Case {
        cells: cells(TWO_NODES),
        partitions: slice((4..16).chain(36..48).collect(), vec![4, 36]),
        domains: vec![("guest0", xml)],
        types: Vec::new(),
    };
    case.check().remove(0)
}

#[test]
fn memory_on_the_vcpus_node_of_a_two_node_host() {
    only_violation(
        &amd(""),
        Rule::MemoryLocal,
        "memory not bound (no <numatune>), vCPUs on node 0",
    );
    let remote = "<numatune><memory mode='strict' nodeset='1'/></numatune>";
    only_violation(
        &amd(remote),
        Rule::MemoryLocal,
        "memory on node 1 (strict), vCPUs on node 0",
    );
    let local = amd("<numatune><memory mode='strict' nodeset='0'/></numatune>");
    assert!(local.is_clean(), "{local:#?}");
}

#[test]
fn hugepages_where_the_type_asks_for_them() {
    let xml = |backing: &str| seapath(&format!("{PINS}<emulatorpin cpuset='1'/>"), backing);
    let mut case = Case::intel(vec![("guest0", xml(""))]);
    case.types = vec![VmType {
        name: "rt".into(),
        hugepage_kib: Some(1 << 20),
        ..VmType::default()
    }];
    only_violation(
        &case.check()[0],
        Rule::Hugepages,
        "asks for 1 GiB hugepages",
    );
    case.domains = vec![(
        "guest0",
        xml(
            "<memoryBacking><hugepages><page size='1048576' unit='KiB'/></hugepages></memoryBacking>",
        ),
    )];
    assert!(case.check()[0].is_clean());
}

#[test]
fn a_slice_the_config_does_not_describe_is_unknown_not_a_violation() {
    let mut case = Case::intel(vec![(
        "guest0",
        seapath(&format!("{PINS}<emulatorpin cpuset='1'/>"), ""),
    )]);
    case.partitions = Vec::new();
    let check = &case.check()[0];
    assert!(check.is_clean());
    let (v, detail) = verdict(check, Rule::PinsInSlice);
    assert_eq!(v, Verdict::Unknown);
    assert!(detail.contains("no [[pool.partition]]"), "{detail}");
}

/// A vCPU pinned to every CPU of the host floats: it shares no particular core.
#[test]
fn a_pin_on_every_cpu_is_no_pin() {
    let guest = seapath(&format!("{PINS}<emulatorpin cpuset='1'/>"), "");
    let web = "<domain><vcpu>1</vcpu><cputune><vcpupin vcpu='0' cpuset='0-7'/></cputune></domain>";
    let checks = Case::intel(vec![("guest0", guest), ("web", web.into())]).check();
    assert!(checks[0].is_clean(), "{:#?}", checks[0]);
}
