use super::*;
use crate::config::Deadlines;

#[derive(Debug)]
struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("server certificate mismatch")
    }
}

impl std::error::Error for Refused {}

fn refusal() -> std::io::Error {
    let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::Other(
        rustls::OtherError(Arc::new(Refused)),
    ));
    std::io::Error::new(std::io::ErrorKind::InvalidData, tls)
}

#[test]
fn certificate_refusals_are_told_in_plain_words() {
    let ws = tokio_tungstenite::tungstenite::Error::Io(refusal());
    let text = describe(ws);
    assert_eq!(text, "server certificate mismatch");
    let nested = std::io::Error::other(refusal());
    let text = describe(std::io::Error::other(nested));
    assert_eq!(text, "server certificate mismatch");
}

/// The lab's Incus socket, when the lab runs (a lab run that wants it fails without it).
fn lab_socket() -> Option<&'static str> {
    const SOCKET: &str = "/var/lib/incus/unix.socket";
    if std::os::unix::net::UnixStream::connect(SOCKET).is_ok() {
        return Some(SOCKET);
    }
    assert!(
        std::env::var_os("VMDECK_REQUIRE_LAB").is_none(),
        "the lab's Incus socket {SOCKET} does not answer"
    );
    None
}

/// The inodes of this process's sockets that incusd accepted on `socket`.
fn connections_to(socket: &str) -> Vec<String> {
    let ours: Vec<String> = std::fs::read_dir("/proc/self/fd")
        .expect("fds")
        .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
        .filter_map(|target| {
            let target = target.to_string_lossy().into_owned();
            Some(
                target
                    .strip_prefix("socket:[")?
                    .trim_end_matches(']')
                    .to_string(),
            )
        })
        .collect();
    let table = std::process::Command::new("ss")
        .arg("-xn")
        .output()
        .expect("ss");
    String::from_utf8_lossy(&table.stdout)
        .lines()
        .filter_map(|row| {
            let fields: Vec<&str> = row.split_whitespace().collect();
            let at = fields.iter().position(|f| *f == socket)?;
            Some(fields.get(at + 3)?.to_string())
        })
        .filter(|peer| ours.contains(peer))
        .collect()
}

/// incusd's accept loop waits for a new connection's first bytes, so a pooled connection
/// that never sent a request (a connect that lost its race to a freed one) stops every
/// client of the server (CI: the lab's Incus silent for a minute under load). Once the
/// calls are answered, no connection of vmdeck's is left open on the socket.
#[test]
fn no_connection_is_left_idle_on_the_incus_socket() {
    let Some(socket) = lab_socket() else { return };
    let config = IncusConfig {
        url: format!("unix://{socket}"),
        client_cert: PathBuf::new(),
        client_key: PathBuf::new(),
        server_cert: None,
        project: None,
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = Client::new(&config, Deadlines::default()).expect("client");
    runtime.block_on(async {
        for _ in 0..3 {
            let calls = (0..8).map(|_| client.get::<serde_json::Value>("/1.0"));
            for answer in futures_util::future::join_all(calls).await {
                answer.expect("incus answers /1.0");
            }
        }
    });
    // Connections close when their tasks end; give them a moment.
    let mut left = connections_to(socket);
    for _ in 0..50 {
        if left.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        left = connections_to(socket);
    }
    assert!(left.is_empty(), "left open on {socket}: {left:?}");
}
