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
