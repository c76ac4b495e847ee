//! `sesh-load`: the load generator of `just bench`, a process of its own beside the server it
//! measures. Keep-alive connections with one request each in flight, a warm-up, a fixed
//! measuring window; prints one JSON report (`sesh_bench::load::LoadReport`) on stdout.

use alloy::primitives::Address;
use clap::{Parser, ValueEnum};
use sesh_bench::load::{self, LoadSpec};
use sesh_bench::workload::{self, Forwarder, Mailbox, Workload};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// What to send.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Kind {
    /// `GET /v1/names/{name}` on a registry node.
    NodeNames,
    /// `GET /v1/names/{name}` on the bare server.
    Bare,
    /// `eth_call` of `NameRegistry.resolve(name)` on the chain's RPC.
    EthCall,
    /// `POST /v1/names/batch` with `--per` names on a registry node.
    NodeBatch,
    /// JSON-RPC batches of `--per` `eth_call`s.
    EthCallBatch,
    /// `store` of a new random payload to one of `--mailboxes`, handed on as a swarm member
    /// hands a client's store on (`POST /v1/storage_forward`, as the node of
    /// `--forward-key-file` to the node `--node-key`).
    MsgStore,
    /// `retrieve` through `POST /storage_rpc/v1`, freshly signed, one mailbox per connection.
    MsgRetrieve,
}

/// Loads one server and prints what it measured.
#[derive(Debug, Parser)]
#[command(name = "sesh-load", version, about)]
struct Args {
    /// The server (`127.0.0.1:PORT`; only loopback addresses are accepted).
    #[arg(long)]
    addr: SocketAddr,
    /// What to send.
    #[arg(long, value_enum)]
    kind: Kind,
    /// Names `bench0000000` … are picked from the first NAMES.
    #[arg(long, default_value_t = 1_000)]
    names: u64,
    /// The NameRegistry address (for eth_call).
    #[arg(long)]
    registry: Option<Address>,
    /// Names per batch request.
    #[arg(long, default_value_t = 100)]
    per: u64,
    /// Distinct batch bodies prepared.
    #[arg(long, default_value_t = 1_000)]
    pool: usize,
    /// Mailboxes (messages).
    #[arg(long, default_value_t = 100)]
    mailboxes: u64,
    /// Mailboxes are numbered from this one.
    #[arg(long, default_value_t = 0)]
    mailbox_offset: u64,
    /// Payload bytes of a stored message.
    #[arg(long, default_value_t = 400)]
    payload_bytes: usize,
    /// Connections, each with one request in flight.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Load generator threads.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Warm-up before measuring, ms.
    #[arg(long, default_value_t = 2_000)]
    warmup_ms: u64,
    /// Measuring window, ms (at most 10 minutes).
    #[arg(long, default_value_t = 10_000)]
    duration_ms: u64,
    /// Seed of the random choices.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The server's process id: report the CPU it uses while measuring.
    #[arg(long)]
    server_pid: Option<u32>,
    /// msg-store: the key file (hex Ed25519 seed) of the active node the stores come from.
    #[arg(long)]
    forward_key_file: Option<PathBuf>,
    /// msg-store: the loaded node's Ed25519 key (64 hex characters).
    #[arg(long)]
    node_key: Option<String>,
}

/// The forwarder of a msg-store load.
fn forwarder(args: &Args) -> Result<Forwarder, String> {
    let (Some(file), Some(node_key)) = (&args.forward_key_file, &args.node_key) else {
        return Err("msg-store needs --forward-key-file and --node-key".into());
    };
    let to: [u8; 32] = hex::decode(node_key)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| format!("--node-key {node_key} is not 64 hex characters"))?;
    Forwarder::from_key_file(file, &to)
}

fn workload(args: &Args) -> Result<Workload, String> {
    let host = args.addr.to_string();
    let registry = || {
        args.registry
            .ok_or_else(|| "--registry is required for eth_call workloads".to_string())
    };
    if args.names == 0 || args.names > sesh_bench::names::MAX_NAMES {
        return Err(format!(
            "--names must be 1 to {}",
            sesh_bench::names::MAX_NAMES
        ));
    }
    Ok(match args.kind {
        Kind::NodeNames => workload::name_lookups("node GET /v1/names/{name}", &host, args.names),
        Kind::Bare => workload::name_lookups("bare axum constant", &host, args.names),
        Kind::EthCall => workload::eth_calls(&host, registry()?, args.names),
        Kind::NodeBatch => {
            workload::name_batches(&host, args.names, args.per, args.pool.max(1), args.seed)
        }
        Kind::EthCallBatch => workload::eth_call_batches(
            &host,
            registry()?,
            args.names,
            args.per,
            args.pool.max(1),
            args.seed,
        ),
        Kind::MsgStore => Workload::MsgStore {
            host,
            recipients: (0..args.mailboxes.max(1))
                .map(|i| Mailbox::bench(args.mailbox_offset + i).pubkey)
                .collect(),
            payload_len: args.payload_bytes,
            ttl_ms: 3_600_000,
            forwarder: forwarder(args)?,
        },
        Kind::MsgRetrieve => Workload::MsgRetrieve {
            host,
            mailboxes: (0..args.mailboxes.max(1))
                .map(|i| Mailbox::bench(args.mailbox_offset + i))
                .collect(),
        },
    })
}

fn main() -> ExitCode {
    let args = Args::parse();
    if !args.addr.ip().is_loopback() {
        eprintln!(
            "sesh-load: only loopback servers are loaded; got {}",
            args.addr
        );
        return ExitCode::FAILURE;
    }
    if args.duration_ms == 0 || args.duration_ms > 600_000 || args.warmup_ms > 600_000 {
        eprintln!("sesh-load: --duration-ms must be 1 to 600000 and --warmup-ms at most 600000");
        return ExitCode::FAILURE;
    }
    if args.concurrency == 0 || args.concurrency > 10_000 {
        eprintln!("sesh-load: --concurrency must be 1 to 10000");
        return ExitCode::FAILURE;
    }
    let workload = match workload(&args) {
        Ok(workload) => workload,
        Err(error) => {
            eprintln!("sesh-load: {error}");
            return ExitCode::FAILURE;
        }
    };
    let threads = args.threads.clamp(1, 64);
    let runtime = if threads == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("sesh-load: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let spec = LoadSpec {
        addr: args.addr,
        concurrency: args.concurrency,
        threads,
        warmup: Duration::from_millis(args.warmup_ms),
        duration: Duration::from_millis(args.duration_ms),
        seed: args.seed,
        server_pid: args.server_pid,
    };
    let report = runtime.block_on(load::run(spec, workload));
    match serde_json::to_string(&report) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("sesh-load: cannot write the report: {error}");
            ExitCode::FAILURE
        }
    }
}
