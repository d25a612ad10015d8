//! Operations: actions on VMs that are under way or done, for the operations view, the status
//! line and the audit log.

use crate::backend::OpId;
use crate::model::action::PowerAction;

/// A VM an action applies to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    pub pool: usize,
    pub host: usize,
    pub uuid: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpStatus {
    Running,
    Done,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    pub id: OpId,
    pub action: PowerAction,
    pub target: Target,
    pub host_name: String,
    pub status: OpStatus,
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
}
