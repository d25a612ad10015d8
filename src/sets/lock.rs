//! The watcher's lock on a pool: only one `vmdeck sets watch` acts on a pool at a time, so
//! two admins' watchers never fight over a set. The lock is a lease (holder
//! `user@hostname:pid`, expiry time) stamped on the pool's hosts; a watcher takes it when no
//! host carries a valid lease of another holder, renews it every interval and clears it on
//! exit. A watcher that dies leaves a lease that simply expires.
//!
//! Where it is stamped, per backend (see `backend::libvirt::watch_lock` and
//! `backend::incus::watch_lock`): a libvirt host has no metadata of its own, so the lease is
//! the value of a libvirt secret looked up by its usage name (`vmdeck-watch-lock`), which
//! every admin's connection finds on the host; an Incus server (or cluster) keeps it in the
//! `user.vmdeck.watch-lock` key of the project vmdeck works in.
//!
//! Writes are not atomic across hosts (neither a libvirt secret nor this project key has a
//! compare-and-swap), so every write is read back: a watcher that finds another's lease
//! after writing its own lost a race, takes its own lease back and tries again at its next
//! interval. Two watchers that start within the same few milliseconds can each read back
//! only their own lease (each read landing between its own write and the other's); the
//! next pass's check before writing then sees the other's lease and one of them steps
//! back, so such a double hold lasts one pass at most.

use serde::{Deserialize, Serialize};

use crate::backend::{incus, libvirt};
use crate::config::PoolConfig;

/// One lease as stamped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// `user@hostname:pid` of the watcher.
    pub holder: String,
    /// Seconds since the Unix epoch after which the lease is void.
    pub expires: u64,
}

impl Lease {
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stamp that is no lease (garbage, another tool's) counts as none.
    pub fn decode(text: &str) -> Option<Lease> {
        serde_json::from_str(text.trim()).ok()
    }
}

/// Whose the lock is, from what the hosts carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// No valid lease anywhere.
    Free,
    /// Every valid lease is ours.
    Ours,
    /// Another watcher holds a valid lease (the first found).
    Theirs(Lease),
}

/// Judges the leases found on the hosts (None: a host carries none) for watcher `me` at
/// `now`.
pub fn judge(found: &[Option<Lease>], me: &str, now: u64) -> Holder {
    let valid: Vec<&Lease> = found.iter().flatten().filter(|l| l.expires > now).collect();
    if let Some(theirs) = valid.iter().find(|l| l.holder != me) {
        return Holder::Theirs((*theirs).clone());
    }
    if valid.is_empty() {
        Holder::Free
    } else {
        Holder::Ours
    }
}

/// This process as a holder: `user@hostname:pid`.
pub fn me() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into());
    format!(
        "{}@{host}:{}",
        crate::effects::local_user(),
        std::process::id()
    )
}

/// The pool's lock places: each libvirt host, or the Incus server.
fn places(pool: &PoolConfig) -> Vec<Place<'_>> {
    match &pool.incus {
        Some(config) => vec![Place::Incus(config)],
        None => pool.hosts.iter().map(|h| Place::Libvirt(&h.uri)).collect(),
    }
}

enum Place<'a> {
    Libvirt(&'a str),
    Incus(&'a crate::config::IncusConfig),
}

impl Place<'_> {
    fn read(&self, pool: &PoolConfig) -> Result<Option<String>, String> {
        match self {
            Place::Libvirt(uri) => libvirt::watch_lock::read(uri, pool.deadlines),
            Place::Incus(config) => incus::watch_lock::read(config, pool.deadlines),
        }
    }

    fn write(&self, pool: &PoolConfig, value: Option<&str>) -> Result<(), String> {
        match self {
            Place::Libvirt(uri) => libvirt::watch_lock::write(uri, value, pool.deadlines),
            Place::Incus(config) => incus::watch_lock::write(config, value, pool.deadlines),
        }
    }
}

/// The leases of the places that answer (None: no lease there); Err when none answers.
fn read_leases(pool: &PoolConfig) -> Result<Vec<Option<Lease>>, String> {
    let mut errors = Vec::new();
    let mut leases = Vec::new();
    for place in places(pool) {
        match place.read(pool) {
            Ok(stamp) => leases.push(stamp.as_deref().and_then(Lease::decode)),
            Err(e) => errors.push(e),
        }
    }
    if leases.is_empty() {
        return Err(format!(
            "no host of pool {} answers for the lock: {}",
            pool.name,
            errors.join("; ")
        ));
    }
    Ok(leases)
}

/// Takes or renews the lock on `pool` for `me` until `now + lease_secs`: Ok(None) when it is
/// ours now, Ok(Some(lease)) when another watcher holds it, Err when no host answers.
pub fn acquire(
    pool: &PoolConfig,
    me: &str,
    now: u64,
    lease_secs: u64,
) -> Result<Option<Lease>, String> {
    if let Holder::Theirs(lease) = judge(&read_leases(pool)?, me, now) {
        return Ok(Some(lease));
    }
    let ours = Lease {
        holder: me.to_string(),
        expires: now + lease_secs,
    };
    let stamp = ours.encode();
    for place in places(pool) {
        // A host that does not answer carries no lease anyone can read either.
        let _ = place.write(pool, Some(&stamp));
    }
    match judge(&read_leases(pool)?, me, now) {
        Holder::Theirs(lease) => {
            release(pool, me);
            Ok(Some(lease))
        }
        Holder::Ours | Holder::Free => Ok(None),
    }
}

/// Clears our lease wherever it is still ours (another watcher's is left alone).
pub fn release(pool: &PoolConfig, me: &str) {
    for place in places(pool) {
        let ours = place
            .read(pool)
            .ok()
            .flatten()
            .and_then(|s| Lease::decode(&s))
            .is_some_and(|l| l.holder == me);
        if ours {
            let _ = place.write(pool, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(holder: &str, expires: u64) -> Option<Lease> {
        Some(Lease {
            holder: holder.into(),
            expires,
        })
    }

    #[test]
    fn no_lease_or_an_expired_one_leaves_the_lock_free() {
        assert_eq!(judge(&[None, None], "me", 100), Holder::Free);
        assert_eq!(judge(&[lease("them", 100), None], "me", 100), Holder::Free);
        assert_eq!(judge(&[lease("them", 99)], "me", 100), Holder::Free);
    }

    #[test]
    fn our_own_valid_lease_is_ours_to_renew() {
        assert_eq!(judge(&[lease("me", 130), None], "me", 100), Holder::Ours);
    }

    #[test]
    fn another_holders_valid_lease_on_any_host_wins() {
        let found = [lease("me", 130), lease("them", 101), None];
        assert_eq!(
            judge(&found, "me", 100),
            Holder::Theirs(Lease {
                holder: "them".into(),
                expires: 101
            })
        );
    }

    #[test]
    fn a_lease_reads_back_from_its_stamp_and_garbage_is_none() {
        let l = Lease {
            holder: "ann@deck:42".into(),
            expires: 1_800_000_000,
        };
        assert_eq!(Lease::decode(&l.encode()), Some(l));
        assert_eq!(Lease::decode("not a lease"), None);
        assert!(me().contains(&format!(":{}", std::process::id())));
    }
}
