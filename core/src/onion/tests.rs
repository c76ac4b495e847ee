//! libsession-util's onion vectors (`tests/test_onionreq.cpp`), round trips over paths, and
//! arbitrary bytes into every reader.

use super::cipher::{HopKey, Side, nonce_len};
use super::layer::{self, Incoming};
use super::*;
use proptest::prelude::*;

fn hex32(text: &str) -> [u8; 32] {
    hex::decode(text).unwrap().try_into().unwrap()
}

/// "Onion request encryption": the node (secret `b`, public `B`) opens what the client `A`
/// sealed with each cipher, refuses the altered copies, and sealing again under the vector's
/// own nonce gives the vector byte for byte.
#[test]
fn libsession_encryption_vectors() {
    let a_pub = hex32("bbdfc83022d0aff084a6f0c529a93d1c4d728bf7e41199afed0e01ae70d20540");
    let b_pub = hex32("caea52c5b0c316d85ffb53ea536826618b13dee40685f166f632653114526a78");
    let b = hex32("8fcd8ad3a15c76f76f1c56dff0c529999f8c59b4acda79e05666e54d5727dca1");
    let enc_gcm = hex::decode(
        "1eb6ae1cd72f60999486365749bd5dc15cc0b6a2a44d7d063daa5e93722f0c025fd00306403b61",
    )
    .unwrap();
    let enc_gcm_broken1 = hex::decode(
        "1eb6ae1cd72f60999486365759bd5dc15cc0b6a2a44d7d063daa5e93722f0c025fd00306403b61",
    )
    .unwrap();
    let enc_gcm_broken2 = hex::decode(
        "1eb6ae1cd72f60999486365749bd5dc15cc0b6a2a44d7d063daa5e93722f0c025fd00306403b69",
    )
    .unwrap();
    let enc_xchacha20 = hex::decode(
        "9e1a3abe60eff3ea5c23556cc7e225b6f94355315f7281f66ecf4dbb06e7899a52b863e03cde3b28\
         7d1638d765db75de02b032",
    )
    .unwrap();
    let enc_xchacha20_broken1 = hex::decode(
        "9e1a3abe60eff3ea5c23556cc7e225b6f94355315f7281f66ecf4dbb06e7899a52b863e03cde3b28\
         7d1638d765db75de02b033",
    )
    .unwrap();
    let enc_xchacha20_broken2 = hex::decode(
        "9e1a3abe60eff3ea5c23556ccfe225b6f94355315f7281f66ecf4dbb06e7899a52b863e03cde3b28\
         7d1638d765db75de02b032",
    )
    .unwrap();

    let node = NodeOnionKey::from_x25519_secret(b);
    assert_eq!(node.public(), b_pub);
    let gcm = node.hop_key(EncType::AesGcm, &a_pub).unwrap();
    let xchacha = node.hop_key(EncType::XChaCha20, &a_pub).unwrap();
    assert_eq!(gcm.open(&enc_gcm).unwrap(), b"Hello world");
    assert_eq!(xchacha.open(&enc_xchacha20).unwrap(), b"Hello world");
    for broken in [&enc_xchacha20_broken1, &enc_xchacha20_broken2] {
        assert!(matches!(
            gcm.open(broken),
            Err(OnionError::Undecryptable { .. })
        ));
        assert!(matches!(
            xchacha.open(broken),
            Err(OnionError::Undecryptable { .. })
        ));
    }
    for broken in [&enc_gcm_broken1, &enc_gcm_broken2] {
        assert!(gcm.open(broken).is_err());
    }
    let again = gcm.seal_with_nonce(&enc_gcm[..12], b"Hello world").unwrap();
    assert_eq!(again, enc_gcm);
    let again = xchacha
        .seal_with_nonce(&enc_xchacha20[..24], b"Hello world")
        .unwrap();
    assert_eq!(again, enc_xchacha20);
}

/// "Onion request parser": the node reads the framed layer (`[N][ct]{"enc_type",
/// "ephemeral_key"}`), opens "Hello world", and its reply ("Goodbye world", 12 + 13 + 16 and
/// 24 + 13 + 16 bytes) opens with the client's key `a`.
#[test]
fn libsession_parser_vectors() {
    let a_pub = hex32("8167e97672005c669a48858c69895f395ca235219ac3f7a4210022b1f910e652");
    let a = hex32("d2ee09e1a557a077d385fcb69a11ffb6909ecdcc8348def3e0e4172c8a1431c1");
    let b_pub = hex32("8388de69bc0d4b6196133233ad9a46ba0473474bc67718aad96a3a33c257f726");
    let b = hex32("2f4d1c0d28e137777ec0a316e9f4f763e3e66662a6c51994c6315c9ef34b6deb");
    let enc_gcm = hex::decode(
        "270000009525d587d188c92a966eef0e7162bef99a6171a124575b998072a8ee7eb265e0b6f0930ed96504\
         7b22656e635f74797065223a20226165732d67636d222c2022657068656d6572616c5f6b6579223a202238\
         31363765393736373230303563363639613438383538633639383935663339356361323335323139616333\
         6637613432313030323262316639313065363532227d",
    )
    .unwrap();
    let enc_xchacha20 = hex::decode(
        "33000000e440bc244ddcafd947b86fc5a964aa58de54a6d75cc0f0f3840db14b6c1176a8e2e0a04d5fbdf9\
         8f23adee1edc8362ab99b10b7b22656e635f74797065223a2022786368616368613230222c202265706865\
         6d6572616c5f6b6579223a2022383136376539373637323030356336363961343838353863363938393566\
         33393563613233353231396163336637613432313030323262316639313065363532227d",
    )
    .unwrap();
    let node = NodeOnionKey::from_x25519_secret(b);
    assert_eq!(node.public(), b_pub);
    assert_eq!(crate::envelope::x25519_public(&a), a_pub);
    for (body, enc, sealed_len) in [
        (&enc_gcm, EncType::AesGcm, 12 + 13 + 16),
        (&enc_xchacha20, EncType::XChaCha20, 24 + 13 + 16),
    ] {
        let incoming = Incoming::parse(body).unwrap();
        assert_eq!(incoming.ephemeral_key, a_pub);
        assert_eq!(incoming.enc, enc);
        assert_eq!(incoming.hop_no, 0);
        let peeled = node.peel(body).unwrap();
        assert_eq!(peeled.plaintext(), b"Hello world");
        let reply = peeled.reply().seal_bytes(b"Goodbye world", false).unwrap();
        assert_eq!(reply.len(), sealed_len);
        let client = ResponseKey::new(enc, &a, &a_pub, &b_pub).unwrap();
        assert_eq!(client.open_bytes(&reply).unwrap(), b"Goodbye world");
        // The same reply as base64, as the storage server sends it by default.
        let reply = peeled.reply().seal_bytes(b"Goodbye world", true).unwrap();
        assert_eq!(client.open_bytes(&reply).unwrap(), b"Goodbye world");
    }
}

/// Three nodes with keys from Ed25519 seeds, as registry nodes derive them.
fn three_nodes() -> (Vec<NodeOnionKey>, Vec<Hop>) {
    let seeds = [[1u8; 32], [2u8; 32], [3u8; 32]];
    let keys: Vec<NodeOnionKey> = seeds.iter().map(NodeOnionKey::from_ed25519_seed).collect();
    let hops = seeds
        .iter()
        .map(|seed| Hop::from_ed25519(crate::envelope::ed25519_public(seed)).unwrap())
        .collect();
    (keys, hops)
}

/// Carries `body` along the path as nodes would: each peels its layer and hands the rest to
/// the destination it names; returns the final request, its hop number and reply key.
fn walk(keys: &[NodeOnionKey], hops: &[Hop], mut body: Vec<u8>) -> (FinalRequest, Peeled, usize) {
    let mut at = 0;
    loop {
        let peeled = keys[at].peel(&body).unwrap();
        match peeled.route().unwrap() {
            Route::Relay(relay) => {
                let next = hops
                    .iter()
                    .position(|hop| hop.ed25519 == relay.destination)
                    .expect("the next hop is on the path");
                assert_eq!(next, at + 1, "layers go along the path in order");
                body = relay.body;
                at = next;
            }
            Route::Final(request) => return (request, peeled, at),
        }
    }
}

#[test]
fn round_trip_over_three_hops_with_each_cipher() {
    let (keys, hops) = three_nodes();
    for enc in [EncType::AesGcm, EncType::XChaCha20] {
        let request = br#"{"method":"info","params":{}}"#;
        let built = build(&hops, request, enc).unwrap();
        let first = Incoming::parse(&built.body).unwrap();
        assert_eq!(first.enc, enc);
        // The first node alone cannot read the request: only its own layer opens.
        assert!(keys[1].peel(&built.body).is_err());
        let (last, peeled, at) = walk(&keys, &hops, built.body);
        assert_eq!(at, 2);
        assert_eq!(last.request, request);
        assert!(!last.json);
        assert!(last.base64);
        let answer = Answer {
            status: 200,
            body: last.answer_body(br#"{"version":[1,0,0]}"#, true),
        };
        let sealed = peeled.reply().seal(&answer, last.base64).unwrap();
        let opened = built.reply.open(&sealed).unwrap();
        assert_eq!(opened, answer);
        assert_eq!(opened.body_bytes(), br#"{"version":[1,0,0]}"#);
        // Another path's key does not open it.
        let other = build(&hops, request, enc).unwrap();
        assert!(other.reply.open(&sealed).is_err());
    }
}

#[test]
fn relays_count_hops_and_refuse_past_the_limit() {
    let (keys, hops) = three_nodes();
    let built = build(&hops, b"{}", EncType::AesGcm).unwrap();
    let Route::Relay(relay) = keys[0].peel(&built.body).unwrap().route().unwrap() else {
        panic!("the first node relays");
    };
    assert_eq!(Incoming::parse(&relay.body).unwrap().hop_no, 1);
    // A layer whose hop number is already at the limit is refused before decrypting.
    let (ciphertext, _) = layer::split(&relay.body).unwrap();
    let eph = Incoming::parse(&relay.body).unwrap().ephemeral_key;
    let late = layer::join(
        ciphertext,
        &layer::header(&eph, EncType::AesGcm, Some(MAX_HOPS)),
    )
    .unwrap();
    assert!(matches!(
        keys[1].peel(&late),
        Err(OnionError::TooManyHops { hops: 16 })
    ));
    let long: Vec<Hop> = (0..=MAX_HOPS).map(|_| hops[0]).collect();
    assert!(matches!(
        build(&long, b"{}", EncType::AesGcm),
        Err(OnionError::TooManyHops { hops: 16 })
    ));
    assert!(build(&long[..MAX_HOPS], b"{}", EncType::AesGcm).is_ok());
    assert!(matches!(
        build(&[], b"{}", EncType::AesGcm),
        Err(OnionError::EmptyPath)
    ));
}

#[test]
fn the_final_layer_reads_the_storage_servers_flags_and_refuses_server_relays() {
    let node = NodeOnionKey::from_ed25519_seed(&[9u8; 32]);
    let client = super::keys::Ephemeral::random().unwrap();
    let seal = |json: &str| {
        let key = client.hop_key(EncType::AesGcm, &node.public()).unwrap();
        let inner = layer::join(b"REQ", json.as_bytes()).unwrap();
        layer::join(
            &key.seal(&inner).unwrap(),
            &layer::header(&client.public, EncType::AesGcm, None),
        )
        .unwrap()
    };
    let route = |json: &str| node.peel(&seal(json)).unwrap().route();
    assert_eq!(
        route(r#"{"headers":"","json":true,"base64":false}"#).unwrap(),
        Route::Final(FinalRequest {
            request: b"REQ".to_vec(),
            json: true,
            base64: false,
        })
    );
    assert!(matches!(
        route(r#"{"host":"example.org","target":"/oxen/v4/lsrpc"}"#),
        Err(OnionError::ServerRelay)
    ));
    assert!(matches!(route(r#"{}"#), Err(OnionError::NoRoute)));
    assert!(matches!(
        route(r#"{"destination":"00"}"#),
        Err(OnionError::BadKey {
            field: "destination"
        })
    ));
    assert!(matches!(
        route(r#"{"headers":"","json":1}"#),
        Err(OnionError::Json(_))
    ));
    assert!(matches!(route("not json"), Err(OnionError::Json(_))));
}

#[test]
fn malformed_layers_get_typed_errors() {
    let node = NodeOnionKey::from_ed25519_seed(&[9u8; 32]);
    assert!(matches!(
        node.peel(b"\x01\x00"),
        Err(OnionError::TooShort { len: 2 })
    ));
    assert!(matches!(
        node.peel(b"\x10\x00\x00\x00abc"),
        Err(OnionError::LengthOverrun {
            declared: 16,
            available: 3
        })
    ));
    assert!(matches!(
        node.peel(b"\x00\x00\x00\x00{]"),
        Err(OnionError::Json(_))
    ));
    assert!(matches!(
        node.peel(b"\x00\x00\x00\x00{\"ephemeral_key\":\"zz\"}"),
        Err(OnionError::BadKey { .. })
    ));
    let key = hex::encode([7u8; 32]);
    let with = |extra: &str| format!("\x00\x00\x00\x00{{\"ephemeral_key\":\"{key}\"{extra}}}");
    assert!(matches!(
        node.peel(with(r#","enc_type":"aes-cbc""#).as_bytes()),
        Err(OnionError::UnknownEncType(_))
    ));
    assert!(matches!(
        node.peel(with(r#","hop_no":"x""#).as_bytes()),
        Err(OnionError::BadHopNumber)
    ));
    assert!(matches!(
        node.peel(with("").as_bytes()),
        Err(OnionError::Undecryptable {
            enc: EncType::AesGcm
        })
    ));
    // The zero key (of small order) gives the zero secret, refused as libsodium does.
    let zero = hex::encode([0u8; 32]);
    let weak = format!("\x00\x00\x00\x00{{\"ephemeral_key\":\"{zero}\"}}");
    assert!(matches!(
        node.peel(weak.as_bytes()),
        Err(OnionError::WeakKey)
    ));
}

#[test]
fn node_keys_follow_the_ed25519_identity() {
    let seed = [5u8; 32];
    let node = NodeOnionKey::from_ed25519_seed(&seed);
    let hop = Hop::from_ed25519(crate::envelope::ed25519_public(&seed)).unwrap();
    assert_eq!(hop.x25519, node.public());
    assert!(matches!(
        Hop::from_ed25519([0u8; 32]),
        Err(OnionError::NodeKey { .. })
    ));
}

#[test]
fn nonce_lengths_are_the_ciphers() {
    assert_eq!(nonce_len(EncType::AesGcm), 12);
    assert_eq!(nonce_len(EncType::XChaCha20), 24);
    let key = HopKey::derive(
        EncType::XChaCha20,
        &[1u8; 32],
        &crate::envelope::x25519_public(&[1u8; 32]),
        &crate::envelope::x25519_public(&[2u8; 32]),
        Side::Client,
    )
    .unwrap();
    assert_eq!(key.seal(b"").unwrap().len(), 24 + 16);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let node = NodeOnionKey::from_ed25519_seed(&[9u8; 32]);
        let _ = layer::split(&bytes);
        let _ = Incoming::parse(&bytes);
        if let Ok(peeled) = node.peel(&bytes) {
            let _ = peeled.route();
        }
        let client = ResponseKey::new(
            EncType::XChaCha20,
            &[1u8; 32],
            &crate::envelope::x25519_public(&[1u8; 32]),
            &node.public(),
        )
        .unwrap();
        prop_assert!(client.open(&bytes).is_err());
    }

    #[test]
    fn arbitrary_json_after_a_length_never_panics(
        ciphertext in proptest::collection::vec(any::<u8>(), 0..64),
        json in "\\{(\"(ephemeral_key|enc_type|hop_no|headers|destination|host)\":(\"[0-9a-f]{0,64}\"|-?[0-9]{1,20}|true|null),?){0,4}\\}",
    ) {
        let node = NodeOnionKey::from_ed25519_seed(&[9u8; 32]);
        let body = layer::join(&ciphertext, json.as_bytes()).unwrap();
        prop_assert!(node.peel(&body).is_err());
    }
}
