//! Payment checks: every paid event must be backed, in its own transaction's
//! receipt, by SESH `Transfer` logs of the SESH token into the `RewardsPool`.
//!
//! The check is per transaction: the transfers into the pool must add up to at
//! least the sum of the prices of the transaction's paid events (so a contract
//! that batches several registrations in one transaction is judged fairly, and
//! one transfer cannot be counted for two events). When they do not, every paid
//! event of the transaction is flagged with the same reason.

use alloy::primitives::{Address, U256};
use alloy::rpc::types::Log;
use alloy::sol_types::SolEvent;
use sesh_core::bindings::test_sesh::TestSESH;

/// One event that says a fee was paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PaidEvent {
    /// The event name.
    pub event: &'static str,
    /// The name or Session ID it concerns.
    pub subject: String,
    /// What should have reached the pool.
    pub price: U256,
}

/// The outcome of checking one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// What the transaction's paid events need in the pool.
    pub needed: U256,
    /// What its receipt shows reaching the pool.
    pub paid: U256,
}

impl Verdict {
    /// Why the transaction's paid events are not valid, or `None` when they are.
    pub(crate) fn failure(&self, pool: Address) -> Option<String> {
        (self.paid < self.needed).then(|| {
            format!(
                "the receipt shows {} SESH units transferred into the rewards pool {pool}, but the transaction's paid events cost {}",
                self.paid, self.needed
            )
        })
    }
}

/// The SESH `Transfer`s from the token `sesh` into `pool` among `logs`, added up.
pub(crate) fn paid_to_pool<'a>(
    logs: impl IntoIterator<Item = &'a Log>,
    sesh: Address,
    pool: Address,
) -> U256 {
    logs.into_iter()
        .filter(|log| log.inner.address == sesh)
        .filter(|log| log.inner.topics().first() == Some(&TestSESH::Transfer::SIGNATURE_HASH))
        .filter_map(|log| TestSESH::Transfer::decode_log_data(&log.inner.data).ok())
        .filter(|transfer| transfer.to == pool)
        .fold(U256::ZERO, |sum, transfer| {
            sum.saturating_add(transfer.value)
        })
}

/// Checks one transaction: `events` are its paid events, `receipt_logs` its receipt's logs.
pub(crate) fn check_transaction<'a>(
    events: &[PaidEvent],
    receipt_logs: impl IntoIterator<Item = &'a Log>,
    sesh: Address,
    pool: Address,
) -> Verdict {
    let needed = events
        .iter()
        .fold(U256::ZERO, |sum, event| sum.saturating_add(event.price));
    Verdict {
        needed,
        paid: paid_to_pool(receipt_logs, sesh, pool),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::{LogData, address};
    use alloy::sol_types::SolEvent;

    const SESH: Address = address!("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    const POOL: Address = address!("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");

    fn transfer(token: Address, from: Address, to: Address, value: u64) -> Log {
        let event = TestSESH::Transfer {
            from,
            to,
            value: U256::from(value),
        };
        let data: LogData = event.encode_log_data();
        Log {
            inner: alloy::primitives::Log {
                address: token,
                data,
            },
            ..Default::default()
        }
    }

    fn paid(price: u64) -> PaidEvent {
        PaidEvent {
            event: "NameRegistered",
            subject: "alice".into(),
            price: U256::from(price),
        }
    }

    #[test]
    fn transfers_into_the_pool_add_up() {
        let payer = Address::repeat_byte(9);
        let logs = [
            transfer(SESH, payer, POOL, 60),
            transfer(SESH, payer, POOL, 40),
            transfer(SESH, payer, Address::repeat_byte(7), 1_000),
            transfer(Address::repeat_byte(8), payer, POOL, 1_000),
        ];
        let verdict = check_transaction(&[paid(100)], &logs, SESH, POOL);
        assert_eq!(verdict.paid, U256::from(100));
        assert_eq!(verdict.failure(POOL), None);
        let verdict = check_transaction(&[paid(60), paid(41)], &logs, SESH, POOL);
        let reason = verdict.failure(POOL).unwrap();
        assert!(reason.contains("100 SESH units"), "{reason}");
        assert!(reason.contains("cost 101"), "{reason}");
    }

    #[test]
    fn nothing_paid_to_the_pool_is_a_failure() {
        let logs = [transfer(SESH, Address::ZERO, Address::repeat_byte(1), 5)];
        assert!(
            check_transaction(&[paid(1)], &logs, SESH, POOL)
                .failure(POOL)
                .is_some()
        );
        assert!(
            check_transaction(&[paid(0)], &logs, SESH, POOL)
                .failure(POOL)
                .is_none()
        );
    }
}
