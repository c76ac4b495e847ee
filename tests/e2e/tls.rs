//! Real networks speak TLS: `sesh` and `registry-node` reach an RPC over
//! `https://` and `wss://` and registry nodes over `https://`, trusting a
//! private CA given with `--ca-cert`, and refusing, in words, a certificate
//! nobody vouched for. The TLS endpoints are a TLS proxy (tests/src/tls.rs)
//! with a CA made for the test, in front of the real anvil and the real node.

use alloy::primitives::B256;
use sesh_e2e::cli::SeshHome;
use sesh_e2e::node::{NodeOptions, NodeTestbed, RegistryNode, registry_node_bin};
use sesh_e2e::tls::TestCa;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn local(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

fn port_of(url: &str) -> u16 {
    url.rsplit(':')
        .next()
        .and_then(|port| port.trim_end_matches('/').parse().ok())
        .expect("a URL that ends in :PORT")
}

#[test]
fn sesh_reaches_the_chain_over_https_and_wss_with_a_private_ca() {
    let chain = sesh_e2e::deployed_chain();
    let ca = TestCa::new("sesh test CA");
    let proxy = ca.proxy(local(chain.anvil.port()));
    let ca_file = ca.ca_file();
    let ca_file = ca_file.to_str().expect("utf-8 path");
    let home = SeshHome::new(&chain);
    let address = home.new_wallet("alice", "pw");

    for url in [proxy.https_url(), proxy.wss_url()] {
        // A transaction and a read, both through TLS.
        home.run(
            &[
                "--rpc-url",
                &url,
                "--ca-cert",
                ca_file,
                "faucet",
                "5",
                "--yes",
            ],
            Some("pw"),
        )
        .ok();
        let balance = home
            .run(
                &["--rpc-url", &url, "--ca-cert", ca_file, "balance", "--json"],
                None,
            )
            .ok()
            .envelope();
        assert_eq!(balance["data"]["address"], address, "{balance}");
    }
    let balance = home
        .run(
            &[
                "--rpc-url",
                &proxy.wss_url(),
                "--ca-cert",
                ca_file,
                "balance",
                "--json",
            ],
            None,
        )
        .ok()
        .envelope();
    assert!(
        balance["data"]["sesh"]
            .as_str()
            .unwrap_or("")
            .starts_with("10"),
        "two faucet calls of 5 over https and wss: {balance}"
    );

    // The same endpoints without the CA: refused, in words, with the fix.
    for url in [proxy.https_url(), proxy.wss_url()] {
        let run = home.run(&["--rpc-url", &url, "balance"], None).failed();
        assert!(
            run.stderr.contains("is not trusted") && run.stderr.contains("--ca-cert"),
            "{url}: {}",
            run.stderr
        );
    }
    // The CA also comes from SESH_CA_CERT.
    let mut command = home.command();
    command.env("SESH_CA_CERT", ca_file).args([
        "--rpc-url",
        &proxy.https_url(),
        "balance",
        "--json",
    ]);
    let output = command.output().expect("run sesh");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // A CA file that is not one is named.
    let bogus = ca.dir().join("bogus.pem");
    std::fs::write(&bogus, "hello").expect("write a bogus CA file");
    let run = home
        .run(
            &[
                "--rpc-url",
                &proxy.https_url(),
                "--ca-cert",
                bogus.to_str().expect("utf-8"),
                "balance",
            ],
            None,
        )
        .failed();
    assert!(
        run.stderr.contains("holds no PEM certificate"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn registry_node_follows_the_chain_over_tls_and_serves_https() -> eyre::Result<()> {
    let bed = NodeTestbed::funded(1_000).await?;
    let ca = TestCa::new("sesh test CA");
    let rpc = ca.proxy(local(bed.chain.anvil.port()));
    let ca_file = ca.ca_file().to_str().expect("utf-8 path").to_string();

    // One node follows over wss://, one over https://.
    let nodes: Vec<RegistryNode> = [rpc.wss_url(), rpc.https_url()]
        .iter()
        .map(|url| {
            let mut options = NodeOptions::new(url, &bed.deployment);
            options.extra_args = vec!["--ca-cert".into(), ca_file.clone()];
            options
        })
        .map(RegistryNode::start)
        .collect();
    let block = bed.register("tlsname", B256::repeat_byte(7), false).await?;
    sesh_e2e::node::wait_all_indexed(&nodes, block, Duration::from_secs(30)).await;

    // The wallet asks both nodes through TLS proxies of their own.
    let fronts: Vec<_> = nodes
        .iter()
        .map(|node| ca.proxy(local(port_of(&node.url))))
        .collect();
    let home = SeshHome::new(&bed.chain);
    let mut args = vec!["--ca-cert".to_string(), ca_file.clone()];
    for front in &fronts {
        args.extend(["--registry".into(), front.https_url()]);
    }
    args.extend([
        "name".into(),
        "lookup".into(),
        "tlsname".into(),
        "--json".into(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let lookup = home.run(&args, None).ok().envelope();
    assert_eq!(
        lookup["data"]["owner"].as_str().map(str::to_lowercase),
        Some(bed.alice.address().to_string().to_lowercase()),
        "{lookup}"
    );

    // Without the CA the wallet says why it cannot use the nodes.
    let run = home
        .run(
            &[
                "--registry",
                &fronts[0].https_url(),
                "name",
                "lookup",
                "tlsname",
            ],
            None,
        )
        .failed();
    assert!(
        run.stderr.contains("is not trusted") && run.stderr.contains("--ca-cert"),
        "{}",
        run.stderr
    );

    // A node without the CA stops at start with the reason, instead of retrying forever.
    let options = NodeOptions::new(&rpc.https_url(), &bed.deployment);
    sesh_e2e::node::init_key(&options);
    let mut child = Command::new(registry_node_bin())
        .arg("run")
        .args(["--rpc-url", &options.rpc_url])
        .arg("--deployment")
        .arg(&options.manifest)
        .arg("--data-dir")
        .arg(&options.data_dir)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "registry-node kept running on an untrusted RPC certificate"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("piped"), &mut stderr)?;
    assert!(!status.success());
    assert!(
        stderr.contains("is not trusted") && stderr.contains("--ca-cert"),
        "{stderr}"
    );
    Ok(())
}
