//! Live NUMA figures matched to cells by id. libvirt numbers cells by their NUMA node id, and
//! ids may be sparse (0, 1, 16, 17 on a POWER8) or belong to memory-only nodes, so each cell
//! is asked for by its own id — never by its position in the capabilities.

use crate::model::NumaCell;
use crate::model::live::LiveFigures;

/// Fills each cell's free memory (`free_memory(id)`, bytes) and free hugepages
/// (`free_pages(id, sizes)`, one count per size in KiB); a cell the host says nothing about
/// keeps None, so it reads as unknown rather than as full.
pub fn fill_by_id(
    numa: &mut [NumaCell],
    free_memory: impl Fn(u32) -> Option<u64>,
    free_pages: impl Fn(u32, &[u32]) -> Option<Vec<u64>>,
) {
    for cell in numa {
        cell.free_bytes = free_memory(cell.id);
        let sizes: Vec<u32> = cell
            .pages
            .iter()
            .filter(|p| p.is_huge())
            .filter_map(|p| u32::try_from(p.size_kib).ok())
            .collect();
        let counts = if sizes.is_empty() {
            None
        } else {
            free_pages(cell.id, &sizes)
        };
        for page in cell.pages.iter_mut().filter(|p| p.is_huge()) {
            page.free = sizes
                .iter()
                .position(|s| u64::from(*s) == page.size_kib)
                .and_then(|i| counts.as_ref()?.get(i).copied());
        }
    }
}

/// What the host view and dashboard read again while open: the same calls as at connect
/// (free memory and pages asked per cell id, pool info), stamped with when they were made.
pub fn live_figures(conn: &virt::connect::Connect) -> Result<LiveFigures, String> {
    let facts = super::inventory::host_facts(conn)?;
    Ok(LiveFigures {
        numa: facts.numa,
        storage: facts.storage,
        taken_at: std::time::SystemTime::now(),
    })
}

#[cfg(test)]
mod tests;
