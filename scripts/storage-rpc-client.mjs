#!/usr/bin/env node
// A client of Session's storage protocol written outside our code: only Node's built-in
// fetch and libsodium's JavaScript build (libsodium-wrappers-sumo), and only the formats
// session-storage-server documents (oxenss/rpc/client_rpc_endpoints.h, request_handler.cpp).
// Of this repository it imports only scripts/lib/npm.mjs, which finds libsodium and knows
// nothing of the protocol, so it speaks to a registry node exactly as it would to a Session
// storage server; tests/e2e/storage_rpc_js.rs runs it against real nodes.
//
// Run it against any node (Node.js 18 or later):
//
//   node scripts/storage-rpc-client.mjs roundtrip http://127.0.0.1:8080
//   node scripts/storage-rpc-client.mjs store https://node.example --seed HEX --data 'hi'
//   node scripts/storage-rpc-client.mjs retrieve https://node.example --seed HEX
//
// libsodium-wrappers-sumo is looked up in contracts/node_modules (`./just install`), then from
// the current folder (`npm install libsodium-wrappers-sumo` anywhere). For a node behind TLS
// with a private CA, give Node the CA: NODE_EXTRA_CA_CERTS=ca.pem node scripts/… https://…
const USAGE = `usage: node scripts/storage-rpc-client.mjs COMMAND URL [OPTIONS]

URL is a node's base URL (http:// or https://); requests go to URL/storage_rpc/v1.
Output is one JSON object on stdout. On a refusal, a mismatch or an unreachable node it is
{"error", ...} (with "method", "status" and "body" for a refusal) and the exit status is 1;
2 for bad usage, 3 when libsodium is not installed.

Commands:
  roundtrip URL   the whole tour, checking every answer: info (the node's clock); store to
                  namespace 0 (unsigned) and to a private namespace (signed), each answer's
                  hash against BLAKE2b-256 computed here and each swarm member's receipt
                  against its Ed25519 key; retrieve both (signed), data and every hash
                  recomputed; get_expiries; expire (shorten, receipt checked); delete both
                  (receipt checked); retrieve again and see them gone
  store URL       store --data to --namespace (signed when the namespace is not divisible by
                  10); prints the hash and the checked receipts
  retrieve URL    retrieve every message of --namespace (signed), each hash recomputed here
  version         print the libsodium-wrappers-sumo and libsodium versions

Options:
  --seed HEX             the account's Ed25519 seed (64 hex); default: a random one
  --data TEXT            the message (UTF-8) for store and roundtrip; default: a greeting
                         with the time
  --namespace N          for store and retrieve (default 0)
  --private-namespace N  roundtrip's signed namespace (default 5, not divisible by 10)
  --ttl MS               the stores' TTL in milliseconds (default 3600000)
  --wrong-signature      sign every request with another key than the account's (the node
                         must refuse with 401; for testing a node's checks)

For a private CA: NODE_EXTRA_CA_CERTS=ca.pem (read by Node when it starts).
`;

import { PLAIN, SUMO, loadSodium } from './lib/npm.mjs';

class UsageError extends Error {}

/** A refusal or an answer that is not what the storage server's formats promise. */
class Mismatch extends Error {
  constructor(message, details = {}) {
    super(message);
    this.details = details;
  }
}

const print = (value) => process.stdout.write(JSON.stringify(value) + '\n');

// ------------------------------------------------------------------ libsodium

let sodium;

/** libsodium (the sumo build or the plain one, from contracts/ or the current folder). */
async function load() {
  const found = await loadSodium([SUMO, PLAIN], { cwd: true });
  sodium = found.module;
  return found;
}

const utf8 = (text) => new TextEncoder().encode(text);
const b64 = (bytes) => sodium.to_base64(bytes, sodium.base64_variants.ORIGINAL);
const b64NoPad = (bytes) => sodium.to_base64(bytes, sodium.base64_variants.ORIGINAL_NO_PADDING);

/** The storage server sends binary values in padded standard base64 (oxenc::to_base64). */
function unb64(text, what) {
  try {
    return sodium.from_base64(text, sodium.base64_variants.ORIGINAL);
  } catch {
    throw new Mismatch(`${what} is not padded base64: ${String(text).slice(0, 100)}`);
  }
}

function unhex(text, what) {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new Mismatch(`${what} is not hex: ${String(text).slice(0, 100)}`);
  }
  return sodium.from_hex(text);
}

function concat(...parts) {
  const bytes = parts.map((p) => (typeof p === 'string' ? utf8(p) : p));
  const out = new Uint8Array(bytes.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of bytes) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ------------------------------------------------------------------ the account

/**
 * An account from its Ed25519 seed: the 05 Session ID is the X25519 form of the Ed25519 key
 * (crypto_sign_ed25519_pk_to_curve25519), as Session clients derive it. With `wrong`, requests
 * are signed by another key while naming this one, which a node must refuse (401).
 */
function account(seedHex, wrong) {
  const seed = seedHex === undefined ? sodium.randombytes_buf(32) : unhexSeed(seedHex);
  const keys = sodium.crypto_sign_seed_keypair(seed);
  const x25519 = sodium.crypto_sign_ed25519_pk_to_curve25519(keys.publicKey);
  let signingKey = keys.privateKey;
  if (wrong) {
    const other = Uint8Array.from(seed);
    other[31] ^= 1;
    signingKey = sodium.crypto_sign_seed_keypair(other).privateKey;
  }
  return {
    // A generated seed is printed, so that the account can be read again with --seed.
    seed: seedHex === undefined ? sodium.to_hex(seed) : undefined,
    raw: concat(Uint8Array.of(0x05), x25519),
    sessionId: '05' + sodium.to_hex(x25519),
    ed25519: sodium.to_hex(keys.publicKey),
    sign: (...parts) => b64(sodium.crypto_sign_detached(concat(...parts), signingKey)),
  };
}

function unhexSeed(text) {
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new UsageError('--seed takes 64 hex characters');
  return sodium.from_hex(text);
}

/** Integers enter signatures in decimal; namespace 0 enters as nothing. */
const nsText = (namespace) => (namespace === 0 ? '' : String(namespace));

/**
 * The storage server's message hash: unpadded base64 of
 * BLAKE2b-256(0x05 ‖ X25519 key ‖ namespace (decimal, empty for 0) ‖ data).
 */
function messageHash(me, namespace, data) {
  return b64NoPad(sodium.crypto_generichash(32, concat(me.raw, nsText(namespace), data), null));
}

// ------------------------------------------------------------------ the wire

/** Talks to one node; its clock (from `info`) signs every timestamp, as the server advises. */
class Node {
  constructor(base) {
    let url;
    try {
      url = new URL('storage_rpc/v1', base.endsWith('/') ? base : base + '/');
    } catch {
      throw new UsageError(`not a URL: ${base}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UsageError(`not an http:// or https:// URL: ${base}`);
    }
    this.url = url;
    this.offset = 0;
    this.last = 0;
  }

  /** The node's time in ms, strictly increasing: equal signed requests would be replays. */
  now() {
    this.last = Math.max(Date.now() + this.offset, this.last + 1);
    return this.last;
  }

  async rpc(method, params) {
    let response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ method, params }),
      });
    } catch (e) {
      const cause = e.cause ? `: ${[e.cause.code, e.cause.message || e.cause].filter(Boolean).join(' ')}` : '';
      throw new Mismatch(`cannot reach ${this.url}${cause}`, { method });
    }
    const body = await response.text();
    if (response.status !== 200) {
      throw new Mismatch(`${method} refused with ${response.status}: ${body.slice(0, 300)}`, {
        method,
        status: response.status,
        body: body.slice(0, 1000),
      });
    }
    try {
      return JSON.parse(body);
    } catch {
      throw new Mismatch(`${method} answered 200 with no JSON: ${body.slice(0, 300)}`, { method });
    }
  }

  async info() {
    const sent = Date.now();
    const answer = await this.rpc('info', {});
    if (!Number.isSafeInteger(answer.timestamp)) throw new Mismatch('info has no timestamp', { answer });
    this.offset = answer.timestamp - Math.round((sent + Date.now()) / 2);
    return { version: answer.version, clock_offset_ms: this.offset };
  }
}

function expect(condition, message, details) {
  if (!condition) throw new Mismatch(message, details);
}

/**
 * Checks a `swarm` answer: every member that did not fail signed `message(entry)` with its
 * Ed25519 key (the map's key, hex). Returns {verified: [keys], failed: {key: entry}}.
 */
function checkSwarm(method, answer, message) {
  const swarm = answer.swarm;
  expect(swarm && typeof swarm === 'object' && Object.keys(swarm).length > 0,
    `${method} answered no swarm`, { answer });
  const verified = [];
  const failed = {};
  for (const [member, entry] of Object.entries(swarm)) {
    if (entry.failed) {
      failed[member] = entry;
      continue;
    }
    const key = unhex(member, `${method} swarm member key`);
    expect(key.length === 32, `${method}: member key ${member} is not 32 bytes`);
    const signature = unb64(entry.signature, `${method} receipt of ${member}`);
    expect(sodium.crypto_sign_verify_detached(signature, message(entry), key),
      `${method}: the receipt of ${member} does not verify`, { entry });
    verified.push(member);
  }
  expect(verified.length > 0, `${method}: no member carried it out`, { failed });
  return { verified, failed };
}

// ------------------------------------------------------------------ the methods

async function store(node, me, namespace, data, ttl) {
  const timestamp = node.now();
  const params = { pubkey: me.sessionId, timestamp, ttl, data: b64(data) };
  if (namespace !== 0) params.namespace = namespace;
  if (namespace % 10 !== 0) {
    const sigTimestamp = node.now();
    params.sig_timestamp = sigTimestamp;
    params.pubkey_ed25519 = me.ed25519;
    params.signature = me.sign('store', nsText(namespace), String(sigTimestamp));
  }
  const answer = await node.rpc('store', params);
  const hash = messageHash(me, namespace, data);
  expect(answer.hash === hash, `store: the node's hash ${answer.hash} is not ${hash}`, { answer });
  // Each member signs the hash text it stored.
  const receipts = checkSwarm('store', answer, (entry) => {
    expect(entry.hash === hash, `store: a member's hash ${entry.hash} is not ${hash}`, { entry });
    // A copy it already had keeps its own expiry.
    expect(entry.already || entry.expiry === timestamp + ttl,
      `store: a member's expiry ${entry.expiry} is not ${timestamp + ttl}`, { entry });
    return utf8(entry.hash);
  });
  return { namespace, hash, timestamp, expiry: timestamp + ttl, ...receipts };
}

/** Every message of `namespace`, page by page; each one's hash recomputed from its data. */
async function retrieve(node, me, namespace) {
  const messages = [];
  let lastHash;
  for (;;) {
    const timestamp = node.now();
    const params = {
      pubkey: me.sessionId,
      pubkey_ed25519: me.ed25519,
      timestamp,
      signature: me.sign('retrieve', nsText(namespace), String(timestamp)),
    };
    if (namespace !== 0) params.namespace = namespace;
    if (lastHash !== undefined) params.last_hash = lastHash;
    const answer = await node.rpc('retrieve', params);
    expect(Array.isArray(answer.messages) && typeof answer.more === 'boolean',
      'retrieve: no messages and more', { answer });
    for (const m of answer.messages) {
      const data = unb64(m.data, 'retrieve data');
      const hash = messageHash(me, namespace, data);
      expect(m.hash === hash, `retrieve: the node's hash ${m.hash} is not ${hash}`, { message: m });
      expect(Number.isSafeInteger(m.timestamp) && Number.isSafeInteger(m.expiration),
        'retrieve: a message without timestamp and expiration', { message: m });
      messages.push({
        hash,
        timestamp: m.timestamp,
        expiration: m.expiration,
        data_base64: m.data,
        text: new TextDecoder('utf-8', { fatal: false }).decode(data),
      });
    }
    if (!answer.more || answer.messages.length === 0) return messages;
    lastHash = answer.messages[answer.messages.length - 1].hash;
  }
}

async function getExpiries(node, me, hashes) {
  const timestamp = node.now();
  const answer = await node.rpc('get_expiries', {
    pubkey: me.sessionId,
    pubkey_ed25519: me.ed25519,
    messages: hashes,
    timestamp,
    signature: me.sign('get_expiries', String(timestamp), ...hashes),
  });
  expect(answer.expiries && typeof answer.expiries === 'object', 'get_expiries: no expiries', { answer });
  return answer.expiries;
}

/** expire with `shorten`; each member signs PUBKEY_HEX ‖ expiry ‖ requested ‖ updated ‖ unchanged. */
async function shorten(node, me, hashes, expiry) {
  const answer = await node.rpc('expire', {
    pubkey: me.sessionId,
    pubkey_ed25519: me.ed25519,
    messages: hashes,
    expiry,
    shorten: true,
    signature: me.sign('expire', 'shorten', String(expiry), ...hashes),
  });
  const receipts = checkSwarm('expire', answer, (entry) => {
    expect(Array.isArray(entry.updated), 'expire: a member answered no updated list', { entry });
    const unchanged = entry.unchanged || {};
    return concat(me.sessionId, String(entry.expiry), ...hashes, ...entry.updated,
      ...Object.keys(unchanged).sort().flatMap((h) => [h, String(unchanged[h])]));
  });
  for (const member of receipts.verified) {
    const entry = answer.swarm[member];
    expect(entry.expiry === expiry, `expire: ${member} applied ${entry.expiry}, not ${expiry}`, { entry });
    expect([...hashes].sort().join() === [...entry.updated].sort().join(),
      `expire: ${member} updated ${entry.updated}`, { entry });
  }
  return receipts;
}

/** delete; each member signs PUBKEY_HEX ‖ requested ‖ deleted. */
async function deleteMessages(node, me, hashes) {
  const answer = await node.rpc('delete', {
    pubkey: me.sessionId,
    pubkey_ed25519: me.ed25519,
    messages: hashes,
    signature: me.sign('delete', ...hashes),
  });
  const receipts = checkSwarm('delete', answer, (entry) => {
    expect(Array.isArray(entry.deleted), 'delete: a member answered no deleted list', { entry });
    return concat(me.sessionId, ...hashes, ...entry.deleted);
  });
  for (const member of receipts.verified) {
    const deleted = answer.swarm[member].deleted;
    expect([...hashes].sort().join() === deleted.join(),
      `delete: ${member} deleted ${deleted}, not ${hashes} (sorted)`, { deleted });
  }
  return receipts;
}

// ------------------------------------------------------------------ commands

async function cmdRoundtrip(node, me, options) {
  const out = { session_id: me.sessionId, pubkey_ed25519: me.ed25519, seed: me.seed };
  out.info = await node.info();
  const data = utf8(options.data);
  const namespaces = [0, options.privateNamespace];
  out.stored = [];
  for (const namespace of namespaces) {
    out.stored.push(await store(node, me, namespace, data, options.ttl));
  }
  const hashes = out.stored.map((s) => s.hash);
  expect(hashes[0] !== hashes[1], 'the namespace does not enter the hash');

  out.retrieved = {};
  for (const [i, namespace] of namespaces.entries()) {
    const messages = await retrieve(node, me, namespace);
    const mine = messages.find((m) => m.hash === hashes[i]);
    expect(mine, `retrieve: ${hashes[i]} is not in namespace ${namespace}`, { messages });
    expect(mine.data_base64 === b64(data), `retrieve: the data of ${hashes[i]} changed`, { mine });
    // The storage server keeps the store's timestamp and expiry with the message.
    expect(mine.timestamp === out.stored[i].timestamp,
      `retrieve: ${hashes[i]} has timestamp ${mine.timestamp}, not ${out.stored[i].timestamp}`);
    expect(mine.expiration === out.stored[i].expiry,
      `retrieve: ${hashes[i]} expires at ${mine.expiration}, not ${out.stored[i].expiry}`);
    out.retrieved[namespace] = messages;
  }

  const expiries = await getExpiries(node, me, hashes);
  for (const [i, hash] of hashes.entries()) {
    expect(expiries[hash] === out.stored[i].expiry,
      `get_expiries: ${hash} expires at ${expiries[hash]}, not ${out.stored[i].expiry}`, { expiries });
  }
  // Earlier than both expiries, later than now: a shortening that changes both.
  const soon = Math.min(...out.stored.map((s) => s.expiry)) - Math.floor(options.ttl / 2);
  out.expire = { expiry: soon, ...(await shorten(node, me, hashes, soon)) };
  const shortened = await getExpiries(node, me, hashes);
  for (const hash of hashes) {
    expect(shortened[hash] === soon, `get_expiries after expire: ${hash} at ${shortened[hash]}, not ${soon}`);
  }
  out.expiries = shortened;

  out.delete = await deleteMessages(node, me, hashes);
  out.after_delete = {};
  for (const [i, namespace] of namespaces.entries()) {
    const messages = await retrieve(node, me, namespace);
    expect(!messages.some((m) => m.hash === hashes[i]), `retrieve: ${hashes[i]} is still there after delete`);
    out.after_delete[namespace] = messages.length;
  }
  out.ok = true;
  return out;
}

async function cmdStore(node, me, options) {
  await node.info();
  const stored = await store(node, me, options.namespace, utf8(options.data), options.ttl);
  return { session_id: me.sessionId, seed: me.seed, ...stored };
}

async function cmdRetrieve(node, me, options) {
  await node.info();
  const messages = await retrieve(node, me, options.namespace);
  return { session_id: me.sessionId, namespace: options.namespace, messages };
}

function integer(flag, text, min, max) {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} takes an integer from ${min} to ${max}, not ${text}`);
  }
  return value;
}

function parseOptions(args) {
  const options = {
    // Timed, so that runs with one --seed store different messages (a node may refuse to
    // store again a message its owner deleted).
    data: `hello from a client written outside sesh at ${new Date().toISOString()}`,
    namespace: 0,
    privateNamespace: 5,
    ttl: 3_600_000,
    wrongSignature: false,
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = () => {
      if (i + 1 >= args.length) throw new UsageError(`${flag} takes a value`);
      return args[++i];
    };
    switch (flag) {
      case '--seed': options.seed = value(); break;
      case '--data': options.data = value(); break;
      case '--namespace': options.namespace = integer(flag, value(), -32768, 32767); break;
      case '--private-namespace': options.privateNamespace = integer(flag, value(), -32768, 32767); break;
      case '--ttl': options.ttl = integer(flag, value(), 0, Number.MAX_SAFE_INTEGER); break;
      case '--wrong-signature': options.wrongSignature = true; break;
      default: throw new UsageError(`unknown option: ${flag}`);
    }
  }
  if (options.privateNamespace % 10 === 0) {
    throw new UsageError('--private-namespace must not be divisible by 10 (those take unsigned stores)');
  }
  return options;
}

async function main(argv) {
  const [command, ...rest] = argv;
  const commands = { roundtrip: cmdRoundtrip, store: cmdStore, retrieve: cmdRetrieve };
  if (command === '-h' || command === '--help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === 'version') {
    const { name, version } = await load();
    print({ [name]: version, libsodium: sodium.sodium_version_string() });
    return 0;
  }
  const run = commands[command];
  if (!run) throw new UsageError(command === undefined ? 'a command is required' : `unknown command: ${command}`);
  if (rest.length === 0 || rest[0].startsWith('--')) throw new UsageError(`${command} takes a URL`);
  const node = new Node(rest[0]);
  const options = parseOptions(rest.slice(1));
  await load();
  const me = account(options.seed, options.wrongSignature);
  try {
    print(await run(node, me, options));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    // Anything else (a field of the wrong type in an answer, ...) is reported the same way.
    print(e instanceof Mismatch ? { error: e.message, ...e.details } : { error: `${e.name}: ${e.message}` });
    return 1;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(
    'usage: node scripts/storage-rpc-client.mjs {roundtrip,store,retrieve,version} URL [OPTIONS] (--help for more)\n' +
      `storage-rpc-client.mjs: error: ${e.message}\n`);
  process.exitCode = 2;
}
