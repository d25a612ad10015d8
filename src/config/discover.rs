//! Where vmdeck's files live, which config is used, and what vmdeck opens when there is none.

use std::path::{Path, PathBuf};

use super::validate::{ConfigError, default_host_name, incus_config, parse_config};
use super::{Config, HostConfig, Overcommit, PoolConfig};
use crate::model::Driver;

/// The directories vmdeck reads and writes (XDG on Linux).
#[derive(Debug, Clone)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    pub fn from_env() -> Paths {
        match directories::ProjectDirs::from("", "", "vmdeck") {
            Some(dirs) => Paths {
                config_dir: dirs.config_dir().to_path_buf(),
                data_dir: dirs.data_dir().to_path_buf(),
            },
            None => Paths {
                config_dir: PathBuf::from(".vmdeck"),
                data_dir: PathBuf::from(".vmdeck"),
            },
        }
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    pub fn log_file(&self) -> PathBuf {
        self.data_dir.join("vmdeck.log")
    }
}

/// Where the config in use came from, shown in the UI and in `--help` output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    File(PathBuf),
    Discovered,
}

/// Loads the config. An explicit path that is missing or bad is an error; a bad default
/// file gives a warning and falls back to the discovered local endpoints.
pub fn load(
    explicit: Option<&Path>,
    paths: &Paths,
) -> Result<(Config, ConfigSource, Vec<String>), ConfigError> {
    if let Some(path) = explicit {
        let config = read_file(path)?;
        return Ok((config, ConfigSource::File(path.to_path_buf()), Vec::new()));
    }
    let default = paths.config_file();
    if default.exists() {
        match read_file(&default) {
            Ok(config) => return Ok((config, ConfigSource::File(default), Vec::new())),
            Err(e) => {
                let warning = format!("bad config, using local endpoints instead: {e}");
                return Ok((
                    discover_local(paths),
                    ConfigSource::Discovered,
                    vec![warning],
                ));
            }
        }
    }
    Ok((discover_local(paths), ConfigSource::Discovered, Vec::new()))
}

fn read_file(path: &Path) -> Result<Config, ConfigError> {
    let label = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| ConfigError::at(&label, &[], None, e.to_string()))?;
    // Not UTF-8: say where the first bad byte is.
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let reason = "the file is not UTF-8 text (TOML must be)".to_string();
        ConfigError::at(&label, e.as_bytes(), Some(at), reason)
    })?;
    parse_config(&text, &label)
}

/// With no config: the system libvirt if its socket exists, the local Incus server if its
/// socket exists, and otherwise libvirt's embedded QEMU driver under the data dir, so vmdeck
/// always has something real to show.
pub fn discover_local(paths: &Paths) -> Config {
    let mut pools = Vec::new();
    let system_socket = Path::new("/run/libvirt/libvirt-sock");
    if system_socket.exists() {
        pools.push(local_pool("local", Driver::Libvirt, "qemu:///system"));
    }
    let incus_socket = Path::new("/var/lib/incus/unix.socket");
    if incus_socket.exists() {
        pools.push(local_pool(
            "local-incus",
            Driver::Incus,
            "unix:///var/lib/incus/unix.socket",
        ));
    }
    if pools.iter().all(|p| p.driver != Driver::Libvirt) {
        let root = paths.data_dir.join("embed");
        let uri = format!("qemu:///embed?root={}", root.display());
        pools.insert(0, local_pool("local", Driver::Libvirt, &uri));
    }
    Config {
        pools,
        ..Config::default()
    }
}

fn local_pool(name: &str, driver: Driver, uri: &str) -> PoolConfig {
    PoolConfig {
        name: name.into(),
        driver,
        hosts: vec![HostConfig {
            name: default_host_name(uri),
            uri: uri.into(),
            migration_uri: None,
            allocation: None,
        }],
        read_only: false,
        theme: None,
        overcommit: Overcommit::default(),
        allocation: Default::default(),
        incus: (driver == Driver::Incus).then(|| incus_config(uri.to_string())),
        compose: Default::default(),
        deadlines: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_paths(dir: &Path) -> Paths {
        Paths {
            config_dir: dir.join("config"),
            data_dir: dir.join("data"),
        }
    }

    #[test]
    fn bad_default_config_warns_and_falls_back() {
        let dir = tempfile::tempdir().unwrap();
        let paths = temp_paths(dir.path());
        std::fs::create_dir_all(&paths.config_dir).unwrap();
        std::fs::write(paths.config_file(), "[[pool]]\nnme = 1\n").unwrap();
        let (config, source, warnings) = load(None, &paths).unwrap();
        assert_eq!(source, ConfigSource::Discovered);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("config.toml:2"), "{warnings:?}");
        assert!(!config.pools.is_empty());
    }

    #[test]
    fn explicit_missing_config_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let paths = temp_paths(dir.path());
        let missing = dir.path().join("nope.toml");
        assert!(load(Some(&missing), &paths).is_err());
    }
}
