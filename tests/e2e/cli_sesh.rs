//! SESH through the real `sesh` binary on anvil with the real deployment:
//! faucet, balance, send between wallets, and a refused send.

use alloy::primitives::Address;
use alloy::providers::{Provider, ProviderBuilder};
use sesh_e2e::cli::SeshHome;

#[tokio::test]
async fn faucet_balance_and_send_between_two_wallets() {
    let chain = sesh_e2e::deployed_chain();
    let alice = SeshHome::new(&chain);
    let bob = SeshHome::new(&chain);
    alice.new_wallet("alice", "a-pw");
    let bob_address = bob.new_wallet("bob", "b-pw");

    let run = alice.run(&["faucet", "1000", "--yes"], Some("a-pw")).ok();
    assert!(
        run.stdout.contains("Received 1000 test SESH"),
        "{}",
        run.stdout
    );
    let balance = alice.run(&["balance", "--json"], None).ok().envelope();
    assert_eq!(balance["data"]["sesh"], "1000.000000000");
    assert_eq!(balance["data"]["network"], "local");

    let run = alice
        .run(
            &["send", &bob_address, "250.5", "--yes", "--json"],
            Some("a-pw"),
        )
        .ok();
    let envelope = run.envelope();
    assert_eq!(envelope["success"], true);
    assert!(
        envelope["data"]["tx_hash"]
            .as_str()
            .unwrap()
            .starts_with("0x")
    );
    assert_eq!(envelope["data"]["amount"], "250.500000000");

    // One amount format in text: exact, without trailing zeros, in the preview, the
    // result and the balance alike (JSON keeps all 9 decimals).
    let run = alice
        .run(&["send", &bob_address, "0.25", "--yes"], Some("a-pw"))
        .ok();
    assert!(
        run.stderr.contains("amount        0.25 SESH\n"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("Sent 0.25 SESH to"), "{}", run.stdout);
    let text = bob.run(&["balance"], None).ok().stdout;
    assert!(text.contains("SESH  250.75\n"), "{text}");
    assert!(
        text.contains("ETH   0\n") || text.ends_with("ETH   0"),
        "{text}"
    );
    let text = alice.run(&["balance", &bob_address], None).ok().stdout;
    assert!(text.contains("250.75"), "{text}");
    let left = alice.run(&["balance", "--json"], None).ok().envelope();
    assert_eq!(left["data"]["sesh"], "749.250000000");
}

#[tokio::test]
async fn sending_more_than_the_balance_is_refused_in_words_and_sends_nothing() {
    let chain = sesh_e2e::deployed_chain();
    let home = SeshHome::new(&chain);
    let address: Address = home.new_wallet("alice", "pw").parse().unwrap();
    home.run(&["faucet", "10", "--yes"], Some("pw")).ok();
    let provider = ProviderBuilder::new().connect_http(chain.anvil.endpoint_url());
    let nonce = provider.get_transaction_count(address).await.unwrap();

    let to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    let run = home.run(&["send", to, "11", "--yes"], Some("pw")).failed();
    assert!(
        run.stderr.contains("not enough SESH")
            && run.stderr.contains("holds 10 SESH but 11 SESH are needed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was sent"), "{}", run.stderr);
    assert_eq!(
        provider.get_transaction_count(address).await.unwrap(),
        nonce,
        "no transaction"
    );
    let balance = home.run(&["balance", "--json"], None).ok().envelope();
    assert_eq!(balance["data"]["sesh"], "10.000000000");

    // The faucet's own limit, decoded the same way; JSON carries it in `errors`.
    let run = home
        .run(&["faucet", "100001", "--yes", "--json"], Some("pw"))
        .failed();
    let envelope = run.envelope();
    assert_eq!(envelope["success"], false);
    let errors = envelope["errors"].to_string();
    assert!(
        errors.contains("the faucet gives at most 100000 SESH per call"),
        "{errors}"
    );
}

#[tokio::test]
async fn faucet_0_is_refused_like_send_0_and_sends_nothing() {
    let chain = sesh_e2e::deployed_chain();
    let home = SeshHome::new(&chain);
    let address: Address = home.new_wallet("alice", "pw").parse().unwrap();
    home.run(&["faucet", "10", "--yes"], Some("pw")).ok();
    let provider = ProviderBuilder::new().connect_http(chain.anvil.endpoint_url());
    let nonce = provider.get_transaction_count(address).await.unwrap();

    let run = home.run(&["faucet", "0", "--yes"], Some("pw")).failed();
    assert!(
        run.stderr.contains("the amount is 0") && run.stderr.contains("nothing was sent"),
        "{}",
        run.stderr
    );
    let run = home
        .run(&["faucet", "0.000", "--yes", "--json"], Some("pw"))
        .failed();
    assert!(
        run.envelope()["errors"]
            .to_string()
            .contains("the amount is 0"),
        "{}",
        run.stdout
    );
    assert_eq!(
        provider.get_transaction_count(address).await.unwrap(),
        nonce,
        "no transaction"
    );
    let balance = home.run(&["balance", "--json"], None).ok().envelope();
    assert_eq!(balance["data"]["sesh"], "10.000000000");
}

#[tokio::test]
async fn a_transaction_that_loses_a_race_says_why_it_reverted() {
    let chain = sesh_e2e::deployed_chain();
    let home = SeshHome::new(&chain);
    let address: Address = home.new_wallet("alice", "pw").parse().unwrap();
    home.run(&["faucet", "1000", "--yes"], Some("pw")).ok();
    let provider = ProviderBuilder::new().connect_http(chain.anvil.endpoint_url());

    // Blocks are mined by hand from here: the send is simulated against a balance of
    // 1000 and sent; before its block is mined, the balance goes (as if another
    // transaction of the same account had spent it first).
    provider
        .raw_request::<_, serde_json::Value>("evm_setAutomine".into(), (false,))
        .await
        .unwrap();
    let send = home
        .command()
        .args([
            "send",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "600",
            "--yes",
        ])
        .env("SESH_PASSWORD", "pw")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let status: serde_json::Value = provider
            .raw_request("txpool_status".into(), ())
            .await
            .unwrap();
        let pending = status["pending"]
            .as_str()
            .map(|hex| u64::from_str_radix(hex.trim_start_matches("0x"), 16).unwrap())
            .or_else(|| status["pending"].as_u64())
            .unwrap_or(0);
        if pending > 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the send never reached the mempool"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    provider
        .raw_request::<_, serde_json::Value>(
            "anvil_dealERC20".into(),
            (address, chain.deployment.contracts.sesh, "0x0"),
        )
        .await
        .unwrap();
    provider
        .raw_request::<_, serde_json::Value>("evm_mine".into(), ())
        .await
        .unwrap();
    let output = send.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("was mined in block") && stderr.contains("but reverted: not enough SESH"),
        "{stderr}"
    );
    assert!(
        stderr.contains("holds 0 SESH but 600 SESH are needed"),
        "{stderr}"
    );
}
