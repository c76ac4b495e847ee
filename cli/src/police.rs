//! What registry nodes say of each other's health (docs/policing.md): `sesh stake nodes`
//! and `sesh stake status` ask up to [`ASK`] nodes for `GET /v1/police/standings` and
//! show, per active node, how many of its peers find it healthy or failing, its credit
//! left and any deregistration vote under way, so that its contributors can act before a
//! penalty.
//!
//! These are opinions, unsigned: the chain's state alone says whether a node was
//! deregistered. So a node that cannot be reached, or answers nonsense, is a note (a
//! warning), never a failure of the command.

use crate::context::Context;
use crate::format::{SeshAmount, Timestamp, date, duration};
use crate::onion::Request;
use crate::registry::{ASK, active_nodes, pick, transport};
use crate::target::{NodeTarget, join_all};
use serde::Serialize;
use sesh_core::api::police::{PeerStanding, PeerTest, Standing, StandingsResponse, VoteTally};
use sesh_core::protocol::NodeState;

/// The route asked.
pub(crate) const PATH: &str = "/v1/police/standings";

/// The rendezvous subject that picks the nodes asked (the same [`ASK`] nodes for every
/// wallet, so their reports are comparable from one run to the next).
const SUBJECT: &str = "police/standings";

/// What the nodes asked said, and which could not be asked.
#[derive(Debug, Clone, Default)]
pub(crate) struct Standings {
    /// Each node asked, in order.
    pub(crate) asked: Vec<Witness>,
    /// The answers, with the index in `asked` of the node that gave each.
    answers: Vec<(usize, StandingsResponse)>,
}

/// A node asked for its standings, in a command's `--json` (`standings_from`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Witness {
    /// Its URL.
    pub(crate) url: String,
    /// Its on-chain id (`null` with `--registry` URLs).
    pub(crate) node_id: Option<u64>,
    /// Whether it answered.
    pub(crate) answered: bool,
    /// Why it did not.
    pub(crate) detail: Option<String>,
}

/// One active node as its peers see it, in a command's `--json` (`peers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct PeerView {
    /// How many of the nodes that answered tested it in their last round.
    pub(crate) tested_by: usize,
    /// How many of them find it healthy.
    pub(crate) healthy: usize,
    /// How many find it failing (within its credit or past it).
    pub(crate) failing: usize,
    /// How many find it failing for longer than its credit: they vote to deregister it.
    pub(crate) out_of_credit: usize,
    /// The earliest start of the outage the failing peers report.
    pub(crate) failing_since: Option<Timestamp>,
    /// The least credit the failing peers leave it, seconds: once it is spent there, that
    /// peer votes.
    pub(crate) credit_left_secs: Option<u64>,
    /// Why a failing peer's last test failed.
    pub(crate) failure: Option<String>,
    /// The strongest vote under way against it (the most stake), if any peer holds one.
    pub(crate) vote: Option<VoteView>,
    /// Each peer's own report.
    pub(crate) peers: Vec<PeerOpinion>,
}

/// One peer's report of a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct PeerOpinion {
    /// The peer's URL.
    pub(crate) url: String,
    /// The peer's id.
    pub(crate) node_id: Option<u64>,
    /// `healthy`, `failing`, `out_of_credit` or `untested`.
    pub(crate) standing: Standing,
    /// When the outage began, as the peer saw it.
    pub(crate) failing_since: Option<Timestamp>,
    /// The credit the peer gives it (at the outage's start when failing), seconds.
    pub(crate) credit_secs: Option<u64>,
    /// The peer's last test of it.
    pub(crate) last_test: Option<PeerTest>,
    /// The votes the peer holds against it.
    pub(crate) votes: Vec<VoteView>,
}

/// Deregistration votes held against a node with one deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct VoteView {
    /// After this the votes are void.
    pub(crate) deadline: Timestamp,
    /// How many nodes signed.
    pub(crate) voters: u64,
    /// Their stake.
    pub(crate) voting_stake: SeshAmount,
    /// The stake `deregister` needs: two thirds of the other active stake.
    pub(crate) required_stake: SeshAmount,
    /// Whether they reach it: any node holding them may deregister the node now.
    pub(crate) quorum: bool,
}

impl From<&VoteTally> for VoteView {
    fn from(tally: &VoteTally) -> Self {
        Self {
            deadline: Timestamp(tally.deadline),
            voters: tally.voters,
            voting_stake: tally.voting_stake.into(),
            required_stake: tally.required_stake.into(),
            quorum: tally.quorum,
        }
    }
}

impl Standings {
    /// Asks up to [`ASK`] nodes (the `--registry` URLs, else active nodes from the chain)
    /// through the wallet's transport (onion paths unless `--direct`). Every node that
    /// cannot be asked or does not answer is a warning; so is an unreadable active set.
    pub(crate) async fn ask(ctx: &Context<'_>) -> Self {
        let nodes = if ctx.registries.is_empty() {
            match active_nodes(ctx).await {
                Ok(nodes) => pick(nodes, SUBJECT),
                Err(error) => {
                    ctx.out.warn(&format!(
                        "cannot read the active registry nodes, so their peers' view is not shown: {error:#}"
                    ));
                    return Self::default();
                }
            }
        } else {
            ctx.registries
                .iter()
                .take(ASK)
                .map(|url| NodeTarget {
                    url: url.trim_end_matches('/').to_string(),
                    node_id: None,
                    key: None,
                })
                .collect()
        };
        if nodes.is_empty() {
            return Self::default();
        }
        let transport = match transport(ctx).await {
            Ok(transport) => transport,
            Err(error) => {
                ctx.out.warn(&format!(
                    "cannot reach the registry nodes, so their peers' view is not shown: {error:#}"
                ));
                return Self::default();
            }
        };
        let replies = join_all(nodes.iter().map(|node| {
            let transport = transport.clone();
            async move {
                let reply = transport
                    .send(node, Request::Get(PATH))
                    .await
                    .map_err(|e| e.to_string())?;
                if !(200..300).contains(&reply.status) {
                    return Err(format!("HTTP {}", reply.status));
                }
                serde_json::from_slice::<StandingsResponse>(&reply.body)
                    .map_err(|e| format!("bad answer: {e}"))
            }
        }))
        .await;
        let mut standings = Self::default();
        for (node, reply) in nodes.into_iter().zip(replies) {
            let index = standings.asked.len();
            let detail = match reply {
                Ok(answer) => {
                    standings.answers.push((index, answer));
                    None
                }
                Err(error) => {
                    ctx.out.warn(&format!(
                        "registry node {} did not say how its peers stand: {error}",
                        node.url
                    ));
                    Some(error)
                }
            };
            standings.asked.push(Witness {
                url: node.url,
                node_id: node.node_id,
                answered: detail.is_none(),
                detail,
            });
        }
        standings
    }

    /// Node `node_id` as its peers see it, if it is `state` active: the nodes are asked
    /// for the first active node of a command, and `asked` keeps their answers for the rest.
    pub(crate) async fn of_active(
        asked: &mut Option<Self>,
        ctx: &Context<'_>,
        node_id: u64,
        state: NodeState,
    ) -> Option<PeerView> {
        if state != NodeState::Active {
            return None;
        }
        if asked.is_none() {
            *asked = Some(Self::ask(ctx).await);
        }
        asked.as_ref().and_then(|standings| standings.view(node_id))
    }

    /// Node `node_id` as the nodes that answered see it (`None`: none answered, or none
    /// lists it: it is not active in their index).
    pub(crate) fn view(&self, node_id: u64) -> Option<PeerView> {
        let opinions: Vec<(&Witness, u64, &PeerStanding)> = self
            .answers
            .iter()
            .filter_map(|(index, answer)| {
                let standing = answer.standings.iter().find(|s| s.node_id == node_id)?;
                Some((&self.asked[*index], answer.chain_time, standing))
            })
            .collect();
        if opinions.is_empty() {
            return None;
        }
        let tested = |s: &&(&Witness, u64, &PeerStanding)| s.2.standing != Standing::Untested;
        let failing: Vec<_> = opinions
            .iter()
            .filter(|(_, _, s)| matches!(s.standing, Standing::Failing | Standing::OutOfCredit))
            .collect();
        let credit_left = |(_, now, s): &&(&Witness, u64, &PeerStanding)| {
            let since = s.failing_since?;
            Some(s.credit_secs?.saturating_sub(now.saturating_sub(since)))
        };
        let vote = opinions
            .iter()
            .flat_map(|(_, _, s)| s.votes.iter())
            .max_by_key(|tally| (tally.voting_stake, tally.deadline))
            .map(VoteView::from);
        Some(PeerView {
            tested_by: opinions.iter().filter(tested).count(),
            healthy: opinions
                .iter()
                .filter(|(_, _, s)| s.standing == Standing::Healthy)
                .count(),
            failing: failing.len(),
            out_of_credit: failing
                .iter()
                .filter(|(_, _, s)| s.standing == Standing::OutOfCredit)
                .count(),
            failing_since: failing
                .iter()
                .filter_map(|(_, _, s)| s.failing_since)
                .min()
                .map(Timestamp),
            credit_left_secs: failing.iter().filter_map(credit_left).min(),
            failure: failing
                .iter()
                .find_map(|(_, _, s)| s.last_test.as_ref()?.failure.clone()),
            vote,
            peers: opinions
                .iter()
                .map(|(witness, _, s)| PeerOpinion {
                    url: witness.url.clone(),
                    node_id: witness.node_id,
                    standing: s.standing,
                    failing_since: s.failing_since.map(Timestamp),
                    credit_secs: s.credit_secs,
                    last_test: s.last_test.clone(),
                    votes: s.votes.iter().map(VoteView::from).collect(),
                })
                .collect(),
        })
    }
}

impl PeerView {
    /// The view in words, one line each: "healthy (3 of 3 peers)"; "failing since … per 2
    /// of 3 peers: no answer …; credit left 1 hour and 10 minutes"; "vote under way: …".
    pub(crate) fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.tested_by == 0 {
            lines.push("not tested yet by the peers asked".to_string());
        } else if self.failing == 0 {
            lines.push(format!(
                "healthy ({} of {} peers)",
                self.healthy, self.tested_by
            ));
        } else {
            let since = self
                .failing_since
                .map(|since| format!(" since {since}"))
                .unwrap_or_default();
            let why = self
                .failure
                .as_ref()
                .map(|failure| format!(": {failure}"))
                .unwrap_or_default();
            let credit = if self.out_of_credit > 0 {
                format!(
                    "; out of credit per {} of them: they vote to deregister it",
                    self.out_of_credit
                )
            } else {
                self.credit_left_secs
                    .map(|left| format!("; credit left {}", duration(left - left % 60)))
                    .unwrap_or_default()
            };
            lines.push(format!(
                "failing{since} per {} of {} peers{why}{credit}",
                self.failing, self.tested_by
            ));
        }
        if let Some(vote) = &self.vote {
            let what = if vote.quorum {
                "deregistration votes reach the quorum"
            } else {
                "deregistration vote under way"
            };
            lines.push(format!(
                "{what}: {} signature{} holding {} of the {} of stake needed, deadline {}",
                vote.voters,
                if vote.voters == 1 { "" } else { "s" },
                vote.voting_stake,
                vote.required_stake,
                date(vote.deadline.0)
            ));
        }
        lines
    }
}

/// A sample peer view, for golden files: node failing per 2 of 3 peers, a vote under way.
#[cfg(test)]
pub(crate) fn sample_view() -> PeerView {
    sample().view(3).expect("node 3 is listed")
}

/// The sample's nodes asked, for golden files.
#[cfg(test)]
pub(crate) fn sample_witnesses() -> Vec<Witness> {
    sample().asked
}

#[cfg(test)]
fn sample() -> Standings {
    use alloy::primitives::U256;
    let opinion =
        |standing, failing_since, credit_secs, passed: bool, votes: Vec<VoteTally>| PeerStanding {
            node_id: 3,
            standing,
            failing_since,
            credit_secs,
            last_test: Some(PeerTest {
                at: 1_795_000_000,
                passed,
                failure: (!passed).then(|| "no answer: connection refused".to_string()),
            }),
            votes,
        };
    let tally = |voters| VoteTally {
        deadline: 1_795_003_600,
        voters,
        voting_stake: U256::from(voters) * U256::from(100_000_000_000u64),
        required_stake: U256::from(334_000_000_000u64),
        quorum: false,
    };
    let answers = [
        opinion(Standing::Healthy, None, Some(7200), true, Vec::new()),
        opinion(
            Standing::Failing,
            Some(1_794_999_400),
            Some(7200),
            false,
            vec![tally(2)],
        ),
        opinion(
            Standing::Failing,
            Some(1_794_999_000),
            Some(7200),
            false,
            vec![tally(1)],
        ),
    ];
    Standings {
        asked: (4..=6)
            .map(|i| Witness {
                url: format!("https://node{i}.example"),
                node_id: Some(i),
                answered: true,
                detail: None,
            })
            .collect(),
        answers: answers
            .into_iter()
            .enumerate()
            .map(|(i, standing)| {
                (
                    i,
                    StandingsResponse {
                        chain_time: 1_795_000_000,
                        last_round_at: Some(1_795_000_000),
                        standings: vec![standing],
                    },
                )
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_failing_per_two_of_three_peers_shows_the_least_credit_and_the_strongest_vote() {
        let view = sample_view();
        assert_eq!(
            (
                view.tested_by,
                view.healthy,
                view.failing,
                view.out_of_credit
            ),
            (3, 1, 2, 0)
        );
        assert_eq!(view.failing_since, Some(Timestamp(1_794_999_000)));
        // 7200 s of credit, failing for 1000 s at the least lenient peer.
        assert_eq!(view.credit_left_secs, Some(6200));
        assert_eq!(view.vote.as_ref().map(|v| v.voters), Some(2));
        let lines = view.lines();
        assert!(
            lines[0].starts_with("failing since ")
                && lines[0].contains(" per 2 of 3 peers: no answer: connection refused; credit left 1 hour and 43 minutes"),
            "{lines:?}"
        );
        assert!(
            lines[1].starts_with(
                "deregistration vote under way: 2 signatures holding 200 SESH of the 334 SESH of stake needed, deadline "
            ),
            "{lines:?}"
        );
    }

    #[test]
    fn healthy_untested_and_unknown_nodes_read_plainly() {
        let mut standings = sample();
        for (_, answer) in &mut standings.answers {
            answer.standings[0].standing = Standing::Healthy;
            answer.standings[0].failing_since = None;
            answer.standings[0].votes.clear();
        }
        standings.answers[2].1.standings[0].standing = Standing::Untested;
        let view = standings.view(3).unwrap();
        assert_eq!(view.lines(), vec!["healthy (2 of 2 peers)".to_string()]);
        assert_eq!(view.credit_left_secs, None);
        assert!(standings.view(4).is_none());
        assert!(Standings::default().view(3).is_none());
    }

    #[test]
    fn peers_out_of_credit_say_they_vote() {
        let mut standings = sample();
        standings.answers[1].1.standings[0].standing = Standing::OutOfCredit;
        let view = standings.view(3).unwrap();
        assert_eq!(view.out_of_credit, 1);
        assert!(
            view.lines()[0].ends_with("; out of credit per 1 of them: they vote to deregister it"),
            "{:?}",
            view.lines()
        );
    }
}
