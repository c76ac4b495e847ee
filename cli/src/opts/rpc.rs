//! How to reach the chain.

use clap::Args;
use std::path::PathBuf;

/// RPC endpoint and deployment manifest.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Network")]
pub(crate) struct RpcOpts {
    /// Talk to the chain at URL.
    ///
    /// http://, https://, ws:// or wss://. Defaults to the config's
    /// `rpc_urls.<network>`, else the network's public endpoint
    /// (http://127.0.0.1:8545 for local).
    #[arg(long, global = true, env = "SESH_RPC_URL", value_name = "URL")]
    pub(crate) rpc_url: Option<String>,

    /// Trust the CA certificate(s) in the PEM file FILE for https:// and wss:// endpoints.
    ///
    /// For an RPC or registry nodes behind a private CA. The system's roots
    /// stay trusted; defaults to the config's `ca_cert`.
    #[arg(long, global = true, env = "SESH_CA_CERT", value_name = "FILE")]
    pub(crate) ca_cert: Option<PathBuf>,

    /// Read contract addresses from FILE (a deployment manifest).
    ///
    /// Needed for local chains unless contracts/deployments/31337.json
    /// (written by `just up`) is found; public networks use the manifest
    /// built into sesh.
    #[arg(long, global = true, env = "SESH_DEPLOYMENT", value_name = "FILE")]
    pub(crate) deployment: Option<PathBuf>,
}
