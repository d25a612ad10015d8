//! A host's physical cores: which CPUs are hyperthread siblings of one core, on which NUMA
//! node, and which are offline. Built from the NUMA cells; a cell that does not say who its
//! siblings are counts each CPU as its own core.

use std::collections::{BTreeSet, HashMap};

use super::NumaCell;

/// One physical core: its hardware threads (host CPU ids) and its node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Core {
    pub node: u32,
    pub threads: Vec<u32>,
    /// A thread of it is offline: it runs nothing there, so it is never chosen.
    pub offline: bool,
}

/// The cores of a host, with a map from each CPU to its core.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Topology {
    pub cores: Vec<Core>,
    core_of: HashMap<u32, usize>,
}

impl Topology {
    pub fn of(cells: &[NumaCell]) -> Topology {
        let mut topology = Topology::default();
        for cell in cells {
            for cpu in &cell.cpus {
                if topology.core_of.contains_key(cpu) {
                    continue;
                }
                let threads = cell
                    .siblings
                    .iter()
                    .find(|group| group.contains(cpu))
                    .cloned()
                    .unwrap_or_else(|| vec![*cpu]);
                let index = topology.cores.len();
                for thread in &threads {
                    topology.core_of.insert(*thread, index);
                }
                topology.cores.push(Core {
                    node: cell.id,
                    offline: threads.iter().any(|t| cell.offline_cpus.contains(t)),
                    threads,
                });
            }
        }
        topology
    }

    /// The index of the core CPU `cpu` belongs to.
    pub fn core_of(&self, cpu: u32) -> Option<usize> {
        self.core_of.get(&cpu).copied()
    }

    /// The cores any of `cpus` belongs to.
    pub fn cores_of(&self, cpus: &[u32]) -> BTreeSet<usize> {
        cpus.iter().filter_map(|c| self.core_of(*c)).collect()
    }

    /// Whether `cpus` holds every CPU of the host: a vCPU pinned there floats as freely as
    /// an unpinned one (live XML shows such pins after `virsh vcpupin` or a migration).
    pub fn is_everywhere(&self, cpus: &[u32]) -> bool {
        !self.core_of.is_empty() && self.core_of.keys().all(|cpu| cpus.contains(cpu))
    }

    /// The NUMA nodes holding `cpus`.
    pub fn nodes_of(&self, cpus: &[u32]) -> BTreeSet<u32> {
        self.cores_of(cpus)
            .into_iter()
            .map(|i| self.cores[i].node)
            .collect()
    }

    /// The node ids, in order.
    pub fn nodes(&self) -> BTreeSet<u32> {
        self.cores.iter().map(|c| c.node).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(id: u32, cpus: Vec<u32>, siblings: Vec<Vec<u32>>, offline: Vec<u32>) -> NumaCell {
        NumaCell {
            id,
            cpus,
            memory_bytes: 0,
            free_bytes: None,
            offline_cpus: offline,
            isolated_cpus: None,
            pages: Vec::new(),
            siblings,
        }
    }

    #[test]
    fn siblings_make_one_core_and_unknown_siblings_make_one_each() {
        let cells = [
            cell(0, vec![0, 1, 4, 5], vec![vec![0, 4], vec![1, 5]], vec![]),
            cell(1, vec![2, 3], vec![], vec![3]),
        ];
        let topology = Topology::of(&cells);
        assert_eq!(topology.cores.len(), 4);
        assert_eq!(topology.core_of(4), topology.core_of(0));
        assert_ne!(topology.core_of(1), topology.core_of(0));
        assert_eq!(topology.cores_of(&[0, 4, 5]).len(), 2);
        assert_eq!(topology.nodes_of(&[5, 2]), BTreeSet::from([0, 1]));
        assert!(topology.is_everywhere(&[0, 1, 2, 3, 4, 5, 9]));
        assert!(!topology.is_everywhere(&[0, 1, 2, 3, 4]));
        let three = &topology.cores[topology.core_of(3).unwrap()];
        assert!(three.offline && three.threads == [3]);
    }
}
