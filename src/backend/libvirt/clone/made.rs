//! What a clone has made so far: every volume is noted (in memory and in the journal) before
//! it is created, and removed again when a later step fails.

use virt::connect::Connect;
use virt::error::ErrorNumber;
use virt::storage_pool::StoragePool;

use super::journal::{Journal, VolRef};

pub struct Made<'a> {
    conn: &'a Connect,
    journal: Journal,
    uri: String,
    id: String,
    volumes: Vec<VolRef>,
}

/// What removing one volume came to.
pub enum Removal {
    Removed,
    /// It was never made, or someone removed it already.
    Gone,
    Failed(String),
}

impl<'a> Made<'a> {
    pub fn begin(conn: &'a Connect, uri: &str, clone: &str) -> Made<'a> {
        let journal = Journal::default_location();
        let id = journal.begin(uri, clone);
        Made {
            conn,
            journal,
            uri: uri.to_string(),
            id,
            volumes: Vec::new(),
        }
    }

    /// Notes the volume `name` in `pool` before it is made. A volume of that name that exists
    /// already is someone else's: refused, so that a rollback never removes it.
    pub fn will_make(&mut self, pool: &StoragePool, name: &str) -> Result<(), String> {
        let pool_name = pool.name().map_err(|e| e.message().to_string())?;
        if pool.lookup_storage_vol_by_name(name).is_ok() {
            return Err(format!(
                "a volume {name} exists already in storage pool '{pool_name}'; it is left alone"
            ));
        }
        let vol = VolRef {
            pool: pool_name,
            name: name.to_string(),
        };
        self.journal.add(&self.uri, &self.id, &vol);
        self.volumes.push(vol);
        Ok(())
    }

    /// The clone is defined: what it made is its own now.
    pub fn keep(self) {
        self.journal.settle(&self.uri, &self.id, Vec::new());
    }

    /// Removes what was made, newest first; returns the end of the error's sentence.
    pub fn undo(self) -> String {
        let mut removed = 0;
        let mut remaining = Vec::new();
        for vol in self.volumes.iter().rev() {
            match remove(self.conn, vol, &[]) {
                Removal::Removed => removed += 1,
                Removal::Gone => {}
                Removal::Failed(_) => remaining.push(vol.clone()),
            }
        }
        let left = remaining.len();
        self.journal.settle(&self.uri, &self.id, remaining);
        match (removed, left) {
            (0, 0) => String::new(),
            (n, 0) => format!("; removed the {} it had made", volumes(n)),
            (n, left) => format!(
                "; removed {n} of the {} it had made, the rest goes when the host answers again",
                volumes(n + left)
            ),
        }
    }
}

fn volumes(n: usize) -> String {
    if n == 1 {
        "volume".to_string()
    } else {
        format!("{n} volumes")
    }
}

/// Removes `vol` unless its path is in `in_use`. The pool is refreshed first: a copy cut off
/// by a dying daemon is a file the pool may not list yet.
pub fn remove(conn: &Connect, vol: &VolRef, in_use: &[String]) -> Removal {
    let pool = match conn.lookup_storage_pool_by_name(&vol.pool) {
        Ok(pool) => pool,
        Err(e) => return Removal::Failed(e.message().to_string()),
    };
    let _ = pool.refresh(0);
    let volume = match pool.lookup_storage_vol_by_name(&vol.name) {
        Ok(volume) => volume,
        Err(e) if e.code().is_known_and(|c| c == ErrorNumber::NoStorageVolume) => {
            return Removal::Gone;
        }
        Err(e) => return Removal::Failed(e.message().to_string()),
    };
    if volume.path().is_ok_and(|p| in_use.contains(&p)) {
        return Removal::Gone;
    }
    match volume.delete(0) {
        Ok(()) => Removal::Removed,
        Err(e) => Removal::Failed(e.message().to_string()),
    }
}
