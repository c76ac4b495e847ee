//! Errors as the user sees them: the chain of causes without repeats, reverts
//! in plain words, and the broken-pipe test `main` uses.

use alloy::primitives::Bytes;
use sesh_core::revert::{self, Revert};

/// The error chain, outermost first, with causes that only repeat their
/// parent's text left out (alloy and eyre often wrap the same message).
pub(crate) fn chain(error: &eyre::Report) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if out.last().is_some_and(|last| last.contains(&text)) {
            continue;
        }
        out.push(text);
    }
    out
}

/// Whether the failure is only stdout being closed (`sesh ... | head`).
pub(crate) fn is_broken_pipe(error: &eyre::Report) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The revert data inside an alloy contract call error, if the node sent any.
pub(crate) fn revert_data(error: &alloy::contract::Error) -> Option<Bytes> {
    error.as_revert_data()
}

/// The revert data inside an RPC error, if any.
pub(crate) fn rpc_revert_data(error: &alloy::transports::TransportError) -> Option<Bytes> {
    error.as_error_resp().and_then(|resp| resp.as_revert_data())
}

/// Decodes what a contract refused, if the error carries revert data.
pub(crate) fn decode_contract_error(error: &alloy::contract::Error) -> Option<Revert> {
    revert_data(error).and_then(|data| revert::decode(&data))
}

/// A contract refusal, told in words; the source error is kept for `--json`
/// readers and debugging.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Refused(pub(crate) Revert);
