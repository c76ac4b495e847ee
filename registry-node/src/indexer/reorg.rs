//! Reorg detection: the index keeps the hashes of blocks it went through; when
//! the chain's block at the cursor no longer has the stored hash, walk back over
//! the stored hashes to the newest one the chain still has, and rewind there.

use alloy::primitives::B256;

/// What the chain says about a block number.
pub(crate) trait ChainView {
    /// The error of a lookup.
    type Error;

    /// The hash of the chain's block `number` (`None`: the chain is shorter).
    fn hash_at(
        &self,
        number: u64,
    ) -> impl std::future::Future<Output = Result<Option<B256>, Self::Error>> + Send;
}

/// Where to rewind to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ForkPoint {
    /// The newest stored block still on the chain.
    At(u64, B256),
    /// No stored block is on the chain any more: rebuild from the deploy block.
    Rebuild,
}

/// Walks `stored` (block hashes, newest first) back to the newest one `chain` still has.
pub(crate) async fn find_fork_point<C: ChainView>(
    stored: &[(u64, B256)],
    chain: &C,
) -> Result<ForkPoint, C::Error> {
    for &(number, hash) in stored {
        if chain.hash_at(number).await? == Some(hash) {
            return Ok(ForkPoint::At(number, hash));
        }
    }
    Ok(ForkPoint::Rebuild)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    struct Chain(BTreeMap<u64, B256>);

    impl ChainView for Chain {
        type Error = std::convert::Infallible;

        async fn hash_at(&self, number: u64) -> Result<Option<B256>, Self::Error> {
            Ok(self.0.get(&number).copied())
        }
    }

    fn h(n: u8) -> B256 {
        B256::repeat_byte(n)
    }

    #[tokio::test]
    async fn rewinds_to_the_newest_common_block() {
        let chain = Chain(BTreeMap::from([
            (1, h(1)),
            (2, h(2)),
            (3, h(0x33)),
            (4, h(0x44)),
        ]));
        let stored = [(4, h(4)), (3, h(3)), (2, h(2)), (1, h(1))];
        assert_eq!(
            find_fork_point(&stored, &chain).await.unwrap(),
            ForkPoint::At(2, h(2))
        );
    }

    #[tokio::test]
    async fn a_shorter_chain_rewinds_below_its_head() {
        let chain = Chain(BTreeMap::from([(1, h(1)), (2, h(2))]));
        let stored = [(5, h(5)), (2, h(2))];
        assert_eq!(
            find_fork_point(&stored, &chain).await.unwrap(),
            ForkPoint::At(2, h(2))
        );
    }

    #[tokio::test]
    async fn nothing_in_common_means_rebuild() {
        let chain = Chain(BTreeMap::from([(1, h(0x11))]));
        assert_eq!(
            find_fork_point(&[(1, h(1))], &chain).await.unwrap(),
            ForkPoint::Rebuild
        );
        assert_eq!(
            find_fork_point(&[], &chain).await.unwrap(),
            ForkPoint::Rebuild
        );
    }
}
