//! The Incus REST client: one reqwest client over the unix socket or HTTPS (pinned server
//! certificate, client certificate), and websockets over the same transport.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use super::tls;
use super::types::Envelope;
use crate::config::{Deadlines, IncusConfig};

/// Any byte stream a websocket can run over (unix socket or TCP).
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

pub type Ws = WebSocketStream<MaybeTlsStream<Box<dyn Io>>>;

#[derive(Clone)]
enum Transport {
    Unix(PathBuf),
    Https {
        /// `host:port`, for the TCP connection of websockets.
        authority: String,
        tls: Arc<rustls::ClientConfig>,
    },
}

/// A connection to one Incus server. Cheap to clone.
/// Every call vmdeck makes answers at once (long work is an operation, waited on in 1 s
/// steps), so a server silent for the pool's call deadline is hung: its host is marked down
/// with that reason rather than left "up" with a stuck sample.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    call_deadline: Duration,
    /// `http://incus` for the socket (the host part is ignored), else the https URL.
    base: String,
    transport: Transport,
    /// Only this project; None means all projects.
    pub project: Option<String>,
}

impl Client {
    pub fn new(config: &IncusConfig, deadlines: Deadlines) -> Result<Client, String> {
        tls::ensure_crypto_provider();
        let builder = reqwest::Client::builder()
            .connect_timeout(deadlines.connect)
            .timeout(deadlines.call);
        let (http, base, transport) = if let Some(path) = config.url.strip_prefix("unix://") {
            // incusd reads the first bytes of each socket connection in its accept loop, so a
            // connection that sends nothing stops every client. The pool keeps such ones: a
            // connect that lost its race to a freed connection is parked unused. A unix
            // connect is cheap, so none is kept idle.
            let http = builder
                .unix_socket(path)
                .pool_max_idle_per_host(0)
                .build()
                .map_err(describe)?;
            let transport = Transport::Unix(PathBuf::from(path));
            (http, "http://incus".to_string(), transport)
        } else if let Some(rest) = config.url.strip_prefix("https://") {
            let tls_config = tls::client_config(config)?;
            let http = builder
                .tls_backend_preconfigured(tls_config.clone())
                .build()
                .map_err(describe)?;
            let authority = rest.trim_end_matches('/').to_string();
            let authority = if authority.contains(':') {
                authority
            } else {
                format!("{authority}:8443")
            };
            let base = format!("https://{authority}");
            let tls = Arc::new(tls_config);
            (http, base, Transport::Https { authority, tls })
        } else {
            return Err(format!("{}: not a unix:// or https:// URL", config.url));
        };
        Ok(Client {
            http,
            call_deadline: deadlines.call,
            base,
            transport,
            project: config.project.clone(),
        })
    }

    /// `GET path` and the `metadata` of a sync response.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, String> {
        let response = self.http.get(self.url(path)).send().await;
        self.metadata(response.map_err(|e| self.failed(e))?).await
    }

    /// `GET path` as raw bytes (the console log is not JSON).
    pub async fn get_bytes(&self, path: &str) -> Result<Vec<u8>, String> {
        let response = self
            .http
            .get(self.url(path))
            .send()
            .await
            .map_err(|e| self.failed(e))?;
        if !response.status().is_success() {
            return Err(api_error(response).await);
        }
        let bytes = response.bytes().await.map_err(|e| self.failed(e))?;
        Ok(bytes.to_vec())
    }

    /// `POST path` with a JSON body; returns the whole envelope (async calls carry their
    /// operation there).
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<Envelope<T>, String> {
        self.send_json(reqwest::Method::POST, path, body).await
    }

    /// `PUT path` with a JSON body; returns the whole envelope.
    pub async fn put<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<Envelope<T>, String> {
        self.send_json(reqwest::Method::PUT, path, body).await
    }

    /// `DELETE path`; returns the whole envelope.
    pub async fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<Envelope<T>, String> {
        let response = self.http.delete(self.url(path)).send().await;
        self.envelope(response.map_err(|e| self.failed(e))?).await
    }

    async fn send_json<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &impl Serialize,
    ) -> Result<Envelope<T>, String> {
        let request = self.http.request(method, self.url(path)).json(body);
        self.envelope(request.send().await.map_err(|e| self.failed(e))?)
            .await
    }

    /// Opens a websocket on `path` over the same transport.
    pub async fn websocket(&self, path: &str) -> Result<Ws, String> {
        let (url, stream): (String, Box<dyn Io>) = match &self.transport {
            Transport::Unix(socket) => {
                let stream = tokio::net::UnixStream::connect(socket)
                    .await
                    .map_err(|e| format!("{}: {e}", socket.display()))?;
                (format!("ws://incus{path}"), Box::new(stream))
            }
            Transport::Https { authority, .. } => {
                let stream = tokio::net::TcpStream::connect(authority.as_str())
                    .await
                    .map_err(|e| format!("{authority}: {e}"))?;
                (format!("wss://{authority}{path}"), Box::new(stream))
            }
        };
        let connector = match &self.transport {
            Transport::Unix(_) => Connector::Plain,
            Transport::Https { tls, .. } => Connector::Rustls(tls.clone()),
        };
        let request = url.into_client_request().map_err(describe)?;
        let (ws, _) =
            tokio_tungstenite::client_async_tls_with_config(request, stream, None, Some(connector))
                .await
                .map_err(describe)?;
        Ok(ws)
    }

    /// A failed request in one sentence; silence for the call deadline is "not answering".
    fn failed(&self, error: reqwest::Error) -> String {
        if is_timeout(&error) {
            return format!(
                "not answering: no reply within {} s",
                self.call_deadline.as_secs()
            );
        }
        describe(error)
    }

    /// A response's envelope; an error envelope is an error even under HTTP 200, which is
    /// how a cluster member passes on another member's failure.
    async fn envelope<T: DeserializeOwned>(
        &self,
        response: reqwest::Response,
    ) -> Result<Envelope<T>, String> {
        if !response.status().is_success() {
            return Err(api_error(response).await);
        }
        let raw = response
            .json::<Envelope<serde_json::Value>>()
            .await
            .map_err(|e| self.failed(e))?;
        if !raw.error.is_empty() {
            return Err(format!("incus: {}", raw.error));
        }
        let metadata = serde_json::from_value(raw.metadata).map_err(|e| format!("incus: {e}"))?;
        Ok(Envelope {
            error: raw.error,
            metadata,
        })
    }

    async fn metadata<T: DeserializeOwned>(
        &self,
        response: reqwest::Response,
    ) -> Result<T, String> {
        self.envelope(response).await.map(|e| e.metadata)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The project new instances go to and images are read from.
    pub fn own_project(&self) -> &str {
        self.project.as_deref().unwrap_or("default")
    }

    /// The query that selects instances: one project, or all of them.
    pub fn project_query(&self) -> String {
        match &self.project {
            Some(project) => format!("project={project}"),
            None => "all-projects=true".into(),
        }
    }
}

/// Incus explains failures in an error envelope; fall back to the HTTP status.
async fn api_error(response: reqwest::Response) -> String {
    let status = response.status();
    match response.json::<Envelope<serde_json::Value>>().await {
        Ok(e) if !e.error.is_empty() => format!("incus: {} ({})", e.error, status.as_u16()),
        _ => format!("incus: HTTP {status}"),
    }
}

/// An error with its whole source chain: reqwest's own text ("error sending request") hides
/// the reason an admin needs (refused connection, certificate mismatch, …).
pub fn describe(error: impl std::error::Error + 'static) -> String {
    // The refusal says all there is to say; the layers around it only repeat it in Debug form.
    if let Some(reason) = certificate_refusal(&error) {
        return reason;
    }
    let mut text = error.to_string();
    let mut cause: Option<&(dyn std::error::Error + 'static)> = error.source();
    while let Some(current) = cause {
        if let Some(reason) = certificate_refusal(current) {
            return reason;
        }
        let cause_text = current.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        cause = current.source();
    }
    text
}

/// Our verifier's own words when it refused the server's certificate; rustls would print
/// them in Debug form inside its "invalid peer certificate".
fn certificate_refusal(cause: &(dyn std::error::Error + 'static)) -> Option<String> {
    // hyper and tokio-rustls wrap the rustls error in io::Errors, sometimes twice.
    let mut current = cause;
    loop {
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return match tls {
                rustls::Error::InvalidCertificate(rustls::CertificateError::Other(other)) => {
                    Some(other.0.to_string())
                }
                _ => None,
            };
        }
        current = current.downcast_ref::<std::io::Error>()?.get_ref()?;
    }
}

/// Whether reqwest gave up waiting (the call timeout, not the connect one: that says
/// "connect" in its own words).
fn is_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    error
        .downcast_ref::<reqwest::Error>()
        .is_some_and(|e| e.is_timeout() && !e.is_connect())
}

#[cfg(test)]
mod tests;
