//! `sesh-bare-server`: the HTTP ceiling for `just bench`. A bare axum server whose one handler
//! returns a constant; prints `listening on http://ADDR` and serves until killed.

use clap::Parser;
use std::net::SocketAddr;
use std::process::ExitCode;

/// Serves `GET /v1/names/{name}` with a constant body.
#[derive(Debug, Parser)]
#[command(name = "sesh-bare-server", version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Size of the constant body, bytes (use the size of a real node answer).
    #[arg(long, default_value_t = 1_000)]
    body_bytes: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let body: &'static [u8] = Vec::leak(sesh_bench::bare::constant_body(args.body_bytes));
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "sesh-bare-server: cannot listen on {}: {error}",
                args.listen
            );
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => println!("listening on http://{addr}"),
        Err(error) => {
            eprintln!("sesh-bare-server: no local address: {error}");
            return ExitCode::FAILURE;
        }
    }
    if let Err(error) = axum::serve(listener, sesh_bench::bare::router(body)).await {
        eprintln!("sesh-bare-server: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
