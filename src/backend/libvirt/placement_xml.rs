//! Where a domain runs, read as libvirt applies its XML: each vCPU's `<vcpupin>`, else the
//! domain's `<vcpu cpuset>`, else nowhere in particular. The emulator and I/O threads'
//! pinning is kept apart: it is not where the guest runs.

use roxmltree::{Document, Node};

use super::xml::{child, dedup, parse_cpuset};

/// The pinning of a domain as its XML says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct XmlPlacement {
    /// The host CPUs the vCPUs may run on; empty when any vCPU floats (is not confined), so a
    /// VM with 2 of 240 vCPUs pinned does not read as living on one node.
    pub cpus: Vec<u32>,
    /// The NUMA nodes its memory is bound to.
    pub memory_nodes: Vec<u32>,
    /// `<emulatorpin>` and `<iothreadpin>` CPUs.
    pub emulator_cpus: Vec<u32>,
    /// `<resource><partition>`: the cgroup slice it runs in (`/machine/rt`).
    pub partition: Option<String>,
}

pub fn parse_placement(xml: &str) -> XmlPlacement {
    let Ok(doc) = Document::parse(xml) else {
        return XmlPlacement::default();
    };
    let root = doc.root_element();
    let tune = child(root, "cputune");
    XmlPlacement {
        cpus: vcpu_cpus(root, tune),
        memory_nodes: child(root, "numatune").map_or_else(Vec::new, |t| {
            dedup(cpusets(t, &["memory", "memnode"], "nodeset"))
        }),
        emulator_cpus: tune.map_or_else(Vec::new, |t| {
            dedup(cpusets(t, &["emulatorpin", "iothreadpin"], "cpuset"))
        }),
        partition: child(root, "resource")
            .and_then(|r| child(r, "partition"))
            .and_then(|p| p.text())
            .map(|t| t.trim().to_string()),
    }
}

/// The union of every vCPU's CPUs: its own `<vcpupin>`, else `<vcpu cpuset>`; empty as soon
/// as one vCPU has neither (it may run anywhere).
fn vcpu_cpus(root: Node, tune: Option<Node>) -> Vec<u32> {
    let vcpu = child(root, "vcpu");
    let count: u32 = vcpu
        .and_then(|v| v.text())
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(0);
    let default = vcpu.and_then(|v| v.attribute("cpuset")).map(parse_cpuset);
    let pins: Vec<(u32, Vec<u32>)> = tune
        .map(|t| {
            t.children()
                .filter(|n| n.has_tag_name("vcpupin"))
                .filter_map(|n| {
                    Some((
                        n.attribute("vcpu")?.parse().ok()?,
                        parse_cpuset(n.attribute("cpuset")?),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    // Without a vCPU count, the pins are all there is to go by.
    let count = count.max(pins.iter().map(|(id, _)| id + 1).max().unwrap_or(0));
    let mut cpus = Vec::new();
    for id in 0..count {
        match pins
            .iter()
            .find(|(pinned, _)| *pinned == id)
            .map(|(_, set)| set)
            .or(default.as_ref())
        {
            Some(set) => cpus.extend(set),
            None => return Vec::new(),
        }
    }
    dedup(cpus)
}

fn cpusets(parent: Node, tags: &[&str], attribute: &str) -> Vec<u32> {
    parent
        .children()
        .filter(|n| tags.iter().any(|t| n.has_tag_name(*t)))
        .filter_map(|n| n.attribute(attribute))
        .flat_map(parse_cpuset)
        .collect()
}

#[cfg(test)]
mod tests {
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
        assert_eq!(parse_placement(auto), XmlPlacement::default());
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
}
