//! An Incus console: the console log first (so history is not lost), then
//! `POST /1.0/instances/<n>/console` and its two websockets — control (JSON `window-resize`)
//! and data (binary both ways).

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio_tungstenite::tungstenite::Message;

use super::client::{Client, Ws};
use super::types::Operation;
use crate::backend::console::{ConsoleEvent, ConsoleRequest, ConsoleTransport};

/// What the pane sends to the console task.
enum Outgoing {
    Bytes(Vec<u8>),
    Resize { cols: u16, rows: u16 },
}

/// The registry's handle on an Incus console; dropping it detaches (the task closes both
/// websockets when its channel ends).
pub struct IncusConsole {
    tx: UnboundedSender<Outgoing>,
}

impl ConsoleTransport for IncusConsole {
    fn send(&self, bytes: &[u8]) -> Result<(), String> {
        self.tx
            .send(Outgoing::Bytes(bytes.to_vec()))
            .map_err(|_| "the console is closed".to_string())
    }

    fn resize(&self, cols: u16, rows: u16) {
        let _ = self.tx.send(Outgoing::Resize { cols, rows });
    }
}

/// Attaches to the console of `name` in `project` and pumps it until either side ends.
pub async fn run(client: Client, project: String, name: String, request: ConsoleRequest) {
    let sink = request.sink.clone();
    let query = format!("project={project}");
    let history = client
        .get_bytes(&format!("/1.0/instances/{name}/console?{query}"))
        .await
        .unwrap_or_default();
    let (control, data) = match attach(&client, &name, &query, request.force).await {
        Ok(sockets) => sockets,
        Err(reason) if is_busy(&reason) => return sink(ConsoleEvent::Busy(reason)),
        Err(reason) => return sink(ConsoleEvent::Failed(reason)),
    };
    let (tx, rx) = unbounded_channel();
    request
        .registry
        .insert(request.id, Box::new(IncusConsole { tx }));
    sink(ConsoleEvent::Opened);
    let history = without_terminal_queries(&history);
    if !history.is_empty() {
        sink(ConsoleEvent::Data(history));
    }
    // A detach (the transport dropped) is the app's own doing: it already knows, and the
    // same id may be reused at once for a new attach, so only a remote end is reported.
    if let Some(reason) = pump(control, data, rx, &sink).await {
        sink(ConsoleEvent::Closed(reason));
    }
}

async fn attach(client: &Client, name: &str, query: &str, force: bool) -> Result<(Ws, Ws), String> {
    let body = serde_json::json!({"type": "console", "width": 80, "height": 24, "force": force});
    let path = format!("/1.0/instances/{name}/console?{query}");
    let operation = client.post::<Operation>(&path, &body).await?.metadata;
    let secret = |fd: &str| {
        operation
            .metadata
            .fds
            .get(fd)
            .cloned()
            .ok_or_else(|| format!("the console operation has no '{fd}' websocket"))
    };
    let socket = |secret: String| {
        format!(
            "/1.0/operations/{}/websocket?secret={secret}&{query}",
            operation.id
        )
    };
    // Control first, then data, as the Go client does: the server starts once both are in.
    let control = client.websocket(&socket(secret("control")?)).await?;
    let data = client.websocket(&socket(secret("0")?)).await?;
    Ok((control, data))
}

fn is_busy(reason: &str) -> bool {
    let reason = reason.to_ascii_lowercase();
    reason.contains("busy") || reason.contains("already")
}

/// How often a silent console is probed with a ping, and how long without any word from the
/// server (data, pong) means it is gone: a stopped or hung incusd sends no close, and the pane
/// must not go on saying "attached" while what is typed is lost.
const PROBE_EVERY: Duration = Duration::from_secs(2);
const SILENT_LIMIT: Duration = Duration::from_secs(4);

/// Moves bytes until the guest side ends (Some(reason)) or the app detaches (None).
async fn pump(
    mut control: Ws,
    mut data: Ws,
    mut rx: UnboundedReceiver<Outgoing>,
    sink: &crate::backend::console::ConsoleSink,
) -> Option<String> {
    let mut heard = Instant::now();
    let mut probe = tokio::time::interval(PROBE_EVERY);
    loop {
        tokio::select! {
            message = data.next() => {
                heard = Instant::now();
                match message {
                    Some(Ok(Message::Binary(bytes))) => sink(ConsoleEvent::Data(bytes.to_vec())),
                    Some(Ok(Message::Text(text))) => {
                        sink(ConsoleEvent::Data(text.as_bytes().to_vec()))
                    }
                    Some(Ok(Message::Close(_))) | None => return Some("the console ended".into()),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Some(lost(&e)),
                }
            }
            message = control.next() => {
                heard = Instant::now();
                match message {
                    Some(Ok(Message::Close(_))) | None => return Some("the console ended".into()),
                    Some(Err(e)) => return Some(lost(&e)),
                    Some(Ok(_)) => {}
                }
            }
            _ = probe.tick() => {
                if heard.elapsed() > SILENT_LIMIT {
                    return Some("the Incus server stopped answering".into());
                }
                let _ = control.send(Message::Ping(Vec::new().into())).await;
            }
            outgoing = rx.recv() => match outgoing {
                Some(Outgoing::Bytes(bytes)) => {
                    if let Err(e) = data.send(Message::Binary(bytes.into())).await {
                        return Some(lost(&e));
                    }
                }
                Some(Outgoing::Resize { cols, rows }) => {
                    let _ = control.send(Message::Text(resize_command(cols, rows).into())).await;
                }
                None => {
                    // Closing control is how Incus clients detach.
                    let _ = control.close(None).await;
                    let _ = data.close(None).await;
                    return None;
                }
            },
        }
    }
}

/// A websocket that failed under the console: the server went away (stopped, restarted,
/// lost); the library's words follow for whoever digs.
fn lost(error: &tokio_tungstenite::tungstenite::Error) -> String {
    format!("the Incus server was lost ({error})")
}

/// Incus wants the sizes as strings.
fn resize_command(cols: u16, rows: u16) -> String {
    serde_json::json!({
        "command": "window-resize",
        "args": {"width": cols.to_string(), "height": rows.to_string()}
    })
    .to_string()
}

/// The history is replayed for display only: a query in it (busybox asks `ESC[6n`) was
/// answered long ago, and answering again would type the reply into the guest's shell.
fn without_terminal_queries(bytes: &[u8]) -> Vec<u8> {
    const QUERIES: [&[u8]; 5] = [b"\x1b[6n", b"\x1b[5n", b"\x1b[c", b"\x1b[0c", b"\x1b[>c"];
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        if let Some(query) = QUERIES.iter().find(|q| rest.starts_with(q)) {
            rest = &rest[query.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resize_sizes_are_strings() {
        let value: serde_json::Value = serde_json::from_str(&resize_command(120, 40)).unwrap();
        assert_eq!(value["command"], "window-resize");
        assert_eq!(value["args"]["width"], "120");
        assert_eq!(value["args"]["height"], "40");
    }

    #[test]
    fn history_loses_its_terminal_queries() {
        let log = b"# \x1b[6nls\r\n\x1b[c# ";
        assert_eq!(without_terminal_queries(log), b"# ls\r\n# ");
    }
}
