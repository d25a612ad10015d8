//! Checks user-data before it goes into a seed: a mistake found at first boot costs a VM
//! rebuild, a mistake found in the compose view costs a keystroke.

use std::collections::BTreeMap;

use serde_json::Value;

const CLOUD_CONFIG: &str = "#cloud-config";

/// `Ok` when cloud-init will accept `text` as user-data: a script (`#!` on the first line, taken
/// as is) or `#cloud-config` whose YAML parses to a mapping (or to nothing, which cloud-init
/// reads as an empty mapping). The error names the line when the YAML parser reports one.
pub fn validate_user_data(text: &str) -> Result<(), String> {
    let first = text.lines().next().unwrap_or_default().trim_end();
    if first.starts_with("#!") {
        return Ok(());
    }
    if first != CLOUD_CONFIG {
        return Err(format!(
            "user-data line 1: expected `{CLOUD_CONFIG}` (or `#!` for a script), found {}",
            if first.is_empty() {
                "an empty line".to_string()
            } else {
                format!("`{first}`")
            }
        ));
    }
    match parse(text)? {
        Value::Object(_) | Value::Null => Ok(()),
        other => Err(format!(
            "user-data: expected a mapping of cloud-config keys, found {}",
            kind(&other)
        )),
    }
}

/// The top-level `hostname:` of a `#cloud-config`, so that the compose view can warn when it
/// differs from the VM name. `None` for scripts, invalid YAML, or no string `hostname`.
pub fn hostname_in(text: &str) -> Option<String> {
    if !text.starts_with(CLOUD_CONFIG) {
        return None;
    }
    let doc: BTreeMap<String, Value> = serde_saphyr::from_str(text).ok()?;
    match doc.get("hostname")? {
        Value::String(name) => Some(name.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parses the YAML of `text` (the `#cloud-config` line is a comment, so line numbers match the
/// user's editor) and turns a parser error into `user-data line N: reason`.
fn parse(text: &str) -> Result<Value, String> {
    let mut options = serde_saphyr::Options::default();
    // One line for the status bar, not a rustc-style snippet.
    options.with_snippet = false;
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let message = e.to_string();
        match e.location() {
            Some(at) if at.line() > 0 => {
                format!("user-data line {}: {}", at.line(), strip_location(&message))
            }
            _ => format!("user-data: {message}"),
        }
    })
}

/// The parser's message without the ` at line N, column M` it appends (the caller reports the
/// line in front) and without its advice to programmers about parser options.
fn strip_location(message: &str) -> &str {
    let message = message
        .rfind(" at line ")
        .map_or(message, |at| &message[..at]);
    message
        .find(", set DuplicateKeyPolicy")
        .map_or(message, |at| &message[..at])
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a single string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_config_mappings_and_scripts_pass() {
        assert_eq!(
            validate_user_data("#cloud-config\nhostname: a\npackages: [htop]\n"),
            Ok(())
        );
        assert_eq!(
            validate_user_data("#cloud-config \r\nhostname: a\r\n"),
            Ok(())
        );
        assert_eq!(validate_user_data("#cloud-config\n# nothing yet\n"), Ok(()));
        assert_eq!(validate_user_data("#!/bin/sh\necho {{ not: yaml\n"), Ok(()));
    }

    #[test]
    fn the_first_line_must_say_what_it_is() {
        let err = validate_user_data("hostname: a\n").unwrap_err();
        assert!(
            err.starts_with("user-data line 1: expected `#cloud-config`"),
            "{err}"
        );
        let err = validate_user_data("").unwrap_err();
        assert!(err.contains("an empty line"), "{err}");
        assert!(validate_user_data("#cloud-configuration\n").is_err());
    }

    #[test]
    fn yaml_errors_name_the_line() {
        let text = "#cloud-config\nhostname: a\nusers:\n  - name: admin\n   shell: [oops\n";
        let err = validate_user_data(text).unwrap_err();
        assert!(err.starts_with("user-data line "), "{err}");
        assert!(!err.contains('\n'), "{err}");
        let line: u32 = err["user-data line ".len()..]
            .split(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!((4..=6).contains(&line), "{err}");
    }

    #[test]
    fn duplicate_keys_are_reported_plainly() {
        let err =
            validate_user_data("#cloud-config\nusers: []\nhostname: a\nusers: []\n").unwrap_err();
        assert_eq!(err, "user-data line 4: duplicate mapping key: users");
    }

    #[test]
    fn a_list_or_a_string_is_not_cloud_config() {
        let err = validate_user_data("#cloud-config\n- a\n- b\n").unwrap_err();
        assert_eq!(
            err,
            "user-data: expected a mapping of cloud-config keys, found a list"
        );
        let err = validate_user_data("#cloud-config\njust text\n").unwrap_err();
        assert!(err.ends_with("found a single string"), "{err}");
    }

    #[test]
    fn hostname_is_read_from_the_top_level() {
        assert_eq!(
            hostname_in("#cloud-config\nhostname: web-1\n").as_deref(),
            Some("web-1")
        );
        assert_eq!(
            hostname_in("#cloud-config\nhostname: \"db 2\"\n").as_deref(),
            Some("db 2")
        );
        assert_eq!(
            hostname_in("#cloud-config\nusers:\n  - hostname: x\n"),
            None
        );
        assert_eq!(hostname_in("#cloud-config\nhostname: [\n"), None);
        assert_eq!(hostname_in("#!/bin/sh\nhostname: x\n"), None);
    }
}
