//! TLS for Incus over HTTPS: TLS 1.3 only (Incus requires it), our client certificate, and
//! trust by pinning the server's own certificate — Incus servers use self-signed certificates,
//! so a CA check would either fail or, worse, be switched off. Anything but the pinned
//! certificate is refused.

use std::path::Path;
use std::sync::{Arc, Once};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, OtherError, SignatureScheme};

use crate::config::IncusConfig;

/// reqwest builds a TLS config even for unix-socket clients and needs a process-wide crypto
/// provider for that; ours is ring (small and quick to build).
pub fn ensure_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Err means another part of the process installed one first, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The client TLS config for an https:// Incus URL.
pub fn client_config(config: &IncusConfig) -> Result<ClientConfig, String> {
    let pinned_path = config
        .server_cert
        .as_deref()
        .ok_or("an https:// url needs server_cert = \"<path of the server's PEM certificate>\" in the pool: vmdeck pins it")?;
    let pinned = read_certs(pinned_path)?
        .into_iter()
        .next()
        .ok_or_else(|| format!("{}: no certificate in the file", pinned_path.display()))?;
    let client_chain = read_certs(&config.client_cert)?;
    let client_key = PrivateKeyDer::from_pem_file(&config.client_key)
        .map_err(|e| format!("{}: {e}", config.client_key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = PinnedServer {
        pinned,
        provider: provider.clone(),
    };
    ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_client_auth_cert(client_chain, client_key)
        .map_err(|e| format!("client certificate/key: {e}"))
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Accepts exactly one server certificate. Signatures are still checked against it, so a
/// server that merely replays the certificate without its key fails the handshake.
#[derive(Debug)]
struct PinnedServer {
    pinned: CertificateDer<'static>,
    provider: Arc<CryptoProvider>,
}

/// Why a handshake was refused; the text reaches the user through the error chain.
#[derive(Debug)]
struct PinMismatch {
    presented: String,
    pinned: String,
}

impl std::fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "server certificate mismatch: the server presented sha256 {} but server_cert pins sha256 {}",
            self.presented, self.pinned
        )
    }
}

impl std::error::Error for PinMismatch {}

pub fn fingerprint(der: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, der)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.pinned.as_ref() {
            return Ok(ServerCertVerified::assertion());
        }
        let mismatch = PinMismatch {
            presented: fingerprint(end_entity.as_ref()),
            pinned: fingerprint(self.pinned.as_ref()),
        };
        Err(rustls::Error::InvalidCertificate(CertificateError::Other(
            OtherError(Arc::new(mismatch)),
        )))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_different_certificate_is_refused_with_both_fingerprints() {
        let verifier = PinnedServer {
            pinned: CertificateDer::from(vec![1, 2, 3]),
            provider: Arc::new(rustls::crypto::ring::default_provider()),
        };
        let name = ServerName::try_from("127.0.0.1").unwrap();
        let other = CertificateDer::from(vec![9, 9]);
        let err = verifier
            .verify_server_cert(&other, &[], &name, &[], UnixTime::now())
            .unwrap_err();
        let rustls::Error::InvalidCertificate(CertificateError::Other(other)) = err else {
            panic!("{err:?}");
        };
        let text = other.0.to_string();
        assert!(text.contains("certificate mismatch"), "{text}");
        assert!(text.contains(&fingerprint(&[1, 2, 3])), "{text}");
        let same = CertificateDer::from(vec![1, 2, 3]);
        assert!(
            verifier
                .verify_server_cert(&same, &[], &name, &[], UnixTime::now())
                .is_ok()
        );
    }
}
