//! Process-wide libvirt set-up: silence libvirt's stderr printing and run its event loop.

use std::sync::OnceLock;

static EVENT_LOOP: OnceLock<Result<(), String>> = OnceLock::new();

/// Registers libvirt's default event implementation and starts the thread that runs it.
/// Must happen before the first `Connect::open`: events, console streams, keepalive and the
/// embedded driver all depend on it (DESIGN.md §3).
pub fn ensure_event_loop() -> Result<(), String> {
    EVENT_LOOP
        .get_or_init(|| {
            // libvirt prints every error to stderr by default, which would draw over the UI.
            virt::error::clear_error_callback();
            virt::event::event_register_default_impl().map_err(|e| e.to_string())?;
            std::thread::Builder::new()
                .name("libvirt-events".into())
                .spawn(|| {
                    loop {
                        if virt::event::event_run_default_impl().is_err() {
                            std::thread::sleep(std::time::Duration::from_millis(50));
                        }
                    }
                })
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
        .clone()
}
