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

    let text = bob.run(&["balance"], None).ok().stdout;
    assert!(text.contains("SESH  250.500000000"), "{text}");
    let text = alice.run(&["balance", &bob_address], None).ok().stdout;
    assert!(text.contains("250.500000000"), "{text}");
    let left = alice.run(&["balance", "--json"], None).ok().envelope();
    assert_eq!(left["data"]["sesh"], "749.500000000");
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
