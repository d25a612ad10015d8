//! Capacity accounting as a pool policy: which VMs hold resources for the overcommit check.
//! A pool of mostly stopped domains (templates, test VMs) must still be usable, so the default
//! counts what runs now and what will run after the host reboots.

use serde::Serialize;

use crate::model::Vm;

/// Which VMs count against a host's capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Allocation {
    /// Only VMs that run (or are paused: they still hold their memory).
    #[serde(rename = "running")]
    Running,
    /// Running VMs and the ones the host starts at boot.
    #[default]
    #[serde(rename = "running+autostart")]
    RunningAutostart,
    /// Every defined VM, since any of them may be started at any time.
    #[serde(rename = "defined")]
    Defined,
}

impl Allocation {
    pub fn as_str(self) -> &'static str {
        match self {
            Allocation::Running => "running",
            Allocation::RunningAutostart => "running+autostart",
            Allocation::Defined => "defined",
        }
    }

    /// Whether `vm` holds resources under this policy.
    pub fn counts(self, vm: &Vm) -> bool {
        match self {
            Allocation::Running => vm.state.is_active(),
            Allocation::RunningAutostart => vm.state.is_active() || vm.autostart,
            Allocation::Defined => true,
        }
    }

    /// `allocation = "…"` as written in the config; `owner` names the pool or host in errors.
    pub fn parse(text: &str, owner: &str) -> Result<Allocation, String> {
        match text {
            "running" => Ok(Allocation::Running),
            "running+autostart" => Ok(Allocation::RunningAutostart),
            "defined" => Ok(Allocation::Defined),
            other => Err(format!(
                "{owner}: allocation = \"{other}\" (expected \"running\", \
                 \"running+autostart\" or \"defined\")"
            )),
        }
    }
}

/// The pool's policy, or the default when it sets none.
pub(super) fn pool_allocation(pool: &str, text: Option<&str>) -> Result<Allocation, String> {
    text.map_or(Ok(Allocation::default()), |t| {
        Allocation::parse(t, &format!("pool '{pool}'"))
    })
}

/// A host's own policy, when its entry sets one.
pub(super) fn host_allocation(
    pool: &str,
    host: &str,
    text: Option<String>,
) -> Result<Option<Allocation>, String> {
    text.map(|t| Allocation::parse(&t, &format!("pool '{pool}', host '{host}'")))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_config;

    const POOL: &str = "[[pool]]\nname = \"p\"\n";

    #[test]
    fn default_is_running_and_autostart() {
        let text = format!("{POOL}hosts = [\"qemu:///system\"]\n");
        let config = parse_config(&text, "c.toml").expect("valid");
        assert_eq!(config.pools[0].allocation, Allocation::RunningAutostart);
        let pool = &config.pools[0];
        assert_eq!(
            pool.allocation_of(&pool.hosts[0]),
            Allocation::RunningAutostart
        );
    }

    #[test]
    fn a_host_overrides_its_pool() {
        let text = format!(
            "{POOL}allocation = \"defined\"\nhosts = [\"qemu+ssh://a/system\", \
             {{ uri = \"qemu+ssh://b/system\", allocation = \"running\" }}]\n"
        );
        let config = parse_config(&text, "c.toml").expect("valid");
        let pool = &config.pools[0];
        assert_eq!(pool.allocation, Allocation::Defined);
        let hosts: Vec<_> = pool.hosts.iter().map(|h| pool.allocation_of(h)).collect();
        assert_eq!(hosts, [Allocation::Defined, Allocation::Running]);
    }

    #[test]
    fn a_bad_policy_names_file_line_and_choices() {
        let text = format!("{POOL}hosts = [\"qemu:///system\"]\nallocation = \"all\"\n");
        let err = parse_config(&text, "c.toml").expect_err("refused");
        assert_eq!(err.line, Some(1));
        assert!(
            err.reason.contains("pool 'p': allocation = \"all\""),
            "{err}"
        );
        let text =
            format!("{POOL}hosts = [{{ uri = \"qemu+ssh://b/system\", allocation = \"x\" }}]\n");
        let err = parse_config(&text, "c.toml").expect_err("refused");
        assert!(err.reason.contains("pool 'p', host 'b'"), "{err}");
    }
}
