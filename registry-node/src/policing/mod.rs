//! Policing's work on the network, around the pure decisions of `crate::police`: [`task`]
//! (the rounds: test, vote, share, submit), [`routes`] (`POST /v1/votes`,
//! `POST /v1/evidence`, `GET /v1/police`) and [`storage_test`] (`POST /v1/storage_test`).
//! Apart from `crate::police` because they use the app state, which holds the police state.

pub(crate) mod routes;
pub(crate) mod storage_test;
pub(crate) mod task;

pub(crate) use task::police_forever;
