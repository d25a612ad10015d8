//! The audit log, `audit.jsonl`: one JSON line per action, each carrying the SHA-256 of the
//! line before it as it is in the file (`prev`), so a line edited or removed afterwards
//! breaks the chain and `vmdeck audit verify` says where.

mod verify;

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::path::Path;

use crate::files::open_private_append;
use crate::model::action::AuditRecord;

pub use verify::{Verdict, verify, verify_file};

/// The `prev` of a log's first line: the SHA-256 of the empty string.
pub fn genesis() -> String {
    line_hash(b"")
}

/// SHA-256 of one line without its newline, in lower-case hex.
pub fn line_hash(line: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, line);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends `record` to the log at `path`, chained to the line now last. Another vmdeck may
/// append at the same moment, so the file is locked while the last line is read and the new
/// one written. Returns the warning when the file's mode had to be narrowed.
pub fn append(path: &Path, record: &AuditRecord) -> Result<Option<String>, String> {
    let fail = |e: io::Error| format!("audit log {}: {e}", path.display());
    let opened = open_private_append(path).map_err(fail)?;
    let file = opened.file;
    let _lock = Lock::exclusive(&file).map_err(fail)?;
    let (last, ends_with_newline) = last_line(&file).map_err(fail)?;
    let mut chained = record.clone();
    chained.prev = Some(last.as_deref().map_or_else(genesis, line_hash));
    let json = serde_json::to_string(&chained).map_err(|e| e.to_string())?;
    // A line torn by a crash stays as it is (verify reports it); the new one starts afresh.
    let start = if ends_with_newline { "" } else { "\n" };
    (&file)
        .write_all(format!("{start}{json}\n").as_bytes())
        .map_err(fail)?;
    Ok(opened.warning)
}

/// `flock` on the open file, released when dropped (or when the process dies).
struct Lock<'a>(&'a File);

impl<'a> Lock<'a> {
    fn exclusive(file: &'a File) -> io::Result<Lock<'a>> {
        loop {
            // SAFETY: a valid descriptor owned by `file`, which outlives the lock.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
                return Ok(Lock(file));
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}

impl Drop for Lock<'_> {
    fn drop(&mut self) {
        // SAFETY: the descriptor is still open; unlocking cannot harm it.
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}

/// The file's last line (without its newline; None for an empty file) and whether the file
/// ends with a newline. Reads backwards from the end, so a long log costs nothing extra.
fn last_line(mut file: &File) -> io::Result<(Option<Vec<u8>>, bool)> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok((None, true));
    }
    let mut tail = Vec::new();
    let mut start = len;
    loop {
        let step = start.min(8192);
        start -= step;
        let mut chunk = vec![0; step as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut chunk)?;
        chunk.extend_from_slice(&tail);
        tail = chunk;
        let ends_with_newline = tail.last() == Some(&b'\n');
        let body = &tail[..tail.len() - usize::from(ends_with_newline)];
        if let Some(cut) = body.iter().rposition(|&b| b == b'\n') {
            return Ok((Some(body[cut + 1..].to_vec()), ends_with_newline));
        }
        if start == 0 {
            return Ok((Some(body.to_vec()), ends_with_newline));
        }
    }
}

#[cfg(test)]
mod tests;
