#!/usr/bin/env node
// libsodium reference for the bytes sesh-core must agree on, through
// libsodium's official JavaScript build (libsodium-wrappers-sumo from npm,
// pinned in contracts/package.json and installed by `./just install`).
//
// Everything here is computed with libsodium, never with our Rust code, so the
// vectors and the live answers are an independent reference.
const USAGE = `usage: node scripts/libsodium.mjs COMMAND ...

Commands (all output is JSON on stdout; errors are JSON on stdout with a
non-zero exit status):

  vectors [--out DIR]     write the known-answer vectors to DIR
                          (default: core/tests/vectors next to this script)
  vectors --check [DIR]   regenerate in memory and fail if DIR differs
  seal                    read {"sender_seed", "recipient", "message"} (hex,
                          Session ID, hex) as JSON on stdin; print
                          {"envelope": hex} sealed by libsodium's crypto_box_seal
  open --recipient-seed HEX [ENVELOPE_HEX | -]
                          open an envelope with libsodium's crypto_box_seal_open,
                          verify the inner Ed25519 signature with libsodium and
                          print {"plaintext", "sender_ed25519",
                          "sender_session_id", "signature_valid"}; "-" (or no
                          argument) reads the hex from stdin; exit status 0 when
                          the signature verifies, 2 when it does not, 1 when the
                          envelope does not open
  version                 print the libsodium-wrappers-sumo and libsodium versions

The formats are described in docs/messages.md.
`;

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUMO, loadSodium } from './lib/npm.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_OUT = path.join(HERE, '..', 'core', 'tests', 'vectors');
const PACKAGE = SUMO;

// ------------------------------------------------------------------ output

/** JSON as Python's json.dumps(doc, indent=..., ensure_ascii=False) writes it (BigInt as an integer). */
function dumps(value, indent = null, level = 0) {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  const items = Array.isArray(value)
    ? value.map((v) => dumps(v, indent, level + 1))
    : Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${dumps(v, indent, level + 1)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return open + close;
  if (indent === null) return open + items.join(', ') + close;
  const inner = '\n' + ' '.repeat(indent * (level + 1));
  return open + inner + items.join(',' + inner) + '\n' + ' '.repeat(indent * level) + close;
}

function print(value) {
  process.stdout.write(dumps(value) + '\n');
}

class UsageError extends Error {}

// ------------------------------------------------------------------ libsodium

let sodium;
let wrappersVersion;

async function load() {
  ({ module: sodium, version: wrappersVersion } = await loadSodium());
}

// ------------------------------------------------------------------ bytes

const utf8 = (text) => new TextEncoder().encode(text);
const ascii = (text) => {
  if (!/^[\x00-\x7f]*$/.test(text)) throw new Error(`not ASCII: ${text}`);
  return utf8(text);
};
const hex = (bytes) => Buffer.from(bytes).toString('hex');

function unhex(text) {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new TypeError(`not hex: ${String(text).slice(0, 80)}`);
  }
  return new Uint8Array(Buffer.from(text, 'hex'));
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equal(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function assert(condition, what) {
  if (!condition) throw new Error(`assertion failed: ${what}`);
}

function throws(f) {
  try {
    f();
  } catch {
    return true;
  }
  return false;
}

// ------------------------------------------------------------------ primitives

const SEAL_OVERHEAD = () => sodium.crypto_box_SEALBYTES; // 48
const ED_PK = 32;
const SIG = 64;

/** BLAKE2b (libsodium crypto_generichash) with `size` output bytes. */
function b2b(data, size = 32, key = new Uint8Array(0)) {
  return sodium.crypto_generichash(size, data, key.length ? key : null);
}

/** [ed25519 pk, ed25519 64-byte sk] from a 32-byte seed. */
function seedKeypair(seed) {
  const kp = sodium.crypto_sign_seed_keypair(seed);
  return [kp.publicKey, kp.privateKey];
}

function sessionIdOfEdPk(edPk) {
  return '05' + hex(sodium.crypto_sign_ed25519_pk_to_curve25519(edPk));
}

function x25519OfSessionId(sessionId) {
  const raw = unhex(sessionId);
  assert(raw.length === 33 && raw[0] === 5, `a Session ID: ${sessionId}`);
  return raw.subarray(1);
}

function sign(sk64, message) {
  return sodium.crypto_sign_detached(message, sk64);
}

/** M || A || SIG with SIG = Ed25519-sign(M || A || Y). */
function envelopeInner(message, senderSeed, recipientX25519) {
  const [edPk, edSk] = seedKeypair(senderSeed);
  const signature = sign(edSk, concat(message, edPk, recipientX25519));
  return concat(message, edPk, signature);
}

/**
 * crypto_box_seal with a chosen ephemeral secret, from libsodium primitives.
 *
 * libsodium's own crypto_box_seal draws the ephemeral key itself; this is the
 * same construction (epk || crypto_box(m, blake2b-24(epk || pk), pk, esk)) so
 * that a vector is reproducible. Every result is checked with libsodium's
 * crypto_box_seal_open by the caller.
 */
function sealDeterministic(message, recipientX25519, ephemeralSecret) {
  const epk = sodium.crypto_scalarmult_base(ephemeralSecret);
  const nonce = b2b(concat(epk, recipientX25519), 24);
  return concat(epk, sodium.crypto_box_easy(message, nonce, recipientX25519, ephemeralSecret));
}

function x25519KeypairOfSeed(seed) {
  const [edPk, edSk] = seedKeypair(seed);
  return [
    sodium.crypto_sign_ed25519_pk_to_curve25519(edPk),
    sodium.crypto_sign_ed25519_sk_to_curve25519(edSk),
  ];
}

/** Open with libsodium and verify the inner signature with libsodium. */
function openEnvelope(envelope, recipientSeed) {
  const [yPk, ySk] = x25519KeypairOfSeed(recipientSeed);
  if (envelope.length < SEAL_OVERHEAD() + ED_PK + SIG) throw new Error('envelope too short');
  const inner = sodium.crypto_box_seal_open(envelope, yPk, ySk);
  const message = inner.subarray(0, inner.length - ED_PK - SIG);
  const edPk = inner.subarray(inner.length - ED_PK - SIG, inner.length - SIG);
  const signature = inner.subarray(inner.length - SIG);
  const valid = sodium.crypto_sign_verify_detached(signature, concat(message, edPk, yPk), edPk);
  return {
    plaintext: hex(message),
    sender_ed25519: hex(edPk),
    sender_session_id: sessionIdOfEdPk(edPk),
    signature_valid: valid,
  };
}

/** "retrieve" || namespace || timestamp, as Session's storage server signs it. */
function retrieveMessage(namespace, timestampMs) {
  const ns = namespace === 0 ? '' : String(namespace);
  return ascii('retrieve' + ns + timestampMs.toString());
}

function messageHash(recipient, namespace, data) {
  const ns = new Uint8Array(2);
  new DataView(ns.buffer).setInt16(0, namespace, false);
  return b2b(concat(unhex(recipient), ns, data));
}

const onsNameHash = (name) => b2b(utf8(name.toLowerCase()));

function onsKey(name) {
  const lowered = utf8(name.toLowerCase());
  return b2b(lowered, 32, b2b(lowered));
}

function onsEncrypt(name, sessionId, nonce) {
  return sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    unhex(sessionId), null, null, nonce, onsKey(name));
}

// ------------------------------------------------------------------ vectors

/** A reproducible 32-byte seed for a vector. */
const vseed = (label) => b2b(ascii('sesh-vectors/' + label));

const P = 2n ** 255n - 19n;
const mod = (a) => ((a % P) + P) % P;

function powmod(base, exp) {
  let result = 1n;
  base = mod(base);
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % P;
    base = (base * base) % P;
    exp >>= 1n;
  }
  return result;
}

const D = mod(-121665n * powmod(121666n, P - 2n));

function toLe32(n) {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

function fromLe(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

/** u = (1 + y) / (1 - y) of an encoded Edwards point, without libsodium's subgroup check. */
function edwardsToMontgomery(encoded) {
  const y = fromLe(encoded) & ((1n << 255n) - 1n);
  return toLe32(mod((1n + y) * powmod(1n - y, P - 2n)));
}

/** The first y (sign bit 0) for which no x exists on edwards25519. */
function notOnCurveEncoding() {
  for (let y = 2n; ; y++) {
    const u = mod(y * y - 1n);
    const v = mod(D * y * y + 1n);
    const x2 = mod(u * powmod(v, P - 2n));
    if (x2 !== 0n && powmod(x2, (P - 1n) / 2n) !== 1n) return toLe32(y);
  }
}

const T8 = '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05';

function keysVectors() {
  const valid = [];
  for (const label of ['alice', 'bob', 'carol', 'zero']) {
    const seed = label === 'zero' ? new Uint8Array(32) : vseed(label);
    const [edPk] = seedKeypair(seed);
    const [xPk, xSk] = x25519KeypairOfSeed(seed);
    assert(equal(sodium.crypto_scalarmult_base(xSk), xPk), 'X25519(x, 9) = X');
    valid.push({
      label,
      ed25519_seed: hex(seed),
      ed25519_pk: hex(edPk),
      x25519_pk: hex(xPk),
      x25519_sk: hex(xSk),
      session_id: '05' + hex(xPk),
    });
  }
  const t8 = unhex(T8);
  const [alicePk] = seedKeypair(vseed('alice'));
  const rejected = [
    ['identity (order 1)', concat(Uint8Array.of(1), new Uint8Array(31))],
    ['order 2', unhex('ec' + 'ff'.repeat(30) + '7f')],
    ['order 8', t8],
    ['order 8', unhex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a')],
    ['alice + order-8 point (not in the prime-order subgroup)', sodium.crypto_core_ed25519_add(alicePk, t8)],
    ['not on the curve', notOnCurveEncoding()],
  ];
  const rejectedOut = [];
  for (const [why, pk] of rejected) {
    if (!throws(() => sodium.crypto_sign_ed25519_pk_to_curve25519(pk))) {
      throw new Error('libsodium accepted ' + why);
    }
    rejectedOut.push({ why, ed25519_pk: hex(pk) });
  }
  return {
    about:
      'Ed25519 -> X25519 conversions as libsodium does them ' +
      '(crypto_sign_ed25519_pk_to_curve25519, crypto_sign_ed25519_sk_to_curve25519); ' +
      'Session ID = 05 || x25519_pk. `rejected` are public keys libsodium refuses to convert.',
    valid,
    rejected: rejectedOut,
  };
}

function signaturesVectors() {
  const sigs = [];
  for (const [label, message] of [
    ['alice', new Uint8Array(0)],
    ['alice', ascii('hello')],
    ['bob', Uint8Array.from({ length: 256 }, (_, i) => i)],
  ]) {
    const seed = vseed(label);
    const [edPk, edSk] = seedKeypair(seed);
    sigs.push({
      ed25519_seed: hex(seed),
      ed25519_pk: hex(edPk),
      message: hex(message),
      signature: hex(sign(edSk, message)),
    });
  }
  const retrieve = [];
  for (const [label, namespace, ts] of [
    ['alice', 0, 1753933969155n],
    ['alice', 42, 1753933969155n],
    ['bob', -10, 1700000000000n],
    ['bob', -32768, 0n],
    ['carol', 32767, 18446744073709551615n],
  ]) {
    const seed = vseed(label);
    const [edPk, edSk] = seedKeypair(seed);
    const msg = retrieveMessage(namespace, ts);
    retrieve.push({
      ed25519_seed: hex(seed),
      ed25519_pk: hex(edPk),
      session_id: sessionIdOfEdPk(edPk),
      namespace,
      timestamp_ms: ts,
      message_ascii: Buffer.from(msg).toString('ascii'),
      signature: hex(sign(edSk, msg)),
    });
  }
  return {
    about:
      'Ed25519 signatures by libsodium (deterministic, RFC 8032). `retrieve`: the ' +
      "mailbox retrieve authentication, signed over 'retrieve' || namespace || timestamp_ms " +
      "in ASCII decimal, namespace omitted when 0 (as Session's storage server).",
    signatures: sigs,
    retrieve,
  };
}

function envelopeVectors() {
  const cases = [];
  const plaintexts = [
    new Uint8Array(0),
    ascii('hi bob'),
    utf8('Grüße, 👋'),
    Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 256),
  ];
  plaintexts.forEach((message, i) => {
    let [senderSeed, recipientSeed] = [vseed('alice'), vseed('bob')];
    if (i === 3) [senderSeed, recipientSeed] = [vseed('carol'), vseed('alice')];
    const [yPk, ySk] = x25519KeypairOfSeed(recipientSeed);
    const [edPk] = seedKeypair(senderSeed);
    const esk = vseed(`ephemeral/${i}`);
    const inner = envelopeInner(message, senderSeed, yPk);
    const envelope = sealDeterministic(inner, yPk, esk);
    assert(equal(sodium.crypto_box_seal_open(envelope, yPk, ySk), inner), 'crypto_box_seal_open');
    const opened = openEnvelope(envelope, recipientSeed);
    assert(opened.signature_valid && opened.plaintext === hex(message), 'the envelope opens');
    cases.push({
      plaintext: hex(message),
      sender_ed25519_seed: hex(senderSeed),
      sender_ed25519_pk: hex(edPk),
      sender_session_id: sessionIdOfEdPk(edPk),
      recipient_ed25519_seed: hex(recipientSeed),
      recipient_session_id: '05' + hex(yPk),
      signature_input: hex(concat(message, edPk, yPk)),
      signature: hex(inner.subarray(inner.length - SIG)),
      ephemeral_x25519_sk: hex(esk),
      envelope: hex(envelope),
    });
  });

  // An ephemeral key with a torsion component (u-coordinate of esk*B + T8, T8 of order 8).
  // X25519 clamps the recipient's scalar to a multiple of 8, which cancels T8, so libsodium
  // opens this box; an implementation that reduces the clamped scalar mod l does not.
  const openOnly = [];
  {
    const t8 = unhex(T8);
    const esk = vseed('ephemeral/torsion');
    const mixed = sodium.crypto_core_ed25519_add(sodium.crypto_scalarmult_ed25519_base(esk), t8);
    const epk = edwardsToMontgomery(mixed);
    assert(!equal(epk, sodium.crypto_scalarmult_base(esk)), 'the torsion changes the key');
    const [yPk, ySk] = x25519KeypairOfSeed(vseed('bob'));
    const message = ascii('torsion in the ephemeral key');
    const inner = envelopeInner(message, vseed('alice'), yPk);
    const envelope = concat(
      epk, sodium.crypto_box_easy(inner, b2b(concat(epk, yPk), 24), yPk, esk));
    assert(equal(sodium.crypto_box_seal_open(envelope, yPk, ySk), inner), 'crypto_box_seal_open');
    openOnly.push({
      why: 'ephemeral key = u(esk*B + T8): not in the prime-order subgroup, libsodium opens it',
      plaintext: hex(message),
      sender_session_id: sessionIdOfEdPk(seedKeypair(vseed('alice'))[0]),
      recipient_ed25519_seed: hex(vseed('bob')),
      envelope: hex(envelope),
    });
  }

  // Envelopes that must not open, each sealed correctly to bob by libsodium.
  const [bobPk, bobSk] = x25519KeypairOfSeed(vseed('bob'));
  const [carolPk] = x25519KeypairOfSeed(vseed('carol'));
  const good = envelopeInner(ascii('pay 100'), vseed('alice'), bobPk);
  const forged = Uint8Array.from(good);
  forged[forged.length - 1] ^= 0x01;
  const otherBody = concat(ascii('pay 999'), good.subarray(7)); // same A and SIG, different M
  const toCarol = envelopeInner(ascii('pay 100'), vseed('alice'), carolPk); // Y = carol
  const invalid = [];
  [
    ['signature bit flipped', forged, 'bad_signature'],
    ['message changed, old signature kept', otherBody, 'bad_signature'],
    ['signed for another recipient (Y = carol), sealed to bob', toCarol, 'bad_signature'],
    ['inner plaintext shorter than A || SIG', new Uint8Array(95), 'too_short'],
  ].forEach(([why, inner, error], i) => {
    const envelope = sealDeterministic(inner, bobPk, vseed(`ephemeral/invalid/${i}`));
    invalid.push({
      why,
      recipient_ed25519_seed: hex(vseed('bob')),
      envelope: hex(envelope),
      error,
    });
  });
  // A sealed box whose ephemeral key is a point of small order: libsodium refuses it
  // (the X25519 shared secret would be all zero).
  const small = new Uint8Array(32 + 16 + 96);
  if (!throws(() => sodium.crypto_box_seal_open(small, bobPk, bobSk))) {
    throw new Error('libsodium opened a small-order ephemeral key');
  }
  invalid.push({
    why: 'ephemeral key of small order (all-zero shared secret)',
    recipient_ed25519_seed: hex(vseed('bob')),
    envelope: hex(small),
    error: 'unseal',
  });

  const hashes = [];
  for (const [recipient, namespace, data] of [
    [cases[1].recipient_session_id, 0, unhex(cases[1].envelope)],
    [cases[1].recipient_session_id, -10, unhex(cases[1].envelope)],
    [cases[3].recipient_session_id, 32767, new Uint8Array(0)],
  ]) {
    hashes.push({
      recipient_session_id: recipient,
      namespace,
      data: hex(data),
      message_hash: hex(messageHash(recipient, namespace, data)),
    });
  }
  return {
    about:
      "Session one-to-one envelopes: crypto_box_seal(M || A || SIG) to the recipient's " +
      'X25519 key Y, SIG = Ed25519-sign(M || A || Y). Each `cases` envelope is crypto_box_seal ' +
      "with the given ephemeral secret and opens with libsodium's crypto_box_seal_open. " +
      '`invalid` must be refused with `error`. `message_hash` = BLAKE2b-256(recipient Session ID ' +
      '(33 bytes) || namespace (i16 big-endian) || data).',
    cases,
    open_only: openOnly,
    invalid,
    message_hashes: hashes,
  };
}

function onsVectors() {
  const cases = [];
  const id = (label) => '05' + hex(x25519KeypairOfSeed(vseed(label))[0]);
  [
    ['alice', id('alice')],
    ['Alice', id('alice')],
    ['a', id('bob')],
    ['bob_the-builder9', id('bob')],
    ['x'.repeat(64), id('carol')],
  ].forEach(([name, sessionId], i) => {
    const nonce = b2b(ascii(`sesh-vectors/ons-nonce/${i}`), 24);
    const encrypted = onsEncrypt(name, sessionId, nonce);
    assert(encrypted.length === 49, 'a 49-byte encrypted value');
    assert(
      equal(
        sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, encrypted, null, nonce, onsKey(name)),
        unhex(sessionId)),
      'the value decrypts');
    const nameHash = onsNameHash(name);
    cases.push({
      name,
      name_hash: hex(nameHash),
      name_hash_base64: sodium.to_base64(nameHash, sodium.base64_variants.ORIGINAL),
      key: hex(onsKey(name)),
      session_id: sessionId,
      nonce: hex(nonce),
      encrypted_value: hex(encrypted),
    });
  });
  return {
    about:
      'ONS as Session resolves it: name_hash = BLAKE2b-256(lowercased name), ' +
      'key = BLAKE2b-256(lowercased name, key = name_hash), encrypted_value = ' +
      'XChaCha20-Poly1305-IETF(33-byte Session ID, nonce, key, no associated data) = 49 bytes.',
    cases,
  };
}

/** A big-endian integer of `size` bytes. */
function beBytes(value, size) {
  let n = BigInt(value);
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  if (n !== 0n) throw new Error(`${value} does not fit in ${size} bytes`);
  return out;
}

/** The reverse-name consent message (core/src/reverse_consent.rs, docs/keys.md). */
function reverseConsentMessage(chainId, registry, tokenId, owner, nonce) {
  return concat(
    ascii('sesh-reverse-consent'),
    beBytes(chainId, 32),
    unhex(registry.slice(2)),
    unhex(tokenId.slice(2)),
    unhex(owner.slice(2)),
    beBytes(nonce, 8),
  );
}

function reverseConsentVectors() {
  // Token ids are keccak256 of the label (`cast keccak alice`): libsodium has no Keccak.
  const ALICE = '0x9c0257114eb9399a2985f8e75dad7600c5d89fe3824ffa99ec1c3eb8bf3b0501';
  const VICTIM = '0x78bc914bc3d5656a140207b49573f1c2a4d8c6de385818d435bec10e82976a9f';
  const ZERO32 = '0x' + '00'.repeat(32);
  const ZERO20 = '0x' + '00'.repeat(20);
  const cases = [];
  for (const [label, name, chainId, registry, tokenId, owner, nonce] of [
    ['alice', 'alice', 42161n, '0x5FbDB2315678afecb367f032d93F642f64180aa3', ALICE,
      '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', 1753933969155n],
    ['alice', 'alice', 421614n, '0x5FbDB2315678afecb367f032d93F642f64180aa3', ALICE,
      '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', 1753933969155n],
    ['bob', 'victim', 31337n, '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512', VICTIM,
      '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 18446744073709551615n],
    ['bob', null, 31337n, '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512', ZERO32, ZERO20, 1n],
  ]) {
    const seed = vseed(label);
    const [edPk, edSk] = seedKeypair(seed);
    const message = reverseConsentMessage(chainId, registry, tokenId, owner, nonce);
    assert(message.length === 132, 'a consent message is 132 bytes');
    const signature = sign(edSk, message);
    assert(sodium.crypto_sign_verify_detached(signature, message, edPk), 'the consent verifies');
    cases.push({
      ed25519_seed: hex(seed),
      ed25519_pk: hex(edPk),
      session_id: sessionIdOfEdPk(edPk),
      name: name,
      chain_id: chainId,
      registry,
      token_id: tokenId,
      owner,
      nonce,
      message: hex(message),
      signature: hex(signature),
    });
  }
  return {
    about:
      "A Session ID's consent to a name as its reverse name, signed by libsodium: " +
      "'sesh-reverse-consent' || chain id (32 bytes BE) || NameRegistry (20) || token id (32) " +
      '|| owner (20) || nonce (8 bytes BE), 132 bytes; token id 0 and owner 0 consent to no name. ' +
      'The Ed25519 key must convert to the Session ID (crypto_sign_ed25519_pk_to_curve25519).',
    cases,
  };
}

function allVectors() {
  return {
    'keys.json': keysVectors(),
    'signatures.json': signaturesVectors(),
    'envelope.json': envelopeVectors(),
    'ons.json': onsVectors(),
    'reverse_consent.json': reverseConsentVectors(),
  };
}

function render(doc) {
  return dumps({
    ...doc,
    generator:
      `scripts/libsodium.mjs (${PACKAGE} ${wrappersVersion}, ` +
      `libsodium ${sodium.sodium_version_string()})`,
  }, 2) + '\n';
}

// ------------------------------------------------------------------ commands

/** Python's str.splitlines(). */
function splitlines(text) {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function cmdVectors(args) {
  const out = path.normalize(args.dir || DEFAULT_OUT);
  const stale = [];
  const docs = allVectors();
  for (const [name, doc] of Object.entries(docs)) {
    const file = path.join(out, name);
    const text = render(doc);
    if (args.check) {
      let current = null;
      try {
        current = fs.readFileSync(file, 'utf8');
      } catch (e) {
        if (e.code !== 'ENOENT') throw e;
      }
      // The library versions in the `generator` line may differ; compare the rest.
      const strip = (t) => splitlines(t).filter((l) => !l.includes('"generator"')).join('\n');
      if (current === null || strip(current) !== strip(text)) stale.push(file);
    } else {
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(file, text, 'utf8');
    }
  }
  if (stale.length) {
    print({ error: 'stale vectors', files: stale });
    return 1;
  }
  print({ ok: true, dir: out, [args.check ? 'checked' : 'written']: Object.keys(docs).sort() });
  return 0;
}

function cmdSeal() {
  let envelope;
  try {
    const request = JSON.parse(fs.readFileSync(0, 'utf8'));
    const senderSeed = unhex(request.sender_seed);
    const recipient = x25519OfSessionId(request.recipient);
    const message = unhex(request.message);
    envelope = sodium.crypto_box_seal(envelopeInner(message, senderSeed, recipient), recipient);
  } catch (e) {
    print({ error: `${e.name}: ${e.message}` });
    return 1;
  }
  print({ envelope: hex(envelope) });
  return 0;
}

function cmdOpen(args) {
  let result;
  try {
    let text = args.envelope;
    if (text === undefined || text === '-') text = fs.readFileSync(0, 'utf8');
    const envelope = unhex(text.trim());
    result = openEnvelope(envelope, unhex(args.recipientSeed));
  } catch (e) {
    print({ error: `${e.name}: ${e.message}` });
    return 1;
  }
  print(result);
  return result.signature_valid ? 0 : 2;
}

function cmdVersion() {
  print({ [PACKAGE]: wrappersVersion, libsodium: sodium.sodium_version_string() });
  return 0;
}

/** argparse-like: `--name VALUE`, `--name=VALUE`, unique prefixes, flags, positionals. */
function parse(argv, options, positionals) {
  const args = {};
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    if (arg.startsWith('--')) {
      const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
      const matches = Object.keys(options).filter((o) => o === name || o.startsWith(name));
      const option = matches.includes(name) ? name : matches.length === 1 ? matches[0] : null;
      if (!option) throw new UsageError(`unrecognized or ambiguous argument: ${arg}`);
      const { key, flag } = options[option];
      if (flag) {
        if (inline !== undefined) throw new UsageError(`${option} takes no value`);
        args[key] = true;
      } else if (inline !== undefined) {
        args[key] = inline;
      } else {
        if (i + 1 >= argv.length) throw new UsageError(`${option} needs a value`);
        args[key] = argv[++i];
      }
    } else {
      rest.push(arg);
    }
  }
  if (rest.length > positionals.length) throw new UsageError(`unrecognized arguments: ${rest.slice(positionals.length).join(' ')}`);
  positionals.forEach((key, i) => {
    if (rest[i] !== undefined) args[key] = rest[i];
  });
  return args;
}

async function main(argv) {
  const [command, ...rest] = argv;
  let run;
  switch (command) {
    case 'vectors': {
      const args = parse(rest, { '--out': { key: 'dir' }, '--check': { key: 'check', flag: true } }, ['checkDir']);
      args.dir = args.dir || args.checkDir;
      run = () => cmdVectors(args);
      break;
    }
    case 'seal':
      parse(rest, {}, []);
      run = cmdSeal;
      break;
    case 'open': {
      const args = parse(rest, { '--recipient-seed': { key: 'recipientSeed' } }, ['envelope']);
      if (args.recipientSeed === undefined) throw new UsageError('the following arguments are required: --recipient-seed');
      run = () => cmdOpen(args);
      break;
    }
    case 'version':
      parse(rest, {}, []);
      run = cmdVersion;
      break;
    case '-h':
    case '--help':
      process.stdout.write(USAGE);
      return 0;
    default:
      throw new UsageError(command === undefined ? 'a command is required' : `unknown command: ${command}`);
  }
  await load();
  return run();
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(
    'usage: node scripts/libsodium.mjs {vectors,seal,open,version} ... (--help for more)\n' +
      `libsodium.mjs: error: ${e.message}\n`);
  process.exitCode = 2;
}
