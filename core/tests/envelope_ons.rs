//! Envelopes, retrieve authentication and ONS: refusals and round trips.

use proptest::prelude::*;
use sesh_core::SessionId;
use sesh_core::envelope::{
    self, ENVELOPE_OVERHEAD, EnvelopeError, RETRIEVE_WINDOW_MS, RetrieveAuthError,
};
use sesh_core::ons::{self, NameHash, NameHashError, OnsError};

const ALICE: [u8; 32] = [0xa1; 32];
const BOB: [u8; 32] = [0xb0; 32];
const CAROL: [u8; 32] = [0xc4; 32];

fn id(seed: &[u8; 32]) -> SessionId {
    envelope::session_id_from_seed(seed)
}

/// `M ‖ A ‖ SIG` with a chosen signature, sealed correctly to `recipient`.
fn reseal_with_signature(
    plaintext: &[u8],
    sender: &[u8; 32],
    signature: &[u8; 64],
    recipient: &SessionId,
) -> Vec<u8> {
    let mut body = plaintext.to_vec();
    body.extend_from_slice(&envelope::ed25519_public(sender));
    body.extend_from_slice(signature);
    envelope::box_seal(&body, &recipient.key().0).unwrap()
}

fn sign(seed: &[u8; 32], message: &[u8]) -> [u8; 64] {
    ed25519_dalek::Signer::sign(&ed25519_dalek::SigningKey::from_bytes(seed), message).to_bytes()
}

#[test]
fn round_trip_names_the_sender() {
    let sealed = envelope::seal(b"hello bob", &ALICE, &id(&BOB)).unwrap();
    assert_eq!(sealed.len(), 9 + ENVELOPE_OVERHEAD);
    let opened = envelope::open(&sealed, &BOB).unwrap();
    assert_eq!(opened.plaintext, b"hello bob");
    assert_eq!(opened.sender, id(&ALICE));
    assert_eq!(opened.sender_ed25519, envelope::ed25519_public(&ALICE));
}

#[test]
fn every_seal_is_different() {
    let a = envelope::seal(b"same", &ALICE, &id(&BOB)).unwrap();
    let b = envelope::seal(b"same", &ALICE, &id(&BOB)).unwrap();
    assert_ne!(a, b);
}

#[test]
fn empty_message_is_the_shortest_envelope() {
    let sealed = envelope::seal(b"", &ALICE, &id(&BOB)).unwrap();
    assert_eq!(sealed.len(), ENVELOPE_OVERHEAD);
    assert_eq!(envelope::open(&sealed, &BOB).unwrap().plaintext, b"");
    for len in [0, 1, 47, 48, ENVELOPE_OVERHEAD - 1] {
        assert_eq!(
            envelope::open(&sealed[..len], &BOB),
            Err(EnvelopeError::TooShort { len })
        );
    }
}

#[test]
fn wrong_recipient_cannot_open() {
    let sealed = envelope::seal(b"for bob only", &ALICE, &id(&BOB)).unwrap();
    assert_eq!(envelope::open(&sealed, &CAROL), Err(EnvelopeError::Unseal));
    assert_eq!(envelope::open(&sealed, &ALICE), Err(EnvelopeError::Unseal));
}

#[test]
fn any_flipped_bit_is_refused() {
    let sealed = envelope::seal(b"pay 100", &ALICE, &id(&BOB)).unwrap();
    for index in 0..sealed.len() {
        for bit in [0x01u8, 0x80] {
            let mut tampered = sealed.clone();
            tampered[index] ^= bit;
            assert_eq!(
                envelope::open(&tampered, &BOB),
                Err(EnvelopeError::Unseal),
                "byte {index} bit {bit:#x}"
            );
        }
    }
    // Appending or cutting bytes breaks the tag too.
    let mut longer = sealed.clone();
    longer.push(0);
    assert_eq!(envelope::open(&longer, &BOB), Err(EnvelopeError::Unseal));
    assert_eq!(
        envelope::open(&sealed[..sealed.len() - 1], &BOB),
        Err(EnvelopeError::Unseal)
    );
}

#[test]
fn forged_signature_is_refused() {
    let bob = id(&BOB);
    let a = envelope::ed25519_public(&ALICE);
    // Carol claims to be Alice: Alice's key, Carol's signature.
    let forged = sign(&CAROL, &envelope::signature_input(b"pay carol", &a, &bob));
    let sealed = reseal_with_signature(b"pay carol", &ALICE, &forged, &bob);
    assert_eq!(
        envelope::open(&sealed, &BOB),
        Err(EnvelopeError::BadSignature)
    );

    // A genuine signature, but for another recipient (replaying Alice's message to Carol to Bob).
    let for_carol = sign(&ALICE, &envelope::signature_input(b"hi", &a, &id(&CAROL)));
    let sealed = reseal_with_signature(b"hi", &ALICE, &for_carol, &bob);
    assert_eq!(
        envelope::open(&sealed, &BOB),
        Err(EnvelopeError::BadSignature)
    );

    // A genuine signature over other words.
    let other = sign(&ALICE, &envelope::signature_input(b"pay 1", &a, &bob));
    let sealed = reseal_with_signature(b"pay 9", &ALICE, &other, &bob);
    assert_eq!(
        envelope::open(&sealed, &BOB),
        Err(EnvelopeError::BadSignature)
    );

    // And the honest signature, re-sealed by hand, opens: the refusals above are the signature's.
    let honest = sign(&ALICE, &envelope::signature_input(b"pay 1", &a, &bob));
    let sealed = reseal_with_signature(b"pay 1", &ALICE, &honest, &bob);
    assert_eq!(envelope::open(&sealed, &BOB).unwrap().sender, id(&ALICE));
}

#[test]
fn non_canonical_signature_is_refused() {
    // S + l verifies under a lax verifier; libsodium and we refuse it.
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x10,
    ];
    let bob = id(&BOB);
    let a = envelope::ed25519_public(&ALICE);
    let mut signature = sign(&ALICE, &envelope::signature_input(b"m", &a, &bob));
    let mut carry = 0u16;
    for (byte, l) in signature[32..].iter_mut().zip(L) {
        let sum = u16::from(*byte) + u16::from(l) + carry;
        *byte = sum as u8;
        carry = sum >> 8;
    }
    let sealed = reseal_with_signature(b"m", &ALICE, &signature, &bob);
    assert_eq!(
        envelope::open(&sealed, &BOB),
        Err(EnvelopeError::BadSignature)
    );
}

#[test]
fn retrieve_message_bytes() {
    assert_eq!(
        envelope::retrieve_auth_message(0, 1_700_000_000_123),
        b"retrieve1700000000123"
    );
    assert_eq!(envelope::retrieve_auth_message(-10, 5), b"retrieve-105");
    assert_eq!(envelope::retrieve_auth_message(42, 0), b"retrieve420");
}

#[test]
fn retrieve_authentication() {
    let now = 1_700_000_000_000u64;
    let alice = id(&ALICE);
    let pk = envelope::ed25519_public(&ALICE);
    let sig = envelope::sign_retrieve(&ALICE, 0, now);
    assert_eq!(
        envelope::verify_retrieve(&alice, &pk, 0, now, &sig, now),
        Ok(())
    );
    // 60 s either way is fine, a millisecond more is not.
    assert_eq!(
        envelope::verify_retrieve(&alice, &pk, 0, now, &sig, now + RETRIEVE_WINDOW_MS),
        Ok(())
    );
    assert_eq!(
        envelope::verify_retrieve(&alice, &pk, 0, now, &sig, now - RETRIEVE_WINDOW_MS),
        Ok(())
    );
    assert_eq!(
        envelope::verify_retrieve(&alice, &pk, 0, now, &sig, now + RETRIEVE_WINDOW_MS + 1),
        Err(RetrieveAuthError::OutOfWindow {
            timestamp_ms: now,
            now_ms: now + RETRIEVE_WINDOW_MS + 1
        })
    );
    // Another namespace or timestamp than the one signed.
    assert_eq!(
        envelope::verify_retrieve(&alice, &pk, 1, now, &sig, now),
        Err(RetrieveAuthError::BadSignature)
    );
    assert_eq!(
        envelope::verify_retrieve(&alice, &pk, 0, now + 1, &sig, now),
        Err(RetrieveAuthError::BadSignature)
    );
    // Bob's valid signature does not open Alice's mailbox.
    let bob_pk = envelope::ed25519_public(&BOB);
    let bob_sig = envelope::sign_retrieve(&BOB, 0, now);
    assert_eq!(
        envelope::verify_retrieve(&alice, &bob_pk, 0, now, &bob_sig, now),
        Err(RetrieveAuthError::KeyMismatch)
    );
}

#[test]
fn message_hash_binds_mailbox_and_namespace() {
    let data = b"ciphertext";
    let h = envelope::message_hash(&id(&ALICE), 0, data);
    assert_eq!(h, envelope::message_hash(&id(&ALICE), 0, data));
    assert_ne!(h, envelope::message_hash(&id(&BOB), 0, data));
    assert_ne!(h, envelope::message_hash(&id(&ALICE), 1, data));
    assert_ne!(h, envelope::message_hash(&id(&ALICE), 0, b"ciphertexT"));
    let text = h.to_string();
    assert_eq!(text.len(), 64);
    assert_eq!(text.parse::<envelope::MessageHash>().unwrap(), h);
    assert_eq!(serde_json::to_string(&h).unwrap(), format!("\"{text}\""));
    assert!("abc".parse::<envelope::MessageHash>().is_err());
    assert!("zz".repeat(32).parse::<envelope::MessageHash>().is_err());
}

#[test]
fn ons_round_trip_and_refusals() {
    let alice = id(&ALICE);
    let nonce = ons::random_nonce().unwrap();
    let value = ons::encrypt_session_id("Alice", &alice, &nonce);
    assert_eq!(value.len(), ons::ENCRYPTED_VALUE_LEN);
    // Case does not matter: names are lowercased first.
    assert_eq!(ons::decrypt("alice", &value, &nonce), Ok(alice));
    assert_eq!(ons::decrypt("ALICE", &value, &nonce), Ok(alice));
    assert_eq!(ons::name_hash("ALICE"), ons::name_hash("alice"));
    // Another name, another nonce, a changed byte, a wrong length.
    assert_eq!(
        ons::decrypt("alicia", &value, &nonce),
        Err(OnsError::Decrypt)
    );
    let mut other_nonce = nonce;
    other_nonce[0] ^= 1;
    assert_eq!(
        ons::decrypt("alice", &value, &other_nonce),
        Err(OnsError::Decrypt)
    );
    for index in 0..value.len() {
        let mut tampered = value;
        tampered[index] ^= 0x20;
        assert_eq!(
            ons::decrypt("alice", &tampered, &nonce),
            Err(OnsError::Decrypt)
        );
    }
    assert_eq!(
        ons::decrypt("alice", &value[..48], &nonce),
        Err(OnsError::Length(48))
    );
    assert_eq!(
        ons::decrypt("alice", &[0u8; 50], &nonce),
        Err(OnsError::Length(50))
    );
}

#[test]
fn name_hash_request_forms() {
    let hash = NameHash::of("alice");
    let hex = hash.to_hex();
    let b64 = hash.to_base64();
    assert_eq!(hex.len(), 64);
    assert_eq!(b64.len(), 44);
    assert!(b64.ends_with('='));
    assert_eq!(NameHash::parse(&hex), Ok(hash));
    assert_eq!(NameHash::parse(&hex.to_uppercase()), Ok(hash));
    assert_eq!(NameHash::parse(&b64), Ok(hash));
    assert_eq!(hex.parse::<NameHash>(), Ok(hash));
    // JSON: written as hex, read from either form.
    assert_eq!(serde_json::to_string(&hash).unwrap(), format!("\"{hex}\""));
    assert_eq!(
        serde_json::from_str::<NameHash>(&format!("\"{b64}\"")).unwrap(),
        hash
    );
}

#[test]
fn bad_name_hashes() {
    let hash = NameHash::of("alice");
    let hex = hash.to_hex();
    let b64 = hash.to_base64();
    for len in [0, 43, 45, 63, 65, 88] {
        let text = "a".repeat(len);
        assert_eq!(NameHash::parse(&text), Err(NameHashError::Length(len)));
    }
    assert_eq!(
        NameHash::parse(&b64[..43]),
        Err(NameHashError::Length(43)),
        "padding is required"
    );
    assert_eq!(
        NameHash::parse(&format!("{}g", &hex[..63])),
        Err(NameHashError::InvalidHex)
    );
    assert_eq!(
        NameHash::parse(&format!("0x{}", &hex[..62])),
        Err(NameHashError::InvalidHex)
    );
    // URL-safe alphabet, a bad character, padding in the wrong place, non-canonical last character.
    let url_safe = b64.replace('+', "-").replace('/', "_");
    if url_safe != b64 {
        assert_eq!(
            NameHash::parse(&url_safe),
            Err(NameHashError::InvalidBase64)
        );
    }
    assert_eq!(
        NameHash::parse(&format!("!{}", &b64[1..])),
        Err(NameHashError::InvalidBase64)
    );
    assert_eq!(
        NameHash::parse(&format!("={}", &b64[1..])),
        Err(NameHashError::InvalidBase64)
    );
    // 32 bytes leave two unused bits in the last base64 character; they must be zero.
    let last = b64.as_bytes()[42];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let position = alphabet.iter().position(|&c| c == last).unwrap();
    let non_canonical = format!("{}{}=", &b64[..42], alphabet[position ^ 1] as char);
    assert_eq!(
        NameHash::parse(&non_canonical),
        Err(NameHashError::InvalidBase64)
    );
    // 44 characters of base64 that decode to 33 bytes (no padding).
    assert_eq!(
        NameHash::parse(&"A".repeat(44)),
        Err(NameHashError::InvalidBase64)
    );
}

fn seed() -> impl Strategy<Value = [u8; 32]> {
    any::<[u8; 32]>()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn envelopes_round_trip(plaintext in proptest::collection::vec(any::<u8>(), 0..2048), sender in seed(), recipient in seed()) {
        let sealed = envelope::seal(&plaintext, &sender, &id(&recipient)).unwrap();
        prop_assert_eq!(sealed.len(), plaintext.len() + ENVELOPE_OVERHEAD);
        let opened = envelope::open(&sealed, &recipient).unwrap();
        prop_assert_eq!(opened.plaintext, plaintext);
        prop_assert_eq!(opened.sender, id(&sender));
    }

    #[test]
    fn raw_sealed_boxes_round_trip(message in proptest::collection::vec(any::<u8>(), 0..512), recipient in seed()) {
        let secret = envelope::ed25519_seed_to_x25519_secret(&recipient);
        let public = envelope::x25519_public(&secret);
        prop_assert_eq!(public, id(&recipient).key().0);
        let sealed = envelope::box_seal(&message, &public).unwrap();
        prop_assert_eq!(envelope::box_seal_open(&sealed, &secret).unwrap(), message);
    }

    #[test]
    fn tampering_is_refused(plaintext in proptest::collection::vec(any::<u8>(), 0..256), index in any::<prop::sample::Index>(), bit in 0u8..8) {
        let mut sealed = envelope::seal(&plaintext, &ALICE, &id(&BOB)).unwrap();
        let at = index.index(sealed.len());
        sealed[at] ^= 1 << bit;
        prop_assert_eq!(envelope::open(&sealed, &BOB), Err(EnvelopeError::Unseal));
    }

    #[test]
    fn ons_round_trips(name in "[a-zA-Z0-9_]{1,64}", sender in seed(), nonce in any::<[u8; 24]>()) {
        let session_id = id(&sender);
        let value = ons::encrypt_session_id(&name, &session_id, &nonce);
        prop_assert_eq!(ons::decrypt(&name.to_lowercase(), &value, &nonce), Ok(session_id));
        let hash = NameHash::of(&name);
        prop_assert_eq!(NameHash::parse(&hash.to_hex()), Ok(hash));
        prop_assert_eq!(NameHash::parse(&hash.to_base64()), Ok(hash));
    }

    #[test]
    fn retrieve_signatures_verify(seed in seed(), namespace in any::<i16>(), timestamp in 0u64..=u64::MAX - RETRIEVE_WINDOW_MS, skew in 0u64..=RETRIEVE_WINDOW_MS) {
        let sig = envelope::sign_retrieve(&seed, namespace, timestamp);
        let pk = envelope::ed25519_public(&seed);
        prop_assert_eq!(envelope::verify_retrieve(&id(&seed), &pk, namespace, timestamp, &sig, timestamp + skew), Ok(()));
    }
}
