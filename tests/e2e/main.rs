//! End-to-end tests, compiled as one binary with a module per topic.

mod cli_market;
mod cli_names;
mod cli_premium;
mod cli_recipients;
mod cli_registry;
mod cli_sesh;
mod cli_stake;
mod cli_wallet;
mod deploy;
mod layering;
mod mailbox_crash;
mod messages;
mod onion;
mod onion_wallet;
mod police;
mod protocol;
mod registry_node;
mod registry_node_chaos;
mod registry_node_ons;
mod registry_node_openapi;
mod registry_node_rpc;
mod storage_rpc;
mod storage_rpc_js;
mod swarm;
mod tls;
mod toolchain;
