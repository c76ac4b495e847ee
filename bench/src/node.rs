//! Registry nodes: the release `registry-node` binary as a child process, as an operator runs it
//! (default settings but no confirmations, so the whole chain is indexed).

use crate::process::{Guard, Paths, output_of, peak_rss_bytes, spawn_reading_first_line};
use alloy::primitives::{Address, B256, Bytes};
use eyre::{WrapErr, bail, eyre};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A running registry node.
#[derive(Debug)]
pub struct Node {
    /// The process.
    pub process: Guard,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Its data folder.
    pub data_dir: PathBuf,
    /// Its log.
    pub log: PathBuf,
    /// When it was started.
    pub started: Instant,
}

/// Makes the node key in `data_dir` and returns the public key.
pub fn init(paths: &Paths, data_dir: &Path) -> eyre::Result<String> {
    std::fs::create_dir_all(data_dir)
        .wrap_err_with(|| format!("cannot create {}", data_dir.display()))?;
    let mut command = Command::new(paths.binary("registry-node")?);
    command.arg("init").arg("--data-dir").arg(data_dir);
    Ok(output_of(command, "registry-node init")?.trim().to_string())
}

/// `registry-node sign-registration`: the node key and its proof for `createNode`.
pub fn sign_registration(
    paths: &Paths,
    data_dir: &Path,
    rpc_url: &str,
    manifest: &Path,
    operator: Address,
) -> eyre::Result<(B256, Bytes)> {
    let mut command = Command::new(paths.binary("registry-node")?);
    command
        .arg("sign-registration")
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--rpc-url", rpc_url])
        .arg("--deployment")
        .arg(manifest)
        .args(["--operator", &operator.to_string()])
        .args(["--signer", &operator.to_string()]);
    let text = output_of(command, "registry-node sign-registration")?;
    let json: serde_json::Value =
        serde_json::from_str(text.trim()).wrap_err("sign-registration printed no JSON")?;
    let key: B256 = json["ed25519_key"]
        .as_str()
        .ok_or_else(|| eyre!("no ed25519_key in {text}"))?
        .parse()
        .wrap_err("ed25519_key")?;
    let signature: Bytes = json["ed25519_signature"]
        .as_str()
        .ok_or_else(|| eyre!("no ed25519_signature in {text}"))?
        .parse()
        .wrap_err("ed25519_signature")?;
    Ok((key, signature))
}

impl Node {
    /// Starts a node on `port` (key already made) and waits until it listens.
    pub fn start(
        paths: &Paths,
        data_dir: &Path,
        rpc_url: &str,
        manifest: &Path,
        port: u16,
    ) -> eyre::Result<Self> {
        Self::start_with_env(paths, data_dir, rpc_url, manifest, port, &[])
    }

    /// [`Node::start`] with environment variables `env` set for the node.
    pub fn start_with_env(
        paths: &Paths,
        data_dir: &Path,
        rpc_url: &str,
        manifest: &Path,
        port: u16,
        env: &[(&str, &str)],
    ) -> eyre::Result<Self> {
        let log = data_dir.join("node.log");
        let mut command = Command::new(paths.binary("registry-node")?);
        command
            .arg("run")
            .arg("--data-dir")
            .arg(data_dir)
            .args(["--rpc-url", rpc_url])
            .arg("--deployment")
            .arg(manifest)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--confirmations", "0"])
            // The mailbox and onion runs measure what a node can take; the per-address limits
            // (20 and 100 a second by default) would measure the limits instead, every client
            // being 127.0.0.1.
            .args(["--mailbox-requests-per-sec", "0"])
            .args(["--onion-requests-per-sec", "0"])
            .env_remove("RUST_LOG")
            .envs(env.iter().copied());
        let started = Instant::now();
        let (process, line) =
            spawn_reading_first_line(command, "registry-node", &log, Duration::from_secs(30))?;
        // "registry-node KEY listening on http://ADDR"
        let url = line
            .split_whitespace()
            .last()
            .filter(|url| url.starts_with("http://"))
            .ok_or_else(|| eyre!("registry-node printed {line:?}"))?
            .to_string();
        Ok(Self {
            process,
            url,
            data_dir: data_dir.to_path_buf(),
            log,
            started,
        })
    }

    /// `GET /health` as JSON.
    pub async fn health(&self, client: &reqwest::Client) -> eyre::Result<serde_json::Value> {
        Ok(client
            .get(format!("{}/health", self.url))
            .send()
            .await?
            .json()
            .await?)
    }

    /// The block the node has indexed.
    pub async fn indexed_block(&self, client: &reqwest::Client) -> u64 {
        self.health(client)
            .await
            .ok()
            .and_then(|h| h["indexed_block"].as_u64())
            .unwrap_or(0)
    }

    /// Waits until the node has indexed `block`; returns the time since it was started.
    pub async fn wait_indexed(
        &mut self,
        client: &reqwest::Client,
        block: u64,
        timeout: Duration,
    ) -> eyre::Result<Duration> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.indexed_block(client).await >= block {
                return Ok(self.started.elapsed());
            }
            if let Some(status) = self.process.exited() {
                bail!(
                    "registry-node exited ({status}); its log ends with:\n{}",
                    crate::process::tail_of(&self.log, 20)
                );
            }
            if Instant::now() > deadline {
                bail!(
                    "registry-node did not index block {block} within {timeout:?}; its log ends with:\n{}",
                    crate::process::tail_of(&self.log, 20)
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A counter or gauge from `/metrics`.
    pub async fn metric(&self, client: &reqwest::Client, name: &str) -> eyre::Result<f64> {
        let text = client
            .get(format!("{}/metrics", self.url))
            .send()
            .await?
            .text()
            .await?;
        text.lines()
            .find_map(|line| {
                let (key, value) = line.split_once(' ')?;
                (key == name).then(|| value.trim().parse::<f64>().ok())?
            })
            .ok_or_else(|| eyre!("no metric {name} in /metrics"))
    }

    /// Peak resident memory so far (`VmHWM`), bytes.
    pub fn peak_rss(&self) -> Option<u64> {
        peak_rss_bytes(self.process.pid())
    }

    /// The `host:port` it listens on.
    pub fn addr(&self) -> eyre::Result<std::net::SocketAddr> {
        self.url
            .trim_start_matches("http://")
            .parse()
            .wrap_err_with(|| format!("bad node URL {}", self.url))
    }
}
