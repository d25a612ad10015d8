//! The ssh processes of libvirt's ssh transport, found in /proc: libvirt starts `ssh` (or the
//! URI's `command=`) as a direct child of vmdeck with `… -T -e none … -- HOST COMMAND`, which
//! is how they are told from anything else, and to which host each one goes.

use std::collections::BTreeSet;

/// Where an ssh URI such as `qemu+ssh://root@kvm2:2222/system` goes.
#[derive(Debug, PartialEq)]
pub struct Destination {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<String>,
}

impl Destination {
    pub fn of(uri: &str) -> Destination {
        let rest = uri.split_once("://").map_or(uri, |(_, rest)| rest);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let (user, host_port) = match authority.rsplit_once('@') {
            Some((user, host_port)) => (Some(user), host_port),
            None => (None, authority),
        };
        let (host, port) = match host_port.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() => (host, Some(port)),
            _ => (host_port, None),
        };
        Destination {
            user: user.map(str::to_string),
            host: if host.is_empty() { "localhost" } else { host }.to_string(),
            port: port.map(str::to_string),
        }
    }

    /// `root@kvm2`, or `kvm2` without a user.
    pub fn login(&self) -> String {
        match &self.user {
            Some(user) => format!("{user}@{}", self.host),
            None => self.host.clone(),
        }
    }

    /// `-p 2222 ` for an ssh command line, empty without a port.
    pub fn port_option(&self) -> String {
        self.port
            .as_ref()
            .map(|p| format!("-p {p} "))
            .unwrap_or_default()
    }

    /// Whether libvirt's ssh command line `args` goes here (libvirt passes `-l`/`-p` only
    /// when the URI has them).
    fn is_target_of(&self, args: &[String]) -> bool {
        let has_pair = |flag: &str, value: &Option<String>| {
            value
                .as_ref()
                .is_none_or(|v| args.windows(2).any(|w| w[0] == flag && w[1] == *v))
        };
        let host = args.iter().skip_while(|a| *a != "--").nth(1);
        host == Some(&self.host) && has_pair("-l", &self.user) && has_pair("-p", &self.port)
    }
}

/// Whether `args` is the command line libvirt gives ssh (always `-T -e none`, then `--`).
fn is_transport(args: &[String]) -> bool {
    args.iter().any(|a| a == "-T")
        && args.windows(2).any(|w| w[0] == "-e" && w[1] == "none")
        && args.iter().any(|a| a == "--")
}

/// The pids of vmdeck's ssh transport processes.
pub fn children() -> BTreeSet<i32> {
    transports().map(|(pid, _)| pid).collect()
}

/// The pids of vmdeck's ssh transport processes going to `dest`.
pub fn children_to(dest: &Destination) -> BTreeSet<i32> {
    transports()
        .filter(|(_, args)| dest.is_target_of(args))
        .map(|(pid, _)| pid)
        .collect()
}

/// Asks each of `pids` to end (ssh exits on TERM; libvirt, or init after vmdeck, reaps it).
pub fn end<'a>(pids: impl IntoIterator<Item = &'a i32>) {
    for &pid in pids {
        tracing::info!("ending ssh process {pid}");
        // SAFETY: kill has no memory effects; the pid is a child of this process.
        unsafe { libc::kill(pid, libc::SIGTERM) };
    }
}

fn transports() -> impl Iterator<Item = (i32, Vec<String>)> {
    let me = std::process::id();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter(move |&pid| parent_of(pid) == Some(me))
        .filter_map(|pid| Some((pid, command_line(pid)?)))
        .filter(|(_, args)| is_transport(args))
}

fn parent_of(pid: i32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The name in parentheses may hold spaces: the fields after it are state, then ppid.
    let (_, fields) = stat.rsplit_once(')')?;
    fields.split_whitespace().nth(1)?.parse().ok()
}

fn command_line(pid: i32) -> Option<Vec<String>> {
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let args = raw
        .split(|&b| b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned());
    Some(args.collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn destinations_of_ssh_uris() {
        let d = Destination::of("qemu+ssh://root@kvm2:2222/system?no_tty=1");
        assert_eq!(
            (d.login(), d.port_option()),
            ("root@kvm2".into(), "-p 2222 ".into())
        );
        let d = Destination::of("qemu+ssh:///system");
        assert_eq!(
            (d.login(), d.port_option()),
            ("localhost".into(), String::new())
        );
    }

    #[test]
    fn libvirt_ssh_command_lines_are_matched_to_their_destination() {
        let line =
            args("ssh -p 2222 -l labh1 -T -e none -o BatchMode=yes -- 127.0.0.1 sh -c 'nc -U /s'");
        assert!(is_transport(&line));
        let to = |uri| Destination::of(uri).is_target_of(&line);
        assert!(to("qemu+ssh://labh1@127.0.0.1:2222/session"));
        assert!(!to("qemu+ssh://labh2@127.0.0.1:2222/session"));
        assert!(!to("qemu+ssh://labh1@127.0.0.1:22/session"));
        assert!(!to("qemu+ssh://labh1@127.0.0.2:2222/session"));
        assert!(!is_transport(&args("ssh kvm2 uptime")));
    }

    #[test]
    fn a_child_process_is_found_by_its_parent() {
        // A shell waiting on its input, with the transport's arguments after the script.
        let mut child = std::process::Command::new("sh")
            .args(["-c", "read line", "ssh", "-T", "-e", "none", "--", "h"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id() as i32;
        let dest = Destination::of("qemu+ssh://h/system");
        // Until the child has exec'd, /proc shows the parent's command line: wait for it.
        let found = (0..100).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            children_to(&dest).contains(&pid)
        });
        assert!(found, "the child was never seen with its command line");
        assert!(children().contains(&pid));
        end(&[pid]);
        let status = child.wait().unwrap();
        assert!(!status.success(), "ended by TERM");
    }
}
