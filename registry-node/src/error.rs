//! Errors: [`NodeError`] for starting and running the node, [`ApiError`] for
//! HTTP answers (a closed enum: every status code is decided in one `match`).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sesh_core::api::{ErrorBody, ErrorDetail};
use sesh_core::{NameError, SessionIdError};

/// `From` each of redb's error types for an error enum with a `Db(redb::Error)` variant, so
/// `?` works on every redb call (the store and the mailboxes both keep a redb file).
macro_rules! from_redb_errors {
    ($target:ty) => {
        $crate::error::from_redb_errors!(
            $target: redb::DatabaseError,
            redb::TransactionError,
            redb::TableError,
            redb::StorageError,
            redb::CommitError
        );
    };
    ($target:ty: $($source:ty),*) => {$(
        impl From<$source> for $target {
            fn from(error: $source) -> Self {
                Self::Db(error.into())
            }
        }
    )*};
}
pub(crate) use from_redb_errors;

/// Why the node cannot start or keep running.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// The configuration is incomplete or invalid.
    #[error("configuration: {0}")]
    Config(String),
    /// The node key file.
    #[error("node key {path}: {reason}")]
    Key {
        /// The key file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// The deployment manifest.
    #[error(transparent)]
    Deployment(#[from] sesh_core::deployment::DeploymentError),
    /// The index.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The mailboxes.
    #[error(transparent)]
    Mailbox(#[from] crate::mailbox::MailboxError),
    /// The RPC.
    #[error("rpc: {0}")]
    Rpc(String),
    /// The RPC URL or the TLS settings.
    #[error(transparent)]
    Net(#[from] sesh_core::net::NetError),
    /// I/O (the data folder).
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The I/O error.
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

/// A `Result` of the node.
pub type NodeResult<T> = Result<T, NodeError>;

/// Why a request is refused.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The name breaks a name rule (the rule's message, verbatim).
    #[error("{0}")]
    InvalidName(#[from] NameError),
    /// The Session ID is malformed.
    #[error("{0}")]
    InvalidSessionId(#[from] SessionIdError),
    /// Another malformed parameter or body.
    #[error("{0}")]
    BadRequest(String),
    /// The body is larger than the node accepts.
    #[error("{0}")]
    TooLarge(String),
    /// Nothing is known under this key.
    #[error("{0}")]
    NotFound(String),
    /// A signed request whose signature, key, time or freshness does not check out.
    #[error("{0}")]
    Unauthorized(String),
    /// The request belongs to other nodes (a mailbox outside this node's swarm).
    #[error("{0}")]
    Misdirected(String),
    /// The recipient's mailbox, or this node's message storage, is full.
    #[error("{0}")]
    MailboxFull(String),
    /// The recipient deleted this message: it cannot be stored again.
    #[error("{0}")]
    Gone(String),
    /// The client made more mailbox requests than its rate allows.
    #[error("{0}")]
    TooManyRequests(String),
    /// The answer needs the chain, which does not answer now.
    #[error("{0}")]
    Unavailable(String),
    /// A bug or a broken store: logged, answered with a generic message.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// The status code of each variant.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidName(_) | Self::InvalidSessionId(_) | Self::BadRequest(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Misdirected(_) => StatusCode::MISDIRECTED_REQUEST,
            Self::MailboxFull(_) => StatusCode::INSUFFICIENT_STORAGE,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Gone(_) => StatusCode::GONE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(error: crate::store::StoreError) -> Self {
        Self::Internal(error.to_string())
    }
}

impl From<crate::mailbox::MailboxError> for ApiError {
    fn from(error: crate::mailbox::MailboxError) -> Self {
        match error {
            full @ (crate::mailbox::MailboxError::Full { .. }
            | crate::mailbox::MailboxError::NodeFull { .. }) => Self::MailboxFull(full.to_string()),
            gone @ crate::mailbox::MailboxError::Deleted { .. } => Self::Gone(gone.to_string()),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::JsonRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::TooLarge(rejection.body_text())
        } else {
            Self::BadRequest(rejection.body_text())
        }
    }
}

impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::QueryRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = match &self {
            Self::Internal(message) => {
                tracing::error!(%message, "internal error");
                "internal error".to_string()
            }
            other => other.to_string(),
        };
        let body = ErrorBody {
            errors: vec![ErrorDetail { detail }],
        };
        (status, Json(body)).into_response()
    }
}

/// A `Result` of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

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
