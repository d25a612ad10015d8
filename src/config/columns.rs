//! `[columns]`: the columns shown per table (`vms = ["name", "state", "host"]`), as `:columns`
//! chooses them; a table not named shows every column. `:columns` writes this one table
//! back into the config file, leaving every other line as the admin wrote it.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use toml::Spanned;

use crate::app::sheets::Sheet;

/// The file's `[columns]`, checked: known tables, known columns, at least one each; an
/// error gives the byte offset of what is wrong.
pub fn columns(
    table: &BTreeMap<String, Spanned<Vec<String>>>,
) -> Result<BTreeMap<String, Vec<String>>, (usize, String)> {
    let mut chosen = BTreeMap::new();
    for (name, list) in table {
        let at = list.span().start;
        let Some(sheet) = Sheet::named(name) else {
            let names: Vec<&str> = Sheet::ALL.iter().map(|s| s.name()).collect();
            let why = format!(
                "[columns] {name}: no such table (tables: {})",
                names.join(", ")
            );
            return Err((at, why));
        };
        let keys = sheet.keys();
        if let Some(bad) = list.get_ref().iter().find(|c| !keys.contains(c)) {
            let why = format!(
                "[columns] {name}: no column '{bad}' (columns: {})",
                keys.join(", ")
            );
            return Err((at, why));
        }
        if list.get_ref().is_empty() {
            return Err((at, format!("[columns] {name}: at least one column")));
        }
        chosen.insert(name.clone(), list.get_ref().clone());
    }
    Ok(chosen)
}

/// Sets `table` in the `[columns]` of the config at `path` (None: removes it) and writes the
/// file back, mode 0600, through a temporary file renamed over it. Refuses, leaving the file
/// as it was, when the result would not be a valid config.
pub fn save(path: &Path, table: &str, columns: Option<&[String]>) -> Result<(), String> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{label}: {e}"))?;
    let updated = with_table(&text, table, columns);
    super::parse_config(&updated, &label).map_err(|e| e.to_string())?;
    replace(path, &updated).map_err(|e| format!("{label}: {e}"))
}

/// `text` with its `[columns]` line for `table` replaced, removed or added.
pub fn with_table(text: &str, table: &str, columns: Option<&[String]>) -> String {
    let entry = columns.map(|c| {
        let quoted: Vec<String> = c.iter().map(|k| format!("{k:?}")).collect();
        format!("{table} = [{}]", quoted.join(", "))
    });
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let Some(header) = lines.iter().position(|l| l.trim() == "[columns]") else {
        if let Some(entry) = entry {
            if lines.last().is_some_and(|l| !l.trim().is_empty()) {
                lines.push(String::new());
            }
            lines.push("[columns]".into());
            lines.push(entry);
        }
        return lines.join("\n") + "\n";
    };
    let end = (header + 1..lines.len())
        .find(|&i| lines[i].trim_start().starts_with('['))
        .unwrap_or(lines.len());
    let is_entry = |l: &str| {
        let key = l.split('=').next().unwrap_or("").trim();
        l.contains('=') && key.trim_matches('"') == table
    };
    match (header + 1..end).find(|&i| is_entry(&lines[i])) {
        Some(at) => {
            // A list written over several lines ends at its closing bracket.
            let last = (at..end).find(|&i| lines[i].contains(']')).unwrap_or(at);
            lines.drain(at..=last);
            match entry {
                Some(entry) => lines.insert(at, entry),
                // The last entry gone: the empty table goes too.
                None if lines[header + 1..end - (last + 1 - at)]
                    .iter()
                    .all(|l| l.trim().is_empty()) =>
                {
                    lines.remove(header);
                }
                None => {}
            }
        }
        None => {
            if let Some(entry) = entry {
                lines.insert(header + 1, entry);
            }
        }
    }
    lines.join("\n") + "\n"
}

/// Writes `text` to a new private file beside `path` and renames it over `path`, so a crash
/// leaves the old config or the new one, never half of one.
fn replace(path: &Path, text: &str) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or("config".into(), |n| n.to_string_lossy());
    let temp = dir.join(format!(".{name}.vmdeck-{}", std::process::id()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp, path)) {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
