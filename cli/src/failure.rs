//! Failed requests put into words, one wording for the RPC and registry nodes alike.

/// How a user adds a CA, as error messages name it.
pub(crate) const CA_SETTING: &str = "--ca-cert FILE (or SESH_CA_CERT, or ca_cert in the config)";

/// Why a request to `url` (an RPC or a registry node) failed, in words: a TLS
/// certificate problem is named with the setting that fixes it, anything else
/// as its chain of causes.
pub(crate) fn describe_failure(error: &(dyn std::error::Error + 'static), url: &str) -> String {
    sesh_core::net::explain_tls_failure(error, url, CA_SETTING)
        .unwrap_or_else(|| sesh_core::net::error_chain(error))
}
