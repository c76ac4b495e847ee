//! Compiles Session's protobuf schema (`proto/session.proto`) into Rust with prost-build.
//!
//! The `.proto` is parsed by protox, a protobuf compiler written in Rust, so building sesh-core
//! needs no `protoc` on the machine.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    const PROTO: &str = "proto/session.proto";
    println!("cargo:rerun-if-changed={PROTO}");
    let descriptors = protox::compile([PROTO], ["proto"])?;
    prost_build::Config::new().compile_fds(descriptors)?;
    Ok(())
}
