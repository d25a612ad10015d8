//! `vmdeck console VM`: the console in the current terminal, without the UI, with the same
//! escape keys as the pane (Ctrl-] and Enter ~ . by default, from the keymap). The terminal
//! is restored on detach, on the console closing, and on every signal that ends vmdeck.

mod escapes;

use std::io::{Read, Write};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use crate::backend::console::{ConsoleEvent, ConsoleRegistry, ConsoleRequest};
use crate::backend::{HostSettings, spawn_driver};
use crate::config::Config;
use crate::headless::{Skip, read_all};
use crate::keymap::Keymap;
use escapes::{EscapeFilter, Escapes, Filtered};

enum Input {
    Keys(Vec<u8>),
    Console(ConsoleEvent),
}

/// Attaches to `vm`'s console until the admin detaches (`Ok`); any other end of the console
/// (host lost, stream error, taken over, guest gone) is an error with its reason, so scripts
/// and the shell's exit status can tell the two apart.
pub fn attach(
    config: &Config,
    keymap: &Keymap,
    pool: Option<&str>,
    vm: &str,
    watch_only: bool,
) -> Result<(), String> {
    let (p, h, uuid) = find_vm(config, pool, vm)?;
    // The console runs over its host's own session: the reads that found the VM are done.
    crate::backend::libvirt::close_headless_connections();
    let pool_cfg = &config.pools[p];
    let host = &pool_cfg.hosts[h];
    let watch_only = watch_only || pool_cfg.read_only || config.read_only;
    let (tx, rx) = channel();
    // A read-only pool's host is opened read-only, and its console watch-only and never
    // taken from another client (the libvirt backend's console.rs).
    let settings = HostSettings {
        stats_every: Duration::from_secs(3600),
        read_only: pool_cfg.read_only || config.read_only,
        deadlines: pool_cfg.deadlines,
    };
    let driver = spawn_driver(pool_cfg, host, Box::new(|_| {}), settings)
        .ok_or_else(|| format!("pool {}: its driver is not available", pool_cfg.name))?;
    let registry = ConsoleRegistry::default();
    let open = |force: bool| {
        let tx: Sender<Input> = tx.clone();
        let sink = std::sync::Arc::new(move |event| {
            let _ = tx.send(Input::Console(event));
        });
        driver.open_console(ConsoleRequest {
            id: 0,
            uuid: uuid.clone(),
            force,
            sink,
            registry: registry.clone(),
        });
    };
    open(false);
    loop {
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(Input::Console(ConsoleEvent::Opened)) => break,
            Ok(Input::Console(ConsoleEvent::Busy(_))) if ask_to_force(vm)? => open(true),
            Ok(Input::Console(ConsoleEvent::Busy(_))) => {
                return Err("another client holds the console".into());
            }
            Ok(Input::Console(ConsoleEvent::Failed(e) | ConsoleEvent::Closed(e))) => return Err(e),
            Ok(_) => {}
            Err(_) => return Err(format!("no answer from {} within 30 s", host.name)),
        }
    }
    let escapes = Escapes::from_keymap(keymap);
    let mode = if watch_only { "watch-only, " } else { "" };
    eprint!(
        "Connected to {vm} on {} ({mode}detach with {}).\r\n",
        host.name, escapes.describe
    );
    let _raw = RawMode::enter()?;
    spawn_stdin(tx);
    pump(&rx, &registry, &escapes, watch_only)
}

/// Copies guest output to the terminal and keys to the guest until a detach (`Ok`) or the
/// console's end (`Err` with the reason).
fn pump(
    rx: &Receiver<Input>,
    registry: &ConsoleRegistry,
    escapes: &Escapes,
    watch_only: bool,
) -> Result<(), String> {
    let mut filter = EscapeFilter::default();
    let mut out = std::io::stdout();
    while let Ok(input) = rx.recv() {
        match input {
            Input::Console(ConsoleEvent::Data(bytes)) => {
                let _ = out.write_all(&bytes);
                let _ = out.flush();
            }
            Input::Console(ConsoleEvent::Closed(reason) | ConsoleEvent::Failed(reason)) => {
                return Err(reason);
            }
            Input::Console(_) => {}
            Input::Keys(bytes) => match filter.feed(&bytes, escapes) {
                Filtered::Detach => return Ok(()),
                Filtered::Send(bytes) if !watch_only && !bytes.is_empty() => {
                    registry.send(0, &bytes)?;
                }
                Filtered::Send(_) => {}
            },
        }
    }
    Err("the console ended".into())
}

fn spawn_stdin(tx: Sender<Input>) {
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin();
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdin.read(&mut buf) {
            if n == 0 || tx.send(Input::Keys(buf[..n].to_vec())).is_err() {
                break;
            }
        }
    });
}

fn ask_to_force(vm: &str) -> Result<bool, String> {
    eprint!("Another client holds the console of {vm}. Take it over? [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| e.to_string())?;
    Ok(answer.trim().eq_ignore_ascii_case("y"))
}

fn find_vm(
    config: &Config,
    pool: Option<&str>,
    vm: &str,
) -> Result<(usize, usize, String), String> {
    let pools: Vec<_> = config
        .pools
        .iter()
        .filter(|p| pool.is_none_or(|want| p.name == want))
        .collect();
    let mut found = Vec::new();
    for (pool_name, host_name, result) in read_all(&pools, false, config.read_only) {
        match result {
            Ok(read) => found.extend(
                read.inventory
                    .vms
                    .into_iter()
                    .filter(|v| v.name == vm)
                    .map(|v| (pool_name.clone(), host_name.clone(), v.uuid)),
            ),
            Err(Skip::Failed(e)) => eprintln!("vmdeck: {pool_name}/{host_name}: {e}"),
            Err(Skip::Unsupported(_)) => {}
        }
    }
    match found.as_slice() {
        [] => Err(format!("no VM named '{vm}'")),
        [(pool_name, host_name, uuid)] => {
            let p = config
                .pools
                .iter()
                .position(|p| &p.name == pool_name)
                .ok_or("pool vanished")?;
            let h = config.pools[p]
                .hosts
                .iter()
                .position(|h| &h.name == host_name)
                // An Incus cluster member is reached through the pool's one endpoint.
                .or((config.pools[p].driver == crate::model::Driver::Incus).then_some(0))
                .ok_or("host vanished")?;
            Ok((p, h, uuid.clone()))
        }
        many => Err(format!(
            "{} VMs are named '{vm}'; name the pool with --pool",
            many.len()
        )),
    }
}

/// The terminal's settings before raw mode, restored by Drop and by the signal handler.
static SAVED: Mutex<Option<libc::termios>> = Mutex::new(None);

struct RawMode;

impl RawMode {
    fn enter() -> Result<RawMode, String> {
        // SAFETY: termios is plain data filled in by tcgetattr on stdin.
        let mut termios: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: valid fd and out-pointer.
        if unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut termios) } != 0 {
            return Err("vmdeck console needs a terminal on standard input".into());
        }
        if let Ok(mut saved) = SAVED.lock() {
            *saved = Some(termios);
        }
        for &(signal, _) in crate::term::ENDING_SIGNALS {
            // SAFETY: installs an async-signal-safe handler (tcsetattr and _exit only).
            unsafe { libc::signal(signal, restore_and_exit as *const () as libc::sighandler_t) };
        }
        // SAFETY: ignoring a signal is async-signal-safe; a stray alarm must not end the console
        // with the terminal raw.
        unsafe { libc::signal(libc::SIGALRM, libc::SIG_IGN) };
        let mut raw = termios;
        // SAFETY: cfmakeraw edits the struct in place.
        unsafe { libc::cfmakeraw(&mut raw) };
        // SAFETY: valid fd and settings.
        unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &raw) };
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        if let Some(termios) = SAVED.lock().ok().and_then(|mut s| s.take()) {
            // SAFETY: restores the settings saved by enter().
            unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &termios) };
        }
    }
}

extern "C" fn restore_and_exit(signal: libc::c_int) {
    // A signal handler must not block: take the saved settings only if the lock is free.
    if let Ok(saved) = SAVED.try_lock()
        && let Some(termios) = saved.as_ref()
    {
        // SAFETY: tcsetattr and _exit are async-signal-safe.
        unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, termios) };
    }
    // SAFETY: ends the process without running non-signal-safe destructors.
    unsafe { libc::_exit(128 + signal) };
}
