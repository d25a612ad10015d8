//! Operations: actions on VMs that are under way or done, for the operations view, the status
//! line and the audit log.

use crate::model::action::MigrationProgress;
pub use crate::model::op::{OpId, OpKind};

/// A VM an action applies to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    pub pool: usize,
    pub host: usize,
    pub uuid: String,
    pub name: String,
}

/// One operation asked for: what to do, to which VM. The question holds a list of these,
/// each becomes an `Op`, a backend command and an audit line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpRequest {
    pub target: Target,
    pub kind: OpKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpStatus {
    Running,
    Done,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Op {
    pub id: OpId,
    pub kind: OpKind,
    pub target: Target,
    pub host_name: String,
    pub status: OpStatus,
    pub progress: Option<MigrationProgress>,
    /// The state in words, from hypervisors that give no figures (Incus).
    pub note: Option<String>,
    /// An abort was asked for: the result says whether it took effect.
    pub abort_requested: bool,
    /// The hypervisor's own words when it failed (the status has them as a sentence).
    pub detail: Option<String>,
}

/// All operations of this session, oldest first.
#[derive(Debug, Default)]
pub struct Ops {
    pub list: Vec<Op>,
    pub next_id: OpId,
}

impl Ops {
    pub fn running(&self) -> usize {
        self.list
            .iter()
            .filter(|o| o.status == OpStatus::Running)
            .count()
    }

    /// Adds a running operation and returns its id.
    pub fn add(&mut self, request: OpRequest, host_name: String) -> OpId {
        let id = self.next_id;
        self.next_id += 1;
        self.list.push(Op {
            id,
            kind: request.kind,
            target: request.target,
            host_name,
            status: OpStatus::Running,
            progress: None,
            note: None,
            abort_requested: false,
            detail: None,
        });
        id
    }

    pub fn get(&self, id: OpId) -> Option<&Op> {
        self.list.iter().find(|o| o.id == id)
    }

    pub fn get_mut(&mut self, id: OpId) -> Option<&mut Op> {
        self.list.iter_mut().find(|o| o.id == id)
    }
}
