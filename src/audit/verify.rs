//! Checking the audit log's chain: each line's `prev` must be the SHA-256 of the line before
//! it (the first line's, of the empty string). Lines without `prev` at the start of the file
//! come from a vmdeck that did not chain yet: they are counted as unchained, not verified.

use std::path::Path;

use super::{genesis, line_hash};

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// `lines` in all, the first `unchained` of them written before the chain began.
    Ok { lines: usize, unchained: usize },
    /// The first line (1-based) where the chain does not hold, and why.
    Broken { line: usize, why: String },
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Verdict::Ok {
                lines,
                unchained: 0,
            } => write!(f, "audit log OK: {lines} lines"),
            Verdict::Ok { lines, unchained } => write!(
                f,
                "audit log OK: {lines} lines ({unchained} unchained: written before the chain \
                 began, not verifiable)"
            ),
            Verdict::Broken { line, why } => write!(f, "audit log broken at line {line}: {why}"),
        }
    }
}

/// Checks the chain of the log's text.
pub fn verify(text: &[u8]) -> Verdict {
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    if body.is_empty() {
        return Verdict::Ok {
            lines: 0,
            unchained: 0,
        };
    }
    let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    let mut unchained = 0;
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        let prev = match prev_field(line) {
            Ok(prev) => prev,
            Err(why) => return Verdict::Broken { line: number, why },
        };
        match prev {
            None if unchained == index => unchained += 1,
            None => {
                return broken(
                    number,
                    "it has no prev hash though the lines before it are chained (written by \
                     an older vmdeck, or its hash was removed)",
                );
            }
            Some(prev) if index == 0 && prev != genesis() => {
                return broken(
                    1,
                    "its prev hash is not the start of a chain (lines were removed before it)",
                );
            }
            Some(prev) if index > 0 && prev != line_hash(lines[index - 1]) => {
                return broken(
                    index,
                    &format!(
                        "line {number} recorded a different hash for it (line {index} was \
                         edited, or lines after it were removed)"
                    ),
                );
            }
            Some(_) => {}
        }
    }
    Verdict::Ok {
        lines: lines.len(),
        unchained,
    }
}

fn broken(line: usize, why: &str) -> Verdict {
    Verdict::Broken {
        line,
        why: why.to_string(),
    }
}

/// The line's `prev`, None when it has none; an error when the line is not a JSON record.
fn prev_field(line: &[u8]) -> Result<Option<String>, String> {
    let value: serde_json::Value =
        serde_json::from_slice(line).map_err(|e| format!("not a JSON record ({e})"))?;
    let serde_json::Value::Object(fields) = value else {
        return Err("not a JSON record".into());
    };
    match fields.get("prev") {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(hash)) => Ok(Some(hash.clone())),
        Some(_) => Err("its prev is not a hash".into()),
    }
}

/// `vmdeck audit verify`: prints the verdict; 0 when the chain holds, 1 when it is broken,
/// 2 when the file cannot be read.
pub fn verify_file(path: &Path) -> u8 {
    match std::fs::read(path) {
        Ok(text) => {
            let verdict = verify(&text);
            println!("{verdict}");
            u8::from(!matches!(verdict, Verdict::Ok { .. }))
        }
        Err(e) => {
            eprintln!("vmdeck: {}: {e}", path.display());
            2
        }
    }
}
