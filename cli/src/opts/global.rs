//! Options every command takes (declared `global`, so they go before or after
//! the subcommand).

use super::rpc::RpcOpts;
use super::wallet::WalletOpts;
use crate::network::Network;
use clap::Args;
use std::path::PathBuf;

/// Network, output and confirmation options.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct GlobalOpts {
    /// Use NETWORK: local, arbitrum-sepolia or arbitrum-one.
    ///
    /// Defaults to the config file's `network`, else local.
    #[arg(
        long,
        global = true,
        value_enum,
        env = "SESH_NETWORK",
        help_heading = "Network"
    )]
    pub(crate) network: Option<Network>,

    /// Chain access.
    #[command(flatten)]
    pub(crate) rpc: RpcOpts,

    /// Ask the registry node at URL (repeatable): for lookups, and as the mailbox swarm for messages.
    ///
    /// Instead of 3 nodes of the active set read from the chain. An answer is
    /// accepted when a strict majority of the URLs given answer and none
    /// disagrees: 1 of 1 (nothing is then cross-checked, and the output says
    /// so), 2 of 2, 2 of 3; not 1 of 2. See docs/api.md, "Agreement between
    /// nodes".
    #[arg(long, global = true, value_name = "URL", help_heading = "Network")]
    pub(crate) registry: Vec<String>,

    /// Reach registry nodes directly, not through onion paths.
    ///
    /// By default, lookups, reverse lookups, ONS, premium proofs and the
    /// mailbox go through a path of 3 nodes of the active set, so that no
    /// node sees both this computer's address and what it asks. --direct is
    /// faster (one hop) but shows every node asked this computer's address
    /// next to the name, Session ID or mailbox it asks about. --registry URLs
    /// are always reached directly. See docs/threat-model.md, "Onion requests".
    #[arg(long, global = true, env = "SESH_DIRECT", help_heading = "Network")]
    pub(crate) direct: bool,

    /// Encrypt onion layers with CIPHER: xchacha20 (default) or aes-gcm.
    #[arg(
        long,
        global = true,
        value_name = "CIPHER",
        env = "SESH_ONION_CIPHER",
        value_parser = parse_cipher,
        help_heading = "Network"
    )]
    pub(crate) onion_cipher: Option<sesh_core::onion::EncType>,

    /// Which wallet and how to unlock it.
    #[command(flatten)]
    pub(crate) wallet: WalletOpts,

    /// Keep wallets and settings in DIR.
    ///
    /// Defaults to the platform data folder (e.g. ~/.local/share/sesh).
    /// With SESH_HOME set, the config file lives there too.
    #[arg(
        long,
        global = true,
        env = "SESH_HOME",
        value_name = "DIR",
        help_heading = "Files"
    )]
    pub(crate) data_dir: Option<PathBuf>,

    /// Print one JSON envelope on stdout instead of text.
    ///
    /// The envelope is {"schema_version":3,"success":...,"data":...,"errors":[...],"warnings":[...]}.
    #[arg(long, global = true, help_heading = "Output")]
    pub(crate) json: bool,

    /// Answer yes to every confirmation (needed without a terminal).
    #[arg(short = 'y', long, global = true, help_heading = "Output")]
    pub(crate) yes: bool,

    /// Print only the results, no progress or hints.
    #[arg(short, long, global = true, help_heading = "Output")]
    pub(crate) quiet: bool,
}

/// Reads `--onion-cipher` (`aes-gcm`/`gcm`, `xchacha20`/`xchacha20-poly1305`).
fn parse_cipher(text: &str) -> Result<sesh_core::onion::EncType, String> {
    sesh_core::onion::EncType::parse(text).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesh_core::onion::EncType;

    #[test]
    fn onion_cipher_names() {
        assert_eq!(parse_cipher("aes-gcm"), Ok(EncType::AesGcm));
        assert!(
            parse_cipher("aes-cbc")
                .unwrap_err()
                .contains("unknown enc_type")
        );
    }
}
