//! What a screen shows, and one entry of the navigation stack.

use super::table::TableNav;

/// What a screen shows. Indices point into `State::pools` and their hosts, which are never
/// removed or reordered after start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    Pools,
    Hosts {
        pool: Option<usize>,
    },
    Vms {
        pool: Option<usize>,
        host: Option<usize>,
    },
    Vm {
        pool: usize,
        host: usize,
        uuid: String,
    },
    Help,
    /// Operations of this session.
    Ops,
    /// One operation's details: its steps, error and audit entry.
    Op {
        id: crate::model::op::OpId,
    },
    /// The audit log.
    Audit,
    /// One host: capacity, NUMA nodes, storage.
    Host {
        pool: usize,
        host: usize,
    },
    /// One pool at a glance.
    Dashboard {
        pool: usize,
    },
    /// The compose form of a pool, with its placement preview.
    Compose {
        pool: usize,
    },
    /// The images a pool's VMs can be composed from.
    Images {
        pool: usize,
    },
    /// The real-time check of every libvirt host (of one pool).
    Rt {
        pool: Option<usize>,
    },
    /// The VM sets (of one pool): figures and problems.
    Sets {
        pool: Option<usize>,
    },
}

impl View {
    pub fn is_table(&self) -> bool {
        matches!(self, View::Pools | View::Hosts { .. } | View::Vms { .. })
    }

    pub fn pool(&self) -> Option<usize> {
        match self {
            View::Hosts { pool }
            | View::Vms { pool, .. }
            | View::Rt { pool }
            | View::Sets { pool } => *pool,
            View::Vm { pool, .. }
            | View::Host { pool, .. }
            | View::Dashboard { pool }
            | View::Compose { pool }
            | View::Images { pool } => Some(*pool),
            View::Pools | View::Help | View::Ops | View::Op { .. } | View::Audit => None,
        }
    }
}

/// One entry of the navigation stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    pub view: View,
    pub table: TableNav,
    /// Scroll offset of text views (detail, XML, help).
    pub scroll: u16,
    pub show_xml: bool,
}

impl Screen {
    pub fn new(view: View) -> Screen {
        Screen {
            view,
            table: TableNav::default(),
            scroll: 0,
            show_xml: false,
        }
    }
}
