//! Option groups shared by many commands, flattened where needed and never
//! redeclared: [`global::GlobalOpts`] (network, output), [`rpc::RpcOpts`]
//! (chain access), [`wallet::WalletOpts`] (which wallet, which password).

pub(crate) mod global;
pub(crate) mod rpc;
pub(crate) mod wallet;
