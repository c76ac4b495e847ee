//! Configuration: a TOML file, environment variables and flags, in increasing
//! order of precedence. [`NodeArgs`] is what clap reads (flags and `SESH_NODE_*`
//! variables); [`FileConfig`] is the file; [`Config`] is the resolved whole.

use alloy::providers::DynProvider;
use clap::Args;
use serde::Deserialize;
use sesh_core::net::{RpcScheme, TrustRoots};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How an operator adds a CA, as error messages name it.
pub(crate) const CA_SETTING: &str =
    "--ca-cert FILE (or SESH_NODE_CA_CERT, or ca_cert in the config file)";

/// Why the configuration is incomplete or invalid.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfigError {
    /// The config file cannot be read.
    #[error("cannot read the config file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The config file is not valid TOML or has unknown keys.
    #[error("the config file {} is not valid: {source}", path.display())]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    /// No RPC URL is set.
    #[error("no RPC URL: pass --rpc-url, set SESH_NODE_RPC_URL or rpc_url in the config file")]
    NoRpcUrl,
    /// No deployment manifest is set.
    #[error(
        "no deployment manifest: pass --deployment, set SESH_NODE_DEPLOYMENT or deployment in the config file"
    )]
    NoDeployment,
    /// The RPC serves another chain than the manifest's.
    #[error("the RPC serves chain {rpc}, the deployment manifest is for chain {manifest}")]
    ChainMismatch {
        /// The RPC's chain id.
        rpc: u64,
        /// The manifest's chain id.
        manifest: u64,
    },
    /// The staking contract on the RPC is not the manifest's.
    #[error(
        "NodeStaking at {node_staking} on this RPC returns another ed25519Message than the deployment manifest (chain {chain_id}) implies: point --rpc-url at the manifest's chain"
    )]
    StakingMismatch {
        /// The manifest's NodeStaking address.
        node_staking: alloy::primitives::Address,
        /// The manifest's chain id.
        chain_id: u64,
    },
    /// The RPC URL, the CA file or the provider.
    #[error(transparent)]
    Net(#[from] sesh_core::net::NetError),
}

/// Options shared by every subcommand.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Node options")]
pub struct NodeArgs {
    /// Read settings from the TOML file FILE (flags and environment variables win).
    #[arg(long, global = true, env = "SESH_NODE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use the chain's JSON-RPC endpoint URL (http(s):// or ws(s)://).
    #[arg(long, global = true, env = "SESH_NODE_RPC_URL", value_name = "URL")]
    pub rpc_url: Option<String>,
    /// Trust the CA certificate(s) in the PEM file FILE for https:// and wss:// RPCs, on top of the system's roots.
    #[arg(long, global = true, env = "SESH_NODE_CA_CERT", value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Follow the deployment described by the manifest FILE (contracts/deployments/<chainId>.json).
    #[arg(long, global = true, env = "SESH_NODE_DEPLOYMENT", value_name = "FILE")]
    pub deployment: Option<PathBuf>,
    /// Keep the index and the key in DIR (default ./registry-data).
    #[arg(long, global = true, env = "SESH_NODE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Serve HTTP on ADDR (default 127.0.0.1:8547; port 0 picks a free one).
    #[arg(long, global = true, env = "SESH_NODE_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Stay NUM blocks behind the chain head (default 2).
    #[arg(
        long,
        global = true,
        env = "SESH_NODE_CONFIRMATIONS",
        value_name = "NUM"
    )]
    pub confirmations: Option<u64>,
    /// Read the Ed25519 node key from FILE (default <data dir>/node.key).
    #[arg(long, global = true, env = "SESH_NODE_KEY_FILE", value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// Poll the chain head every MS milliseconds once caught up (default 1000).
    #[arg(
        long,
        global = true,
        env = "SESH_NODE_POLL_INTERVAL_MS",
        value_name = "MS"
    )]
    pub poll_interval_ms: Option<u64>,
    /// Ask eth_getLogs for at most NUM blocks at once (default 10000; shrinks on errors).
    #[arg(long, global = true, env = "SESH_NODE_MAX_RANGE", value_name = "NUM")]
    pub max_range: Option<u64>,
    /// Serve GET /v1/debug/dump (the whole index; for tests and audits).
    #[arg(long, global = true, env = "SESH_NODE_ENABLE_DUMP")]
    pub enable_dump: bool,
    /// Let one client address make NUM mailbox requests a second (default 20; 0: no limit).
    #[arg(
        long,
        global = true,
        env = "SESH_NODE_MAILBOX_REQUESTS_PER_SEC",
        value_name = "NUM"
    )]
    pub mailbox_requests_per_sec: Option<u32>,
    /// Let one client address make bursts of NUM mailbox requests (default 100).
    #[arg(
        long,
        global = true,
        env = "SESH_NODE_MAILBOX_REQUEST_BURST",
        value_name = "NUM"
    )]
    pub mailbox_request_burst: Option<u32>,
    /// Let one address make NUM onion requests a second, at any hop (default 100; 0: no
    /// limit).
    #[arg(
        long,
        global = true,
        env = "SESH_NODE_ONION_REQUESTS_PER_SEC",
        value_name = "NUM"
    )]
    pub onion_requests_per_sec: Option<u32>,
    /// Let one address make bursts of NUM onion requests (default 500).
    #[arg(
        long,
        global = true,
        env = "SESH_NODE_ONION_REQUEST_BURST",
        value_name = "NUM"
    )]
    pub onion_request_burst: Option<u32>,
    /// Let one address make NUM policing requests (votes, evidence, storage tests, reports)
    /// a second (default 10; 0: no limit).
    #[arg(
        long,
        global = true,
        env = "SESH_NODE_POLICING_REQUESTS_PER_SEC",
        value_name = "NUM"
    )]
    pub policing_requests_per_sec: Option<u32>,
    /// Let one address make bursts of NUM policing requests (default 200).
    #[arg(
        long,
        global = true,
        env = "SESH_NODE_POLICING_REQUEST_BURST",
        value_name = "NUM"
    )]
    pub policing_request_burst: Option<u32>,
    /// Sign deregistration votes with the EVM key in FILE: the node's registered `signer`
    /// (default <data dir>/voting.key if it exists; without one the node tests its peers but
    /// does not vote).
    #[arg(
        long,
        global = true,
        env = "SESH_NODE_VOTING_KEY_FILE",
        value_name = "FILE"
    )]
    pub voting_key_file: Option<PathBuf>,
    /// Pay for submitting deregistrations with the EVM key in FILE (the operator's account;
    /// without one the node only shares its votes).
    #[arg(
        long,
        global = true,
        env = "SESH_NODE_OPERATOR_KEY_FILE",
        value_name = "FILE"
    )]
    pub operator_key_file: Option<PathBuf>,
    /// Let one deregister transaction use at most NUM gas (default 1500000).
    #[arg(
        long,
        global = true,
        env = "SESH_NODE_VOTE_GAS_LIMIT",
        value_name = "NUM"
    )]
    pub vote_gas_limit: Option<u64>,
    /// Spread each round of peer tests over its first SECS seconds (default 300, half a
    /// period; at most 300), each test at its own offset.
    #[arg(
        long,
        global = true,
        env = "SESH_NODE_POLICE_SPREAD_SECS",
        value_name = "SECS"
    )]
    pub police_spread_secs: Option<u64>,
}

/// The configuration file (every key optional; same names as the flags, with `_`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConfig {
    /// See [`NodeArgs::rpc_url`].
    pub rpc_url: Option<String>,
    /// See [`NodeArgs::ca_cert`].
    pub ca_cert: Option<PathBuf>,
    /// See [`NodeArgs::deployment`].
    pub deployment: Option<PathBuf>,
    /// See [`NodeArgs::data_dir`].
    pub data_dir: Option<PathBuf>,
    /// See [`NodeArgs::listen`].
    pub listen: Option<SocketAddr>,
    /// See [`NodeArgs::confirmations`].
    pub confirmations: Option<u64>,
    /// See [`NodeArgs::key_file`].
    pub key_file: Option<PathBuf>,
    /// See [`NodeArgs::poll_interval_ms`].
    pub poll_interval_ms: Option<u64>,
    /// See [`NodeArgs::max_range`].
    pub max_range: Option<u64>,
    /// Blocks of undo log kept for reorgs (default 4096).
    pub reorg_window: Option<u64>,
    /// Seconds before an RPC call is abandoned (default 10).
    pub rpc_timeout_secs: Option<u64>,
    /// See [`NodeArgs::enable_dump`].
    pub enable_dump: Option<bool>,
    /// Most messages kept for one recipient (default 5000).
    pub mailbox_max_messages: Option<u64>,
    /// Most envelope bytes kept for one recipient (default 104857600, 100 MiB).
    pub mailbox_max_bytes: Option<u64>,
    /// Most envelope bytes kept over every mailbox (default 10737418240, 10 GiB).
    pub mailbox_max_total_bytes: Option<u64>,
    /// Seconds between sweeps of expired messages (default 10).
    pub mailbox_prune_interval_secs: Option<u64>,
    /// See [`NodeArgs::mailbox_requests_per_sec`].
    pub mailbox_requests_per_sec: Option<u32>,
    /// See [`NodeArgs::mailbox_request_burst`].
    pub mailbox_request_burst: Option<u32>,
    /// See [`NodeArgs::onion_requests_per_sec`].
    pub onion_requests_per_sec: Option<u32>,
    /// See [`NodeArgs::onion_request_burst`].
    pub onion_request_burst: Option<u32>,
    /// See [`NodeArgs::policing_requests_per_sec`].
    pub policing_requests_per_sec: Option<u32>,
    /// See [`NodeArgs::policing_request_burst`].
    pub policing_request_burst: Option<u32>,
    /// MiB of memory for cached answers: rendered name answers, signatures, ONS values
    /// (default 256; 0 turns the caches off).
    pub answer_cache_mib: Option<u64>,
    /// MiB of memory for the databases' page caches, the index's three quarters and the
    /// mailbox's one (default 256).
    pub db_cache_mib: Option<u64>,
    /// See [`NodeArgs::voting_key_file`].
    pub voting_key_file: Option<PathBuf>,
    /// See [`NodeArgs::operator_key_file`].
    pub operator_key_file: Option<PathBuf>,
    /// See [`NodeArgs::vote_gas_limit`].
    pub vote_gas_limit: Option<u64>,
    /// See [`NodeArgs::police_spread_secs`].
    pub police_spread_secs: Option<u64>,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// JSON-RPC URL (HTTP or WebSocket; the scheme is checked).
    pub rpc_url: Option<String>,
    /// The TLS roots: the system's and the `ca_cert` file's.
    pub trust: TrustRoots,
    pub deployment: Option<PathBuf>,
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub confirmations: u64,
    pub key_file: PathBuf,
    pub poll_interval: Duration,
    /// Largest eth_getLogs range.
    pub max_range: u64,
    /// Undo log depth.
    pub reorg_window: u64,
    pub rpc_timeout: Duration,
    pub enable_dump: bool,
    /// Mailbox quotas: per recipient and over the node.
    pub mailbox_quota: crate::mailbox::Quota,
    /// Time between sweeps of expired messages.
    pub mailbox_prune_interval: Duration,
    /// How fast one client address may use the mailbox, onion and policing routes.
    pub rates: crate::ratelimit::Rates,
    /// Bytes of memory for cached answers.
    pub answer_cache_bytes: u64,
    /// Bytes of the databases' page caches (`db_cache_mib`).
    pub db_cache_bytes: usize,
    /// The voting key file (`None`: the node does not vote).
    pub voting_key_file: Option<PathBuf>,
    /// The operator key file that pays for deregistrations (`None`: the node does not submit).
    pub operator_key_file: Option<PathBuf>,
    /// The gas cap of one deregister transaction.
    pub vote_gas_limit: u64,
    /// How long each round of peer tests is spread over.
    pub police_spread: Duration,
}

impl FileConfig {
    /// Reads a TOML file.
    pub(crate) fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: path.to_path_buf(),
            source,
        })
    }
}

impl Config {
    /// Flags and environment (in `args`) over the file over the defaults.
    pub(crate) fn resolve(args: &NodeArgs) -> Result<Self, ConfigError> {
        let file = match &args.config {
            Some(path) => FileConfig::load(path)?,
            None => FileConfig::default(),
        };
        let data_dir = args
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("registry-data"));
        let key_file = args
            .key_file
            .clone()
            .or(file.key_file)
            .unwrap_or_else(|| data_dir.join("node.key"));
        // An explicit voting key must exist (the node says so at start); the default only if it does.
        let voting_key_file = args
            .voting_key_file
            .clone()
            .or(file.voting_key_file)
            .or_else(|| Some(data_dir.join("voting.key")).filter(|path| path.exists()));
        let rpc_url = args.rpc_url.clone().or(file.rpc_url);
        if let Some(url) = &rpc_url {
            RpcScheme::of(url)?;
        }
        let trust = match args.ca_cert.as_ref().or(file.ca_cert.as_ref()) {
            Some(path) => TrustRoots::with_files(&[path])?,
            None => TrustRoots::platform(),
        };
        Ok(Self {
            rpc_url,
            trust,
            deployment: args.deployment.clone().or(file.deployment),
            listen: args
                .listen
                .or(file.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8547))),
            confirmations: args.confirmations.or(file.confirmations).unwrap_or(2),
            poll_interval: Duration::from_millis(
                args.poll_interval_ms
                    .or(file.poll_interval_ms)
                    .unwrap_or(1000)
                    .max(10),
            ),
            max_range: args.max_range.or(file.max_range).unwrap_or(10_000).max(1),
            reorg_window: file.reorg_window.unwrap_or(4096).max(16),
            rpc_timeout: Duration::from_secs(file.rpc_timeout_secs.unwrap_or(10).max(1)),
            enable_dump: args.enable_dump || file.enable_dump.unwrap_or(false),
            mailbox_quota: {
                let default = crate::mailbox::Quota::default();
                crate::mailbox::Quota {
                    max_messages: file
                        .mailbox_max_messages
                        .unwrap_or(default.max_messages)
                        .max(1),
                    max_bytes: file
                        .mailbox_max_bytes
                        .unwrap_or(default.max_bytes)
                        .max(sesh_core::api::MAX_MESSAGE_BYTES as u64),
                    max_total_bytes: file
                        .mailbox_max_total_bytes
                        .unwrap_or(default.max_total_bytes)
                        .max(sesh_core::api::MAX_MESSAGE_BYTES as u64),
                }
            },
            rates: {
                use crate::ratelimit::{Rate, Rates, Scope};
                let rate = |scope: Scope, per_second: Option<u32>, burst: Option<u32>| {
                    let (default_rate, default_burst) = scope.default_rate();
                    Rate::new(
                        per_second.unwrap_or(default_rate),
                        burst.unwrap_or(default_burst),
                    )
                };
                Rates {
                    mailbox: rate(
                        Scope::Mailbox,
                        args.mailbox_requests_per_sec
                            .or(file.mailbox_requests_per_sec),
                        args.mailbox_request_burst.or(file.mailbox_request_burst),
                    ),
                    onion: rate(
                        Scope::Onion,
                        args.onion_requests_per_sec.or(file.onion_requests_per_sec),
                        args.onion_request_burst.or(file.onion_request_burst),
                    ),
                    policing: rate(
                        Scope::Policing,
                        args.policing_requests_per_sec
                            .or(file.policing_requests_per_sec),
                        args.policing_request_burst.or(file.policing_request_burst),
                    ),
                }
            },
            mailbox_prune_interval: Duration::from_secs(
                file.mailbox_prune_interval_secs.unwrap_or(10).max(1),
            ),
            answer_cache_bytes: file
                .answer_cache_mib
                .unwrap_or(256)
                .min(1 << 20)
                .saturating_mul(1 << 20),
            db_cache_bytes: usize::try_from(
                file.db_cache_mib
                    .unwrap_or(256)
                    .clamp(4, 1 << 20)
                    .saturating_mul(1 << 20),
            )
            .unwrap_or(usize::MAX),
            voting_key_file,
            operator_key_file: args.operator_key_file.clone().or(file.operator_key_file),
            vote_gas_limit: args
                .vote_gas_limit
                .or(file.vote_gas_limit)
                .unwrap_or(1_500_000)
                .max(100_000),
            police_spread: Duration::from_secs(
                args.police_spread_secs
                    .or(file.police_spread_secs)
                    .unwrap_or(crate::police::schedule::MAX_SPREAD_SECS)
                    .min(crate::police::schedule::MAX_SPREAD_SECS),
            ),
            data_dir,
            key_file,
        })
    }

    /// The RPC URL, or an error that says how to set it.
    pub(crate) fn require_rpc_url(&self) -> Result<&str, ConfigError> {
        self.rpc_url.as_deref().ok_or(ConfigError::NoRpcUrl)
    }

    /// A provider for the RPC URL (`http(s)://` or `ws(s)://`, connected on first use).
    pub(crate) fn provider(&self) -> Result<DynProvider, ConfigError> {
        Ok(self.trust.provider(self.require_rpc_url()?)?)
    }

    /// The manifest path, or an error that says how to set it.
    pub(crate) fn require_deployment(&self) -> Result<&Path, ConfigError> {
        self.deployment.as_deref().ok_or(ConfigError::NoDeployment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rate_limit_has_a_default_a_file_key_and_a_flag_and_0_turns_it_off() {
        use crate::ratelimit::{Rate, Rates};
        let dir = tempfile::tempdir().unwrap();
        let config = Config::resolve(&NodeArgs {
            data_dir: Some(dir.path().into()),
            ..NodeArgs::default()
        })
        .unwrap();
        assert_eq!(config.rates, Rates::default());
        assert_eq!(
            (
                config.rates.mailbox,
                config.rates.onion,
                config.rates.policing
            ),
            (Rate::new(20, 100), Rate::new(100, 500), Rate::new(10, 200))
        );

        let file = dir.path().join("node.toml");
        std::fs::write(
            &file,
            "onion_requests_per_sec = 7\nonion_request_burst = 9\npolicing_requests_per_sec = 3\nmailbox_requests_per_sec = 0\n",
        )
        .unwrap();
        let config = Config::resolve(&NodeArgs {
            config: Some(file),
            data_dir: Some(dir.path().into()),
            policing_request_burst: Some(30),
            ..NodeArgs::default()
        })
        .unwrap();
        assert_eq!(
            config.rates,
            Rates {
                mailbox: None,
                onion: Rate::new(7, 9),
                policing: Rate::new(3, 30),
            }
        );
    }

    #[test]
    fn flags_win_over_the_file_which_wins_over_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("node.toml");
        std::fs::write(
            &file,
            "rpc_url = \"http://file:8545\"\nconfirmations = 5\ndata_dir = \"/srv/reg\"\nreorg_window = 100\n",
        )
        .unwrap();
        let args = NodeArgs {
            config: Some(file.clone()),
            confirmations: Some(1),
            ..NodeArgs::default()
        };
        let config = Config::resolve(&args).unwrap();
        assert_eq!(config.rpc_url.as_deref(), Some("http://file:8545"));
        assert_eq!(config.confirmations, 1);
        assert_eq!(config.key_file, PathBuf::from("/srv/reg/node.key"));
        assert_eq!(config.reorg_window, 100);
        assert_eq!(config.listen.port(), 8547);
        assert_eq!(config.answer_cache_bytes, 256 << 20);
        assert_eq!(config.db_cache_bytes, 256 << 20);
        assert_eq!(config.voting_key_file, None);
        assert_eq!(config.vote_gas_limit, 1_500_000);
        assert_eq!(config.police_spread, Duration::from_secs(300));
        assert!(config.require_deployment().is_err());

        std::fs::write(&file, "unknown_key = 1\n").unwrap();
        let error = Config::resolve(&args).unwrap_err().to_string();
        assert!(error.contains("unknown_key"), "{error}");
    }

    #[test]
    fn the_voting_key_defaults_to_the_data_dir_only_when_there() {
        let dir = tempfile::tempdir().unwrap();
        let args = NodeArgs {
            data_dir: Some(dir.path().to_path_buf()),
            vote_gas_limit: Some(10),
            police_spread_secs: Some(3600),
            ..NodeArgs::default()
        };
        let config = Config::resolve(&args).unwrap();
        assert_eq!(config.police_spread, Duration::from_secs(300));
        assert_eq!(config.voting_key_file, None);
        assert_eq!(config.operator_key_file, None);
        assert_eq!(config.vote_gas_limit, 100_000);
        std::fs::write(dir.path().join("voting.key"), "").unwrap();
        let config = Config::resolve(&args).unwrap();
        assert_eq!(config.voting_key_file, Some(dir.path().join("voting.key")));
        let file = dir.path().join("node.toml");
        std::fs::write(
            &file,
            "voting_key_file = \"/etc/sesh/voting.key\"\noperator_key_file = \"/etc/sesh/operator.key\"\nvote_gas_limit = 2000000\n",
        )
        .unwrap();
        let config = Config::resolve(&NodeArgs {
            config: Some(file),
            vote_gas_limit: None,
            ..args
        })
        .unwrap();
        assert_eq!(
            config.voting_key_file,
            Some(PathBuf::from("/etc/sesh/voting.key"))
        );
        assert_eq!(
            config.operator_key_file,
            Some(PathBuf::from("/etc/sesh/operator.key"))
        );
        assert_eq!(config.vote_gas_limit, 2_000_000);
    }

    #[test]
    fn rpc_urls_must_be_http_or_websocket() {
        for (url, scheme) in [
            ("http://127.0.0.1:8545", RpcScheme::Http),
            ("HTTPS://rpc.example/v1", RpcScheme::Http),
            ("ws://127.0.0.1:8545", RpcScheme::Ws),
            ("wss://rpc.example/ws", RpcScheme::Ws),
        ] {
            assert_eq!(RpcScheme::of(url).unwrap(), scheme, "{url}");
        }
        for url in ["ftp://rpc.example", "127.0.0.1:8545", ""] {
            assert!(RpcScheme::of(url).is_err(), "{url}");
        }
        let args = NodeArgs {
            rpc_url: Some("ftp://rpc.example".into()),
            ..NodeArgs::default()
        };
        let error = Config::resolve(&args).unwrap_err().to_string();
        assert!(error.contains("ftp://rpc.example"), "{error}");
        assert!(error.contains("https://"), "{error}");
    }

    #[test]
    fn a_ca_file_is_read_at_start() {
        let args = NodeArgs {
            ca_cert: Some(PathBuf::from("/nonexistent/ca.pem")),
            ..NodeArgs::default()
        };
        let error = Config::resolve(&args).unwrap_err().to_string();
        assert!(error.contains("/nonexistent/ca.pem"), "{error}");
    }
}
