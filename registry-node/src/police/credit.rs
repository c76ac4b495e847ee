//! The downtime ledger: how much outage each node may have before this node votes
//! it out (docs/policing.md, "Credits, not hair triggers").
//!
//! Each node earns credit while it answers, as Session's decommission credits do
//! (oxen-core: `DECOMMISSION_INITIAL_CREDIT`, `DECOMMISSION_CREDIT_PER_DAY`,
//! `DECOMMISSION_MAX_CREDIT`); an outage is taken off its credit when it ends; a
//! node failing for longer than its credit is [`Standing::OutOfCredit`]. Times are
//! chain seconds. Accounts are kept by node id: ids are never reused, keys may be.

use super::schedule::PERIOD_SECS;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

const HOUR: u64 = 3600;
const DAY: u64 = 24 * HOUR;

/// The credit rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Figures {
    /// Credit of a newly activated node, seconds.
    pub initial: u64,
    /// Credit earned per day of good service, seconds.
    pub per_day: u64,
    /// The most credit a node holds, seconds.
    pub cap: u64,
    /// The shortest outage that gets a node voted out, however little credit it has.
    pub min_outage: u64,
}

/// Session's figures: 2 hours at activation, a day in 30 (48 minutes) per day, at
/// most 48 hours; and never fewer than two periods of outage.
pub(crate) const SESSION: Figures = Figures {
    initial: 2 * HOUR,
    per_day: DAY / 30,
    cap: 48 * HOUR,
    min_outage: 2 * PERIOD_SECS,
};

impl Figures {
    /// Credit earned over `seconds` of service.
    fn earned(&self, seconds: u64) -> u64 {
        // u128: no overflow for any u64 span.
        (u128::from(seconds) * u128::from(self.per_day) / u128::from(DAY)) as u64
    }
}

/// One node's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Account {
    /// Credit at `as_of`, seconds.
    balance: u64,
    /// When the balance was last brought up to date.
    as_of: u64,
    /// The first failed test of the outage under way, if any.
    failing_since: Option<u64>,
}

/// Where a node stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    /// Its last test passed (or it was never tested).
    Healthy {
        /// Its credit, seconds.
        credit: u64,
    },
    /// Failing since `since`, still within its credit.
    Failing {
        /// The first failed test of this outage.
        since: u64,
        /// Its credit, seconds.
        credit: u64,
    },
    /// Failing since `since` for longer than its credit: vote it out.
    OutOfCredit {
        /// The first failed test of this outage.
        since: u64,
        /// Its credit, seconds.
        credit: u64,
    },
}

/// What one round of tests counted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Round {
    /// The results went into the ledger.
    Counted,
    /// More than a third of the nodes tested (and at least 2) failed: the fault is
    /// more likely this node's own network, so the round is not counted.
    SelfSuspect,
}

/// The result of one reachability test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TestResult {
    /// The node tested.
    pub node_id: u64,
    /// When it was activated (chain seconds): where its credit starts.
    pub activated_at: u64,
    /// Whether it passed.
    pub passed: bool,
}

/// The ledger of every node this node tests.
#[derive(Debug, Clone)]
pub(crate) struct Ledger {
    figures: Figures,
    accounts: HashMap<u64, Account>,
}

impl Ledger {
    /// An empty ledger with `figures`.
    pub(crate) fn new(figures: Figures) -> Self {
        Self {
            figures,
            accounts: HashMap::new(),
        }
    }

    /// Records a round of tests made at `now`, unless it looks like this node's own fault.
    pub(crate) fn record_round(&mut self, now: u64, results: &[TestResult]) -> Round {
        let failed = results.iter().filter(|r| !r.passed).count();
        if failed >= 2 && failed * 3 > results.len() {
            return Round::SelfSuspect;
        }
        for result in results {
            self.record(result.node_id, result.activated_at, now, result.passed);
        }
        Round::Counted
    }

    /// Records one test of node `node_id` (activated at `activated_at`) made at `now`.
    pub(crate) fn record(&mut self, node_id: u64, activated_at: u64, now: u64, passed: bool) {
        let figures = self.figures;
        let account = self.accounts.entry(node_id).or_insert_with(|| Account {
            // A node first seen is credited for its whole life so far: this ledger
            // may have started after the node did, and errs towards leniency.
            balance: figures
                .initial
                .saturating_add(figures.earned(now.saturating_sub(activated_at)))
                .min(figures.cap),
            as_of: now,
            failing_since: None,
        });
        let now = now.max(account.as_of);
        match (account.failing_since, passed) {
            (None, _) => {
                account.balance = account
                    .balance
                    .saturating_add(figures.earned(now - account.as_of))
                    .min(figures.cap);
                if !passed {
                    account.failing_since = Some(now);
                }
            }
            (Some(since), true) => {
                // The outage ends: it is paid from the credit; no credit was earned during it.
                account.balance = account.balance.saturating_sub(now - since);
                account.failing_since = None;
            }
            (Some(_), false) => {}
        }
        account.as_of = now;
    }

    /// Where node `node_id` stands at `now`.
    pub(crate) fn standing(&self, node_id: u64, now: u64) -> Standing {
        let Some(account) = self.accounts.get(&node_id) else {
            return Standing::Healthy {
                credit: self.figures.initial,
            };
        };
        match account.failing_since {
            None => Standing::Healthy {
                credit: account
                    .balance
                    .saturating_add(self.figures.earned(now.saturating_sub(account.as_of)))
                    .min(self.figures.cap),
            },
            Some(since) => {
                let outage = now.saturating_sub(since);
                let credit = account.balance;
                if outage > credit && outage >= self.figures.min_outage {
                    Standing::OutOfCredit { since, credit }
                } else {
                    Standing::Failing { since, credit }
                }
            }
        }
    }

    /// The accounts as JSON (`{"node id": {balance, as_of, failing_since}}`), for the
    /// ledger file a node keeps across restarts.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        let sorted: BTreeMap<String, &Account> = self
            .accounts
            .iter()
            .map(|(id, account)| (id.to_string(), account))
            .collect();
        serde_json::to_vec(&sorted).expect("plain data serializes")
    }

    /// A ledger with `figures` and the accounts of `json` ([`Ledger::to_json`]).
    pub(crate) fn from_json(figures: Figures, json: &[u8]) -> Result<Self, serde_json::Error> {
        let accounts: BTreeMap<u64, Account> = serde_json::from_slice(json)?;
        Ok(Self {
            figures,
            accounts: accounts.into_iter().collect(),
        })
    }

    /// Forgets nodes not in `keep` (those that left the active set).
    pub(crate) fn retain(&mut self, keep: impl Fn(u64) -> bool) {
        self.accounts.retain(|id, _| keep(*id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_767_225_600;

    fn ledger() -> Ledger {
        Ledger::new(SESSION)
    }

    #[test]
    fn the_ledger_round_trips_through_json() {
        let mut ledger = ledger();
        ledger.record(1, T0, T0, true);
        ledger.record(1, T0, T0 + 600, false);
        ledger.record(2, T0, T0 + 600, true);
        let back = Ledger::from_json(SESSION, &ledger.to_json()).unwrap();
        for now in [T0 + 600, T0 + 3 * HOUR] {
            for id in [1, 2, 3] {
                assert_eq!(back.standing(id, now), ledger.standing(id, now));
            }
        }
        assert!(Ledger::from_json(SESSION, b"[1, 2]").is_err());
    }

    #[test]
    fn session_figures() {
        assert_eq!(SESSION.initial, 7200);
        assert_eq!(SESSION.per_day, 2880);
        assert_eq!(SESSION.cap, 172_800);
        // A full cap takes two months of service after the initial credit.
        assert_eq!(SESSION.earned(60 * DAY), 48 * HOUR);
    }

    #[test]
    fn a_new_node_is_voted_out_after_two_hours_down_not_before() {
        let mut ledger = ledger();
        ledger.record(1, T0, T0, true);
        ledger.record(1, T0, T0 + 600, false);
        for minutes in [10, 60, 120] {
            let now = T0 + 600 + minutes * 60;
            ledger.record(1, T0, now, false);
            assert!(
                matches!(ledger.standing(1, now), Standing::Failing { since, .. } if since == T0 + 600),
                "{minutes}: {:?}",
                ledger.standing(1, now)
            );
        }
        // 2 hours, and the 20 s earned over the 10 minutes it answered.
        let credit = 7200 + SESSION.earned(600);
        assert_eq!(credit, 7220);
        assert!(matches!(
            ledger.standing(1, T0 + 600 + credit),
            Standing::Failing { .. }
        ));
        assert_eq!(
            ledger.standing(1, T0 + 600 + credit + 1),
            Standing::OutOfCredit {
                since: T0 + 600,
                credit
            }
        );
    }

    #[test]
    fn credit_grows_with_age_up_to_the_cap() {
        let mut ledger = ledger();
        // First seen 30 days after activation: 2 h + 24 h.
        ledger.record(1, T0, T0 + 30 * DAY, true);
        assert_eq!(
            ledger.standing(1, T0 + 30 * DAY),
            Standing::Healthy { credit: 26 * HOUR }
        );
        // Earned while answering, up to 48 h.
        ledger.record(1, T0, T0 + 45 * DAY, true);
        assert_eq!(
            ledger.standing(1, T0 + 45 * DAY),
            Standing::Healthy { credit: 38 * HOUR }
        );
        assert_eq!(
            ledger.standing(1, T0 + 400 * DAY),
            Standing::Healthy { credit: 48 * HOUR }
        );
        let mut old = self::ledger();
        old.record(2, T0, T0 + 1000 * DAY, true);
        assert_eq!(
            old.standing(2, T0 + 1000 * DAY),
            Standing::Healthy { credit: 48 * HOUR }
        );
    }

    #[test]
    fn a_restart_within_credit_spends_it_and_is_not_voted() {
        let mut ledger = ledger();
        ledger.record(1, T0, T0, true);
        ledger.record(1, T0, T0 + HOUR, false);
        ledger.record(1, T0, T0 + HOUR + 1800, true);
        assert_eq!(
            ledger.standing(1, T0 + HOUR + 1800),
            Standing::Healthy {
                credit: 7200 + SESSION.earned(HOUR) - 1800
            }
        );
        // The next outage has less credit left.
        let start = T0 + 2 * HOUR;
        ledger.record(1, T0, start, false);
        let Standing::Failing { credit, .. } = ledger.standing(1, start + 3600) else {
            panic!("{:?}", ledger.standing(1, start + 3600));
        };
        // Earned over the 1.5 h it answered, not over the half hour it was down.
        assert_eq!(
            credit,
            7200 + SESSION.earned(HOUR) + SESSION.earned(1800) - 1800
        );
        assert!(matches!(
            ledger.standing(1, start + credit + 1),
            Standing::OutOfCredit { .. }
        ));
    }

    #[test]
    fn no_credit_left_still_needs_two_periods_down() {
        let mut ledger = ledger();
        ledger.record(1, T0, T0, true);
        ledger.record(1, T0, T0 + 100, false);
        ledger.record(1, T0, T0 + 100 + 3 * HOUR, true); // spends everything
        let start = T0 + 4 * HOUR;
        ledger.record(1, T0, start, false);
        assert!(matches!(
            ledger.standing(1, start + 600),
            Standing::Failing { .. }
        ));
        assert!(matches!(
            ledger.standing(1, start + 1200),
            Standing::OutOfCredit { .. }
        ));
    }

    #[test]
    fn a_round_where_many_fail_is_this_nodes_fault() {
        let result = |node_id, passed| TestResult {
            node_id,
            activated_at: T0,
            passed,
        };
        let mut ledger = ledger();
        // 2 of 5 down: more than a third, this node is the suspect.
        let round = [
            result(1, false),
            result(2, false),
            result(3, true),
            result(4, true),
            result(5, true),
        ];
        assert_eq!(ledger.record_round(T0, &round), Round::SelfSuspect);
        assert!(matches!(
            ledger.standing(1, T0 + DAY),
            Standing::Healthy { .. }
        ));
        // 1 of 5 down (a network of 6 with one stopped) counts.
        let round = [
            result(1, false),
            result(2, true),
            result(3, true),
            result(4, true),
            result(5, true),
        ];
        assert_eq!(ledger.record_round(T0, &round), Round::Counted);
        assert!(matches!(
            ledger.standing(1, T0 + 60),
            Standing::Failing { .. }
        ));
        // 1 of 2 down also counts: one failure alone never makes this node the suspect.
        assert_eq!(
            ledger.record_round(T0 + 600, &[result(1, false), result(2, true)]),
            Round::Counted
        );
    }

    #[test]
    fn clocks_going_back_change_nothing() {
        let mut ledger = ledger();
        ledger.record(1, T0, T0 + DAY, true);
        ledger.record(1, T0, T0, false);
        assert!(matches!(
            ledger.standing(1, T0 + DAY),
            Standing::Failing { since, .. } if since == T0 + DAY
        ));
        ledger.retain(|id| id != 1);
        assert_eq!(ledger.standing(1, T0), Standing::Healthy { credit: 7200 });
    }
}
