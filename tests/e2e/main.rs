//! End-to-end tests, compiled as one binary with a module per topic.

mod deploy;
mod toolchain;
