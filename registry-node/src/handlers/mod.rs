//! HTTP handlers, one file per resource; [`error`] decides every status code and error body,
//! [`extract`] reads every body, query string and path parameter.

pub mod error;
pub mod extract;
pub mod health;
pub mod market;
pub mod messages;
pub mod names;
pub mod nodes;
pub mod ons;
pub mod premium;
