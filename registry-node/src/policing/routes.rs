//! The policing routes: `POST /v1/votes` (a peer's vote), `POST /v1/evidence` (a signed
//! answer someone found false), `GET /v1/police` (what this node tested, saw, signed,
//! holds and submitted) and `GET /v1/police/standings` (every active node's standing as
//! this node sees it, for wallets).

use super::task::{active_from_index, all_nodes, post_to_peers, share_votes, sign_vote};
use crate::app::AppState;
use crate::handlers::error::ApiError;
use crate::handlers::extract::JsonObject;
use crate::police::credit::Standing;
use crate::police::evidence::{EvidenceError, NameEvidence, Verdict, judge};
use crate::police::state::{EvidenceReport, PoliceReport, tallies};
use crate::police::vote::{Vote, VoteError};
use crate::store::StoreError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sesh_core::Name;
use sesh_core::api::police::{
    self as wire, EvidenceVerdict, PeerStanding, PeerTest, StandingsResponse, VoteTally,
};
use sesh_core::api::{ErrorBody, ErrorDetail};
use sesh_core::attestation::NodeKey;
use sesh_core::protocol::NodeState;

/// Why a policing request is refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PoliceRouteError {
    /// The body is not the JSON object the route takes (answered as every route answers it).
    #[error(transparent)]
    Body(#[from] ApiError),
    /// The evidence names no valid name.
    #[error("the evidence's name: {0}")]
    Name(#[from] sesh_core::NameError),
    /// The answer is about another name than the one looked up.
    #[error("the answer is about {answered:?}, not the name looked up")]
    OtherSubject {
        /// The name the answer is about.
        answered: String,
    },
    /// The node accused is not active.
    #[error("node {0} is not active")]
    NotActive(u64),
    /// The evidence cannot be judged.
    #[error("evidence refused: {0}")]
    Evidence(#[from] EvidenceError),
    /// The vote does not hold.
    #[error("vote refused: {0}")]
    Vote(#[from] VoteError),
    /// The index cannot be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IntoResponse for PoliceRouteError {
    fn into_response(self) -> Response {
        if let Self::Body(error) = self {
            return error.into_response();
        }
        let (status, detail) = match &self {
            Self::Body(_)
            | Self::Name(_)
            | Self::OtherSubject { .. }
            | Self::Evidence(_)
            | Self::NotActive(_) => (StatusCode::BAD_REQUEST, self.to_string()),
            Self::Vote(VoteError::NotActive { .. }) => (StatusCode::FORBIDDEN, self.to_string()),
            Self::Vote(_) => (StatusCode::BAD_REQUEST, self.to_string()),
            Self::Store(error) => {
                tracing::error!(%error, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error".into())
            }
        };
        let body = ErrorBody {
            errors: vec![ErrorDetail { detail }],
        };
        (status, Json(body)).into_response()
    }
}

/// `POST /v1/votes`: keeps a vote signed by an active node's signer (checked as the
/// contract checks it, with a deadline at most 2 hours ahead). 202 when kept.
pub(crate) async fn receive_vote(
    State(app): State<AppState>,
    vote: Result<JsonObject<Vote>, ApiError>,
) -> Result<StatusCode, PoliceRouteError> {
    let JsonObject(vote) = vote?;
    let active = active_from_index(&app)?;
    let now = app.status.head().answer.timestamp;
    let (chain_id, staking) = (
        app.deployment.chain_id,
        app.deployment.contracts.node_staking,
    );
    app.police
        .receive(vote, |vote| vote.check(chain_id, staking, &active, now))?;
    Ok(StatusCode::ACCEPTED)
}

/// `GET /v1/police`.
pub(crate) async fn report(
    State(app): State<AppState>,
) -> Result<Json<PoliceReport>, PoliceRouteError> {
    let active = active_from_index(&app)?;
    let now = app.status.head().answer.timestamp;
    Ok(Json(app.police.report(now, &active)))
}

/// `GET /v1/police/standings`: every active node (as the contract counts them), its
/// standing in this node's ledger, this node's last test of it and the votes held against
/// it. An active node missing from the last round (this node itself, or one activated
/// since) is `untested`.
pub(crate) async fn standings(
    State(app): State<AppState>,
) -> Result<Json<StandingsResponse>, PoliceRouteError> {
    let active = active_from_index(&app)?;
    let now = app.status.head().answer.timestamp;
    let state = app.police.state();
    let tallies = tallies(&state.held, &active);
    let last_round = state.last_round.as_ref();
    let standings = active
        .iter()
        .map(|node| {
            let test = last_round.and_then(|round| {
                round
                    .tests
                    .iter()
                    .find(|test| test.node_id == node.node_id)
                    .map(|test| PeerTest {
                        at: round.at,
                        passed: test.passed,
                        failure: test.failure.clone(),
                    })
            });
            let (standing, credit, failing_since) =
                match (&test, state.ledger.standing(node.node_id, now)) {
                    (None, _) => (wire::Standing::Untested, None, None),
                    (Some(_), Standing::Healthy { credit }) => {
                        (wire::Standing::Healthy, Some(credit), None)
                    }
                    (Some(_), Standing::Failing { since, credit }) => {
                        (wire::Standing::Failing, Some(credit), Some(since))
                    }
                    (Some(_), Standing::OutOfCredit { since, credit }) => {
                        (wire::Standing::OutOfCredit, Some(credit), Some(since))
                    }
                };
            PeerStanding {
                node_id: node.node_id,
                standing,
                failing_since,
                credit_secs: credit,
                last_test: test,
                votes: tallies
                    .iter()
                    .filter(|tally| tally.node_id == node.node_id)
                    .map(|tally| VoteTally {
                        deadline: tally.deadline,
                        voters: tally.voters.len() as u64,
                        voting_stake: tally.voting_stake,
                        required_stake: tally.required_stake,
                        quorum: tally.quorum,
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(Json(StandingsResponse {
        chain_time: now,
        last_round_at: last_round.map(|round| round.at),
        standings,
    }))
}

/// `POST /v1/evidence`: judges a node's signed lookup answer against this node's index
/// ([`act_on_evidence`]).
pub(crate) async fn receive_evidence(
    State(app): State<AppState>,
    body: Result<JsonObject<NameEvidence>, ApiError>,
) -> Result<Json<EvidenceVerdict>, PoliceRouteError> {
    let JsonObject(evidence) = body?;
    Ok(Json(act_on_evidence(app, evidence)?))
}

/// Judges `evidence` against this node's index ([`judge`]). A proven false answer gets
/// this node's vote at once, and the vote and the evidence go to every serving node
/// (each judges it itself) in the background; the same evidence is passed on once.
pub(crate) fn act_on_evidence(
    app: AppState,
    evidence: NameEvidence,
) -> Result<EvidenceVerdict, PoliceRouteError> {
    let name = Name::parse(&evidence.name)?;
    if evidence.answer.answer.token_id != name.token_id() {
        return Err(PoliceRouteError::OtherSubject {
            answered: evidence.answer.answer.name.clone(),
        });
    }
    let nodes = all_nodes(&app)?;
    let node = nodes
        .iter()
        .find(|n| n.node_id == evidence.node_id && n.state == NodeState::Active)
        .ok_or(PoliceRouteError::NotActive(evidence.node_id))?
        .clone();
    let ours = app.name(&name)?;
    let head = app.status.head();
    let verdict = judge(
        &evidence.answer,
        ours.as_ref(),
        &NodeKey(node.ed25519_key.0),
        head.answer.block,
        app.deployment.chain_id,
        app.deployment.contracts.name_registry,
    )?;
    let now = head.answer.timestamp;
    let label = match verdict {
        Verdict::ProvenFalse => "proven_false",
        Verdict::Agrees => "agrees",
        Verdict::Undecided(_) => "undecided",
    };
    let first = app.police.note_evidence(EvidenceReport {
        node_id: node.node_id,
        name: evidence.name.clone(),
        signature: evidence.answer.attestation.signature.clone(),
        verdict: label,
        at: now,
    });
    let mut voted = false;
    if verdict == Verdict::ProvenFalse {
        tracing::warn!(node_id = node.node_id, url = %node.url, name = %evidence.name, "a node signed a false answer");
        let vote = sign_vote(&app, &node, "false_answer", now);
        voted = vote.is_some();
        if first || voted {
            // Passed on in the background: the peers do the same, once each.
            tokio::spawn(async move {
                if first {
                    post_to_peers(&app, &nodes, "/v1/evidence", &evidence).await;
                }
                share_votes(&app, &nodes, vote.as_slice()).await;
            });
        }
    }
    Ok(EvidenceVerdict {
        verdict: label.to_string(),
        voted,
    })
}
