// Finds the npm packages the scripts run with: in contracts/node_modules, where `./just
// install` puts them (pinned in contracts/package.json), and, for a script that allows it,
// then in the current folder (`npm install libsodium-wrappers-sumo` anywhere). The one home
// of this lookup for scripts/libsodium.mjs, session-reference.mjs and storage-rpc-client.mjs;
// it knows nothing of our formats, so a script using it still computes every byte itself.

import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const CONTRACTS = new URL('../../contracts/package.json', import.meta.url);

/** libsodium's JavaScript build: the sumo one (pinned; it has the Ed25519 point and scalar
 * functions), and the plain one, enough for a client that only signs, hashes and converts keys. */
export const SUMO = 'libsodium-wrappers-sumo';
export const PLAIN = 'libsodium-wrappers';

/**
 * The first of `names` installed in contracts/node_modules, then (with `cwd`) in the current
 * folder: `{ name, module, version }`, or null when none is.
 */
export function findPackage(names, { cwd = false } = {}) {
  const roots = [CONTRACTS, ...(cwd ? [path.join(process.cwd(), 'package.json')] : [])];
  for (const root of roots) {
    const require = createRequire(root);
    for (const name of names) {
      let entry;
      try {
        entry = require.resolve(name);
      } catch {
        continue;
      }
      return { name, module: require(name), version: packageVersion(entry, name) };
    }
  }
  return null;
}

/** The version in the package.json named `name` above `entry` (exports maps hide that file). */
function packageVersion(entry, name) {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.name === name) return pkg.version;
    }
  }
  return null;
}

/**
 * The first of `names` as [findPackage] finds it; when none is installed, prints
 * `{"error": ...}` on stdout (as every script reports failures) and exits with status 3.
 */
export function requirePackage(names, { cwd = false } = {}) {
  const found = findPackage(names, { cwd });
  if (found) return found;
  const where = cwd ? 'contracts/node_modules or here' : 'contracts/node_modules';
  const fix = cwd ? `run ./just install, or npm install ${names[0]} here` : 'run ./just install';
  process.stdout.write(JSON.stringify({ error: `${names[0]} is not installed in ${where}: ${fix}` }) + '\n');
  process.exit(3);
}

/** libsodium, ready to use: `{ name, module, version }`, the first of `names` ([requirePackage]). */
export async function loadSodium(names = [SUMO], { cwd = false } = {}) {
  const found = requirePackage(names, { cwd });
  await found.module.ready;
  return found;
}
