//! The effect runner: carries out what `update` asks for (host commands, consoles, the
//! clipboard). Console output is logged here when the config asks for it.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use base64::Engine;
use tokio::sync::mpsc::UnboundedSender;

use crate::app::{Effect, Msg};
use crate::backend::HostDriver;
use crate::backend::console::{
    ConsoleEvent, ConsoleId, ConsoleRegistry, ConsoleRequest, ConsoleSink,
};
use crate::files::open_private_append;
use crate::model::action::AuditRecord;

pub struct Runner {
    pub hosts: Vec<Vec<Option<Box<dyn HostDriver>>>>,
    pub consoles: ConsoleRegistry,
    pub tx: UnboundedSender<Msg>,
    /// Where console logs go, when enabled.
    pub log_dir: Option<PathBuf>,
    /// The audit log.
    pub audit_path: Option<PathBuf>,
    /// The config file `:columns` writes to; None when vmdeck runs on discovered endpoints.
    pub config_file: Option<PathBuf>,
    logs: HashMap<ConsoleId, Arc<Mutex<File>>>,
}

impl Runner {
    /// `data_dir` holds the audit log and, when `console_logs`, the console logs.
    pub fn new(
        hosts: Vec<Vec<Option<Box<dyn HostDriver>>>>,
        tx: UnboundedSender<Msg>,
        data_dir: &std::path::Path,
        console_logs: bool,
    ) -> Runner {
        Runner {
            hosts,
            consoles: ConsoleRegistry::default(),
            tx,
            log_dir: console_logs.then(|| data_dir.join("consoles")),
            audit_path: Some(data_dir.join("audit.jsonl")),
            config_file: None,
            logs: HashMap::new(),
        }
    }

    /// Writes a table's columns into the config; what went wrong comes back as a warning.
    fn save_columns(&self, table: &str, columns: Option<Vec<String>>) {
        let saved = match &self.config_file {
            Some(path) => crate::config::columns::save(path, table, columns.as_deref()),
            None => Err("no config file: the columns hold until vmdeck quits".into()),
        };
        if let Err(e) = saved {
            let _ = self
                .tx
                .send(Msg::Warnings(vec![format!("columns not saved: {e}")]));
        }
    }

    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::Host {
                pool,
                host,
                command,
            } => {
                if let Some(handle) = self.host(pool, host) {
                    handle.send(command);
                }
            }
            Effect::OpenConsole {
                pool,
                host,
                uuid,
                id,
                force,
            } => self.open_console(pool, host, uuid, id, force),
            Effect::ConsoleSend { id, bytes } => {
                if let Err(e) = self.consoles.send(id, &bytes) {
                    let _ = self.tx.send(Msg::Console {
                        id,
                        event: ConsoleEvent::Failed(e),
                    });
                }
            }
            Effect::ConsoleResize { id, cols, rows } => self.consoles.resize(id, cols, rows),
            Effect::ConsoleClose { id } => self.consoles.remove(id),
            Effect::Clipboard(text) => copy_to_clipboard(&text),
            Effect::ReadUserData(args) => {
                let path = args.user_data.clone().unwrap_or_default();
                let text = crate::compose::UserData::read(&path);
                let _ = self.tx.send(Msg::UserData { args, text });
            }
            Effect::SaveColumns { table, columns } => self.save_columns(&table, columns),
            Effect::LoadAudit => {
                let lines = self.read_audit();
                let _ = self.tx.send(Msg::AuditLoaded(lines));
            }
            Effect::Audit {
                pool,
                host,
                vm,
                action,
                params,
                result,
            } => {
                let record = AuditRecord {
                    time: now_secs(),
                    user: local_user(),
                    pool,
                    host,
                    vm,
                    action,
                    params,
                    result,
                    prev: None,
                };
                self.audit(&record);
            }
        }
    }

    /// The last 500 lines of the audit log (none yet is not an error).
    fn read_audit(&self) -> Result<Vec<String>, String> {
        let Some(path) = &self.audit_path else {
            return Ok(Vec::new());
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let lines: Vec<String> = text.lines().map(str::to_string).collect();
                Ok(lines[lines.len().saturating_sub(500)..].to_vec())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// One JSON line per action in the audit log (mode 0600), chained to the line before.
    fn audit(&self, record: &AuditRecord) {
        let Some(path) = &self.audit_path else { return };
        match crate::audit::append(path, record) {
            Ok(warning) => self.warn(warning),
            Err(e) => {
                tracing::error!("{e}");
                let _ = self.tx.send(Msg::Warnings(vec![e]));
            }
        }
    }

    /// A file's mode was narrowed (already logged): the status line says so too.
    fn warn(&self, warning: Option<String>) {
        if let Some(warning) = warning {
            let _ = self.tx.send(Msg::Warnings(vec![warning]));
        }
    }

    /// The supervisor that serves a host. Hosts past the configured ones are an Incus
    /// cluster's members, which the pool's one supervisor (the first) serves.
    fn host(&self, pool: usize, host: usize) -> Option<&dyn HostDriver> {
        let drivers = self.hosts.get(pool)?;
        match drivers.get(host) {
            Some(driver) => driver.as_deref(),
            None => drivers.first()?.as_deref(),
        }
    }

    fn open_console(&mut self, pool: usize, host: usize, uuid: String, id: ConsoleId, force: bool) {
        let sink = self.console_sink(id, &uuid);
        let Some(handle) = self.host(pool, host) else {
            sink(ConsoleEvent::Failed(
                "this pool has no usable driver".into(),
            ));
            return;
        };
        handle.open_console(ConsoleRequest {
            id,
            uuid,
            force,
            sink,
            registry: self.consoles.clone(),
        });
    }

    fn console_sink(&mut self, id: ConsoleId, uuid: &str) -> ConsoleSink {
        let tx = self.tx.clone();
        let log = self.log_for(id, uuid);
        Arc::new(move |event| {
            if let (ConsoleEvent::Data(bytes), Some(log)) = (&event, &log)
                && let Ok(mut file) = log.lock()
            {
                let _ = file.write_all(bytes);
            }
            let _ = tx.send(Msg::Console { id, event });
        })
    }

    /// One log file per console session, created on first attach (mode 0600: consoles show
    /// whatever the guest prints, secrets included).
    fn log_for(&mut self, id: ConsoleId, uuid: &str) -> Option<Arc<Mutex<File>>> {
        let dir = self.log_dir.as_ref()?;
        if let Some(log) = self.logs.get(&id) {
            return Some(log.clone());
        }
        let path = dir.join(format!(
            "{}-{uuid}.log",
            crate::model::units::utc_compact(now_secs() as i64)
        ));
        let opened = match open_private_append(&path) {
            Ok(opened) => opened,
            Err(e) => {
                let e = format!("console log {}: {e}", path.display());
                tracing::error!("{e}");
                let _ = self.tx.send(Msg::Warnings(vec![e]));
                return None;
            }
        };
        self.warn(opened.warning);
        let log = Arc::new(Mutex::new(opened.file));
        self.logs.insert(id, log.clone());
        Some(log)
    }
}

/// OSC 52 asks the user's terminal (even across SSH and tmux) to set its clipboard.
fn copy_to_clipboard(text: &str) {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = std::io::stdout();
    let _ = write!(out, "\x1b]52;c;{encoded}\x07");
    let _ = out.flush();
}

pub(crate) fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Who is at the keyboard, as far as this machine knows.
pub(crate) fn local_user() -> String {
    std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| {
            // SAFETY: getuid has no preconditions.
            format!("uid {}", unsafe { libc::getuid() })
        })
}
