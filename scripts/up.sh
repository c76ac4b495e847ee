#!/usr/bin/env bash
# `just up`: the whole system on this machine. Starts anvil, deploys every
# contract, funds the dev accounts with test SESH, then waits until Ctrl-C.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/contracts/node_modules/.bin"
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

if "$bin/cast" chain-id --rpc-url "$rpc" >/dev/null 2>&1; then
  echo "error: something already answers on $rpc; stop it or set SESH_ANVIL_PORT" >&2
  exit 1
fi

echo "==> starting anvil on $rpc (log: .local/anvil.log)"
"$bin/anvil" --port "$port" --silent >"$state/anvil.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
  "$bin/cast" chain-id --rpc-url "$rpc" >/dev/null 2>&1 && break
  sleep 0.2
done

echo "==> deploying the contracts"
(cd "$root/contracts" && "$bin/forge" script script/Deploy.s.sol --rpc-url "$rpc" \
  --broadcast --private-key "$deployer_key" -q >"$state/deploy.log" 2>&1) || {
  cat "$state/deploy.log" >&2
  exit 1
}
manifest="$root/contracts/deployments/31337.json"
sesh=$(node -e "console.log(require('$manifest').contracts.sesh)")

echo "==> funding dev accounts 0-4 with 100,000 test SESH each"
for i in 0 1 2 3 4; do
  account=$("$bin/cast" wallet address --mnemonic "test test test test test test test test test test test junk" --mnemonic-index "$i")
  "$bin/cast" send "$sesh" "faucet(address,uint256)" "$account" 100000000000000 \
    --rpc-url "$rpc" --private-key "$deployer_key" >/dev/null
done

cat <<EOM

The local Session name system is up.
  chain      $rpc (chain id 31337)
  manifest   contracts/deployments/31337.json
$(node -e "const m=require('$manifest'); for (const [k,v] of Object.entries(m.contracts)) console.log('  ' + k.padEnd(12) + ' ' + v)")

Dev accounts 0-4 of the mnemonic "test test ... junk" hold 100,000 SESH each.
Try:
  sesh name check alice
  contracts/node_modules/.bin/cast call $sesh "balanceOf(address)(uint256)" 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 --rpc-url $rpc

Press Ctrl-C to stop.
EOM
wait
