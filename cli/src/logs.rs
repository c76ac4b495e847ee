//! Reading event logs from the deployment block, for the commands that need
//! history (`name reverse`, `name mine`, `market listings`, `market offers`):
//! `eth_getLogs` over adaptive block ranges (halved when the RPC refuses a
//! range), since public RPCs limit how many blocks one request may span.

use alloy::providers::Provider;
use alloy::rpc::types::{Filter, Log};
use eyre::WrapErr;

/// The widest block range asked for at once.
const MAX_SPAN: u64 = 100_000;
/// Below this the node's refusal is an error, not a hint to split.
const MIN_SPAN: u64 = 500;

/// Every log matching `filter` from `from` to the latest block, in chain order.
pub(crate) async fn fetch<P: Provider>(
    provider: &P,
    filter: Filter,
    from: u64,
) -> eyre::Result<Vec<Log>> {
    let latest = provider
        .get_block_number()
        .await
        .wrap_err("cannot read the block number")?;
    let mut out = Vec::new();
    let mut start = from;
    let mut span = MAX_SPAN;
    while start <= latest {
        let end = start.saturating_add(span - 1).min(latest);
        let range = filter.clone().from_block(start).to_block(end);
        match provider.get_logs(&range).await {
            Ok(logs) => {
                out.extend(logs);
                start = end + 1;
            }
            Err(_) if span > MIN_SPAN => span /= 2,
            Err(error) => {
                return Err(error)
                    .wrap_err_with(|| format!("cannot read logs of blocks {start} to {end}"));
            }
        }
    }
    out.sort_by_key(|log| (log.block_number, log.log_index));
    Ok(out)
}
