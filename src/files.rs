//! Files vmdeck writes that may hold private data (logs of hosts, users, consoles): folders
//! 0700 and files 0600 whatever the umask, and an existing file that others can read is
//! narrowed to 0600 with a warning.

use std::fs::{DirBuilder, File, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Creates `dir` and every missing folder above it with mode 0700. Folders that already
/// exist keep their mode: they are not vmdeck's (`~/.local`, a shared `/var/tmp`).
pub fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    let missing: Vec<&Path> = dir.ancestors().take_while(|d| !d.exists()).collect();
    for level in missing.into_iter().rev() {
        match DirBuilder::new().mode(0o700).create(level) {
            // The mode given to mkdir is cut by the umask (umask 0777 would leave 0000), so
            // set it again.
            Ok(()) => std::fs::set_permissions(level, Permissions::from_mode(0o700))?,
            // Another vmdeck made it meanwhile, with this same code.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A private file opened for appending, and the warning when its mode had to be narrowed.
pub struct Opened {
    pub file: File,
    pub warning: Option<String>,
}

/// Opens `path` for appending (and reading: the audit log reads its last line), creating it
/// and its folders readable by the owner only.
pub fn open_private_append(path: &Path) -> io::Result<Opened> {
    if let Some(dir) = path.parent() {
        create_private_dir_all(dir)?;
    }
    let existed = path.exists();
    let file = OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    let warning = make_private(&file, path, existed)?;
    Ok(Opened { file, warning })
}

/// Narrows `path` to 0600 if it exists and others may read or write it; the warning says so.
pub fn narrow_existing(path: &Path) -> io::Result<Option<String>> {
    match File::open(path) {
        Ok(file) => make_private(&file, path, true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Sets 0600 on an open file (through the descriptor, so a renamed path cannot redirect it).
/// A file vmdeck just made is set silently (the umask may have cut its mode); an existing
/// one that group or others could read gets a warning, logged and returned.
fn make_private(file: &File, path: &Path, existed: bool) -> io::Result<Option<String>> {
    let mode = file.metadata()?.permissions().mode() & 0o777;
    if mode == 0o600 {
        return Ok(None);
    }
    file.set_permissions(Permissions::from_mode(0o600))?;
    if !existed || mode & 0o077 == 0 {
        return Ok(None);
    }
    let warning = format!(
        "{} was mode {mode:04o}, readable by others; narrowed to 0600",
        path.display()
    );
    tracing::warn!("{warning}");
    Ok(Some(warning))
}

/// At start: the data folder made private if vmdeck creates it, and the audit log and
/// console logs already in it narrowed. Returns the warnings for the UI.
pub fn secure_data_dir(data_dir: &Path) -> Vec<String> {
    let mut warnings = Vec::new();
    if let Err(e) = create_private_dir_all(data_dir) {
        warnings.push(format!("cannot create {}: {e}", data_dir.display()));
        return warnings;
    }
    let console_logs = std::fs::read_dir(data_dir.join("consoles"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"));
    for path in std::iter::once(data_dir.join("audit.jsonl")).chain(console_logs) {
        match narrow_existing(&path) {
            Ok(warning) => warnings.extend(warning),
            Err(e) => warnings.push(format!("{}: {e}", path.display())),
        }
    }
    warnings
}

#[cfg(test)]
mod tests;
