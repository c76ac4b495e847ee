//! Nodes police each other (issue 20, docs/policing.md): 6 real staked nodes, each
//! with its voting key (the registered signer) and its operator key; one stops, the
//! chain's clock moves on, and the others vote it out and submit `deregister` with
//! nobody typing a command.

use alloy::primitives::{Address, B256, U256};
use alloy::providers::Provider;
use alloy::signers::local::PrivateKeySigner;
use sesh_core::api::{NameAnswer, NameResponse, Signed};
use sesh_core::attestation::{Kind, NodeSigner};
use sesh_core::bindings::NodeStaking;
use sesh_core::bindings::node_staking::INodeStaking::VoteSignature;
use sesh_core::envelope::session_id_from_seed;
use sesh_core::storage_rpc::{Namespace, Store, SubRequest, UserPubkey};
use sesh_e2e::node::{NodeTestbed, RegistryNode, wait_all_indexed};
use sesh_e2e::police::{
    ACTIVE, advance, last_test, node_id_of, node_signer, standing, voting_network,
    wait_deregistered, wait_report,
};
use sesh_e2e::swarm::{KeyProof, stake_with_proof};
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_node_that_stops_answering_is_voted_out_once_its_credit_runs_out() -> eyre::Result<()> {
    let bed = NodeTestbed::funded(1_000).await?;
    let (mut nodes, operators) = voting_network(&bed).await?;
    let staking = NodeStaking::new(bed.deployment.contracts.node_staking, &bed.provider);

    let dark = nodes.pop().expect("6 nodes");
    let dark_url = dark.url.clone();
    let dark_id = node_id_of(&nodes[0], &dark_url).await;
    let before = staking.nodeInfo(U256::from(dark_id)).call().await?;
    assert_eq!(before.state, ACTIVE);
    let active_stake = staking.totalActiveStake().call().await?;
    let block = advance(&bed.provider, 600).await?;
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    // The next period, every node tests every other (all 6 active now): all pass.
    for node in &nodes {
        wait_report(node, "the dark node healthy", |r| {
            standing(r, dark_id) == Some("healthy")
        })
        .await;
    }
    dark.kill();

    // A period later every node sees it fail, and nobody votes: it has 2 hours of credit.
    let block = advance(&bed.provider, 600).await?;
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    for node in &nodes {
        let report = wait_report(node, "the dark node failing", |r| {
            standing(r, dark_id) == Some("failing")
        })
        .await;
        assert_eq!(report["signed"], serde_json::json!([]), "{report:#}");
        // Why, as the operator reads it.
        let test = last_test(&report, dark_id, "dark node");
        assert_eq!(test["passed"], false, "{report:#}");
        assert!(
            test["failure"]
                .as_str()
                .is_some_and(|f| f.starts_with("no answer")),
            "{report:#}"
        );
        for other in nodes.iter().filter(|n| n.url != node.url) {
            let id = node_id_of(node, &other.url).await;
            assert_eq!(standing(&report, id), Some("healthy"), "{report:#}");
        }
    }
    // Still within its credit an hour and a half later.
    let block = advance(&bed.provider, 5400).await?;
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    for node in &nodes {
        wait_report(node, "a round 1.5 hours later", |r| {
            r["last_round"]["at"].as_u64() >= Some(r["chain_time"].as_u64().unwrap_or(0))
                && standing(r, dark_id) == Some("failing")
        })
        .await;
    }
    assert_eq!(
        staking.nodeInfo(U256::from(dark_id)).call().await?.state,
        ACTIVE
    );

    // Past its credit: the others vote, share their votes, and one submits.
    let block = advance(&bed.provider, 3600).await?;
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    wait_deregistered(&staking, dark_id, &nodes[0]).await?;
    let after = staking.nodeInfo(U256::from(dark_id)).call().await?;
    // Fees are shared over the active stake: its stake no longer counts.
    assert_eq!(
        staking.totalActiveStake().call().await?,
        active_stake - before.totalStaked
    );
    // 0.2% of its stake went to the pool; it unlocks 30 days later.
    assert_eq!(
        after.totalStaked,
        before.totalStaked - before.totalStaked * U256::from(20) / U256::from(10_000)
    );
    assert!(after.unlockTime > U256::ZERO);

    // Fees stop reaching it: a name's fee goes to the active stake, its operator's rewards
    // stay as they were.
    let (dark_operator, live_operator) = (operators[5].address(), operators[0].address());
    let dark_rewards = staking.pendingRewards(dark_operator).call().await?;
    let live_rewards = staking.pendingRewards(live_operator).call().await?;
    bed.register("feesafter", B256::repeat_byte(0x08), false)
        .await?;
    assert_eq!(
        staking.pendingRewards(dark_operator).call().await?,
        dark_rewards
    );
    assert!(staking.pendingRewards(live_operator).call().await? > live_rewards);

    // The submitter records its transaction once the receipt is in, a moment after the
    // state changed on chain.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mined = loop {
        let mut mined = 0;
        for node in &nodes {
            let (_, report) = node.get("/v1/police").await;
            mined += report["submitted"]
                .as_array()
                .expect("submitted")
                .iter()
                .filter(|s| s["outcome"] == "mined")
                .count();
        }
        if mined > 0 || Instant::now() > deadline {
            break mined;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(mined, 1, "exactly one node's deregister succeeded");
    let mut signed = 0;
    for node in &nodes {
        let (_, report) = node.get("/v1/police").await;
        let votes = report["signed"].as_array().expect("signed");
        signed += votes.len();
        assert!(
            votes
                .iter()
                .all(|v| v["node_id"] == dark_id && v["reason"] == "offline"),
            "{report:#}"
        );
        let failed = node
            .metric("registry_police_tests_failed_total")
            .await
            .expect("a failed-test counter");
        // Each node saw it fail at least twice (the fifth voter's third round may come
        // after the other four deregistered it).
        assert!(
            failed >= 2,
            "the dark node failed at least 2 rounds: {failed}"
        );
    }
    assert!(
        signed >= 4,
        "a quorum of 4 of the 5 others signed: {signed}"
    );
    Ok(())
}

/// The liar's Ed25519 signer, read from its key file (as a node that lies would sign).
#[tokio::test]
async fn a_signed_false_answer_gets_a_node_voted_out_at_once_and_lone_or_replayed_votes_do_nothing()
-> eyre::Result<()> {
    let bed = NodeTestbed::funded(1_000).await?;
    let (nodes, operators) = voting_network(&bed).await?;
    let block = bed
        .register("policed", B256::repeat_byte(0x07), true)
        .await?;
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    let staking = NodeStaking::new(bed.deployment.contracts.node_staking, &bed.provider);
    let liar = &nodes[5];
    let liar_id = node_id_of(&nodes[0], &liar.url).await;

    // The next period's lookup tests: with 6 nodes each tests the 5 others, and every
    // honest answer agrees with the tester's index.
    let block = advance(&bed.provider, 600).await?;
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    for node in &nodes {
        let report = wait_report(node, "lookup tests of the 5 others", |r| {
            r["evidence"].as_array().is_some_and(|all| {
                all.iter()
                    .filter(|e| e["name"] == "policed" && e["verdict"] == "agrees")
                    .count()
                    == 5
            })
        })
        .await;
        assert_eq!(report["signed"], serde_json::json!([]), "{report:#}");
    }

    // The liar's true answer, then the same re-signed with another owner.
    let (status, body) = liar.get("/v1/names/policed").await;
    assert_eq!(status, 200, "{body}");
    let honest: NameResponse = serde_json::from_value(body)?;
    let mut lie = honest.name.answer.clone();
    lie.owner = Address::repeat_byte(0x66);
    let signer = node_signer(liar);
    let attestation = signer.attest(
        Kind::Name,
        bed.deployment.chain_id,
        bed.deployment.contracts.name_registry,
        honest.name.attestation.block,
        &lie,
    );
    let evidence = |answer: Signed<NameAnswer>| serde_json::json!({ "node_id": liar_id, "name": "policed", "answer": answer });

    // A true answer is no evidence.
    let (status, verdict) = nodes[0]
        .post("/v1/evidence", evidence(honest.name.clone()).to_string())
        .await;
    assert_eq!(
        (status, &verdict["verdict"]),
        (200, &serde_json::json!("agrees")),
        "{verdict}"
    );
    assert_eq!(verdict["voted"], false);
    // Evidence not signed by the node accused is refused.
    let framed = Signed {
        attestation: NodeSigner::from_seed([9; 32]).attest(
            Kind::Name,
            bed.deployment.chain_id,
            bed.deployment.contracts.name_registry,
            honest.name.attestation.block,
            &lie,
        ),
        answer: lie.clone(),
    };
    let (status, refused) = nodes[0]
        .post("/v1/evidence", evidence(framed).to_string())
        .await;
    assert_eq!(status, 400, "{refused}");

    // An operator voting alone against an honest node achieves nothing on chain, and a
    // node does not keep a vote from a signer that is no active node's.
    let honest_id = node_id_of(&nodes[0], &nodes[1].url).await;
    let now = bed
        .provider
        .get_block(alloy::eips::BlockId::latest())
        .await?
        .expect("head")
        .header
        .timestamp;
    let alone = sign_vote(&operators[0], &bed, honest_id, now + 3600).await?;
    let error = staking
        .deregister(
            U256::from(honest_id),
            U256::from(now + 3600),
            vec![compact(&alone)],
        )
        .call()
        .await
        .expect_err("one vote is no quorum");
    let revert = error
        .as_revert_data()
        .and_then(|data| sesh_core::revert::decode(&data))
        .expect("a decoded revert");
    assert_eq!(revert.name, "StakingQuorumNotMet", "{revert}");
    let outsider = sign_vote(&bed.dev_key(9), &bed, honest_id, now + 3600).await?;
    let (status, refused) = nodes[0].post("/v1/votes", outsider.to_string()).await;
    assert_eq!(status, 403, "{refused}");
    // A vote as an array of its fields is not the documented object.
    let fields = serde_json::json!([
        outsider["node_id"],
        outsider["deadline"],
        outsider["signer"],
        outsider["signature"]
    ]);
    let (status, refused) = nodes[0].post("/v1/votes", fields.to_string()).await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused["errors"][0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("JSON object")),
        "{refused}"
    );

    // The lie, reported to one node: every node checks it against its own index, votes at
    // once (no clock moved), and one submits.
    let (status, verdict) = nodes[0]
        .post(
            "/v1/evidence",
            evidence(Signed {
                answer: lie,
                attestation,
            })
            .to_string(),
        )
        .await;
    assert_eq!(status, 200, "{verdict}");
    assert_eq!(verdict["verdict"], "proven_false", "{verdict}");
    assert_eq!(verdict["voted"], true, "{verdict}");
    wait_deregistered(&staking, liar_id, &nodes[0]).await?;
    let mut votes = Vec::new();
    for node in &nodes[..5] {
        let (_, report) = node.get("/v1/police").await;
        for vote in report["signed"].as_array().expect("signed") {
            assert_eq!(vote["reason"], "false_answer", "{report:#}");
            votes.push(vote.clone());
        }
    }
    assert!(votes.len() >= 4, "{votes:#?}");
    assert_eq!(
        staking.nodeInfo(U256::from(honest_id)).call().await?.state,
        ACTIVE
    );

    // The same votes again: the node is deregistered already.
    let deadline = votes[0]["deadline"].as_u64().expect("deadline");
    let mut replay: Vec<(Address, VoteSignature)> = votes
        .iter()
        .filter(|v| v["deadline"] == deadline)
        .map(|v| {
            let signature: alloy::primitives::Signature =
                serde_json::from_value(v["signature"].clone()).expect("signature");
            let signer: Address = serde_json::from_value(v["signer"].clone()).expect("signer");
            (signer, compact_of(&signature))
        })
        .collect();
    replay.sort_by_key(|(signer, _)| *signer);
    let error = staking
        .deregister(
            U256::from(liar_id),
            U256::from(deadline),
            replay.into_iter().map(|(_, vote)| vote).collect(),
        )
        .call()
        .await
        .expect_err("a replay does nothing");
    let revert = error
        .as_revert_data()
        .and_then(|data| sesh_core::revert::decode(&data))
        .expect("a decoded revert");
    assert_eq!(revert.name, "StakingUnexpectedNodeState", "{revert}");
    Ok(())
}

/// A vote as a node shares it, signed with `key` over the digest the contract itself
/// computes (`deregistrationDigest`).
async fn sign_vote(
    key: &PrivateKeySigner,
    bed: &NodeTestbed,
    node_id: u64,
    deadline: u64,
) -> eyre::Result<serde_json::Value> {
    use alloy::signers::SignerSync;
    let digest = NodeStaking::new(bed.deployment.contracts.node_staking, &bed.provider)
        .deregistrationDigest(U256::from(node_id), U256::from(deadline))
        .call()
        .await?;
    let signature = key.sign_hash_sync(&digest)?;
    Ok(serde_json::json!({
        "node_id": node_id,
        "deadline": deadline,
        "signer": key.address(),
        "signature": signature,
    }))
}

/// The ERC-2098 form of a shared vote.
fn compact(vote: &serde_json::Value) -> VoteSignature {
    let signature: alloy::primitives::Signature =
        serde_json::from_value(vote["signature"].clone()).expect("signature");
    compact_of(&signature)
}

fn compact_of(signature: &alloy::primitives::Signature) -> VoteSignature {
    let bytes = signature.as_erc2098();
    VoteSignature {
        r: B256::from_slice(&bytes[..32]),
        vs: B256::from_slice(&bytes[32..]),
    }
}

/// Sends `signal` (`STOP`, `CONT`) to `node`'s process.
fn signal(node: &RegistryNode, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &node.pid().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{signal}");
}

/// Waits until every node in `nodes` made a round at the current chain time and `check`
/// holds for its report.
async fn wait_rounds(
    nodes: &[RegistryNode],
    what: &str,
    check: impl Fn(&serde_json::Value) -> bool,
) -> Vec<serde_json::Value> {
    let mut reports = Vec::new();
    for node in nodes {
        reports.push(
            wait_report(node, what, |r| {
                r["last_round"]["at"].as_u64() == r["chain_time"].as_u64() && check(r)
            })
            .await,
        );
    }
    reports
}

/// The credit a report gives node `id`, seconds.
fn credit(report: &serde_json::Value, id: u64) -> u64 {
    report["standings"]
        .as_array()
        .and_then(|all| all.iter().find(|s| s["node_id"] == id))
        .and_then(|s| s["credit_secs"].as_u64())
        .unwrap_or_else(|| panic!("no standing of node {id}: {report:#}"))
}

#[tokio::test]
async fn a_node_down_for_less_than_its_credit_is_not_voted_out() -> eyre::Result<()> {
    let bed = NodeTestbed::new();
    let (mut nodes, _) = voting_network(&bed).await?;
    let staking = NodeStaking::new(bed.deployment.contracts.node_staking, &bed.provider);
    let napping = nodes.pop().expect("6 nodes");
    let id = node_id_of(&nodes[0], &napping.url).await;
    let step = |secs| {
        let bed = &bed;
        let nodes = &nodes;
        async move {
            let block = advance(&bed.provider, secs).await?;
            wait_all_indexed(nodes, block, Duration::from_secs(30)).await;
            eyre::Ok(())
        }
    };
    step(600).await?;
    wait_rounds(&nodes, "the node healthy", |r| {
        standing(r, id) == Some("healthy")
    })
    .await;

    // Paused (it accepts connections and answers nothing, like a hung host) for an hour
    // and ten minutes: failing, within its 2 hours of credit.
    signal(&napping, "STOP");
    step(600).await?;
    wait_rounds(&nodes, "the node failing", |r| {
        standing(r, id) == Some("failing")
    })
    .await;
    step(3600).await?;
    wait_rounds(&nodes, "the node still failing", |r| {
        standing(r, id) == Some("failing")
    })
    .await;
    signal(&napping, "CONT");

    // Back: healthy again, its credit spent by the outage; nobody voted.
    step(600).await?;
    let reports = wait_rounds(&nodes, "the node healthy again", |r| {
        standing(r, id) == Some("healthy")
    })
    .await;
    for report in &reports {
        let left = credit(report, id);
        assert!(
            (7200 - 4200..7200 - 3600).contains(&left),
            "the outage (an hour to 70 minutes) is paid from 2 hours: {left} s left: {report:#}"
        );
        assert_eq!(report["signed"], serde_json::json!([]), "{report:#}");
    }
    // Three hours later (longer than its first credit, but it answers): still nobody votes.
    step(3 * 3600).await?;
    for report in wait_rounds(&nodes, "3 hours on", |r| standing(r, id) == Some("healthy")).await {
        assert_eq!(report["signed"], serde_json::json!([]), "{report:#}");
        assert_eq!(report["votes"], serde_json::json!([]), "{report:#}");
    }
    assert_eq!(staking.nodeInfo(U256::from(id)).call().await?.state, ACTIVE);
    drop(napping);
    Ok(())
}

#[tokio::test]
async fn a_node_whose_key_proof_does_not_hold_is_voted_out_at_once() -> eyre::Result<()> {
    let bed = NodeTestbed::new();
    let (nodes, _) = voting_network(&bed).await?;
    // A seventh node registered with a key it cannot prove: the contract stores the
    // signature as given (it cannot check Ed25519), every node's index finds it invalid.
    let proof = KeyProof {
        ed25519_key: B256::repeat_byte(0x42),
        ed25519_signature: vec![1u8; 64].into(),
    };
    let id = stake_with_proof(
        &bed.url,
        &bed.deployment,
        "http://127.0.0.1:9",
        proof,
        bed.dev_key(8),
    )
    .await?;
    let contracts = &bed.deployment.contracts;
    let staking = NodeStaking::new(contracts.node_staking, &bed.provider);
    assert_eq!(staking.nodeInfo(U256::from(id)).call().await?.state, ACTIVE);

    // The next period each of the 6 votes at once, without testing it; one submits.
    let block = advance(&bed.provider, 600).await?;
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    wait_deregistered(&staking, id, &nodes[0]).await?;
    let mut signed = 0;
    for node in &nodes {
        let (_, report) = node.get("/v1/police").await;
        for vote in report["signed"].as_array().expect("signed") {
            assert_eq!(vote["node_id"], id, "{report:#}");
            assert_eq!(vote["reason"], "key_proof", "{report:#}");
            signed += 1;
        }
    }
    // Two thirds of the stake of the 6 others: 4 votes at least.
    assert!(signed >= 4, "{signed}");
    Ok(())
}

/// A node that lost its messages (stopped, its mailbox files removed, started again at the
/// same URL) still answers its identity and lookups, but fails the storage tests of the
/// other members of its swarms (with 6 nodes, every node): each reports it failing for
/// "storage", the others keep passing theirs, and once its credit runs out it is voted out.
#[tokio::test]
async fn a_node_that_loses_its_messages_fails_a_storage_test_is_handed_them_back_and_stays()
-> eyre::Result<()> {
    let bed = NodeTestbed::new();
    let (mut nodes, _) = voting_network(&bed).await?;
    let staking = NodeStaking::new(bed.deployment.contracts.node_staking, &bed.provider);

    // A first round, all healthy: by then every node has seen the whole active set, and
    // its handover (of the accounts whose swarm a node joined) is done.
    let block = advance(&bed.provider, 600).await?;
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    for node in &nodes {
        wait_report(node, "a first round", |r| {
            r["last_round"]["at"].as_u64() == r["chain_time"].as_u64()
        })
        .await;
    }

    // Three messages of an account, stored through one node, which forwards them to the
    // account's swarm: every node.
    let account = UserPubkey::from(&session_id_from_seed(&[0x51; 32]));
    let stored = Instant::now();
    let mut hashes = Vec::new();
    for i in 0..3u8 {
        let store = Store::new(
            account,
            Namespace::DEFAULT,
            vec![i; 100],
            sesh_e2e::storage::now_ms(),
            24 * 3600 * 1000,
        );
        let (status, body) = sesh_e2e::storage::send(&nodes[0].url, SubRequest::Store(store)).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let answer: serde_json::Value = serde_json::from_slice(&body)?;
        hashes.push(answer["hash"].as_str().expect("a hash").to_string());
    }

    // The route answers nodes of the account's swarm only: unsigned, 401; signed by a key
    // no node has, 403; signed by a member, the bytes.
    let storage_test = |signer: &NodeSigner, hash: &str| {
        let body = serde_json::json!({
            "from": signer.node_key(),
            "timestamp": sesh_e2e::storage::now_ms(),
            "pubkey": session_id_from_seed(&[0x51; 32]),
            "hash": hash,
        })
        .to_string();
        let signature =
            hex::encode(signer.sign_raw(&[b"sesh-storage-test", body.as_bytes()].concat()));
        (body, signature)
    };
    let ask = |url: &str, body: String, signature: Option<String>| {
        let mut request = sesh_e2e::node::http()
            .post(format!("{url}/v1/storage_test"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(signature) = signature {
            request = request.header("x-sesh-node-signature", signature);
        }
        request.send()
    };
    let tester = node_signer(&nodes[1]);
    let (body, _) = storage_test(&tester, &hashes[0]);
    assert_eq!(ask(&nodes[0].url, body, None).await?.status(), 401);
    let (body, signature) = storage_test(&NodeSigner::from_seed([0x77; 32]), &hashes[0]);
    assert_eq!(
        ask(&nodes[0].url, body, Some(signature)).await?.status(),
        403
    );
    let (body, signature) = storage_test(&tester, &hashes[0]);
    let answer: serde_json::Value = ask(&nodes[0].url, body, Some(signature))
        .await?
        .json()
        .await?;
    assert_eq!(answer["data"], base64_of(&[0u8; 100]), "{answer}");

    // The forgetful node loses them: killed, its mailbox removed, started again at its URL.
    let forgetful = nodes.pop().expect("6 nodes");
    let url = forgetful.url.clone();
    let id = node_id_of(&nodes[0], &url).await;
    let options = forgetful.kill_keeping_url();
    for file in ["mailbox.redb", "mailbox.wal"] {
        let _ = std::fs::remove_file(options.data_dir.join(file));
    }
    let forgetful = RegistryNode::start(options);
    assert_eq!(forgetful.url, url);

    // Tested only on messages a minute old (the time a store takes to reach the swarm),
    // counted from their timestamp, which may be a minute before they arrived.
    let age = Duration::from_secs(122);
    tokio::time::sleep(age.saturating_sub(stored.elapsed())).await;
    let block = advance(&bed.provider, 600).await?;
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    forgetful.wait_indexed(block, Duration::from_secs(30)).await;
    // The first of its testers to test it finds a message missing and hands the account's
    // messages back (below), so a tester coming later in the round may find them. A failed
    // storage test is reported, not counted: the node stays healthy, its test passed.
    let mut failed = 0;
    for node in &nodes {
        let report = wait_report(node, "this period's round", |r| {
            r["last_round"]["at"].as_u64() >= Some(r["chain_time"].as_u64().unwrap_or(0))
        })
        .await;
        let test = last_test(&report, id, "forgetful node");
        assert_eq!(test["passed"], true, "{report:#}");
        assert_eq!(standing(&report, id), Some("healthy"), "{report:#}");
        if test["storage_passed"] == false {
            failed += 1;
            assert!(
                test["storage_failure"]
                    .as_str()
                    .is_some_and(|f| f.starts_with("storage: it does not hold message")),
                "{report:#}"
            );
        }
        for other in nodes.iter().filter(|n| n.url != node.url) {
            let other_id = node_id_of(node, &other.url).await;
            assert_eq!(standing(&report, other_id), Some("healthy"), "{report:#}");
        }
        assert_eq!(report["signed"], serde_json::json!([]), "{report:#}");
        let metrics = node.metrics().await;
        let counter = |name: &str| -> u64 {
            metrics
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{name} ")))
                .and_then(|value| value.parse().ok())
                .unwrap_or_else(|| panic!("no {name}: {metrics}"))
        };
        // Its 4 healthy peers passed.
        assert!(counter("registry_police_storage_tests_passed_total") >= 4);
        if test["storage_passed"] == false {
            assert!(counter("registry_police_storage_tests_failed_total") >= 1);
        }
    }
    assert!(
        failed >= 1,
        "no tester found the forgetful node's messages missing"
    );
    // It still answers as a node does: its identity, its health, lookups.
    assert_eq!(forgetful.get("/v1/identity").await.0, 200);
    assert_eq!(forgetful.get("/health").await.0, 200);
    assert_eq!(forgetful.get("/v1/nodes").await.0, 200);

    // Each tester that found a message missing handed it the account's messages: it holds
    // all three again...
    let deadline = Instant::now() + Duration::from_secs(30);
    for (i, hash) in hashes.iter().enumerate() {
        loop {
            let (body, signature) = storage_test(&tester, hash);
            let answer = ask(&url, body, Some(signature)).await?;
            if answer.status() == 200 {
                let answer: serde_json::Value = answer.json().await?;
                assert_eq!(answer["data"], base64_of(&[i as u8; 100]), "{answer}");
                break;
            }
            assert!(
                Instant::now() < deadline,
                "message {i} was not handed back to the forgetful node in 30 s"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    // ...and passes the next round's storage tests.
    let block = advance(&bed.provider, 600).await?;
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    forgetful.wait_indexed(block, Duration::from_secs(30)).await;
    for node in &nodes {
        let report = wait_report(node, "the next round", |r| {
            r["last_round"]["at"].as_u64() >= Some(r["chain_time"].as_u64().unwrap_or(0))
        })
        .await;
        let test = last_test(&report, id, "forgetful node");
        assert_eq!(test["storage_passed"], true, "{report:#}");
        assert_eq!(standing(&report, id), Some("healthy"), "{report:#}");
    }
    assert_eq!(staking.nodeInfo(U256::from(id)).call().await?.state, ACTIVE);
    Ok(())
}

/// Standard base64 of `bytes`, as the node writes message data.
fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
