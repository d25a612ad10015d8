//! Panics in a host's supervisor thread are contained: the host is marked failed with the
//! panic's message and its supervisor restarts, while the UI goes on. The panic hook (in
//! `term`) asks `contained_here` so that such a panic is written to the log file only, never
//! over the screen, and leaves the terminal to the UI.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into its message.
pub fn contain<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    let outer = CONTAINED.with(|c| c.replace(true));
    // The supervisor rebuilds its state from scratch after a panic, so nothing half-updated
    // is used again.
    let result = catch_unwind(AssertUnwindSafe(f));
    CONTAINED.with(|c| c.set(outer));
    result.map_err(|payload| message(payload.as_ref()))
}

/// Whether a panic on this thread is contained (the panic hook logs it and nothing else).
pub fn contained_here() -> bool {
    CONTAINED.with(Cell::get)
}

/// A panic's message: its `&str` or `String` payload.
pub fn message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".into()
    }
}

/// The reason a host shows after its supervisor panicked.
pub fn failed_reason(panic: &str) -> String {
    format!("vmdeck failed on this host ({panic}); its supervisor restarts")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_the_flag_is_restored() {
        assert!(!contained_here());
        let inside = contain(contained_here);
        assert_eq!(inside, Ok(true));
        assert_eq!(
            contain(|| panic!("boom {}", 7)),
            Err::<(), _>("boom 7".into())
        );
        assert_eq!(
            contain(|| std::panic::panic_any(3)),
            Err::<(), _>("a panic without a message".into())
        );
        assert!(!contained_here());
    }
}
