#!/usr/bin/env node
// A reference for Session's one-to-one message format made outside our Rust code:
// protobufjs (npm, pinned in contracts/package.json) loading core/proto/session.proto, and
// libsodium's official JavaScript build (libsodium-wrappers-sumo, pinned beside it) for the
// sealed box and the signatures. Run by core/tests/session_reference.rs in both directions.
//
// The layers are Session's (libsession-util session_protocol encode_for_1o1 / decode_envelope):
//   Content → Content ‖ 0x80 ‖ 0x00… (multiple of 160) → crypto_box_seal(M ‖ A ‖ Ed25519(M ‖ A ‖ Y), Y)
//   → Envelope{type SESSION_MESSAGE, timestamp, sourceDevice 1, content, proSig}
//   → WebSocketMessage{type REQUEST, request{verb "", path "", requestId 0, body}} → base64
const USAGE = `usage: node scripts/session-reference.mjs COMMAND ...

Commands (output is one JSON object on stdout; errors are {"error"} with a non-zero status):

  build                   read JSON on stdin:
                            {"sender_seed": hex, "recipient": Session ID, "sent_ms": integer,
                             "body": text, "display_name": text?, "expire_after_send": seconds?,
                             "profile_updated_s": integer?,
                             "content": object?   (a Content in protobufjs JSON form, instead
                                                   of a text: typing, receipts, ...)
                             "padding": "libsession" | "none" | "old"?}
                          build the message as a Session client does and print
                            {"stored": base64, "content": hex (the unpadded Content)}
  parse --recipient-seed HEX
                          read base64 on stdin, undo every layer (libsodium opens the box and
                          checks the signature), print every field as JSON; exit status 2 when
                          the signature does not verify
  version                 print the protobufjs, libsodium-wrappers-sumo and libsodium versions

"padding": "old" pads as Signal-era clients did (0x80 then zeros to a multiple of 64), "none"
sends the Content unpadded.
`;

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSodium, requirePackage } from './lib/npm.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROTO = path.join(HERE, '..', 'core', 'proto', 'session.proto');

class UsageError extends Error {}

function print(value) {
  process.stdout.write(JSON.stringify(value) + '\n');
}

let sodium;
let protobuf;
/** The versions `version` prints, by package. */
const versions = {};

async function load() {
  const found = [await loadSodium(), requirePackage(['protobufjs'])];
  [sodium, protobuf] = found.map((p) => p.module);
  for (const { name, version } of found) versions[name] = version;
}

// ------------------------------------------------------------------ bytes

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

function x25519OfSessionId(sessionId) {
  const raw = unhex(sessionId);
  if (raw.length !== 33 || raw[0] !== 5) throw new Error(`not a Session ID: ${sessionId}`);
  return raw.subarray(1);
}

// ------------------------------------------------------------------ schema

/** Our schema, and the same schema without sesh's own field (what a Session client knows). */
function schemas() {
  const ours = protobuf.loadSync(PROTO);
  const sessions = protobuf.loadSync(PROTO);
  const content = sessions.lookupType('SessionProtos.Content');
  content.remove(content.fields.seshPremium);
  return { ours, sessions };
}

const PADDING_BLOCK = 160;

/** libsession-util session_protocol pad_message. */
function pad(content, block = PADDING_BLOCK) {
  const out = new Uint8Array((Math.floor(content.length / block) + 1) * block);
  out.set(content);
  out[content.length] = 0x80;
  return out;
}

/** libsession-util session_protocol unpad_message. */
function unpad(padded) {
  let end = padded.length;
  while (end > 0) {
    const byte = padded[end - 1];
    if (byte !== 0 && byte !== 0x80) break;
    end -= 1;
    if (byte === 0x80) break;
  }
  return padded.subarray(0, end);
}

/** A decoy proSig as libsession writes one without Session Pro: r·B ‖ s, r and s random scalars. */
function decoyProSig() {
  const r = sodium.crypto_core_ed25519_scalar_random();
  const s = sodium.crypto_core_ed25519_scalar_random();
  return concat(sodium.crypto_scalarmult_ed25519_base_noclamp(r), s);
}

// ------------------------------------------------------------------ build

function cmdBuild() {
  const request = JSON.parse(fs.readFileSync(0, 'utf8'));
  const { ours } = schemas();
  const Content = ours.lookupType('SessionProtos.Content');
  const Envelope = ours.lookupType('SessionProtos.Envelope');
  const WebSocketMessage = ours.lookupType('SessionProtos.WebSocketMessage');

  const sentMs = request.sent_ms;
  if (!Number.isSafeInteger(sentMs) || sentMs <= 0) throw new Error('sent_ms must be a positive integer');

  let content;
  if (request.content !== undefined) {
    content = Content.fromObject({ sigTimestamp: sentMs, ...request.content });
  } else {
    // As session-desktop's VisibleMessage: sigTimestamp, the disappearing fields always
    // (UNKNOWN / 0 when off), the profile when there is a display name.
    const dataMessage = { body: request.body };
    if (request.display_name !== undefined) {
      dataMessage.profile = { displayName: request.display_name };
      if (request.profile_updated_s !== undefined) {
        dataMessage.profile.lastProfileUpdateSeconds = request.profile_updated_s;
      }
    }
    const after = request.expire_after_send;
    content = Content.fromObject({
      dataMessage,
      expirationType: after ? 'DELETE_AFTER_SEND' : 'UNKNOWN',
      expirationTimer: after ? after : 0,
      sigTimestamp: sentMs,
    });
  }
  const error = Content.verify(content);
  if (error) throw new Error(`Content: ${error}`);
  const contentBytes = Content.encode(content).finish();

  const padded =
    request.padding === 'none' ? contentBytes
      : request.padding === 'old' ? pad(contentBytes, 64)
        : pad(contentBytes);

  // Session's encrypt_for_recipient: crypto_box_seal(M ‖ A ‖ SIG, Y), SIG = Ed25519(M ‖ A ‖ Y).
  const recipient = x25519OfSessionId(request.recipient);
  const keys = sodium.crypto_sign_seed_keypair(unhex(request.sender_seed));
  const signature = sodium.crypto_sign_detached(concat(padded, keys.publicKey, recipient), keys.privateKey);
  const sealed = sodium.crypto_box_seal(concat(padded, keys.publicKey, signature), recipient);

  const envelope = Envelope.create({
    type: 6, // SESSION_MESSAGE
    sourceDevice: 1,
    timestamp: sentMs,
    content: sealed,
    proSig: decoyProSig(),
  });
  const message = WebSocketMessage.create({
    type: 1, // REQUEST
    request: { verb: '', path: '', requestId: 0, body: Envelope.encode(envelope).finish() },
  });
  const stored = WebSocketMessage.encode(message).finish();
  print({ stored: Buffer.from(stored).toString('base64'), content: hex(contentBytes) });
  return 0;
}

// ------------------------------------------------------------------ parse

function cmdParse(recipientSeed) {
  const text = fs.readFileSync(0, 'utf8').trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new Error('not base64');
  const stored = new Uint8Array(Buffer.from(text, 'base64'));
  const { ours, sessions } = schemas();
  const Envelope = ours.lookupType('SessionProtos.Envelope');
  const WebSocketMessage = ours.lookupType('SessionProtos.WebSocketMessage');
  const toObject = { longs: String, enums: String, bytes: String, defaults: false };

  const message = WebSocketMessage.decode(stored);
  const request = message.request;
  if (!request || !request.body) throw new Error('WebSocketMessage without a request body');
  const envelope = Envelope.decode(request.body);

  // The sealed box, opened and checked with libsodium.
  const keys = sodium.crypto_sign_seed_keypair(unhex(recipientSeed));
  const yPk = sodium.crypto_sign_ed25519_pk_to_curve25519(keys.publicKey);
  const ySk = sodium.crypto_sign_ed25519_sk_to_curve25519(keys.privateKey);
  const inner = sodium.crypto_box_seal_open(envelope.content, yPk, ySk);
  const padded = inner.subarray(0, inner.length - 96);
  const edPk = inner.subarray(inner.length - 96, inner.length - 64);
  const signature = inner.subarray(inner.length - 64);
  const signatureValid = sodium.crypto_sign_verify_detached(signature, concat(padded, edPk, yPk), edPk);

  const contentBytes = unpad(padded);
  const libsessionPadded = padded.length === pad(contentBytes).length && hex(pad(contentBytes)) === hex(padded);
  const content = ours.lookupType('SessionProtos.Content').decode(contentBytes);
  // What a Session client decodes: the same schema without sesh's field 7374.
  const seen = sessions.lookupType('SessionProtos.Content').decode(contentBytes);
  const proSig = envelope.proSig;

  print({
    websocket: {
      type: WebSocketMessage.toObject(message, toObject).type,
      verb: request.verb,
      path: request.path,
      request_id: request.requestId === null ? null : String(request.requestId),
      has: Object.keys(request).filter((k) => Object.hasOwn(request, k)),
    },
    envelope: {
      type: Envelope.toObject(envelope, toObject).type,
      timestamp: String(envelope.timestamp),
      source_device: Object.hasOwn(envelope, 'sourceDevice') ? envelope.sourceDevice : null,
      has_source: Object.hasOwn(envelope, 'source'),
      pro_sig: proSig ? hex(proSig) : null,
      pro_sig_r_is_point: proSig && proSig.length === 64
        ? sodium.crypto_core_ed25519_is_valid_point(proSig.subarray(0, 32)) : false,
    },
    sender_ed25519: hex(edPk),
    sender_session_id: '05' + hex(sodium.crypto_sign_ed25519_pk_to_curve25519(edPk)),
    signature_valid: signatureValid,
    padded_len: padded.length,
    libsession_padded: libsessionPadded,
    content_hex: hex(contentBytes),
    content: ours.lookupType('SessionProtos.Content').toObject(content, toObject),
    session_client_sees: sessions.lookupType('SessionProtos.Content').toObject(seen, toObject),
  });
  return signatureValid ? 0 : 2;
}

function cmdVersion() {
  print({
    protobufjs: versions.protobufjs,
    'libsodium-wrappers-sumo': versions['libsodium-wrappers-sumo'],
    libsodium: sodium.sodium_version_string(),
  });
  return 0;
}

async function main(argv) {
  const [command, ...rest] = argv;
  let run;
  switch (command) {
    case 'build':
      if (rest.length) throw new UsageError(`unrecognized arguments: ${rest.join(' ')}`);
      run = cmdBuild;
      break;
    case 'parse': {
      if (rest.length !== 2 || rest[0] !== '--recipient-seed') {
        throw new UsageError('parse takes --recipient-seed HEX');
      }
      run = () => cmdParse(rest[1]);
      break;
    }
    case 'version':
      if (rest.length) throw new UsageError(`unrecognized arguments: ${rest.join(' ')}`);
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
  try {
    return run();
  } catch (e) {
    print({ error: `${e.name}: ${e.message}` });
    return 1;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(
    'usage: node scripts/session-reference.mjs {build,parse,version} ... (--help for more)\n' +
      `session-reference.mjs: error: ${e.message}\n`);
  process.exitCode = 2;
}
