//! Usernames through the real `sesh` binary on anvil with the real
//! deployment: check, register (one transaction, and commit–reveal with an
//! interrupted wait), lookup, renew, records, primary names, transfer,
//! reverse and mine; bad input refused with nothing changed.

use alloy::primitives::Address;
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::Filter;
use alloy::sol_types::SolEvent;
use sesh_core::bindings::NameRegistry;
use sesh_core::protocol::{DAY, GRACE_PERIOD, PREMIUM_DECAY_PERIOD, YEAR};
use sesh_e2e::DeployedChain;
use sesh_e2e::cli::SeshHome;
use std::time::{Duration, Instant};

fn session_id(home: &SeshHome) -> String {
    home.run(&["wallet", "show", "--json"], None)
        .ok()
        .envelope()["data"]["session_id"]
        .as_str()
        .expect("a Session ID")
        .to_string()
}

fn provider(chain: &DeployedChain) -> DynProvider {
    ProviderBuilder::new()
        .connect_http(chain.anvil.endpoint_url())
        .erased()
}

async fn advance(provider: &DynProvider, secs: u64) {
    provider
        .raw_request::<_, serde_json::Value>("evm_increaseTime".into(), (secs,))
        .await
        .unwrap();
    provider
        .raw_request::<_, serde_json::Value>("evm_mine".into(), ())
        .await
        .unwrap();
}

fn sesh_balance(home: &SeshHome) -> String {
    home.run(&["balance", "--json"], None).ok().envelope()["data"]["sesh"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn register_lookup_renew_record_primary_transfer_reverse_and_mine() {
    let chain = sesh_e2e::deployed_chain();
    let alice = SeshHome::new(&chain);
    let bob = SeshHome::new(&chain);
    let alice_address = alice.new_wallet("alice", "a-pw");
    let bob_address = bob.new_wallet("bob", "b-pw");
    let alice_id = session_id(&alice);
    let bob_id = session_id(&bob);
    alice.run(&["faucet", "1000", "--yes"], Some("a-pw")).ok();

    // Check: valid, available, priced.
    let check = alice
        .run(&["name", "check", "Alice", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(check["data"]["name"], "alice");
    assert_eq!(check["data"]["available"], true);
    assert_eq!(check["data"]["state"], "available");
    assert_eq!(check["data"]["rent"], "100.000000000");
    assert_eq!(check["data"]["premium"], "0.000000000");
    let text = alice
        .run(&["name", "check", "alice", "--years", "2"], None)
        .ok()
        .stdout;
    assert!(text.contains("200 SESH to register for 2 years"), "{text}");

    // Register: one transaction (minimum commitment age 0 on anvil).
    let run = alice
        .run(
            &["name", "register", "alice", "--yes", "--json"],
            Some("a-pw"),
        )
        .ok();
    let registered = run.envelope();
    assert_eq!(registered["data"]["session_id"], alice_id.as_str());
    assert_eq!(registered["data"]["primary"], true);
    assert_eq!(registered["data"]["commit_tx"], serde_json::Value::Null);
    assert_eq!(registered["data"]["cost"], "100.000000000");
    let expiry = registered["data"]["expiry"].as_u64().unwrap();
    assert_eq!(sesh_balance(&alice), "900.000000000");

    // A second user sees it taken, and looks it up on the chain.
    let run = bob.run(&["name", "check", "alice"], None).ok();
    assert!(
        run.stdout.contains("alice is registered until") && run.stdout.contains(&alice_address),
        "{}",
        run.stdout
    );
    let lookup = bob
        .run(&["name", "lookup", "alice", "--rpc", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(lookup["data"]["session_id"], alice_id.as_str());
    assert_eq!(lookup["data"]["owner"], alice_address.as_str());
    // One word for one state: the chain read says what the registry nodes say.
    assert_eq!(lookup["data"]["state"], "live");
    assert_eq!(lookup["data"]["source"]["kind"], "rpc");
    // Times are Unix seconds, the same expiry in every report; no formatted dates.
    assert_eq!(lookup["data"]["expiry"].as_u64(), Some(expiry), "{lookup}");
    assert_eq!(
        lookup["data"]["grace_end"].as_u64(),
        Some(expiry + GRACE_PERIOD)
    );
    assert_eq!(
        lookup["data"]["premium_end"].as_u64(),
        Some(expiry + GRACE_PERIOD + PREMIUM_DECAY_PERIOD)
    );
    assert!(lookup["data"]["chain_time"].as_u64().unwrap() < expiry);
    for data in [&lookup["data"], &registered["data"]] {
        assert!(data.get("expiry_date").is_none(), "{data}");
    }
    let text = bob.run(&["name", "lookup", "alice"], None).ok().stdout;
    assert!(
        text.contains(&alice_id) && text.contains("source        the chain"),
        "{text}"
    );

    // Renew: anyone may pay; the time is added to the expiry.
    bob.run(&["faucet", "500", "--yes"], Some("b-pw")).ok();
    let renewed = bob
        .run(
            &["name", "renew", "alice", "--days", "30", "--yes", "--json"],
            Some("b-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(
        renewed["data"]["expiry"].as_u64().unwrap(),
        expiry + 30 * DAY
    );
    assert_eq!(renewed["data"]["old_expiry"].as_u64(), Some(expiry));
    let rent = renewed["data"]["rent"].as_str().unwrap();
    assert_eq!(
        rent.split_once('.').map(|(_, f)| f.len()),
        Some(9),
        "{renewed}"
    );
    let renewed = alice
        .run(&["name", "renew", "alice", "--yes", "--json"], Some("a-pw"))
        .ok()
        .envelope();
    assert_eq!(
        renewed["data"]["expiry"].as_u64().unwrap(),
        expiry + 30 * DAY + YEAR
    );

    // Records.
    alice
        .run(
            &[
                "name",
                "set-record",
                "alice",
                "--evm-address",
                &alice_address,
                "--yes",
            ],
            Some("a-pw"),
        )
        .ok();
    let lookup = bob
        .run(&["name", "lookup", "alice", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(lookup["data"]["evm_address"], alice_address.as_str());
    assert_eq!(lookup["data"]["session_id"], alice_id.as_str());
    // `send` resolves the name through the record.
    bob.run(&["send", "alice", "1", "--yes"], Some("b-pw")).ok();

    // Primary names.
    alice
        .run(
            &[
                "name",
                "register",
                "alice2",
                "--days",
                "28",
                "--no-primary",
                "--yes",
            ],
            Some("a-pw"),
        )
        .ok();
    let lookup = bob
        .run(&["name", "lookup", "alice2", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(lookup["data"]["primary"], false);
    alice
        .run(&["name", "set-primary", "alice2", "--yes"], Some("a-pw"))
        .ok();
    let alice2 = bob
        .run(&["name", "lookup", "alice2", "--json"], None)
        .ok()
        .envelope();
    let alice1 = bob
        .run(&["name", "lookup", "alice", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(alice2["data"]["primary"], true);
    assert_eq!(alice1["data"]["primary"], false);

    // Reverse (from logs) and mine (with the 30-day expiry warning).
    let reverse = bob
        .run(&["name", "reverse", &alice_id, "--json"], None)
        .ok()
        .envelope();
    assert_eq!(reverse["data"]["primary_name"], "alice2");
    assert_eq!(reverse["data"]["names"].as_array().unwrap().len(), 2);
    let run = alice.run(&["name", "mine"], None).ok();
    assert!(
        run.stdout.contains("alice ") && run.stdout.contains("alice2"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("alice2 expires on"),
        "a name expiring within 30 days is warned about: {}",
        run.stderr
    );

    alice
        .run(&["name", "set-primary", "--clear", "--yes"], Some("a-pw"))
        .ok();
    let alice2 = bob
        .run(&["name", "lookup", "alice2", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(alice2["data"]["primary"], false);

    // Transfer sets the recipient's record in the same transaction.
    alice
        .run(
            &[
                "name",
                "transfer",
                "alice2",
                &bob_address,
                "--session-id",
                &bob_id,
                "--yes",
            ],
            Some("a-pw"),
        )
        .ok();
    let lookup = alice
        .run(&["name", "lookup", "alice2", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(lookup["data"]["owner"], bob_address.as_str());
    assert_eq!(lookup["data"]["session_id"], bob_id.as_str());
    let mine = bob.run(&["name", "mine", "--json"], None).ok().envelope();
    let names: Vec<&str> = mine["data"]["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alice2"]);
    assert_eq!(mine["data"]["names"][0]["state"], "live", "{mine}");
    let mine = alice.run(&["name", "mine", "--json"], None).ok().envelope();
    assert_eq!(mine["data"]["names"].as_array().unwrap().len(), 1);

    // Without --session-id, transfer warns that the record is cleared.
    let run = alice
        .run(
            &["name", "transfer", "alice", &bob_address, "--yes"],
            Some("a-pw"),
        )
        .ok();
    assert!(
        run.stderr.contains("record of alice is cleared"),
        "{}",
        run.stderr
    );
    let lookup = alice
        .run(&["name", "lookup", "alice", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(lookup["data"]["session_id"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_second_name_keeps_the_primary_name_unless_primary_is_asked_for() {
    let chain = sesh_e2e::deployed_chain();
    let home = SeshHome::new(&chain);
    home.new_wallet("alice", "pw");
    home.run(&["faucet", "1000", "--yes"], Some("pw")).ok();
    let primary = |name: &str| {
        home.run(&["name", "lookup", name, "--rpc", "--json"], None)
            .ok()
            .envelope()["data"]["primary"]
            .clone()
    };

    // The first name becomes the primary name.
    let first = home
        .run(
            &[
                "name", "register", "alice", "--days", "28", "--yes", "--json",
            ],
            Some("pw"),
        )
        .ok()
        .envelope();
    assert_eq!(first["data"]["primary"], true, "{first}");
    assert_eq!(first["data"]["previous_primary"], serde_json::Value::Null);

    // A second one does not take it over silently: the preview says alice stays.
    let run = home
        .run(
            &["name", "register", "second", "--days", "28", "--yes"],
            Some("pw"),
        )
        .ok();
    assert!(
        run.stderr.contains(
            "primary name  stays alice (--primary makes second the primary name instead)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("primary name  alice (unchanged)"),
        "{}",
        run.stdout
    );
    assert_eq!(primary("alice"), true);
    assert_eq!(primary("second"), false);

    // --primary replaces it, and says so before and after.
    let run = home
        .run(
            &[
                "name",
                "register",
                "third",
                "--days",
                "28",
                "--primary",
                "--yes",
            ],
            Some("pw"),
        )
        .ok();
    assert!(
        run.stderr
            .contains("primary name  third, replacing alice as the wallet's primary name"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("primary name  third (replaced alice)"),
        "{}",
        run.stdout
    );
    assert_eq!(primary("third"), true);
    assert_eq!(primary("alice"), false);
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let chain = sesh_e2e::deployed_chain();
    let provider = provider(&chain);
    let alice = SeshHome::new(&chain);
    let bob = SeshHome::new(&chain);
    let alice_address: Address = alice.new_wallet("alice", "a-pw").parse().unwrap();
    let bob_address: Address = bob.new_wallet("bob", "b-pw").parse().unwrap();
    alice.run(&["faucet", "1000", "--yes"], Some("a-pw")).ok();
    bob.run(&["faucet", "10", "--yes"], Some("b-pw")).ok();
    let bob_nonce = provider.get_transaction_count(bob_address).await.unwrap();

    // Invalid names: the rule they broke.
    let run = bob
        .run(&["name", "register", "--yes", "--", "-bob"], Some("b-pw"))
        .failed();
    assert!(run.stderr.contains("'-'"), "{}", run.stderr);
    let run = bob.run(&["name", "check", "bob!"], None).failed();
    assert!(run.stderr.contains("'!'"), "{}", run.stderr);
    let run = bob.run(&["name", "check", &"a".repeat(65)], None).failed();
    assert!(run.stderr.contains("64"), "{}", run.stderr);

    // Unknown wallet.
    let run = bob
        .run(
            &["--wallet", "nobody", "name", "register", "bobby", "--yes"],
            Some("b-pw"),
        )
        .failed();
    assert!(run.stderr.contains("nobody"), "{}", run.stderr);

    // Not enough SESH: a 4-letter name costs 2,000 a year.
    let run = bob
        .run(&["name", "register", "bobb", "--yes"], Some("b-pw"))
        .failed();
    assert!(
        run.stderr.contains("not enough SESH") && run.stderr.contains("nothing was sent"),
        "{}",
        run.stderr
    );

    // A taken name.
    alice
        .run(
            &["name", "register", "taken", "--days", "28", "--yes"],
            Some("a-pw"),
        )
        .ok();
    let run = bob
        .run(&["name", "register", "taken", "--yes"], Some("b-pw"))
        .failed();
    assert!(
        run.stderr.contains("taken is registered until")
            && run.stderr.contains(&alice_address.to_string()),
        "{}",
        run.stderr
    );
    // Someone else's name cannot be managed.
    let run = bob
        .run(
            &["name", "set-record", "taken", "--clear", "--yes"],
            Some("b-pw"),
        )
        .failed();
    assert!(run.stderr.contains("belongs to"), "{}", run.stderr);

    // In grace for someone else.
    advance(&provider, 29 * DAY).await;
    let run = bob
        .run(&["name", "register", "taken", "--yes"], Some("b-pw"))
        .failed();
    assert!(
        run.stderr.contains("grace period until") && run.stderr.contains("only its owner"),
        "{}",
        run.stderr
    );
    let text = bob.run(&["name", "check", "taken"], None).ok().stdout;
    assert!(text.contains("in grace until"), "{text}");

    assert_eq!(
        provider.get_transaction_count(bob_address).await.unwrap(),
        bob_nonce,
        "bob sent nothing"
    );
    assert_eq!(sesh_balance(&bob), "10.000000000");

    // After the grace period the premium is explained.
    advance(&provider, 90 * DAY).await;
    let check = bob
        .run(&["name", "check", "taken", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(check["data"]["state"], "premium");
    assert_eq!(check["data"]["available"], true);
    let why = check["data"]["premium_explanation"].as_str().unwrap();
    assert!(
        why.contains("its grace period ended on")
            && why.contains("started at 100000 SESH and halves every day until"),
        "{why}"
    );
}

#[tokio::test]
async fn check_works_offline_for_validity_only() {
    // A known deployment whose RPC does not answer: the name rules are all that is checked.
    let chain = sesh_e2e::deployed_chain();
    let home = SeshHome::new(&chain);
    let offline = ["--rpc-url", "http://127.0.0.1:9"];
    let run = home
        .run(&[&offline[..], &["name", "check", "Alice"]].concat(), None)
        .ok();
    assert!(
        run.stdout.contains("alice is a valid name"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("not checked"), "{}", run.stdout);
    assert!(run.stderr.contains("offline"), "{}", run.stderr);
    let envelope = home
        .run(
            &[&offline[..], &["name", "check", "alice", "--json"]].concat(),
            None,
        )
        .ok()
        .envelope();
    assert_eq!(envelope["data"]["online"], false);
    assert_eq!(envelope["data"]["valid"], true);

    // No deployment is not "offline": the real cause, and a non-zero exit.
    let run = SeshHome::offline()
        .run(&["name", "check", "alice"], None)
        .failed();
    assert!(run.stderr.contains("no-deployment.json"), "{}", run.stderr);
    let mut command = SeshHome::offline().command();
    command.env_remove("SESH_DEPLOYMENT").args([
        "--network",
        "arbitrum-sepolia",
        "name",
        "check",
        "alice",
    ]);
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("knows no deployment of the name contracts on arbitrum-sepolia")
            && stderr.contains("--deployment FILE"),
        "{stderr}"
    );
}

fn commits(logs: &[alloy::rpc::types::Log]) -> usize {
    logs.iter()
        .filter(|log| log.topic0() == Some(&NameRegistry::CommitmentMade::SIGNATURE_HASH))
        .count()
}

async fn registry_logs(
    chain: &DeployedChain,
    provider: &DynProvider,
) -> Vec<alloy::rpc::types::Log> {
    provider
        .get_logs(
            &Filter::new()
                .address(chain.deployment.contracts.name_registry)
                .from_block(0),
        )
        .await
        .unwrap()
}

/// Starts `sesh name register NAME --yes`, waits until its commitment is
/// mined and saved, and kills it during the wait.
fn interrupt_during_wait(home: &SeshHome, name: &str, password: &str) {
    let mut child = home
        .command()
        .args(["name", "register", name, "--yes"])
        .env("SESH_PASSWORD", password)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pending = home.path().join(format!("pending/w/31337/{name}.json"));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(text) = std::fs::read_to_string(&pending) {
            let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            if value["committed_at"].is_u64() {
                break;
            }
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "register finished before it could be interrupted"
        );
        assert!(Instant::now() < deadline, "no commitment saved in time");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

/// A fresh chain whose minimum commitment age is 5 s and a wallet on it with
/// 1000 SESH: the chain, a provider, the wallet's home and its Session ID.
fn commit_reveal_setup() -> (DeployedChain, DynProvider, SeshHome, String) {
    let chain = sesh_e2e::deployed_chain_with_min_commitment_age(5);
    assert_eq!(chain.deployment.parameters.min_commitment_age, 5);
    let provider = provider(&chain);
    let home = SeshHome::new(&chain);
    home.new_wallet("w", "pw");
    let id = session_id(&home);
    home.run(&["faucet", "1000", "--yes"], Some("pw")).ok();
    (chain, provider, home, id)
}

// The commit–reveal tests are three, each on its own chain, so that their
// waits for the commitment age overlap.

#[tokio::test]
async fn commit_reveal_waits_the_minimum_age_then_registers() {
    let (chain, provider, home, id) = commit_reveal_setup();

    // Uninterrupted: commit, wait, register.
    let started = Instant::now();
    let done = home
        .run(
            &["name", "register", "david", "--yes", "--json"],
            Some("pw"),
        )
        .ok()
        .envelope();
    assert!(started.elapsed() >= Duration::from_secs(4));
    assert!(
        done["data"]["commit_tx"]
            .as_str()
            .unwrap()
            .starts_with("0x")
    );
    assert_eq!(done["data"]["resumed"], false);
    assert_eq!(done["data"]["session_id"], id.as_str());
    assert_eq!(commits(&registry_logs(&chain, &provider).await), 1);
}

#[tokio::test]
async fn commit_reveal_waits_and_resumes_after_an_interruption() {
    let (chain, provider, home, id) = commit_reveal_setup();

    // Interrupted during the wait: nothing registered yet, the commitment saved.
    interrupt_during_wait(&home, "carol", "pw");
    let pending = home.path().join("pending/w/31337/carol.json");
    assert!(pending.exists());
    let check = home
        .run(&["name", "check", "carol", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(check["data"]["available"], true);
    assert_eq!(commits(&registry_logs(&chain, &provider).await), 1);

    // The next run resumes: no second commit, one registration.
    let run = home
        .run(&["name", "register", "carol", "--yes"], Some("pw"))
        .ok();
    assert!(run.stdout.contains("Registered carol"), "{}", run.stdout);
    assert!(run.stderr.contains("Resuming"), "{}", run.stderr);
    assert_eq!(
        commits(&registry_logs(&chain, &provider).await),
        1,
        "exactly one commit for carol"
    );
    assert!(!pending.exists(), "the pending registration is removed");
    let lookup = home
        .run(&["name", "lookup", "carol", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(lookup["data"]["session_id"], id.as_str());

    // A pending commitment past the maximum age is said to be expired, and redone.
    interrupt_during_wait(&home, "erinn", "pw");
    advance(&provider, DAY + 60).await;
    let run = home
        .run(&["name", "register", "erinn", "--yes"], Some("pw"))
        .ok();
    assert!(run.stderr.contains("expired"), "{}", run.stderr);
    assert!(run.stdout.contains("Registered erinn"), "{}", run.stdout);
    assert_eq!(commits(&registry_logs(&chain, &provider).await), 3);
}

#[tokio::test]
async fn commit_reveal_without_enough_sesh_is_refused_before_any_commit() {
    let chain = sesh_e2e::deployed_chain_with_min_commitment_age(5);
    let provider = provider(&chain);

    // Not enough SESH: refused before any commit.
    let poor = SeshHome::new(&chain);
    let poor_address: Address = poor.new_wallet("w", "pw").parse().unwrap();
    poor.run(&["faucet", "1", "--yes"], Some("pw")).ok();
    let nonce = provider.get_transaction_count(poor_address).await.unwrap();
    let run = poor
        .run(&["name", "register", "frank", "--yes"], Some("pw"))
        .failed();
    assert!(run.stderr.contains("not enough SESH"), "{}", run.stderr);
    assert_eq!(
        provider.get_transaction_count(poor_address).await.unwrap(),
        nonce
    );
    assert!(!poor.path().join("pending/w/31337/frank.json").exists());
    assert_eq!(commits(&registry_logs(&chain, &provider).await), 0);
}
