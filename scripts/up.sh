#!/usr/bin/env bash
# `just up`: the whole system on this machine. Starts anvil, deploys every
# contract, funds the dev accounts with test SESH, then waits until Ctrl-C.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/foundry.sh"
state="$root/.local"
port="${SESH_ANVIL_PORT:-8545}"
rpc="http://127.0.0.1:$port"
# anvil's well-known first dev key: deployer and governance of the local chain.
deployer_key=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
mkdir -p "$state"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# cast exits 0 even when nothing answers, so look at what it prints.
chain_answers() { [ -n "$("$cast" chain-id --rpc-url "$rpc" 2>/dev/null)" ]; }

if chain_answers; then
  echo "error: something already answers on $rpc; stop it or set SESH_ANVIL_PORT" >&2
  exit 1
fi

echo "==> starting anvil on $rpc (log: .local/anvil.log)"
"$anvil" --port "$port" --silent >"$state/anvil.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
  chain_answers && break
  sleep 0.2
done

echo "==> deploying the contracts"
mkdir -p "$root/contracts/deployments"
(cd "$root/contracts" && "$forge" script script/Deploy.s.sol --rpc-url "$rpc" \
  --broadcast --private-key "$deployer_key" -q >"$state/deploy.log" 2>&1) || {
  cat "$state/deploy.log" >&2
  exit 1
}
manifest="$root/contracts/deployments/31337.json"
sesh=$(node -e "console.log(require('$manifest').contracts.sesh)")

echo "==> funding dev accounts 0-4 with 100,000 test SESH each"
for i in 0 1 2 3 4; do
  account=$("$cast" wallet address --mnemonic "test test test test test test test test test test test junk" --mnemonic-index "$i")
  "$cast" send "$sesh" "faucet(address,uint256)" "$account" 100000000000000 \
    --rpc-url "$rpc" --private-key "$deployer_key" >/dev/null
done

echo "==> building sesh and registry-node"
(cd "$root" && cargo build -q --bin sesh --bin registry-node)
node_bin="$root/target/debug/registry-node"
staking=$(node -e "console.log(require('$manifest').contracts.nodeStaking)")
requirement=$(node -e "console.log(require('$manifest').parameters.stakingRequirement)")

# Three local nodes, operated (and voted for) by dev accounts 1-3, each staking
# the whole (local, small) requirement so it is active at once.
operator_keys=(
  0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
  0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a
  0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6
)
for i in 1 2 3; do
  data="$state/node-$i"
  port=$((8700 + i))
  key=${operator_keys[$((i - 1))]}
  operator=$("$cast" wallet address --private-key "$key")
  if [ ! -f "$data/node.key" ]; then
    "$node_bin" init --data-dir "$data" >/dev/null
  fi
  # The operator is also the node's signer: it signs the node's deregistration votes
  # (voting.key, read from the data folder) and pays to submit them (docs/policing.md).
  (umask 077 && echo "$key" >"$data/voting.key")
  echo "==> node $i: staking $(node -e "console.log(Number(BigInt('$requirement') / 10n**9n))") SESH as $operator, serving http://127.0.0.1:$port"
  proof=$("$node_bin" sign-registration --data-dir "$data" --rpc-url "$rpc" --deployment "$manifest" \
    --operator "$operator" --signer "$operator")
  ed_key=$(node -e "console.log(JSON.parse(process.argv[1]).ed25519_key)" "$proof")
  ed_sig=$(node -e "console.log(JSON.parse(process.argv[1]).ed25519_signature)" "$proof")
  "$cast" send "$sesh" "faucet(address,uint256)" "$operator" "$requirement" \
    --rpc-url "$rpc" --private-key "$deployer_key" >/dev/null
  "$cast" send "$sesh" "approve(address,uint256)" "$staking" "$requirement" \
    --rpc-url "$rpc" --private-key "$key" >/dev/null
  "$cast" send "$staking" \
    "createNode((bytes32,bytes,address,string,uint256,uint256,(address,uint256)[]))" \
    "($ed_key,$ed_sig,$operator,http://127.0.0.1:$port,0,$requirement,[])" \
    --rpc-url "$rpc" --private-key "$key" >/dev/null
  rm -rf "$data/index.redb"
  "$node_bin" run --data-dir "$data" --rpc-url "$rpc" --deployment "$manifest" \
    --listen "127.0.0.1:$port" --confirmations 0 --poll-interval-ms 500 \
    --operator-key-file "$data/voting.key" \
    >"$state/node-$i.log" 2>&1 &
  pids+=($!)
done
active=$("$cast" call "$staking" "activeNodeCount()(uint256)" --rpc-url "$rpc")
if [ "$active" != 3 ]; then
  echo "error: expected 3 active nodes after staking, the chain has ${active:-none}" >&2
  exit 1
fi
for i in 1 2 3; do
  for _ in $(seq 1 50); do
    node -e "fetch('http://127.0.0.1:$((8700 + i))/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" && break
    sleep 0.2
  done
done

cat <<EOM

The local Session name system is up.
  chain           $rpc (chain id 31337)
  manifest        contracts/deployments/31337.json
$(node -e "const m=require('$manifest'); for (const [k,v] of Object.entries(m.contracts)) console.log('  ' + k.padEnd(15) + ' ' + v)")
  registry nodes  http://127.0.0.1:8701  http://127.0.0.1:8702  http://127.0.0.1:8703  (logs: .local/node-*.log)

Dev accounts 0-4 of the mnemonic "test test ... junk" hold 100,000 SESH each.
Try, in another shell:
  export PATH="$root/target/debug:\$PATH" SESH_PASSWORD=dev
  sesh wallet restore --name dev --mnemonic-file <(echo test test test test test test test test test test test junk) --yes
  sesh balance
  sesh name check alice
  sesh name register alice --yes
  sesh name lookup alice
  curl -s http://127.0.0.1:8701/v1/names/alice
  sesh msg send alice "hello, alice"
  sesh msg inbox
  sesh stake nodes

Press Ctrl-C to stop.
EOM
wait
