//! How long a pool's hosts may take before vmdeck calls them not answering: a slow WAN host
//! needs longer than a rack neighbour, and a dead one should show as such at once.

use std::time::Duration;

use toml::Spanned;

/// The longest deadline a pool may set: beyond an hour a host is not slow but gone, and a
/// huge value overflows the clock.
const MAX_SECS: u64 = 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// Opening a connection (libvirt, Incus), ssh's handshake included.
    pub connect: Duration,
    /// One call on an open connection: libvirt's keepalive closes a connection silent this
    /// long, an Incus request is given up after it.
    pub call: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            connect: Duration::from_secs(10),
            call: Duration::from_secs(15),
        }
    }
}

impl Deadlines {
    /// libvirt's keepalive for the call deadline: a probe every `interval` seconds, the
    /// connection closed after `count` unanswered ones, i.e. about `interval × (count + 1)`.
    pub fn keepalive(&self) -> (i32, u32) {
        let secs = self.call.as_secs().max(1);
        let interval = (secs / 3).clamp(1, 5);
        let count = (secs / interval).saturating_sub(1).max(1);
        (interval as i32, count as u32)
    }
}

/// A pool's `connect_timeout_secs` and `call_timeout_secs`; an error is at the key's value.
pub fn pool_deadlines(
    pool: &str,
    connect: Option<&Spanned<u64>>,
    call: Option<&Spanned<u64>>,
) -> Result<Deadlines, (usize, String)> {
    let mut deadlines = Deadlines::default();
    if let Some(secs) = connect {
        deadlines.connect = seconds(pool, "connect_timeout_secs", secs)?;
    }
    if let Some(secs) = call {
        deadlines.call = seconds(pool, "call_timeout_secs", secs)?;
    }
    Ok(deadlines)
}

fn seconds(pool: &str, key: &str, secs: &Spanned<u64>) -> Result<Duration, (usize, String)> {
    let value = *secs.get_ref();
    if (1..=MAX_SECS).contains(&value) {
        Ok(Duration::from_secs(value))
    } else {
        Err((
            secs.span().start,
            format!("pool '{pool}': {key} = {value} is out of range (1 to {MAX_SECS})"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pool_has_its_own_deadlines_and_the_defaults_elsewhere() {
        let text = "[[pool]]\nname = \"wan\"\nhosts = [\"qemu+ssh://far/system\"]\n\
                    connect_timeout_secs = 40\ncall_timeout_secs = 60\n\
                    [[pool]]\nname = \"rack\"\nhosts = [\"qemu:///system\"]\n";
        let config = crate::config::parse_config(text, "t.toml").unwrap();
        let wan = config.pools[0].deadlines;
        assert_eq!(wan.connect, Duration::from_secs(40));
        assert_eq!(wan.call, Duration::from_secs(60));
        assert_eq!(config.pools[1].deadlines, Deadlines::default());
    }

    #[test]
    fn keepalive_closes_a_silent_connection_at_about_the_call_deadline() {
        let at = |call| {
            let (interval, count) = Deadlines {
                call: Duration::from_secs(call),
                ..Deadlines::default()
            }
            .keepalive();
            (interval, count, interval as u64 * (count as u64 + 1))
        };
        assert_eq!(at(15), (5, 2, 15));
        assert_eq!(at(30), (5, 5, 30));
        assert_eq!(at(4), (1, 3, 4));
        assert_eq!(at(1), (1, 1, 2));
        assert_eq!(at(3600).2, 3600);
    }
}
