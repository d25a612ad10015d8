//! Runs the real vmdeck binary in a pseudo-terminal and reads its screen through a vt100
//! parser, as a user would see it. Waits poll the screen until a condition holds or a
//! generous deadline passes (liveness, not performance: nothing here measures speed).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub struct Tui {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    pub home: tempfile::TempDir,
}

impl Tui {
    /// Starts vmdeck with `args` in a `cols`×`rows` terminal, with a private config/data dir.
    pub fn spawn(args: &[&str], cols: u16, rows: u16) -> Tui {
        Tui::spawn_with(args, cols, rows, |_| {})
    }

    /// Like `spawn`, after `setup` has prepared the private home (config files, …).
    pub fn spawn_with(
        args: &[&str],
        cols: u16,
        rows: u16,
        setup: impl FnOnce(&std::path::Path),
    ) -> Tui {
        let home = tempfile::tempdir().expect("tempdir");
        setup(home.path());
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_vmdeck"));
        cmd.args(args);
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env("XDG_DATA_HOME", home.path().join("data"));
        cmd.env_remove("VMDECK_CONFIG");
        Tui::start(cmd, cols, rows, home)
    }

    /// Any program in a PTY (another client: `virsh console`), with `env` added.
    pub fn spawn_program(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Tui {
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        for (key, value) in env {
            cmd.env(key, value);
        }
        Tui::start(cmd, cols, rows, tempfile::tempdir().expect("tempdir"))
    }

    fn start(mut cmd: CommandBuilder, cols: u16, rows: u16, home: tempfile::TempDir) -> Tui {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        cmd.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let (p, r) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().expect("writer");
        Tui {
            parser,
            raw,
            writer,
            child,
            _master: pair.master,
            home,
        }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// Whether the program left the cursor hidden.
    pub fn cursor_hidden(&self) -> bool {
        self.parser.lock().unwrap().screen().hide_cursor()
    }

    /// Whether the program left mouse reporting or bracketed paste on.
    pub fn mouse_or_paste_on(&self) -> bool {
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        screen.mouse_protocol_mode() != vt100::MouseProtocolMode::None || screen.bracketed_paste()
    }

    /// The terminal's line discipline as the program left it (what `stty -a` shows): whether
    /// `icanon` and `echo` are on. The master shares the slave's settings.
    pub fn canonical_with_echo(&self) -> (bool, bool) {
        let fd = self._master.as_raw_fd().expect("pty master fd");
        // SAFETY: termios is plain data filled in by tcgetattr on a valid descriptor.
        let mut termios: libc::termios = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::tcgetattr(fd, &mut termios) }, 0, "tcgetattr");
        (
            termios.c_lflag & libc::ICANON != 0,
            termios.c_lflag & libc::ECHO != 0,
        )
    }

    pub fn raw_output(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    pub fn send(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(60));
    }

    /// Waits until `pred(screen)` holds; panics with the screen when it never does.
    pub fn wait_for(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        match self.poll_for(timeout, pred) {
            Ok(screen) => screen,
            Err(screen) => panic!("timed out waiting for {what}; screen:\n{screen}"),
        }
    }

    /// Waits until `pred(screen)` holds: the screen, or the last screen seen when it never did.
    pub fn poll_for(
        &self,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.screen();
            if pred(&screen) {
                // The rest of the frame that matched may still be on its way: the screen
                // once the output pauses, if it still holds.
                let settled = self.settled();
                return Ok(if pred(&settled) { settled } else { screen });
            }
            if Instant::now() > deadline {
                return Err(screen);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The screen once no output came for 30 ms (at most half a second: a console flood
    /// never pauses).
    fn settled(&self) -> String {
        let until = Instant::now() + Duration::from_millis(500);
        let mut seen = self.raw.lock().unwrap().len();
        while Instant::now() < until {
            std::thread::sleep(Duration::from_millis(30));
            let now = self.raw.lock().unwrap().len();
            if now == seen {
                break;
            }
            seen = now;
        }
        self.screen()
    }

    pub fn wait_text(&self, text: &str) -> String {
        self.wait_for(&format!("'{text}'"), Duration::from_secs(30), |s| {
            s.contains(text)
        })
    }

    /// The screen line that contains `needle`.
    pub fn line_with(&self, needle: &str) -> Option<String> {
        self.screen()
            .lines()
            .find(|l| l.contains(needle))
            .map(str::to_string)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// Waits for the process to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<portable_pty::ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the reader thread take the last bytes.
                std::thread::sleep(Duration::from_millis(200));
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The lab's config, or None (test skipped) when no lab is set up. With VMDECK_REQUIRE_LAB=1
/// (as `make test` and CI set) a missing lab fails the test instead.
pub fn lab_config() -> Option<PathBuf> {
    let path = std::env::var_os("VMDECK_LAB").map(PathBuf::from);
    match path {
        Some(path) if path.exists() => Some(path),
        _ if std::env::var("VMDECK_REQUIRE_LAB").as_deref() == Ok("1") => {
            panic!(
                "VMDECK_REQUIRE_LAB=1 but VMDECK_LAB does not name the lab's vmdeck.toml (run `make lab`)"
            )
        }
        _ => {
            eprintln!("skipped: no lab (set VMDECK_LAB to the lab's vmdeck.toml)");
            None
        }
    }
}

/// The lab's repo-relative control script.
pub fn lab_ctl(args: &[&str]) -> String {
    let out = std::process::Command::new("bash")
        .arg("lab/ctl.sh")
        .args(args)
        .output()
        .expect("lab/ctl.sh");
    assert!(
        out.status.success(),
        "lab/ctl.sh {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

pub fn virsh(uri: &str, args: &[&str]) -> String {
    let out = std::process::Command::new("virsh")
        .arg("-c")
        .arg(uri)
        .args(args)
        .output()
        .expect("virsh");
    assert!(
        out.status.success(),
        "virsh {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A copy of the lab config with extra top-level settings, in `dir`.
pub fn lab_config_with(lab: &std::path::Path, dir: &std::path::Path, extra: &str) -> PathBuf {
    let text = std::fs::read_to_string(lab).unwrap();
    let path = dir.join("vmdeck.toml");
    std::fs::write(&path, format!("{extra}\n{text}")).unwrap();
    path
}
