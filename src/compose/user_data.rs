//! The user-data a compose gives its VMs: one template (whose digest the set's spec carries),
//! and optionally a file per index. With `--user-data FILE`, when `FILE.0`, `FILE.1`, … exist
//! beside it, member i gets `FILE.i` instead of the template (like KubeVirt's
//! `appendIndexToSecretRefs`); placeholders are replaced in either.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::cloudinit::{Instance, instance_user_data};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserData {
    /// The template: the text of FILE, or as typed, or vmdeck's default.
    pub template: String,
    /// The template's file, when it came from one (named in errors).
    pub file: Option<PathBuf>,
    /// `FILE.i` by index, when any exist.
    pub per_index: BTreeMap<u32, String>,
}

impl UserData {
    /// A template typed or made up, with no files.
    pub fn text(template: &str) -> UserData {
        UserData {
            template: template.to_string(),
            ..UserData::default()
        }
    }

    /// Reads `path` and every `path.N` beside it (N a number).
    pub fn read(path: &Path) -> Result<UserData, String> {
        let read = |path: &Path| {
            std::fs::read_to_string(path)
                .map_err(|e| format!("--user-data {}: {e}", path.display()))
        };
        let template = read(path)?;
        let mut per_index = BTreeMap::new();
        for (index, file) in indexed_siblings(path)? {
            per_index.insert(index, read(&file)?);
        }
        Ok(UserData {
            template,
            file: Some(path.to_path_buf()),
            per_index,
        })
    }

    /// The user-data of the VM `name` (of `set`, at `index`): its own file's text when there
    /// are files per index, else the template, with the placeholders replaced.
    pub fn for_vm(&self, name: &str, member: Option<(&str, u32)>) -> Result<String, String> {
        let instance = Instance { name, member };
        let Some((_, index)) = member.filter(|_| !self.per_index.is_empty()) else {
            return instance_user_data(&self.template, &instance, &self.origin(None));
        };
        let Some(text) = self.per_index.get(&index) else {
            let have: Vec<String> = self
                .per_index
                .keys()
                .map(|i| self.origin(Some(*i)))
                .collect();
            return Err(format!(
                "{} is missing for {name} (files per index exist: {})",
                self.origin(Some(index)),
                have.join(", ")
            ));
        };
        instance_user_data(text, &instance, &self.origin(Some(index)))
    }

    /// The file (or `FILE.i`) the text comes from, for errors.
    fn origin(&self, index: Option<u32>) -> String {
        match (&self.file, index) {
            (Some(file), Some(i)) => format!("{}.{i}", file.display()),
            (Some(file), None) => file.display().to_string(),
            (None, _) => "user-data".to_string(),
        }
    }
}

/// The files `NAME.N` in `path`'s folder, `path`'s file name being NAME, by index.
fn indexed_siblings(path: &Path) -> Result<Vec<(u32, PathBuf)>, String> {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Ok(Vec::new());
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("--user-data {}: {e}", dir.display()))?;
    let prefix = format!("{name}.");
    let mut found: Vec<(u32, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let file = entry.file_name();
            let digits = file.to_str()?.strip_prefix(&prefix)?;
            let index = digits
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| digits.parse().ok())??;
            Some((index, entry.path()))
        })
        .collect();
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn members_get_their_own_file_when_files_per_index_exist() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "ud.yaml", "#cloud-config\nhostname: {{name}}\n");
        write(
            dir.path(),
            "ud.yaml.0",
            "#cloud-config\nhostname: zero-{{index}}\n",
        );
        write(
            dir.path(),
            "ud.yaml.1",
            "#cloud-config\nhostname: one-{{set}}\n",
        );
        write(dir.path(), "ud.yaml.x", "not an index");
        write(dir.path(), "ud.yaml.01x", "not an index");
        let user_data = UserData::read(&file).unwrap();
        assert_eq!(user_data.template, "#cloud-config\nhostname: {{name}}\n");
        assert_eq!(
            user_data.per_index.keys().copied().collect::<Vec<_>>(),
            [0, 1]
        );
        let of = |i: u32| user_data.for_vm(&format!("web-{i}"), Some(("web", i)));
        assert_eq!(of(0).unwrap(), "#cloud-config\nhostname: zero-0\n");
        assert_eq!(of(1).unwrap(), "#cloud-config\nhostname: one-web\n");
        let missing = of(2).unwrap_err();
        let path = file.display();
        assert_eq!(
            missing,
            format!("{path}.2 is missing for web-2 (files per index exist: {path}.0, {path}.1)")
        );
        // A VM of its own gets the template.
        assert_eq!(
            user_data.for_vm("db", None).unwrap(),
            "#cloud-config\nhostname: db\n"
        );
    }

    #[test]
    fn without_files_per_index_every_member_gets_the_template() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "plain", "#cloud-config\nhostname: {{name}}\n");
        let user_data = UserData::read(&file).unwrap();
        assert!(user_data.per_index.is_empty());
        assert_eq!(
            user_data.for_vm("web-7", Some(("web", 7))).unwrap(),
            "#cloud-config\nhostname: web-7\n"
        );
        let bad = write(dir.path(), "bad", "#cloud-config\nhostname: {{host}}\n");
        let err = UserData::read(&bad).unwrap().for_vm("w-0", Some(("w", 0)));
        assert!(
            err.unwrap_err()
                .starts_with(&format!("{} line 2: unknown placeholder", bad.display()))
        );
        let gone = UserData::read(&dir.path().join("gone")).unwrap_err();
        assert!(
            gone.starts_with("--user-data ") && gone.contains("gone"),
            "{gone}"
        );
    }
}
