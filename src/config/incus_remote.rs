//! `remote = "<name>"`: an Incus pool that reuses a remote of the Incus command-line client —
//! its address from `config.yml` and the server certificate it pinned (`servercerts/<name>.crt`)
//! — in the client's config directory (`$INCUS_CONF`, else `~/.config/incus`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The Incus client's default socket, also what its built-in remote `local` means.
pub const DEFAULT_SOCKET_URL: &str = "unix:///var/lib/incus/unix.socket";

#[derive(Debug, Default, Deserialize)]
struct ClientConfig {
    #[serde(default)]
    remotes: HashMap<String, Remote>,
}

#[derive(Debug, Deserialize)]
struct Remote {
    addr: String,
    #[serde(default)]
    protocol: Option<String>,
}

/// What a remote gives a pool: where the server is, and its certificate when the client
/// pinned one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedRemote {
    pub url: String,
    pub server_cert: Option<PathBuf>,
}

/// The Incus client's config directory.
pub fn client_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("INCUS_CONF") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/root"), PathBuf::from);
    home.join(".config/incus")
}

pub fn resolve(name: &str) -> Result<ResolvedRemote, String> {
    resolve_in(&client_dir(), name)
}

fn resolve_in(dir: &Path, name: &str) -> Result<ResolvedRemote, String> {
    let file = dir.join("config.yml");
    let config: ClientConfig = match std::fs::read_to_string(&file) {
        Ok(text) => serde_saphyr::from_str(&text)
            .map_err(|e| format!("{}: not a valid Incus client config: {e}", file.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => ClientConfig::default(),
        Err(e) => return Err(format!("{}: {e}", file.display())),
    };
    let Some(remote) = config.remotes.get(name) else {
        if name == "local" {
            return Ok(ResolvedRemote {
                url: DEFAULT_SOCKET_URL.into(),
                server_cert: None,
            });
        }
        let mut known: Vec<&str> = config.remotes.keys().map(String::as_str).collect();
        known.sort_unstable();
        return Err(format!(
            "no Incus remote '{name}' in {} (remotes: {})",
            file.display(),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ));
    };
    if let Some(protocol) = remote.protocol.as_deref().filter(|p| *p != "incus") {
        return Err(format!(
            "Incus remote '{name}' is a {protocol} image server, not an Incus server"
        ));
    }
    let url = match remote.addr.as_str() {
        "unix://" | "unix:" => DEFAULT_SOCKET_URL.to_string(),
        addr => addr.to_string(),
    };
    let pinned = dir.join("servercerts").join(format!("{name}.crt"));
    Ok(ResolvedRemote {
        server_cert: (url.starts_with("https://") && pinned.exists()).then_some(pinned),
        url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client_dir_with(config: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.yml"), config).unwrap();
        std::fs::create_dir(dir.path().join("servercerts")).unwrap();
        std::fs::write(dir.path().join("servercerts/prod.crt"), "PEM").unwrap();
        dir
    }

    const CONFIG: &str = "default-remote: local\nremotes:\n  prod:\n    addr: https://10.0.0.1:8443\n    protocol: incus\n    auth_type: tls\n    project: default\n  images:\n    addr: https://images.linuxcontainers.org\n    protocol: simplestreams\n    public: true\n  sock:\n    addr: unix://\n";

    #[test]
    fn a_remote_gives_its_address_and_pinned_certificate() {
        let dir = client_dir_with(CONFIG);
        let prod = resolve_in(dir.path(), "prod").unwrap();
        assert_eq!(prod.url, "https://10.0.0.1:8443");
        assert_eq!(
            prod.server_cert,
            Some(dir.path().join("servercerts/prod.crt"))
        );
        let sock = resolve_in(dir.path(), "sock").unwrap();
        assert_eq!(
            (sock.url.as_str(), sock.server_cert),
            (DEFAULT_SOCKET_URL, None)
        );
        assert_eq!(
            resolve_in(dir.path(), "local").unwrap().url,
            DEFAULT_SOCKET_URL
        );
    }

    #[test]
    fn unknown_remotes_and_image_servers_are_refused_clearly() {
        let dir = client_dir_with(CONFIG);
        let unknown = resolve_in(dir.path(), "stage").unwrap_err();
        assert!(unknown.contains("no Incus remote 'stage'"), "{unknown}");
        assert!(unknown.contains("images, prod, sock"), "{unknown}");
        let images = resolve_in(dir.path(), "images").unwrap_err();
        assert!(images.contains("simplestreams image server"), "{images}");
        let broken = client_dir_with("remotes: [oops");
        let error = resolve_in(broken.path(), "prod").unwrap_err();
        assert!(error.contains("not a valid Incus client config"), "{error}");
    }
}
