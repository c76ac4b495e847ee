//! Wallets report false answers (docs/policing.md, "Evidence from anyone"): when the
//! registry nodes asked disagree and a strict majority of them agree, each *signed* answer
//! that contradicts the majority is posted to the majority's nodes (`POST /v1/evidence`).
//! Each judges it against its own index and, if its index proves it false, votes the
//! signer out at once and passes the evidence on.
//!
//! Reporting is best effort: once per disagreement, all posts at once, cut off after
//! [`TIMEOUT`]; whatever happens, the command goes on (and fails on the disagreement as
//! before). Without a majority nobody can tell which answer is false, so nothing is sent;
//! an answer that is not signed (a 404, an answer whose signature does not hold) proves
//! nothing about its node and is not sent either.

use crate::context::Context;
use crate::onion::{Request, SendError, Transport};
use crate::target::{NodeTarget, join_all};
use sesh_core::agreement::needed;
use sesh_core::api::police::EvidenceVerdict;
use std::time::Duration;

/// The route evidence goes to.
pub(crate) const PATH: &str = "/v1/evidence";

/// The longest a command waits for the nodes to take its reports.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(5);

/// Why a node did not take a report.
#[derive(Debug, thiserror::Error)]
pub(crate) enum NotTaken {
    /// It did not answer within [`TIMEOUT`].
    #[error("no answer within {} s", TIMEOUT.as_secs())]
    Timeout,
    /// The request did not reach it.
    #[error(transparent)]
    Send(#[from] SendError),
    /// It answered with a status other than 2xx.
    #[error("HTTP {0}")]
    Status(u16),
    /// Its answer is not a verdict.
    #[error("bad answer: {0}")]
    Answer(#[source] serde_json::Error),
}

/// One answer to report: the index of the node that signed it, and of the nodes to send it
/// to (those that agree with each other).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Accusation {
    /// The node whose signed answer the majority contradicts.
    pub(crate) accused: usize,
    /// The majority's nodes, which judge it.
    pub(crate) judges: Vec<usize>,
}

/// What one node answered, for [`accusations`]: the signed bytes it answered (`digest`:
/// equal bytes, equal answers) and whether its answer is signed (`false`: a "not found").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Answer<'a> {
    /// The answer's signed bytes.
    pub(crate) digest: &'a [u8],
    /// Whether the node signed it.
    pub(crate) signed: bool,
}

/// The answers to report, of `asked` nodes whose valid answers are `answers` (`None`: no
/// valid answer from that node): each signed answer that differs from the one a strict
/// majority of the nodes asked gave. Empty when no answer has such a majority.
pub(crate) fn accusations(asked: usize, answers: &[Option<Answer<'_>>]) -> Vec<Accusation> {
    let holding = |digest: &[u8]| -> Vec<usize> {
        answers
            .iter()
            .enumerate()
            .filter(|(_, a)| a.is_some_and(|a| a.digest == digest))
            .map(|(i, _)| i)
            .collect()
    };
    let Some(judges) = answers
        .iter()
        .flatten()
        .map(|a| holding(a.digest))
        .find(|holders| holders.len() >= needed(asked))
    else {
        return Vec::new();
    };
    answers
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let a = (*a)?;
            (a.signed && !judges.contains(&i)).then(|| Accusation {
                accused: i,
                judges: judges.clone(),
            })
        })
        .collect()
}

/// Posts each accusation's evidence (`evidence(accused)`: the `POST /v1/evidence` body of
/// that node's answer; `None` skips it, e.g. a node whose id is unknown) to its judges
/// through `transport`, within [`TIMEOUT`], and says what came of it (a warning per
/// answer reported). Never fails.
pub(crate) async fn report(
    ctx: &Context<'_>,
    transport: &Transport,
    nodes: &[NodeTarget],
    accusations: &[Accusation],
    evidence: impl Fn(usize) -> Option<String>,
) {
    let posts: Vec<(usize, usize, String)> = accusations
        .iter()
        .filter_map(|a| Some((a.accused, evidence(a.accused)?, &a.judges)))
        .flat_map(|(accused, body, judges)| {
            judges
                .iter()
                .map(move |judge| (accused, *judge, body.clone()))
        })
        .collect();
    if posts.is_empty() {
        return;
    }
    let sent = join_all(posts.iter().map(|(_, judge, body)| async move {
        let reply = tokio::time::timeout(
            TIMEOUT,
            transport.send(&nodes[*judge], Request::PostJson(PATH, body)),
        )
        .await
        .map_err(|_| NotTaken::Timeout)??;
        if !(200..300).contains(&reply.status) {
            return Err(NotTaken::Status(reply.status));
        }
        serde_json::from_slice::<EvidenceVerdict>(&reply.body)
            .map(|verdict| verdict.verdict)
            .map_err(NotTaken::Answer)
    }))
    .await;
    for accusation in accusations {
        let results: Vec<String> = posts
            .iter()
            .zip(&sent)
            .filter(|((accused, _, _), _)| *accused == accusation.accused)
            .map(|((_, judge, _), result)| {
                let what = match result {
                    Ok(verdict) => verdict.clone(),
                    Err(error) => format!("not taken: {error}"),
                };
                format!("{}: {what}", nodes[*judge].url)
            })
            .collect();
        if results.is_empty() {
            continue;
        }
        let taken = sent
            .iter()
            .zip(&posts)
            .filter(|(result, (accused, _, _))| *accused == accusation.accused && result.is_ok())
            .count();
        ctx.out.warn(&format!(
            "registry node {} signed an answer the majority contradicts: reported it to {taken} of {} nodes as evidence ({})",
            nodes[accusation.accused].url,
            results.len(),
            results.join("; ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(digest: &[u8]) -> Option<Answer<'_>> {
        Some(Answer {
            digest,
            signed: true,
        })
    }

    #[test]
    fn a_signed_answer_two_of_three_contradict_goes_to_those_two() {
        let answers = [signed(b"true"), signed(b"false"), signed(b"true")];
        assert_eq!(
            accusations(3, &answers),
            vec![Accusation {
                accused: 1,
                judges: vec![0, 2],
            }]
        );
        // Whichever node answered first.
        let answers = [signed(b"false"), signed(b"true"), signed(b"true")];
        assert_eq!(
            accusations(3, &answers),
            vec![Accusation {
                accused: 0,
                judges: vec![1, 2],
            }]
        );
    }

    #[test]
    fn nothing_is_reported_without_a_majority_of_the_nodes_asked() {
        // Three different answers.
        let answers = [signed(b"a"), signed(b"b"), signed(b"c")];
        assert!(accusations(3, &answers).is_empty());
        // One down: 1 against 1 of 3 asked.
        let answers = [signed(b"a"), None, signed(b"b")];
        assert!(accusations(3, &answers).is_empty());
        // 2 of 4 is no majority.
        let answers = [signed(b"a"), signed(b"a"), signed(b"b"), signed(b"b")];
        assert!(accusations(4, &answers).is_empty());
    }

    #[test]
    fn an_unsigned_not_found_proves_nothing_but_a_signed_answer_against_a_majority_of_them_does() {
        let not_found = Some(Answer {
            digest: b"not found",
            signed: false,
        });
        let answers = [signed(b"a"), not_found, signed(b"a")];
        assert!(accusations(3, &answers).is_empty());
        let answers = [not_found, signed(b"a"), not_found];
        assert_eq!(
            accusations(3, &answers),
            vec![Accusation {
                accused: 1,
                judges: vec![0, 2],
            }]
        );
        // An invalid answer (None here) is never reported.
        let answers = [signed(b"a"), None, signed(b"a")];
        assert!(accusations(3, &answers).is_empty());
    }
}
