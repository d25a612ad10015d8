//! The texts vmdeck proposes for a new VM: `meta-data` (identity only) and a `user-data`
//! template the user edits in the compose view before the seed is written.

use std::fmt::Write as _;
use std::path::Path;

/// NoCloud `meta-data`: the instance id (a new one makes cloud-init run its first-boot modules
/// again) and the host name cloud-init uses when user-data sets none.
pub fn meta_data(instance_id: &str, hostname: &str) -> String {
    format!(
        "instance-id: {}\nlocal-hostname: {}\n",
        scalar(instance_id),
        scalar(hostname)
    )
}

/// A `#cloud-config` starting point: the host name and an `admin` user with password-less sudo
/// who logs in with the given public keys. Comments say what to change; with no keys a
/// commented example stands where the list would be, since an empty list locks the user out.
pub fn default_user_data(hostname: &str, ssh_keys: &[String]) -> String {
    let mut text = String::from(
        "#cloud-config\n\
         # cloud-init user-data, read once at first boot from the seed disk (label cidata).\n\
         # Edit it to taste: vmdeck checks that it is valid YAML before it writes the seed.\n\
         # Examples: https://cloudinit.readthedocs.io/en/latest/reference/examples.html\n\
         \n\
         # The VM's host name; keep it equal to the VM name to avoid confusion.\n",
    );
    let _ = writeln!(text, "hostname: {}", scalar(hostname));
    text.push_str(
        "\n\
         # The login user. Add `- default` as the first entry to keep the image's own user too.\n\
         users:\n  \
         - name: admin\n    \
         shell: /bin/bash\n    \
         sudo: ALL=(ALL) NOPASSWD:ALL\n",
    );
    if ssh_keys.is_empty() {
        text.push_str(
            "    # No public key was found in ~/.ssh. Add one to log in over SSH:\n    \
             # ssh_authorized_keys:\n    \
             #   - ssh-ed25519 AAAA... you@example\n",
        );
    } else {
        text.push_str("    # Public keys allowed to log in as admin (from ~/.ssh/*.pub).\n");
        text.push_str("    ssh_authorized_keys:\n");
        for key in ssh_keys {
            // A JSON string is a valid YAML double-quoted scalar: safe for any comment text.
            let quoted = serde_json::to_string(key).unwrap_or_default();
            let _ = writeln!(text, "      - {quoted}");
        }
    }
    text
}

/// The first line of each `*.pub` file in `dir`, by file name, skipping files that cannot be
/// read or are empty. A missing `dir` gives no keys.
pub fn ssh_public_keys(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "pub") && path.is_file())
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .filter_map(|text| text.lines().next().map(|line| line.trim().to_string()))
        .filter(|line| !line.is_empty())
        .collect()
}

/// `value` as a YAML scalar that reads back as the same string: plain when it is a simple word
/// that YAML would not take for a number, boolean or null, double-quoted otherwise.
pub(super) fn scalar(value: &str) -> String {
    let simple = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let same = simple
        && serde_saphyr::from_str::<serde_json::Value>(value)
            .is_ok_and(|parsed| parsed.as_str() == Some(value));
    if same {
        value.to_string()
    } else {
        serde_json::to_string(value).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{Value, json};

    use super::*;

    fn parse(text: &str) -> BTreeMap<String, Value> {
        serde_saphyr::from_str(text).unwrap()
    }

    #[test]
    fn meta_data_names_the_instance_and_host() {
        assert_eq!(
            meta_data("iid-web-1", "web-1"),
            "instance-id: iid-web-1\nlocal-hostname: web-1\n"
        );
        let odd = parse(&meta_data("0012", "yes"));
        assert_eq!(odd["instance-id"], json!("0012"));
        assert_eq!(odd["local-hostname"], json!("yes"));
    }

    #[test]
    fn user_data_with_keys_lists_them_under_admin() {
        let keys = vec![
            "ssh-ed25519 AAAAC3 me@host # laptop".to_string(),
            "ssh-rsa AAAAB3".to_string(),
        ];
        let text = default_user_data("web-1", &keys);
        assert!(text.starts_with("#cloud-config\n"));
        assert!(text.contains("\nhostname: web-1\n"));
        assert!(!text.contains("fqdn"));
        let doc = parse(&text);
        assert_eq!(doc["hostname"], json!("web-1"));
        let admin = &doc["users"][0];
        assert_eq!(admin["name"], json!("admin"));
        assert_eq!(admin["shell"], json!("/bin/bash"));
        assert_eq!(admin["sudo"], json!("ALL=(ALL) NOPASSWD:ALL"));
        assert_eq!(admin["ssh_authorized_keys"], json!(keys));
        assert_eq!(crate::cloudinit::validate_user_data(&text), Ok(()));
    }

    #[test]
    fn user_data_without_keys_has_a_commented_hint() {
        let text = default_user_data("db", &[]);
        assert!(text.contains("# ssh_authorized_keys:"));
        let doc = parse(&text);
        assert!(doc["users"][0].get("ssh_authorized_keys").is_none());
        assert_eq!(crate::cloudinit::validate_user_data(&text), Ok(()));
    }

    #[test]
    fn public_keys_are_first_lines_of_pub_files_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("id_rsa.pub", "ssh-rsa BBB b@h\nsecond line\n");
        write("id_ed25519.pub", "ssh-ed25519 AAA a@h\n");
        write("empty.pub", "");
        write("id_ed25519", "PRIVATE");
        write("notes.txt", "ssh-rsa nope\n");
        std::fs::create_dir(dir.path().join("dir.pub")).unwrap();
        let keys = ssh_public_keys(dir.path());
        assert_eq!(keys, ["ssh-ed25519 AAA a@h", "ssh-rsa BBB b@h"]);
        assert!(ssh_public_keys(&dir.path().join("missing")).is_empty());
    }

    #[test]
    fn scalars_read_back_as_the_same_string() {
        assert_eq!(scalar("web-1"), "web-1");
        for value in [
            "", "true", "no", "null", "~", "12", "1e3", "a b", "x: y", "#c", "\"q\"",
        ] {
            let doc: BTreeMap<String, Value> =
                serde_saphyr::from_str(&format!("k: {}\n", scalar(value))).unwrap();
            assert_eq!(doc["k"], json!(value), "{value:?}");
        }
    }
}
