//! A clone's seed: the source's `meta-data` and `user-data` with a new identity, so that
//! cloud-init on the clone runs its first-boot modules again (new instance id) and names the
//! machine after the clone, not after its source.

use super::template::scalar;

/// `meta` with `instance-id` and `local-hostname` replaced (or added); other keys stay.
pub fn reidentify_meta_data(meta: &str, instance_id: &str, hostname: &str) -> String {
    let text = set_top_level_key(meta, "instance-id", instance_id, 0);
    set_top_level_key(&text, "local-hostname", hostname, 1)
}

/// `user` with its top-level `hostname:` set to `hostname` (added after the `#cloud-config`
/// line when missing). Scripts and other formats have no such key and stay as they are: the
/// meta-data's `local-hostname` names the machine then.
pub fn with_hostname(user: &str, hostname: &str) -> String {
    if !user.starts_with("#cloud-config") {
        return user.to_string();
    }
    set_top_level_key(user, "hostname", hostname, 1)
}

/// Replaces every unindented `key: …` line by `key: value`; when there is none, inserts one
/// as line number `at` (0-based).
fn set_top_level_key(text: &str, key: &str, value: &str, at: usize) -> String {
    let line = format!("{key}: {}", scalar(value));
    let prefix = format!("{key}:");
    let mut found = false;
    let mut lines: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with(&prefix) {
                found = true;
                line.clone()
            } else {
                l.to_string()
            }
        })
        .collect();
    if !found {
        lines.insert(at.min(lines.len()), line);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_gets_its_own_instance_id_and_host_name() {
        let meta = "instance-id: vmdeck-web\nlocal-hostname: web\npublic-keys: []\n";
        assert_eq!(
            reidentify_meta_data(meta, "vmdeck-web2-1", "web2"),
            "instance-id: vmdeck-web2-1\nlocal-hostname: web2\npublic-keys: []\n"
        );
        assert_eq!(
            reidentify_meta_data("", "i", "h"),
            "instance-id: i\nlocal-hostname: h\n"
        );
    }

    #[test]
    fn user_data_hostname_is_replaced_or_added() {
        let user = "#cloud-config\n# hi\nhostname: web\nusers:\n  - name: admin\n    hostname: x\n";
        let out = with_hostname(user, "web-2");
        assert_eq!(
            crate::cloudinit::hostname_in(&out).as_deref(),
            Some("web-2")
        );
        assert!(out.contains("    hostname: x\n"), "nested keys stay: {out}");
        let added = with_hostname("#cloud-config\nusers: []\n", "yes");
        assert_eq!(
            crate::cloudinit::hostname_in(&added).as_deref(),
            Some("yes")
        );
        assert_eq!(
            with_hostname("#!/bin/sh\necho hi\n", "x"),
            "#!/bin/sh\necho hi\n"
        );
    }
}
