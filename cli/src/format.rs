//! How the wallet writes values, in text and in JSON: dates, durations and percentages (as
//! `sesh_core::text` writes them, the contract errors' words too), days left, SESH and ETH
//! amounts. Every command prints through these.
//!
//! JSON keeps values exact and machine-friendly: times are Unix seconds ([`Timestamp`]),
//! SESH amounts have all 9 decimals ([`SeshAmount`]), ETH all 18.

use alloy::primitives::utils::format_ether;
use alloy::primitives::{Address, U256};
use serde::{Serialize, Serializer};
use sesh_core::Sesh;
use sesh_core::protocol::DAY;
pub(crate) use sesh_core::text::{date, duration, percent, plural};

/// How far `unix_secs` is from `now`, in whole days rounded up: "15 days left", "1 day left",
/// or "passed".
pub(crate) fn days_left(unix_secs: u64, now: u64) -> String {
    if unix_secs <= now {
        return "passed".into();
    }
    match (unix_secs - now).div_ceil(DAY) {
        1 => "1 day left".into(),
        days => format!("{days} days left"),
    }
}

/// A contract time as seconds (times beyond u64 are "never").
pub(crate) fn secs(time: U256) -> u64 {
    time.try_into().unwrap_or(u64::MAX)
}

/// SESH in text: exact, without trailing zeros: `1234.5 SESH`.
pub(crate) fn sesh(amount: Sesh) -> String {
    format!("{amount} SESH")
}

/// SESH with all 9 decimals, `1234.500000000`: the JSON form of every SESH amount.
pub(crate) fn sesh_fixed(amount: Sesh) -> String {
    let text = amount.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    format!("{whole}.{fraction:0<9}")
}

/// ETH in text, exact without trailing zeros: `100`, `0.000123`.
pub(crate) fn eth(wei: U256) -> String {
    let text = format_ether(wei);
    match text.split_once('.') {
        Some((whole, fraction)) => {
            let fraction = fraction.trim_end_matches('0');
            if fraction.is_empty() {
                whole.to_string()
            } else {
                format!("{whole}.{fraction}")
            }
        }
        None => text,
    }
}

/// ETH in JSON: all 18 decimals.
pub(crate) fn eth_fixed(wei: U256) -> String {
    format_ether(wei)
}

/// A point in time in command output: Unix seconds in JSON, [`date`] in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub(crate) struct Timestamp(pub(crate) u64);

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&date(self.0))
    }
}

impl From<u64> for Timestamp {
    fn from(secs: u64) -> Self {
        Self(secs)
    }
}

/// A SESH amount in command output: `"1234.500000000"` (all 9 decimals) in JSON, `1234.5 SESH`
/// in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SeshAmount(pub(crate) Sesh);

impl Serialize for SeshAmount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&sesh_fixed(self.0))
    }
}

impl std::fmt::Display for SeshAmount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&sesh(self.0))
    }
}

impl From<Sesh> for SeshAmount {
    fn from(amount: Sesh) -> Self {
        Self(amount)
    }
}

impl From<U256> for SeshAmount {
    fn from(units: U256) -> Self {
        Self(Sesh::from_units(units))
    }
}

/// An ETH amount in command output: all 18 decimals in JSON, exact without trailing zeros
/// in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EthAmount(pub(crate) U256);

impl Serialize for EthAmount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&eth_fixed(self.0))
    }
}

impl std::fmt::Display for EthAmount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ETH", eth(self.0))
    }
}

/// An EVM address in command output: EIP-55 checksummed in JSON and text (alloy's own
/// `Serialize` writes lower case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Checksummed(pub(crate) Address);

impl Serialize for Checksummed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_checksum(None))
    }
}

impl std::fmt::Display for Checksummed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.to_checksum(None))
    }
}

impl From<Address> for Checksummed {
    fn from(address: Address) -> Self {
        Self(address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_durations_and_days_left_read_naturally() {
        assert_eq!(date(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(Timestamp(0).to_string(), "1970-01-01 00:00:00 UTC");
        assert_eq!(serde_json::to_string(&Timestamp(5)).unwrap(), "5");
        assert_eq!(days_left(100, 200), "passed");
        assert_eq!(days_left(15 * DAY, 0), "15 days left");
        assert_eq!(days_left(DAY + 1, 0), "2 days left");
        assert_eq!(days_left(5, 0), "1 day left");
        assert_eq!(secs(U256::MAX), u64::MAX);
    }

    #[test]
    fn addresses_are_checksummed() {
        let address: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
            .parse()
            .unwrap();
        assert_eq!(
            serde_json::to_string(&Checksummed(address)).unwrap(),
            "\"0x70997970C51812dc3A010C7d01b50e0d17dc79C8\""
        );
    }

    #[test]
    fn amounts_are_exact_in_text_and_fixed_in_json() {
        let amount = Sesh::parse("1234.5").unwrap();
        assert_eq!(sesh_fixed(amount), "1234.500000000");
        assert_eq!(sesh_fixed(Sesh::ZERO), "0.000000000");
        assert_eq!(SeshAmount(amount).to_string(), "1234.5 SESH");
        assert_eq!(
            serde_json::to_string(&SeshAmount(amount)).unwrap(),
            "\"1234.500000000\""
        );
        let wei = U256::from(123_000_000_000_000u64);
        assert_eq!(eth(wei), "0.000123");
        assert_eq!(eth(U256::from(10).pow(U256::from(20))), "100");
        assert_eq!(eth(U256::from(1)), "0.000000000000000001");
        assert_eq!(eth(U256::ZERO), "0");
        assert_eq!(
            sesh_fixed(Sesh::parse("0.000000001").unwrap()),
            "0.000000001"
        );
        assert_eq!(EthAmount(wei).to_string(), "0.000123 ETH");
        assert_eq!(
            serde_json::to_string(&EthAmount(wei)).unwrap(),
            "\"0.000123000000000000\""
        );
    }
}
