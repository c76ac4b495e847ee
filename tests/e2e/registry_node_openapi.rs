//! The node accepts what docs/openapi.yaml describes and refuses the rest (what
//! `just fuzz-api` checks at scale): a body that is not the documented JSON object is
//! refused with our error body (on `/storage_rpc/v1`, with the storage server's plain
//! text), and the document's name pattern is the name rule.

use sesh_core::Name;
use sesh_e2e::node::NodeTestbed;

/// The pattern docs/openapi.yaml gives a name in a path (the `name` parameter).
const NAME_PATTERN: &str = "^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}[A-Za-z0-9_])?$";

/// [`NAME_PATTERN`] by hand: 1-64 of A-Z a-z 0-9 _ -, not starting or ending with '-'.
fn matches_name_pattern(input: &str) -> bool {
    let bytes = input.as_bytes();
    let inner = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-';
    (1..=64).contains(&bytes.len())
        && bytes.iter().all(inner)
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

#[test]
fn the_documented_name_pattern_is_the_name_rule() {
    let document =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.yaml"))
            .expect("docs/openapi.yaml");
    let line = |start: &str| {
        document
            .lines()
            .find(|line| line.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no line starting {start:?} in docs/openapi.yaml"))
    };
    let parameter = line("name: { name: name, in: path");
    assert!(
        parameter.contains("schema: { $ref: '#/components/schemas/NameInput' }"),
        "the name parameter is not a NameInput: {parameter}"
    );
    let schema = line("NameInput:");
    assert!(
        schema.contains(&format!("pattern: '{NAME_PATTERN}'")),
        "NameInput does not give the name rule's pattern: {schema}"
    );
    let long = "a".repeat(64);
    let too_long = "a".repeat(65);
    for input in [
        "alice",
        "Alice",
        "ALICE",
        "a",
        "_",
        "0",
        "a-b",
        "a_",
        "_-_",
        long.as_str(),
        too_long.as_str(),
        "",
        "-",
        "-a",
        "a-",
        "al ice",
        "alice\n",
        "é",
        "K", // KELVIN SIGN: lowercases to 'k' in Unicode, not in the name rule
        "a/b",
        "a.b",
    ] {
        assert_eq!(
            matches_name_pattern(input),
            Name::parse(input).is_ok(),
            "the document and the node disagree on {input:?}"
        );
    }
}

#[tokio::test]
async fn a_body_that_is_not_the_documented_object_is_refused_with_our_error_body()
-> eyre::Result<()> {
    let bed = NodeTestbed::new();
    let node = bed.start_node();
    node.wait_indexed(0, std::time::Duration::from_secs(20))
        .await;

    let session_id = format!("05{}", "ab".repeat(32));
    let hash = "e11d814979372c883b50bdb0ffadb1eaf0898bf54fd4fbf298af126fbabbda4c";
    // Each array is what serde would read as the struct's fields in order.
    let cases = [
        ("/v1/names/batch".to_string(), r#"[["alice"]]"#.to_string()),
        ("/v1/ons".to_string(), format!(r#"[0, "{hash}"]"#)),
        ("/v1/names/batch".to_string(), "\"alice\"".to_string()),
        ("/v1/names/batch".to_string(), "null".to_string()),
        ("/v1/names/batch".to_string(), "7".to_string()),
    ];
    for (path, body) in cases {
        let (status, answer) = node.post(&path, body.clone()).await;
        assert_eq!(status, 400, "POST {path} {body}: {answer}");
        assert!(
            answer["errors"][0]["detail"]
                .as_str()
                .is_some_and(|detail| detail.contains("JSON object")),
            "POST {path} {body}: {answer}"
        );
    }
    // The storage protocol refuses what is not {"method", "params"} as the storage server
    // does: 400 with its plain text.
    for body in [
        format!(r#"["store", {{"pubkey": "{session_id}"}}]"#),
        r#"{"method": "store"}"#.to_string(),
        r#"{"method": "nope", "params": {}}"#.to_string(),
    ] {
        let response = sesh_e2e::node::http()
            .post(format!("{}/storage_rpc/v1", node.url))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await?;
        assert_eq!(response.status().as_u16(), 400, "{body}");
        assert!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/plain")),
            "{body}"
        );
        assert!(!response.text().await?.is_empty(), "{body}");
    }
    // Schema-valid: an uppercase Session ID.
    let upper = format!("05{}", "AB".repeat(32));
    let (status, answer) = node.get(&format!("/v1/reverse/{upper}")).await;
    assert_eq!(status, 200, "{answer}");
    // Schema-violating: refused.
    for path in [
        "/v1/listings?min_price=".to_string(),
        format!("/v1/listings?max_price={}", "9".repeat(78)),
        format!("/v1/reverse/0x{session_id}"),
        format!("/v1/reverse/%20{session_id}"),
        format!("/v1/premium/05{}", "00".repeat(32)),
    ] {
        let (status, answer) = node.get(&path).await;
        assert_eq!(status, 400, "GET {path}: {answer}");
        assert!(answer["errors"][0]["detail"].is_string(), "{answer}");
    }
    // The documented object is still read.
    let (status, answer) = node.post("/v1/names/batch", r#"{"names":["Alice"]}"#).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["results"][0]["query"], "Alice");
    Ok(())
}
