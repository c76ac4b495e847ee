//! Reaching other machines: the chain's JSON-RPC over `http(s)://` or
//! `ws(s)://`, and registry nodes over `http(s)://`, with one TLS policy for
//! the wallet and the node alike.
//!
//! TLS is rustls. A certificate is trusted when the platform trusts it
//! (rustls-platform-verifier: the system's roots on Linux, the OS verifier on
//! macOS and Windows) or when it chains to one of the extra CA certificates a
//! user names ([`TrustRoots`]: `--ca-cert FILE`, for a private RPC or a
//! registry node behind an in-house CA). A certificate that fails is reported
//! in words ([`explain_tls_failure`]) with the setting that fixes it.

mod ws;

pub use ws::ReconnectingWs;

use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::client::RpcClient;
use alloy::transports::http::Http;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Why a connection cannot even be set up.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// A CA file that cannot be read.
    #[error("cannot read the CA certificate file {path}: {source}")]
    CaRead {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A CA file that holds no PEM certificate.
    #[error(
        "{path} holds no PEM certificate (expected one or more -----BEGIN CERTIFICATE----- blocks)"
    )]
    CaEmpty {
        /// The file.
        path: PathBuf,
    },
    /// A PEM block that does not parse.
    #[error("{path} is not a PEM certificate file: {reason}")]
    CaMalformed {
        /// The file.
        path: PathBuf,
        /// The parser's reason.
        reason: String,
    },
    /// The URL does not parse or has a scheme nothing here speaks.
    #[error("{url:?} is not a usable URL: {reason}")]
    Url {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The TLS or HTTP client cannot be built.
    #[error("cannot set up TLS: {0}")]
    Tls(String),
}

/// How an RPC URL is spoken to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RpcScheme {
    /// `http://` or `https://`: a request per call.
    Http,
    /// `ws://` or `wss://`: one long-lived connection.
    Ws,
}

impl RpcScheme {
    /// The scheme of `url`; anything but http(s) and ws(s) is refused.
    pub fn of(url: &str) -> Result<Self, NetError> {
        let parsed = reqwest::Url::parse(url).map_err(|error| NetError::Url {
            url: url.to_string(),
            reason: error.to_string(),
        })?;
        match parsed.scheme() {
            "http" | "https" => Ok(Self::Http),
            "ws" | "wss" => Ok(Self::Ws),
            other => Err(NetError::Url {
                url: url.to_string(),
                reason: format!(
                    "the scheme is {other}; an RPC URL is http://, https://, ws:// or wss://"
                ),
            }),
        }
    }
}

/// Certificates trusted on top of the platform's roots.
#[derive(Debug, Clone, Default)]
pub struct TrustRoots {
    certificates: Vec<CertificateDer<'static>>,
    files: Vec<PathBuf>,
}

impl TrustRoots {
    /// Only the platform's roots.
    pub fn platform() -> Self {
        Self::default()
    }

    /// The platform's roots and every certificate in each PEM file of `files`.
    pub fn with_files<P: AsRef<Path>>(files: &[P]) -> Result<Self, NetError> {
        let mut roots = Self::default();
        for file in files {
            roots.add_pem_file(file.as_ref())?;
        }
        Ok(roots)
    }

    /// Adds the certificates of one PEM file.
    pub fn add_pem_file(&mut self, path: &Path) -> Result<(), NetError> {
        let bytes = std::fs::read(path).map_err(|source| NetError::CaRead {
            path: path.to_path_buf(),
            source,
        })?;
        let mut found = 0;
        for certificate in CertificateDer::pem_slice_iter(&bytes) {
            let certificate = certificate.map_err(|error| NetError::CaMalformed {
                path: path.to_path_buf(),
                reason: error.to_string(),
            })?;
            self.certificates.push(certificate);
            found += 1;
        }
        if found == 0 {
            return Err(NetError::CaEmpty {
                path: path.to_path_buf(),
            });
        }
        self.files.push(path.to_path_buf());
        Ok(())
    }

    /// The extra CA files, as given.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// An HTTP client that trusts these roots, with a connect and a whole-request timeout.
    pub fn http_client(
        &self,
        connect_timeout: Duration,
        timeout: Duration,
    ) -> Result<reqwest::Client, NetError> {
        self.http_client_builder()
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .build()
            .map_err(|error| NetError::Tls(error_chain(&error)))
    }

    /// A client builder that trusts these roots (for callers with settings of their own).
    pub fn http_client_builder(&self) -> reqwest::ClientBuilder {
        let extra = self
            .certificates
            .iter()
            .filter_map(|der| reqwest::Certificate::from_der(der).ok());
        reqwest::Client::builder().tls_certs_merge(extra)
    }

    /// A rustls client configuration that trusts these roots (for WebSocket connections).
    pub fn rustls_config(&self) -> Result<Arc<rustls::ClientConfig>, NetError> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let verifier = if self.certificates.is_empty() {
            rustls_platform_verifier::Verifier::new(provider.clone())
        } else {
            rustls_platform_verifier::Verifier::new_with_extra_roots(
                self.certificates.iter().cloned(),
                provider.clone(),
            )
        }
        .map_err(|error| NetError::Tls(error.to_string()))?;
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|error| NetError::Tls(error.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        Ok(Arc::new(config))
    }

    /// A JSON-RPC client for `url` (`http(s)://` or `ws(s)://`).
    ///
    /// A WebSocket is connected on first use and again after it died
    /// ([`ReconnectingWs`]), so a client made while the RPC is down works
    /// once it is back.
    pub fn rpc_client(&self, url: &str) -> Result<RpcClient, NetError> {
        let is_local = alloy::transports::utils::guess_local_url(url);
        match RpcScheme::of(url)? {
            RpcScheme::Http => {
                let parsed = reqwest::Url::parse(url).map_err(|error| NetError::Url {
                    url: url.to_string(),
                    reason: error.to_string(),
                })?;
                let client = self
                    .http_client_builder()
                    .build()
                    .map_err(|error| NetError::Tls(error_chain(&error)))?;
                Ok(RpcClient::new(Http::with_client(client, parsed), is_local))
            }
            RpcScheme::Ws => Ok(RpcClient::new(
                ReconnectingWs::new(url, self.rustls_config()?),
                is_local,
            )),
        }
    }

    /// A read-only provider for `url`.
    pub fn provider(&self, url: &str) -> Result<DynProvider, NetError> {
        Ok(ProviderBuilder::new()
            .connect_client(self.rpc_client(url)?)
            .erased())
    }

    /// A provider for `url` that signs with `wallet`.
    pub fn signing_provider(
        &self,
        url: &str,
        wallet: alloy::network::EthereumWallet,
    ) -> Result<DynProvider, NetError> {
        Ok(ProviderBuilder::new()
            .wallet(wallet)
            .connect_client(self.rpc_client(url)?)
            .erased())
    }
}

/// When `error` (or any error it was caused by) is a failed TLS certificate
/// check, says so in words with what to do about it; otherwise `None`.
///
/// `setting` names how the user adds a CA (`--ca-cert FILE or SESH_CA_CERT`).
pub fn explain_tls_failure(
    error: &(dyn std::error::Error + 'static),
    url: &str,
    setting: &str,
) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(rustls_error) = current.downcast_ref::<rustls::Error>() {
            return describe_rustls_error(rustls_error, url, setting);
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
            && let Some(rustls_error) = inner.downcast_ref::<rustls::Error>()
        {
            return describe_rustls_error(rustls_error, url, setting);
        }
        cause = current.source();
    }
    // Some transports (alloy's WebSocket errors among them) keep only the text.
    let text = error_chain(error);
    text.contains("invalid peer certificate").then(|| {
        format!(
            "the TLS certificate of {url} is not trusted ({text}); if it is issued by your own CA, pass {setting}"
        )
    })
}

fn describe_rustls_error(error: &rustls::Error, url: &str, setting: &str) -> Option<String> {
    use rustls::{CertificateError, Error};
    let why = match error {
        Error::InvalidCertificate(CertificateError::UnknownIssuer) => {
            "it is issued by a CA this machine does not trust".to_string()
        }
        Error::InvalidCertificate(CertificateError::Expired)
        | Error::InvalidCertificate(CertificateError::ExpiredContext { .. }) => {
            "it has expired".to_string()
        }
        Error::InvalidCertificate(CertificateError::NotValidYet)
        | Error::InvalidCertificate(CertificateError::NotValidYetContext { .. }) => {
            "it is not valid yet (is this machine's clock right?)".to_string()
        }
        Error::InvalidCertificate(CertificateError::NotValidForName)
        | Error::InvalidCertificate(CertificateError::NotValidForNameContext { .. }) => {
            "it is made out for another host name".to_string()
        }
        Error::InvalidCertificate(other) => format!("{other:?}"),
        _ => return None,
    };
    Some(format!(
        "the TLS certificate of {url} is not trusted: {why}; if it is issued by your own CA, pass {setting}"
    ))
}

/// An error and its causes on one line (`a: b: c`), each cause once.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(current) = cause {
        let line = current.to_string();
        if !text.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        cause = current.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert_eq!(
            RpcScheme::of("https://arb1.arbitrum.io/rpc").unwrap(),
            RpcScheme::Http
        );
        assert_eq!(
            RpcScheme::of("http://127.0.0.1:8545").unwrap(),
            RpcScheme::Http
        );
        assert_eq!(
            RpcScheme::of("wss://example.org/ws").unwrap(),
            RpcScheme::Ws
        );
        assert_eq!(RpcScheme::of("ws://127.0.0.1:8545").unwrap(), RpcScheme::Ws);
        let error = RpcScheme::of("ftp://example.org").unwrap_err().to_string();
        assert!(error.contains("the scheme is ftp"), "{error}");
        assert!(RpcScheme::of("127.0.0.1:8545").is_err());
    }

    #[test]
    fn every_scheme_gets_a_client() {
        let roots = TrustRoots::platform();
        for url in [
            "https://arb1.arbitrum.io/rpc",
            "http://127.0.0.1:8545",
            "wss://example.org/ws",
        ] {
            roots.rpc_client(url).unwrap();
        }
        roots
            .http_client(Duration::from_secs(1), Duration::from_secs(1))
            .unwrap();
        roots.rustls_config().unwrap();
    }

    #[test]
    fn ca_files_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let error = TrustRoots::with_files(&[&missing]).unwrap_err();
        assert!(matches!(error, NetError::CaRead { .. }), "{error}");

        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let error = TrustRoots::with_files(&[&empty]).unwrap_err();
        assert!(matches!(error, NetError::CaEmpty { .. }), "{error}");

        let broken = dir.path().join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let error = TrustRoots::with_files(&[&broken]).unwrap_err();
        assert!(matches!(error, NetError::CaMalformed { .. }), "{error}");
    }

    #[test]
    fn certificate_failures_are_told_in_words() {
        let error = std::io::Error::other(rustls::Error::InvalidCertificate(
            rustls::CertificateError::UnknownIssuer,
        ));
        let text = explain_tls_failure(&error, "https://rpc.example", "--ca-cert FILE").unwrap();
        assert!(text.contains("https://rpc.example"), "{text}");
        assert!(text.contains("a CA this machine does not trust"), "{text}");
        assert!(text.contains("--ca-cert FILE"), "{text}");

        let other = std::io::Error::other("connection refused");
        assert_eq!(
            explain_tls_failure(&other, "https://rpc.example", "--ca-cert"),
            None
        );
    }
}
