//! Operations: actions on VMs that are under way or done, for the operations view, the status
//! line and the audit log.

use crate::backend::OpId;
use crate::model::action::{
    CloneRequest, MigrateOptions, MigrationProgress, PowerAction, SnapshotAction,
};
use crate::model::compose::ComposeSpec;

/// A VM an action applies to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    pub pool: usize,
    pub host: usize,
    pub uuid: String,
    pub name: String,
}

/// What an operation does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpKind {
    Power(PowerAction),
    Migrate {
        to_host: usize,
        to_name: String,
        options: MigrateOptions,
    },
    Delete {
        with_storage: bool,
    },
    Snapshot(SnapshotAction),
    Clone(CloneRequest),
    Compose(Box<ComposeSpec>),
}

impl OpKind {
    /// The `:` command and audit name.
    pub fn command(&self) -> &'static str {
        match self {
            OpKind::Power(action) => action.command(),
            OpKind::Migrate { .. } => "migrate",
            OpKind::Delete { .. } => "delete",
            OpKind::Snapshot(action) => action.command(),
            OpKind::Clone(_) => "clone",
            OpKind::Compose(_) => "compose",
        }
    }

    /// The parameters, for the audit log.
    pub fn params(&self) -> String {
        let OpKind::Migrate {
            to_name, options, ..
        } = self
        else {
            return match self {
                OpKind::Delete { with_storage: true } => "with-storage".into(),
                OpKind::Snapshot(SnapshotAction::Create {
                    name,
                    with_memory: Some(memory),
                    ..
                }) => format!(
                    "name={name} {}",
                    if *memory { "with-memory" } else { "disk-only" }
                ),
                OpKind::Snapshot(action) => format!("name={}", action.name()),
                OpKind::Clone(request) => request.params(),
                OpKind::Compose(spec) => spec.params(),
                _ => String::new(),
            };
        };
        let mut words = vec![format!("to={to_name}")];
        words.push(if options.offline { "offline" } else { "live" }.to_string());
        if options.copy_storage {
            words.push("copy-storage".into());
        }
        if options.auto_converge {
            words.push("auto-converge".into());
        }
        if let Some(ms) = options.max_downtime_ms {
            words.push(format!("max-downtime={ms}ms"));
        }
        if let Some(bw) = options.bandwidth_mib {
            words.push(format!("bandwidth={bw}MiB/s"));
        }
        words.join(" ")
    }
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
    pub fn add(&mut self, kind: OpKind, target: Target, host_name: String) -> OpId {
        let id = self.next_id;
        self.next_id += 1;
        self.list.push(Op {
            id,
            kind,
            target,
            host_name,
            status: OpStatus::Running,
            progress: None,
            note: None,
        });
        id
    }

    pub fn get_mut(&mut self, id: OpId) -> Option<&mut Op> {
        self.list.iter_mut().find(|o| o.id == id)
    }
}
