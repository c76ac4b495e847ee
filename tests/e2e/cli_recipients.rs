//! Where SESH and names may go, through the real `sesh` binary: a mixed-case
//! address must pass its EIP-55 checksum (everywhere an address is read), the
//! deployment's own contracts are refused as recipients, any other contract
//! only after a confirmation, and a name can stand for its record's address.
//! Every refusal leaves the nonce and the balances as they were.

use alloy::primitives::Address;
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use sesh_e2e::cli::SeshHome;

/// anvil's dev account 1, checksummed, and the same with one letter's case flipped.
const GOOD: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const TYPO: &str = "0x70997970c51812dc3A010C7d01b50e0d17dc79C8";

fn provider(chain: &sesh_e2e::DeployedChain) -> DynProvider {
    ProviderBuilder::new()
        .connect_http(chain.anvil.endpoint_url())
        .erased()
}

async fn nonce(provider: &DynProvider, address: &str) -> u64 {
    provider
        .get_transaction_count(address.parse::<Address>().unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn mistyped_addresses_and_contract_recipients_are_refused() {
    let chain = sesh_e2e::deployed_chain();
    let provider = provider(&chain);
    let contracts = chain.deployment.contracts.clone();
    let home = SeshHome::new(&chain);
    let me = home.new_wallet("alice", "pw");
    home.run(&["faucet", "1000", "--yes"], Some("pw")).ok();
    home.run(&["name", "register", "alicia", "--yes"], Some("pw"))
        .ok();
    let before = nonce(&provider, &me).await;

    // EIP-55: the typo is refused by send, set-record, transfer and register --for.
    for args in [
        vec!["send", TYPO, "2", "--yes"],
        vec![
            "name",
            "set-record",
            "alicia",
            "--evm-address",
            TYPO,
            "--yes",
        ],
        vec!["name", "transfer", "alicia", TYPO, "--yes"],
        vec!["name", "register", "other", "--for", TYPO, "--yes"],
    ] {
        let run = home.run(&args, Some("pw")).failed();
        assert!(
            run.stderr.contains("fails its EIP-55 checksum"),
            "{args:?}: {}",
            run.stderr
        );
    }
    // All-lowercase is accepted unchecked, as other wallets do.
    home.run(&["send", &GOOD.to_lowercase(), "1", "--yes"], Some("pw"))
        .ok();
    let after_send = nonce(&provider, &me).await;
    assert_eq!(after_send, before + 1, "only the lowercase send went out");

    // The deployment's own contracts are never recipients, with or without --yes.
    let token = contracts.sesh.to_checksum(None);
    let registry = contracts.name_registry.to_checksum(None);
    let run = home
        .run(&["send", &token, "1", "--yes"], Some("pw"))
        .failed();
    assert!(
        run.stderr.contains("SESH token contract") && run.stderr.contains("nothing was sent"),
        "{}",
        run.stderr
    );
    let run = home
        .run(
            &["name", "transfer", "alicia", &registry, "--yes"],
            Some("pw"),
        )
        .failed();
    assert!(
        run.stderr.contains("NameRegistry contract") && run.stderr.contains("nothing was sent"),
        "{}",
        run.stderr
    );
    let run = home
        .run(
            &["name", "register", "stuckname", "--for", &registry, "--yes"],
            Some("pw"),
        )
        .failed();
    assert!(
        run.stderr.contains("NameRegistry contract") && run.stderr.contains("nothing was sent"),
        "{}",
        run.stderr
    );
    assert_eq!(nonce(&provider, &me).await, after_send);

    // Another contract: asked first (no terminal here, so --yes is required), sent with --yes.
    let contract = "0x00000000000000000000000000000000000C0DE5";
    provider
        .raw_request::<_, serde_json::Value>("anvil_setCode".into(), (contract, "0x6000600055"))
        .await
        .unwrap();
    let run = home.run(&["send", contract, "1"], Some("pw")).failed();
    assert!(
        run.stderr.contains("is a contract, not a person's account")
            && run.stderr.contains("pass --yes"),
        "{}",
        run.stderr
    );
    assert_eq!(nonce(&provider, &me).await, after_send);
    let run = home.run(&["send", contract, "1", "--yes"], Some("pw")).ok();
    assert!(
        run.stderr.contains("is a contract") && run.stderr.contains("--yes"),
        "{}",
        run.stderr
    );
    assert_eq!(nonce(&provider, &me).await, after_send + 1);
}

#[tokio::test]
async fn a_name_can_be_the_recipient_of_a_name() {
    let chain = sesh_e2e::deployed_chain();
    let alice = SeshHome::new(&chain);
    let bob = SeshHome::new(&chain);
    alice.new_wallet("alice", "a-pw");
    let bob_address = bob.new_wallet("bob", "b-pw");
    for (home, password) in [(&alice, "a-pw"), (&bob, "b-pw")] {
        home.run(&["faucet", "1000", "--yes"], Some(password)).ok();
    }
    alice
        .run(&["name", "register", "giftname", "--yes"], Some("a-pw"))
        .ok();
    bob.run(
        &[
            "name",
            "register",
            "bobby",
            "--evm-address",
            &bob_address,
            "--yes",
        ],
        Some("b-pw"),
    )
    .ok();

    let run = alice
        .run(
            &["name", "transfer", "giftname", "bobby", "--yes"],
            Some("a-pw"),
        )
        .ok();
    assert!(
        run.stdout
            .contains(&format!("Transferred giftname to bobby ({bob_address})")),
        "{}",
        run.stdout
    );
    let registry = sesh_core::bindings::NameRegistry::new(
        chain.deployment.contracts.name_registry,
        provider(&chain),
    );
    let owner = registry
        .ownerOf(sesh_core::Name::parse("giftname").unwrap().token_id())
        .call()
        .await
        .unwrap();
    assert_eq!(owner.to_checksum(None), bob_address);

    // A name without an EVM address record is not a recipient, and says why.
    let run = alice
        .run(
            &["name", "transfer", "giftname", "nobody-has-this", "--yes"],
            Some("a-pw"),
        )
        .failed();
    assert!(
        run.stderr.contains("nobody-has-this is not registered"),
        "{}",
        run.stderr
    );
    // "x" is a valid name: the message is about the name, not hex digits.
    let run = alice
        .run(
            &["name", "transfer", "giftname", "x", "--yes"],
            Some("a-pw"),
        )
        .failed();
    assert!(
        !run.stderr.contains("odd number of digits"),
        "{}",
        run.stderr
    );
}
