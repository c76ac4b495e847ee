//! The second stage of argument handling: the parsed options become a
//! resolved [`Context`] (network, RPC URL, data folder, config, wallet choice)
//! before any command logic runs. Chain access, the deployment and the signer
//! are resolved on demand, so offline commands never need them.

use crate::config::Config;
use crate::network::Network;
use crate::opts::global::GlobalOpts;
use crate::output::Output;
use crate::password;
use alloy::network::EthereumWallet;
use alloy::primitives::Address;
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use eyre::{WrapErr, bail, eyre};
use sesh_core::deployment::Deployment;
use sesh_core::keys::WalletKeys;
use sesh_core::keystore::{Keystore, WalletFile};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Everything a command needs, resolved once.
#[derive(Debug)]
pub struct Context<'a> {
    /// Where results and diagnostics go.
    pub out: &'a Output,
    /// The chosen network.
    pub network: Network,
    /// The RPC endpoint.
    pub rpc_url: String,
    /// Registry node URLs (from --registry, else the config).
    pub registries: Vec<String>,
    /// The data folder (wallets live in `wallets/` below it).
    pub data_dir: PathBuf,
    /// The config file's path.
    pub config_path: Option<PathBuf>,
    /// The config file's settings.
    pub config: Config,
    /// Answer yes to confirmations.
    pub yes: bool,
    wallet_flag: Option<String>,
    password_file: Option<PathBuf>,
    deployment_file: Option<PathBuf>,
    deployment: OnceLock<Deployment>,
}

impl<'a> Context<'a> {
    /// Resolves the options: reads the config, picks network, RPC URL and folders.
    pub fn resolve(opts: GlobalOpts, out: &'a Output) -> eyre::Result<Self> {
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
        Ok(Self {
            out,
            network,
            rpc_url,
            registries,
            data_dir,
            config_path,
            config,
            yes: opts.yes,
            wallet_flag: opts.wallet.wallet,
            password_file: opts.wallet.password_file,
            deployment_file: opts.rpc.deployment,
            deployment: OnceLock::new(),
        })
    }

    /// The wallet files.
    pub fn keystore(&self) -> Keystore {
        Keystore::new(&self.data_dir)
    }

    /// `--password-file`, if given.
    pub fn password_file(&self) -> Option<&Path> {
        self.password_file.as_deref()
    }

    /// The wallet to use: --wallet / SESH_WALLET, else the config's, else the
    /// only wallet there is, else the one named "default".
    pub fn wallet_name(&self) -> eyre::Result<String> {
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
    pub fn wallet_file(&self) -> eyre::Result<WalletFile> {
        let name = self.wallet_name()?;
        Ok(self.keystore().load(&name)?)
    }

    /// Unlocks a wallet file: asks for (or finds) the password and decrypts.
    pub fn unlock(&self, file: &WalletFile) -> eyre::Result<WalletKeys> {
        let keyring_user = file
            .remember_password
            .then(|| password::keyring_user(&file.name, &file.evm_address));
        let password =
            password::for_unlock(self.password_file(), &file.name, keyring_user.as_deref())?;
        Ok(file.decrypt(&password)?.derive())
    }

    /// Asks "prompt [y/N]" unless --yes; without a terminal, --yes is required.
    pub fn confirm(&self, prompt: &str) -> eyre::Result<bool> {
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
    pub fn deployment(&self) -> eyre::Result<&Deployment> {
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
            "sesh has no built-in deployment for {} yet; pass --deployment FILE (or SESH_DEPLOYMENT)",
            self.network
        )
    }

    /// A read-only provider, checked to serve the chosen network's chain.
    pub async fn provider(&self) -> eyre::Result<DynProvider> {
        let url = self.rpc_url()?;
        let provider = ProviderBuilder::new().connect_http(url).erased();
        self.check_chain(&provider).await?;
        Ok(provider)
    }

    /// A provider that signs with `keys`' EVM account.
    pub async fn signing_provider(&self, keys: &WalletKeys) -> eyre::Result<DynProvider> {
        let url = self.rpc_url()?;
        let provider = ProviderBuilder::new()
            .wallet(EthereumWallet::from(keys.evm_signer().clone()))
            .connect_http(url)
            .erased();
        self.check_chain(&provider).await?;
        Ok(provider)
    }

    fn rpc_url(&self) -> eyre::Result<alloy::transports::http::reqwest::Url> {
        self.rpc_url
            .parse()
            .wrap_err_with(|| format!("--rpc-url {:?} is not a URL", self.rpc_url))
    }

    async fn check_chain(&self, provider: &DynProvider) -> eyre::Result<()> {
        let chain_id = provider.get_chain_id().await.wrap_err_with(|| {
            let hint = if self.network == Network::Local {
                "; is anvil running? (`just up` starts it)"
            } else {
                ""
            };
            format!(
                "cannot reach the {} RPC at {}{hint}",
                self.network, self.rpc_url
            )
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

    /// An address as given, or a name's EVM address record read from the chain.
    pub async fn resolve_target(
        &self,
        provider: &DynProvider,
        target: &str,
    ) -> eyre::Result<(Address, Option<String>)> {
        if let Ok(address) = target.parse::<Address>() {
            return Ok((address, None));
        }
        if target.starts_with("0x") {
            bail!("{target:?} is not an address: an address is 0x followed by 40 hex digits");
        }
        let name = sesh_core::Name::parse(target)
            .wrap_err_with(|| format!("{target:?} is neither an address nor a name"))?;
        let registry = sesh_core::bindings::NameRegistry::new(
            self.deployment()?.contracts.name_registry,
            provider,
        );
        let record = registry
            .resolve(name.to_string())
            .call()
            .await
            .map_err(|error| match crate::error::decode_contract_error(&error) {
                Some(revert) => eyre!("cannot resolve {name}: {}", revert.message),
                None => eyre::Report::new(error).wrap_err(format!("cannot resolve {name}")),
            })?;
        if record.sessionKey.is_zero() {
            bail!("the name {name} is not registered (or has expired)");
        }
        if record.evmAddress.is_zero() {
            bail!(
                "the name {name} has no EVM address record; ask its owner to set one, or use an address"
            );
        }
        Ok((record.evmAddress, Some(name.to_string())))
    }
}
