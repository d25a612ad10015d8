//! Where `vmdeck sets watch` keeps its lease on a libvirt host. A host has no metadata of
//! its own, and a domain's would go with the domain; a libvirt secret is a small named value
//! the host keeps, found by its usage name by every client of the host (session daemons
//! too). Its usage is `tls` (the one usage type that is a plain name), it is not private (the
//! lease is no secret: every watcher must read it) and not ephemeral (a daemon restart keeps
//! it). Clearing the lease undefines the secret.

use virt::connect::Connect;
use virt::error::ErrorNumber;
use virt::secret::Secret;
use virt::sys;

use super::shared;
use crate::config::Deadlines;

const USAGE: &str = "vmdeck-watch-lock";

const SECRET_XML: &str = "<secret ephemeral='no' private='no'>\
<description>vmdeck sets watch: lease of the watcher acting on this host's pool</description>\
<usage type='tls'><name>vmdeck-watch-lock</name></usage></secret>";

fn lookup(conn: &Connect) -> Result<Option<Secret>, String> {
    match conn.lookup_secret_by_usage(sys::VIR_SECRET_USAGE_TYPE_TLS as i32, USAGE) {
        Ok(secret) => Ok(Some(secret)),
        Err(e) if e.code().is_known_and(|c| c == ErrorNumber::NoSecret) => Ok(None),
        Err(e) => Err(e.message().to_string()),
    }
}

/// The lease stamped on the host at `uri`, if any.
pub fn read(uri: &str, deadlines: Deadlines) -> Result<Option<String>, String> {
    let conn = shared::connection(uri, false, deadlines)?;
    let Some(secret) = lookup(&conn)? else {
        return Ok(None);
    };
    match secret.value(0) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        // Defined but never given a value.
        Err(e) if e.code().is_known_and(|c| c == ErrorNumber::NoSecret) => Ok(None),
        Err(e) => Err(e.message().to_string()),
    }
}

/// Stamps `value` as the host's lease, or clears it (None).
pub fn write(uri: &str, value: Option<&str>, deadlines: Deadlines) -> Result<(), String> {
    let conn = shared::connection(uri, false, deadlines)?;
    let found = lookup(&conn)?;
    let message = |e: virt::error::Error| e.message().to_string();
    match (found, value) {
        (Some(secret), None) => secret.undefine().map_err(message),
        (None, None) => Ok(()),
        (found, Some(value)) => {
            let secret = match found {
                Some(secret) => secret,
                None => conn.define_secret_xml(SECRET_XML, 0).map_err(message)?,
            };
            secret.set_value(value.as_bytes(), 0).map_err(message)
        }
    }
}
