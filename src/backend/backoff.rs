//! Exponential back-off for reconnecting to hosts that are down. It stops at 4 s: a try costs a
//! host one refused connection, and a host whose daemon returns must be back within 5 s.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Backoff {
    next: Duration,
    max: Duration,
}

impl Backoff {
    pub fn new() -> Self {
        Backoff {
            next: Duration::from_secs(1),
            max: Duration::from_secs(4),
        }
    }

    /// The delay to wait now; each call doubles the next one, up to the maximum.
    pub fn next_delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = (self.next * 2).min(self.max);
        delay
    }

    pub fn reset(&mut self) {
        *self = Backoff::new();
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_max_and_resets() {
        let mut b = Backoff::new();
        let delays: Vec<u64> = (0..7).map(|_| b.next_delay().as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 4, 4, 4, 4]);
        b.reset();
        assert_eq!(b.next_delay().as_secs(), 1);
    }
}
