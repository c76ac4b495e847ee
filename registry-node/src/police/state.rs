//! What the node's policing holds between rounds: its keys, its ledger, the votes it
//! signed and holds, what it submitted; and the report `GET /v1/police` shows.

use super::credit::{Ledger, Round, SESSION, Standing};
use super::vote::{ActiveNode, Vote, VoteError, count};
use alloy::primitives::{Address, B256, U256};
use alloy::providers::DynProvider;
use alloy::signers::local::PrivateKeySigner;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// How many votes of one signer against one node are held (the latest deadlines).
const MAX_VOTES_PER_SIGNER: usize = 2;

/// How many judged pieces of evidence the report keeps.
const MAX_EVIDENCE_KEPT: usize = 256;

/// How the node submits `deregister`: its operator's account, with a gas cap.
#[derive(Debug, Clone)]
pub(crate) struct Submitter {
    /// A provider that signs with the operator key.
    pub provider: DynProvider,
    /// The most gas one `deregister` may use.
    pub gas_limit: u64,
}

/// The node's policing: set up once at start, shared by the tester task and the routes.
#[derive(Debug, Default)]
pub(crate) struct Police {
    ledger_file: OnceLock<PathBuf>,
    voter: OnceLock<PrivateKeySigner>,
    submitter: OnceLock<Submitter>,
    spread: OnceLock<std::time::Duration>,
    state: Mutex<State>,
    /// Counters for `/metrics`.
    pub counters: Counters,
}

/// Counters for `/metrics`.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Reachability tests passed.
    pub tests_passed: AtomicU64,
    /// Reachability tests failed.
    pub tests_failed: AtomicU64,
    /// Rounds not counted because too many peers failed (this node's own fault, likely).
    pub rounds_self_suspect: AtomicU64,
    /// Votes this node signed.
    pub votes_signed: AtomicU64,
    /// Peers' votes accepted.
    pub votes_accepted: AtomicU64,
    /// Peers' votes refused.
    pub votes_refused: AtomicU64,
    /// `deregister` transactions mined.
    pub submitted: AtomicU64,
    /// Submissions found already done by another node.
    pub already_done: AtomicU64,
    /// Submissions that failed.
    pub submit_failures: AtomicU64,
    /// Lookups asked of peers (the scheduled lookup tests).
    pub lookups_tested: AtomicU64,
    /// Lookups a peer did not answer with a signed answer.
    pub lookups_unanswered: AtomicU64,
    /// Storage tests of peers passed.
    pub storage_passed: AtomicU64,
    /// Storage tests of peers failed.
    pub storage_failed: AtomicU64,
}

impl Counters {
    /// The counters in the Prometheus text format, appended to `/metrics`.
    pub(crate) fn exposition(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for (name, help, value) in self.rows() {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        }
        out
    }

    /// `(name, help, value)` of each counter, for the exposition.
    pub(crate) fn rows(&self) -> [(&'static str, &'static str, u64); 13] {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        [
            (
                "registry_police_tests_passed_total",
                "Reachability tests of peers passed.",
                get(&self.tests_passed),
            ),
            (
                "registry_police_tests_failed_total",
                "Reachability tests of peers failed.",
                get(&self.tests_failed),
            ),
            (
                "registry_police_rounds_self_suspect_total",
                "Rounds of tests not counted: too many peers failed at once.",
                get(&self.rounds_self_suspect),
            ),
            (
                "registry_police_votes_signed_total",
                "Deregistration votes this node signed.",
                get(&self.votes_signed),
            ),
            (
                "registry_police_votes_accepted_total",
                "Peers' deregistration votes accepted.",
                get(&self.votes_accepted),
            ),
            (
                "registry_police_votes_refused_total",
                "Peers' deregistration votes refused.",
                get(&self.votes_refused),
            ),
            (
                "registry_police_deregistrations_submitted_total",
                "deregister transactions this node had mined.",
                get(&self.submitted),
            ),
            (
                "registry_police_deregistrations_already_done_total",
                "Submissions another node made first.",
                get(&self.already_done),
            ),
            (
                "registry_police_deregistrations_failed_total",
                "Submissions that failed.",
                get(&self.submit_failures),
            ),
            (
                "registry_police_lookups_tested_total",
                "Lookups asked of peers by the scheduled lookup tests.",
                get(&self.lookups_tested),
            ),
            (
                "registry_police_lookups_unanswered_total",
                "Scheduled lookups a peer did not answer with a signed answer.",
                get(&self.lookups_unanswered),
            ),
            (
                "registry_police_storage_tests_passed_total",
                "Storage tests of swarm peers passed.",
                get(&self.storage_passed),
            ),
            (
                "registry_police_storage_tests_failed_total",
                "Storage tests of swarm peers failed (a message missing, other bytes, or a refusal): reported, not counted against their credit.",
                get(&self.storage_failed),
            ),
        ]
    }
}

/// The mutable part.
#[derive(Debug)]
pub(crate) struct State {
    /// The downtime ledger.
    pub ledger: Ledger,
    /// The last period tested.
    pub last_period: Option<u64>,
    /// The last round's results.
    pub last_round: Option<RoundReport>,
    /// Activation times (chain seconds) by node id, read from `nodeInfo` once.
    pub activated_at: HashMap<u64, u64>,
    /// Every vote held (this node's and peers'), checked on arrival.
    pub held: Vec<Vote>,
    /// The votes this node signed (and why), newest last.
    pub signed: Vec<SignedVote>,
    /// The submissions made, newest last.
    pub submitted: Vec<SubmissionReport>,
    /// Evidence received (each judged once: keyed by the accused node and its signature).
    pub evidence: Vec<EvidenceReport>,
}

/// Evidence judged.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EvidenceReport {
    /// The node accused.
    pub node_id: u64,
    /// The name looked up.
    pub name: String,
    /// The accused answer's signature.
    pub signature: String,
    /// `proven_false`, `agrees` or `undecided`.
    pub verdict: &'static str,
    /// Chain time it was judged.
    pub at: u64,
}

impl Default for State {
    fn default() -> Self {
        Self {
            ledger: Ledger::new(SESSION),
            last_period: None,
            last_round: None,
            activated_at: HashMap::new(),
            held: Vec::new(),
            signed: Vec::new(),
            submitted: Vec::new(),
            evidence: Vec::new(),
        }
    }
}

/// One round of reachability tests.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RoundReport {
    /// The period.
    pub period: u64,
    /// Chain time of the round.
    pub at: u64,
    /// Whether the results counted (see [`Round::SelfSuspect`]).
    pub counted: bool,
    /// Each test.
    pub tests: Vec<TestReport>,
}

impl RoundReport {
    pub(crate) fn new(period: u64, at: u64, round: Round, tests: Vec<TestReport>) -> Self {
        Self {
            period,
            at,
            counted: round == Round::Counted,
            tests,
        }
    }
}

/// One test.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TestReport {
    /// The node tested.
    pub node_id: u64,
    /// Its URL.
    pub url: String,
    /// Whether it passed.
    pub passed: bool,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// Whether it passed its storage test, when it had one (it shares a swarm with this
    /// node and was reachable). Reported, not counted in `passed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_passed: Option<bool>,
    /// Why its storage test failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_failure: Option<String>,
}

/// A vote this node signed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SignedVote {
    /// The vote.
    #[serde(flatten)]
    pub vote: Vote,
    /// Why: `offline` or `key_proof`.
    pub reason: &'static str,
    /// Chain time it was signed.
    pub signed_at: u64,
}

/// A submission of `deregister`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SubmissionReport {
    /// The node.
    pub node_id: u64,
    /// The votes' deadline.
    pub deadline: u64,
    /// How many votes it carried.
    pub votes: usize,
    /// `mined`, `already_done`, `reverted` or `failed`.
    pub outcome: &'static str,
    /// The transaction, once sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx: Option<B256>,
    /// What went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Chain time of the attempt: a `failed` one is tried again a minute later.
    pub at: u64,
}

/// A node's standing as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StandingReport {
    /// The node.
    pub node_id: u64,
    /// `healthy`, `failing` or `out_of_credit`.
    pub state: &'static str,
    /// Its credit, seconds.
    pub credit_secs: u64,
    /// The first failed test of the outage under way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failing_since: Option<u64>,
}

/// The votes held against one node with one deadline.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TallyReport {
    /// The node.
    pub node_id: u64,
    /// The shared deadline.
    pub deadline: u64,
    /// The signers that count, sorted.
    pub voters: Vec<Address>,
    /// Their stake, base units.
    pub voting_stake: U256,
    /// The stake needed.
    pub required_stake: U256,
    /// Whether the quorum is met.
    pub quorum: bool,
}

/// `GET /v1/police`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PoliceReport {
    /// The voting key's address, when the node votes.
    pub voter: Option<Address>,
    /// Whether the node submits `deregister` when it holds a quorum.
    pub submits: bool,
    /// Chain time now (the indexed head's).
    pub chain_time: u64,
    /// The last round of tests.
    pub last_round: Option<RoundReport>,
    /// Where each node tested stands.
    pub standings: Vec<StandingReport>,
    /// The votes held, by node and deadline.
    pub votes: Vec<TallyReport>,
    /// The votes this node signed.
    pub signed: Vec<SignedVote>,
    /// What it submitted.
    pub submitted: Vec<SubmissionReport>,
    /// The evidence it judged.
    pub evidence: Vec<EvidenceReport>,
}

impl Police {
    /// Keeps the ledger in `path` across restarts: reads it now (a missing file is an
    /// empty ledger; an unreadable one is set aside, since erring towards leniency is
    /// safe) and writes it after each round.
    pub(crate) fn keep_ledger_in(&self, path: PathBuf) {
        match std::fs::read(&path) {
            Ok(bytes) => match Ledger::from_json(SESSION, &bytes) {
                Ok(ledger) => self.state().ledger = ledger,
                Err(error) => {
                    tracing::warn!(%error, path = %path.display(), "the policing ledger is unreadable; starting a new one")
                }
            },
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                tracing::warn!(%error, path = %path.display(), "cannot read the policing ledger; starting a new one")
            }
        }
        let _ = self.ledger_file.set(path);
    }

    /// Writes the ledger to its file, if it has one.
    pub(crate) fn save_ledger(&self) {
        let Some(path) = self.ledger_file.get() else {
            return;
        };
        let json = self.state().ledger.to_json();
        let temporary = path.with_extension("json.tmp");
        if let Err(error) =
            std::fs::write(&temporary, json).and_then(|()| std::fs::rename(&temporary, path))
        {
            tracing::warn!(%error, path = %path.display(), "cannot write the policing ledger");
        }
    }

    /// Votes with `key` from now on (once; later calls change nothing).
    pub(crate) fn set_voter(&self, key: PrivateKeySigner) {
        let _ = self.voter.set(key);
    }

    /// Spreads each round of tests over `window` from now on (once; the default is none).
    pub(crate) fn set_spread(&self, window: std::time::Duration) {
        let _ = self.spread.set(window);
    }

    /// How long each round of tests is spread over.
    pub(crate) fn spread(&self) -> std::time::Duration {
        self.spread.get().copied().unwrap_or_default()
    }

    /// Submits with `submitter` from now on (once).
    pub(crate) fn set_submitter(&self, submitter: Submitter) {
        let _ = self.submitter.set(submitter);
    }

    /// The voting key, if any.
    pub(crate) fn voter(&self) -> Option<&PrivateKeySigner> {
        self.voter.get()
    }

    /// How to submit, if the node does.
    pub(crate) fn submitter(&self) -> Option<&Submitter> {
        self.submitter.get()
    }

    /// The state, locked (held briefly, never across an await).
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Keeps a peer's vote once `check` (the contract's rules, against the active set)
    /// accepts it; a vote already held is accepted again without being kept twice.
    pub(crate) fn receive(
        &self,
        vote: Vote,
        check: impl FnOnce(&Vote) -> Result<(), VoteError>,
    ) -> Result<(), VoteError> {
        if let Err(error) = check(&vote) {
            self.counters.votes_refused.fetch_add(1, Ordering::Relaxed);
            return Err(error);
        }
        self.counters.votes_accepted.fetch_add(1, Ordering::Relaxed);
        let mut state = self.state();
        if state.held.contains(&vote) {
            return Ok(());
        }
        // An honest signer has at most two live votes against a node (one joining a
        // deadline, one replacing it); keeping only its latest two bounds what a signer
        // posting every deadline of the next two hours can make this node hold.
        let mine = |v: &Vote| v.signer == vote.signer && v.node_id == vote.node_id;
        let mut deadlines: Vec<u64> = state
            .held
            .iter()
            .filter(|v| mine(v))
            .map(|v| v.deadline)
            .collect();
        deadlines.push(vote.deadline);
        deadlines.sort_unstable_by(|a, b| b.cmp(a));
        let oldest_kept = deadlines[deadlines.len().min(MAX_VOTES_PER_SIGNER) - 1];
        if vote.deadline >= oldest_kept {
            state.held.retain(|v| !mine(v) || v.deadline >= oldest_kept);
            state.held.push(vote);
        }
        Ok(())
    }

    /// Records evidence judged; false when the same evidence was judged before.
    pub(crate) fn note_evidence(&self, report: EvidenceReport) -> bool {
        let mut state = self.state();
        if state
            .evidence
            .iter()
            .any(|e| e.node_id == report.node_id && e.signature == report.signature)
        {
            return false;
        }
        // The newest are kept; an unchanged answer keeps its signature, so a name tested
        // again each period is recorded once.
        if state.evidence.len() >= MAX_EVIDENCE_KEPT {
            state.evidence.remove(0);
        }
        state.evidence.push(report);
        true
    }

    /// The report at chain time `now`, tallied against `active` (as the contract counts).
    pub(crate) fn report(&self, now: u64, active: &[ActiveNode]) -> PoliceReport {
        let state = self.state();
        let mut standings: Vec<StandingReport> = state
            .last_round
            .iter()
            .flat_map(|round| round.tests.iter())
            .map(|test| standing_report(test.node_id, state.ledger.standing(test.node_id, now)))
            .collect();
        standings.sort_by_key(|s| s.node_id);
        PoliceReport {
            voter: self.voter().map(|key| key.address()),
            submits: self.submitter().is_some(),
            chain_time: now,
            last_round: state.last_round.clone(),
            standings,
            votes: tallies(&state.held, active),
            signed: state.signed.clone(),
            submitted: state.submitted.clone(),
            evidence: state.evidence.clone(),
        }
    }
}

fn standing_report(node_id: u64, standing: Standing) -> StandingReport {
    let (state, credit_secs, failing_since) = match standing {
        Standing::Healthy { credit } => ("healthy", credit, None),
        Standing::Failing { since, credit } => ("failing", credit, Some(since)),
        Standing::OutOfCredit { since, credit } => ("out_of_credit", credit, Some(since)),
    };
    StandingReport {
        node_id,
        state,
        credit_secs,
        failing_since,
    }
}

/// The held votes grouped by node and deadline, each group counted.
pub(crate) fn tallies(held: &[Vote], active: &[ActiveNode]) -> Vec<TallyReport> {
    let groups: BTreeMap<(u64, u64), ()> = held
        .iter()
        .map(|vote| ((vote.node_id, vote.deadline), ()))
        .collect();
    groups
        .into_keys()
        .map(|(node_id, deadline)| {
            let count = count(active, node_id, deadline, held);
            TallyReport {
                node_id,
                deadline,
                voters: count.votes.iter().map(|v| v.signer).collect(),
                quorum: count.met(),
                voting_stake: count.voting,
                required_stake: count.required,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::B256;

    fn key(i: u8) -> PrivateKeySigner {
        PrivateKeySigner::from_bytes(&B256::repeat_byte(i)).unwrap()
    }

    /// Nodes 1..=n, each with 100 staked and signer `key(i)`.
    fn active(n: u8) -> Vec<ActiveNode> {
        (1..=n)
            .map(|i| ActiveNode {
                node_id: u64::from(i),
                signer: key(i).address(),
                stake: U256::from(100u64),
            })
            .collect()
    }

    #[test]
    fn votes_are_kept_once_counted_and_reported() {
        let staking = Address::repeat_byte(0x55);
        let active = active(4);
        let police = Police::default();
        let now = 10_000;
        let check = |vote: &Vote| vote.check(1, staking, &active, now);
        let vote = |i| Vote::sign(&key(i), 1, staking, 1, now + 600).unwrap();
        police.receive(vote(2), check).unwrap();
        police.receive(vote(2), check).unwrap();
        // The target's own vote is refused and counted as refused.
        assert!(police.receive(vote(1), check).is_err());
        let report = police.report(now, &active);
        assert_eq!(report.votes.len(), 1);
        assert_eq!(report.votes[0].voters, vec![key(2).address()]);
        assert_eq!(report.votes[0].required_stake, U256::from(200u64));
        assert!(!report.votes[0].quorum);
        police.receive(vote(3), check).unwrap();
        let report = police.report(now, &active);
        assert!(report.votes[0].quorum);
        assert_eq!(report.voter, None);
        assert!(!report.submits);
        assert_eq!(police.counters.votes_accepted.load(Ordering::Relaxed), 3);
        assert_eq!(police.counters.votes_refused.load(Ordering::Relaxed), 1);
        let text = police.counters.exposition();
        assert!(
            text.contains("registry_police_votes_accepted_total 3\n"),
            "{text}"
        );
        assert!(text.contains("# TYPE registry_police_votes_refused_total counter\n"));
    }

    #[test]
    fn the_ledger_file_is_read_at_start_and_written_after_rounds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("police-ledger.json");
        let police = Police::default();
        police.keep_ledger_in(path.clone());
        police.state().ledger.record(7, 0, 1000, false);
        police.save_ledger();
        let restarted = Police::default();
        restarted.keep_ledger_in(path.clone());
        assert!(matches!(
            restarted.state().ledger.standing(7, 2000),
            Standing::Failing { since: 1000, .. }
        ));
        // An unreadable file is set aside: a new ledger, no error.
        std::fs::write(&path, "not json").unwrap();
        let fresh = Police::default();
        fresh.keep_ledger_in(path);
        assert!(matches!(
            fresh.state().ledger.standing(7, 2000),
            Standing::Healthy { .. }
        ));
    }

    #[test]
    fn a_signer_flooding_deadlines_keeps_only_its_latest_two() {
        let staking = Address::repeat_byte(0x55);
        let active = active(3);
        let police = Police::default();
        let now = 10_000;
        let check = |vote: &Vote| vote.check(1, staking, &active, now);
        for deadline in [now + 30, now + 49, now + 10, now + 48, now + 20] {
            police
                .receive(Vote::sign(&key(2), 1, staking, 1, deadline).unwrap(), check)
                .unwrap();
        }
        police
            .receive(Vote::sign(&key(3), 1, staking, 1, now + 5).unwrap(), check)
            .unwrap();
        let mut held: Vec<(Address, u64)> = police
            .state()
            .held
            .iter()
            .map(|v| (v.signer, v.deadline))
            .collect();
        held.sort();
        let mut expected = vec![
            (key(2).address(), now + 48),
            (key(2).address(), now + 49),
            (key(3).address(), now + 5),
        ];
        expected.sort();
        assert_eq!(held, expected);
    }
}
