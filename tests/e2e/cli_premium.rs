//! Premium (Session Pro) through the real `sesh` binary on anvil: buy for
//! yourself, extend, gift to a Session ID and to a name, status; bad input
//! refused with nothing changed.

use alloy::primitives::Address;
use alloy::providers::{Provider, ProviderBuilder};
use sesh_core::protocol::PREMIUM_PERIOD as PERIOD;
use sesh_e2e::cli::SeshHome;

fn session_id(home: &SeshHome) -> String {
    home.run(&["wallet", "show", "--json"], None)
        .ok()
        .envelope()["data"]["session_id"]
        .as_str()
        .expect("a Session ID")
        .to_string()
}

#[tokio::test]
async fn buy_extend_gift_and_status() {
    let chain = sesh_e2e::deployed_chain();
    let alice = SeshHome::new(&chain);
    let bob = SeshHome::new(&chain);
    alice.new_wallet("alice", "a-pw");
    bob.new_wallet("bob", "b-pw");
    let bob_id = session_id(&bob);
    alice.run(&["faucet", "1000", "--yes"], Some("a-pw")).ok();

    let status = alice
        .run(&["premium", "status", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(status["data"]["active"], false);
    assert_eq!(status["data"]["expiry"], serde_json::Value::Null);
    let text = alice.run(&["premium", "status"], None).ok().stdout;
    assert!(text.contains("has no premium (never bought)"), "{text}");

    let bought = alice
        .run(&["premium", "buy", "--yes", "--json"], Some("a-pw"))
        .ok()
        .envelope();
    assert_eq!(bought["data"]["cost"], "50.000000000");
    assert_eq!(bought["data"]["gift"], false);
    let first = bought["data"]["expiry"].as_u64().unwrap();
    let status = alice
        .run(&["premium", "status", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(status["data"]["active"], true);
    assert_eq!(status["data"]["expiry"].as_u64().unwrap(), first);
    assert!(status["data"]["days_left"].as_u64().unwrap() >= 29);
    assert_eq!(
        status["data"]["remaining_secs"].as_u64().unwrap(),
        first - status["data"]["chain_time"].as_u64().unwrap(),
        "{status}"
    );
    let text = alice.run(&["premium", "status"], None).ok().stdout;
    assert!(
        text.contains(" UTC (") && text.contains("days left)"),
        "{text}"
    );

    // Buying again extends from the current expiry.
    let extended = alice
        .run(
            &["premium", "buy", "--periods", "2", "--yes", "--json"],
            Some("a-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(extended["data"]["cost"], "100.000000000");
    assert_eq!(
        extended["data"]["expiry"].as_u64().unwrap(),
        first + 2 * PERIOD
    );

    // A gift to a Session ID: bob pays nothing.
    let gift = alice
        .run(
            &["premium", "buy", "--for", &bob_id, "--yes", "--json"],
            Some("a-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(gift["data"]["gift"], true);
    let status = bob
        .run(&["premium", "status", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(status["data"]["active"], true);
    let bob_expiry = status["data"]["expiry"].as_u64().unwrap();

    // A gift to a name: it resolves to its Session ID on the chain.
    bob.run(&["faucet", "200", "--yes"], Some("b-pw")).ok();
    bob.run(&["name", "register", "bobby", "--yes"], Some("b-pw"))
        .ok();
    let gift = alice
        .run(
            &["premium", "buy", "--for", "bobby", "--yes", "--json"],
            Some("a-pw"),
        )
        .ok()
        .envelope();
    assert_eq!(gift["data"]["session_id"], bob_id.as_str());
    assert_eq!(gift["data"]["name"], "bobby");
    let status = alice
        .run(&["premium", "status", "bobby", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(
        status["data"]["expiry"].as_u64().unwrap(),
        bob_expiry + PERIOD
    );
    let balance = alice.run(&["balance", "--json"], None).ok().envelope();
    assert_eq!(
        balance["data"]["sesh"], "750.000000000",
        "50 + 100 + 50 + 50 paid"
    );
}

#[tokio::test]
async fn bad_premium_input_changes_nothing() {
    let chain = sesh_e2e::deployed_chain();
    let home = SeshHome::new(&chain);
    let address: Address = home.new_wallet("poor", "pw").parse().unwrap();
    home.run(&["faucet", "10", "--yes"], Some("pw")).ok();
    let provider = ProviderBuilder::new().connect_http(chain.anvil.endpoint_url());
    let nonce = provider.get_transaction_count(address).await.unwrap();

    let run = home.run(&["premium", "buy", "--yes"], Some("pw")).failed();
    assert!(
        run.stderr.contains("not enough SESH") && run.stderr.contains("nothing was sent"),
        "{}",
        run.stderr
    );
    let run = home
        .run(
            &["premium", "buy", "--for", "nosuchname", "--yes"],
            Some("pw"),
        )
        .failed();
    assert!(
        run.stderr.contains("no Session ID record"),
        "{}",
        run.stderr
    );
    let run = home
        .run(&["premium", "buy", "--for", "05zz!", "--yes"], Some("pw"))
        .failed();
    assert!(
        run.stderr.contains("neither a Session ID"),
        "{}",
        run.stderr
    );
    home.run(&["premium", "buy", "--periods", "0", "--yes"], Some("pw"))
        .failed();
    home.run(&["premium", "buy", "--periods", "121", "--yes"], Some("pw"))
        .failed();

    assert_eq!(
        provider.get_transaction_count(address).await.unwrap(),
        nonce
    );
    let balance = home.run(&["balance", "--json"], None).ok().envelope();
    assert_eq!(balance["data"]["sesh"], "10.000000000");
    let status = home
        .run(&["premium", "status", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(status["data"]["active"], false);
}
