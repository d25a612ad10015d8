//! A host's live figures: what changes behind vmdeck's back (other tools start guests, fill
//! pools) and so is read again while someone looks at it.

use std::time::SystemTime;

use super::{NumaCell, StoragePool};

/// NUMA cells (with free memory and free hugepages) and storage pools, as one read of the
/// host found them at `taken_at` (the backend's clock, so the app never reads one).
#[derive(Debug, Clone, PartialEq)]
pub struct LiveFigures {
    pub numa: Vec<NumaCell>,
    pub storage: Vec<StoragePool>,
    pub taken_at: SystemTime,
}
