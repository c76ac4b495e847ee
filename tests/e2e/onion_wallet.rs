//! The wallet through onion paths (issue 19): the real `sesh` binary against 5 staked nodes
//! looks names up and sends and reads messages through 3-node paths by default, which the
//! nodes' own `/metrics` show (only the asked nodes serve the lookup; a guard that is no
//! destination takes onion requests and nothing else); a relay killed between two commands is
//! noticed and the path rebuilt; `--direct` goes straight to the nodes.

use sesh_e2e::cli::SeshHome;
use sesh_e2e::node::{NodeTestbed, RegistryNode};
use sesh_e2e::swarm::staked_nodes;
use std::collections::{BTreeMap, HashSet};

const ONION: &str = sesh_core::onion::PATH;
const LOOKUP: &str = "/v1/names/{name}";

/// Each node's (onion requests, lookups) served so far.
async fn counts(nodes: &[RegistryNode]) -> Vec<(u64, u64)> {
    let mut counts = Vec::new();
    for node in nodes {
        counts.push((node.served(ONION).await, node.served(LOOKUP).await));
    }
    counts
}

/// The hops' keys of a `path` in `--json`, guard first.
fn hop_keys(path: &serde_json::Value) -> Vec<String> {
    path.as_array()
        .unwrap_or_else(|| panic!("a path: {path}"))
        .iter()
        .map(|hop| hop["node_key"].as_str().expect("a key").to_string())
        .collect()
}

#[tokio::test]
async fn sesh_reaches_its_nodes_only_through_onion_paths() -> eyre::Result<()> {
    let bed = NodeTestbed::funded(1_000).await?;
    let alice = SeshHome::new(&bed.chain);
    alice.new_wallet("alice", "a-pw");
    let bob = SeshHome::new(&bed.chain);
    bob.new_wallet("bob", "b-pw");
    let bob_id = bob.session_id();
    bed.register("onionbob", bob_id.key(), false).await?;
    let operators: Vec<_> = (2..=6).map(|i| bed.dev_key(i)).collect();
    let mut nodes = staked_nodes(&bed.url, &bed.deployment, &operators).await?;
    let index_of = |key: &str| nodes.iter().position(|n| n.node_key == key);

    // A lookup: each of the 3 asked nodes answers through a path of 3 nodes ending at it.
    let before = counts(&nodes).await;
    let lookup = alice
        .run(&["name", "lookup", "onionbob", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(lookup["data"]["session_id"], bob_id.to_string(), "{lookup}");
    assert_eq!(lookup["data"]["source"]["agree"], 3, "{lookup}");
    let asked = lookup["data"]["source"]["nodes"].as_array().expect("nodes");
    let mut destinations = HashSet::new();
    let mut guards = HashSet::new();
    for node in asked {
        let hops = hop_keys(&node["path"]);
        assert_eq!(hops.len(), 3, "{node}");
        assert_eq!(hops[2], node["node_key"].as_str().unwrap(), "{node}");
        assert_eq!(hops.iter().collect::<HashSet<_>>().len(), 3, "{node}");
        destinations.insert(index_of(&hops[2]).expect("a node of the set"));
        guards.insert(index_of(&hops[0]).expect("a node of the set"));
    }
    // By the nodes' own counts: only the asked nodes served the lookup, each once; every
    // request reached them through 3 onion hops (9 in all) and none came directly.
    let after = counts(&nodes).await;
    let onions: u64 = after.iter().zip(&before).map(|(a, b)| a.0 - b.0).sum();
    assert_eq!(onions, 9, "{before:?} → {after:?}");
    for (i, ((_, looked), (_, looked_before))) in after.iter().zip(&before).enumerate() {
        let expected = u64::from(destinations.contains(&i));
        assert_eq!(
            looked - looked_before,
            expected,
            "node {i}: {before:?} → {after:?}"
        );
    }
    // A guard that is no destination took onion requests and never saw the lookup.
    for &guard in guards.difference(&destinations) {
        assert!(after[guard].0 > before[guard].0, "guard {guard}");
        assert_eq!(after[guard].1, before[guard].1, "guard {guard}");
    }

    // ONS resolution (only the name's hash sent) goes through paths to the active set too.
    let private = alice
        .run(&["name", "lookup", "onionbob", "--private", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(
        private["data"]["session_id"],
        bob_id.to_string(),
        "{private}"
    );
    let paths = private["data"]["source"]["paths"]
        .as_array()
        .expect("paths");
    assert_eq!(paths.len(), 3, "{private}");
    for path in paths {
        assert_eq!(hop_keys(path).len(), 3, "{private}");
    }

    // Messages: alice's store and bob's read go through paths too.
    let sent = alice
        .run(
            &[
                "msg",
                "send",
                "onionbob",
                "hi through three nodes",
                "--json",
            ],
            Some("a-pw"),
        )
        .ok()
        .envelope();
    let entry: Vec<&serde_json::Value> = sent["data"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| !n["path"].is_null())
        .collect();
    assert!(
        !entry.is_empty(),
        "the member asked answered through a path: {sent}"
    );
    for node in &entry {
        let hops = hop_keys(&node["path"]);
        assert_eq!(hops.len(), 3, "{node}");
        assert_eq!(hops[2], node["node_key"].as_str().unwrap(), "{node}");
    }
    let hash = sent["data"]["hash"].as_str().expect("a hash").to_string();
    let before = counts(&nodes).await;
    let inbox = bob
        .run(&["msg", "inbox", "--json"], Some("b-pw"))
        .ok()
        .envelope();
    let messages = inbox["data"]["messages"].as_array().expect("messages");
    assert!(
        messages
            .iter()
            .any(|m| m["hash"] == hash && m["text"] == "hi through three nodes"),
        "{inbox}"
    );
    let read: Vec<&serde_json::Value> = inbox["data"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| n["ok"] == true)
        .collect();
    assert_eq!(read.len(), 3, "{inbox}");
    for node in &read {
        assert_eq!(hop_keys(&node["path"]).len(), 3, "{node}");
    }
    let after = counts(&nodes).await;
    let onions: u64 = after.iter().zip(&before).map(|(a, b)| a.0 - b.0).sum();
    assert!(onions >= 9, "3 reads, 3 hops each: {before:?} → {after:?}");

    // One relay killed between two commands. The next lookup is told, by the wallet's saved
    // paths, to use the two nodes no lookup of this name asks as guard and relay.
    let destinations: Vec<usize> = destinations.into_iter().collect();
    let spare: Vec<usize> = (0..nodes.len())
        .filter(|i| !destinations.contains(i))
        .collect();
    let (guard, relay) = (spare[0], spare[1]);
    let cache = alice
        .path()
        .join("onion")
        .join(format!("{}.json", bed.deployment.chain_id));
    let relays: BTreeMap<String, String> = destinations
        .iter()
        .map(|&d| (nodes[d].node_key.clone(), nodes[relay].node_key.clone()))
        .collect();
    std::fs::create_dir_all(cache.parent().expect("a folder"))?;
    std::fs::write(
        &cache,
        serde_json::json!({"guard": nodes[guard].node_key, "relays": relays}).to_string(),
    )?;
    let through = alice
        .run(&["name", "lookup", "onionbob", "--json"], None)
        .ok()
        .envelope();
    for node in through["data"]["source"]["nodes"]
        .as_array()
        .expect("nodes")
    {
        let hops = hop_keys(&node["path"]);
        assert_eq!(
            hops[..2],
            [nodes[guard].node_key.clone(), nodes[relay].node_key.clone()],
            "the saved path is reused: {node}"
        );
    }
    let removed = nodes.remove(relay);
    let dead = removed.node_key.clone();
    let dead_url = removed.url.clone();
    removed.kill();
    let guard_node = if guard > relay { guard - 1 } else { guard };
    let run = alice
        .run(&["name", "lookup", "onionbob", "--json"], None)
        .ok();
    assert!(
        !run.stderr.contains("note:"),
        "--json shows the paths: {}",
        run.stderr
    );
    let rebuilt = run.envelope();
    assert_eq!(rebuilt["data"]["source"]["agree"], 3, "{rebuilt}");
    for node in rebuilt["data"]["source"]["nodes"]
        .as_array()
        .expect("nodes")
    {
        let hops = hop_keys(&node["path"]);
        assert_eq!(hops.len(), 3, "{node}");
        assert!(!hops.contains(&dead), "the dead relay is dropped: {node}");
        assert_eq!(
            hops[0], nodes[guard_node].node_key,
            "the guard is kept: {node}"
        );
    }
    let saved = std::fs::read_to_string(&cache)?;
    assert!(!saved.contains(&dead), "{saved}");
    // In text, the rebuild is a note on stderr, once for the dead relay.
    std::fs::write(
        &cache,
        serde_json::json!({"guard": nodes[guard_node].node_key, "relays": relays}).to_string(),
    )?;
    let run = alice.run(&["name", "lookup", "onionbob"], None).ok();
    let note = format!("note: relay {dead_url} did not answer; built a new path");
    assert_eq!(run.stderr.matches(&note).count(), 1, "{}", run.stderr);

    // --direct: no onion request reaches any node; the asked nodes serve the lookup.
    let before = counts(&nodes).await;
    let direct = alice
        .run(&["name", "lookup", "onionbob", "--direct", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(direct["data"]["source"]["agree"], 3, "{direct}");
    for node in direct["data"]["source"]["nodes"].as_array().expect("nodes") {
        assert!(node["path"].is_null(), "{node}");
    }
    let after = counts(&nodes).await;
    assert!(
        after.iter().zip(&before).all(|(a, b)| a.0 == b.0),
        "{before:?} → {after:?}"
    );
    let looked: u64 = after.iter().zip(&before).map(|(a, b)| a.1 - b.1).sum();
    assert_eq!(looked, 3, "{before:?} → {after:?}");
    Ok(())
}
