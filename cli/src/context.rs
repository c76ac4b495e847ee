//! The second stage of argument handling: the parsed options become a
//! resolved [`Context`] (network, RPC URL, data folder, config, wallet choice)
//! before any command logic runs. Chain access, the deployment and the signer
//! are resolved on demand, so offline commands never need them.

use crate::config::Config;
use crate::failure::{CA_SETTING, describe_failure};
use crate::network::Network;
use crate::opts::global::GlobalOpts;
use crate::output::Output;
use crate::password;
use alloy::network::EthereumWallet;
use alloy::providers::{DynProvider, Provider};
use eyre::{WrapErr, bail, eyre};
use sesh_core::deployment::Deployment;
use sesh_core::keys::WalletKeys;
use sesh_core::keystore::{Keystore, WalletFile};
use sesh_core::net::TrustRoots;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// Everything a command needs, resolved once.
#[derive(Debug)]
pub(crate) struct Context<'a> {
    /// Where results and diagnostics go.
    pub(crate) out: &'a Output,
    /// The chosen network.
    pub(crate) network: Network,
    pub(crate) rpc_url: String,
    /// Registry node URLs (from --registry, else the config).
    pub(crate) registries: Vec<String>,
    /// The data folder (wallets live in `wallets/` below it).
    pub(crate) data_dir: PathBuf,
    /// The config file's path.
    pub(crate) config_path: Option<PathBuf>,
    /// The config file's settings.
    pub(crate) config: Config,
    /// Answer yes to confirmations.
    pub(crate) yes: bool,
    /// Reach registry nodes directly (`--direct`), not through onion paths.
    pub(crate) direct: bool,
    /// The cipher of onion layers.
    pub(crate) onion_enc: sesh_core::onion::EncType,
    /// How this command reaches registry nodes, made once ([`crate::registry::transport`]).
    pub(crate) transport: tokio::sync::OnceCell<std::sync::Arc<crate::onion::Transport>>,
    /// The active node set, read from the chain once a command
    /// ([`crate::registry::active_nodes`]).
    pub(crate) active: tokio::sync::OnceCell<Vec<crate::target::NodeTarget>>,
    wallet_flag: Option<String>,
    password_file: Option<PathBuf>,
    deployment_file: Option<PathBuf>,
    deployment: OnceLock<Deployment>,
    ca_cert: Option<PathBuf>,
    trust: OnceLock<TrustRoots>,
}

/// The RPC did not answer (refused, timed out, no route): the one failure a
/// command may work around (`name check` then checks only the name rules).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Unreachable(String);

impl<'a> Context<'a> {
    /// Resolves the options: reads the config, picks network, RPC URL and folders.
    pub(crate) fn resolve(opts: GlobalOpts, out: &'a Output) -> eyre::Result<Self> {
        let config_path = Config::path(opts.data_dir.as_deref());
        let config = match &config_path {
            Some(path) => Config::load(path)?,
            None => Config::default(),
        };
        let network = opts.network.or(config.network).unwrap_or(Network::Local);
        let rpc_url = opts
            .rpc
            .rpc_url
            .or_else(|| config.rpc_urls.get(&network).cloned())
            .unwrap_or_else(|| network.default_rpc_url().to_string());
        let registries = if opts.registry.is_empty() {
            config
                .registry_urls
                .get(&network)
                .cloned()
                .unwrap_or_default()
        } else {
            opts.registry
        };
        let data_dir = match opts.data_dir {
            Some(dir) => dir,
            None => dirs::data_dir()
                .map(|dir| dir.join("sesh"))
                .ok_or_else(|| {
                    eyre!("no data folder on this platform: pass --data-dir DIR or set SESH_HOME")
                })?,
        };
        let ca_cert = opts.rpc.ca_cert.or_else(|| config.ca_cert.clone());
        Ok(Self {
            out,
            network,
            rpc_url,
            registries,
            data_dir,
            config_path,
            config,
            yes: opts.yes,
            direct: opts.direct,
            onion_enc: opts.onion_cipher.unwrap_or(crate::onion::DEFAULT_ENC),
            transport: tokio::sync::OnceCell::new(),
            active: tokio::sync::OnceCell::new(),
            wallet_flag: opts.wallet.wallet,
            password_file: opts.wallet.password_file,
            deployment_file: opts.rpc.deployment,
            deployment: OnceLock::new(),
            ca_cert,
            trust: OnceLock::new(),
        })
    }

    /// The wallet files.
    pub(crate) fn keystore(&self) -> Keystore {
        Keystore::new(&self.data_dir)
    }

    /// `--password-file`, if given.
    pub(crate) fn password_file(&self) -> Option<&Path> {
        self.password_file.as_deref()
    }

    /// The wallet to use: --wallet / SESH_WALLET, else the config's, else the
    /// only wallet there is, else the one named "default".
    pub(crate) fn wallet_name(&self) -> eyre::Result<String> {
        if let Some(name) = self
            .wallet_flag
            .clone()
            .or_else(|| self.config.wallet.clone())
        {
            return Ok(name);
        }
        let (wallets, _) = self.keystore().list()?;
        match wallets.as_slice() {
            [only] => Ok(only.name.clone()),
            // `sesh wallet new` without --name makes "default": it stays the default when
            // other wallets join it.
            several if several.iter().any(|w| w.name == "default") => Ok("default".into()),
            [] => bail!(
                "no wallet in {}: create one with `sesh wallet new` or `sesh wallet restore`",
                self.keystore().dir().display()
            ),
            _ => bail!(
                "there are {} wallets; choose one with --wallet NAME (or SESH_WALLET, or `wallet` in {})",
                wallets.len(),
                self.config_path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "the config".into())
            ),
        }
    }

    /// The chosen wallet's file (public parts only; nothing is decrypted).
    pub(crate) fn wallet_file(&self) -> eyre::Result<WalletFile> {
        let name = self.wallet_name()?;
        Ok(self.keystore().load(&name)?)
    }

    /// Unlocks a wallet file: asks for (or finds) the password and decrypts.
    pub(crate) fn unlock(&self, file: &WalletFile) -> eyre::Result<WalletKeys> {
        let keyring_user = file
            .remember_password
            .then(|| password::keyring_user(&file.name, &file.evm_address));
        let password =
            password::for_unlock(self.password_file(), &file.name, keyring_user.as_deref())?;
        Ok(file.decrypt(&password)?.derive())
    }

    /// Asks "prompt [y/N]" unless --yes; without a terminal, --yes is required.
    pub(crate) fn confirm(&self, prompt: &str) -> eyre::Result<bool> {
        if self.yes {
            return Ok(true);
        }
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            bail!("{prompt}: there is no terminal to ask; pass --yes to confirm");
        }
        dialoguer::Confirm::new()
            .with_prompt(prompt)
            .default(false)
            .interact()
            .wrap_err("cannot read the answer")
    }

    /// The deployment manifest: --deployment / SESH_DEPLOYMENT, else the one
    /// built in for the network, else (local) `contracts/deployments/31337.json`.
    pub(crate) fn deployment(&self) -> eyre::Result<&Deployment> {
        if let Some(deployment) = self.deployment.get() {
            return Ok(deployment);
        }
        let deployment = self.load_deployment()?;
        if deployment.chain_id != self.network.chain_id() {
            bail!(
                "the deployment manifest is for chain {} but --network {} is chain {}; pass the matching --deployment or --network",
                deployment.chain_id,
                self.network,
                self.network.chain_id()
            );
        }
        Ok(self.deployment.get_or_init(|| deployment))
    }

    fn load_deployment(&self) -> eyre::Result<Deployment> {
        if let Some(path) = &self.deployment_file {
            return Ok(Deployment::load(path)?);
        }
        let chain_id = self.network.chain_id();
        if let Some(text) = crate::network::embedded_manifest(chain_id) {
            return Deployment::from_json(text).wrap_err_with(|| {
                format!("the built-in manifest for {} is malformed", self.network)
            });
        }
        if self.network == Network::Local {
            let candidates = [
                PathBuf::from("contracts/deployments/31337.json"),
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/deployments/31337.json"),
            ];
            if let Some(path) = candidates.iter().find(|path| path.exists()) {
                return Ok(Deployment::load(path)?);
            }
            bail!(
                "no deployment for the local chain: run `just up` (it writes contracts/deployments/31337.json) or pass --deployment FILE (or SESH_DEPLOYMENT)"
            );
        }
        bail!(
            "this build of sesh knows no deployment of the name contracts on {} (chain {}): none has been published there yet; pass the manifest of a deployment with --deployment FILE (or SESH_DEPLOYMENT); `just deploy` makes one",
            self.network,
            chain_id
        )
    }

    /// The TLS roots: the platform's, and `--ca-cert`'s when given.
    pub(crate) fn trust(&self) -> eyre::Result<&TrustRoots> {
        if let Some(trust) = self.trust.get() {
            return Ok(trust);
        }
        let trust = match &self.ca_cert {
            Some(path) => TrustRoots::with_files(&[path])?,
            None => TrustRoots::platform(),
        };
        Ok(self.trust.get_or_init(|| trust))
    }

    /// An HTTP client for registry nodes (`http://` or `https://`), with these timeouts.
    pub(crate) fn http_client(
        &self,
        connect_timeout: Duration,
        timeout: Duration,
    ) -> eyre::Result<reqwest::Client> {
        Ok(self.trust()?.http_client(connect_timeout, timeout)?)
    }

    /// A read-only provider, checked to serve the chosen network's chain.
    pub(crate) async fn provider(&self) -> eyre::Result<DynProvider> {
        let provider = self.trust()?.provider(&self.rpc_url)?;
        self.check_chain(&provider).await?;
        Ok(provider)
    }

    /// A provider that signs with `keys`' EVM account.
    pub(crate) async fn signing_provider(&self, keys: &WalletKeys) -> eyre::Result<DynProvider> {
        let provider = self.trust()?.signing_provider(
            &self.rpc_url,
            EthereumWallet::from(keys.evm_signer().clone()),
        )?;
        self.check_chain(&provider).await?;
        Ok(provider)
    }

    async fn check_chain(&self, provider: &DynProvider) -> eyre::Result<()> {
        let chain_id = provider.get_chain_id().await.map_err(|error| {
            let hint = if self.network == Network::Local {
                " (is anvil running? `just up` starts it)"
            } else {
                ""
            };
            let reason = describe_failure(&error, &self.rpc_url);
            let message = format!(
                "cannot reach the {} RPC at {}{hint}: {reason}",
                self.network, self.rpc_url
            );
            // A certificate nobody vouched for is a setting to fix, not a network that is down.
            if sesh_core::net::explain_tls_failure(&error, &self.rpc_url, CA_SETTING).is_some() {
                eyre!(message)
            } else {
                eyre::Report::new(Unreachable(message))
            }
        })?;
        if chain_id != self.network.chain_id() {
            bail!(
                "the RPC at {} serves chain {chain_id}, but --network {} is chain {}; pass the right --rpc-url or --network",
                self.rpc_url,
                self.network,
                self.network.chain_id()
            );
        }
        Ok(())
    }
}
