use super::*;
use proptest::prelude::*;

const SEED: [u8; 32] = [7u8; 32];
const NOW: u64 = 1_764_000_000_000;

fn parse(v: Value) -> Result<Request, RequestError> {
    Request::from_value(&v)
}

fn err(v: Value) -> String {
    parse(v).unwrap_err().to_string()
}

fn session_hex() -> String {
    account(&SEED).0.to_hex()
}

#[test]
fn top_level_errors_are_the_servers_texts() {
    assert_eq!(
        Request::parse(b"{").unwrap_err().to_string(),
        "invalid json"
    );
    assert_eq!(
        err(json!({"params": {}})),
        "invalid json: no `method` field"
    );
    assert_eq!(
        err(json!({"method": "info"})),
        "invalid json: no `params` field"
    );
    assert_eq!(err(json!({"method": "x", "params": {}})), "no method x");
    assert_eq!(
        err(json!({"method": "retrieve", "params": {}})),
        "invalid request: Required field 'pubkey' missing"
    );
}

#[test]
fn a_session_client_store_parses() {
    // As Session clients send it: strings for timestamp and ttl, no namespace.
    let v = json!({"method": "store", "params": {
        "pubKey": session_hex(), "ttl": "86400000", "timestamp": NOW.to_string(),
        "data": "aGVsbG8=",
    }});
    let Request::One(SubRequest::Store(s)) = parse(v).unwrap() else {
        panic!()
    };
    assert_eq!(s.namespace, Namespace(0));
    assert_eq!(s.expiry, NOW + 86_400_000);
    assert_eq!(s.data, b"hello");
    assert!(s.auth.is_none());
    assert_eq!(s.check(NOW, false), Ok(()));
    assert_eq!(
        s.hash(),
        crate::storage_rpc::message_hash(&s.pubkey, Namespace(0), b"hello")
    );
}

#[test]
fn store_refusals() {
    let pk = session_hex();
    let base = |extra: Value| {
        let mut p = json!({"pubkey": pk, "timestamp": NOW, "ttl": 20_000, "data": "aGk="});
        for (k, v) in extra.as_object().unwrap() {
            p[k] = v.clone();
        }
        json!({"method": "store", "params": p})
    };
    assert!(parse(base(json!({}))).is_ok());
    assert_eq!(
        err(base(json!({"expiry": NOW + 20_000}))),
        "invalid request: Cannot specify both 'expiry' and 'ttl'"
    );
    assert_eq!(
        err(base(json!({"data": "!!"}))),
        "invalid request: Invalid 'data' value: not base64 encoded"
    );
    let big = PADDED.encode(vec![0u8; MAX_MESSAGE_BODY + 3]);
    assert_eq!(
        err(base(json!({ "data": big }))),
        "invalid request: Message body exceeds maximum allowed length of 76800 bytes"
    );
    let max = PADDED.encode(vec![0u8; MAX_MESSAGE_BODY]);
    assert!(parse(base(json!({ "data": max }))).is_ok());
    assert_eq!(
        err(base(json!({"namespace": 40000}))),
        "invalid request: Invalid value given for 'namespace': value out of range"
    );
    assert_eq!(
        err(base(json!({"namespace": "3"}))),
        "invalid request: Invalid value given for 'namespace': expected 16-bit integer"
    );
    assert_eq!(
        err(base(json!({"ttl": "1x"}))),
        "invalid request: Invalid value given for 'ttl': \"1x\""
    );
    assert_eq!(
        err(base(json!({"pubkey": "05ab"}))),
        "invalid request: Pubkey must be 66 hex digits (33 bytes) long"
    );
    assert_eq!(
        err(base(json!({"sig_timestamp": 1_000}))),
        "invalid request: Invalid timestamp for 'sig_timestamp': timestamp must be in milliseconds"
    );
    // a private namespace needs a signature: 401
    let Request::One(SubRequest::Store(s)) = parse(base(json!({"namespace": 3}))).unwrap() else {
        panic!()
    };
    let e = s.check(NOW, false).unwrap_err();
    assert_eq!(
        (e.status(), e.to_string().as_str()),
        (401, "store: signature required to store to namespace 3")
    );
}

#[test]
fn signed_private_stores_verify_and_round_trip() {
    let recipient = account(&SEED).0;
    let store = Store::new(
        recipient,
        Namespace(3),
        b"cfg".to_vec(),
        NOW,
        30 * 86_400_000,
    )
    .signed(&SEED, NOW);
    let json = Request::One(SubRequest::Store(store.clone())).to_json();
    assert_eq!(json["params"]["namespace"], 3);
    let parsed = parse(json).unwrap();
    assert_eq!(parsed, Request::One(SubRequest::Store(store.clone())));
    assert_eq!(store.check(NOW, false), Ok(()));
    // a wrong sig_timestamp in the request: the signature covers another
    let mut tampered = store.clone();
    tampered.auth.as_mut().unwrap().sig_timestamp += 1;
    assert_eq!(tampered.check(NOW, false).unwrap_err().status(), 401);
    // the clock window
    assert_eq!(store.check(NOW + 60_001, false).unwrap_err().status(), 406);
    // another namespace than the one signed
    let mut other_ns = store.clone();
    other_ns.namespace = Namespace(5);
    assert_eq!(other_ns.check(NOW, false).unwrap_err().status(), 401);
}

#[test]
fn retrieves_sign_and_verify() {
    for ns in [Namespace(0), Namespace(-10), Namespace(2)] {
        let r = Retrieve::signed(&SEED, ns, NOW, None);
        let back = parse(Request::One(SubRequest::Retrieve(r.clone())).to_json()).unwrap();
        assert_eq!(back, Request::One(SubRequest::Retrieve(r.clone())));
        assert_eq!(r.check(NOW), Ok(()));
        assert_eq!(r.check(NOW - 60_001).unwrap_err().status(), 406);
        let mut wrong_ts = r.clone();
        wrong_ts.auth.as_mut().unwrap().timestamp += 1;
        let e = wrong_ts.check(NOW).unwrap_err();
        assert_eq!(
            (e.status(), e.to_string().as_str()),
            (401, "retrieve signature verification failed")
        );
        let mut wrong_key = r.clone();
        wrong_key.auth.as_mut().unwrap().pubkey_ed25519 = Some(ed25519_public(&[8u8; 32]));
        assert_eq!(wrong_key.check(NOW).unwrap_err().status(), 401);
    }
    // no signature: only -10 and public outboxes
    let unsigned = json!({"method": "retrieve", "params": {"pubkey": session_hex()}});
    let Request::One(SubRequest::Retrieve(r)) = parse(unsigned).unwrap() else {
        panic!()
    };
    assert_eq!(
        r.check(NOW).unwrap_err().to_string(),
        "retrieve: request signature required"
    );
    let legacy =
        json!({"method": "retrieve", "params": {"pubkey": session_hex(), "namespace": -10}});
    let Request::One(SubRequest::Retrieve(r)) = parse(legacy).unwrap() else {
        panic!()
    };
    assert_eq!(r.check(NOW), Ok(()));
    // an explicit namespace 0 requires the signature at parse time, as the server does
    let explicit =
        json!({"method": "retrieve", "params": {"pubkey": session_hex(), "namespace": 0}});
    assert_eq!(
        err(explicit),
        "invalid request: Required field 'signature' missing"
    );
    let bad_hash =
        json!({"method": "retrieve", "params": {"pubkey": session_hex(), "last_hash": "abc"}});
    assert_eq!(
        err(bad_hash),
        "invalid request: Invalid last_hash: expected base64 (43 chars)"
    );
}

#[test]
fn retrieve_limits() {
    let mut r = Retrieve::signed(&SEED, Namespace(0), NOW, None);
    assert_eq!(r.effective_max_size(), 1_560_000);
    r.max_size = Some(-1);
    assert_eq!(r.effective_max_size(), 7_800_000);
    r.max_size = Some(10);
    assert_eq!(r.effective_max_size(), 10);
    r.max_size = None;
    r.max_count = Some(3);
    assert_eq!(r.effective_max_size(), 7_800_000);
}

#[test]
fn delete_delete_all_expire_get_expiries() {
    let h = message_hash_of(b"x");
    let d = Delete::signed(&SEED, vec![h.clone()]);
    assert_eq!(
        parse(SubRequest::Delete(d.clone()).to_json()).unwrap(),
        Request::One(SubRequest::Delete(d.clone()))
    );
    assert_eq!(d.check(), Ok(()));
    let mut other = d.clone();
    other.messages = vec![message_hash_of(b"y")];
    assert_eq!(
        other.check().unwrap_err().to_string(),
        "delete_msgs signature verification failed"
    );

    for ns in [
        NamespaceSelector::All,
        NamespaceSelector::One(Namespace(0)),
        NamespaceSelector::One(Namespace(-7)),
    ] {
        let da = DeleteAll::signed(&SEED, ns, NOW);
        assert_eq!(
            parse(SubRequest::DeleteAll(da.clone()).to_json()).unwrap(),
            Request::One(SubRequest::DeleteAll(da.clone()))
        );
        assert_eq!(da.check(NOW, false), Ok(()));
        assert_eq!(da.check(NOW + 65_000, false).unwrap_err().status(), 406);
        assert_eq!(da.check(NOW + 65_000, true), Ok(()));
    }

    let e = Expire::signed(&SEED, vec![h.clone()], vec![NOW + 1000], ExpireMode::Extend);
    assert_eq!(
        parse(SubRequest::Expire(e.clone()).to_json()).unwrap(),
        Request::One(SubRequest::Expire(e.clone()))
    );
    assert_eq!(e.check(NOW), Ok(()));
    assert_eq!(e.check(NOW + 62_000).unwrap_err().status(), 401);
    assert_eq!(e.applied_expiries(NOW), vec![NOW + 1000]);
    let mut shorten = e.clone();
    shorten.mode = ExpireMode::Shorten;
    assert_eq!(shorten.check(NOW).unwrap_err().status(), 401);

    let g = GetExpiries::signed(&SEED, vec![h.to_string()], NOW);
    assert_eq!(
        parse(SubRequest::GetExpiries(g.clone()).to_json()).unwrap(),
        Request::One(SubRequest::GetExpiries(g.clone()))
    );
    assert_eq!(g.check(NOW), Ok(()));
    assert_eq!(g.check(NOW + 60_001).unwrap_err().status(), 406);

    let both = json!({"method": "expire", "params": {
        "pubkey": session_hex(), "messages": [h.as_str()], "expiry": NOW,
        "shorten": true, "extend": true, "signature": PADDED.encode([0u8; 64])}});
    assert_eq!(
        err(both),
        "invalid request: cannot specify both 'shorten' and 'extend'"
    );
    let empty = json!({"method": "delete", "params": {
        "pubkey": session_hex(), "messages": [], "signature": PADDED.encode([0u8; 64])}});
    assert_eq!(
        err(empty),
        "invalid request: messages does not contain any message hashes"
    );
    let short_sig = json!({"method": "delete", "params": {
        "pubkey": session_hex(), "messages": [h.as_str()], "signature": "AAAA"}});
    assert_eq!(
        err(short_sig),
        "invalid request: invalid signature: expected base64 encoded Ed25519 signature"
    );
}

fn message_hash_of(data: &[u8]) -> MessageHash {
    crate::storage_rpc::message_hash(&account(&SEED).0, Namespace(0), data)
}

#[test]
fn batches_and_oxend() {
    let info = json!({"method": "info", "params": {}});
    let b = json!({"method": "batch", "params": {"requests": [info.clone(), info.clone()]}});
    assert_eq!(
        parse(b).unwrap(),
        Request::Batch(vec![SubRequest::Info, SubRequest::Info])
    );
    let many: Vec<Value> = (0..21).map(|_| info.clone()).collect();
    assert_eq!(
        err(json!({"method": "sequence", "params": {"requests": many}})),
        "invalid request: Invalid batch request: subrequest limit exceeded"
    );
    assert_eq!(
        err(json!({"method": "batch", "params": {"requests": []}})),
        "invalid request: Invalid batch request: no valid \"requests\" field"
    );
    let nested =
        json!({"method": "batch", "params": {"requests": [{"method": "batch", "params": {}}]}});
    assert_eq!(
        err(nested),
        "invalid request: Invalid batch subrequest: subrequests may not contain meta-requests"
    );
    let unknown =
        json!({"method": "batch", "params": {"requests": [{"method": "nope", "params": {}}]}});
    assert_eq!(
        err(unknown),
        "invalid request: Invalid batch subrequest: invalid method \"nope\""
    );
    let seq = Request::Sequence(vec![
        SubRequest::Info,
        SubRequest::GetSwarm(account(&SEED).0),
    ]);
    assert_eq!(parse(seq.to_json()).unwrap(), seq);

    let ons = json!({"method": "oxend_request", "params": {"endpoint": "ons_resolve",
        "params": {"type": 0, "name_hash": "abc"}}});
    let Request::One(SubRequest::OxendRequest(o)) = parse(ons.clone()).unwrap() else {
        panic!()
    };
    assert_eq!(o.endpoint, OxendEndpoint::OnsResolve);
    assert_eq!(SubRequest::OxendRequest(o).to_json(), ons);
    assert_eq!(
        err(json!({"method": "oxend_request", "params": {"endpoint": "get_info"}})),
        "invalid request: Invalid oxend endpoint 'get_info'"
    );
    let gs = json!({"method": "get_snodes_for_pubkey", "params": {"pubKey": session_hex()}});
    assert_eq!(
        parse(gs).unwrap(),
        Request::One(SubRequest::GetSwarm(account(&SEED).0))
    );
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,90}".prop_map(Value::from),
        "[0-9a-fA-F]{64,66}".prop_map(Value::from),
        "[A-Za-z0-9+/]{43,88}={0,2}".prop_map(Value::from),
        Just(Value::from("all")),
    ];
    leaf.prop_recursive(3, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(field_name(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "pubkey",
            "pubKey",
            "pubkey_ed25519",
            "signature",
            "timestamp",
            "sig_timestamp",
            "namespace",
            "ttl",
            "expiry",
            "data",
            "last_hash",
            "lastHash",
            "max_count",
            "max_size",
            "messages",
            "required",
            "shorten",
            "extend",
            "subaccount",
            "subaccount_sig",
            "endpoint",
            "params",
            "requests",
            "method",
        ])
        .prop_map(str::to_owned),
        "[a-z_]{1,8}",
    ]
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = Request::parse(&bytes);
    }

    #[test]
    fn arbitrary_params_never_panic(
        method in prop::sample::select(METHODS.to_vec()),
        params in arb_json(),
        now in any::<u64>(),
    ) {
        let body = json!({"method": method, "params": params});
        if let Ok(request) = Request::from_value(&body) {
            // what parses also writes back and checks without panicking
            let subs = match &request {
                Request::One(r) => vec![r.clone()],
                Request::Batch(rs) | Request::Sequence(rs) => rs.clone(),
            };
            for sub in subs {
                let _ = sub.to_json();
                match sub {
                    SubRequest::Store(s) => { let _ = s.check(now, false); let _ = s.hash(); }
                    SubRequest::Retrieve(r) => { let _ = r.check(now); let _ = r.effective_max_size(); }
                    SubRequest::Delete(d) => { let _ = d.check(); }
                    SubRequest::DeleteAll(d) => { let _ = d.check(now, true); }
                    SubRequest::Expire(e) => { let _ = e.check(now); let _ = e.applied_expiries(now); }
                    SubRequest::GetExpiries(g) => { let _ = g.check(now); }
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn signed_requests_round_trip(ns in any::<i16>(), ts in 1_000_000_000u64..4_000_000_000_000, data in prop::collection::vec(any::<u8>(), 0..200)) {
        let store = Store::new(account(&SEED).0, Namespace(ns), data, ts, 20_000).signed(&SEED, ts);
        let request = Request::One(SubRequest::Store(store));
        prop_assert_eq!(Request::from_value(&request.to_json()).unwrap(), request);
        let retrieve = Request::One(SubRequest::Retrieve(Retrieve::signed(&SEED, Namespace(ns), ts, None)));
        prop_assert_eq!(Request::from_value(&retrieve.to_json()).unwrap(), retrieve);
    }
}

/// Computed outside our code: Python's `cryptography` (Ed25519, RFC 8032,
/// deterministic) signed the server's strings with the seed `07 × 32`, and
/// the Session ID is `05 ‖ u` with `u = (1 + y) / (1 − y) mod 2²⁵⁵ − 19` of
/// the Ed25519 key, by hand.
#[test]
fn independent_signature_vectors() {
    let ed = "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c";
    let session = "05761d88ec830413919dfe9d4d1d56f17e653c8c994082df5b137b90a0ae6edf74";
    assert_eq!(hex::encode(ed25519_public(&SEED)), ed);
    assert_eq!(session_hex(), session);
    let ts = 1_764_000_000_000u64;
    for (ns, sig) in [
        (
            0,
            "qqyH4yvJjg2lzFOfYd0iv5PES5cjZhefQLKXruAKQoUnQeK9MBTyA/GcxJLaZ5grF7hppzDZ+thppka5mAdIAg==",
        ),
        (
            -10,
            "pUIxeRsBWqKzhoIcSfAgXhYgISo3wgeX+0XhnmmOfzyq2Yy3cMnfR1F5hrOEJqEHEwqPaSsNl3yB7vUjRaQzBg==",
        ),
        (
            42,
            "hTQaelNvAUAWFQG2xE5Ovn+u58GnHwr58N8Z3B0Q6HnbFrq0Cdu4TjXXabH1QXhTjOT6w/Cleae7FzvSImOSDw==",
        ),
    ] {
        let mut params =
            json!({"pubkey": session, "pubkey_ed25519": ed, "timestamp": ts, "signature": sig});
        if ns != 0 {
            params["namespace"] = json!(ns);
        }
        let Request::One(SubRequest::Retrieve(r)) =
            parse(json!({"method": "retrieve", "params": params})).unwrap()
        else {
            panic!()
        };
        assert_eq!(r.check(ts), Ok(()), "namespace {ns}");
        let ours = Retrieve::signed(&SEED, Namespace(ns), ts, None);
        assert_eq!(PADDED.encode(ours.auth.unwrap().signature), sig);
    }
    let store =
        Store::new(account(&SEED).0, Namespace(3), b"x".to_vec(), ts, 60_000).signed(&SEED, ts);
    assert_eq!(
        PADDED.encode(store.auth.unwrap().signature),
        "SY/sx4QKqWTPBOikP6DZBwNP1IBBiPZsBjRuOWfSlIo0uT2Lb3/WXnzYXf46iMdbSJiSqpAjB26o1n7LdOO0BA=="
    );
}

#[test]
fn a_backdated_store_is_taken_but_kept_at_most_a_minute_before_it_arrived() {
    let recipient = account(&SEED).0;
    let day = 86_400_000;
    // Dated a day back with 30 days to live: taken for a premium recipient (premium at
    // arrival, as the node decides it), as the storage server takes it...
    let backdated = Store::new(recipient, Namespace(0), b"x".to_vec(), NOW - day, 30 * day);
    assert_eq!(backdated.check(NOW, true), Ok(()));
    // ...and kept a minute before it arrived, with the expiry it asked for.
    assert_eq!(backdated.kept_timestamp(NOW), NOW - SIGNATURE_TOLERANCE_MS);
    assert_eq!(backdated.expiry, NOW - day + 30 * day);
    // Without premium at arrival the TTL is 14 days, whatever the store's date.
    assert_eq!(backdated.check(NOW, false).unwrap_err().status(), 403);
    // Stores dated within the minute, or a little ahead, keep their own time.
    for timestamp in [NOW - SIGNATURE_TOLERANCE_MS, NOW - 30_000, NOW, NOW + 5_000] {
        let store = Store::new(recipient, Namespace(0), b"x".to_vec(), timestamp, day);
        assert_eq!(store.kept_timestamp(NOW), timestamp);
    }
}
