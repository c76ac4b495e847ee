//! Known answers computed by libsodium (its official JavaScript build,
//! `libsodium-wrappers-sumo` from npm) with `scripts/libsodium.mjs` and committed
//! under `core/tests/vectors/`. These need no Node.js: they pin the bytes that
//! sesh-core must produce and accept. Regenerate (and check that the committed
//! files are current) with `node scripts/libsodium.mjs vectors [--check]`.

use serde_json::Value;
use sesh_core::SessionId;
use sesh_core::envelope::{self, EnvelopeError, RetrieveAuthError};
use sesh_core::ons::{self, NameHash};

fn load(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn s(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"))
}

fn raw(value: &Value) -> Vec<u8> {
    hex::decode(s(value)).unwrap()
}

fn arr<const N: usize>(value: &Value) -> [u8; N] {
    raw(value).try_into().unwrap()
}

fn list<'a>(doc: &'a Value, key: &str) -> &'a Vec<Value> {
    let items = doc[key].as_array().unwrap();
    assert!(!items.is_empty(), "no vectors under {key}");
    items
}

#[test]
fn key_conversions_match_libsodium() {
    let doc = load("keys.json");
    for case in list(&doc, "valid") {
        let seed: [u8; 32] = arr(&case["ed25519_seed"]);
        let ed_pk: [u8; 32] = arr(&case["ed25519_pk"]);
        assert_eq!(envelope::ed25519_public(&seed), ed_pk);
        assert_eq!(
            envelope::ed25519_pk_to_x25519(&ed_pk).unwrap(),
            arr::<32>(&case["x25519_pk"])
        );
        let secret = envelope::ed25519_seed_to_x25519_secret(&seed);
        assert_eq!(*secret, arr::<32>(&case["x25519_sk"]));
        assert_eq!(
            envelope::x25519_public(&secret),
            arr::<32>(&case["x25519_pk"])
        );
        let id = SessionId::parse(s(&case["session_id"])).unwrap();
        assert_eq!(envelope::session_id_from_seed(&seed), id);
        assert_eq!(envelope::session_id_from_ed25519(&ed_pk).unwrap(), id);
    }
}

#[test]
fn refuses_the_keys_libsodium_refuses() {
    let doc = load("keys.json");
    for case in list(&doc, "rejected") {
        let pk: [u8; 32] = arr(&case["ed25519_pk"]);
        assert_eq!(
            envelope::ed25519_pk_to_x25519(&pk),
            Err(envelope::InvalidEd25519Key),
            "{}",
            case["why"]
        );
        assert!(envelope::session_id_from_ed25519(&pk).is_err());
    }
}

#[test]
fn retrieve_signatures_match_libsodium() {
    let doc = load("signatures.json");
    for case in list(&doc, "retrieve") {
        let seed: [u8; 32] = arr(&case["ed25519_seed"]);
        let namespace = i16::try_from(case["namespace"].as_i64().unwrap()).unwrap();
        let timestamp = case["timestamp_ms"].as_u64().unwrap();
        let message = envelope::retrieve_auth_message(namespace, timestamp);
        assert_eq!(message, s(&case["message_ascii"]).as_bytes());
        let signature: [u8; 64] = arr(&case["signature"]);
        assert_eq!(
            envelope::sign_retrieve(&seed, namespace, timestamp),
            signature
        );
        let mailbox = SessionId::parse(s(&case["session_id"])).unwrap();
        let pk: [u8; 32] = arr(&case["ed25519_pk"]);
        assert_eq!(
            envelope::verify_retrieve(&mailbox, &pk, namespace, timestamp, &signature, timestamp),
            Ok(())
        );
        let mut forged = signature;
        forged[10] ^= 4;
        assert_eq!(
            envelope::verify_retrieve(&mailbox, &pk, namespace, timestamp, &forged, timestamp),
            Err(RetrieveAuthError::BadSignature)
        );
    }
}

#[test]
fn ed25519_signatures_match_libsodium() {
    // The envelope's signatures are ed25519-dalek's; libsodium's are the same
    // deterministic RFC 8032 signatures, and the envelope vectors carry them too.
    let doc = load("envelope.json");
    for case in list(&doc, "cases") {
        let plaintext = raw(&case["plaintext"]);
        let sender: [u8; 32] = arr(&case["sender_ed25519_pk"]);
        let recipient = SessionId::parse(s(&case["recipient_session_id"])).unwrap();
        let input = envelope::signature_input(&plaintext, &sender, &recipient);
        assert_eq!(input, raw(&case["signature_input"]));
    }
    let sigs = load("signatures.json");
    for case in list(&sigs, "signatures") {
        let seed: [u8; 32] = arr(&case["ed25519_seed"]);
        let message = raw(&case["message"]);
        // sign_retrieve signs retrieve bytes only; sign the raw message with dalek directly.
        let signature =
            ed25519_dalek::Signer::sign(&ed25519_dalek::SigningKey::from_bytes(&seed), &message);
        assert_eq!(signature.to_bytes(), arr::<64>(&case["signature"]));
    }
}

#[test]
fn opens_envelopes_sealed_by_libsodium() {
    let doc = load("envelope.json");
    for case in list(&doc, "cases") {
        let opened = envelope::open(
            &raw(&case["envelope"]),
            &arr(&case["recipient_ed25519_seed"]),
        )
        .unwrap();
        assert_eq!(opened.plaintext, raw(&case["plaintext"]));
        assert_eq!(opened.sender.to_string(), s(&case["sender_session_id"]));
        assert_eq!(opened.sender_ed25519, arr::<32>(&case["sender_ed25519_pk"]));
    }
    // An ephemeral key outside the prime-order subgroup: libsodium opens it, so must we.
    for case in list(&doc, "open_only") {
        let opened = envelope::open(
            &raw(&case["envelope"]),
            &arr(&case["recipient_ed25519_seed"]),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", case["why"]));
        assert_eq!(opened.plaintext, raw(&case["plaintext"]));
        assert_eq!(opened.sender.to_string(), s(&case["sender_session_id"]));
    }
}

#[test]
fn refuses_the_envelopes_it_must_refuse() {
    let doc = load("envelope.json");
    for case in list(&doc, "invalid") {
        let envelope = raw(&case["envelope"]);
        let result = envelope::open(&envelope, &arr(&case["recipient_ed25519_seed"]));
        let expected = match s(&case["error"]) {
            "bad_signature" => EnvelopeError::BadSignature,
            "too_short" => EnvelopeError::TooShort {
                len: envelope.len(),
            },
            "unseal" => EnvelopeError::Unseal,
            other => panic!("unknown error {other}"),
        };
        assert_eq!(result, Err(expected), "{}", case["why"]);
    }
}

#[test]
fn message_hashes_match() {
    let doc = load("envelope.json");
    for case in list(&doc, "message_hashes") {
        let recipient = SessionId::parse(s(&case["recipient_session_id"])).unwrap();
        let namespace = i16::try_from(case["namespace"].as_i64().unwrap()).unwrap();
        let hash = envelope::message_hash(&recipient, namespace, &raw(&case["data"]));
        assert_eq!(hash.to_string(), s(&case["message_hash"]));
        assert_eq!(
            s(&case["message_hash"])
                .parse::<envelope::MessageHash>()
                .unwrap(),
            hash
        );
    }
}

#[test]
fn ons_matches_libsodium() {
    let doc = load("ons.json");
    for case in list(&doc, "cases") {
        let name = s(&case["name"]);
        let hash: [u8; 32] = arr(&case["name_hash"]);
        assert_eq!(ons::name_hash(name), hash, "{name}");
        assert_eq!(ons::value_key(name), arr::<32>(&case["key"]), "{name}");
        assert_eq!(NameHash::parse(s(&case["name_hash"])).unwrap().0, hash);
        assert_eq!(
            NameHash::parse(s(&case["name_hash_base64"])).unwrap().0,
            hash
        );
        assert_eq!(NameHash::of(name).to_base64(), s(&case["name_hash_base64"]));
        let id = SessionId::parse(s(&case["session_id"])).unwrap();
        let nonce: [u8; 24] = arr(&case["nonce"]);
        let encrypted = ons::encrypt_session_id(name, &id, &nonce);
        assert_eq!(
            hex::encode(encrypted),
            s(&case["encrypted_value"]),
            "{name}"
        );
        assert_eq!(ons::decrypt(name, &encrypted, &nonce), Ok(id));
    }
}

#[test]
fn reverse_consents_match_libsodium() {
    use alloy::primitives::{Address, B256, U256};
    use sesh_core::keys::SessionKeys;
    use sesh_core::reverse_consent::{self, Consent, ConsentError};

    let doc = load("reverse_consent.json");
    let cases = list(&doc, "cases");
    let mut consents = Vec::new();
    for case in cases {
        let keys = SessionKeys::from_seed(&arr(&case["ed25519_seed"]));
        assert_eq!(
            keys.ed25519_public().to_bytes(),
            arr::<32>(&case["ed25519_pk"])
        );
        assert_eq!(
            keys.session_id(),
            SessionId::parse(s(&case["session_id"])).unwrap()
        );
        let chain_id = case["chain_id"].as_u64().unwrap();
        let registry: Address = s(&case["registry"]).parse().unwrap();
        let token_id = U256::from_be_bytes(s(&case["token_id"]).parse::<B256>().unwrap().0);
        if let Some(name) = case["name"].as_str() {
            assert_eq!(sesh_core::Name::parse(name).unwrap().token_id(), token_id);
        }
        let owner: Address = s(&case["owner"]).parse().unwrap();
        let nonce = case["nonce"].as_u64().unwrap();
        assert_eq!(
            reverse_consent::message(chain_id, registry, token_id, owner, nonce).to_vec(),
            raw(&case["message"])
        );
        let consent = Consent::sign(&keys, chain_id, registry, token_id, owner, nonce);
        assert_eq!(consent.proof.signature, arr::<64>(&case["signature"]));
        assert_eq!(consent.check(chain_id, registry), Ok(()));
        assert_eq!(consent.is_none(), case["name"].is_null());
        consents.push((consent, chain_id, registry));
    }
    // The first two differ only in the chain (Arbitrum One, Arbitrum Sepolia): each refused on
    // the other's chain, and on another registry.
    let (one, one_chain, registry) = consents[0];
    let (sepolia, sepolia_chain, _) = consents[1];
    assert!(matches!(
        one.check(sepolia_chain, registry),
        Err(ConsentError::BadSignature { .. })
    ));
    assert!(matches!(
        sepolia.check(one_chain, registry),
        Err(ConsentError::BadSignature { .. })
    ));
    assert!(matches!(
        one.check(one_chain, consents[2].2),
        Err(ConsentError::BadSignature { .. })
    ));
}
