//! The chain: the pinned anvil, the contracts deployed by the real deploy script, wallets.

use crate::process::{Guard, Paths, free_port, log_file, output_of, wait_port};
use alloy::network::EthereumWallet;
use alloy::primitives::{Address, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;
use eyre::{WrapErr, eyre};
use sesh_core::deployment::Deployment;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// anvil's first dev key: the deployer and owner.
pub const DEPLOYER_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/// anvil's dev keys 1 to 4 (the mnemonic `test … junk`).
pub const DEV_KEYS: [&str; 4] = [
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
];

/// A running anvil; stopped, and its state cache deleted, on drop.
#[derive(Debug)]
pub struct Anvil {
    /// The process.
    pub process: Guard,
    /// Its port.
    pub port: u16,
    /// Where it writes the historical states it cannot keep in memory (`--cache-path`).
    states: PathBuf,
}

impl Anvil {
    /// Starts the pinned anvil on a free port with `extra` arguments; its output goes to `log`.
    ///
    /// A long run (100,000 blocks) makes anvil write old states to disk, by default under
    /// `~/.foundry/anvil/tmp`, where a killed anvil leaves gigabytes behind. They go beside `log`
    /// instead, and are deleted when the anvil stops.
    pub fn start(paths: &Paths, extra: &[&str], log: &Path) -> eyre::Result<Self> {
        let port = free_port()?;
        let states = log.with_file_name("anvil-states");
        let child = Command::new(paths.foundry("anvil")?)
            .args(["--port", &port.to_string(), "--silent"])
            .arg("--cache-path")
            .arg(&states)
            .args(extra)
            .stdout(log_file(log)?)
            .stderr(log_file(log)?)
            .stdin(Stdio::null())
            .spawn()
            .wrap_err("cannot start anvil")?;
        let process = Guard::new(child, "anvil");
        let anvil = Self {
            process,
            port,
            states,
        };
        wait_port(port, Duration::from_secs(30), "anvil")?;
        Ok(anvil)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A provider that signs with `key`.
    pub fn wallet(&self, key: &PrivateKeySigner) -> eyre::Result<DynProvider> {
        Ok(ProviderBuilder::new()
            .wallet(EthereumWallet::from(key.clone()))
            .connect_http(self.url().parse().wrap_err("anvil URL")?)
            .erased())
    }

    /// A provider that signs with the deployer key.
    pub fn deployer(&self) -> eyre::Result<DynProvider> {
        self.wallet(&deployer()?)
    }

    /// Deploys every contract with `script/Deploy.s.sol`, with `env` set, and returns the
    /// manifest it wrote (copied to `manifest`).
    ///
    /// forge may only write under `contracts/deployments/` (`fs_permissions`), so the script
    /// writes into the git-ignored `deployments/.e2e/` (as the end-to-end tests do) and the file
    /// is moved out at once.
    pub fn deploy(
        &self,
        paths: &Paths,
        manifest: &Path,
        env: &[(&str, String)],
    ) -> eyre::Result<Deployment> {
        let contracts = paths.root.join("contracts");
        let dir = contracts.join("deployments/.e2e");
        std::fs::create_dir_all(&dir)
            .wrap_err_with(|| format!("cannot create {}", dir.display()))?;
        let tag = manifest
            .file_stem()
            .map_or("deployment".into(), |s| s.to_string_lossy().into_owned());
        let written = dir.join(format!("bench-{}-{tag}.json", std::process::id()));
        let mut command = Command::new(paths.foundry("forge")?);
        command
            .current_dir(&contracts)
            .args(["script", "script/Deploy.s.sol", "--broadcast", "-q"])
            .args(["--rpc-url", &self.url(), "--private-key", DEPLOYER_KEY])
            .env("DEPLOYMENT_OUT", &written)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())));
        let result = output_of(command, "forge script script/Deploy.s.sol").and_then(|_| {
            std::fs::copy(&written, manifest).wrap_err_with(|| {
                format!(
                    "the deploy script wrote no manifest at {}",
                    written.display()
                )
            })
        });
        let _ = std::fs::remove_file(&written);
        result?;
        Deployment::load(manifest)
            .map_err(|e| eyre!("cannot read the manifest {}: {e}", manifest.display()))
    }

    /// Sets `account`'s ETH balance (anvil cheat).
    pub async fn set_balance(&self, account: Address, wei: U256) -> eyre::Result<()> {
        let provider = ProviderBuilder::new().connect_http(self.url().parse()?);
        let _: serde_json::Value = provider
            .raw_request("anvil_setBalance".into(), (account, wei))
            .await
            .wrap_err("anvil_setBalance")?;
        Ok(())
    }

    /// Moves the chain's clock forward by `seconds` and mines a block.
    pub async fn advance(&self, seconds: u64) -> eyre::Result<()> {
        let provider = ProviderBuilder::new().connect_http(self.url().parse()?);
        let _: serde_json::Value = provider
            .raw_request("evm_increaseTime".into(), (seconds,))
            .await
            .wrap_err("evm_increaseTime")?;
        let _: serde_json::Value = provider
            .raw_request("evm_mine".into(), ())
            .await
            .wrap_err("evm_mine")?;
        Ok(())
    }

    /// The hardfork anvil runs (`anvil_nodeInfo`).
    pub async fn hardfork(&self) -> String {
        let Ok(url) = self.url().parse() else {
            return "unknown".into();
        };
        let provider = ProviderBuilder::new().connect_http(url);
        provider
            .raw_request::<_, serde_json::Value>("anvil_nodeInfo".into(), ())
            .await
            .ok()
            .and_then(|info| info["hardFork"].as_str().map(str::to_string))
            .unwrap_or_else(|| "unknown".into())
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        self.process.stop(Duration::from_secs(5));
        let _ = std::fs::remove_dir_all(&self.states);
    }
}

/// The deployer's signer.
pub fn deployer() -> eyre::Result<PrivateKeySigner> {
    DEPLOYER_KEY.parse().wrap_err("the deployer key")
}

/// Dev account `i` (1 to 4).
pub fn dev_key(i: usize) -> eyre::Result<PrivateKeySigner> {
    DEV_KEYS
        .get(i.wrapping_sub(1))
        .ok_or_else(|| eyre!("no dev key {i}"))?
        .parse()
        .wrap_err("a dev key")
}

/// A fresh random account.
pub fn fresh_key() -> PrivateKeySigner {
    PrivateKeySigner::random()
}

/// Writes `deployment` as a manifest file.
pub fn write_manifest(deployment: &Deployment, path: &Path) -> eyre::Result<PathBuf> {
    std::fs::write(
        path,
        serde_json::to_string_pretty(deployment).wrap_err("the manifest serializes")?,
    )
    .wrap_err_with(|| format!("cannot write {}", path.display()))?;
    Ok(path.to_path_buf())
}
