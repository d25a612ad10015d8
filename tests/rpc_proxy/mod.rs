//! The lab's RPC-counting proxy (`lab/rtt-proxy.py`) in front of one lab host, for tests that
//! count what vmdeck says on the wire: its connections and each one's calls by procedure.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::pty::lab_ctl;

/// lab/rtt-proxy.py in front of a lab host, without delay, counting RPCs; stopped on drop.
pub struct Proxy {
    child: Child,
    pub socket: PathBuf,
    log: PathBuf,
}

impl Proxy {
    /// The proxy in front of lab host `n`, its socket and log in `dir`.
    pub fn start(dir: &Path, n: u8) -> Proxy {
        let socket = dir.join(format!("lab{n}.sock"));
        let log = dir.join("rpc.log");
        let upstream = lab_ctl(&["uri", &n.to_string()]);
        let upstream = upstream.split("socket=").nth(1).unwrap().to_string();
        let child = Command::new("python3")
            .arg("lab/rtt-proxy.py")
            .args(["--rtt-ms", "0", "--rpc-log", log.to_str().unwrap()])
            .arg("--forward")
            .arg(format!("{}={upstream}", socket.display()))
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(socket.exists(), "the proxy did not start");
        Proxy { child, socket, log }
    }

    /// Every connection's calls once at least `expected` closed and no more came for a
    /// second: what a command that has ended opened in all.
    pub fn all_connections(&self, expected: usize) -> Vec<serde_json::Value> {
        let mut seen = self.connections(expected);
        loop {
            std::thread::sleep(Duration::from_secs(1));
            let now = self.connections(expected);
            if now.len() == seen.len() {
                return now;
            }
            seen = now;
        }
    }

    /// Each connection's calls by procedure, once the proxy has seen them close.
    pub fn connections(&self, expected: usize) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            let lines: Vec<serde_json::Value> = text
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            if lines.len() >= expected || Instant::now() > deadline {
                return lines;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}
