//! Operations: actions on VMs that are under way or done, for the operations view, the status
//! line and the audit log.

use std::time::{Duration, SystemTime};

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
    /// When it was asked for, and when it got its result (`State::now`).
    pub started: SystemTime,
    pub ended: Option<SystemTime>,
    /// What happened, in order, each with its time: asked, the hypervisor's steps, the end.
    pub steps: Vec<Step>,
    /// The audit log entry written for its result.
    pub audit: Option<String>,
}

/// One thing that happened to an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub at: SystemTime,
    pub text: String,
}

impl Op {
    /// Records a step, unless it only repeats the one before.
    pub fn step(&mut self, at: SystemTime, text: impl Into<String>) {
        let text = text.into();
        if self.steps.last().is_none_or(|s| s.text != text) {
            self.steps.push(Step { at, text });
        }
    }

    /// How long it ran: to its end, or to `now` while it runs.
    pub fn duration(&self, now: SystemTime) -> Duration {
        let end = self.ended.unwrap_or(now);
        end.duration_since(self.started).unwrap_or_default()
    }

    /// The share done (0–100) when the hypervisor gives figures.
    pub fn percent(&self) -> Option<f64> {
        let progress = self.progress.as_ref().filter(|p| p.total_bytes > 0)?;
        Some(progress.percent())
    }

    /// Records its one result: the end time, the last step and the audit entry written.
    pub fn settle(&mut self, at: SystemTime, status: OpStatus, audit: String) {
        let last = match &status {
            OpStatus::Running => "running".to_string(),
            OpStatus::Done => "done".to_string(),
            OpStatus::Failed(e) => format!("failed: {e}"),
        };
        self.status = status;
        self.ended = Some(at);
        self.step(at, last);
        self.audit = Some(audit);
    }
}

/// The audit entry as the operation's details show it: what was written, without the time,
/// user and chain hash the writer adds.
pub fn audit_text(
    pool: &str,
    host: &str,
    vm: &str,
    action: &str,
    params: &str,
    result: &str,
) -> String {
    let params = if params.is_empty() {
        String::new()
    } else {
        format!(" {params}")
    };
    format!("{action}{params} · vm {vm} · {pool}/{host} · result: {result}")
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

    /// Adds a running operation, asked for `at`, and returns its id.
    pub fn add(&mut self, request: OpRequest, host_name: String, at: SystemTime) -> OpId {
        let id = self.next_id;
        self.next_id += 1;
        let params = request.kind.params();
        let asked = match params.is_empty() {
            true => format!("asked: {}", request.kind.command()),
            false => format!("asked: {} {params}", request.kind.command()),
        };
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
            started: at,
            ended: None,
            steps: vec![Step { at, text: asked }],
            audit: None,
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
