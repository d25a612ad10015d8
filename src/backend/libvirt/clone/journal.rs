//! The volumes clones are making, kept in a small file (mode 0600) in vmdeck's data dir, by
//! host URI. A clone that fails removes what it made at once; when it cannot (the host's
//! daemon died, vmdeck was stopped), the entry stays and the next connection to that host
//! removes the leftovers, so a retry with the same name works.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// Clone threads of one vmdeck write the file in turn.
static LOCK: Mutex<()> = Mutex::new(());

/// A volume by pool and name: known before it exists, so a copy cut off half-way is found too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolRef {
    pub pool: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub clone: String,
    /// The vmdeck that runs the clone: while it lives and has not given up, hands off.
    pub pid: u32,
    #[serde(default)]
    pub abandoned: bool,
    pub volumes: Vec<VolRef>,
}

type Hosts = BTreeMap<String, Vec<Entry>>;

#[derive(Debug, Clone)]
pub struct Journal(PathBuf);

impl Journal {
    /// The journal in vmdeck's data dir, where the log and the audit live.
    pub fn default_location() -> Journal {
        let paths = crate::config::Paths::from_env();
        Journal(paths.data_dir.join("clone-journal.json"))
    }

    #[cfg(test)]
    pub fn at(path: &Path) -> Journal {
        Journal(path.to_path_buf())
    }

    /// A new entry for a clone on `uri`; returns its id.
    pub fn begin(&self, uri: &str, clone: &str) -> String {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let id = format!("{}-{nanos}", std::process::id());
        let entry = Entry {
            id: id.clone(),
            clone: clone.to_string(),
            pid: std::process::id(),
            abandoned: false,
            volumes: Vec::new(),
        };
        self.update(|hosts| hosts.entry(uri.to_string()).or_default().push(entry));
        id
    }

    /// Notes a volume the clone `id` is about to make.
    pub fn add(&self, uri: &str, id: &str, vol: &VolRef) {
        self.update(|hosts| {
            if let Some(entry) = find(hosts, uri, id) {
                entry.volumes.push(vol.clone());
            }
        });
    }

    /// The clone `id` is over: `remaining` are the volumes still to remove (none: forget it).
    pub fn settle(&self, uri: &str, id: &str, remaining: Vec<VolRef>) {
        self.update(|hosts| {
            if remaining.is_empty() {
                if let Some(entries) = hosts.get_mut(uri) {
                    entries.retain(|e| e.id != id);
                }
                hosts.retain(|_, entries| !entries.is_empty());
            } else if let Some(entry) = find(hosts, uri, id) {
                entry.volumes = remaining;
                entry.abandoned = true;
            }
        });
    }

    /// Entries of `uri` that no running clone owns any more.
    pub fn leftovers(&self, uri: &str) -> Vec<Entry> {
        let _guard = LOCK.lock();
        let hosts = read(&self.0);
        let entries = hosts.get(uri).cloned().unwrap_or_default();
        entries
            .into_iter()
            .filter(|e| e.abandoned || !alive(e.pid))
            .collect()
    }

    fn update(&self, change: impl FnOnce(&mut Hosts)) {
        let _guard = LOCK.lock();
        let mut hosts = read(&self.0);
        change(&mut hosts);
        if let Err(e) = write(&self.0, &hosts) {
            // The clone itself still cleans up after a failure; only a crash's leftovers
            // would stay.
            tracing::warn!("cannot write the clone journal {}: {e}", self.0.display());
        }
    }
}

fn find<'a>(hosts: &'a mut Hosts, uri: &str, id: &str) -> Option<&'a mut Entry> {
    hosts.get_mut(uri)?.iter_mut().find(|e| e.id == id)
}

/// A missing or unreadable journal is an empty one.
fn read(path: &Path) -> Hosts {
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Writes a new file and renames it over the old, so a crash never leaves half a journal.
fn write(path: &Path, hosts: &Hosts) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    file.write_all(&serde_json::to_vec_pretty(hosts).map_err(std::io::Error::other)?)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// Whether process `pid` exists (EPERM: it does, under another user).
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn vol(name: &str) -> VolRef {
        VolRef {
            pool: "default".into(),
            name: name.into(),
        }
    }

    #[test]
    fn entries_live_until_settled_and_leftovers_are_only_abandoned_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/journal.json");
        let journal = Journal::at(&path);
        let id = journal.begin("test:///a", "c1");
        journal.add("test:///a", &id, &vol("c1-vda.qcow2"));
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        // This process runs the clone: not a leftover yet.
        assert!(journal.leftovers("test:///a").is_empty());
        journal.settle("test:///a", &id, vec![vol("c1-vda.qcow2")]);
        let left = journal.leftovers("test:///a");
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].volumes, vec![vol("c1-vda.qcow2")]);
        assert!(journal.leftovers("test:///b").is_empty());
        journal.settle("test:///a", &id, Vec::new());
        assert!(journal.leftovers("test:///a").is_empty());
        assert_eq!(std::fs::read_to_string(&path).unwrap().trim(), "{}");
    }

    #[test]
    fn a_dead_vmdecks_entries_are_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.json");
        let entry = Entry {
            id: "x".into(),
            clone: "c".into(),
            // Above any pid_max: never a live process.
            pid: 0x7fff_fff0,
            abandoned: false,
            volumes: vec![vol("c-vda.qcow2")],
        };
        let hosts = Hosts::from([("u".to_string(), vec![entry.clone()])]);
        write(&path, &hosts).unwrap();
        assert_eq!(Journal::at(&path).leftovers("u"), vec![entry]);
    }
}
