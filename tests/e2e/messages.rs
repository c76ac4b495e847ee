//! Messages end to end: two wallets message each other by name through the
//! real `sesh` binary and 3 staked registry nodes (one of them killed half
//! way), in Session's one-to-one format, through Session's storage protocol
//! (`/storage_rpc/v1`, the wallet's only mailbox client); long messages with and
//! without premium, other kinds of Session message, `msg watch`, and what the
//! node keeps behind the protocol: tombstones, the replay guard, quotas, the
//! node-wide bound and the per-address rate, over real HTTP.

use alloy::primitives::U256;
use alloy::signers::local::PrivateKeySigner;
use sesh_core::api::ReverseResponse;
use sesh_core::bindings::Premium;
use sesh_core::bindings::premium::no_permit;
use sesh_core::envelope;
use sesh_core::session_message::{self as session, Incoming, Text};
use sesh_core::storage_rpc::response::{MemberResult, RetrieveResponse};
use sesh_core::storage_rpc::{
    MAX_MESSAGE_BODY, Namespace, Retrieve, Store, StoreResponse, SubRequest, UserPubkey,
    message_hash, parse_response,
};
use sesh_core::{Name, SessionId};
use sesh_e2e::cli::SeshHome;
use sesh_e2e::node::{
    NodeOptions, RegistryNode, fund_and_approve, register, wait_all_indexed, wallet_provider,
};
use sesh_e2e::storage::{now_ms, send as rpc};
use sesh_e2e::swarm::staked_nodes;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// A store of `data` for `to`, kept `ttl_ms`, as a Session client makes it.
fn store(to: &SessionId, data: &[u8], ttl_ms: u64) -> SubRequest {
    SubRequest::Store(Store::new(
        UserPubkey::from(to),
        Namespace::DEFAULT,
        data.to_vec(),
        now_ms(),
        ttl_ms,
    ))
}

/// Stores on `node` and reads its answer (200 even when a member refused).
async fn stored(node: &RegistryNode, request: SubRequest) -> StoreResponse {
    let (status, body) = rpc(&node.url, request).await;
    parse_response(status, &body)
        .unwrap_or_else(|e| panic!("a store answer: {e}: {}", String::from_utf8_lossy(&body)))
}

/// `node`'s own entry of a store answer: its receipt, or why it refused.
fn own_entry(node: &RegistryNode, answer: &StoreResponse) -> Result<(), (u16, String)> {
    match &answer.swarm[&node.node_key] {
        MemberResult::Ok(_) => Ok(()),
        MemberResult::Failed(failure) => Err((
            failure
                .code
                .as_ref()
                .and_then(|c| c.as_u64())
                .unwrap_or_default() as u16,
            failure.reason.clone().unwrap_or_default(),
        )),
    }
}

/// A signed retrieve of the mailbox of the Ed25519 `seed`, from the start.
fn retrieve(seed: &[u8; 32]) -> SubRequest {
    SubRequest::Retrieve(Retrieve::signed(seed, Namespace::DEFAULT, now_ms(), None))
}

/// `text` from the Ed25519 `seed` to `to`, as a Session client stores it.
fn session_text(text: &str, seed: &[u8; 32], to: &SessionId) -> Vec<u8> {
    session::seal_text(&Text::new(text, now_ms()), seed, to).expect("a sealed text")
}

/// A sealed box in Session's storage wrapping.
fn wrapped(sealed: &[u8]) -> Vec<u8> {
    session::wrap(sealed, now_ms()).expect("a wrapped box")
}

/// The bytes a node stored under `hash` in the mailbox of the Ed25519 `seed` (a signed
/// retrieve, as the wallet makes it).
async fn stored_bytes(node: &RegistryNode, seed: &[u8; 32], hash: &str) -> Vec<u8> {
    let (status, body) = rpc(&node.url, retrieve(seed)).await;
    let page: RetrieveResponse = parse_response(status, &body).expect("a retrieve answer");
    page.messages
        .into_iter()
        .find(|m| m.hash.as_str() == hash)
        .unwrap_or_else(|| panic!("{hash} is on {}", node.url))
        .data
        .0
}

#[tokio::test]
async fn two_wallets_message_by_name_over_three_nodes_with_one_killed() -> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let deployment = chain.deployment.clone();
    let contracts = deployment.contracts.clone();
    let url = chain.anvil.endpoint();
    let keys = chain.anvil.keys().to_vec();
    let signer = |i: usize| -> PrivateKeySigner { keys[i].clone().into() };

    let alice = SeshHome::new(&chain);
    alice.new_wallet("alice", "a-pw");
    let bob = SeshHome::new(&chain);
    bob.new_wallet("bob", "b-pw");
    let (alice_id, bob_id) = (alice.session_id(), bob.session_id());

    // Each registers its name with the wallet: the name becomes its primary name and its
    // Session ID consents to it as its reverse name, so the inbox shows it.
    for (home, label, password) in [(&alice, "alice", "a-pw"), (&bob, "bob", "b-pw")] {
        // "bob" is 3 characters: 10,000 SESH a year.
        home.run(&["faucet", "20000", "--yes"], Some(password)).ok();
        home.run(&["name", "register", label, "--yes"], Some(password))
            .ok();
    }
    let mut nodes = staked_nodes(&url, &deployment, &[signer(2), signer(3), signer(4)]).await?;

    // A message with the shortest TTL, checked at the end (after it expired).
    let short_lived = session_text("gone soon", &[7; 32], &bob_id);
    let answer = stored(&nodes[0], store(&bob_id, &short_lived, 10_000)).await;
    let short_hash = answer.hash.expect("the hash at top level").to_string();
    let short_stored = Instant::now();

    // Alice writes to bob by name: one member takes it and hands it on; all 3 of bob's
    // nodes (every active node: fewer than a swarm) sign a receipt the wallet checks.
    let sent = alice
        .run(
            &["msg", "send", "bob", "hi bob, it's alice", "--json"],
            Some("a-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(sent["data"]["recipient"], bob_id.to_string());
    assert_eq!(sent["data"]["stored"], 3, "{sent}");
    assert_eq!(sent["data"]["swarm"], 3, "{sent}");
    assert_eq!(sent["data"]["ttl_secs"], 14 * 86_400, "{sent}");
    let sent_expiry = sent["data"]["expiry"]
        .as_u64()
        .expect("expiry in Unix seconds");
    let hash = sent["data"]["hash"].as_str().unwrap().to_string();

    let inbox = bob
        .run(&["msg", "inbox", "--json"], Some("b-pw"))
        .ok()
        .envelope();
    let messages = inbox["data"]["messages"].as_array().unwrap();
    let from_alice: Vec<_> = messages.iter().filter(|m| m["hash"] == hash).collect();
    assert_eq!(from_alice.len(), 1, "one copy from 3 nodes: {inbox}");
    // The hash is the storage server's (43 base64 characters; checked against the stored
    // bytes in `a_session_account_sends_session_format_to_a_name`).
    assert!(
        sesh_core::storage_rpc::MessageHash::parse(&hash).is_some(),
        "{hash}"
    );
    assert_eq!(from_alice[0]["text"], "hi bob, it's alice");
    assert_eq!(from_alice[0]["sender"], alice_id.to_string());
    assert_eq!(from_alice[0]["sender_name"], "alice");
    assert_eq!(from_alice[0]["expiry"], sent_expiry, "{inbox}");
    let sent_at = from_alice[0]["sent_at"].as_u64().unwrap();
    assert!(
        sent_at <= from_alice[0]["stored_at"].as_u64().unwrap() + 1,
        "{inbox}"
    );
    let text = bob.run(&["msg", "inbox"], Some("b-pw")).ok().stdout;
    assert!(text.contains("from alice (05"), "{text}");
    assert!(text.contains("  hi bob, it's alice"), "{text}");
    // The text inbox shows the hash `msg delete` takes, in full.
    assert!(text.contains(&format!("\n  hash {hash}\n")), "{text}");

    // A wrong password reads nothing.
    let wrong = bob.run(&["msg", "inbox"], Some("nope")).failed();
    assert!(wrong.stderr.contains("password"), "{}", wrong.stderr);

    // Bob watches; alice's next message arrives while he does.
    let mut watch = bob
        .command()
        .args([
            "msg",
            "watch",
            "--count",
            "1",
            "--timeout",
            "60s",
            "--max-interval",
            "1",
        ])
        .env("SESH_PASSWORD", "b-pw")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut stderr = BufReader::new(watch.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("watching") {
        line.clear();
        assert!(stderr.read_line(&mut line)? > 0, "msg watch ended early");
    }
    alice
        .run(&["msg", "send", "bob", "are you there?"], Some("a-pw"))
        .ok();
    let watched = watch.wait_with_output()?;
    let watched = String::from_utf8_lossy(&watched.stdout);
    assert!(watched.contains("from alice"), "{watched}");
    assert!(watched.contains("are you there?"), "{watched}");
    assert!(
        !watched.contains("hi bob, it's alice"),
        "watch shows only new messages without --all: {watched}"
    );
    // Fewer than --count by the --timeout is a failure that says how many came.
    let short = bob
        .run(
            &[
                "msg",
                "watch",
                "--count",
                "2",
                "--timeout",
                "2s",
                "--max-interval",
                "1",
                "--json",
            ],
            Some("b-pw"),
        )
        .failed();
    let envelope = short.envelope();
    assert!(
        envelope["errors"].to_string().contains(
            "only 0 of the 2 messages asked for (--count 2) arrived before the timeout of 2 s"
        ),
        "{envelope}"
    );

    // One member goes down: bob's reply is still stored (a member that is down is passed
    // over, the others sign) and alice reads it from the other two.
    let dead = nodes.remove(0);
    let dead_url = dead.url.clone();
    drop(dead);
    let reply = bob.run(&["msg", "send", "alice", "hi alice"], Some("b-pw"));
    let reply = reply.ok();
    assert!(
        reply.stdout.contains("on 2 of 3 registry nodes"),
        "{}",
        reply.stdout
    );
    assert!(
        reply.stderr.contains("warning: registry node"),
        "{}",
        reply.stderr
    );
    let reply = bob
        .run(
            &["msg", "send", "alice", "still there?", "--json"],
            Some("b-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(reply["data"]["stored"], 2, "{reply}");
    let down: Vec<_> = reply["data"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["ok"] == false)
        .collect();
    assert_eq!(down.len(), 1, "{reply}");
    assert_eq!(down[0]["url"], dead_url.as_str(), "{reply}");
    // Unreachable for the wallet, or for the member that handed the message on.
    assert!(
        down[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("reach it") || e.contains("error sending request")),
        "{reply}"
    );
    let inbox = alice
        .run(&["msg", "inbox", "--json"], Some("a-pw"))
        .ok()
        .envelope();
    let messages = inbox["data"]["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "{inbox}");
    assert_eq!(messages[0]["text"], "hi alice");
    assert_eq!(messages[0]["sender_name"], "bob");
    assert_eq!(messages[1]["text"], "still there?");
    let read: Vec<_> = inbox["data"]["nodes"].as_array().unwrap().iter().collect();
    assert_eq!(
        read.len(),
        3,
        "the dead member is asked, and reported: {inbox}"
    );
    assert_eq!(
        read.iter().filter(|n| n["ok"] == true).count(),
        2,
        "{inbox}"
    );

    // A long text needs premium: refused before buying, carried with proofs after.
    let long = "x".repeat(2_500);
    let refused = alice
        .run(&["msg", "send", "bob", &long], Some("a-pw"))
        .failed();
    assert!(
        refused.stderr.contains("needs premium"),
        "{}",
        refused.stderr
    );
    let payer = wallet_provider(&url, signer(1));
    fund_and_approve(
        &payer,
        &deployment,
        signer(1).address(),
        contracts.premium,
        1_000,
    )
    .await?;
    let receipt = Premium::new(contracts.premium, &payer)
        .buy(alice_id.key(), U256::from(1), U256::MAX, no_permit())
        .send()
        .await?
        .get_receipt()
        .await?;
    assert!(receipt.status());
    let block = receipt.block_number.unwrap();
    wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;
    let sent_long = alice
        .run(&["msg", "send", "bob", &long, "--json"], Some("a-pw"))
        .ok()
        .envelope();
    assert_eq!(sent_long["data"]["premium_proofs"], 2, "{sent_long}");
    let inbox = bob
        .run(&["msg", "inbox", "--json"], Some("b-pw"))
        .ok()
        .envelope();
    let long_in: Vec<_> = inbox["data"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["chars"] == 2_500)
        .collect();
    assert_eq!(long_in.len(), 1, "{inbox}");
    assert_eq!(long_in[0]["premium_proofs"], 2);

    // A long message without valid proofs, stored directly, is refused by the recipient.
    let forged = session_text(&"y".repeat(2_001), &[8; 32], &bob_id);
    // Tampered, sealed to someone else, signed for someone else, and not Session's wrapping.
    let padded = |text: &str| session::pad(&Text::new(text, now_ms()).encode().unwrap());
    let mut tampered = envelope::seal(&padded("t"), &[8; 32], &bob_id)?;
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let tampered = wrapped(&tampered);
    let to_alice = session_text("a", &[8; 32], &alice_id);
    let plaintext = padded("s");
    let signed_for_alice = {
        let sender = envelope::ed25519_public(&[8; 32]);
        let signing = ed25519_dalek::SigningKey::from_bytes(&[8; 32]);
        use ed25519_dalek::Signer;
        let signature = signing.sign(&envelope::signature_input(&plaintext, &sender, &alice_id));
        let body = [plaintext.as_slice(), &sender, &signature.to_bytes()].concat();
        wrapped(&envelope::box_seal(&body, &bob_id.key().0)?)
    };
    let not_session = b"not a session message".to_vec();
    // What a Session client sends besides text (here: typing) is listed, not refused.
    // Content { typingMessage (field 6) = {} }.
    let typing = wrapped(&envelope::seal(
        &session::pad(&[0x32, 0x00]),
        &[8; 32],
        &bob_id,
    )?);
    for data in [
        &forged,
        &tampered,
        &to_alice,
        &signed_for_alice,
        &not_session,
        &typing,
    ] {
        let answer = stored(&nodes[0], store(&bob_id, data, 3_600_000)).await;
        assert_eq!(own_entry(&nodes[0], &answer), Ok(()));
    }
    // The short-lived message has expired by now (10 s TTL).
    let waited = short_stored.elapsed();
    if waited < Duration::from_secs(11) {
        tokio::time::sleep(Duration::from_secs(11) - waited).await;
    }
    let inbox = bob
        .run(&["msg", "inbox", "--json"], Some("b-pw"))
        .ok()
        .envelope();
    let refused = inbox["data"]["refused"].as_array().unwrap();
    let reasons: Vec<&str> = refused
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert_eq!(refused.len(), 5, "{inbox}");
    assert_eq!(
        reasons
            .iter()
            .filter(|r| r.contains("sealed to another recipient, or tampered with"))
            .count(),
        2,
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("signature does not verify")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("needs premium proved by 2 registry nodes, and 0 valid")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("not a Session message")),
        "{reasons:?}"
    );
    let all: Vec<_> = inbox["data"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert!(
        all.iter().all(|m| m["hash"] != short_hash.as_str()),
        "an expired message is not served: {inbox}"
    );
    assert_eq!(all.len(), 4, "{inbox}");
    let unsupported: Vec<_> = all.iter().filter(|m| m["kind"] != "text").collect();
    assert_eq!(unsupported.len(), 1, "{inbox}");
    assert_eq!(unsupported[0]["kind"], "typing", "{inbox}");
    assert_eq!(
        unsupported[0]["sender"],
        envelope::session_id_from_seed(&[8; 32]).to_string()
    );
    let text = bob.run(&["msg", "inbox"], Some("b-pw")).ok().stdout;
    assert!(text.contains("\n    unsupported: typing"), "{text}");

    // Deleting removes a message from every node that answers.
    let deleted = bob
        .run(&["msg", "delete", &hash, "--json"], Some("b-pw"))
        .ok()
        .envelope();
    assert_eq!(deleted["data"]["deleted"][0], hash.as_str());
    let inbox = bob
        .run(&["msg", "inbox", "--json"], Some("b-pw"))
        .ok()
        .envelope();
    assert!(
        inbox["data"]["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["hash"] != hash.as_str()),
        "{inbox}"
    );
    Ok(())
}

/// libsession-util's tests/test_session_encrypt.cpp account (seed 0123456789abcdef…), as its
/// Session recovery password (docs/keys.md), and its Session ID.
const SESSION_WORDS: &str =
    "vexed enjoy pigment films adept voted vexed enjoy pigment films adept voted adept";
const SESSION_ID: &str = "05d2ad010eeb72d72e561d9de7bd7b6989af77dcabffa03a5111a6c859ae5c3a72";

/// A wallet restored from Session recovery `words` (and a new EVM account).
fn restore_session_wallet(home: &SeshHome, name: &str, words: &str, password: &str) -> SessionId {
    let file = home.path().join("session-words.txt");
    std::fs::write(&file, words).unwrap();
    let restored = home
        .run(
            &[
                "wallet",
                "restore",
                "--name",
                name,
                "--session-recovery-file",
                file.to_str().unwrap(),
                "--yes",
                "--json",
            ],
            Some(password),
        )
        .ok()
        .envelope();
    assert_eq!(
        restored["data"]["session_recovery_password"], true,
        "{restored}"
    );
    SessionId::parse(restored["data"]["session_id"].as_str().unwrap()).unwrap()
}

/// Issue 17's end to end: an account brought from the Session app by its recovery password
/// sends to a name; the recipient's inbox shows the text and the sender's name, and what the
/// nodes keep is Session's one-to-one format (WebSocketMessage → Envelope → sealed, padded
/// Content with the sender's name as displayName, the --ttl as disappear-after-send).
#[tokio::test]
async fn a_session_account_sends_session_format_to_a_name() -> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let deployment = chain.deployment.clone();
    let url = chain.anvil.endpoint();
    let keys = chain.anvil.keys().to_vec();
    let signer = |i: usize| -> PrivateKeySigner { keys[i].clone().into() };

    let carol = SeshHome::new(&chain);
    let carol_id = restore_session_wallet(&carol, "carol", SESSION_WORDS, "c-pw");
    assert_eq!(carol_id.to_string(), SESSION_ID);
    // The recipient is a Session account too, so this test knows its key and can open what
    // the nodes keep.
    let dave_password =
        sesh_core::keys::recovery_password::RecoveryPassword::from_seed(&[0x42; 16]);
    let dave_seed: [u8; 32] = *dave_password.ed25519_seed();
    let dave = SeshHome::new(&chain);
    let dave_id = restore_session_wallet(&dave, "dave", &dave_password.phrase(), "d-pw");
    assert_eq!(dave_id, envelope::session_id_from_seed(&dave_seed));
    for (home, label, password) in [(&carol, "carol", "c-pw"), (&dave, "dave", "d-pw")] {
        home.run(&["faucet", "20000", "--yes"], Some(password)).ok();
        home.run(&["name", "register", label, "--yes"], Some(password))
            .ok();
    }
    let nodes = staked_nodes(&url, &deployment, &[signer(2), signer(3), signer(4)]).await?;

    let body = "hello dave, from my Session account";
    let sent = carol
        .run(&["msg", "send", "dave", body, "--json"], Some("c-pw"))
        .ok()
        .envelope();
    assert_eq!(sent["data"]["recipient"], dave_id.to_string(), "{sent}");
    assert_eq!(sent["data"]["display_name"], "carol", "{sent}");
    assert_eq!(sent["data"]["stored"], 3, "{sent}");
    assert_eq!(sent["data"]["ttl_secs"], 14 * 86_400, "{sent}");
    assert_eq!(sent["data"]["disappearing"], false, "{sent}");
    let hash = sent["data"]["hash"].as_str().unwrap().to_string();

    let inbox = dave
        .run(&["msg", "inbox", "--json"], Some("d-pw"))
        .ok()
        .envelope();
    let messages = inbox["data"]["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1, "{inbox}");
    assert_eq!(messages[0]["hash"], hash.as_str());
    assert_eq!(messages[0]["kind"], "text");
    assert_eq!(messages[0]["text"], body);
    assert_eq!(messages[0]["sender"], SESSION_ID);
    assert_eq!(messages[0]["sender_name"], "carol");
    assert_eq!(messages[0]["claimed_name"], "carol");
    let text = dave.run(&["msg", "inbox"], Some("d-pw")).ok().stdout;
    assert!(
        text.contains(&format!("from carol ({SESSION_ID})")),
        "{text}"
    );
    assert!(text.contains(&format!("\n    {body}")), "{text}");

    // What the nodes keep is Session's format: the same bytes on each node, their hash the
    // message's, a WebSocketMessage request around an Envelope (sourceDevice 1, a proSig,
    // the sent time) around the sealed, padded Content.
    let stored = stored_bytes(&nodes[0], &dave_seed, &hash).await;
    for node in &nodes[1..] {
        assert_eq!(stored_bytes(node, &dave_seed, &hash).await, stored);
    }
    // The hash `msg send` and `msg inbox` show is the storage server's of those bytes.
    assert_eq!(
        message_hash(&UserPubkey::from(&dave_id), Namespace::DEFAULT, &stored).as_str(),
        hash
    );
    let unwrapped = session::unwrap(&stored)?;
    assert!(
        unwrapped.pro_sig.is_some(),
        "a decoy proSig, as clients send"
    );
    let opened = envelope::open(&unwrapped.sealed, &dave_seed)?;
    assert_eq!(opened.sender.to_string(), SESSION_ID);
    assert_eq!(
        opened.plaintext.len() % session::PADDING_BLOCK,
        0,
        "padded as libsession pads"
    );
    let received = session::open_stored(&stored, &dave_seed)?;
    assert_eq!(received.sender.to_string(), SESSION_ID);
    let Incoming::Text(text) = received.message else {
        panic!("a text: {:?}", received.message);
    };
    assert_eq!(text.body, body);
    assert_eq!(text.display_name.as_deref(), Some("carol"));
    assert_eq!(text.disappearing, None);
    assert!(text.proofs.is_empty());
    assert_eq!(text.sent_ms, unwrapped.timestamp_ms);
    assert_eq!(
        text.sent_ms / 1000,
        messages[0]["sent_at"].as_u64().unwrap()
    );

    // --ttl: the nodes keep it that long, and Session clients delete it then.
    let sent = carol
        .run(
            &[
                "msg",
                "send",
                "dave",
                "gone in an hour",
                "--ttl",
                "1h",
                "--json",
            ],
            Some("c-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(sent["data"]["ttl_secs"], 3_600, "{sent}");
    assert_eq!(sent["data"]["disappearing"], true, "{sent}");
    let hash = sent["data"]["hash"].as_str().unwrap();
    let stored = stored_bytes(&nodes[0], &dave_seed, hash).await;
    let received = session::open_stored(&stored, &dave_seed)?;
    let Incoming::Text(text) = received.message else {
        panic!("a text: {:?}", received.message);
    };
    assert_eq!(text.body, "gone in an hour");
    assert_eq!(
        text.disappearing,
        Some(session::Disappearing::AfterSend(3_600))
    );
    Ok(())
}

/// With `--registry URL` the wallet speaks the same protocol to the nodes it is given: the
/// URL is the swarm, the node's receipt is checked against the key it announces, and the
/// message is read and deleted by the storage server's hash.
#[tokio::test]
async fn a_wallet_sends_reads_and_deletes_through_a_node_it_names() -> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let node = RegistryNode::start(NodeOptions::new(&chain.anvil.endpoint(), &chain.deployment));
    let alice = SeshHome::new(&chain);
    alice.new_wallet("alice", "a-pw");
    let bob = SeshHome::new(&chain);
    bob.new_wallet("bob", "b-pw");
    let bob_id = bob.session_id();
    let at = ["--registry", node.url.as_str()];

    let to = bob_id.to_string();
    let sent = alice
        .run(
            &[
                &["msg", "send", to.as_str(), "via a named node", "--json"][..],
                &at[..],
            ]
            .concat(),
            Some("a-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(sent["data"]["stored"], 1, "{sent}");
    assert_eq!(sent["data"]["swarm"], 1, "{sent}");
    let nodes = sent["data"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 1, "{sent}");
    assert_eq!(nodes[0]["node_key"], node.node_key.as_str(), "{sent}");
    assert_eq!(nodes[0]["ok"], true, "{sent}");
    let hash = sent["data"]["hash"].as_str().unwrap().to_string();
    assert!(
        sesh_core::storage_rpc::MessageHash::parse(&hash).is_some(),
        "{hash}"
    );

    let inbox = bob
        .run(
            &[&["msg", "inbox", "--json"][..], &at[..]].concat(),
            Some("b-pw"),
        )
        .ok()
        .envelope();
    let messages = inbox["data"]["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1, "{inbox}");
    assert_eq!(messages[0]["hash"], hash.as_str());
    assert_eq!(messages[0]["text"], "via a named node");

    // An old 64-hex hash is refused before anything is sent.
    let old = "2637e82f0f76955ce3e0966ff5246a23f4ad717ab757768ce025ad765d743669";
    let refused = bob
        .run(
            &[&["msg", "delete", old][..], &at[..]].concat(),
            Some("b-pw"),
        )
        .failed();
    assert!(
        refused.stderr.contains("43 base64 characters"),
        "{}",
        refused.stderr
    );
    let deleted = bob
        .run(
            &[&["msg", "delete", hash.as_str(), "--json"][..], &at[..]].concat(),
            Some("b-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(deleted["data"]["deleted"][0], hash.as_str(), "{deleted}");
    assert_eq!(
        deleted["data"]["not_found"],
        serde_json::json!([]),
        "{deleted}"
    );
    let inbox = bob
        .run(
            &[&["msg", "inbox", "--json"][..], &at[..]].concat(),
            Some("b-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(inbox["data"]["messages"], serde_json::json!([]), "{inbox}");
    Ok(())
}

/// What a node keeps behind `/storage_rpc/v1` beyond the protocol's own refusals (those are
/// in `storage_rpc.rs`): the size limit, a repeated store, the replay guard on signed reads,
/// and tombstones, which outlive a restart.
#[tokio::test]
async fn a_node_keeps_its_mailbox_rules_behind_the_storage_protocol() -> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let node = RegistryNode::start(NodeOptions::new(&chain.anvil.endpoint(), &chain.deployment));
    let seed = [5u8; 32];
    let owner = envelope::session_id_from_seed(&seed);

    // Exactly the limit is kept; a byte more is refused before it is read as a message.
    let answer = stored(&node, store(&owner, &vec![1; MAX_MESSAGE_BODY], 60_000)).await;
    assert_eq!(own_entry(&node, &answer), Ok(()));
    let big = Store::new(
        UserPubkey::from(&owner),
        Namespace::DEFAULT,
        vec![1; MAX_MESSAGE_BODY + 1],
        now_ms(),
        60_000,
    );
    let (status, body) = rpc(&node.url, SubRequest::Store(big)).await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));

    // A repeated store is the same message: "already", one copy.
    let first = stored(&node, store(&owner, b"hello", 60_000)).await;
    let again = stored(&node, store(&owner, b"hello", 60_000)).await;
    assert_eq!(first.hash, again.hash);
    let MemberResult::Ok(entry) = &again.swarm[&node.node_key] else {
        panic!("a receipt: {again:?}");
    };
    assert_eq!(entry.already, Some(true));

    // The replay guard: the same signed retrieve is taken once.
    let read = retrieve(&seed);
    let (status, body) = rpc(&node.url, read.clone()).await;
    let page: RetrieveResponse = parse_response(status, &body).expect("a retrieve answer");
    assert_eq!(page.messages.len(), 2);
    let (status, body) = rpc(&node.url, read).await;
    assert_eq!(status, 401, "a replayed retrieve is refused");
    assert!(
        String::from_utf8_lossy(&body).contains("already made"),
        "{}",
        String::from_utf8_lossy(&body)
    );

    // Deleted by the owner: storing the same bytes again is refused by a tombstone, and says
    // why (the member's entry, code 409).
    let hash = first.hash.expect("the hash at top level");
    let delete = sesh_core::storage_rpc::Delete::signed(&seed, vec![hash.clone()]);
    let (status, body) = rpc(&node.url, SubRequest::Delete(delete)).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let gone = |answer: &StoreResponse, node: &RegistryNode| {
        let (code, reason) = own_entry(node, answer).expect_err("a tombstone refuses it");
        assert_eq!(code, 409);
        assert!(
            reason.contains("the recipient deleted this message"),
            "{reason}"
        );
    };
    gone(&stored(&node, store(&owner, b"hello", 60_000)).await, &node);

    // Messages and tombstones survive a restart; the metrics count them.
    let options = node.kill();
    let node = RegistryNode::start(options);
    gone(&stored(&node, store(&owner, b"hello", 60_000)).await, &node);
    let (status, body) = rpc(&node.url, retrieve(&seed)).await;
    let page: RetrieveResponse = parse_response(status, &body).expect("a retrieve answer");
    assert_eq!(page.messages.len(), 1);
    assert!(page.messages.iter().all(|m| m.hash != hash));
    assert_eq!(node.metric("registry_mailbox_messages").await, Some(1));
    Ok(())
}

#[tokio::test]
async fn a_node_limits_each_address_and_its_total_storage() -> eyre::Result<()> {
    let chain = sesh_e2e::deployed_chain();
    let mut options = NodeOptions::new(&chain.anvil.endpoint(), &chain.deployment);
    // Room for 76,800 bytes over every mailbox and 2 messages in each, and a rate of 1
    // request a second in bursts of 8.
    let config = options.data_dir.join("node.toml");
    std::fs::write(
        &config,
        "mailbox_max_total_bytes = 76800\nmailbox_max_messages = 2\n",
    )?;
    options.extra_args = [
        "--config",
        config.to_str().expect("utf-8 path"),
        "--mailbox-requests-per-sec",
        "1",
        "--mailbox-request-burst",
        "8",
    ]
    .map(String::from)
    .to_vec();
    let node = RegistryNode::start(options);
    let to = |seed: u8| envelope::session_id_from_seed(&[seed; 32]);

    // The node-wide bound refuses a second recipient that is far under its own quota.
    let answer = stored(&node, store(&to(1), &[7; 50_000], 60_000)).await;
    assert_eq!(own_entry(&node, &answer), Ok(()));
    let answer = stored(&node, store(&to(2), &[8; 30_000], 60_000)).await;
    let (code, reason) = own_entry(&node, &answer).expect_err("the node is full");
    assert_eq!(code, 507);
    assert!(
        reason.contains(
            "this node's message storage is full (50000 bytes held; it keeps at most 76800)"
        ),
        "{reason}"
    );
    // Small ones still fit, up to the recipient's quota of 2 messages.
    for data in [&[8u8; 100], &[9u8; 100]] {
        let answer = stored(&node, store(&to(2), data, 60_000)).await;
        assert_eq!(own_entry(&node, &answer), Ok(()));
    }
    let answer = stored(&node, store(&to(2), &[10; 100], 60_000)).await;
    let (code, reason) = own_entry(&node, &answer).expect_err("the mailbox is full");
    assert_eq!(code, 507);
    assert!(reason.contains("is full (2 messages"), "{reason}");

    // Five requests so far; more (every storage-protocol request counts) go on until the
    // burst of 8 is spent (one more per second elapsed), then are refused before their body
    // is read.
    let started = Instant::now();
    let mut served = 5;
    let response = loop {
        let response = sesh_e2e::node::http()
            .post(format!("{}{}", node.url, sesh_core::storage_rpc::PATH))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await?;
        if response.status().as_u16() == 429 {
            break response;
        }
        assert_eq!(
            response.status().as_u16(),
            400,
            "a request without a method is malformed"
        );
        served += 1;
        assert!(served <= 30, "never limited");
    };
    let allowed = 8 + started.elapsed().as_secs() + 1;
    assert!((8..=allowed).contains(&served), "{served} requests served");
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After header in seconds");
    assert_eq!(retry_after, 1);
    let answer: serde_json::Value = response.json().await?;
    assert!(
        answer["errors"][0]["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with(
                "too many mailbox requests from 127.0.0.1: at most 1 a second (bursts of 8)"
            )),
        "{answer}"
    );
    // Lookups are not limited.
    let (status, answer) = node.get("/v1/names/alice").await;
    assert_eq!(status, 404, "{answer}");
    // A second later the bucket holds a token again.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let answer = stored(&node, store(&to(3), &[9; 100], 60_000)).await;
    assert_eq!(own_entry(&node, &answer), Ok(()));
    Ok(())
}

/// Issue 15, item 2: pointing a name at someone else's Session ID does not rename it. A
/// stranger makes names that point at the victim's Session ID (registered after the victim's
/// own, its primary name) and at a Session ID that has no name, and replays the victim's
/// consent, from the chain's logs, for its own name with a higher nonce. Every node's reverse
/// lookup still names the victim as it chose (and the nameless not at all), and so does the
/// reader's `sesh msg inbox`; forward lookups still resolve the stranger's names as set.
#[tokio::test]
async fn a_strangers_name_pointing_at_a_session_id_does_not_rename_it() -> eyre::Result<()> {
    use alloy::providers::Provider;
    use alloy::rpc::types::Filter;
    use alloy::sol_types::SolEvent;
    use sesh_core::bindings::NameRegistry;
    use sesh_core::bindings::name_registry::INameRegistry;

    let chain = sesh_e2e::deployed_chain();
    let deployment = chain.deployment.clone();
    let registry = deployment.contracts.name_registry;
    let url = chain.anvil.endpoint();
    let keys = chain.anvil.keys().to_vec();
    let signer = |i: usize| -> PrivateKeySigner { keys[i].clone().into() };

    let victim = SeshHome::new(&chain);
    victim.new_wallet("victim", "v-pw");
    let nameless = SeshHome::new(&chain);
    nameless.new_wallet("nameless", "n-pw");
    let reader = SeshHome::new(&chain);
    reader.new_wallet("reader", "r-pw");
    let (victim_id, nameless_id, reader_id) = (
        victim.session_id(),
        nameless.session_id(),
        reader.session_id(),
    );
    victim.run(&["faucet", "1000", "--yes"], Some("v-pw")).ok();
    victim
        .run(&["name", "register", "victim", "--yes"], Some("v-pw"))
        .ok();
    let nodes = staked_nodes(&url, &deployment, &[signer(2), signer(3), signer(4)]).await?;

    // The stranger's primary names point at the victim's and at the nameless Session ID, after
    // the victim registered (the nodes used to answer with the most recent such name).
    let mut last = 0;
    for (i, label, target) in [(8, "impostor", victim_id), (9, "the-bank", nameless_id)] {
        let provider = wallet_provider(&url, signer(i));
        let owner = signer(i).address();
        fund_and_approve(&provider, &deployment, owner, registry, 1_000).await?;
        last = register(&provider, registry, label, owner, target.key(), true).await?;
    }
    // The victim's consent, public in the logs, replayed for the stranger's name and account
    // with a higher nonce: its signature covers the name, the owner and the nonce.
    let stranger = wallet_provider(&url, signer(8));
    let filter = Filter::new()
        .address(registry)
        .event_signature(NameRegistry::ReverseConsentGiven::SIGNATURE_HASH)
        .topic1(victim_id.key())
        .from_block(0);
    let logs = stranger.get_logs(&filter).await?;
    assert_eq!(logs.len(), 1, "the victim's registration consented once");
    let given = logs[0]
        .log_decode::<NameRegistry::ReverseConsentGiven>()?
        .inner
        .data;
    let receipt = NameRegistry::new(registry, &stranger)
        .giveReverseConsent(
            Name::parse("impostor")?.token_id(),
            signer(8).address(),
            INameRegistry::ReverseConsent {
                sessionKey: given.sessionKey,
                ed25519Key: given.ed25519Key,
                nonce: given.nonce + 1,
                signatureR: given.signatureR,
                signatureS: given.signatureS,
            },
        )
        .send()
        .await?
        .get_receipt()
        .await?;
    assert!(
        receipt.status(),
        "anyone may relay a consent; nodes check it"
    );
    last = last.max(receipt.block_number.unwrap());
    wait_all_indexed(&nodes, last, Duration::from_secs(30)).await;

    // Every node: the victim keeps its own name, the nameless stays nameless, and the
    // stranger's names still resolve forward to where it pointed them.
    for node in &nodes {
        for (id, expected) in [(victim_id, Some("victim")), (nameless_id, None)] {
            let (status, body) = node.get(&format!("/v1/reverse/{id}")).await;
            assert_eq!(status, 200, "{body}");
            let reverse: ReverseResponse = serde_json::from_value(body)?;
            reverse.reverse.verify(deployment.chain_id, registry)?;
            assert_eq!(
                reverse.reverse.answer.name.as_deref(),
                expected,
                "{} renamed {id}",
                node.url
            );
            reverse
                .reverse
                .answer
                .check_consent(deployment.chain_id, registry)
                .map_err(|e| eyre::eyre!(e))?;
        }
        let (_, body) = node.get("/v1/names/impostor").await;
        assert_eq!(body["name"]["answer"]["session_id"], victim_id.to_string());
        assert_eq!(body["name"]["answer"]["primary"], true);
    }

    // The reader's inbox names the victim as it chose, and the nameless sender not at all.
    for (home, password, text) in [
        (&victim, "v-pw", "it is really me"),
        (&nameless, "n-pw", "no name here"),
    ] {
        home.run(
            &["msg", "send", &reader_id.to_string(), text],
            Some(password),
        )
        .ok();
    }
    let inbox = reader
        .run(&["msg", "inbox", "--json"], Some("r-pw"))
        .ok()
        .envelope();
    let messages = inbox["data"]["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "{inbox}");
    for message in messages {
        let expected = if message["sender"] == victim_id.to_string() {
            serde_json::json!("victim")
        } else {
            assert_eq!(message["sender"], nameless_id.to_string());
            serde_json::Value::Null
        };
        assert_eq!(message["sender_name"], expected, "{inbox}");
    }
    let text = reader.run(&["msg", "inbox"], Some("r-pw")).ok().stdout;
    assert!(text.contains("from victim (05"), "{text}");
    assert!(
        !text.contains("impostor") && !text.contains("the-bank"),
        "{text}"
    );

    // `sesh name reverse`, through the nodes and from the chain's logs, says the same.
    let reverse = reader
        .run(&["name", "reverse", &victim_id.to_string(), "--json"], None)
        .ok()
        .envelope();
    assert_eq!(reverse["data"]["primary_name"], "victim", "{reverse}");
    let from_logs = reader
        .run(
            &["name", "reverse", &victim_id.to_string(), "--rpc", "--json"],
            None,
        )
        .ok()
        .envelope();
    assert_eq!(from_logs["data"]["primary_name"], "victim", "{from_logs}");
    assert_eq!(
        from_logs["data"]["names"].as_array().unwrap().len(),
        2,
        "both names point at the victim: {from_logs}"
    );
    let nameless_reverse = reader
        .run(
            &[
                "name",
                "reverse",
                &nameless_id.to_string(),
                "--rpc",
                "--json",
            ],
            None,
        )
        .ok()
        .envelope();
    assert_eq!(
        nameless_reverse["data"]["primary_name"],
        serde_json::Value::Null
    );
    Ok(())
}
