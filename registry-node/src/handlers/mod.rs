//! HTTP handlers, one file per resource; [`error`] decides every status code and error body,
//! [`extract`] reads every body, query string and path parameter.

pub(crate) mod error;
pub(crate) mod extract;
pub(crate) mod health;
pub(crate) mod market;
pub(crate) mod names;
pub(crate) mod nodes;
pub(crate) mod onion;
pub(crate) mod ons;
pub(crate) mod premium;
pub(crate) mod storage_rpc;
