//! libvirt's `ssh` transport runs the `ssh` program, which asks the terminal for host keys,
//! passphrases and passwords: over vmdeck's UI those prompts take the keys and the screen.
//! Every `+ssh` URI therefore gets `no_tty=1` (libvirt passes ssh `-T`, `BatchMode=yes` and
//! no escape character), so ssh fails instead of asking, and its failures are turned into one
//! sentence an admin can act on. `+libssh`/`+libssh2` run in-process and can only ask
//! through an auth callback, which vmdeck never passes: they need no rewrite.
//!
//! The ssh processes are libvirt's children in vmdeck's process: an open that hangs (a server
//! that accepts and never speaks; ssh has no timeout of its own by default) is ended after
//! the connect deadline (`deadline.rs`) by ending its ssh, and vmdeck ends the ssh processes it still has when
//! it exits (`end_children`), so none outlives it.

use std::borrow::Cow;

use super::ssh_procs::{self, Destination};

/// `uri` with `no_tty=1` added when it uses the ssh transport and does not set `no_tty`
/// itself (an admin who sets `no_tty=0` on purpose keeps it).
pub fn without_tty(uri: &str) -> Cow<'_, str> {
    if transport(uri) != Some("ssh") || has_param(uri, "no_tty") {
        return Cow::Borrowed(uri);
    }
    let (before, fragment) = uri.split_at(uri.find('#').unwrap_or(uri.len()));
    let joiner = match before.find('?') {
        None => "?",
        Some(at) if at + 1 == before.len() || before.ends_with('&') => "",
        Some(_) => "&",
    };
    Cow::Owned(format!("{before}{joiner}no_tty=1{fragment}"))
}

/// The transport of a libvirt URI: `ssh` for `qemu+ssh://…`, None without a `+`.
fn transport(uri: &str) -> Option<&str> {
    let scheme = &uri[..uri.find("://")?];
    scheme.split_once('+').map(|(_, transport)| transport)
}

fn has_param(uri: &str, name: &str) -> bool {
    let Some((_, query)) = uri.split_once('?') else {
        return false;
    };
    let query = query.split('#').next().unwrap_or_default();
    query
        .split('&')
        .any(|pair| pair.split('=').next() == Some(name))
}

/// The ssh processes of an open being watched: those started for its destination after the
/// watch began are the open's own.
pub struct HungOpen {
    dest: Option<(Destination, std::collections::BTreeSet<i32>)>,
}

impl HungOpen {
    /// Starts watching an open of `uri`; nothing to watch for other transports.
    pub fn watch(uri: &str) -> HungOpen {
        let dest = (transport(uri) == Some("ssh")).then(|| {
            let dest = Destination::of(uri);
            let before = ssh_procs::children_to(&dest);
            (dest, before)
        });
        HungOpen { dest }
    }

    /// The open passed its deadline: for ssh, ends its ssh processes (libvirt's call then
    /// returns) and says why in one sentence; None for other transports.
    pub fn end(self, deadline: std::time::Duration) -> Option<String> {
        let (dest, before) = self.dest?;
        ssh_procs::end(ssh_procs::children_to(&dest).difference(&before));
        Some(format!(
            "no answer over ssh from {} within {} s: the connection hangs (a firewall that \
             drops it, or a server that accepts it and never speaks)",
            dest.login(),
            deadline.as_secs_f32()
        ))
    }
}

/// Ends the ssh processes libvirt started for vmdeck (at exit: one waiting on a server that
/// never answers would otherwise outlive vmdeck).
pub fn end_children() {
    ssh_procs::end(&ssh_procs::children());
}

/// One sentence for a failed connection to `uri` when ssh said why; `message` otherwise.
pub fn explain(uri: &str, message: &str) -> String {
    if transport(uri) != Some("ssh") {
        return message.to_string();
    }
    let dest = Destination::of(uri);
    let (login, host, port) = (dest.login(), &dest.host, dest.port_option());
    if message.contains("Host key verification failed") {
        format!(
            "host key for {host} is not in ~/.ssh/known_hosts (or does not match it) — run \
             `ssh {port}{login}` once to check and accept it"
        )
    } else if message.contains("Permission denied (") {
        format!(
            "ssh refused the login to {login}: vmdeck never asks for passwords or passphrases \
             — load the key into ssh-agent (`ssh-add`) or name it with IdentityFile in \
             ~/.ssh/config"
        )
    } else if message.contains("Connection timed out") {
        format!("ssh could not reach {host}: the connection timed out")
    } else if message.contains("Connection refused") {
        format!("ssh could not reach {host}: nothing listens on its ssh port")
    } else if message.contains("Could not resolve hostname") {
        format!("ssh could not resolve the host name {host}")
    } else {
        message.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_uris_get_no_tty() {
        let cases = [
            ("qemu+ssh://kvm2/system", "qemu+ssh://kvm2/system?no_tty=1"),
            (
                "qemu+ssh://root@kvm2/system?keyfile=/k",
                "qemu+ssh://root@kvm2/system?keyfile=/k&no_tty=1",
            ),
            ("qemu+ssh://kvm2/system?", "qemu+ssh://kvm2/system?no_tty=1"),
            (
                "qemu+ssh://kvm2/system?a=1&",
                "qemu+ssh://kvm2/system?a=1&no_tty=1",
            ),
            (
                "qemu+ssh://kvm2/system#x",
                "qemu+ssh://kvm2/system?no_tty=1#x",
            ),
        ];
        for (uri, want) in cases {
            assert_eq!(without_tty(uri), want, "{uri}");
        }
    }

    #[test]
    fn a_no_tty_the_user_set_and_other_transports_are_left_alone() {
        for uri in [
            "qemu+ssh://kvm2/system?no_tty=0",
            "qemu+ssh://kvm2/system?keyfile=/k&no_tty=1",
            "qemu+libssh://kvm2/system",
            "qemu+tls://kvm2/system",
            "qemu+unix:///session?socket=/s",
            "qemu:///system",
            "test:///default",
        ] {
            assert!(matches!(without_tty(uri), Cow::Borrowed(_)), "{uri}");
        }
    }

    #[test]
    fn ssh_failures_become_one_sentence() {
        let uri = "qemu+ssh://root@kvm2:2222/system";
        let key = explain(
            uri,
            "Cannot recv data: Host key verification failed.: Connection reset by peer",
        );
        assert_eq!(
            key,
            "host key for kvm2 is not in ~/.ssh/known_hosts (or does not match it) — run \
             `ssh -p 2222 root@kvm2` once to check and accept it"
        );
        let denied = explain(
            uri,
            "Cannot recv data: root@kvm2: Permission denied (publickey).",
        );
        assert!(
            denied.starts_with("ssh refused the login to root@kvm2:"),
            "{denied}"
        );
        let slow = explain(
            "qemu+ssh://kvm2/system",
            "ssh: connect to host kvm2 port 22: Connection timed out",
        );
        assert_eq!(slow, "ssh could not reach kvm2: the connection timed out");
    }

    #[test]
    fn other_failures_and_transports_keep_their_message() {
        let socket = "Failed to connect socket to '/s': Permission denied (os error 13)";
        assert_eq!(explain("qemu+unix:///session?socket=/s", socket), socket);
        assert_eq!(explain("qemu+ssh://kvm2/system", "odd"), "odd");
    }
}
