//! [`NodeError`]: why the node cannot start or keep running (the configuration's and the key
//! file's own errors are [`ConfigError`](crate::config::ConfigError) and
//! [`KeyError`](crate::key::KeyError)). Why a request is refused, and the status code each
//! refusal gets, is in `handlers/error.rs`.

/// Why the node cannot start or keep running.
#[derive(Debug, thiserror::Error)]
pub(crate) enum NodeError {
    #[error(transparent)]
    Deployment(#[from] sesh_core::deployment::DeploymentError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Mailbox(#[from] crate::mailbox::MailboxError),
    /// The RPC's TLS certificate is not trusted: it will not fix itself.
    #[error("rpc: {reason}")]
    UntrustedRpc {
        /// What is wrong with the certificate and the setting that fixes it.
        reason: String,
        /// The RPC's error.
        source: alloy::transports::TransportError,
    },
    /// I/O (the data folder).
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        source: std::io::Error,
    },
    /// The listen address cannot be bound.
    #[error("cannot listen on {address}: {}", listen_reason(.error))]
    Listen {
        /// The address of the `listen` setting.
        address: std::net::SocketAddr,
        /// Why (told in the message, not as a separate cause, so it is said once).
        error: std::io::Error,
    },
}

/// What to do about a listen address that cannot be bound.
fn listen_reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    const SETTING: &str = "--listen, SESH_NODE_LISTEN or `listen` in the config file";
    match error.kind() {
        ErrorKind::AddrInUse => format!(
            "the address is already in use (another registry-node or another program listens there); stop it, or choose another address with {SETTING}"
        ),
        ErrorKind::AddrNotAvailable => format!(
            "this machine has no such address ({error}); choose one of its addresses (0.0.0.0 for all) with {SETTING}"
        ),
        ErrorKind::PermissionDenied => format!(
            "permission denied ({error}); ports below 1024 need privileges: choose a port of 1024 or more with {SETTING} (and a reverse proxy in front)"
        ),
        _ => format!("{error}; choose another address with {SETTING}"),
    }
}

/// An error and its causes on one line, outermost first, each cause said once: a cause
/// whose text its parent's message already includes (`"{what}: {source}"`) is skipped.
pub fn describe(error: &eyre::Report) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if parts.last().is_some_and(|last| last.contains(&text)) {
            continue;
        }
        parts.push(text);
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use eyre::WrapErr;

    #[test]
    fn a_taken_listen_address_is_said_once_with_the_setting_to_change() {
        let address: std::net::SocketAddr = "127.0.0.1:8547".parse().unwrap();
        let error = NodeError::Listen {
            address,
            error: std::io::Error::from(std::io::ErrorKind::AddrInUse),
        };
        let text = describe(&eyre::Report::new(error).wrap_err("the node cannot start"));
        assert!(
            text.starts_with(
                "the node cannot start: cannot listen on 127.0.0.1:8547: the address is already in use"
            ),
            "{text}"
        );
        assert!(text.contains("--listen, SESH_NODE_LISTEN"), "{text}");
        assert_eq!(text.matches("in use").count(), 1, "{text}");
    }

    #[test]
    fn a_cause_already_in_its_parents_message_is_not_repeated() {
        let io = std::io::Error::other("disk on fire");
        let error = NodeError::Io {
            what: "cannot create the data folder /x".into(),
            source: io,
        };
        assert_eq!(
            describe(&eyre::Report::new(error)),
            "cannot create the data folder /x: disk on fire"
        );
        let wrapped: eyre::Result<()> = Err(std::io::Error::other("refused")).wrap_err("rpc");
        assert_eq!(describe(&wrapped.unwrap_err()), "rpc: refused");
    }
}
