//! Where headless commands' Incus calls run: one runtime for the whole command and one
//! client per server, so a command that calls a server many times (`sets watch` every pass:
//! its lock read, written and read back, the pool read, CPU measured) keeps its HTTPS
//! connection and pays the TLS handshake once. (Over the unix socket no connection is kept
//! idle, see `Client::new`; there a connect costs nothing.)

use std::sync::{Mutex, OnceLock, PoisonError};

use tokio::runtime::Runtime;

use super::client::Client;
use crate::config::{Deadlines, IncusConfig};

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
static CLIENTS: Mutex<Vec<(IncusConfig, Client)>> = Mutex::new(Vec::new());

fn runtime() -> Result<&'static Runtime, String> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("vmdeck-incus")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(String::clone)
}

/// The command's client for the server of `config`.
fn client(config: &IncusConfig, deadlines: Deadlines) -> Result<Client, String> {
    let mut clients = CLIENTS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, client)) = clients.iter().find(|(c, _)| c == config) {
        return Ok(client.clone());
    }
    let client = Client::new(config, deadlines)?;
    clients.push((config.clone(), client.clone()));
    Ok(client)
}

/// Runs `work` with the command's client for `config`, to its end, in this thread.
pub fn run<T>(
    config: &IncusConfig,
    deadlines: Deadlines,
    work: impl AsyncFnOnce(&Client) -> Result<T, String>,
) -> Result<T, String> {
    let client = client(config, deadlines)?;
    runtime()?.block_on(work(&client))
}
