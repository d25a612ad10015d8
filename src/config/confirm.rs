//! `[confirm]`: the questions an admin turned off, per action (`clone = false`), like
//! virt-manager's confirmation settings. Deleting always asks.

use std::collections::{BTreeMap, BTreeSet};

/// The actions whose question can be turned off, by their `:` command.
pub const ASKED: [&str; 14] = [
    "start",
    "shutdown",
    "reboot",
    "reset",
    "off",
    "suspend",
    "resume",
    "migrate",
    "snapshot",
    "revert",
    "snapshot-delete",
    "clone",
    "compose",
    "abort",
];

/// The commands whose question is off, or why the table is wrong.
pub fn unasked(table: &BTreeMap<String, bool>) -> Result<BTreeSet<String>, String> {
    let mut off = BTreeSet::new();
    for (action, ask) in table {
        if action == "delete" {
            if !ask {
                return Err("[confirm] delete = false: deleting always asks".into());
            }
            continue;
        }
        if !ASKED.contains(&action.as_str()) {
            return Err(format!(
                "[confirm] has no action '{action}' (known: {}, delete)",
                ASKED.join(", ")
            ));
        }
        if !ask {
            off.insert(action.clone());
        }
    }
    Ok(off)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_questions_off_but_never_for_deletes() {
        let table = BTreeMap::from([("clone".to_string(), false), ("start".to_string(), true)]);
        assert_eq!(unasked(&table).unwrap(), BTreeSet::from(["clone".into()]));
        let delete = BTreeMap::from([("delete".to_string(), false)]);
        assert!(unasked(&delete).unwrap_err().contains("always asks"));
        let unknown = BTreeMap::from([("explode".to_string(), false)]);
        assert!(
            unasked(&unknown)
                .unwrap_err()
                .contains("no action 'explode'")
        );
    }
}
