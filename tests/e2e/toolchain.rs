//! Proof that forge's artifacts, the generated alloy bindings and the pinned
//! anvil work together.

use alloy::primitives::U256;
use alloy::providers::ProviderBuilder;
use sesh_core::Sesh;
use sesh_core::bindings::TestSESH;

#[tokio::test]
async fn deploys_test_sesh_through_the_bindings_and_reads_it_back() -> eyre::Result<()> {
    let anvil = sesh_e2e::start_anvil();
    let provider = ProviderBuilder::new()
        .wallet(alloy::signers::local::PrivateKeySigner::from(
            anvil.keys()[0].clone(),
        ))
        .connect_http(anvil.endpoint_url());
    let token = TestSESH::deploy(&provider).await?;

    assert_eq!(token.decimals().call().await?, 9);
    assert_eq!(token.symbol().call().await?, "SESH");

    let alice = anvil.addresses()[1];
    let amount = Sesh::parse("1234.5")?;
    let receipt = token
        .faucet(alice, amount.units())
        .send()
        .await?
        .get_receipt()
        .await?;
    assert!(receipt.status(), "faucet transaction reverted");
    assert_eq!(Sesh::from(token.balanceOf(alice).call().await?), amount);

    // Above the faucet limit the contract reverts with its custom error.
    let too_much = token.FAUCET_LIMIT().call().await? + U256::from(1);
    let error = token.faucet(alice, too_much).call().await.unwrap_err();
    let decoded = error.as_decoded_interface_error::<TestSESH::TestSESHErrors>();
    assert!(
        matches!(
            decoded,
            Some(TestSESH::TestSESHErrors::FaucetLimitExceeded(_))
        ),
        "expected FaucetLimitExceeded, got {error}"
    );
    Ok(())
}

/// The justfile and the scripts run the Foundry binaries themselves, whose exit status
/// says when a command failed: the npm launchers in `node_modules/.bin` exit 0 whatever
/// happens, which once let a failing `forge test` pass `just test`.
#[test]
fn foundry_failures_reach_the_justfile_and_the_scripts() {
    let root = sesh_e2e::repo_root();
    let output = std::process::Command::new(root.join("just"))
        .args(["--evaluate", "forge"])
        .output()
        .expect("run ./just --evaluate forge");
    assert!(output.status.success());
    let forge = String::from_utf8(output.stdout).expect("utf-8");
    let status = std::process::Command::new(forge.trim())
        .arg("--no-such-flag")
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run the justfile's forge");
    assert!(!status.success(), "the justfile's forge hides failures");

    for tool in ["forge", "cast", "anvil"] {
        let status = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "source scripts/foundry.sh && \"${tool}\" --no-such-flag 2>/dev/null"
            ))
            .current_dir(&root)
            .status()
            .expect("run bash");
        assert!(
            !status.success(),
            "scripts/foundry.sh's {tool} hides failures"
        );
    }
}
