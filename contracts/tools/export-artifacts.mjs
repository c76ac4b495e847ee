#!/usr/bin/env node
// Copies the ABI and bytecode of our deployable contracts from forge's `out/`
// into `core/artifacts/`, where alloy's `sol!` reads them. The copies are
// committed so `cargo build` needs no Node and no forge.
//
//   node tools/export-artifacts.mjs          write core/artifacts/*.json
//   node tools/export-artifacts.mjs --check  fail if a committed copy is stale
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const contractsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(contractsDir, process.env.FOUNDRY_OUT ?? 'out');
const targetDir = path.resolve(contractsDir, '..', 'core', 'artifacts');

// Contracts the Rust side deploys or calls, by source file.
export const CONTRACTS = {
  TestSESH: 'TestSESH.sol',
  RewardsPool: 'RewardsPool.sol',
  NameRegistry: 'NameRegistry.sol',
  NameMarket: 'NameMarket.sol',
  Premium: 'Premium.sol',
  NodeStaking: 'NodeStaking.sol',
};

const check = process.argv.includes('--check');
const stale = [];

for (const [name, file] of Object.entries(CONTRACTS)) {
  const artifactPath = path.join(outDir, file, `${name}.json`);
  if (!fs.existsSync(artifactPath)) {
    console.error(`missing ${artifactPath}: run \`forge build\` first`);
    process.exit(1);
  }
  const artifact = JSON.parse(fs.readFileSync(artifactPath, 'utf8'));
  const exported = {
    abi: artifact.abi,
    bytecode: { object: artifact.bytecode.object },
    deployedBytecode: { object: artifact.deployedBytecode.object },
  };
  const text = `${JSON.stringify(exported, null, 2)}\n`;
  const target = path.join(targetDir, `${name}.json`);
  if (check) {
    const committed = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (committed !== text) stale.push(name);
  } else {
    fs.mkdirSync(targetDir, { recursive: true });
    fs.writeFileSync(target, text);
  }
}

if (check && stale.length > 0) {
  console.error(`stale contract bindings in core/artifacts: ${stale.join(', ')}`);
  console.error('the contracts changed since the bindings were generated: run `just bindings` and commit the result');
  process.exit(1);
}
console.log(check ? 'contract bindings are up to date' : `exported ${Object.keys(CONTRACTS).length} artifacts to core/artifacts`);
